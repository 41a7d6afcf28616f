package conformance_test

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/zcdrop/zcdrop/conformance"
)

func ExampleNewReplayer() {
	// In a test, conformancetest.NewReplayer(t, dir) does all of this and
	// fails the test on what Report().Err() returns.
	r, err := conformance.NewReplayer("testdata/cassettes")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer r.Close()
	// Point the code under test at r.Client(); the zcdrop client takes it
	// through zcdrop.WithHTTPClient.
	client := r.Client()

	drop := func(clusterID string) {
		req, err := http.NewRequest(http.MethodDelete, "https://api.cloud.zilliz.com/v2/clusters/"+clusterID+"/drop", nil)
		if err != nil {
			fmt.Println(err)
			return
		}
		req.Header.Set("Accept", "application/json")
		// The key is never compared: recordings say "Bearer REDACTED".
		req.Header.Set("Authorization", "Bearer any-key")
		res, err := client.Do(req)
		if err != nil {
			fmt.Println(clusterID+": error:", err != nil)
			return
		}
		defer res.Body.Close()
		var body struct{ Code int }
		if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s: HTTP %d, code %d\n", clusterID, res.StatusCode, body.Code)
	}

	drop("in01-0000000000000000")
	// The corpus holds two answers to this request; they come in the order
	// recorded: unsupported plan, then dropped.
	drop("in05-8a6e4c5d1f2b3a4")
	drop("in05-8a6e4c5d1f2b3a4")
	// A request that no cassette holds fails, and the report says so.
	drop("in01-ffffffffffffff")

	report := r.Report()
	fmt.Println("served:", len(report.Served))
	fmt.Println(report.Err())
	// Output:
	// in01-0000000000000000: HTTP 200, code 96018
	// in05-8a6e4c5d1f2b3a4: HTTP 200, code 96022
	// in05-8a6e4c5d1f2b3a4: HTTP 200, code 0
	// in01-ffffffffffffff: error: true
	// served: 3
	// conformance: replay of testdata/cassettes:
	// no unused interaction matches DELETE https://api.cloud.zilliz.com/v2/clusters/in01-ffffffffffffff/drop; record it with conformance.NewRecorder, or add it to a cassette
}
