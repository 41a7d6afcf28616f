package conformance

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"
)

// aliasCassette is the cassette of issue 8: one body of bodyBytes under an
// anchor, then that body again through an alias in each of n more
// interactions.
func aliasCassette(bodyBytes, n int) string {
	var b strings.Builder
	b.WriteString("version: 2\ninteractions:\n")
	interaction := func(id int, body string) {
		fmt.Fprintf(&b, "  - id: %d\n    request: {method: DELETE, url: \"https://api.cloud.zilliz.com/v2/clusters/in01-6183d6bac30f801/drop\", headers: {Authorization: [Bearer REDACTED]}}\n", id)
		fmt.Fprintf(&b, "    response: {code: 200, headers: {Content-Type: [application/json]}, body: %s}\n", body)
	}
	interaction(0, "&big "+strings.Repeat("x", bodyBytes))
	for i := 1; i <= n; i++ {
		interaction(i, "*big")
	}
	return b.String()
}

// heapAllocated returns the bytes allocated on the heap while f ran. It is
// an upper bound of how much f grew the heap at its peak, with no sampling
// that could miss a spike.
func heapAllocated(f func()) uint64 {
	sample := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	runtime.GC()
	metrics.Read(sample)
	before := sample[0].Value.Uint64()
	f()
	metrics.Read(sample)
	return sample[0].Value.Uint64() - before
}

// TestAliasCassetteStaysWithinBudget: the 4.8 MB alias cassette of issue 8
// made the gate use 4.1 GB and exit 0. Within the file cap, the text budget
// refuses it; over the cap, which it is read as a stream, its 4.8 MB line
// is over the cap of one interaction. Either way the file is
// unreadable, and the gate allocates less than 64 MiB in all to say so.
func TestAliasCassetteStaysWithinBudget(t *testing.T) {
	const heapBudget = 64 << 20
	tests := []struct {
		name      string
		bodyBytes int
		want      string
	}{
		{"issue 8's 4.8 MB cassette", 4_800_000, "is larger than 4194304 bytes (4 MiB), so it is read an interaction at a time, which needs \"version: 2\", then \"interactions:\" and its items in block style: line 5: a line is longer than 4194304 bytes"},
		{"under the file cap", 3_500_000, "cassette decodes to more than 16777216 bytes of text, the most a cassette may hold"},
	}
	v := newTestValidator(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "alias.yaml")
			if err := os.WriteFile(p, []byte(aliasCassette(tt.bodyBytes, 999)), 0o644); err != nil {
				t.Fatal(err)
			}
			var results []Result
			var err error
			allocated := heapAllocated(func() {
				results, err = v.CheckCassettes(context.Background(), p)
			})
			if allocated > heapBudget {
				t.Errorf("the gate allocated %d MiB, over the %d MiB budget", allocated>>20, heapBudget>>20)
			}
			t.Logf("allocated %d KiB", allocated>>10)
			var ce *CassetteError
			if !errors.As(err, &ce) || results != nil {
				t.Fatalf("got %d results and %v, want a *CassetteError", len(results), err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %q, want it to say %q", err, tt.want)
			}
		})
	}
}

// TestAliasBudget: aliases that add many small nodes are refused too,
// however little text they add.
func TestAliasBudget(t *testing.T) {
	var b strings.Builder
	b.WriteString("version: 2\ninteractions:\n  - &i {id: 0, request: {method: DELETE, url: \"https://h/v2/clusters/in01-a/drop\"}, response: {code: 200}}\n")
	for range MaxCassetteAliasNodes / 5 {
		b.WriteString("  - *i\n")
	}
	p := writeFile(t, t.TempDir(), "aliases.yaml", b.String())
	_, err := newTestValidator(t).CheckCassettes(context.Background(), p)
	var ce *CassetteError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "aliases add more than 10000 YAML nodes, the most a cassette may use") {
		t.Errorf("got %v, want a *CassetteError naming the alias budget", err)
	}
}

