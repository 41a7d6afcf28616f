package conformance

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/zcdrop/zcdrop/api"
	"github.com/zcdrop/zcdrop/internal/basepath"
	"github.com/zcdrop/zcdrop/internal/jsonstrict"
	"github.com/zcdrop/zcdrop/internal/redact"
	"github.com/zcdrop/zcdrop/internal/schemaerr"
)

// Validator checks requests and responses against openapi.yaml. It is safe
// for concurrent use; build it once and share it.
type Validator struct {
	router routers.Router
	// fast is the fast path, compiled from the same spec (fastpath.go).
	fast fastRoutes
	// fullOnly turns the fast path off, so that tests can hold it to the
	// full multi-error pass that it stands in for.
	fullOnly bool
	// strict reports properties outside the schema (strict.go).
	strict bool
	// coverage is the spec's items, for NewCoverageCounter.
	coverage coverageSpec
}

// NewValidator builds a Validator from the spec embedded in package api, so
// that it always matches the generated client. It fails when the spec itself
// is not valid OpenAPI. It does not check the spec's examples, which traffic
// is never judged by: `zcdrop spec lint` does, with each one's line.
func NewValidator() (*Validator, error) {
	doc, err := api.GetSpec()
	if err != nil {
		return nil, fmt.Errorf("conformance: load embedded spec: %w", err)
	}
	return newValidator(doc)
}

// newValidator builds a Validator from doc, which it then owns.
func newValidator(doc *openapi3.T) (*Validator, error) {
	if err := doc.Validate(context.Background(), openapi3.DisableExamplesValidation()); err != nil {
		// One line, never kin-openapi's schema dump; zcdrop spec lint
		// gives each problem with its line.
		return nil, fmt.Errorf("conformance: spec is invalid: %s", schemaerr.Summary(err))
	}
	// Route on the path alone: with no servers the router matches any scheme
	// and host, so loopback test servers and mocks validate exactly as
	// api.cloud.zilliz.com does.
	doc.Servers = nil
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("conformance: build router: %w", err)
	}
	return &Validator{router: router, fast: compileFast(doc), coverage: compileCoverage(doc)}, nil
}

// Exchange is one request and, when there was one, its response, with bodies
// already read. A nil Response checks the request alone.
type Exchange struct {
	// Request is the request as sent. Its Body is ignored; use RequestBody.
	Request *http.Request
	// RequestBody is the request's body, nil for none.
	RequestBody []byte
	// Response is the answer, nil when checking the request alone.
	Response *Response
}

// Response is the part of an HTTP response that the spec constrains.
type Response struct {
	// StatusCode is the HTTP status code.
	StatusCode int
	// Header holds the response headers; Content-Type among them.
	Header http.Header
	// Body is the whole body as received.
	Body []byte
}

// Validate checks the exchange: the request against its operation, the
// response against the declared responses (an undeclared status is a
// violation), and the semantics that the schema cannot state. It returns nil
// when the exchange conforms.
func (v *Validator) Validate(ctx context.Context, ex Exchange) []Violation {
	out, _, _ := v.validate(ctx, ex)
	return out
}

// validate is Validate, and returns too what the answer says of the
// cluster that the request names, as the lifecycle rules read it, or nil
// when it says nothing they read (see reading), and what the exchange
// exercised of the spec.
func (v *Validator) validate(ctx context.Context, ex Exchange) ([]Violation, *reading, Exercised) {
	return v.validateProved(ctx, ex, nil)
}

