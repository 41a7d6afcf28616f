package mock_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

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