// TestBodyOverCap: the Transport refuses to buffer a body over
// DefaultMaxBodyBytes, and so does the gate: the interaction fails, saying
// that it was not validated, as the Transport says in ModeObserve.
func TestBodyOverCap(t *testing.T) {
	base := readFile(t, dedicatedCassette)
	big := strings.Repeat("x", DefaultMaxBodyBytes+1)
	const notValidated = "body exceeds 1048576 bytes; not validated"
	tests := []struct {
		name     string
		cassette string
		want     []wantViolation
	}{
		{"response", strings.Replace(strings.Replace(base, "content_length: 303", "content_length: -1", 1),
			"body: '{\"code\":0", "body: '"+big+"{\"code\":0", 1),
			[]wantViolation{{KindResponse, "", notValidated}}},
		{"request", strings.Replace(base, "        method: DELETE\n", "        method: DELETE\n        body: "+big+"\n", 1),
			[]wantViolation{{KindRequest, "", notValidated + ", nor was the response"}}},
	}
	v := newTestValidator(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeFile(t, t.TempDir(), "big.yaml", tt.cassette)
			results, err := v.CheckCassettes(context.Background(), p)
			if err != nil {
				t.Fatal(err)
			}
			if len(results) != 1 {
				t.Fatalf("got %d results, want 1", len(results))
			}
			checkViolations(t, results[0], tt.want)
		})
	}
}

// TestCorpusReadsEachFileOnce: forty links to one cassette made the gate
// read and check it forty-one times, so that the budget of one cassette
// cost forty-one. A file is read once however many paths name it: links,
// the same path twice, a file and its directory.
func TestCorpusReadsEachFileOnce(t *testing.T) {
	dir := t.TempDir()
	a := writeFile(t, dir, "a.yaml", readFile(t, dedicatedCassette))
	for i := range 40 {
		if err := os.Symlink(a, filepath.Join(dir, fmt.Sprintf("link%02d.yaml", i))); err != nil {
			t.Fatal(err)
		}
	}
	results, err := newTestValidator(t).CheckCassettes(context.Background(), a, dir, a, filepath.Join(dir, "link07.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 1 || results[0].File != a {
		t.Errorf("got %d results, want the one interaction of %s once", len(results), a)
	}
	r, err := NewReplayer(dir)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(r.interactions); n != 1 {
		t.Errorf("the Replayer holds %d interactions, want 1", n)
	}
}

// TestCorpusBudget: past the bytes or the interactions that one run may
// read, the corpus is unreadable, and the error names the file that crossed
// the line and the limit. The limits are scaled down to keep the test quick;
// CheckCassettes uses MaxCorpusBytes and MaxCorpusInteractions.
func TestCorpusBudget(t *testing.T) {
	base := readFile(t, dedicatedCassette)
	dir := t.TempDir()
	for _, name := range []string{"a.yaml", "b.yaml", "c.yaml"} {
		writeFile(t, dir, name, base)
	}
	size := int64(len(base))
	tests := []struct {
		name string
		lim  corpusLimits
		want string // "" for no error
	}{
		{"within both", corpusLimits{3 * size, 3}, ""},
		{"over the bytes", corpusLimits{3*size - 1, 3}, fmt.Sprintf("c.yaml: the cassettes read so far, this one included, are larger than %d bytes", 3*size-1)},
		{"over the interactions", corpusLimits{3 * size, 1}, "b.yaml: the cassettes read so far, this one included, hold more than 1 interactions, the most one run checks"},
	}
	v := newTestValidator(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			results, err := v.collect(context.Background(), tt.lim, []string{dir})
			if tt.want == "" {
				if err != nil || len(results) != 3 {
					t.Fatalf("got %d results and %v, want 3 and no error", len(results), err)
				}
				return
			}
			var ce *CassetteError
			if !errors.As(err, &ce) || results != nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %d results and %v, want no results and a *CassetteError saying %q", len(results), err, tt.want)
			}
		})
	}
}
