package probe_test

import (
	"context"
	"io"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zcdrop/zcdrop"
	"github.com/zcdrop/zcdrop/conformance"
	"github.com/zcdrop/zcdrop/internal/clock/clocktest"
	"github.com/zcdrop/zcdrop/mock"
	"github.com/zcdrop/zcdrop/mock/mocktest"
	"github.com/zcdrop/zcdrop/probe"
)

// TestLiveProbes runs the probes that cannot delete anything (never the
// drop) against the real API, records them, and runs the gate on the
// recordings. It needs a real key, so it runs only when one is set:
//
//	ZILLIZ_API_KEY=... make conformance-live
//
// ZILLIZ_REGION=cn selects the China control plane, and ZILLIZ_BASE_URL
// any other. make test skips it, so that a key in the environment never
// sends CI to the live API.
func TestLiveProbes(t *testing.T) {
	key := strings.TrimSpace(os.Getenv("ZILLIZ_API_KEY"))
	if key == "" {
		t.Skip("set ZILLIZ_API_KEY (and ZILLIZ_REGION=cn for China, or ZILLIZ_BASE_URL) to run the live probes")
	}
	base := zcdrop.ServerGlobal
	switch region := os.Getenv("ZILLIZ_REGION"); region {
	case "", "global":
	case "cn":
		base = zcdrop.ServerChina
	default:
		t.Fatalf("ZILLIZ_REGION must be global or cn, not %q", region)
	}
	if u := os.Getenv("ZILLIZ_BASE_URL"); u != "" {
		base = u
	}
	// net/http's standard logger quotes bytes from the wire; whatever a
	// server sends there stays out of `go test -v`.
	log.SetOutput(io.Discard)
	t.Cleanup(func() { log.SetOutput(os.Stderr) })
	checkProbeCycle(t, base, key, nil) // The real API's rate limit needs real waits.
}

// TestProbeCycleAgainstMock runs TestLiveProbes' checks with the reference
// server standing in for Zilliz Cloud, so that they are known to work. Only
// the real API needs real waits; here the probes wait on a fake clock.
func TestProbeCycleAgainstMock(t *testing.T) {
	const key = "probe-cycle-key-0123456789"
	srv, _ := mocktest.NewServer(t, mock.WithAPIKey(key), mock.WithClusters("in01-6183d6bac30f801"))
	clk := clocktest.New(time.Unix(0, 0))
	checkProbeCycle(t, srv.URL, key, clk.Sleep)
	if got := clk.Sleeps(); !slices.Equal(got, []time.Duration{probe.MinInterval}) {
		t.Errorf("waited %v between the probes, want %v", got, probe.MinInterval)
	}
}

// checkProbeCycle probes base with key, recording and waiting with sleep
// (nil waits for real), and checks that both probes conform, that no
// cassette holds the key, and that the gate passes the cassettes.
func checkProbeCycle(t *testing.T, base, key string, sleep func(context.Context, time.Duration) error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dir := t.TempDir()
	results, err := probe.Run(ctx, probe.Config{BaseURL: base, APIKey: key, RecordDir: dir, Sleep: sleep})
	if err != nil {
		t.Fatal(err) // Run's errors never quote the key.
	}
	var report strings.Builder
	if err := conformance.WriteReport(&report, conformance.FormatText, results); err != nil {
		t.Fatal(err)
	}
	t.Logf("live probes against %s:\n%s", base, report.String())
	if s := conformance.Summarize(results); s.Total != 2 || s.Failed != 0 {
		t.Errorf("want 2 conforming probes, got %+v", s)
	}

	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if b, err := os.ReadFile(f); err != nil || strings.Contains(string(b), key) {
			t.Errorf("%s: unreadable (%v) or holds the key", f, err)
		}
	}
	v, err := conformance.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	checked, err := v.CheckCassettes(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if s := conformance.Summarize(checked); s.Total != 2 || s.Failed != 0 {
		t.Errorf("the gate says %+v about the live recordings, want 2 passed", s)
	}
}
