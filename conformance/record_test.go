package conformance

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
)

const canaryKey = "zc-LEAK-CANARY-7f3a9c2e"

func TestRedactHook(t *testing.T) {
	newInteraction := func() *cassette.Interaction {
		return &cassette.Interaction{
			Request: cassette.Request{
				URL:           "https://api.cloud.zilliz.com/v2/clusters/in01-6183d6bac30f801/drop?token=" + canaryKey,
				Host:          "api.cloud.zilliz.com",
				Body:          `{"key":"` + canaryKey + `"}`,
				ContentLength: int64(len(`{"key":"` + canaryKey + `"}`)),
				Form:          url.Values{"token": {canaryKey}},
				Headers: http.Header{
					"Authorization": {"Bearer " + canaryKey},
					"X-Echo":        {"prefix-" + canaryKey + "-suffix"},
					"Accept":        {"application/json"},
				},
			},
			Response: cassette.Response{
				Body:          `{"code":21119,"message":"key ` + canaryKey + ` is illegal"}`,
				ContentLength: -1,
				Headers: http.Header{
					"Requestid":    {"0000000000000000000000005eed00c8"},
					"Content-Type": {"application/json"},
					"X-Key":        {canaryKey},
				},
			},
		}
	}
	tests := []struct {
		name      string
		secrets   []string
		wantAuth  string
		wantGone  []string // must appear nowhere in the saved interaction
		wantKept  []string // must still appear in it
		authValue string   // the Authorization header before redaction; "" keeps the default
	}{
		{
			name:     "the key everywhere",
			secrets:  []string{canaryKey},
			wantAuth: "Bearer REDACTED",
			wantGone: []string{canaryKey},
			wantKept: []string{"0000000000000000000000005eed00c8", "application/json", "prefix-REDACTED-suffix", "token=REDACTED"},
		},
		{
			name:     "empty secrets are ignored",
			secrets:  []string{"", canaryKey, ""},
			wantAuth: "Bearer REDACTED",
			wantGone: []string{canaryKey},
			wantKept: []string{"api.cloud.zilliz.com", "in01-6183d6bac30f801"},
		},
		{
			name:     "a secret inside another is replaced whole",
			secrets:  []string{"CANARY", canaryKey},
			wantAuth: "Bearer REDACTED",
			wantGone: []string{canaryKey, "zc-LEAK-", "-7f3a9c2e"},
			wantKept: []string{"prefix-REDACTED-suffix"},
		},
		{
			name:     "no secrets still redacts Authorization",
			secrets:  nil,
			wantAuth: "Bearer REDACTED",
			wantKept: []string{"X-Echo"},
		},
		{
			name:      "a header without a scheme",
			secrets:   []string{canaryKey},
			authValue: canaryKey,
			wantAuth:  "REDACTED",
			wantGone:  []string{canaryKey},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := newInteraction()
			if tt.authValue != "" {
				in.Request.Headers.Set("Authorization", tt.authValue)
			}
			original := in.Request.Headers
			if err := RedactHook(tt.secrets...)(in); err != nil {
				t.Fatal(err)
			}
			if got := in.Request.Headers.Get("Authorization"); got != tt.wantAuth {
				t.Errorf("Authorization = %q, want %q", got, tt.wantAuth)
			}
			// Every field, as JSON, stands in for the saved YAML.
			b, err := json.Marshal(in)
			if err != nil {
				t.Fatal(err)
			}
			saved := string(b)
			for _, s := range tt.wantGone {
				if strings.Contains(saved, s) {
					t.Errorf("saved interaction still holds %q:\n%s", s, saved)
				}
			}
			for _, s := range tt.wantKept {
				if !strings.Contains(saved, s) {
					t.Errorf("saved interaction lost %q:\n%s", s, saved)
				}
			}
			if in.Request.ContentLength != int64(len(in.Request.Body)) {
				t.Errorf("request content_length %d, body is %d bytes", in.Request.ContentLength, len(in.Request.Body))
			}
			if in.Response.ContentLength != -1 {
				t.Errorf("an unknown response length became %d", in.Response.ContentLength)
			}
			if got := original.Get("Authorization"); !strings.Contains(got, canaryKey) {
				t.Errorf("the program's own header map was edited: Authorization = %q", got)
			}
		})
	}
}

func TestNewRecorderRedactsWhatItSaves(t *testing.T) {
	// The server echoes the key, as a careless proxy might.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("requestid", "0000000000000000000000005eed00c8")
		w.Header().Set("X-Seen-Authorization", r.Header.Get("Authorization"))
		io.WriteString(w, `{"data":{"prompt":"seen `+r.Header.Get("Authorization")+`","clusterId":"in01-6183d6bac30f801"},"code":0}`)
	}))
	defer srv.Close()

	// go-vcr dumps requests to stderr when VCR_DEBUG is set; the recorder
	// must not.
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
	res, err := rec.GetDefaultClient().Do(req)
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

func TestRedactHookKeepsContentLengthTrue(t *testing.T) {
	body := `{"code":21119,"message":"key ` + canaryKey + ` is illegal"}`
	i := &cassette.Interaction{Response: cassette.Response{
		Body:          body,
		ContentLength: int64(len(body)),
		Headers:       http.Header{"Content-Length": {strconv.Itoa(len(body))}, "Content-Type": {"application/json"}},
	}}
	if err := RedactHook(canaryKey)(i); err != nil {
		t.Fatal(err)
	}
	want := strconv.Itoa(len(i.Response.Body))
	if got := i.Response.Headers.Get("Content-Length"); got != want || i.Response.ContentLength != int64(len(i.Response.Body)) {
		t.Errorf("Content-Length header %s, field %d; want both %s, the scrubbed body's length", got, i.Response.ContentLength, want)
	}
}
