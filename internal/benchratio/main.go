// Command benchratio reads the output of `go test -bench` on stdin, copies it
// to stdout as it comes, and ends with the ratios that issue 11 sets targets
// for, each computed from that one run and printed next to its target:
//
//   - ValidateInteraction / DecodeOnly, at most 2;
//   - DropValidated / DropRaw, at most 1.15;
//   - the gate's speedup from one core to two, over 10,000 interactions in a
//     cassette each (GateCorpus at -cpu 1 over -cpu 2), at least 1.6;
//   - the gate's peak heap over 10,000 interactions in one cassette against
//     1,000 (GatePeakHeap's heap-10k/1k metric), at most 1.2;
//   - the reference mock's throughput over a bare net/http handler's, on
//     one describe answer (BareHandler / Mock), at least 0.75, when the run
//     has them;
//
// and the gate's throughput over each corpus at each core count, with the
// share of its time that reading alone takes (GateRead over GateCorpus).
//
// Usage (make bench runs it so):
//
//	go test -run '^$' -bench . -benchmem ./... | go run ./internal/benchratio
//
// Ratios are what the run shows: absolute times on a shared machine are
// noise, but the two sides of a ratio ran minutes apart on the same one.
// A missed target is printed as such and is no error: the exit status is 1
// only when the input holds a failure (a FAIL line, such as a benchmark's
// b.Fatal or a build failure) or lacks a benchmark that a ratio needs, and
// 2 when stdin cannot be read.
package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	os.Exit(run(os.Stdin, os.Stdout, os.Stderr))
}

// run is main without the exit, for the tests.
func run(in io.Reader, out, errOut io.Writer) int {
	r, err := parse(io.TeeReader(in, out))
	if err != nil {
		fmt.Fprintf(errOut, "benchratio: reading the benchmark output: %v\n", err)
		return 2
	}
	complete := report(out, r)
	switch {
	case r.failed:
		fmt.Fprintln(errOut, "benchratio: the run failed (a FAIL line above); its ratios may be missing or wrong")
		return 1
	case !complete:
		fmt.Fprintln(errOut, "benchratio: a benchmark that a ratio needs is missing from the run")
		return 1
	}
	return 0
}
