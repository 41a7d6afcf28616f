package main

import (
	"bufio"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// key names one benchmark result: the benchmark's full name, without the
// -N suffix, and the GOMAXPROCS it ran at (the suffix; 1 without one).
type key struct {
	name  string
	procs int
}

// results is what the parser kept of one `go test -bench` run.
type results struct {
	// metrics holds every value a result line reports, by unit ("ns/op",
	// "interactions/s"), for each benchmark; a benchmark run several
	// times (-count) keeps each value.
	metrics map[key]map[string][]float64
	// order lists the benchmarks in the order they first appear.
	order []key
	// failed is set by a FAIL line: a failed benchmark or test, or a
	// package that did not build.
	failed bool
}

// procsSuffix splits the -N that go test appends to a benchmark's name when
// GOMAXPROCS is not 1.
var procsSuffix = regexp.MustCompile(`^(.+)-([0-9]+)$`)

// parse reads go test's output: result lines ("BenchmarkX-2  100  12 ns/op
// 3 B/op ..."), FAIL lines, and anything else, which it skips.
func parse(in io.Reader) (*results, error) {
	r := &results{metrics: map[key]map[string][]float64{}}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "FAIL" || strings.HasPrefix(line, "FAIL\t") || strings.HasPrefix(strings.TrimSpace(line), "--- FAIL") {
			r.failed = true
			continue
		}
		k, values, ok := parseResult(line)
		if !ok {
			continue
		}
		if r.metrics[k] == nil {
			r.metrics[k] = map[string][]float64{}
			r.order = append(r.order, k)
		}
		for unit, v := range values {
			r.metrics[k][unit] = append(r.metrics[k][unit], v)
		}
	}
	return r, sc.Err()
}

// parseResult reads one result line: the name, the iteration count, then
// value-unit pairs. A line that is not one (a benchmark's log output that
// starts with its name, say) is refused.
func parseResult(line string) (key, map[string]float64, bool) {
	f := strings.Fields(line)
	if len(f) < 4 || len(f)%2 != 0 || !strings.HasPrefix(f[0], "Benchmark") {
		return key{}, nil, false
	}
	if _, err := strconv.ParseUint(f[1], 10, 64); err != nil {
		return key{}, nil, false
	}
	values := map[string]float64{}
	for i := 2; i < len(f); i += 2 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return key{}, nil, false
		}
		values[f[i+1]] = v
	}
	k := key{name: f[0], procs: 1}
	if m := procsSuffix.FindStringSubmatch(f[0]); m != nil {
		if p, err := strconv.Atoi(m[2]); err == nil && p > 0 {
			k = key{name: m[1], procs: p}
		}
	}
	return k, values, true
}

// value returns the median of unit's values for name at procs.
func (r *results) value(name string, procs int, unit string) (float64, bool) {
	vs := r.metrics[key{name, procs}][unit]
	if len(vs) == 0 {
		return 0, false
	}
	vs = slices.Sorted(slices.Values(vs))
	if len(vs)%2 == 1 {
		return vs[len(vs)/2], true
	}
	return (vs[len(vs)/2-1] + vs[len(vs)/2]) / 2, true
}

// procsOf lists the GOMAXPROCS values that name ran at, in increasing order.
func (r *results) procsOf(name string) []int {
	var ps []int
	for k := range r.metrics {
		if k.name == name {
			ps = append(ps, k.procs)
		}
	}
	slices.Sort(ps)
	return ps
}
