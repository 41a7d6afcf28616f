package mock

import (
	"context"
	"net/http"
	"strings"

	"github.com/zcdrop/zcdrop/api"
)

// DropPrompt is the prompt of every successful drop, as the vendor documents
// it and openapi.yaml's examples quote it.
const DropPrompt = "The cluster has been deleted. If you consider this action to be an error, you have the option to restore the deleted cluster from the recycle bin within a 30-day period. Kindly note, this recovery feature does not apply to free clusters."

// Codes and messages of the error envelope, as openapi.yaml's examples give
// them.
const (
	codeIllegalAPIKey    = 21119
	codeNoKeyScope       = 96016
	codeClusterNotFound  = 96018
	codeEmptyClusterID   = 96025
	codeInvalidClusterID = 96036

	msgIllegalAPIKey    = "The apikey is illegal."
	msgNoKeyScope       = "The API key does not have permission to access this cluster."
	msgClusterNotFound  = "Cluster not exist or you don't have permission."
	msgEmptyClusterID   = "clusterId is empty."
	msgInvalidClusterID = "Invalid clusterId."
)

var _ api.StrictServerInterface = (*Server)(nil)

// operation returns the generated handler of the operations, Drop Cluster
// and Describe Cluster, with the Server as their strict implementation
// behind the strict middleware.
// Every request that the router takes reaches the strict middleware, bound
// or not, and the generated code writes every answer that it returns.
func (s *Server) operation() http.Handler {
	strict := api.NewStrictHandlerWithOptions(s, s.strictMiddleware(), api.StrictHTTPServerOptions{
		// Neither DropCluster nor the middleware ever fails, and their
		// answers always encode, so the generated code reports only a write
		// error, which means that the client has gone: there is no one left
		// to answer.
		ResponseErrorHandlerFunc: func(http.ResponseWriter, *http.Request, error) {},
	})
	return api.HandlerWithOptions(strict, api.StdHTTPServerOptions{
		BaseRouter: &router{},
		// The generated code cannot bind an empty clusterId (the spec makes
		// it required) or an Accept header sent more than once, and would
		// answer in plain text. Such a request still goes through the strict
		// middleware, marked unbound, so that its key and rate limit are
		// checked first, as for any other request; the middleware refuses
		// it before it reaches DropCluster.
		ErrorHandlerFunc: func(w http.ResponseWriter, r *http.Request, _ error) {
			r = r.WithContext(context.WithValue(r.Context(), unboundKey{}, true))
			if r.Method == http.MethodGet {
				strict.DescribeCluster(w, r, r.PathValue("clusterId"), api.DescribeClusterParams{})
				return
			}
			strict.DropCluster(w, r, r.PathValue("clusterId"), api.DropClusterParams{})
		},
	})
}

// DropCluster drops a cluster: DELETE /v2/clusters/{clusterId}/drop.
// https://docs.zilliz.com/reference/restful/drop-cluster-v2
//
// The strict middleware has vetted the request and authenticated its key,
// which ctx carries. Like the real API, DropCluster answers business errors
// with HTTP 200 and a non-zero code: 96016 when the key may not touch the
// cluster, 96018 when the cluster does not exist or is already dropped. A
// request that reaches it without a key (the generated handler mounted
// without the Server's strict middleware) is refused with 401.
func (s *Server) DropCluster(ctx context.Context, request api.DropClusterRequestObject) (api.DropClusterResponseObject, error) {
	key, ok := keyFrom(ctx)
	switch {
	case !ok:
		return illegalAPIKey(), nil
	case !key.mayTouch(request.ClusterId):
		// Checked before existence, so that a key learns nothing about
		// clusters outside its scope.
		return businessError(codeNoKeyScope, msgNoKeyScope), nil
	case !s.drop(request.ClusterId):
		return businessError(codeClusterNotFound, msgClusterNotFound), nil
	}
	var body api.DropClusterResult
	// Marshalling a struct of two strings and an integer cannot fail.
	_ = body.FromDropClusterSuccess(api.DropClusterSuccess{
		Code: api.N0,
		Data: api.DropClusterData{ClusterId: request.ClusterId, Prompt: DropPrompt},
	})
	return api.DropCluster200JSONResponse{Body: body}, nil
}

// businessError is the answer to a request that the API refuses for its
// content: HTTP 200, with the error envelope in the 200 union.
func businessError(code int32, message string) api.DropCluster200JSONResponse {
	var body api.DropClusterResult
	// Marshalling a struct of an integer and a string cannot fail.
	_ = body.FromErrorEnvelope(api.ErrorEnvelope{Code: code, Message: message})
	return api.DropCluster200JSONResponse{Body: body}
}

