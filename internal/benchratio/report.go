package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/zcdrop/zcdrop/internal/termsafe"
)

// The benchmarks that the ratios read, as go test names them.
const (
	validateInteraction = "BenchmarkValidateInteraction"
	decodeOnly          = "BenchmarkDecodeOnly"
	dropValidated       = "BenchmarkDropValidated"
	dropRaw             = "BenchmarkDropRaw"
	gateCorpus          = "BenchmarkGateCorpus"
	gateRead            = "BenchmarkGateRead"
	mockDescribe        = "BenchmarkMock/describe"
	bareDescribe        = "BenchmarkBareHandler/describe"
	gateScaling         = gateCorpus + "/10k/file-each"
	gatePeakHeap        = "BenchmarkGatePeakHeap"
)

// target is a bound that a ratio must keep: at most or at least limit.
type target struct {
	atMost bool
	limit  float64
}

func (t target) String() string {
	if t.atMost {
		return fmt.Sprintf("≤ %g", t.limit)
	}
	return fmt.Sprintf("≥ %g", t.limit)
}

func (t target) holds(v float64) bool {
	if t.atMost {
		return v <= t.limit
	}
	return v >= t.limit
}

// report writes the ratios and the gate's throughput, and says whether
// every ratio that issue 11 requires of make bench could be computed.
func report(w io.Writer, r *results) bool {
	p := &printer{w: w, complete: true}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Ratios from this run (issue 11's targets):")
	p.ratio("ValidateInteraction / DecodeOnly", target{true, 2}, true, sameProcs(r, validateInteraction, decodeOnly, "ns/op"))
	p.ratio("DropValidated / DropRaw", target{true, 1.15}, true, sameProcs(r, dropValidated, dropRaw, "ns/op"))
	p.ratio("gate speedup 1 → 2 cores (10k, file each)", target{false, 1.6}, true, speedup(r, gateScaling))
	p.ratio("gate peak heap 10k / 1k (one file)", target{true, 1.2}, true, metric(r, gatePeakHeap+"/one-file", "heap-10k/1k"))
	// No target: the names in a directory are listed whole, to be read in
	// lexical order, and 10,000 names take about a megabyte.
	p.info("gate peak heap 10k / 1k (file each)", metric(r, gatePeakHeap+"/file-each", "heap-10k/1k"), "no target: a directory's names are listed whole, to keep their order")
	// The mock over a bare handler's answer, as scripts/bench-mock.sh
	// measures it under wrk: here through the test's own client.
	p.ratio("mock / bare net/http (describe, loopback)", target{false, 0.75}, false, sameProcs(r, bareDescribe, mockDescribe, "ns/op"))
	p.throughput(r)
	return p.complete
}

// measure is a ratio as computed, with how (the operands), or why it is
// missing.
type measure struct {
	value   float64
	how     string
	missing string
}

// sameProcs divides a's unit by b's, both at the largest GOMAXPROCS that
// both ran at, so that neither side had more cores than the other.
func sameProcs(r *results, a, b, unit string) measure {
	for _, pa := range reversed(r.procsOf(a)) {
		va, okA := r.value(a, pa, unit)
		vb, okB := r.value(b, pa, unit)
		if okA && okB && vb > 0 {
			return measure{value: va / vb, how: fmt.Sprintf("%.0f / %.0f %s, %d cores", va, vb, unit, pa)}
		}
	}
	return measure{missing: fmt.Sprintf("needs %s and %s at the same -cpu", a, b)}
}

// speedup divides name's time on one core by its time on two.
func speedup(r *results, name string) measure {
	one, ok1 := r.value(name, 1, "ns/op")
	two, ok2 := r.value(name, 2, "ns/op")
	if !ok1 || !ok2 || two <= 0 {
		return measure{missing: "needs " + name + " at -cpu 1,2"}
	}
	return measure{value: one / two, how: fmt.Sprintf("%.3g s / %.3g s per corpus", one/1e9, two/1e9)}
}

// metric reads a ratio that a benchmark reports itself, at whatever
// GOMAXPROCS it ran at last.
func metric(r *results, name, unit string) measure {
	for _, p := range reversed(r.procsOf(name)) {
		if v, ok := r.value(name, p, unit); ok {
			return measure{value: v, how: fmt.Sprintf("%s, %d cores", unit, p)}
		}
	}
	return measure{missing: "not in this run (skipped? go test -v says why)"}
}

func reversed(ps []int) []int {
	out := make([]int, len(ps))
	for i, p := range ps {
		out[len(ps)-1-i] = p
	}
	return out
}

// printer writes aligned lines and remembers whether a required ratio was
// missing.
type printer struct {
	w        io.Writer
	complete bool
}

func (p *printer) ratio(label string, t target, required bool, m measure) {
	if m.missing != "" {
		if required {
			p.complete = false
		}
		fmt.Fprintf(p.w, "  %-44s %8s   target %-6s  %s\n", label, "—", t, termsafe.String(m.missing))
		return
	}
	verdict := "holds"
	if !t.holds(m.value) {
		verdict = "MISSED"
	}
	fmt.Fprintf(p.w, "  %-44s %7.2f×   target %-6s  %-6s  (%s)\n", label, m.value, t, verdict, termsafe.String(m.how))
}

// info writes a ratio that has no target, and why.
func (p *printer) info(label string, m measure, why string) {
	if m.missing != "" {
		fmt.Fprintf(p.w, "  %-44s %8s   %s\n", label, "—", termsafe.String(m.missing))
		return
	}
	fmt.Fprintf(p.w, "  %-44s %7.2f×   %s  (%s)\n", label, m.value, why, termsafe.String(m.how))
}

// throughput lists the gate's interactions/s and bytes/s over each corpus
// at each core count, in the order the run printed them.
func (p *printer) throughput(r *results) {
	var lines []string
	for _, k := range r.order {
		sub, ok := strings.CutPrefix(k.name, gateCorpus+"/")
		if !ok {
			continue
		}
		ips, ok1 := r.value(k.name, k.procs, "interactions/s")
		bps, ok2 := r.value(k.name, k.procs, "bytes/s")
		if !ok1 || !ok2 {
			continue
		}
		line := fmt.Sprintf("  %-20s %d core(s)  %9.0f interactions/s  %6.2f MB/s", termsafe.String(sub), k.procs, ips, bps/1e6)
		// GateRead times the same corpus read but not checked.
		gate, okG := r.value(k.name, k.procs, "ns/op")
		read, okR := r.value(gateRead+"/"+sub, k.procs, "ns/op")
		if okG && okR && gate > 0 {
			line += fmt.Sprintf("  reading %3.0f%%", 100*read/gate)
		}
		lines = append(lines, line)
	}
	if len(lines) == 0 {
		return
	}
	fmt.Fprintln(p.w, "Gate throughput (CheckCassettes, reading included; the share of its time that reading alone takes):")
	for _, l := range lines {
		fmt.Fprintln(p.w, l)
	}
}
