package mock_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/zcdrop/zcdrop/api"
	"github.com/zcdrop/zcdrop/conformance"
	"github.com/zcdrop/zcdrop/mock"
)

// dropCluster stands for the automation under test: it drops one cluster
// through the generated client and describes the outcome. Its HTTP client
// enforces the spec, so an answer that breaks it would be an error.
func dropCluster(ctx context.Context, baseURL, key, id string) string {
	v, err := conformance.NewValidator()
	if err != nil {
		return err.Error()
	}
	hc := &http.Client{Transport: &conformance.Transport{Validator: v, Mode: conformance.ModeEnforce}}
	client, err := api.NewClientWithResponses(baseURL, api.WithHTTPClient(hc))
	if err != nil {
		return err.Error()
	}
	res, err := client.DropClusterWithResponse(ctx, id, nil, func(_ context.Context, req *http.Request) error {
		req.Header.Set("Authorization", "Bearer "+key)
		return nil
	})
	switch {
	case err != nil:
		return err.Error()
	case res.JSON200 == nil:
		return fmt.Sprintf("HTTP %d", res.StatusCode())
	}
	if ok, err := res.JSON200.AsDropClusterSuccess(); err == nil && ok.Code == api.N0 {
		return "dropped " + ok.Data.ClusterId
	}
	failed, _ := res.JSON200.AsErrorEnvelope()
	return fmt.Sprintf("business error %d: %s", failed.Code, failed.Message)
}

// Example tests automation against the mock: the first call meets an outage,
// the retry drops the cluster, and a second drop is refused. In a test,
// mocktest.NewServer(t, opts...) replaces New and httptest.NewServer, and
// closes the server when the test ends.
func Example() {
	const id = "in01-6183d6bac30f801"
	srv, err := mock.New(
		mock.WithAPIKey("mock-key-0123456789"), // a key for the mock only
		mock.WithClusters(id),
		mock.WithFault(mock.Fault{Kind: mock.FaultStatus, StatusCode: http.StatusServiceUnavailable, Times: 1}),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()

	ctx := context.Background()
	for range 3 {
		fmt.Println(dropCluster(ctx, ts.URL, "mock-key-0123456789", id))
	}
	c, _ := srv.Cluster(id)
	fmt.Println(id, "is", c.Status)
	// Output:
	// HTTP 503
	// dropped in01-6183d6bac30f801
	// business error 96018: Cluster not exist or you don't have permission.
	// in01-6183d6bac30f801 is DELETING
}

// Example_lifecycle follows a cluster from RUNNING to purged, as Describe
// Cluster reports it, on a clock that the example moves: the mock derives
// each status from the clock, so nothing waits. It calls ServeHTTP itself,
// which an http.Server does for a program.
func Example_lifecycle() {
	const id, key = "in01-6183d6bac30f801", "mock-key-0123456789"
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	srv, err := mock.New(
		mock.WithAPIKey(key),
		mock.WithClusters(id),
		mock.WithClock(func() time.Time { return now }),
		mock.WithDeleteDelay(time.Minute), // DELETING for a minute
		mock.WithPurgeDelay(time.Hour),    // then DELETED for an hour
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	send := func(method, path string) {
		req := httptest.NewRequest(method, path, nil)
		req.Header.Set("Authorization", "Bearer "+key)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		fmt.Print(method, " ", rec.Code, " ", rec.Body)
	}

	send(http.MethodGet, "/v2/clusters/"+id)
	send(http.MethodDelete, "/v2/clusters/"+id+"/drop")
	send(http.MethodGet, "/v2/clusters/"+id)
	now = now.Add(time.Minute)
	send(http.MethodGet, "/v2/clusters/"+id)
	now = now.Add(time.Hour)
	send(http.MethodGet, "/v2/clusters/"+id)
	c, _ := srv.Cluster(id)
	fmt.Println("Server.Cluster:", c.Status)
	// Output:
	// GET 200 {"code":0,"data":{"clusterId":"in01-6183d6bac30f801","plan":"Dedicated","status":"RUNNING"}}
	// DELETE 200 {"code":0,"data":{"clusterId":"in01-6183d6bac30f801","prompt":"The cluster has been deleted. If you consider this action to be an error, you have the option to restore the deleted cluster from the recycle bin within a 30-day period. Kindly note, this recovery feature does not apply to free clusters."}}
	// GET 200 {"code":0,"data":{"clusterId":"in01-6183d6bac30f801","plan":"Dedicated","status":"DELETING"}}
	// GET 200 {"code":0,"data":{"clusterId":"in01-6183d6bac30f801","plan":"Dedicated","status":"DELETED"}}
	// GET 200 {"code":96018,"message":"Cluster not exist or you don't have permission."}
	// Server.Cluster: PURGED
}
