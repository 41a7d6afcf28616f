// Package mock is a reference Zilliz Cloud control plane for the Drop Cluster
// operation (DELETE /v2/clusters/{clusterId}/drop), built on the server
// interface generated from openapi.yaml. It answers as the real API does,
// business errors on HTTP 200 included, and every answer it sends conforms to
// the spec unless a Fault deliberately breaks it.
//
// Use it three ways: as an http.Handler from New, through mocktest.NewServer
// in a test, or as the `zcdrop mock` command. Its API keys are the mock's own:
// never give it a real Zilliz Cloud key.
package mock

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/zcdrop/zcdrop/api"
	"github.com/zcdrop/zcdrop/conformance"
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

// maxRequestBody bounds how much of a request body is read for validation.
// The operation takes no body at all, so any is already wrong.
const maxRequestBody = 64 << 10

// Server is the mock control plane. It is an http.Handler and safe for
// concurrent use.
type Server struct {
	validator *conformance.Validator
	router    http.Handler // the generated router, with s as its handler

	// Fixed by New.
	now         func() time.Time
	deleteDelay time.Duration
	rateLimit   int
	latency     time.Duration

	mu       sync.Mutex
	clusters map[string]*cluster
	keys     map[string]*apiKey
	faults   []Fault
}

var _ api.ServerInterface = (*Server)(nil)

// New returns a Server configured by opts. With no options it knows no
// cluster and no key, so every drop is refused with 401.
//
// Serve it with net/http's server, as mocktest.NewServer and `zcdrop mock` do: a
// FaultAbortMidBody ends ServeHTTP with panic(http.ErrAbortHandler), which
// that server recovers from, but which a caller that calls ServeHTTP itself
// must expect.
func New(opts ...Option) (*Server, error) {
	v, err := conformance.NewValidator()
	if err != nil {
		return nil, fmt.Errorf("mock: %w", err)
	}
	s := &Server{
		validator:   v,
		now:         time.Now,
		deleteDelay: DefaultDeleteDelay,
		rateLimit:   DefaultRateLimit,
		clusters:    map[string]*cluster{},
		keys:        map[string]*apiKey{},
	}
	for _, opt := range opts {
		if err := opt(s); err != nil {
			return nil, err
		}
	}
	// ServeHTTP passes on only DELETE requests whose cluster ID matches the
	// spec's pattern, so the generated router's own plain-text errors are
	// never sent.
	s.router = api.Handler(s)
	return s, nil
}

// Cluster returns a snapshot of the seeded cluster id, or false when no such
// cluster was seeded. Its Status is RUNNING until the cluster is dropped,
// DELETING for the delete delay, then DELETED.
func (s *Server) Cluster(id string) (Cluster, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.clusters[id]
	if !ok {
		return Cluster{}, false
	}
	return Cluster{ID: id, Plan: c.plan, Status: c.status(s.now(), s.deleteDelay)}, true
}

// ServeHTTP answers one request. Every answer carries a requestid header.
// After the latency, if any, a queued fault acts first. Otherwise the
// conformance Validator checks the request, a request that the spec refuses
// gets the answer that the real API gives it, and only a conforming request
// reaches the generated router. A FaultAbortMidBody makes it panic with
// http.ErrAbortHandler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("requestid", newRequestID())
	if s.latency > 0 && !wait(r.Context(), s.latency) {
		writeError(w, http.StatusServiceUnavailable, http.StatusServiceUnavailable,
			"The request was cancelled before the server answered.")
		return
	}
	f, ok := s.takeFault()
	switch {
	case !ok:
		s.serve(w, r)
	case f.Kind == FaultStatus:
		writeFaultStatus(w, f.Status)
	case f.Kind == FaultBadGatewayHTML:
		writeBadGateway(w)
	default:
		rec := newRecorder()
		s.serve(rec, r)
		rec.sendDamaged(w, f.Kind)
	}
}

// serve answers a request that no fault has taken over.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	rawID, ok := dropClusterPath(r.URL.EscapedPath())
	if !ok {
		// ASSUMPTION: the vendor does not document unknown paths; 404 is a
		// 4XX, which the spec declares with the envelope.
		writeError(w, http.StatusNotFound, http.StatusNotFound, "Not found.")
		return
	}
	if r.Method != http.MethodDelete {
		// ASSUMPTION: the vendor does not document this answer; 405 is a 4XX,
		// which the spec declares with the envelope.
		w.Header().Set("Allow", http.MethodDelete)
		writeError(w, http.StatusMethodNotAllowed, http.StatusMethodNotAllowed, "Method not allowed.")
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxRequestBody)) // A short read is judged as it is.
	violations := s.validator.Validate(r.Context(), conformance.Exchange{Request: r, RequestBody: body})
	if hasPointer(violations, conformance.PointerAuthorization) {
		writeIllegalAPIKey(w)
		return
	}
	key, ok := s.lookupKey(r)
	if !ok {
		writeIllegalAPIKey(w)
		return
	}
	if !s.allow(key) {
		// ASSUMPTION: the vendor documents the limit but not what exceeding it
		// returns. Clients in the wild treat 429 as "rate limit reached"; the
		// body is the envelope with the status as its code, and Retry-After
		// is a second, by which a whole new budget has accrued.
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusTooManyRequests, http.StatusTooManyRequests,
			fmt.Sprintf("Rate limit exceeded. The limit is %d requests per second per user per endpoint.", s.rateLimit))
		return
	}
	switch {
	case rawID == "":
		writeError(w, http.StatusOK, codeEmptyClusterID, msgEmptyClusterID)
	case hasPointer(violations, conformance.PointerClusterID):
		// A pattern or length mismatch, an encoded slash, a dot segment.
		writeError(w, http.StatusOK, codeInvalidClusterID, msgInvalidClusterID)
	case len(violations) > 0:
		// ASSUMPTION: what is left is a query string (the Validator's Pointer
		// "query") or a request body, neither of which the operation takes.
		// The real API may ignore them; the mock refuses them, because a
		// client that sends one is wrong. The body is judged by what was
		// read, not by where the Validator points.
		writeError(w, http.StatusBadRequest, http.StatusBadRequest,
			unexpectedInputMessage(hasPointer(violations, conformance.PointerQuery), len(body) > 0))
	default:
		s.router.ServeHTTP(w, r)
	}
}

