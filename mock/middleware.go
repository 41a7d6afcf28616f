package mock

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/zcdrop/zcdrop/conformance"
)

// maxRequestBody bounds how much of a request body is read for validation.
// The operation takes no body at all, so any is already wrong.
const maxRequestBody = 64 << 10

// msgNonconforming answers a request that breaks the spec in a way that no
// more precise message names.
const msgNonconforming = "The request does not conform to the Drop Cluster operation."

// middleware wraps the operation in the Server's middleware, outermost first:
// every answer gets a request ID and, with WithLogger, a log line; then come
// the latency, the faults, the routing, the validation, the key, the rate
// limit and the refusal of nonconforming requests.
func (s *Server) middleware(operation http.Handler) http.Handler {
	layers := []func(http.Handler) http.Handler{
		setRequestID,
		s.logRequests,
		s.delay,
		s.injectFaults,
		route,
		s.validate,
		s.authenticate,
		s.limitRate,
		refuseNonconforming,
	}
	h := operation
	for i := len(layers) - 1; i >= 0; i-- {
		h = layers[i](h)
	}
	return h
}

// setRequestID gives every answer a requestid header, as the real API does.
func setRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b [16]byte
		_, _ = rand.Read(b[:]) // crypto/rand.Read never returns an error.
		w.Header().Set("requestid", hex.EncodeToString(b[:]))
		next.ServeHTTP(w, r)
	})
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

// route answers a request for another path or method. It works on the
// escaped path, so an encoded slash never adds a segment, and it passes on
// every DELETE of the operation's shape, whatever the clusterId segment holds
// ("", "..", "a%2Fb"), for the validation to judge.
func route(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := dropClusterPath(r.URL.EscapedPath()); !ok {
			// ASSUMPTION: the vendor does not document unknown paths; 404 is
			// a 4XX, which the spec declares with the envelope.
			respond(w, errorAnswer(http.StatusNotFound, "Not found."))
			return
		}
		if r.Method != http.MethodDelete {
			// ASSUMPTION: the vendor does not document this answer; 405 is a
			// 4XX, which the spec declares with the envelope.
			w.Header().Set("Allow", http.MethodDelete)
			respond(w, errorAnswer(http.StatusMethodNotAllowed, "Method not allowed."))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// dropClusterPath returns the raw clusterId segment when path has the shape
// /v2/clusters/{clusterId}/drop, whatever the segment holds.
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

// verdict is what the conformance Validator found in a request. The
// validation passes it on in the request's context; it answers nothing
// itself, because the key and the rate limit are checked before the
// request's content is refused.
type verdict struct {
	violations []conformance.Violation
	emptyID    bool // the clusterId segment is empty
	hasBody    bool // the request sent a body
}

func (v verdict) has(pointer string) bool {
	for _, violation := range v.violations {
		if violation.Pointer == pointer {
			return true
		}
	}
	return false
}

type verdictKey struct{}

// validate checks the request against the spec with the conformance
// Validator.
func (s *Server) validate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, maxRequestBody)) // A short read is judged as it is.
		rawID, _ := dropClusterPath(r.URL.EscapedPath())
		v := verdict{
			violations: s.validator.Validate(r.Context(), conformance.Exchange{Request: r, RequestBody: body}),
			emptyID:    rawID == "",
			hasBody:    len(body) > 0,
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), verdictKey{}, v)))
	})
}

type apiKeyKey struct{}

// keyFrom returns the key that authenticate found for the request of ctx.
func keyFrom(ctx context.Context) (*apiKey, bool) {
	k, ok := ctx.Value(apiKeyKey{}).(*apiKey)
	return k, ok
}

// authenticate refuses a request whose Authorization header breaks the spec
// or carries no seeded key, as the real API does, with 401 and code 21119.
// It looks the key up once and passes it on in the request's context.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, _ := r.Context().Value(verdictKey{}).(verdict)
		key, ok := s.lookupKey(r)
		if !ok || v.has(conformance.PointerAuthorization) {
			respond(w, illegalAPIKey())
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), apiKeyKey{}, key)))
	})
}

// limitRate spends one request of the key's rate limit, and refuses the
// request when none is left.
func (s *Server) limitRate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if key, ok := keyFrom(r.Context()); ok && !s.allow(key) {
			// ASSUMPTION: the vendor documents the limit but not what
			// exceeding it returns. Clients in the wild treat 429 as "rate
			// limit reached"; the body is the envelope with the status as its
			// code, and Retry-After is a second, by which a whole new budget
			// has accrued.
			w.Header().Set("Retry-After", "1")
			respond(w, errorAnswer(http.StatusTooManyRequests,
				fmt.Sprintf("Rate limit exceeded. The limit is %d requests per second per user per endpoint.", s.rateLimit)))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// refuseNonconforming answers a request whose content the Validator refused,
// as the real API does where it is known, so that only conforming requests
// reach the operation.
func refuseNonconforming(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, _ := r.Context().Value(verdictKey{}).(verdict)
		switch {
		case v.emptyID:
			respond(w, businessError(codeEmptyClusterID, msgEmptyClusterID))
		case v.has(conformance.PointerClusterID):
			// A pattern or length mismatch, an encoded slash, a dot segment.
			respond(w, businessError(codeInvalidClusterID, msgInvalidClusterID))
		case len(v.violations) > 0:
			// ASSUMPTION: what is left is a query string (the Validator's
			// PointerQuery) or a request body, neither of which the operation
			// takes. The real API may ignore them; the mock refuses them,
			// because a client that sends one is wrong. The body is judged by
			// what was read, not by where the Validator points.
			respond(w, errorAnswer(http.StatusBadRequest, unexpectedInputMessage(v.has(conformance.PointerQuery), v.hasBody)))
		default:
			next.ServeHTTP(w, r)
		}
	})
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
		return msgNonconforming
	}
}
