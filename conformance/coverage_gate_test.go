package conformance

import (
	"bytes"
	"cmp"
	"context"
	"io"
	"math"
	"strings"
	"testing"
)

// gateCoverage runs the gate over paths with opts, and fails the test on
// an error.
func gateCoverage(t *testing.T, opts GateOptions, paths ...string) Verdict {
	t.Helper()
	opts.Format = cmp.Or(opts.Format, FormatText)
	verdict, err := newTestValidator(t).Gate(context.Background(), io.Discard, opts, paths...)
	if err != nil {
		t.Fatal(err)
	}
	return verdict
}

// TestGateMinCoverage: a coverage below MinCoverage fails the gate, one
// at it passes, and what is not a percentage is refused before anything
// is read. Coverage is in the Verdict only when asked for.
func TestGateMinCoverage(t *testing.T) {
	const shipped = 100 * 26.0 / 56 // 46.43%
	tests := []struct {
		name       string
		opts       GateOptions
		failed     bool
		noCoverage bool
	}{
		{name: "not asked", opts: GateOptions{}, noCoverage: true},
		{name: "coverage alone never fails", opts: GateOptions{Coverage: true}},
		{name: "at the minimum", opts: GateOptions{MinCoverage: shipped}},
		{name: "below the minimum", opts: GateOptions{MinCoverage: 46.5}, failed: true},
		{name: "100", opts: GateOptions{MinCoverage: 100}, failed: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			verdict := gateCoverage(t, tt.opts, "testdata/cassettes")
			if verdict.Failed != tt.failed || (verdict.Coverage == nil) != tt.noCoverage {
				t.Fatalf("failed %v, coverage %+v; want failed %v, coverage present %v", verdict.Failed, verdict.Coverage, tt.failed, !tt.noCoverage)
			}
			if verdict.Coverage != nil && verdict.Coverage.Minimum != tt.opts.MinCoverage {
				t.Errorf("minimum %v, want %v", verdict.Coverage.Minimum, tt.opts.MinCoverage)
			}
		})
	}
	for _, bad := range []float64{-1, 100.5, math.NaN(), math.Inf(1)} {
		var out bytes.Buffer
		_, err := newTestValidator(t).Gate(context.Background(), &out, GateOptions{MinCoverage: bad}, "testdata/no-such-dir")
		if err == nil || !strings.Contains(err.Error(), "is not a percentage") || out.Len() != 0 {
			t.Errorf("MinCoverage %v: %v, %d bytes of report; want it refused before the inputs are read", bad, err, out.Len())
		}
	}
}
