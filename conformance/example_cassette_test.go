package conformance_test

import (
	"context"
	"fmt"
	"os"

	"github.com/zcdrop/zcdrop/conformance"
)

func ExampleValidator_CheckCassettes() {
	v, err := conformance.NewValidator()
	if err != nil {
		fmt.Println(err)
		return
	}
	results, err := v.CheckCassettes(context.Background(),
		"testdata/cassettes/drop-dedicated.yaml",
		"testdata/negative/echo-differs.yaml",
	)
	if err != nil {
		fmt.Println(err) // An unreadable input: nothing was checked.
		return
	}
	if err := conformance.WriteReport(os.Stdout, conformance.FormatText, results); err != nil {
		fmt.Println(err)
	}
	// Output:
	// testdata/negative/echo-differs.yaml:27: semantic /data/clusterId: echoes cluster "in01-000000000000000", but the request dropped "in01-6183d6bac30f801"
	// 2 interactions: 1 passed, 1 failed
}
