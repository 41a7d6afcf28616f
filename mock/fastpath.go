package mock

import (
	"bytes"
	"net/http"
	"slices"
	"sync"
)

// The fast path answers the request that clients send most, a conforming
// request for a seeded cluster with a seeded key, without the generated
// code's round trip: no parameter binding, no strict middleware chain
// built per request, no context values, no validation, and no JSON
// encoding, since its success bodies are templates that the generated code
// encoded once, in New. Under load, that round trip cost the mock about
// half of what a bare net/http handler serves.
//
// It takes a request only when it can prove, from a few comparisons, that
// the generated code's path would find it conforming and bound, and so pass
// it to the operation; it then decides exactly as that path does, through
// the functions they share (allow and rateLimited, dropFor and describeFor,
// reply's Visit methods). It declines every other request before it has
// changed anything, and the generated code's path answers it. The http
// middleware (request ID, log, latency, faults) wraps both alike.
// fastpath_test.go holds the two paths to the same bytes.

// The operation IDs, as the generated strict handler names its operations
// to the strict middleware; the rate limit keeps their budgets apart by
// them.
const (
	dropOperationID     = "DropCluster"
	describeOperationID = "DescribeCluster"
)

// templateID is the cluster ID that New has the generated code encode into
// each success body, to be replaced by the requested one. A seeded ID
// matches ^in([0-9]{2})?-[a-z0-9]+$, which JSON encodes as it stands, so
// putting one in its place gives the body that the generated code encodes
// for it.
const templateID = "in00-zcdroptemplate"

// fastPath is the fast path in front of the generated code's path, next.
type fastPath struct {
	s    *Server
	next http.Handler
	// keys are the seeded keys by the one Authorization header that the
	// fast path takes for each: "Bearer " and the key.
	keys map[string]*apiKey
	// drop is a successful drop's answer; describe holds a successful
	// describe's, by the cluster's plan and status.
	drop     bodyTemplate
	describe map[describeShape]bodyTemplate
}

// describeShape is what a successful describe's body holds but for the
// cluster ID.
type describeShape struct {
	plan   Plan
	status Status
}

// fastPath returns next behind the fast path, or next alone when the
// generated code's success answers are not the templates that the fast
// path can write.
func (s *Server) fastPath(next http.Handler) http.Handler {
	f := &fastPath{s: s, next: next, keys: make(map[string]*apiKey, len(s.keys)), describe: map[describeShape]bodyTemplate{}}
	for k, key := range s.keys {
		f.keys["Bearer "+k] = key
	}
	var ok bool
	if f.drop, ok = newBodyTemplate(dropSuccess(templateID).VisitDropClusterResponse); !ok {
		return next
	}
	for _, plan := range []Plan{PlanDedicated, PlanServerless, PlanFree} {
		for _, status := range []Status{StatusRunning, StatusDeleting, StatusDeleted} {
			c := Cluster{ID: templateID, Plan: plan, Status: status}
			t, ok := newBodyTemplate(describeSuccess(c).VisitDescribeClusterResponse)
			if !ok {
				return next
			}
			f.describe[describeShape{plan, status}] = t
		}
	}
	return f
}

// ServeHTTP answers r on the fast path, or passes it on.
func (f *fastPath) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !f.serve(w, r) {
		f.next.ServeHTTP(w, r)
	}
}

