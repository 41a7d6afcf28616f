package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const dedicatedURL = "https://api.cloud.zilliz.com/v2/clusters/in01-6183d6bac30f801/drop"

// replayDrop sends a Drop Cluster request as zcdrop does, and returns the
// status and the body's code, or the error.
func replayDrop(t *testing.T, c *http.Client, url, key string) (status int, code int64, err error) {
	t.Helper()
	req, err := http.NewRequest(http.MethodDelete, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("User-Agent", "replay-test")
	res, err := c.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer res.Body.Close()
	var body struct{ Code int64 }
	b, _ := io.ReadAll(res.Body)
	_ = json.Unmarshal(b, &body) // HTML bodies leave code 0.
	return res.StatusCode, body.Code, nil
}

// newTestReplayer starts a Replayer on dir and closes it when the test ends.
func newTestReplayer(t *testing.T, dir string) *Replayer {
	t.Helper()
	r, err := NewReplayer(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		r.Close()
	})
	return r
}

func TestReplayer(t *testing.T) {
	violating := t.TempDir()
	writeFile(t, violating, "echo-differs.yaml", readFile(t, filepath.Join(negativeCorpus, "echo-differs.yaml")))
	const unknownURL = "https://api.cloud.zilliz.com/v2/clusters/in01-ffffffffffffff/drop"

	type call struct {
		url, key   string
		wantStatus int    // 0: the call must fail
		wantCode   int64  // the body's code, when it answers
		wantErr    string // in the client's error, when the call fails
	}
	tests := []struct {
		name          string
		dir           string
		calls         []call
		wantServed    int      // exchanges answered from a cassette
		wantUnmatched []string // Report().Unmatched
		wantErrs      []string // each must be in Report().Err(); none means it is nil
	}{
		{
			name: "the same request gets the answers in recorded order, whatever the key",
			dir:  shippedCorpus,
			calls: []call{
				{url: dedicatedURL, key: "a-real-key", wantStatus: 200, wantCode: 96014},
				{url: dedicatedURL, key: "another-key", wantStatus: 200, wantCode: 96015},
				{url: dedicatedURL, key: "a-real-key", wantStatus: 200, wantCode: 96016},
				{url: dedicatedURL, key: "a-real-key", wantStatus: 200, wantCode: 0},
			},
			wantServed: 4,
		},
		{
			name: "a request no cassette holds fails, naming method, URL and directory",
			dir:  shippedCorpus,
			calls: []call{{url: unknownURL, key: "a-real-key",
				wantErr: "no unused interaction in testdata/cassettes matches DELETE " + unknownURL}},
			wantUnmatched: []string{"DELETE " + unknownURL},
			wantErrs:      []string{"conformance: replay of testdata/cassettes:\nno unused interaction matches DELETE " + unknownURL + "; record it with conformance.NewRecorder"},
		},
		{
			name: "an interaction answers once",
			dir:  violating,
			calls: []call{
				{url: dedicatedURL, key: "k", wantStatus: 200, wantCode: 0},
				{url: dedicatedURL, key: "k", wantErr: "no unused interaction in " + violating + " matches DELETE " + dedicatedURL},
			},
			wantServed:    1,
			wantUnmatched: []string{"DELETE " + dedicatedURL},
			wantErrs:      []string{"echoes cluster", "no unused interaction matches DELETE " + dedicatedURL},
		},
		{
			name:       "a replayed violation is reported with its violations, and still served",
			dir:        violating,
			calls:      []call{{url: dedicatedURL, key: "a-real-key", wantStatus: 200, wantCode: 0}},
			wantServed: 1,
			wantErrs: []string{"conformance: replay of " + violating + ":\nreplayed DELETE " + dedicatedURL +
				" (HTTP 200) breaks openapi.yaml:\n\tsemantic /data/clusterId: echoes cluster"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newTestReplayer(t, tt.dir)
			for i, c := range tt.calls {
				status, code, err := replayDrop(t, r.Client(), c.url, c.key)
				switch {
				case c.wantStatus == 0 && err == nil:
					t.Errorf("call %d: got HTTP %d, want an error", i, status)
				case c.wantStatus == 0:
					if !strings.Contains(err.Error(), c.wantErr) {
						t.Errorf("call %d: error %q, want it to contain %q", i, err, c.wantErr)
					}
					if strings.Contains(err.Error(), "a-real-key") {
						t.Errorf("call %d: the error quotes the key: %q", i, err)
					}
				case err != nil:
					t.Errorf("call %d: %v", i, err)
				case status != c.wantStatus || code != c.wantCode:
					t.Errorf("call %d: HTTP %d code %d, want HTTP %d code %d", i, status, code, c.wantStatus, c.wantCode)
				}
			}

			report := r.Report()
			if report.Dir != tt.dir {
				t.Errorf("Report().Dir = %q, want %q", report.Dir, tt.dir)
			}
			if len(report.Served) != tt.wantServed {
				t.Errorf("served %d exchanges, want %d: %+v", len(report.Served), tt.wantServed, report.Served)
			}
			for _, res := range report.Served {
				if res.StatusCode != http.StatusOK || res.Method != http.MethodDelete {
					t.Errorf("served %+v, want a DELETE answered with HTTP 200", res)
				}
			}
			if !slices.Equal(report.Unmatched, tt.wantUnmatched) {
				t.Errorf("Unmatched = %q, want %q", report.Unmatched, tt.wantUnmatched)
			}
			err := report.Err()
			if len(tt.wantErrs) == 0 {
				if err != nil {
					t.Errorf("Err() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Err() = nil, want an error containing %q", tt.wantErrs)
			}
			for _, want := range tt.wantErrs {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("Err() = %q, want it to contain %q", err, want)
				}
			}
			if strings.Contains(err.Error(), "a-real-key") {
				t.Errorf("Err() quotes the key: %q", err)
			}
		})
	}
}

