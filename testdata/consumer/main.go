// Command consumer is a program as users write them against the generated
// package api: consumer_test.go at the repository root builds it, so that a
// regeneration that breaks such programs fails "make test" here instead of
// at their sites. It names each type it relies on, so that a changed field
// or result type breaks its build, not only a removed name.
//
// It is never run by the tests. Run by hand, it drops the cluster its
// arguments name at the base URL they name, with the key in ZILLIZ_API_KEY.
package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/zcdrop/zcdrop/api"
)

// The interfaces users mock and wrap.
var (
	_ api.ClientInterface              = (*api.Client)(nil)
	_ api.ClientWithResponsesInterface = (*api.ClientWithResponses)(nil)
	_ api.HttpRequestDoer              = (*http.Client)(nil)
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: consumer BASE_URL CLUSTER_ID")
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := drop(ctx, os.Args[1], os.Args[2], os.Getenv("ZILLIZ_API_KEY")); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func drop(ctx context.Context, baseURL, clusterID, key string) error {
	// The request editors: one for every request, one for this call.
	var auth api.RequestEditorFn = func(_ context.Context, req *http.Request) error {
		req.Header.Set("Authorization", "Bearer "+key)
		return nil
	}
	var opts []api.ClientOption = []api.ClientOption{
		api.WithHTTPClient(&http.Client{Timeout: 10 * time.Second}),
		api.WithRequestEditorFn(auth),
	}
	// The plain client: an *http.Response, parsed by hand.
	plain, err := api.NewClient(baseURL, opts...)
	if err != nil {
		return err
	}
	var accept api.Accept = "application/json"
	params := &api.DropClusterParams{Accept: &accept}
	var id api.ClusterId = clusterID
	req, err := api.NewDropClusterRequest(plain.Server, id, params)
	if err != nil {
		return err
	}
	_ = req

	// The client with typed responses.
	var c *api.ClientWithResponses
	c, err = api.NewClientWithResponses(baseURL, opts...)
	if err != nil {
		return err
	}
	tag := func(_ context.Context, req *http.Request) error {
		req.Header.Set("User-Agent", "consumer")
		return nil
	}
	var res *api.DropClusterResponse
	res, err = c.DropClusterWithResponse(ctx, id, params, tag)
	if err != nil {
		return err
	}
	return report(res)
}

// report reads every part of the typed response that users read.
func report(res *api.DropClusterResponse) error {
	var (
		status int            = res.StatusCode()
		body   []byte         = res.Body
		raw    *http.Response = res.HTTPResponse
	)
	_, _ = body, raw
	var requestID *string
	if h := res.Headers200; h != nil {
		requestID = h.Requestid
	}
	_ = requestID

	var result *api.DropClusterResult = res.JSON200
	var unauthorized, client, server *api.ErrorEnvelope = res.JSON401, res.JSON4XX, res.JSON5XX
	switch {
	case result != nil:
		return readResult(*result)
	case unauthorized != nil:
		return apiError(status, *unauthorized)
	case client != nil:
		return apiError(status, *client)
	case server != nil:
		return apiError(status, *server)
	}
	return fmt.Errorf("HTTP %d with no JSON body", status)
}

// readResult takes the oneOf apart with its accessors, as the front door
// does: the code tells the branches apart.
func readResult(result api.DropClusterResult) error {
	envelope, err := result.AsErrorEnvelope()
	if err != nil {
		return err
	}
	var code int32 = envelope.Code
	if code != 0 {
		return apiError(http.StatusOK, envelope)
	}
	var success api.DropClusterSuccess
	success, err = result.AsDropClusterSuccess()
	if err != nil {
		return err
	}
	var successCode api.DropClusterSuccessCode = success.Code
	if successCode != api.N0 || !successCode.Valid() {
		return errors.New("not a success")
	}
	var data api.DropClusterData = success.Data
	var clusterID, prompt string = data.ClusterId, data.Prompt
	fmt.Printf("dropped %s: %s\n", clusterID, prompt)

	// Tests and mocks build results the other way.
	var built api.DropClusterResult
	if err := built.FromDropClusterSuccess(success); err != nil {
		return err
	}
	if err := built.FromErrorEnvelope(api.ErrorEnvelope{Code: 96018, Message: "not found"}); err != nil {
		return err
	}
	return nil
}

func apiError(status int, e api.ErrorEnvelope) error {
	var message string = e.Message
	return fmt.Errorf("HTTP %d, code %d: %s", status, e.Code, message)
}