// validateProved is validate, for a request that fastCheckRequest has
// already proved to conform when proved is not nil, so that a Transport
// checks each request once. The fast path answers for an exchange that it
// proves to conform; the full pass below answers for every other, and
// says what is wrong.
func (v *Validator) validateProved(ctx context.Context, ex Exchange, proved *fastRequest) ([]Violation, *reading, Exercised) {
	fr, ok := fastRequest{}, proved != nil
	if ok {
		fr = *proved
	} else {
		fr, ok = v.fastCheckRequest(ex)
	}
	if ok {
		if ex.Response == nil {
			return nil, nil, fr.op.exercised()
		}
		if said, exercised, ok := v.fastCheckResponse(fr, ex.Response); ok {
			return nil, said, exercised
		}
	}
	if ex.Request == nil || ex.Request.URL == nil {
		return []Violation{{Kind: KindRequest, Message: "no request to check"}}, nil, Exercised{}
	}
	secrets := redact.New(messageSecret(ex.Request.Header))
	var out []Violation
	add := func(vs ...Violation) {
		for _, x := range vs {
			// A pointer names the body's own keys, which the server chose.
			x.Pointer = secrets.String(x.Pointer)
			x.Message = secrets.String(x.Message)
			out = append(out, x)
		}
	}
	add(checkAuthorization(ex.Request.Header)...)

	routed := basepath.Strip(ex.Request, basepath.From(ex.Request.Context()))
	route, rawParams, err := v.router.FindRoute(routed)
	if err != nil {
		rv := routeViolation(ex.Request, err)
		if ex.Response != nil {
			rv.Message += "; the response was not checked"
		}
		add(rv)
		return out, nil, Exercised{}
	}
	exercised := Exercised{Operation: route.Operation.OperationID, Method: route.Method, Path: route.Path}
	params, pathViolations := unescapeParams(rawParams)
	add(pathViolations...)
	add(checkQuery(route.Operation, ex.Request.URL)...)

	reqIn := &openapi3filter.RequestValidationInput{
		Request:    cloneWithBody(ctx, routed, ex.RequestBody),
		PathParams: params,
		Route:      route,
		Options: &openapi3filter.Options{
			MultiError:                        true,
			RejectWhenRequestBodyNotSpecified: true,
			// Authorization is checked by checkAuthorization, which accepts
			// the redacted "Bearer REDACTED" of recorded traffic.
			AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
		},
	}
	if len(pathViolations) == 0 {
		if err := openapi3filter.ValidateRequest(ctx, reqIn); err != nil {
			add(toViolations(KindRequest, err)...)
		} else if v.strict {
			add(strictRequest(route.Operation, ex.Request.Header, ex.RequestBody)...)
		}
	}
	if ex.Response == nil {
		return out, nil, exercised
	}

	declared, vs := checkStatusAndType(route.Operation, ex.Response)
	exercised.Status, exercised.MediaType = declared.status, declared.mediaType
	if len(vs) > 0 {
		add(vs...)
		return out, nil, exercised
	}
	op := route.Operation.OperationID
	keyViolations, obj, readable := checkKeys(op, ex.Response)
	add(keyViolations...)
	if !readable {
		return out, nil, exercised
	}
	if obj != nil {
		if code, err := obj.Int("code"); err == nil {
			exercised.Branch, exercised.Code = branchOf(code), code
		}
	}
	resIn := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: reqIn,
		Status:                 ex.Response.StatusCode,
		Header:                 ex.Response.Header,
		Body:                   io.NopCloser(bytes.NewReader(ex.Response.Body)),
		Options: &openapi3filter.Options{
			MultiError:            true,
			IncludeResponseStatus: true,
		},
	}
	if resIn.Header == nil {
		resIn.Header = http.Header{}
	}
	if err := openapi3filter.ValidateResponse(ctx, resIn); err != nil {
		add(toViolations(KindResponse, err)...)
		return out, nil, exercised
	}
	if obj == nil {
		return out, nil, exercised
	}
	if v.strict && declared.media != nil {
		add(strictViolations(KindResponse, declared.media.Schema, ex.Response.Body, openapi3.VisitAsResponse())...)
	}
	vs, said := checkEnvelope(op, params["clusterId"], ex.Response.StatusCode, obj)
	add(vs...)
	return out, said, exercised
}

// branchOf names the branch of a body by its envelope's code.
func branchOf(code int64) string {
	if code == 0 {
		return BranchSuccess
	}
	return BranchError
}

// WithBasePath marks the requests made with ctx as built from a base URL
// whose path is prefix: "/zilliz" for a proxy at https://host/zilliz. A
// Validator, and so a Transport, finds the operation of a request so marked
// by its path without exactly that prefix, whole segments only; a request
// that is not marked, or whose path does not start with the prefix, is
// routed by its whole path. zcdrop.Client marks every request it builds
// from a base URL with a path. A trailing slash of prefix is ignored; an
// empty prefix, or "/", marks nothing.
func WithBasePath(ctx context.Context, prefix string) context.Context {
	return basepath.With(ctx, prefix)
}