func TestNewReplayerRefusesUnusableDirs(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing")
	empty := t.TempDir()
	// The Replayer reads cassettes as the gate does: it serves only what
	// the gate would check.
	twoDocs := t.TempDir()
	twoDocsFile := writeFile(t, twoDocs, "two.yaml", readFile(t, filepath.Join(unreadableCorpus, "second-document.yaml")))
	tests := []struct {
		name     string
		dir      string
		file     string // the file the error names, when not dir
		want     string
		notExist bool // errors.Is(err, fs.ErrNotExist)
	}{
		{name: "a missing directory", dir: missing, want: "conformance: " + missing + ": no such file or directory", notExist: true},
		{name: "an empty directory", dir: empty, want: "conformance: " + empty + ": directory holds no *.yaml, *.yml or *.har files"},
		{name: "a cassette of two documents", dir: twoDocs, file: twoDocsFile,
			want: "conformance: " + twoDocsFile + ": holds more than one YAML document; a cassette is one, and go-vcr would read only the first"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewReplayer(tt.dir)
			if err == nil {
				r.Close()
				t.Fatal("NewReplayer succeeded, want an error")
			}
			file := tt.file
			if file == "" {
				file = tt.dir
			}
			var ce *CassetteError
			if !errors.As(err, &ce) || ce.File != file {
				t.Errorf("got %#v, want a *CassetteError for %s", err, file)
			}
			if err.Error() != tt.want {
				t.Errorf("got %q, want %q", err, tt.want)
			}
			if got := errors.Is(err, fs.ErrNotExist); got != tt.notExist {
				t.Errorf("errors.Is(err, fs.ErrNotExist) = %v, want %v", got, tt.notExist)
			}
		})
	}
}

func TestReplayerMatchesHeaders(t *testing.T) {
	r := newTestReplayer(t, shippedCorpus)
	// Without the Accept header the cassettes hold, nothing matches: only
	// Authorization and User-Agent are ignored.
	req, err := http.NewRequest(http.MethodDelete, dedicatedURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer k")
	if res, err := r.Client().Do(req); err == nil {
		res.Body.Close()
		t.Fatalf("a request without Accept got HTTP %d, want no match", res.StatusCode)
	}
	report := r.Report()
	if want := []string{"DELETE " + dedicatedURL}; !slices.Equal(report.Unmatched, want) || len(report.Served) != 0 {
		t.Errorf("served %d, unmatched %q; want nothing served and %q unmatched", len(report.Served), report.Unmatched, want)
	}
	if err := report.Err(); err == nil || !strings.Contains(err.Error(), "no unused interaction") {
		t.Errorf("Err() = %v, want one missing interaction", err)
	}
}

// TestReplayerRefusesWhatItCannotAnswer: a request whose context has ended,
// one that comes after Close, and one whose body is over the limit are
// answered with an error, never with a recorded answer, and none of them
// uses up an interaction.
func TestReplayerRefusesWhatItCannotAnswer(t *testing.T) {
	r, err := NewReplayer(shippedCorpus)
	if err != nil {
		t.Fatal(err)
	}
	newDrop := func(ctx context.Context, body io.Reader) *http.Request {
		req, err := http.NewRequestWithContext(ctx, http.MethodDelete, dedicatedURL, body)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Accept", "application/json")
		req.Header.Set("Authorization", "Bearer any-key")
		return req
	}
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.Client().Do(newDrop(ended, nil)); !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled request: %v, want context.Canceled", err)
	}
	big := strings.NewReader(strings.Repeat("x", DefaultMaxBodyBytes+1))
	if _, err := r.Client().Do(newDrop(context.Background(), big)); err == nil || !strings.Contains(err.Error(), "request body exceeds") {
		t.Errorf("an oversized body: %v, want it refused, not cut short and matched", err)
	}
	if rep := r.Report(); len(rep.Served) != 0 {
		t.Errorf("served %d answers to requests it could not answer", len(rep.Served))
	}
	r.Close()
	if _, err := r.Client().Do(newDrop(context.Background(), nil)); err == nil || !strings.Contains(err.Error(), "is closed") {
		t.Errorf("a request after Close: %v, want it refused", err)
	}
}

// TestReplayReportErrEscapes: the error lists what cassettes and requests
// supplied, escaped, one item to a line, so that none can forge a line.
func TestReplayReportErrEscapes(t *testing.T) {
	h := hostileResult()
	r := ReplayReport{Dir: "d", Served: []Result{h}, Unmatched: []string{"DELETE https://h/\x1b]52;c;eA==\x07\nPASS"}}
	msg := r.Err().Error()
	if strings.ContainsAny(msg, "\x1b\x07\r\x00") || strings.Contains(msg, "\u202e") {
		t.Errorf("raw control characters in %q", msg)
	}
	// A header line, one for the served exchange and one for its violation,
	// and one for the unmatched request.
	if n := strings.Count(msg, "\n"); n != 3 {
		t.Errorf("%d line breaks, want 3:\n%s", n, msg)
	}
}
