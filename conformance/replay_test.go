package conformance

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// fakeTB records what NewReplayer reports, so that tests can check that a
// failure is reported without failing themselves.
type fakeTB struct {
	mu       sync.Mutex
	errs     []string
	cleanups []func()
}

func (*fakeTB) Helper() {}

func (f *fakeTB) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errs = append(f.errs, fmt.Sprintf(format, args...))
}

func (f *fakeTB) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }

func (f *fakeTB) errors() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.errs)
}

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

func TestNewReplayer(t *testing.T) {
	violating := t.TempDir()
	writeFile(t, violating, "echo-differs.yaml", readFile(t, filepath.Join(negativeCorpus, "echo-differs.yaml")))
	missing := filepath.Join(t.TempDir(), "missing")
	empty := t.TempDir()

	type call struct {
		url, key   string
		wantStatus int   // 0: the call must fail
		wantCode   int64 // the body's code, when it answers
	}
	tests := []struct {
		name     string
		dir      string
		calls    []call
		wantErrs []string // each must be in some reported error; none means no error at all
	}{
		{
			name: "the same request gets the answers in recorded order, whatever the key",
			dir:  shippedCorpus,
			calls: []call{
				{dedicatedURL, "a-real-key", 200, 96014},
				{dedicatedURL, "another-key", 200, 96015},
				{dedicatedURL, "a-real-key", 200, 96016},
				{dedicatedURL, "a-real-key", 200, 0},
			},
		},
		{
			name:     "a request no cassette holds fails, naming method, URL and directory",
			dir:      shippedCorpus,
			calls:    []call{{"https://api.cloud.zilliz.com/v2/clusters/in01-ffffffffffffff/drop", "k", 0, 0}},
			wantErrs: []string{"no unused interaction in testdata/cassettes matches DELETE https://api.cloud.zilliz.com/v2/clusters/in01-ffffffffffffff/drop"},
		},
		{
			name: "an interaction answers once",
			dir:  violating,
			calls: []call{
				{dedicatedURL, "k", 200, 0},
				{dedicatedURL, "k", 0, 0},
			},
			wantErrs: []string{"echoes cluster", "no unused interaction in " + violating + " matches DELETE " + dedicatedURL},
		},
		{
			name:     "a replayed violation fails the test with its violations",
			dir:      violating,
			calls:    []call{{dedicatedURL, "k", 200, 0}},
			wantErrs: []string{"replayed DELETE " + dedicatedURL + " (from " + violating + ", HTTP 200) breaks openapi.yaml:\n\tsemantic /data/clusterId: echoes cluster"},
		},
		{
			name:     "a missing directory",
			dir:      missing,
			calls:    []call{{dedicatedURL, "k", 0, 0}},
			wantErrs: []string{"NewReplayer: conformance: " + missing + ": no such file or directory"},
		},
		{
			name:     "an empty directory",
			dir:      empty,
			calls:    []call{{dedicatedURL, "k", 0, 0}},
			wantErrs: []string{"NewReplayer: conformance: " + empty + ": directory holds no *.yaml or *.yml cassettes"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb := &fakeTB{}
			client := NewReplayer(tb, tt.dir)
			for i, c := range tt.calls {
				status, code, err := replayDrop(t, client, c.url, c.key)
				switch {
				case c.wantStatus == 0 && err == nil:
					t.Errorf("call %d: got HTTP %d, want an error", i, status)
				case c.wantStatus == 0:
					if got := tb.errors(); len(got) == 0 || !strings.Contains(err.Error(), got[len(got)-1]) {
						t.Errorf("call %d: error %q, want it to carry the reported %q", i, err, got)
					}
				case err != nil:
					t.Errorf("call %d: %v", i, err)
				case status != c.wantStatus || code != c.wantCode:
					t.Errorf("call %d: HTTP %d code %d, want HTTP %d code %d", i, status, code, c.wantStatus, c.wantCode)
				}
			}
			for _, fn := range tb.cleanups {
				fn()
			}
			got := tb.errors()
			if len(tt.wantErrs) == 0 && len(got) > 0 {
				t.Errorf("reported %q, want nothing", got)
			}
			for _, want := range tt.wantErrs {
				if !slices.ContainsFunc(got, func(e string) bool { return strings.Contains(e, want) }) {
					t.Errorf("reported %q, want one containing %q", got, want)
				}
			}
			for _, e := range got {
				if strings.Contains(e, "a-real-key") {
					t.Errorf("a report quotes the key: %q", e)
				}
			}
		})
	}
}

func TestNewReplayerMatchesHeaders(t *testing.T) {
	tb := &fakeTB{}
	client := NewReplayer(tb, shippedCorpus)
	// Without the Accept header the cassettes hold, nothing matches: only
	// Authorization and User-Agent are ignored.
	req, err := http.NewRequest(http.MethodDelete, dedicatedURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer k")
	if res, err := client.Do(req); err == nil {
		res.Body.Close()
		t.Fatalf("a request without Accept got HTTP %d, want no match", res.StatusCode)
	}
	if got := tb.errors(); len(got) != 1 || !strings.Contains(got[0], "no unused interaction") {
		t.Errorf("reported %q, want one missing interaction", got)
	}
}
