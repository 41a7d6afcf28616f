package conformance_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zcdrop/zcdrop"
	"github.com/zcdrop/zcdrop/conformance"
)

// TestLiveProbes runs the probes that cannot delete anything (never the
// drop) against the real API, records them, and runs the gate on the
// recordings. It needs a real key, so it runs only when one is set:
//
//	ZILLIZ_API_KEY=... make conformance-live
func TestLiveProbes(t *testing.T) {
	key := strings.TrimSpace(os.Getenv("ZILLIZ_API_KEY"))
	if key == "" {
		t.Skip("set ZILLIZ_API_KEY (and ZILLIZ_REGION=cn for China) to run the live probes")
	}
	base := zcdrop.ServerGlobal
	switch region := os.Getenv("ZILLIZ_REGION"); region {
	case "", "global":
	case "cn":
		base = zcdrop.ServerChina
	default:
		t.Fatalf("ZILLIZ_REGION must be global or cn, not %q", region)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dir := t.TempDir()
	results, err := conformance.Probe(ctx, conformance.ProbeConfig{BaseURL: base, APIKey: key, RecordDir: dir})
	if err != nil {
		t.Fatal(err) // Probe's errors never quote the key.
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