// serve answers r and returns true, or returns false, having written and
// changed nothing, for a request that it cannot prove conforming and
// bound. Such a request is one that the generated code's path passes to the
// operation: the router routes it (the path's shape, the operation's
// method); the Validator finds nothing wrong (no query, not even an empty
// one, no body, one Authorization header with the Bearer scheme and a key,
// and a clusterId that is a seeded ID as it stands, which WithClusters has
// held to the spec's pattern and length, with no escape or dot segment);
// authenticate finds a seeded key in that header; and the generated code
// binds every parameter (at most one Accept header).
func (f *fastPath) serve(w http.ResponseWriter, r *http.Request) bool {
	if r.URL.RawQuery != "" || r.URL.ForceQuery || r.Body != http.NoBody {
		return false
	}
	auth := r.Header["Authorization"]
	if len(auth) != 1 {
		return false
	}
	key, ok := f.keys[auth[0]]
	if !ok {
		return false
	}
	if accept, sent := r.Header["Accept"]; sent && (len(accept) != 1 || accept[0] != "application/json") {
		return false
	}
	id, isDrop, ok := routePath(r.URL.EscapedPath())
	if !ok {
		return false
	}
	// New alone writes s.clusters, so it is read here without s.mu.
	if _, seeded := f.s.clusters[id]; !seeded {
		return false
	}
	if isDrop {
		if r.Method != http.MethodDelete {
			return false
		}
		f.serveDrop(w, key, id)
		return true
	}
	if r.Method != http.MethodGet {
		return false
	}
	f.serveDescribe(w, key, id)
	return true
}

// serveDrop answers a drop of cluster id with key, as the strict
// middleware's rate limit and DropCluster do.
func (f *fastPath) serveDrop(w http.ResponseWriter, key *apiKey, id string) {
	if !f.s.allow(key, dropOperationID) {
		_ = f.s.rateLimited(w).VisitDropClusterResponse(w) // A write error means the client has gone.
		return
	}
	if refusal, refused := f.s.dropFor(key, id); refused {
		_ = refusal.VisitDropClusterResponse(w)
		return
	}
	f.drop.write(w, id)
}

// serveDescribe answers a describe of cluster id with key, as the strict
// middleware's rate limit and DescribeCluster do.
func (f *fastPath) serveDescribe(w http.ResponseWriter, key *apiKey, id string) {
	if !f.s.allow(key, describeOperationID) {
		_ = f.s.rateLimited(w).VisitDescribeClusterResponse(w)
		return
	}
	c, refusal, refused := f.s.describeFor(key, id)
	if refused {
		_ = refusal.VisitDescribeClusterResponse(w)
		return
	}
	t, ok := f.describe[describeShape{c.Plan, c.Status}]
	if !ok {
		// A plan or status that New made no template for: the generated
		// code encodes it.
		_ = describeSuccess(c).VisitDescribeClusterResponse(w)
		return
	}
	t.write(w, id)
}

// bodyTemplate is a success answer, HTTP 200 with one header, whose body
// holds a cluster ID between before and after.
type bodyTemplate struct {
	contentType []string // the Content-Type header's values
	before      []byte
	after       []byte
}

// newBodyTemplate records the answer that visit writes for templateID and
// cuts its body around that ID. It returns false unless the answer is HTTP
// 200 with the Content-Type header alone, and its body holds templateID
// once.
func newBodyTemplate(visit func(http.ResponseWriter) error) (bodyTemplate, bool) {
	rec := newRecorder()
	if err := visit(rec); err != nil || rec.status != http.StatusOK || len(rec.header) != 1 || len(rec.header["Content-Type"]) != 1 {
		return bodyTemplate{}, false
	}
	before, after, found := bytes.Cut(rec.body.Bytes(), []byte(templateID))
	if !found || bytes.Contains(after, []byte(templateID)) {
		return bodyTemplate{}, false
	}
	return bodyTemplate{contentType: slices.Clip(rec.header["Content-Type"]), before: before, after: after}, true
}

// bodyBuffers hold the bodies that bodyTemplate.write assembles: a
// ResponseWriter's Write does not keep what it is given.
var bodyBuffers = sync.Pool{New: func() any { return new([]byte) }}

// write sends the answer with id in the body, as the generated code's
// Visit methods send a success: the Content-Type header, the status, and
// the body in one Write. The header's values are t's own: nothing changes a
// header's values in place, and an Add would copy them, since their
// capacity is their length.
func (t bodyTemplate) write(w http.ResponseWriter, id string) {
	buf := bodyBuffers.Get().(*[]byte)
	body := append(append(append((*buf)[:0], t.before...), id...), t.after...)
	w.Header()["Content-Type"] = t.contentType
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body) // A write error means the client has gone.
	*buf = body
	bodyBuffers.Put(buf)
}
