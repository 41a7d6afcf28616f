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

var (
	_ api.StrictServerInterface = (*Server)(nil)
	// reply answers either operation; see its doc.
	_ api.DropClusterResponseObject     = reply{}
	_ api.DescribeClusterResponseObject = reply{}
)

// operation returns the generated handler of the operations, Drop Cluster
// and Describe Cluster, with the Server as their strict implementation
// behind the strict middleware.
// Every request that the router takes reaches the strict middleware, bound
// or not, and the generated code writes every answer that it returns.
func (s *Server) operation() http.Handler {
	strict := api.NewStrictHandlerWithOptions(s, s.strictMiddleware(), api.StrictHTTPServerOptions{
		// Neither operation nor the middleware ever fails, and their answers
		// always encode and are of the operation's response type (reply is
		// both operations'), so the generated code reports only a write
		// error, which means that the client has gone: there is no one left
		// to answer.
		ResponseErrorHandlerFunc: func(http.ResponseWriter, *http.Request, error) {},
	})
	return api.HandlerWithOptions(strict, api.StdHTTPServerOptions{
		BaseRouter: &router{},
		// The generated code cannot bind an empty clusterId (the spec makes
		// it required) or an Accept header sent more than once, and would
		// answer in plain text. Such a request still goes through the strict
		// middleware of its operation, marked unbound, so that its key and
		// rate limit are checked first, as for any other request; the
		// middleware refuses it before it reaches the operation. The router
		// passes on only the methods of the two operations, so a GET is a
		// describe and anything else a drop.
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
// cluster, 96018 when the cluster does not exist or was dropped before
// (DELETING, DELETED or purged). A request that reaches it without a key
// (the generated handler mounted without the Server's strict middleware) is
// refused with 401.
func (s *Server) DropCluster(ctx context.Context, request api.DropClusterRequestObject) (api.DropClusterResponseObject, error) {
	key, ok := keyFrom(ctx)
	if !ok {
		return illegalAPIKey(), nil
	}
	if refusal, refused := s.dropFor(key, request.ClusterId); refused {
		return refusal, nil
	}
	return dropSuccess(request.ClusterId), nil
}

// dropFor drops cluster id for key, or returns the business error that
// refuses the drop. It is the operation's decision, which DropCluster and
// the fast path (fastpath.go) share.
func (s *Server) dropFor(key *apiKey, id string) (refusal reply, refused bool) {
	switch {
	case !key.mayTouch(id):
		// Checked before existence, so that a key learns nothing about
		// clusters outside its scope.
		return businessError(codeNoKeyScope, msgNoKeyScope), true
	case !s.drop(id):
		return businessError(codeClusterNotFound, msgClusterNotFound), true
	}
	return reply{}, false
}

// dropSuccess is the answer to a successful drop of cluster id.
func dropSuccess(id string) api.DropCluster200JSONResponse {
	var body api.DropClusterResult
	// Marshalling a struct of two strings and an integer cannot fail.
	_ = body.FromDropClusterSuccess(api.DropClusterSuccess{
		Code: api.N0,
		Data: api.DropClusterData{ClusterId: id, Prompt: DropPrompt},
	})
	return api.DropCluster200JSONResponse{Body: body}
}

// DescribeCluster describes a cluster: GET /v2/clusters/{clusterId}.
// https://docs.zilliz.com/reference/restful/describe-cluster-v2
//
// It reads the state that DropCluster changes: RUNNING until the cluster is
// dropped, DELETING for the delete delay, DELETED for the purge delay; then
// the cluster is purged, and the answer is 96018, as for a cluster that was
// never seeded. Like DropCluster, it answers 96016 for a cluster outside the
// key's scope, before it looks for the cluster, and 401 to a request that
// no middleware authenticated. Its data holds clusterId, status and plan,
// the plan as the mock infers it from the ID (Dedicated, Serverless or
// Free; the real API names its dedicated tiers, which the mock cannot tell
// apart).
func (s *Server) DescribeCluster(ctx context.Context, request api.DescribeClusterRequestObject) (api.DescribeClusterResponseObject, error) {
	key, ok := keyFrom(ctx)
	if !ok {
		return illegalAPIKey(), nil
	}
	c, refusal, refused := s.describeFor(key, request.ClusterId)
	if refused {
		return refusal, nil
	}
	return describeSuccess(c), nil
}

// describeFor returns the cluster id as key may see it, or the business
// error that refuses to describe it. It is the operation's decision, which
// DescribeCluster and the fast path (fastpath.go) share.
func (s *Server) describeFor(key *apiKey, id string) (c Cluster, refusal reply, refused bool) {
	if !key.mayTouch(id) {
		return Cluster{}, businessError(codeNoKeyScope, msgNoKeyScope), true
	}
	c, ok := s.Cluster(id)
	if !ok || c.Status == StatusPurged {
		return Cluster{}, businessError(codeClusterNotFound, msgClusterNotFound), true
	}
	return c, reply{}, false
}

// describeSuccess is the answer that describes c.
func describeSuccess(c Cluster) api.DescribeCluster200JSONResponse {
	plan := string(c.Plan)
	var body api.DescribeClusterResult
	// Marshalling a struct of strings and an integer cannot fail.
	_ = body.FromDescribeClusterSuccess(api.DescribeClusterSuccess{
		Data: api.ClusterDescription{ClusterId: c.ID, Status: string(c.Status), Plan: &plan},
	})
	return api.DescribeCluster200JSONResponse{Body: body}
}

// reply is an error answer of either operation: the error envelope on HTTP
// 200 (a business error), on 401, or on another 4XX or 5XX status; or a
// gateway's HTML page. The spec declares these answers alike for both
// operations, and reply is a response object of each: its Visit methods
// write it through that operation's own generated response types. So the
// strict middleware, which answers before any operation runs, returns one
// reply whatever the operation, and the generated strict handler of either
// operation accepts it and writes what the spec declares.
type reply struct {
	status   int
	envelope api.ErrorEnvelope // unless html is set
	html     string            // a text/html page, sent instead of the envelope
}

// businessError is the answer to a request that the API refuses for its
// content: HTTP 200, with the error envelope in the 200 union.
func businessError(code int32, message string) reply {
	return reply{status: http.StatusOK, envelope: api.ErrorEnvelope{Code: code, Message: message}}
}

// illegalAPIKey is the real API's answer to a missing or unknown key.
func illegalAPIKey() reply {
	return reply{status: http.StatusUnauthorized, envelope: api.ErrorEnvelope{Code: codeIllegalAPIKey, Message: msgIllegalAPIKey}}
}

// errorAnswer is an error status from 400 to 599 with the error envelope,
// whose code is the status.
func errorAnswer(status int, message string) reply {
	return reply{status: status, envelope: api.ErrorEnvelope{Code: int32(status), Message: message}}
}

// badGatewayPage is what a typical gateway sends; the spec's example for
// text/html on 5XX is the same page.
const badGatewayPage = "<html><body><h1>502 Bad Gateway</h1></body></html>\n"

// badGateway is a gateway's HTML answer, which the spec declares for 5XX.
func badGateway() reply {
	return reply{status: http.StatusBadGateway, html: badGatewayPage}
}

// VisitDropClusterResponse writes r as an answer of Drop Cluster.
func (r reply) VisitDropClusterResponse(w http.ResponseWriter) error {
	switch {
	case r.html != "":
		return api.DropCluster5XXTexthtmlResponse{Body: strings.NewReader(r.html), StatusCode: r.status, ContentLength: int64(len(r.html))}.VisitDropClusterResponse(w)
	case r.status == http.StatusOK:
		var body api.DropClusterResult
		// Marshalling a struct of an integer and a string cannot fail.
		_ = body.FromErrorEnvelope(r.envelope)
		return api.DropCluster200JSONResponse{Body: body}.VisitDropClusterResponse(w)
	case r.status == http.StatusUnauthorized:
		return api.DropCluster401JSONResponse{Body: r.envelope}.VisitDropClusterResponse(w)
	case r.status >= 500:
		return api.DropCluster5XXJSONResponse{Body: r.envelope, StatusCode: r.status}.VisitDropClusterResponse(w)
	default:
		return api.DropCluster4XXJSONResponse{Body: r.envelope, StatusCode: r.status}.VisitDropClusterResponse(w)
	}
}

// VisitDescribeClusterResponse writes r as an answer of Describe Cluster.
func (r reply) VisitDescribeClusterResponse(w http.ResponseWriter) error {
	switch {
	case r.html != "":
		return api.DescribeCluster5XXTexthtmlResponse{Body: strings.NewReader(r.html), StatusCode: r.status, ContentLength: int64(len(r.html))}.VisitDescribeClusterResponse(w)
	case r.status == http.StatusOK:
		var body api.DescribeClusterResult
		// Marshalling a struct of an integer and a string cannot fail.
		_ = body.FromErrorEnvelope(r.envelope)
		return api.DescribeCluster200JSONResponse{Body: body}.VisitDescribeClusterResponse(w)
	case r.status == http.StatusUnauthorized:
		return api.DescribeCluster401JSONResponse{Body: r.envelope}.VisitDescribeClusterResponse(w)
	case r.status >= 500:
		return api.DescribeCluster5XXJSONResponse{Body: r.envelope, StatusCode: r.status}.VisitDescribeClusterResponse(w)
	default:
		return api.DescribeCluster4XXJSONResponse{Body: r.envelope, StatusCode: r.status}.VisitDescribeClusterResponse(w)
	}
}

// respond writes r for the http middleware and the router, which answer
// before the generated code has a request to bind. Everything else that the
// Server answers goes through the generated code: the operations and the
// strict middleware return typed answers, and the generated strict handler
// writes them. What cannot go that way:
//
//   - a fault (FaultStatus, FaultBadGatewayHTML) replaces the answer to any
//     request, whatever its path or method, so it answers before routing,
//     and a request for another path never reaches the generated code;
//   - a request cancelled during the latency is answered 503 before
//     routing, for the same reason: the latency delays every request;
//   - an unknown path (404) or a method other than the operation's (405)
//     has no operation in the generated code to reach: the router must
//     answer it itself, as net/http's ServeMux would, but with the envelope.
//
// No operation is known there, and none needs to be: r is written through
// Drop Cluster's types, and the spec declares the same error answers for
// Describe Cluster (TestReplyIsTheSameForEitherOperation holds them to it).
//
// A clusterId that is empty or a dot segment, which ServeMux would redirect
// to a cleaned path, does reach the strict middleware: the router takes
// ServeMux's place, and what the generated code cannot bind goes on to the
// strict middleware marked unbound (see operation).
//
// The requestid header of every answer is set on the ResponseWriter first,
// by setRequestID, rather than through the typed answers' Headers, which
// only the answers of the generated code could carry. Besides reply's own
// Visit methods, respond and the fast path (fastpath.go), which answers as
// the generated code would, are the only callers of a Visit method in the
// package.
func respond(w http.ResponseWriter, r reply) {
	_ = r.VisitDropClusterResponse(w) // A write error means the client has gone.
}