// checkAuthorization reports a request that does not carry a Bearer key.
// Recorded traffic says "Bearer REDACTED", which counts as present.
func checkAuthorization(h http.Header) []Violation {
	const where = PointerAuthorization
	values := h.Values("Authorization")
	switch {
	case len(values) == 0:
		return []Violation{{Kind: KindSemantic, Pointer: where, Message: "missing: the operation requires a Bearer API key"}}
	case len(values) > 1:
		return []Violation{{Kind: KindSemantic, Pointer: where, Message: "sent more than once"}}
	}
	scheme, token, _ := strings.Cut(values[0], " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return []Violation{{Kind: KindSemantic, Pointer: where, Message: "does not use the Bearer scheme"}}
	}
	if strings.TrimSpace(token) == "" {
		return []Violation{{Kind: KindSemantic, Pointer: where, Message: "Bearer scheme without a key"}}
	}
	return nil
}

// minMessageSecret is the shortest token that messageSecret scrubs: the
// front door's minimum key length (zcdrop.MinAPIKeyLength), below which a
// "key" would match inside ordinary words.
const minMessageSecret = 16

// messageSecret returns the key in an Authorization header, so that
// messages can be scrubbed of it, or "" for a token too short to be a key.
// Messages are built so as never to quote one anyway.
func messageSecret(h http.Header) string {
	_, token, _ := strings.Cut(h.Get("Authorization"), " ")
	if token = strings.TrimSpace(token); len(token) < minMessageSecret {
		return ""
	}
	return token
}

// checkQuery reports a query string on an operation that declares no query
// parameters; kin-openapi ignores undeclared ones.
func checkQuery(op *openapi3.Operation, u *url.URL) []Violation {
	if u.RawQuery == "" {
		return nil
	}
	for _, p := range op.Parameters {
		if p.Value != nil && p.Value.In == openapi3.ParameterInQuery {
			return nil
		}
	}
	return []Violation{{Kind: KindRequest, Pointer: PointerQuery, Message: "the operation takes no query parameters"}}
}

// declaredAnswer is the part of the spec that a response matched: the key
// of the declared response that its status matched, and the media type,
// by its key, that its Content-Type matched; empty (nil) where it matched
// none.
type declaredAnswer struct {
	status, mediaType string
	media             *openapi3.MediaType
}

// declaredResponse returns the response that op declares for status, and
// its key: the status itself, its range ("4XX") or "default"; "" and nil
// when none applies. It chooses as kin-openapi's response validation does
// (Responses.Status, then Responses.Default).
func declaredResponse(op *openapi3.Operation, status int) (string, *openapi3.ResponseRef) {
	if op.Responses == nil {
		return "", nil
	}
	key := strconv.Itoa(status)
	if ref := op.Responses.Value(key); ref != nil {
		return key, ref
	}
	if 99 < status && status < 600 {
		key = key[:1] + "XX"
		if ref := op.Responses.Value(key); ref != nil {
			return key, ref
		}
	}
	if ref := op.Responses.Default(); ref != nil {
		return "default", ref
	}
	return "", nil
}

// mediaTypeKey returns the key under which content declares mt.
func mediaTypeKey(content openapi3.Content, mt *openapi3.MediaType) string {
	for _, key := range slices.Sorted(maps.Keys(content)) {
		if content[key] == mt {
			return key
		}
	}
	return ""
}

// checkStatusAndType reports an undeclared status or content type, saying
// what the spec declares, before kin-openapi's terser checks run. It
// returns what the response matched of the spec, whether or not it
// reports anything.
func checkStatusAndType(op *openapi3.Operation, res *Response) (declaredAnswer, []Violation) {
	var d declaredAnswer
	key, ref := declaredResponse(op, res.StatusCode)
	if ref == nil {
		return d, []Violation{{Kind: KindResponse, Message: fmt.Sprintf("status %d is not declared (declared: %s)",
			res.StatusCode, strings.Join(slices.Sorted(maps.Keys(op.Responses.Map())), ", "))}}
	}
	d.status = key
	content := ref.Value.Content
	if len(content) == 0 {
		return d, nil
	}
	declared := strings.Join(slices.Sorted(maps.Keys(content)), ", ")
	ct := res.Header.Get("Content-Type")
	if len(res.Header.Values("Content-Type")) > 1 {
		// Readers take the first, the last or all of them.
		return d, []Violation{{Kind: KindResponse, Pointer: PointerContentType,
			Message: "sent more than once; readers disagree on which one counts"}}
	}
	if ct == "" {
		return d, []Violation{{Kind: KindResponse, Pointer: PointerContentType,
			Message: fmt.Sprintf("missing (declared for status %d: %s)", res.StatusCode, declared)}}
	}
	if d.media = content.Get(ct); d.media == nil {
		return d, []Violation{{Kind: KindResponse, Pointer: PointerContentType,
			Message: fmt.Sprintf("%q is not declared for status %d (declared: %s)", ct, res.StatusCode, declared)}}
	}
	d.mediaType = mediaTypeKey(content, d.media)
	if len(bytes.TrimSpace(res.Body)) == 0 && d.media.Schema != nil {
		return d, []Violation{{Kind: KindResponse, Message: fmt.Sprintf("body is empty; status %d declares a %s body", res.StatusCode, ct)}}
	}
	return d, nil
}

