package mock

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// benchKey is the key of the benchmarks' mock.
const benchKey = "mock-key-bench-0123456789"

// The mock's benchmarks and the bare handler's send the same requests over
// loopback, one at a time on one kept-alive connection, and get the same
// answer bytes: BenchmarkMock/X over BenchmarkBareHandler/X is what the
// mock costs per request beyond writing its answer (scripts/bench-mock.sh
// measures the same under wrk). Each sub-benchmark is one request that the
// mock answers with a success every time:
//
//   - describe: GET of a RUNNING cluster;
//   - drop: DELETE of a cluster not dropped before, a fresh one for each
//     request out of b.N seeded ones, since only the first drop of a
//     cluster succeeds.

// benchRequest is one request of a benchmark.
type benchRequest struct {
	method, path string
}

// benchRequests returns the requests of sub-benchmark name, n of them for a
// drop, and the clusters to seed for them.
func benchRequests(name string, n int) ([]benchRequest, []string) {
	if name == "describe" {
		return []benchRequest{{http.MethodGet, describePath(dedicatedID)}}, []string{dedicatedID}
	}
	reqs, ids := make([]benchRequest, n), make([]string, n)
	for i := range n {
		ids[i] = fmt.Sprintf("in01-%015x", i)
		reqs[i] = benchRequest{http.MethodDelete, dropPath(ids[i])}
	}
	return reqs, ids
}

// benchSend sends each request in turn, the i-th for the i-th iteration
// (the last over and over when there are fewer), and fails the benchmark
// unless each answer is a 200 whose body has wantLen bytes.
func benchSend(b *testing.B, baseURL string, reqs []benchRequest, wantLen int) {
	b.Helper()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
	b.Cleanup(client.CloseIdleConnections)
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		r := reqs[min(i, len(reqs)-1)]
		req, err := http.NewRequestWithContext(context.Background(), r.method, baseURL+r.path, nil)
		if err != nil {
			b.Fatal(err)
		}
		req.Header["Authorization"] = []string{bearer(benchKey)}
		res, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		buf, err = readAll(res.Body, buf[:0])
		res.Body.Close()
		if err != nil || res.StatusCode != http.StatusOK || len(buf) != wantLen {
			b.Fatalf("%s %s: HTTP %d, %d bytes, %v; want HTTP 200 and %d bytes", r.method, r.path, res.StatusCode, len(buf), err, wantLen)
		}
	}
}

// readAll is io.ReadAll into buf, so that the client allocates the same for
// either server.
func readAll(r io.Reader, buf []byte) ([]byte, error) {
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// benchAnswer is the mock's answer to the first of reqs, on a mock of its
// own, as the bare handler writes it.
func benchAnswer(b *testing.B, reqs []benchRequest, ids []string) (contentType string, body []byte) {
	b.Helper()
	srv, err := New(WithClusters(ids[0]), WithAPIKey(benchKey), WithRateLimit(0))
	if err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest(reqs[0].method, reqs[0].path, nil)
	req.Header.Set("Authorization", bearer(benchKey))
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || !bytes.Contains(rec.Body.Bytes(), []byte(`"code":0,`)) {
		b.Fatalf("the mock answered HTTP %d %s; want a success", rec.Code, rec.Body)
	}
	return rec.Header().Get("Content-Type"), rec.Body.Bytes()
}

// BenchmarkMock measures the mock's answer to a request that succeeds, as
// `zcdrop mock --rate-limit 0 -q` serves it: no rate limit, no log.
func BenchmarkMock(b *testing.B) {
	for _, name := range []string{"describe", "drop"} {
		b.Run(name, func(b *testing.B) {
			reqs, ids := benchRequests(name, b.N)
			_, body := benchAnswer(b, reqs, ids)
			srv, err := New(WithClusters(ids...), WithAPIKey(benchKey), WithRateLimit(0))
			if err != nil {
				b.Fatal(err)
			}
			ts := httptest.NewServer(srv)
			b.Cleanup(ts.Close)
			benchSend(b, ts.URL, reqs, len(body))
		})
	}
}

// BenchmarkBareHandler measures a bare net/http handler that writes the
// mock's answer to the same request, as scripts/internal/barehttp does: the
// same status, Content-Type, body, and a requestid header as long as the
// mock's, from bytes prepared once.
func BenchmarkBareHandler(b *testing.B) {
	for _, name := range []string{"describe", "drop"} {
		b.Run(name, func(b *testing.B) {
			reqs, ids := benchRequests(name, 1)
			contentType, body := benchAnswer(b, reqs, ids)
			contentTypes, requestIDs := []string{contentType}, []string{"0123456789abcdef0123456789abcdef"}
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				h := w.Header()
				h["Content-Type"] = contentTypes
				h["Requestid"] = requestIDs
				_, _ = w.Write(body)
			}))
			b.Cleanup(ts.Close)
			benchSend(b, ts.URL, reqs, len(body))
		})
	}
}
