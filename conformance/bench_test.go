package conformance

import (
	"context"
	"net/http"
	"testing"
)

// BenchmarkValidate measures one full check of a conforming exchange:
// routing, request, response schema (the oneOf included) and semantics.
func BenchmarkValidate(b *testing.B) {
	v := newTestValidator(b)
	req, err := http.NewRequest(http.MethodDelete, "https://api.cloud.zilliz.com/v2/clusters/in01-6183d6bac30f801/drop", nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer REDACTED")
	ex := Exchange{Request: req, Response: jsonResponse(200, `{"code":0,"data":{"clusterId":"in01-6183d6bac30f801","prompt":"The cluster has been deleted."}}`)}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if vs := v.Validate(ctx, ex); len(vs) != 0 {
			b.Fatal(vs)
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
		if _, err := v.CheckCassettes(ctx, "testdata/cassettes"); err != nil {
			b.Fatal(err)
		}
	}
}
