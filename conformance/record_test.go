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

// TestRecorderBodyLimits: a request body is recorded as it was sent, and a
// body over the limit, either way, fails the request and is not recorded.
func TestRecorderBodyLimits(t *testing.T) {
	var seen atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		seen.Store(string(b))
		io.WriteString(w, r.URL.Query().Get("answer"))
	}))
	defer srv.Close()
	tests := []struct {
		name, reqBody, answer string
		wantErr               string
	}{
		{name: "both within the limit", reqBody: "0123456789abcdef", answer: "fedcba9876543210"},
		{name: "request body over the limit", reqBody: "0123456789abcdefX", answer: "ok", wantErr: "request body exceeds 16 bytes"},
		{name: "response body over the limit", reqBody: "small", answer: "fedcba9876543210X", wantErr: "response body exceeds 16 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen.Store("")
			dir := t.TempDir()
			rec, err := NewRecorder(dir, "limits", nil)
			if err != nil {
				t.Fatal(err)
			}
			rec.limit = 16
			res, err := (&http.Client{Transport: rec}).Post(srv.URL+"/?answer="+tt.answer, "text/plain", strings.NewReader(tt.reqBody))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, want an error saying %q", err, tt.wantErr)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				got, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if string(got) != tt.answer || seen.Load() != tt.reqBody {
					t.Errorf("the server saw %q and answered %q; want %q and %q", seen.Load(), got, tt.reqBody, tt.answer)
				}
			}
			if err := rec.Stop(); err != nil {
				t.Fatal(err)
			}
			saved := readFile(t, filepath.Join(dir, "limits.yaml"))
			recorded := strings.Contains(saved, "answer=")
			if recorded != (tt.wantErr == "") {
				t.Errorf("recorded: %v, want %v:\n%s", recorded, tt.wantErr == "", saved)
			}
			if tt.wantErr == "" && !strings.Contains(saved, "body: "+tt.reqBody) {
				t.Errorf("the request body is not recorded as sent:\n%s", saved)
			}
		})
	}
}
