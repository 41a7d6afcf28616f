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

// TestRecorderBodyLimits: a request body is recorded as it was sent; a
// request body over the limit is refused unsent; a response body over the
// limit reaches the caller whole and is left out of the cassette.
func TestRecorderBodyLimits(t *testing.T) {
	var hits atomic.Int64
	var seen atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		b, _ := io.ReadAll(r.Body)
		seen.Store(string(b))
		io.WriteString(w, r.URL.Query().Get("answer"))
	}))
	defer srv.Close()
	tests := []struct {
		name, reqBody, answer string
		wantErr               string // the request fails, and nothing is sent
		wantRecorded          bool
	}{
		{name: "both within the limit", reqBody: "0123456789abcdef", answer: "fedcba9876543210", wantRecorded: true},
		{name: "request body over the limit", reqBody: "0123456789abcdefX", answer: "ok", wantErr: "request body exceeds 16 bytes; not sent"},
		{name: "response body over the limit", reqBody: "small", answer: "fedcba9876543210X"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits.Store(0)
			seen.Store("")
			dir := t.TempDir()
			rec, err := NewRecorder(dir, "limits", nil)
			if err != nil {
				t.Fatal(err)
			}
			rec.limit = 16
			res, err := (&http.Client{Transport: rec}).Post(srv.URL+"/?answer="+tt.answer, "text/plain", strings.NewReader(tt.reqBody))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || hits.Load() != 0 {
					t.Fatalf("got %v after %d requests, want %q and none sent", err, hits.Load(), tt.wantErr)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				got, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if string(got) != tt.answer || seen.Load() != tt.reqBody {
					t.Errorf("the server saw %q and the caller read %q; want %q and %q", seen.Load(), got, tt.reqBody, tt.answer)
				}
			}
			if err := rec.Stop(); err != nil {
				t.Fatal(err)
			}
			saved := readFile(t, filepath.Join(dir, "limits.yaml"))
			if recorded := strings.Contains(saved, "answer="); recorded != tt.wantRecorded {
				t.Errorf("recorded: %v, want %v:\n%s", recorded, tt.wantRecorded, saved)
			}
			if tt.wantRecorded && !strings.Contains(saved, "body: "+tt.reqBody) {
				t.Errorf("the request body is not recorded as sent:\n%s", saved)
			}
		})
	}
}

// TestRecorderRefusesAnUnrecordableRequestUnsent: go-vcr refuses a request
// whose form does not parse before sending it; so does the Recorder, since
// for this API a request sent is a cluster dropped.
func TestRecorderRefusesAnUnrecordableRequestUnsent(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	defer srv.Close()
	rec, err := NewRecorder(t.TempDir(), "bad-form", nil)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodDelete, srv.URL+"/v2/clusters/in01-abc/drop?a=%zz", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (&http.Client{Transport: rec}).Do(req); err == nil || !strings.Contains(err.Error(), "not sent") {
		t.Errorf("got %v, want the request refused unsent", err)
	}
	if hits.Load() != 0 {
		t.Errorf("%d requests reached the server", hits.Load())
	}
}

// TestRecorderStopWritesSafely: Stop replaces a link planted at the
// cassette's name instead of writing through it, and keeps the mode of a
// cassette it replaces.
func TestRecorderStopWritesSafely(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(t.TempDir(), "precious")
	if err := os.WriteFile(target, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "planted.yaml")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	private := filepath.Join(dir, "private.yaml")
	if err := os.WriteFile(private, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"planted", "private"} {
		rec, err := NewRecorder(dir, name, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := rec.Stop(); err != nil {
			t.Fatal(err)
		}
	}
	if got := readFile(t, target); got != "keep me" {
		t.Errorf("the link's target now holds %q", got)
	}
	if info, err := os.Lstat(link); err != nil || !info.Mode().IsRegular() {
		t.Errorf("the planted link was not replaced by a cassette: %v %v", info, err)
	}
	if info, err := os.Stat(private); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("a 0600 cassette became %v (%v)", info.Mode(), err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("temporary files were left behind: %v", entries)
	}
}
