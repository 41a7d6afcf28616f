package conformance_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/zcdrop/zcdrop"
	"github.com/zcdrop/zcdrop/conformance"
)

// exampleTB stands in for the *testing.T that a test passes to NewReplayer.
type exampleTB struct{ cleanups []func() }

func (*exampleTB) Helper() {}

func (*exampleTB) Errorf(format string, args ...any) {
	fmt.Printf("test failed: "+format+"\n", args...)
}

func (t *exampleTB) Cleanup(f func()) { t.cleanups = append(t.cleanups, f) }

func ExampleNewReplayer() {
	t := &exampleTB{} // In a test: client := conformance.NewReplayer(t, "testdata/cassettes")
	defer func() {
		for _, f := range t.cleanups {
			f()
		}
	}()
	client := conformance.NewReplayer(t, "testdata/cassettes")

	// The key is never compared: recordings say "Bearer REDACTED".
	c, err := zcdrop.New("any-key",
		zcdrop.WithHTTPClient(client),
		zcdrop.WithBaseURL("https://api.cloud.zilliz.com"),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()

	_, err = c.DropCluster(ctx, "in01-0000000000000000")
	fmt.Println("not found:", errors.Is(err, zcdrop.ErrClusterNotFound))

	// The corpus holds two answers to this request; they come in the order
	// recorded.
	_, err = c.DropCluster(ctx, "in05-8a6e4c5d1f2b3a4")
	fmt.Println("unsupported plan:", errors.Is(err, zcdrop.ErrUnsupportedPlan))
	res, err := c.DropCluster(ctx, "in05-8a6e4c5d1f2b3a4")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("dropped:", res.ClusterID)

	// A request that no cassette holds fails the test, and the call.
	_, err = c.DropCluster(ctx, "in01-ffffffffffffff")
	fmt.Println("error:", err != nil)
	// Output:
	// not found: true
	// unsupported plan: true
	// dropped: in05-8a6e4c5d1f2b3a4
	// test failed: conformance: replay: no unused interaction in testdata/cassettes matches DELETE https://api.cloud.zilliz.com/v2/clusters/in01-ffffffffffffff/drop; record it with conformance.NewRecorder, or add it to a cassette
	// error: true
}
