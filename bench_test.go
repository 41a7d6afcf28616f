package zcdrop

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/zcdrop/zcdrop/conformance"
)

// benchClusterID and benchSuccessBody are the drop that the benchmarks
// send and answer: the dedicated cluster of the shipped corpus, and the
// success body that conformance's benchmarks decode and validate.
const (
	benchClusterID   = "in01-6183d6bac30f801"
	benchSuccessBody = `{"code":0,"data":{"clusterId":"in01-6183d6bac30f801","prompt":"The cluster has been deleted. If you consider this action to be an error, you have the option to restore the deleted cluster from the recycle bin within a 30-day period. Kindly note, this recovery feature does not apply to free clusters."}}`
)

// benchServer answers every request with the success body and nothing
// else: it records nothing, so that the server's share of a round trip is
// the same small constant for every benchmark that compares two clients.
func benchServer(b *testing.B) *httptest.Server {
	b.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		h := w.Header()
		h["Content-Type"] = []string{"application/json"}
		h["Requestid"] = []string{"0000000000000000000000005eed00c8"}
		_, _ = w.Write([]byte(benchSuccessBody))
	}))
	b.Cleanup(srv.Close)
	return srv
}

// benchDrop times DropCluster through a client of a loopback server built
// with opts. The rate limiter is off: at its default of 20 a second, it,
// not the client, would set the pace.
func benchDrop(b *testing.B, opts ...Option) {
	srv := benchServer(b)
	c, err := New(testKey, append([]Option{WithBaseURL(srv.URL), WithRateLimit(0, 0)}, opts...)...)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.DropCluster(ctx, benchClusterID); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDropRaw measures one drop through the front door, with no
// validation: request building, the loopback round trip and reading the
// answer. It is the denominator of DropValidated/DropRaw.
func BenchmarkDropRaw(b *testing.B) {
	benchDrop(b)
}

// BenchmarkDropValidated measures the same drop through a
// conformance.Transport in ModeEnforce, as a user plugs it in: it checks
// the request before sending it and the exchange when the answer arrives,
// and a violation on either side fails the drop, and so the benchmark.
func BenchmarkDropValidated(b *testing.B) {
	v, err := conformance.NewValidator()
	if err != nil {
		b.Fatal(err)
	}
	benchDrop(b, WithTransport(&conformance.Transport{Validator: v, Mode: conformance.ModeEnforce}))
}