// The operations that the Validator knows beyond their schemas, by their
// operationId in openapi.yaml.
const (
	opDropCluster     = "dropCluster"
	opDescribeCluster = "describeCluster"
)

// envelopeKeys are the keys of the envelope that the client reads, in
// every operation's answers.
var envelopeKeys = []string{"code", "message", "data"}

// dataKeys are the keys of a success's data that the client reads, by
// operation: the data's required properties in openapi.yaml, which a test
// holds them to.
var dataKeys = map[string][]string{
	opDropCluster:     {"clusterId", "prompt"},
	opDescribeCluster: {"clusterId", "status"},
}

// requestVerb says what a request of operation op did to the cluster it
// names, for messages: a describe is never said to drop.
func requestVerb(op string) string {
	switch op {
	case opDropCluster:
		return "dropped"
	case opDescribeCluster:
		return "described"
	}
	return "named" // An operation that the spec has gained since.
}

// checkKeys reads a JSON body as the client does, with exact keys, and
// reports what a reader that ignores case, or that keeps the last of two
// equal keys, as encoding/json does, would read differently: a key that
// appears twice in any object, and a key beside or instead of an envelope
// key that differs from it only in case. It reports, too, a body the client
// cannot read at all: one that is not exactly one JSON object, as two
// values one after the other or a value with text after it are not, which
// a lenient reader would take for its first value. It returns the object
// read, nil for a body that is not JSON, and says whether the body can be
// judged further; one that the client cannot read cannot, since what it
// says depends on the reader. Messages never quote the body. The keys of
// data that count are those that the client reads of operation op's
// success (dataKeys).
func checkKeys(op string, res *Response) ([]Violation, *jsonstrict.Object, bool) {
	if !strings.Contains(res.Header.Get("Content-Type"), "json") {
		return nil, nil, true
	}
	obj, err := jsonstrict.Decode(res.Body)
	var jerr *jsonstrict.Error
	if err != nil && !errors.As(err, &jerr) {
		jerr = &jsonstrict.Error{}
	}
	switch {
	case err == nil:
	case errors.Is(err, jsonstrict.ErrDuplicateKey):
		return []Violation{{Kind: KindResponse, Pointer: redact.MaskKeyPointer(jerr.Pointer), Message: "appears more than once; readers disagree on which one counts"}}, nil, false
	case errors.Is(err, jsonstrict.ErrSyntax):
		return []Violation{{Kind: KindResponse, Pointer: jerr.Pointer,
			Message: "body is not valid JSON, or holds more than one JSON value or text after it; the client reads it as an unexpected answer"}}, nil, false
	case errors.Is(err, jsonstrict.ErrType):
		return []Violation{{Kind: KindResponse, Pointer: jerr.Pointer,
			Message: "body is not a JSON object; the client reads it as an unexpected answer"}}, nil, false
	default:
		return []Violation{{Kind: KindResponse, Pointer: jerr.Pointer,
			Message: "body cannot be read as the client reads it; the client reads it as an unexpected answer"}}, nil, false
	}
	out := caseVariants(obj, envelopeKeys)
	if data, err := obj.Object("data"); err == nil {
		out = append(out, caseVariants(data, dataKeys[op])...)
	}
	return out, obj, true
}

// caseVariants reports every key of obj that differs from one of keys
// only in case.
func caseVariants(obj *jsonstrict.Object, keys []string) []Violation {
	var out []Violation
	for _, key := range keys {
		for _, v := range obj.CaseVariants(key) {
			out = append(out, Violation{
				Kind:    KindSemantic,
				Pointer: obj.Pointer() + "/" + strings.ReplaceAll(strings.ReplaceAll(v, "~", "~0"), "/", "~1"),
				Message: fmt.Sprintf("differs from %q only in case; a reader that ignores case may take it for %q", key, key),
			})
		}
	}
	return out
}

