package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// TestRunOnCapturedOutput runs benchratio on one captured `make bench`
// (testdata/run.txt, its go test output) and checks each line against
// numbers worked out by hand from the capture: each the median of three.
func TestRunOnCapturedOutput(t *testing.T) {
	in, err := os.ReadFile("testdata/run.txt")
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := run(bytes.NewReader(in), &out, &errOut); code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
	if !bytes.HasPrefix(out.Bytes(), in) {
		t.Error("the input is not copied to stdout first, whole")
	}
	summary := strings.TrimPrefix(out.String(), string(in))
	for _, want := range []string{
		// 1272 / 3151 ns/op
		"ValidateInteraction / DecodeOnly                0.40×   target ≤ 2     holds",
		// 111639 / 94767 ns/op
		"DropValidated / DropRaw                         1.18×   target ≤ 1.15  MISSED",
		// 350309517 / 304551393 ns/op
		"gate speedup 1 → 2 cores (10k, file each)       1.15×   target ≥ 1.6   MISSED",
		// the median of 1.001, 0.8544 and 0.9699
		"gate peak heap 10k / 1k (one file)              0.97×   target ≤ 1.2   holds",
		// the median of 1.679, 1.620 and 1.597
		"gate peak heap 10k / 1k (file each)             1.62×   no target",
		// 45643 / 49893 ns/op
		"mock / bare net/http (describe, loopback)       0.91×   target ≥ 0.75  holds",
		// 32835 interactions/s; GateRead 247035233 of 304551393 ns/op
		"10k/file-each        2 core(s)      32835 interactions/s   29.34 MB/s  reading  81%",
	} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, summary)
		}
	}
}

func TestRunExitStatus(t *testing.T) {
	captured, err := os.ReadFile("testdata/run.txt")
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	for _, l := range strings.Split(string(captured), "\n") {
		if !strings.HasPrefix(l, "BenchmarkDropRaw") {
			kept = append(kept, l)
		}
	}
	withoutRaw := strings.Join(kept, "\n")
	tests := []struct {
		name, in, stderr string
		code             int
	}{
		{"complete", string(captured), "", 0},
		{"a ratio's benchmark missing", withoutRaw, "missing from the run", 1},
		{"a benchmark failed", string(captured) + "--- FAIL: BenchmarkDropRaw\nFAIL\n", "the run failed", 1},
		{"a package did not build", "FAIL\tgithub.com/zcdrop/zcdrop [build failed]\n" + string(captured), "the run failed", 1},
		{"empty", "", "missing from the run", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(strings.NewReader(tt.in), &out, &errOut)
			if code != tt.code || !strings.Contains(errOut.String(), tt.stderr) || (tt.stderr == "") != (errOut.Len() == 0) {
				t.Errorf("exit %d, stderr %q; want %d, %q", code, errOut.String(), tt.code, tt.stderr)
			}
		})
	}
}

func TestParseResult(t *testing.T) {
	tests := []struct {
		line  string
		ok    bool
		k     key
		unit  string
		value float64
	}{
		{"BenchmarkDropRaw-2   \t   12819\t     95795 ns/op\t   16459 B/op\t     231 allocs/op", true, key{"BenchmarkDropRaw", 2}, "allocs/op", 231},
		{"BenchmarkDropRaw \t 100 \t 5 ns/op", true, key{"BenchmarkDropRaw", 1}, "ns/op", 5},
		{"BenchmarkGateCorpus/10k/file-each   1  2126335802 ns/op  4703 interactions/s", true, key{"BenchmarkGateCorpus/10k/file-each", 1}, "interactions/s", 4703},
		{"BenchmarkGateCorpus/10k/file-each-2 1  3451463512 ns/op", true, key{"BenchmarkGateCorpus/10k/file-each", 2}, "ns/op", 3451463512},
		{"BenchmarkGatePeakHeap/file-each-2 1 2677802045 ns/op 2.347 heap-10k/1k", true, key{"BenchmarkGatePeakHeap/file-each", 2}, "heap-10k/1k", 2.347},
		// Not result lines: a name alone (go test -v), a log line, a
		// missing unit, a count that is not one.
		{"BenchmarkDropRaw", false, key{}, "", 0},
		{"BenchmarkDropRaw-2 says 12 things/op", false, key{}, "", 0},
		{"BenchmarkDropRaw-2 100 5", false, key{}, "", 0},
		{"BenchmarkDropRaw-2 1e3 5 ns/op", false, key{}, "", 0},
		{"    bench_test.go:52: BenchmarkDropRaw 1 5 ns/op", false, key{}, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			k, values, ok := parseResult(tt.line)
			if ok != tt.ok || k != tt.k || (ok && values[tt.unit] != tt.value) {
				t.Errorf("got %v %v %v; want %v %v %s=%v", k, values, ok, tt.k, tt.ok, tt.unit, tt.value)
			}
		})
	}
}

// TestMedianOfRepeats: with -count, a ratio reads the median of each
// side, so that one noisy repeat does not set it.
func TestMedianOfRepeats(t *testing.T) {
	in := strings.Join([]string{
		"BenchmarkGateCorpus/10k/file-each 1 300 ns/op",
		"BenchmarkGateCorpus/10k/file-each 1 100 ns/op",
		"BenchmarkGateCorpus/10k/file-each 1 200 ns/op",
		"BenchmarkGateCorpus/10k/file-each-2 1 50 ns/op",
		"BenchmarkGateCorpus/10k/file-each-2 1 150 ns/op",
	}, "\n")
	r, err := parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	m := speedup(r, gateScaling)
	if m.missing != "" || m.value != 2 {
		t.Errorf("speedup %v, want 200/100 = 2", m)
	}
}

func TestTarget(t *testing.T) {
	tests := []struct {
		t    target
		v    float64
		want bool
	}{
		{target{true, 2}, 2, true},
		{target{true, 2}, 2.01, false},
		{target{false, 1.6}, 1.6, true},
		{target{false, 1.6}, 1.59, false},
	}
	for _, tt := range tests {
		if got := tt.t.holds(tt.v); got != tt.want {
			t.Errorf("%v holds %v = %v, want %v", tt.t, tt.v, got, tt.want)
		}
	}
}
