package conformance

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/zcdrop/zcdrop/internal/vcr"
)

// generatedInteraction is the i-th drop of a generated corpus, as the
// Recorder writes one: a conforming drop of a cluster of its own, so that
// the lifecycle rules see no repeat.
func generatedInteraction(i int) *vcr.Interaction {
	id := fmt.Sprintf("in01-%015x", i)
	body := `{"code":0,"data":{"clusterId":"` + id + `","prompt":"The cluster has been deleted."}}`
	return &vcr.Interaction{
		Request: vcr.Request{
			Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Host: "api.cloud.zilliz.com",
			Headers: http.Header{
				"Accept":        {"application/json"},
				"Authorization": {"Bearer REDACTED"},
				"User-Agent":    {"zcdrop/test"},
			},
			URL:    "https://api.cloud.zilliz.com/v2/clusters/" + id + "/drop",
			Method: http.MethodDelete,
		},
		Response: vcr.Response{
			Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			ContentLength: int64(len(body)),
			Body:          body,
			Headers: http.Header{
				"Content-Type": {"application/json"},
				"Requestid":    {fmt.Sprintf("%032x", i)},
			},
			Status:   "200 OK",
			Code:     http.StatusOK,
			Duration: 3 * time.Millisecond,
		},
	}
}

// writeGeneratedCassette writes n generated interactions, from the first'th
// on, to path, as go-vcr writes a cassette.
func writeGeneratedCassette(tb testing.TB, path string, first, n int) {
	tb.Helper()
	c := &vcr.Cassette{Version: vcr.FormatVersion}
	for i := range n {
		in := generatedInteraction(first + i)
		in.ID = i
		c.Interactions = append(c.Interactions, in)
	}
	data, err := vcr.Encode(c)
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		tb.Fatal(err)
	}
}

// writeGeneratedCorpus writes n interactions under dir, perFile to a
// cassette, and returns dir.
func writeGeneratedCorpus(tb testing.TB, dir string, n, perFile int) string {
	tb.Helper()
	for first := 0; first < n; first += perFile {
		writeGeneratedCassette(tb, filepath.Join(dir, fmt.Sprintf("c%06d.yaml", first)), first, min(perFile, n-first))
	}
	return dir
}

// BenchmarkGateFiles measures the gate over 2,000 one-interaction files:
// reading, decoding and checking, on as many cores as -cpu gives it.
func BenchmarkGateFiles(b *testing.B) {
	dir := writeGeneratedCorpus(b, b.TempDir(), 2000, 1)
	v := newTestValidator(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		rs, err := v.CheckCassettes(ctx, dir)
		if err != nil || len(rs) != 2000 || !rs[0].OK {
			b.Fatal(err, len(rs))
		}
	}
	b.ReportMetric(float64(2000*b.N)/b.Elapsed().Seconds(), "interactions/s")
}

// BenchmarkGateOneFile measures the gate over one cassette of 4,000
// interactions, within the 4 MiB a cassette may be.
func BenchmarkGateOneFile(b *testing.B) {
	file := filepath.Join(b.TempDir(), "big.yaml")
	writeGeneratedCassette(b, file, 0, 4000)
	v := newTestValidator(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		rs, err := v.CheckCassettes(ctx, file)
		if err != nil || len(rs) != 4000 || !rs[0].OK {
			b.Fatal(err, len(rs))
		}
	}
	b.ReportMetric(float64(4000*b.N)/b.Elapsed().Seconds(), "interactions/s")
}