// illegalAPIKey is the real API's answer to a missing or unknown key.
func illegalAPIKey() api.DropCluster401JSONResponse {
	return api.DropCluster401JSONResponse{Body: api.ErrorEnvelope{Code: codeIllegalAPIKey, Message: msgIllegalAPIKey}}
}

// errorAnswer is an error status from 400 to 599 with the error envelope,
// whose code is the status, through the response type that the spec declares
// for it.
func errorAnswer(status int, message string) api.DropClusterResponseObject {
	envelope := api.ErrorEnvelope{Code: int32(status), Message: message}
	if status >= 500 {
		return api.DropCluster5XXJSONResponse{Body: envelope, StatusCode: status}
	}
	return api.DropCluster4XXJSONResponse{Body: envelope, StatusCode: status}
}

// badGatewayPage is what a typical gateway sends; the spec's example for
// text/html on 5XX is the same page.
const badGatewayPage = "<html><body><h1>502 Bad Gateway</h1></body></html>\n"

// badGateway is a gateway's HTML answer, which the spec declares for 5XX.
func badGateway() api.DropCluster5XXTexthtmlResponse {
	return api.DropCluster5XXTexthtmlResponse{
		Body:          strings.NewReader(badGatewayPage),
		StatusCode:    http.StatusBadGateway,
		ContentLength: int64(len(badGatewayPage)),
	}
}

// respond writes res for the http middleware and the router, which answer
// before the generated code has a request to bind. Everything else that the
// Server answers goes through the generated code: DropCluster and the strict
// middleware return typed answers, and the generated strict handler writes
// them. What cannot go that way:
//
//   - a fault (FaultStatus, FaultBadGatewayHTML) replaces the answer to any
//     request, whatever its path or method, so it answers before routing,
//     and a request for another path never reaches the generated code;
//   - a request cancelled during the latency is answered 503 before
//     routing, for the same reason: the latency delays every request;
//   - an unknown path (404) or a method other than DELETE (405) has no
//     operation in the generated code to reach: the router must answer it
//     itself, as net/http's ServeMux would, but with the envelope.
//
// A clusterId that is empty or a dot segment, which ServeMux would redirect
// to a cleaned path, does reach the strict middleware: the router takes
// ServeMux's place, and what the generated code cannot bind goes on to the
// strict middleware marked unbound (see operation).
//
// The requestid header of every answer is set on the ResponseWriter first,
// by setRequestID, rather than through the typed answers' Headers, which
// only the answers of the generated code could carry. This is the one place
// in the package that calls a Visit method.
func respond(w http.ResponseWriter, res api.DropClusterResponseObject) {
	_ = res.VisitDropClusterResponse(w) // A write error means the client has gone.
}

// DescribeCluster describes a cluster: GET /v2/clusters/{clusterId}.
// https://docs.zilliz.com/reference/restful/describe-cluster-v2
//
// It answers from the same state as DropCluster: RUNNING until the cluster
// is dropped, DELETING for the delete delay, then DELETED; 96018 for a
// cluster that was never seeded.
func (s *Server) DescribeCluster(ctx context.Context, request api.DescribeClusterRequestObject) (api.DescribeClusterResponseObject, error) {
	key, ok := keyFrom(ctx)
	switch {
	case !ok:
		return api.DescribeCluster401JSONResponse{Body: api.ErrorEnvelope{Code: codeIllegalAPIKey, Message: msgIllegalAPIKey}}, nil
	case !key.mayTouch(request.ClusterId):
		return describeError(codeNoKeyScope, msgNoKeyScope), nil
	}
	c, ok := s.Cluster(request.ClusterId)
	if !ok {
		return describeError(codeClusterNotFound, msgClusterNotFound), nil
	}
	var body api.DescribeClusterResult
	// Marshalling a struct of strings and an integer cannot fail.
	_ = body.FromDescribeClusterSuccess(api.DescribeClusterSuccess{
		Data: api.ClusterDescription{ClusterId: request.ClusterId, Status: string(c.Status)},
	})
	return api.DescribeCluster200JSONResponse{Body: body}, nil
}

// describeError is a business error of Describe Cluster: HTTP 200, with the
// error envelope in the 200 union.
func describeError(code int32, message string) api.DescribeCluster200JSONResponse {
	var body api.DescribeClusterResult
	// Marshalling a struct of an integer and a string cannot fail.
	_ = body.FromErrorEnvelope(api.ErrorEnvelope{Code: code, Message: message})
	return api.DescribeCluster200JSONResponse{Body: body}
}
