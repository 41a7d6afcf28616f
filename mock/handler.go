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

// operation returns the generated handler of the Drop Cluster operation,
// with the Server as its strict implementation. The middleware lets only
// conforming requests through, so it routes every one of them.
func (s *Server) operation() http.Handler {
	strict := api.NewStrictHandlerWithOptions(s, nil, api.StrictHTTPServerOptions{
		// DropCluster never fails and its answers always encode, so the
		// generated code reports only a write error, which means that the
		// client has gone: there is no one left to answer.
		ResponseErrorHandlerFunc: func(http.ResponseWriter, *http.Request, error) {},
	})
	return api.HandlerWithOptions(strict, api.StdHTTPServerOptions{
		// The generated code refuses to bind a conforming request only for
		// the Accept header, sent more than once. Its own answer would be
		// plain text, which the spec does not declare.
		ErrorHandlerFunc: func(w http.ResponseWriter, _ *http.Request, _ error) {
			respond(w, errorAnswer(http.StatusBadRequest, msgNonconforming))
		},
	})
}

// DropCluster drops a cluster: DELETE /v2/clusters/{clusterId}/drop.
// https://docs.zilliz.com/reference/restful/drop-cluster-v2
//
// The middleware has vetted the request and authenticated its key, which
// ctx carries. Like the real API, DropCluster answers business errors with
// HTTP 200 and a non-zero code: 96016 when the key may not touch the
// cluster, 96018 when the cluster does not exist or is already dropped. A
// request that reaches it without a key (the generated handler mounted
// without the Server's middleware) is refused with 401.
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

// respond writes res for the middleware that answers before the request
// reaches the operation: an unknown path or method, a refused key, the rate
// limit, a request that breaks the spec or that the generated code cannot
// bind, a fault, a cancelled wait. The generated strict handler writes what
// DropCluster returns, but its router cannot take those requests (it
// redirects dot segments and cannot bind an empty clusterId) and these checks
// must come first in any case, so their typed answers are written here. This
// is the one place in the package that calls a Visit method.
func respond(w http.ResponseWriter, res api.DropClusterResponseObject) {
	_ = res.VisitDropClusterResponse(w) // A write error means the client has gone.
}
