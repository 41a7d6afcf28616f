package zcdrop

import (
	"context"
	"testing"
)

// BenchmarkDropCluster measures one drop through the front door against a
// loopback server: request building, the round trip and classification.
func BenchmarkDropCluster(b *testing.B) {
	srv, _, _ := server(b, jsonReply(200, `{"code":0,"data":{"clusterId":"in01-6183d6bac30f801","prompt":"p"}}`))
	c, err := New(testKey, WithBaseURL(srv.URL))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.DropCluster(ctx, "in01-6183d6bac30f801"); err != nil {
			b.Fatal(err)
		}
	}
}
