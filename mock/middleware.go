package mock

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
)

// middleware wraps the operation in the Server's http middleware, outermost
// first: every answer gets a request ID and, with WithLogger, a log line;
// then come the latency and the faults. These act on every request,
// whatever its path; the checks of an operation's request are strict
// middleware (strict.go), behind the router.
func (s *Server) middleware(operation http.Handler) http.Handler {
	layers := []func(http.Handler) http.Handler{
		s.setRequestID,
		s.logRequests,
		s.delay,
		s.injectFaults,
	}
	h := operation
	for i := len(layers) - 1; i >= 0; i-- {
		h = layers[i](h)
	}
	return h
}

// setRequestID gives every answer a requestid header, as the real API does.
// It sets the header's canonical key itself, so that no request pays for
// canonicalizing it.
func (s *Server) setRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()[requestIDHeader] = []string{s.requestID()}
		next.ServeHTTP(w, r)
	})
}

// requestIDHeader is the requestid header's canonical key, as
// http.Header.Set would spell it.
const requestIDHeader = "Requestid"

// newRequestID returns a fresh random request ID: 32 hex digits.
func newRequestID() string {
	var raw [16]byte
	_, _ = rand.Read(raw[:]) // crypto/rand.Read never returns an error.
	var id [2 * len(raw)]byte
	hex.Encode(id[:], raw[:])
	return string(id[:])
}

// delay waits for the latency before anything else happens. A request whose
// context ends first is answered 503 at once, and nothing is dropped.
func (s *Server) delay(next http.Handler) http.Handler {
	if s.latency == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.sleep(r.Context(), s.latency); err != nil {
			respond(w, errorAnswer(http.StatusServiceUnavailable, "The request was cancelled before the server answered."))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// router routes requests to the generated handlers in place of net/http's
// ServeMux (api.StdHTTPServerOptions.BaseRouter), which would answer an
// unknown path or method in plain text, and redirect a clusterId of "", "."
// or ".." (escaped or not) to a cleaned path before anything could judge
// it. It works on the escaped path, so an encoded slash never adds a
// segment, and it passes on every request of an operation's shape, whatever
// the clusterId segment holds, for the strict middleware to judge.
type router struct {
	drop     http.HandlerFunc // DELETE /v2/clusters/{clusterId}/drop
	describe http.HandlerFunc // GET /v2/clusters/{clusterId}
}

// HandleFunc takes the generated handler of each operation, by the pattern
// the generated code registers it for; ServeHTTP matches those patterns by
// hand. A pattern it does not know would be a generated operation that the
// mock does not route, which TestRouterAgreesWithServeMux catches.
func (rt *router) HandleFunc(pattern string, operation func(http.ResponseWriter, *http.Request)) {
	switch pattern {
	case dropPattern:
		rt.drop = operation
	case describePattern:
		rt.describe = operation
	}
}

// The patterns the generated code registers.
const (
	dropPattern     = http.MethodDelete + " /v2/clusters/{clusterId}/drop"
	describePattern = http.MethodGet + " /v2/clusters/{clusterId}"
)

// ServeHTTP answers a request for another path or method, and passes a
// request of an operation on, with its clusterId path value unescaped, as
// ServeMux would.
func (rt *router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rawID, isDrop, ok := routePath(r.URL.EscapedPath())
	if !ok {
		// ASSUMPTION: the vendor does not document unknown paths; 404 is a
		// 4XX, which the spec declares with the envelope.
		respond(w, errorAnswer(http.StatusNotFound, "Not found."))
		return
	}
	method, operation := http.MethodGet, rt.describe
	if isDrop {
		method, operation = http.MethodDelete, rt.drop
	}
	if r.Method != method {
		// ASSUMPTION: the vendor does not document this answer; 405 is a
		// 4XX, which the spec declares with the envelope.
		w.Header().Set("Allow", method)
		respond(w, errorAnswer(http.StatusMethodNotAllowed, "Method not allowed."))
		return
	}
	id, _ := url.PathUnescape(rawID) // EscapedPath is always validly escaped.
	r.SetPathValue("clusterId", id)
	operation(w, r)
}

// routePath returns the raw clusterId segment of a path of one of the
// operations' shapes, /v2/clusters/{clusterId}/drop (isDrop) or
// /v2/clusters/{clusterId}, whatever the segment holds. The router and the
// fast path route by it alike.
func routePath(escapedPath string) (rawID string, isDrop, ok bool) {
	rest, ok := strings.CutPrefix(escapedPath, "/v2/clusters/")
	if !ok {
		return "", false, false
	}
	if id, isDrop := strings.CutSuffix(rest, "/drop"); isDrop && !strings.Contains(id, "/") {
		return id, true, true
	}
	if rest == "" || strings.Contains(rest, "/") {
		return "", false, false
	}
	return rest, false, true
}
