package conformance

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRecorderHidesEncodedKeys: a server that echoes the key encoded (JSON
// \u escapes, base64 in either alphabet, percent-encoding) leaves no copy
// of it in the cassette, since the Recorder hides what internal/redact
// hides.
func TestRecorderHidesEncodedKeys(t *testing.T) {
	// '?' and '>' make the base64 alphabets differ and percent-encoding
	// change the key.
	const key = "zc-ENCODED-CANARY?>-4e1b"
	escape := func(format string) string {
		var b strings.Builder
		for _, c := range []byte(key) {
			fmt.Fprintf(&b, format, c)
		}
		return b.String()
	}
	forms := map[string]string{
		"json escapes":   escape(`\u%04x`),
		"base64 std":     base64.StdEncoding.EncodeToString([]byte(key)),
		"base64 url raw": base64.RawURLEncoding.EncodeToString([]byte(key)),
		"query escaped":  url.QueryEscape(key),
		"every byte":     escape("%%%02X"),
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Echo-Base64", forms["base64 std"])
		w.Header().Set("X-Echo-Percent", forms["every byte"])
		var prompt strings.Builder
		for _, name := range []string{"json escapes", "base64 std", "base64 url raw", "query escaped", "every byte"} {
			prompt.WriteString(" " + forms[name])
		}
		io.WriteString(w, `{"code":0,"data":{"clusterId":"in01-6183d6bac30f801","prompt":"`+prompt.String()+`"}}`)
	}))
	defer srv.Close()
	dir := t.TempDir()
	rec, err := NewRecorder(dir, "encoded", srv.Client().Transport, key)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodDelete, srv.URL+"/v2/clusters/in01-6183d6bac30f801/drop", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := (&http.Client{Transport: rec}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if err := rec.Stop(); err != nil {
		t.Fatal(err)
	}
	saved, err := os.ReadFile(filepath.Join(dir, "encoded.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	forms["raw"] = key
	for name, form := range forms {
		if strings.Contains(string(saved), form) {
			t.Errorf("the cassette holds the key %s (%s):\n%s", name, form, saved)
		}
	}
	if n := strings.Count(string(saved), "REDACTED"); n < len(forms)+2 {
		t.Errorf("the cassette says REDACTED %d times, want at least %d:\n%s", n, len(forms)+2, saved)
	}
}
