package conformance

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

const canaryKey = "zc-LEAK-CANARY-7f3a9c2e"

func TestNewRecorderRedactsWhatItSaves(t *testing.T) {
	// The server echoes the key, as a careless proxy might.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("requestid", "0000000000000000000000005eed00c8")
		w.Header().Set("X-Seen-Authorization", r.Header.Get("Authorization"))
		io.WriteString(w, `{"data":{"prompt":"seen `+r.Header.Get("Authorization")+`","clusterId":"in01-6183d6bac30f801"},"code":0}`)
	}))
	defer srv.Close()

	// go-vcr's recorder dumps requests to stderr when VCR_DEBUG is set; ours
	// must not, whatever the environment says.
	t.Setenv("VCR_DEBUG", "1")
	stderr := captureStderr(t)

	// The recorder must send through the base it was given.
	var sent atomic.Int64
	base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		sent.Add(1)
		return srv.Client().Transport.RoundTrip(r)
	})
	dir := t.TempDir()
	rec, err := NewRecorder(dir, "echo", base, canaryKey)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodDelete, srv.URL+"/v2/clusters/in01-6183d6bac30f801/drop", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+canaryKey)
	req.Header.Set("Accept", "application/json")
	res, err := (&http.Client{Transport: rec}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if sent.Load() != 1 {
		t.Errorf("%d requests went through the base transport, want 1", sent.Load())
	}
	if got := res.Header.Get("X-Seen-Authorization"); got != "Bearer "+canaryKey {
		t.Errorf("the program saw %q, want the real value", got)
	}
	if err := rec.Stop(); err != nil {
		t.Fatal(err)
	}

	file := filepath.Join(dir, "echo.yaml")
	saved := readFile(t, file)
	if strings.Contains(saved, canaryKey) {
		t.Errorf("the cassette holds the key:\n%s", saved)
	}
	for _, want := range []string{"Bearer REDACTED", "0000000000000000000000005eed00c8"} {
		if !strings.Contains(saved, want) {
			t.Errorf("the cassette lacks %q:\n%s", want, saved)
		}
	}
	if got := stderr(); strings.Contains(got, canaryKey) {
		t.Errorf("stderr holds the key:\n%s", got)
	}
	results, err := newTestValidator(t).CheckCassettes(context.Background(), file)
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 1 || !results[0].OK {
		t.Errorf("the gate rejects the redacted recording: %+v", results)
	}
}

// roundTripFunc lets a function stand in for an http.RoundTripper.
type roundTripFunc func(*http.Request) (*http.Response, error)

// RoundTrip implements http.RoundTripper.
func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// captureStderr redirects os.Stderr until the test ends and returns a
// function that stops the capture and returns what was written.
func captureStderr(t *testing.T) func() string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stderr
	os.Stderr = w
	done := make(chan string)
	go func() {
		b, _ := io.ReadAll(r)
		done <- string(b)
	}()
	var out *string
	stop := func() string {
		if out == nil {
			os.Stderr = saved
			w.Close()
			s := <-done
			out = &s
		}
		return *out
	}
	t.Cleanup(func() { stop() })
	return stop
}

func TestNewRecorderRefusesBadNames(t *testing.T) {
	tests := []struct {
		name, dir, cassette, want string
	}{
		{"empty dir", "", "probe", "empty directory"},
		{"empty name", t.TempDir(), "", "must be a plain file name"},
		{"path in name", t.TempDir(), "../probe", "must be a plain file name"},
		{"dot dot", t.TempDir(), "..", "must be a plain file name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, err := NewRecorder(tt.dir, tt.cassette, nil, canaryKey)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("NewRecorder(%q, %q) = %v, %v; want an error containing %q", tt.dir, tt.cassette, rec, err, tt.want)
			}
		})
	}
}