// checkEnvelope reads the envelope of a body that the schema accepts as
// the client reads it, and reports what the client would read otherwise:
// a code that is not written as an integer ("code":0.0 or 0e5, which the
// schema takes for 0 and the client does not), and a success that names
// another cluster than the one asked for, which the schema allows and a
// client must not believe: a drop's or a describe's data.clusterId must
// echo the requested ID. What it cannot read is a violation, never a
// silent pass. It returns what an HTTP 200 answer of operation op says of
// the requested cluster, nil for any other answer.
func checkEnvelope(op, requested string, status int, obj *jsonstrict.Object) ([]Violation, *reading) {
	code, err := obj.Int("code")
	if err != nil {
		return []Violation{{Kind: KindResponse, Pointer: "/code",
			Message: "is not written as an integer; the client reads only an integer literal, so it calls this answer unexpected"}}, nil
	}
	if status != http.StatusOK {
		return nil, nil
	}
	said := &reading{operation: op, clusterID: requested, code: code}
	if code != 0 {
		return nil, said
	}
	data, err := obj.Object("data")
	if err != nil {
		return []Violation{{Kind: KindResponse, Pointer: "/data", Message: "cannot be read as the client reads it: " + errorReason(err)}}, nil
	}
	got, err := data.String("clusterId")
	if err != nil {
		return []Violation{{Kind: KindResponse, Pointer: "/data/clusterId", Message: "cannot be read as the client reads it: " + errorReason(err)}}, nil
	}
	if got != requested {
		return []Violation{{
			Kind:    KindSemantic,
			Pointer: "/data/clusterId",
			Message: fmt.Sprintf("echoes cluster %q, but the request %s %q", got, requestVerb(op), requested),
		}}, nil
	}
	if op == opDescribeCluster {
		// Any status conforms, one that nobody has listed too; the
		// lifecycle rules read the ones they know.
		if said.status, err = data.String("status"); err != nil {
			return []Violation{{Kind: KindResponse, Pointer: "/data/status", Message: "cannot be read as the client reads it: " + errorReason(err)}}, nil
		}
	}
	return nil, said
}

// errorReason says what is wrong with a member, by the kind of a
// jsonstrict error, never quoting it.
func errorReason(err error) string {
	switch {
	case errors.Is(err, jsonstrict.ErrMissing):
		return "missing"
	case errors.Is(err, jsonstrict.ErrNull):
		return "null"
	case errors.Is(err, jsonstrict.ErrType):
		return "of the wrong type"
	}
	return "unreadable"
}

func routeViolation(req *http.Request, err error) Violation {
	where, path := "on "+req.URL.EscapedPath(), "path "+req.URL.EscapedPath()
	if p := req.URL.EscapedPath(); redact.HasKeyToken(p) || credentialFragment(p) {
		// A report says where, not what: the path may be a key sent to the
		// wrong place.
		const hidden = "the path, which holds what looks like a credential and is not printed"
		where, path = "on "+hidden, hidden
	}
	switch {
	case errors.Is(err, routers.ErrMethodNotAllowed):
		return Violation{Kind: KindRequest, Pointer: PointerMethod, Message: fmt.Sprintf("method %s is not allowed %s", req.Method, where)}
	case errors.Is(err, routers.ErrPathNotFound):
		return Violation{Kind: KindRequest, Pointer: PointerPath, Message: "no operation in the spec matches " + path}
	default:
		return Violation{Kind: KindRequest, Message: "cannot route request: " + err.Error()}
	}
}

// unescapeParams decodes path parameters, so that they are checked as the
// server will read them: "in01-a%2F.." is the ID "in01-a/..", not a
// harmless string of letters and percent signs.
func unescapeParams(raw map[string]string) (map[string]string, []Violation) {
	params := make(map[string]string, len(raw))
	var out []Violation
	for _, name := range slices.Sorted(maps.Keys(raw)) {
		value, err := url.PathUnescape(raw[name])
		if err != nil {
			out = append(out, Violation{Kind: KindRequest, Pointer: "path/" + name, Message: "is not valid percent-encoding"})
			continue
		}
		params[name] = value
	}
	return params, out
}

func cloneWithBody(ctx context.Context, req *http.Request, body []byte) *http.Request {
	c := req.Clone(ctx)
	if len(body) == 0 {
		c.Body = http.NoBody
		c.ContentLength = 0
	} else {
		c.Body = io.NopCloser(bytes.NewReader(body))
		c.ContentLength = int64(len(body))
	}
	return c
}
