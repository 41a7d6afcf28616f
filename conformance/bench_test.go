package conformance

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zcdrop/zcdrop/api"
	"github.com/zcdrop/zcdrop/internal/cassettefile"
	"github.com/zcdrop/zcdrop/internal/vcr"
)

// recordedExchange reads the first interaction of the cassette at path as
// the Exchange that Validate checks.
func recordedExchange(tb testing.TB, path string) Exchange {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	c, err := vcr.DecodeStrict(data, shippedLimits)
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	in := c.Interactions[0]
	req, err := in.Request.HTTPRequest()
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	return Exchange{
		Request:     req,
		RequestBody: []byte(in.Request.Body),
		Response:    &Response{StatusCode: in.Response.Code, Header: in.Response.Headers, Body: []byte(in.Response.Body)},
	}
}

// BenchmarkDecodeOnly is the floor that validation is held to: decoding the
// success body of the dedicated drop, which every drop benchmark answers,
// into the generated success type, as a client that trusts the server does.
// (Into api.DropClusterResult it would only copy the bytes: a union.)
func BenchmarkDecodeOnly(b *testing.B) {
	body := []byte(recordedExchange(b, dedicatedCassette).Response.Body)
	b.ReportAllocs()
	for b.Loop() {
		var s api.DropClusterSuccess
		if err := json.Unmarshal(body, &s); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidateInteraction measures one full check of the same
// recorded, conforming exchange: routing, the request, the response schema
// (the oneOf included) and the semantics.
func BenchmarkValidateInteraction(b *testing.B) {
	v := newTestValidator(b)
	ex := recordedExchange(b, dedicatedCassette)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if vs := v.Validate(ctx, ex); len(vs) != 0 {
			b.Fatal(vs)
		}
	}
}

// BenchmarkValidateViolation measures the check of an exchange that breaks
// the spec on both sides, with every violation's detail: a request without
// its Authorization header, answered with a success whose fields have the
// wrong types.
func BenchmarkValidateViolation(b *testing.B) {
	v := newTestValidator(b)
	ex := recordedExchange(b, filepath.Join(negativeCorpus, "wrong-types.yaml"))
	ex.Request.Header.Del("Authorization")
	want := len(v.Validate(context.Background(), ex))
	if want < 3 {
		b.Fatalf("%d violations; the benchmark wants one in the request and two in the response", want)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if vs := v.Validate(ctx, ex); len(vs) != want {
			b.Fatalf("%d violations, then %d", want, len(vs))
		}
	}
}

// BenchmarkCheckCassettes measures the gate over the shipped corpus, loading
// included.
func BenchmarkCheckCassettes(b *testing.B) {
	v := newTestValidator(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.CheckCassettes(ctx, shippedCorpus); err != nil {
			b.Fatal(err)
		}
	}
}

// gateCorpora are the generated corpora of BenchmarkGateCorpus and
// BenchmarkGatePeakHeap: sizes by name.
var gateCorpora = []struct {
	name string
	n    int
}{{"1k", 1_000}, {"10k", 10_000}}

// BenchmarkGateCorpus measures the gate (CheckCassettes, reading included)
// over generated corpora of 1,000 and 10,000 conforming interactions, in
// one cassette and in a cassette each, and reports interactions/s and
// bytes/s. make bench runs it with -cpu 1,2, so that the speedup from one
// core to two can be read off one run.
func BenchmarkGateCorpus(b *testing.B) {
	v := newTestValidator(b)
	for _, size := range gateCorpora {
		for _, layout := range []benchLayout{layoutOneFile, layoutFileEach} {
			b.Run(size.name+"/"+string(layout), func(b *testing.B) {
				dir := b.TempDir()
				bytes := writeBenchCorpus(b, dir, size.n, layout)
				ctx := context.Background()
				if err := gateOnce(ctx, v, dir, size.n); err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					if _, err := v.CheckCassettes(ctx, dir); err != nil {
						b.Fatal(err)
					}
				}
				s := b.Elapsed().Seconds()
				b.ReportMetric(float64(size.n)*float64(b.N)/s, "interactions/s")
				b.ReportMetric(float64(bytes)*float64(b.N)/s, "bytes/s")
			})
		}
	}
}

// BenchmarkGateRead is BenchmarkGateCorpus without the checks: the gate's
// reading alone (files, YAML, interactions in parts, on every core), so
// that benchratio can say how the gate's time splits between reading and
// validating.
func BenchmarkGateRead(b *testing.B) {
	lim := corpusLimits{MaxCorpusBytes, MaxCorpusInteractions}
	for _, size := range gateCorpora {
		for _, layout := range []benchLayout{layoutOneFile, layoutFileEach} {
			b.Run(size.name+"/"+string(layout), func(b *testing.B) {
				dir := b.TempDir()
				writeBenchCorpus(b, dir, size.n, layout)
				ctx := context.Background()
				b.ReportAllocs()
				for b.Loop() {
					read := 0
					err := eachPart(ctx, lim, []string{dir}, runtime.GOMAXPROCS(0),
						func(_ context.Context, p cassettefile.Part) (int, error) { return len(p.Interactions), nil },
						func(_ cassettefile.Part, n int) error { read += n; return nil })
					if err != nil || read != size.n {
						b.Fatalf("read %d interactions, want %d: %v", read, size.n, err)
					}
				}
			})
		}
	}
}

