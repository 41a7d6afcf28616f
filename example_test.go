package zcdrop_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/zcdrop/zcdrop"
	"github.com/zcdrop/zcdrop/conformance"
)

// fakeZilliz stands in for the control plane: the first drop of a cluster
// succeeds, and the API answers any later one, as the real one does, with
// HTTP 200 and code 96018. Describe says RUNNING before the drop, DELETING
// at the first describe after it, and DELETED from then on.
func fakeZilliz() *httptest.Server {
	var mu sync.Mutex
	describedSinceDrop := map[string]int{} // by cluster; absent until dropped
	mux := http.NewServeMux()
	mux.HandleFunc("DELETE /v2/clusters/{id}/drop", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		id := r.PathValue("id")
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("requestid", "req-42")
		if _, dropped := describedSinceDrop[id]; dropped {
			fmt.Fprint(w, `{"code":96018,"message":"Cluster not exist or you don't have permission."}`)
			return
		}
		describedSinceDrop[id] = 0
		fmt.Fprintf(w, `{"code":0,"data":{"clusterId":%q,"prompt":"The cluster has been deleted."}}`, id)
	})
	mux.HandleFunc("GET /v2/clusters/{id}", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		id := r.PathValue("id")
		status := "RUNNING"
		if n, dropped := describedSinceDrop[id]; dropped {
			status = map[bool]string{true: "DELETING", false: "DELETED"}[n == 0]
			describedSinceDrop[id]++
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"code":0,"data":{"clusterId":%q,"status":%q}}`, id, status)
	})
	return httptest.NewServer(mux)
}

func Example() {
	srv := fakeZilliz() // In production, leave out WithBaseURL: ServerGlobal is the default.
	defer srv.Close()
	ctx := context.Background()

	c, err := zcdrop.New("my-api-key-0123456789", zcdrop.WithBaseURL(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := c.DropCluster(ctx, "in01-6183d6bac30f801")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("dropped", res.ClusterID, "request", res.RequestID)

	// The second drop is a business error that arrives as HTTP 200.
	_, err = c.DropCluster(ctx, "in01-6183d6bac30f801")
	var apiErr *zcdrop.APIError
	if errors.Is(err, zcdrop.ErrClusterNotFound) && errors.As(err, &apiErr) {
		fmt.Println("already gone: code", apiErr.Code, "http", apiErr.StatusCode)
	}
	// Output:
	// dropped in01-6183d6bac30f801 request req-42
	// already gone: code 96018 http 200
}

func ExampleValidateClusterID() {
	fmt.Println(zcdrop.ValidateClusterID("in01-6183d6bac30f801"))
	fmt.Println(zcdrop.ValidateClusterID(".."))
	// Output:
	// <nil>
	// zcdrop: invalid cluster ID "..": a dot segment would change the request path
}

// The gate in front of the client: a conformance.Transport in ModeEnforce
// checks every exchange against openapi.yaml, and WithTransport keeps the
// client's no-redirect policy around it.
func ExampleWithTransport() {
	srv := fakeZilliz()
	defer srv.Close()
	// This one leaves out data.prompt, which the spec requires; the client
	// alone would not notice.
	mux := http.NewServeMux()
	mux.HandleFunc("DELETE /v2/clusters/{id}/drop", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"code":0,"data":{"clusterId":%q}}`, r.PathValue("id"))
	})
	offSpec := httptest.NewServer(mux)
	defer offSpec.Close()
	ctx := context.Background()

	v, err := conformance.NewValidator()
	if err != nil {
		fmt.Println(err)
		return
	}
	gate := &conformance.Transport{Validator: v, Mode: conformance.ModeEnforce}

	for _, base := range []string{srv.URL, offSpec.URL} {
		c, err := zcdrop.New("my-api-key-0123456789", zcdrop.WithBaseURL(base), zcdrop.WithTransport(gate))
		if err != nil {
			fmt.Println(err)
			return
		}
		res, err := c.DropCluster(ctx, "in01-6183d6bac30f801")
		var violation *conformance.ViolationError
		switch {
		case errors.As(err, &violation):
			for _, v := range violation.Violations {
				fmt.Println("off spec:", v.Kind, v.Pointer)
			}
		case err != nil:
			fmt.Println(err)
		default:
			fmt.Println("dropped", res.ClusterID)
		}
	}
	// Output:
	// dropped in01-6183d6bac30f801
	// off spec: response /data/prompt
}

// A teardown that may run twice: the second run finds the cluster gone,
// which EnsureDropped takes for success.
func ExampleClient_EnsureDropped() {
	srv := fakeZilliz()
	defer srv.Close()
	ctx := context.Background()

	c, err := zcdrop.New("my-api-key-0123456789", zcdrop.WithBaseURL(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	for range 2 {
		res, err := c.EnsureDropped(ctx, "in01-6183d6bac30f801")
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(res.ClusterID, res.Outcome)
	}
	// Output:
	// in01-6183d6bac30f801 dropped
	// in01-6183d6bac30f801 already_gone
}

// Drop, then wait until the cluster is gone, with ctx's deadline as the
// limit and each status change printed.
func ExampleClient_WaitDropped() {
	srv := fakeZilliz()
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()

	c, err := zcdrop.New("my-api-key-0123456789", zcdrop.WithBaseURL(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := c.EnsureDropped(ctx, "in01-6183d6bac30f801"); err != nil {
		fmt.Println(err)
		return
	}
	res, err := c.WaitDropped(ctx, "in01-6183d6bac30f801",
		// Short, for the example: by default the polls start half a
		// second apart, doubling to 10 seconds.
		zcdrop.WithPollInterval(time.Millisecond, time.Millisecond),
		zcdrop.WithStatusCallback(func(ch zcdrop.StatusChange) {
			fmt.Printf("%s: %s -> %s\n", ch.ClusterID, ch.Previous, ch.Status)
		}))
	var waitErr *zcdrop.WaitError
	switch {
	case errors.As(err, &waitErr) && errors.Is(err, context.DeadlineExceeded):
		fmt.Println("still", waitErr.LastStatus, "at the deadline")
	case err != nil:
		fmt.Println(err)
	default:
		fmt.Println("gone:", res.Status, "after", res.Polls, "polls")
	}
	// Output:
	// in01-6183d6bac30f801:  -> DELETING
	// in01-6183d6bac30f801: DELETING -> DELETED
	// gone: DELETED after 2 polls
}
