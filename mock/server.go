package mock

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/zcdrop/zcdrop/conformance"
	"github.com/zcdrop/zcdrop/internal/clock"
)

// Server is the mock control plane. It is an http.Handler and safe for
// concurrent use.
type Server struct {
	validator *conformance.Validator
	handler   http.Handler // the operations inside the middleware

	// fullOnly turns the fast path (fastpath.go) off, so that tests can
	// hold it to the generated code's path that it stands in for.
	fullOnly bool
	// requestID returns each answer's request ID; tests count instead.
	requestID func() string

	// Fixed by New.
	now       func() time.Time
	sleep     func(context.Context, time.Duration) error
	lifecycle lifecycle
	rateLimit int
	latency   time.Duration
	logger    *slog.Logger

	// mu guards the clusters, the keys' rate limits and the faults. A
	// cluster's status is read and changed under it, so that of concurrent
	// drops of one cluster exactly one succeeds, and a describe never sees a
	// status that a drop has already left behind.
	mu       sync.Mutex
	clusters map[string]*cluster
	keys     map[string]*apiKey
	faults   []Fault
}

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
		validator: v,
		now:       time.Now,
		sleep:     clock.Real.Sleep,
		requestID: newRequestID,
		lifecycle: lifecycle{deleteDelay: DefaultDeleteDelay, purgeDelay: DefaultPurgeDelay},
		rateLimit: DefaultRateLimit,
		clusters:  map[string]*cluster{},
		keys:      map[string]*apiKey{},
	}
	for _, opt := range opts {
		if err := opt(s); err != nil {
			return nil, err
		}
	}
	operation := s.operation()
	if !s.fullOnly {
		operation = s.fastPath(operation)
	}
	s.handler = s.middleware(operation)
	return s, nil
}

// ServeHTTP answers one request, as the package documentation describes. A
// FaultAbortMidBody makes it panic with http.ErrAbortHandler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

// Cluster returns a snapshot of the seeded cluster id, or false when no such
// cluster was seeded. Its Status is RUNNING until the cluster is dropped,
// DELETING for the delete delay, DELETED for the purge delay, then PURGED:
// the mock's own status for a cluster that the API has forgotten, which
// Describe Cluster and Drop Cluster answer with 96018, as they answer an ID
// that was never seeded.
func (s *Server) Cluster(id string) (Cluster, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.clusters[id]
	if !ok {
		return Cluster{}, false
	}
	return Cluster{ID: id, Plan: c.plan, Status: c.status(s.now(), s.lifecycle)}, true
}

// drop starts dropping cluster id and reports whether it could: the cluster
// exists and has not been dropped before. The check and the change are one
// step under s.mu, so that of concurrent drops exactly one succeeds.
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

// allow spends one request of key's rate limit for the operation
// operationID, whose budget is the key's own: the vendor documents the limit
// per user and endpoint.
func (s *Server) allow(key *apiKey, operationID string) bool {
	if s.rateLimit == 0 {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := key.buckets[operationID]
	if !ok {
		b = &tokenBucket{}
		key.buckets[operationID] = b
	}
	return b.take(s.now(), s.rateLimit)
}
