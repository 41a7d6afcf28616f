package mock

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"unicode"

	"github.com/zcdrop/zcdrop/api"
	"github.com/zcdrop/zcdrop/conformance"
)

// maxRequestBody bounds how much of a request body is read for validation.
// Neither operation takes a body at all, so any is already wrong.
const maxRequestBody = 64 << 10

// strictMiddleware returns the strict middleware around both operations,
// DropCluster and DescribeCluster: one implementation, which the generated
// code calls with the operation's ID. Each layer returns a typed answer or
// passes the request on; the generated strict handler of the operation
// writes what comes back. The answers are replies, which either operation's
// handler writes through its own response types; the operation ID names the
// operation in messages and keeps the rate limits of the two apart. In
// order: the validation against the spec, the key, the rate limit and the
// refusal of nonconforming requests.
func (s *Server) strictMiddleware() []api.StrictMiddlewareFunc {
	layers := []api.StrictMiddlewareFunc{s.validate, s.authenticate, s.limitRate, refuseNonconforming}
	// The generated code wraps the handler in each middleware in slice
	// order, so the last one runs first.
	slices.Reverse(layers)
	return layers
}

// verdict is what the conformance Validator found in a request. The
// validation passes it on in the request's context; it answers nothing
// itself, because the key and the rate limit are checked before the
// request's content is refused.
type verdict struct {
	violations []conformance.Violation
	emptyID    bool // the clusterId segment is empty
	hasBody    bool // the request sent a body
	unbound    bool // the generated code could not bind the parameters
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

// verdictFrom returns what validate found in the request of ctx.
func verdictFrom(ctx context.Context) verdict {
	v, _ := ctx.Value(verdictKey{}).(verdict)
	return v
}

type apiKeyKey struct{}

// keyFrom returns the key that authenticate found for the request of ctx.
func keyFrom(ctx context.Context) (*apiKey, bool) {
	k, ok := ctx.Value(apiKeyKey{}).(*apiKey)
	return k, ok
}

// unboundKey marks, in a request's context, a request that the generated
// code could not bind (see operation).
type unboundKey struct{}

// validate checks the request against the spec with the conformance
// Validator. It judges the request as it came, not as it was bound: the
// clusterId is the path value that the router set, bound or not.
func (s *Server) validate(next api.StrictHandlerFunc, _ string) api.StrictHandlerFunc {
	return func(ctx context.Context, w http.ResponseWriter, r *http.Request, request any) (any, error) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, maxRequestBody)) // A short read is judged as it is.
		unbound, _ := ctx.Value(unboundKey{}).(bool)
		v := verdict{
			violations: s.validator.Validate(ctx, conformance.Exchange{Request: r, RequestBody: body}),
			emptyID:    r.PathValue("clusterId") == "",
			hasBody:    len(body) > 0,
			unbound:    unbound,
		}
		return next(context.WithValue(ctx, verdictKey{}, v), w, r, request)
	}
}

// authenticate refuses a request whose Authorization header breaks the spec
// or carries no seeded key, as the real API does, with 401 and code 21119.
// It looks the key up once and passes it on in the context.
func (s *Server) authenticate(next api.StrictHandlerFunc, _ string) api.StrictHandlerFunc {
	return func(ctx context.Context, w http.ResponseWriter, r *http.Request, request any) (any, error) {
		key, ok := s.lookupKey(r)
		if !ok || verdictFrom(ctx).has(conformance.PointerAuthorization) {
			return illegalAPIKey(), nil
		}
		return next(context.WithValue(ctx, apiKeyKey{}, key), w, r, request)
	}
}

// limitRate spends one request of the key's rate limit for the operation,
// and refuses the request when none is left.
func (s *Server) limitRate(next api.StrictHandlerFunc, operationID string) api.StrictHandlerFunc {
	return func(ctx context.Context, w http.ResponseWriter, r *http.Request, request any) (any, error) {
		if key, ok := keyFrom(ctx); ok && !s.allow(key, operationID) {
			return s.rateLimited(w), nil
		}
		return next(ctx, w, r, request)
	}
}

// rateLimited is the answer to a request past its key's rate limit, whose
// Retry-After header it sets on w.
//
// ASSUMPTION: the vendor documents the limit but not what exceeding it
// returns. Clients in the wild treat 429 as "rate limit reached"; the body
// is the envelope with the status as its code, and Retry-After is a second,
// by which a whole new budget has accrued. The spec declares no
// Retry-After, so the typed 4XX answer has no field for it: it is set on w,
// which the generated code writes the answer to without touching it.
func (s *Server) rateLimited(w http.ResponseWriter) reply {
	w.Header().Set("Retry-After", "1")
	return errorAnswer(http.StatusTooManyRequests,
		fmt.Sprintf("Rate limit exceeded. The limit is %d requests per second per user per endpoint.", s.rateLimit))
}

// refuseNonconforming answers a request whose content the Validator refused,
// or that the generated code could not bind, as the real API does where it
// is known, so that only conforming requests reach the operation.
func refuseNonconforming(next api.StrictHandlerFunc, operationID string) api.StrictHandlerFunc {
	name := operationName(operationID)
	return func(ctx context.Context, w http.ResponseWriter, r *http.Request, request any) (any, error) {
		v := verdictFrom(ctx)
		switch {
		case v.emptyID:
			return businessError(codeEmptyClusterID, msgEmptyClusterID), nil
		case v.has(conformance.PointerClusterID):
			// A pattern or length mismatch, an encoded slash, a dot segment.
			return businessError(codeInvalidClusterID, msgInvalidClusterID), nil
		case len(v.violations) > 0:
			// ASSUMPTION: what is left is a query string (the Validator's
			// PointerQuery) or a request body, neither of which the operation
			// takes. The real API may ignore them; the mock refuses them,
			// because a client that sends one is wrong. The body is judged by
			// what was read, not by where the Validator points.
			return errorAnswer(http.StatusBadRequest, unexpectedInputMessage(name, v.has(conformance.PointerQuery), v.hasBody)), nil
		case v.unbound:
			// The spec does not refuse an Accept header sent more than once,
			// but the generated code cannot bind it.
			return errorAnswer(http.StatusBadRequest, nonconformingMessage(name)), nil
		}
		return next(ctx, w, r, request)
	}
}

// operationName spells an operation ID as the vendor's pages name the
// operation: "DropCluster" is "Drop Cluster".
func operationName(operationID string) string {
	var b strings.Builder
	for i, r := range operationID {
		if i > 0 && unicode.IsUpper(r) {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// nonconformingMessage answers a request that breaks the spec in a way that
// no more precise message names.
func nonconformingMessage(operation string) string {
	return "The request does not conform to the " + operation + " operation."
}

// unexpectedInputMessage says what a request sent that the operation does
// not take, without echoing any of it.
func unexpectedInputMessage(operation string, query, body bool) string {
	switch {
	case query && body:
		return "The " + operation + " operation takes no query parameters and no request body."
	case query:
		return "The " + operation + " operation takes no query parameters."
	case body:
		return "The " + operation + " operation takes no request body."
	default:
		return nonconformingMessage(operation)
	}
}
