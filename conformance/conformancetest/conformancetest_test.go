package conformancetest_test

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/zcdrop/zcdrop/conformance/conformancetest"
)

const (
	corpus       = "../testdata/cassettes"
	echoDiffers  = "../testdata/negative/echo-differs.yaml"
	dedicatedURL = "https://api.cloud.zilliz.com/v2/clusters/in01-6183d6bac30f801/drop"
	unknownURL   = "https://api.cloud.zilliz.com/v2/clusters/in01-ffffffffffffff/drop"
	canaryKey    = "zc-LEAK-CANARY-5b1d0e77"
)

// recordingTB stands in for the test that NewReplayer fails, so that a
// failure can be observed without failing this test. Calls it does not
// override reach the real test.
type recordingTB struct {
	testing.TB

	mu       sync.Mutex
	failures []string
	cleanups []func()
}

func (*recordingTB) Helper() {}

func (r *recordingTB) Error(args ...any) { r.fail(fmt.Sprint(args...)) }

func (r *recordingTB) Errorf(format string, args ...any) { r.fail(fmt.Sprintf(format, args...)) }

// Fatalf records the failure and ends the goroutine, as testing.T does;
// run calls NewReplayer on a goroutine of its own for this.
func (r *recordingTB) Fatalf(format string, args ...any) {
	r.fail(fmt.Sprintf(format, args...))
	runtime.Goexit()
}

func (r *recordingTB) Cleanup(f func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cleanups = append(r.cleanups, f)
}

func (r *recordingTB) fail(msg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failures = append(r.failures, msg)
}

// run calls f as a test body would, runs the cleanups it registered, as the
// end of a test does, and returns every failure reported and whether f ran
// to its end.
func run(t *testing.T, f func(testing.TB)) (failures []string, finished bool) {
	tb := &recordingTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(tb)
		finished = true
	}()
	<-done
	for i := len(tb.cleanups) - 1; i >= 0; i-- {
		tb.cleanups[i]()
	}
	return tb.failures, finished
}

// drop sends a Drop Cluster request through c as zcdrop does, and returns
// the status, or 0 when the client failed.
func drop(t *testing.T, c *http.Client, url string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodDelete, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer "+canaryKey)
	res, err := c.Do(req)
	if err != nil {
		return 0
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	return res.StatusCode
}

func TestNewReplayerPassesAConformingReplay(t *testing.T) {
	client := conformancetest.NewReplayer(t, corpus)
	if got := drop(t, client, dedicatedURL); got != http.StatusOK {
		t.Errorf("got HTTP %d, want 200 from the cassette", got)
	}
}

func TestNewReplayer(t *testing.T) {
	violating := t.TempDir()
	b, err := os.ReadFile(echoDiffers)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(violating, "echo-differs.yaml"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "missing")

	tests := []struct {
		name         string
		dir          string
		url          string
		wantStatus   int      // 0: the request must fail
		wantFailures []string // one failure containing each, in order; none means the test passes
		wantStopped  bool     // the helper ends the test at once
	}{
		{name: "a conforming replay passes", dir: corpus, url: dedicatedURL, wantStatus: http.StatusOK},
		{name: "a violating replay fails the test", dir: violating, url: dedicatedURL, wantStatus: http.StatusOK,
			wantFailures: []string{"replayed DELETE " + dedicatedURL + " (HTTP 200) breaks openapi.yaml:\n\tsemantic /data/clusterId: echoes cluster"}},
		{name: "an unmatched request fails the test", dir: corpus, url: unknownURL,
			wantFailures: []string{"no unused interaction matches DELETE " + unknownURL}},
		{name: "a missing directory ends the test at once", dir: missing, url: dedicatedURL, wantStopped: true,
			wantFailures: []string{"conformancetest.NewReplayer: conformance: " + missing + ": no such file or directory"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status := -1
			failures, finished := run(t, func(tb testing.TB) {
				client := conformancetest.NewReplayer(tb, tt.dir)
				status = drop(t, client, tt.url)
			})
			if finished == tt.wantStopped {
				t.Errorf("test body finished: %v, want %v", finished, !tt.wantStopped)
			}
			if !tt.wantStopped && status != tt.wantStatus {
				t.Errorf("got HTTP %d, want %d", status, tt.wantStatus)
			}
			if len(failures) != len(tt.wantFailures) {
				t.Fatalf("the test failed with %q, want %d failure(s) containing %q", failures, len(tt.wantFailures), tt.wantFailures)
			}
			for i, want := range tt.wantFailures {
				if !strings.Contains(failures[i], want) {
					t.Errorf("failure %d is %q, want it to contain %q", i, failures[i], want)
				}
			}
			for _, f := range failures {
				if strings.Contains(f, canaryKey) {
					t.Errorf("a failure quotes the key: %q", f)
				}
			}
		})
	}
}
