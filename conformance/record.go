package conformance

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"

	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/recorder"

	"github.com/zcdrop/zcdrop/internal/redact"
)

// RedactHook returns a go-vcr hook that scrubs an interaction of secrets:
// every Authorization header keeps its scheme and becomes "Bearer REDACTED",
// and every occurrence of any of secrets in the request's URL, host, form,
// headers, trailers and body, and in the response's status, headers,
// trailers and body, becomes REDACTED. Empty secrets are ignored. Other
// headers, the requestid header among them, are kept.
//
// Register it as a recorder.BeforeSaveHook, so that the program sees the real
// values and only the saved copy is scrubbed:
//
//	recorder.New(name, recorder.WithHook(conformance.RedactHook(key), recorder.BeforeSaveHook))
//
// The hook builds new header maps instead of editing the recorded ones, which
// are the very maps of the request and response that the program holds.
func RedactHook(secrets ...string) recorder.HookFunc {
	s := redact.New(secrets...)
	return func(i *cassette.Interaction) error {
		req, res := &i.Request, &i.Response
		req.URL = s.String(req.URL)
		req.Host = s.String(req.Host)
		req.RequestURI = s.String(req.RequestURI)
		body := req.Body
		req.Body, req.ContentLength = scrubBody(s, req.Body, req.ContentLength)
		req.Headers = fixLength(s.Header(req.Headers), body, req.Body)
		req.Trailer = s.Header(req.Trailer)
		req.Form = scrubForm(s, req.Form)
		res.Status = s.String(res.Status)
		body = res.Body
		res.Body, res.ContentLength = scrubBody(s, res.Body, res.ContentLength)
		res.Headers = fixLength(s.Header(res.Headers), body, res.Body)
		res.Trailer = s.Header(res.Trailer)
		return nil
	}
}

// scrubBody scrubs body and keeps a content length that described it true.
func scrubBody(s *redact.Secrets, body string, length int64) (string, int64) {
	out := s.String(body)
	if length == int64(len(body)) {
		length = int64(len(out))
	}
	return out, length
}

// fixLength keeps a Content-Length header that described the body before
// scrubbing true of the body after it.
func fixLength(h http.Header, before, after string) http.Header {
	if h.Get("Content-Length") == strconv.Itoa(len(before)) && len(before) != len(after) {
		h.Set("Content-Length", strconv.Itoa(len(after)))
	}
	return h
}

func scrubForm(s *redact.Secrets, f url.Values) url.Values {
	if f == nil {
		return nil
	}
	out := make(url.Values, len(f))
	for name, values := range f {
		vs := make([]string, len(values))
		for j, v := range values {
			vs[j] = s.String(v)
		}
		out[s.String(name)] = vs
	}
	return out
}

// NewRecorder returns a go-vcr recorder in recorder.ModeRecordOnly that
// sends each request through base (http.DefaultTransport when nil) and
// records it for the
// cassette dir/name.yaml, replacing whatever that file held. Before the
// cassette is saved, RedactHook(secrets...) scrubs it: pass every key the
// traffic carries. Stop saves the cassette, an empty one included, so call it
// only when something was recorded. Use the recorder as the Base of a
// Transport to validate what it records.
//
// The recorder never writes debug output: go-vcr's VCR_DEBUG would otherwise
// dump every request, key and all, to stderr.
func NewRecorder(dir, name string, base http.RoundTripper, secrets ...string) (*recorder.Recorder, error) {
	if dir == "" {
		return nil, errors.New("conformance: NewRecorder: empty directory")
	}
	if name == "" || name != filepath.Base(name) || name == "." || name == ".." {
		return nil, fmt.Errorf("conformance: NewRecorder: cassette name %q must be a plain file name", name)
	}
	if base == nil {
		base = http.DefaultTransport
	}
	rec, err := recorder.New(filepath.Join(dir, name),
		recorder.WithMode(recorder.ModeRecordOnly),
		recorder.WithRealTransport(base),
		recorder.WithHook(RedactHook(secrets...), recorder.BeforeSaveHook),
		recorder.WithDebugWriter(silent{}),
	)
	if err != nil {
		return nil, fmt.Errorf("conformance: NewRecorder: %w", err)
	}
	return rec, nil
}

// silent discards go-vcr's debug output. It is not io.Discard, because go-vcr
// replaces io.Discard with os.Stderr when VCR_DEBUG is set.
type silent struct{}

func (silent) Write(p []byte) (int, error) { return len(p), nil }