// DropCluster drops a cluster: DELETE /v2/clusters/{clusterId}/drop.
// https://docs.zilliz.com/reference/restful/drop-cluster-v2
//
// The generated router calls it once ServeHTTP has vetted the request. Like
// the real API it answers business errors with HTTP 200 and a non-zero code:
// 96016 when the key may not touch the cluster, 96018 when the cluster does
// not exist or is already dropped.
func (s *Server) DropCluster(w http.ResponseWriter, r *http.Request, clusterID api.ClusterId, _ api.DropClusterParams) {
	key, ok := s.lookupKey(r)
	if !ok {
		writeIllegalAPIKey(w)
		return
	}
	if !key.mayTouch(clusterID) {
		// Checked before existence, so that a key learns nothing about
		// clusters outside its scope.
		writeError(w, http.StatusOK, codeNoKeyScope, msgNoKeyScope)
		return
	}
	if !s.drop(clusterID) {
		writeError(w, http.StatusOK, codeClusterNotFound, msgClusterNotFound)
		return
	}
	var body api.DropClusterResult
	// Marshalling a struct of two strings and an integer cannot fail.
	_ = body.FromDropClusterSuccess(api.DropClusterSuccess{
		Code: api.N0,
		Data: api.DropClusterData{ClusterId: clusterID, Prompt: DropPrompt},
	})
	_ = api.DropCluster200JSONResponse{Body: body}.VisitDropClusterResponse(w) // A write error means the client has gone.
}

// drop starts dropping cluster id and reports whether it could: the cluster
// exists and has not been dropped before.
func (s *Server) drop(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.clusters[id]
	if !ok || c.dropped {
		return false
	}
	c.dropped, c.droppedAt = true, s.now()
	return true
}

// lookupKey returns the seeded key that r's Authorization header carries.
func (s *Server) lookupKey(r *http.Request) (*apiKey, bool) {
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return nil, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.keys[strings.TrimSpace(token)]
	return k, ok
}

// allow spends one request of key's rate limit. The mock serves one endpoint,
// so a limit per key is a limit per key and endpoint.
func (s *Server) allow(key *apiKey) bool {
	if s.rateLimit == 0 {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return key.bucket.take(s.now(), s.rateLimit)
}

// dropClusterPath returns the raw clusterId segment when path has the shape
// /v2/clusters/{clusterId}/drop, whatever the segment holds ("", "..",
// "a%2Fb"). It works on the escaped path, so an encoded slash never adds a
// segment.
func dropClusterPath(escapedPath string) (string, bool) {
	rest, ok := strings.CutPrefix(escapedPath, "/v2/clusters/")
	if !ok {
		return "", false
	}
	id, ok := strings.CutSuffix(rest, "/drop")
	if !ok || strings.Contains(id, "/") {
		return "", false
	}
	return id, true
}

func hasPointer(violations []conformance.Violation, pointer string) bool {
	for _, v := range violations {
		if v.Pointer == pointer {
			return true
		}
	}
	return false
}

// unexpectedInputMessage says what a request sent that the operation does
// not take, without echoing any of it.
func unexpectedInputMessage(query, body bool) string {
	switch {
	case query && body:
		return "The Drop Cluster operation takes no query parameters and no request body."
	case query:
		return "The Drop Cluster operation takes no query parameters."
	case body:
		return "The Drop Cluster operation takes no request body."
	default:
		return "The request does not conform to the Drop Cluster operation."
	}
}

// wait waits for d and reports whether it did; false means ctx ended first.
func wait(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never returns an error.
	return hex.EncodeToString(b[:])
}

func writeIllegalAPIKey(w http.ResponseWriter) {
	writeError(w, http.StatusUnauthorized, codeIllegalAPIKey, msgIllegalAPIKey)
}

// writeError sends the error envelope with status, through the generated
// response type that the spec declares for that status.
func writeError(w http.ResponseWriter, status int, code int32, message string) {
	envelope := api.ErrorEnvelope{Code: code, Message: message}
	var res api.DropClusterResponseObject
	switch {
	case status == http.StatusOK:
		var body api.DropClusterResult
		_ = body.FromErrorEnvelope(envelope) // Marshalling this struct cannot fail.
		res = api.DropCluster200JSONResponse{Body: body}
	case status == http.StatusUnauthorized:
		res = api.DropCluster401JSONResponse{Body: envelope}
	case status >= 500:
		res = api.DropCluster5XXJSONResponse{Body: envelope, StatusCode: status}
	default:
		res = api.DropCluster4XXJSONResponse{Body: envelope, StatusCode: status}
	}
	_ = res.VisitDropClusterResponse(w) // A write error means the client has gone.
}