// gateOnce runs the gate over dir and checks that it passed all n
// interactions, so that a benchmark times the conforming path it claims to.
func gateOnce(ctx context.Context, v *Validator, dir string, n int) error {
	results, err := v.CheckCassettes(ctx, dir)
	if err != nil {
		return err
	}
	if len(results) != n {
		return fmt.Errorf("%d results, want %d", len(results), n)
	}
	for _, r := range results {
		if !r.OK {
			return fmt.Errorf("%s #%d: %v", filepath.Base(r.File), r.ID, r.Violations)
		}
	}
	return nil
}

// peakHeapEnv names the cassette or directory that TestGatePeakHeapChild
// runs the gate over, in the child process of BenchmarkGatePeakHeap.
const peakHeapEnv = "ZCDROP_BENCH_PEAK_HEAP_CORPUS"

// peakHeapLine starts the line on which the child reports its peak heap.
const peakHeapLine = "gate-peak-heap-bytes "

// heapMetric is the heap that the child samples: live objects and dead ones
// not yet swept, which is what the gate makes the process hold.
const heapMetric = "/memory/classes/heap/objects:bytes"

// BenchmarkGatePeakHeap reports the gate's peak heap over 10,000
// interactions against its peak over 1,000, in one cassette and in a
// cassette each: a gate that streams holds about as much for either
// (target: heap-10k/1k ≤ 1.2). Each gate runs in a child process, this test
// binary run again for TestGatePeakHeapChild, so that neither the other
// benchmarks' garbage nor the first gate's counts against the second.
func BenchmarkGatePeakHeap(b *testing.B) {
	for _, layout := range []benchLayout{layoutOneFile, layoutFileEach} {
		b.Run(string(layout), func(b *testing.B) {
			dirs := map[string]string{}
			for _, size := range gateCorpora {
				dirs[size.name] = b.TempDir()
				writeBenchCorpus(b, dirs[size.name], size.n, layout)
			}
			var small, large uint64
			for b.Loop() {
				small = max(small, childPeakHeap(b, dirs["1k"]))
				large = max(large, childPeakHeap(b, dirs["10k"]))
			}
			b.ReportMetric(float64(small), "peak-heap-1k-B")
			b.ReportMetric(float64(large), "peak-heap-10k-B")
			b.ReportMetric(float64(large)/float64(small), "heap-10k/1k")
		})
	}
}

// childPeakHeap runs TestGatePeakHeapChild over corpus in a child process
// and returns the peak heap it reports.
func childPeakHeap(b *testing.B, corpus string) uint64 {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestGatePeakHeapChild$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), peakHeapEnv+"="+corpus)
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.Fatalf("child gate over %s: %v\n%s", corpus, err, out)
	}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), peakHeapLine); ok {
			n, err := strconv.ParseUint(rest, 10, 64)
			if err != nil {
				b.Fatalf("child gate over %s: %q: %v", corpus, sc.Text(), err)
			}
			return n
		}
	}
	b.Fatalf("child gate over %s reported no peak heap:\n%s", corpus, out)
	return 0
}

// TestGatePeakHeapChild is BenchmarkGatePeakHeap's child: it runs the gate
// once over the corpus that peakHeapEnv names, sampling the heap all the
// while, and prints the peak. Run on its own, it skips.
func TestGatePeakHeapChild(t *testing.T) {
	corpus := os.Getenv(peakHeapEnv)
	if corpus == "" {
		t.Skip("runs only as BenchmarkGatePeakHeap's child process")
	}
	v := newTestValidator(t)
	runtime.GC()
	sample := []metrics.Sample{{Name: heapMetric}}
	read := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	stop, peak := make(chan struct{}), make(chan uint64)
	go func() {
		// A sampler, not a wait: it reads the heap every 100µs until the
		// gate is done, and the peak between two reads goes unseen.
		tick := time.NewTicker(100 * time.Microsecond)
		defer tick.Stop()
		p := read()
		for {
			select {
			case <-stop:
				peak <- max(p, read())
				return
			case <-tick.C:
				p = max(p, read())
			}
		}
	}()
	// The gate as zcdrop conformance runs it, its report included.
	verdict, err := v.Gate(t.Context(), io.Discard, GateOptions{Format: FormatText}, corpus)
	s := verdict.Summary
	close(stop)
	p := <-peak
	if err != nil {
		t.Fatal(err)
	}
	if s.Total == 0 || s.Failed > 0 {
		t.Fatalf("the gate checked %+v, want conforming interactions", s)
	}
	fmt.Printf("%s%d\n", peakHeapLine, p)
}
