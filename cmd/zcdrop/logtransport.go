package main

import (
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/zcdrop/zcdrop/internal/redact"
)

// logTransport is drop's -v: it logs each request and response through
// slog. Everything it logs passes through secrets first, so that the key
// never reaches the log, whichever header or error echoes it.
type logTransport struct {
	base    http.RoundTripper
	log     *slog.Logger
	secrets *redact.Secrets
}

func (t *logTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.log.Debug("request", "method", req.Method, "url", t.secrets.URL(req.URL.String()), "headers", t.headers(req.Header))
	start := time.Now()
	res, err := t.base.RoundTrip(req)
	if err != nil {
		t.log.Debug("request failed", "error", t.secrets.Error(err), "elapsed", time.Since(start))
		return nil, err
	}
	t.log.Debug("response", "status", res.StatusCode, "headers", t.headers(res.Header), "elapsed", time.Since(start))
	return res, nil
}

// headers renders h on one line, sorted, with Authorization and the secrets
// redacted.
func (t *logTransport) headers(h http.Header) string {
	clean := t.secrets.Header(h)
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(clean)) {
		fmt.Fprintf(&b, "%s=%q ", k, strings.Join(clean[k], ","))
	}
	return strings.TrimSpace(b.String())
}
