package conformance

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/zcdrop/zcdrop/internal/vcr"
)

// benchLayout says how writeBenchCorpus spreads its interactions over files.
type benchLayout string

const (
	// layoutOneFile puts every interaction in one cassette.
	layoutOneFile benchLayout = "one-file"
	// layoutFileEach puts each interaction in a cassette of its own.
	layoutFileEach benchLayout = "file-each"
)

// shippedClusterID finds the cluster ID in a shipped interaction's URL, when
// it has one of the vendor's form (in01-6183d6bac30f801). Other IDs, such as
// a malformed one that a business error answers, are kept as recorded.
var shippedClusterID = regexp.MustCompile(`/clusters/(in[0-9]{2}-)([0-9a-f]+)(?:/|$)`)

// writeBenchCorpus writes n interactions under dir, taken in turn from the
// shipped corpus, in the given layout, and returns the bytes written. Each
// interaction gets a cluster ID of its own, of the same length as the one
// it replaces in the URL and the bodies, so that recorded lengths still
// match and no two interactions of one cassette concern the same cluster:
// the corpus conforms as the shipped one does, however large.
func writeBenchCorpus(tb testing.TB, dir string, n int, layout benchLayout) int64 {
	tb.Helper()
	src := shippedInteractions(tb)
	one := &vcr.Cassette{Version: vcr.FormatVersion}
	var written int64
	for i := range n {
		in := *src[i%len(src)]
		if m := shippedClusterID.FindStringSubmatch(in.Request.URL); m != nil {
			old := m[1] + m[2]
			id := m[1] + fmt.Sprintf("%0*x", len(m[2]), i)
			if len(id) != len(old) {
				tb.Fatalf("bench corpus: %d interactions need IDs longer than %s", n, old)
			}
			in.Request.URL = strings.ReplaceAll(in.Request.URL, old, id)
			in.Request.Body = strings.ReplaceAll(in.Request.Body, old, id)
			in.Response.Body = strings.ReplaceAll(in.Response.Body, old, id)
		}
		if layout == layoutOneFile {
			in.ID = i
			one.Interactions = append(one.Interactions, &in)
			continue
		}
		in.ID = 0
		written += writeCassette(tb, filepath.Join(dir, fmt.Sprintf("c%06d.yaml", i)), &vcr.Cassette{Version: vcr.FormatVersion, Interactions: []*vcr.Interaction{&in}})
	}
	if layout == layoutOneFile {
		written += writeCassette(tb, filepath.Join(dir, "corpus.yaml"), one)
	}
	return written
}

// shippedLimits is the budget of one cassette, as the gate reads it.
var shippedLimits = vcr.Limits{MaxAliasNodes: MaxCassetteAliasNodes, MaxTextBytes: MaxCassetteTextBytes}

// shippedInteractions reads every interaction of the shipped corpus, in
// lexical order of the files.
func shippedInteractions(tb testing.TB) []*vcr.Interaction {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join(shippedCorpus, "*.yaml"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("bench corpus: no shipped cassettes in %s (%v)", shippedCorpus, err)
	}
	var all []*vcr.Interaction
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		c, err := vcr.DecodeStrict(data, shippedLimits)
		if err != nil {
			tb.Fatalf("bench corpus: %s: %v", f, err)
		}
		all = append(all, c.Interactions...)
	}
	return all
}

// writeCassette encodes c to a new file at path and returns its size.
func writeCassette(tb testing.TB, path string, c *vcr.Cassette) int64 {
	tb.Helper()
	data, err := vcr.Encode(c)
	if err != nil {
		tb.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return int64(len(data))
}

// TestBenchCorpusConforms holds the generated corpus to what the benchmarks
// assume of it: every interaction passes the gate, in both layouts, and
// every one concerns a cluster of its own. A corpus that failed would time
// the violation path instead of the conforming one.
func TestBenchCorpusConforms(t *testing.T) {
	v := newTestValidator(t)
	n := 3 * len(shippedInteractions(t))
	for _, layout := range []benchLayout{layoutOneFile, layoutFileEach} {
		t.Run(string(layout), func(t *testing.T) {
			dir := t.TempDir()
			size := writeBenchCorpus(t, dir, n, layout)
			results, err := v.CheckCassettes(t.Context(), dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(results) != n {
				t.Fatalf("%d results, want %d", len(results), n)
			}
			urls := map[string]bool{}
			for _, r := range results {
				if !r.OK {
					t.Errorf("%s #%d: %v", filepath.Base(r.File), r.ID, r.Violations)
				}
				urls[r.URL] = true
			}
			// The shipped corpus names one malformed ID, kept as recorded
			// in each round; every other interaction names a cluster of
			// its own.
			if len(urls) < n-3 {
				t.Errorf("%d distinct URLs among %d interactions: IDs were not varied", len(urls), n)
			}
			if size == 0 {
				t.Error("bench corpus: no bytes written")
			}
		})
	}
}

// TestWriteBenchCorpus writes a bench corpus for a script to time the whole
// gate with (scripts/bench-peers.sh), when ZCDROP_BENCH_CORPUS_DIR names the
// directory to write it in, ZCDROP_BENCH_CORPUS_N how many interactions
// (default 10,000), and ZCDROP_BENCH_CORPUS_LAYOUT how to spread them:
// one-file (the default) or file-each. The files are created new: a file
// of the same name already there fails the test. Without the directory it
// skips, since it is a generator, not a check.
func TestWriteBenchCorpus(t *testing.T) {
	dir := os.Getenv("ZCDROP_BENCH_CORPUS_DIR")
	if dir == "" {
		t.Skip("writes a bench corpus only when ZCDROP_BENCH_CORPUS_DIR names a directory (and ZCDROP_BENCH_CORPUS_N, ZCDROP_BENCH_CORPUS_LAYOUT say how much, how); scripts/bench-peers.sh sets them")
	}
	n := 10_000
	if v := os.Getenv("ZCDROP_BENCH_CORPUS_N"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			t.Fatalf("ZCDROP_BENCH_CORPUS_N=%q: want a count of interactions, 1 or more", v)
		}
	}
	layout := layoutOneFile
	switch v := benchLayout(os.Getenv("ZCDROP_BENCH_CORPUS_LAYOUT")); v {
	case "", layoutOneFile:
	case layoutFileEach:
		layout = v
	default:
		t.Fatalf("ZCDROP_BENCH_CORPUS_LAYOUT=%q: want %s or %s", v, layoutOneFile, layoutFileEach)
	}
	size := writeBenchCorpus(t, dir, n, layout)
	t.Logf("wrote %d interactions, %s, %d bytes, in %s", n, layout, size, dir)
}
