package zcdrop_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/zcdrop/zcdrop"
	"github.com/zcdrop/zcdrop/conformance"
)

// fakeZilliz stands in for the control plane: the first drop of a cluster
// succeeds, and the API answers any later one, as the real one does, with
// HTTP 200 and code 96018.
func fakeZilliz() *httptest.Server {
	dropped := map[string]bool{}
	mux := http.NewServeMux()
	mux.HandleFunc("DELETE /v2/clusters/{id}/drop", func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("requestid", "req-42")
		if dropped[id] {
			fmt.Fprint(w, `{"code":96018,"message":"Cluster not exist or you don't have permission."}`)
			return
		}
		dropped[id] = true
		fmt.Fprintf(w, `{"code":0,"data":{"clusterId":%q,"prompt":"The cluster has been deleted."}}`, id)
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
