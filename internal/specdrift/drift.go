// Package specdrift finds what recorded traffic shows that an OpenAPI spec
// does not declare: error codes that no x-zilliz-error-codes list knows,
// statuses and content types the operation does not declare, response
// headers the response does not declare, and body properties outside the
// schema. It reads the gate's inputs (go-vcr v4 cassettes) within the
// gate's budgets, and counts each finding with where it was first seen.
//
// It also proposes the one edit that is safe to make without a person:
// appending the new error codes to the spec's x-zilliz-error-codes list, as
// text, so that the rest of the file stays byte for byte as it was (see
// Spec.Patch).
//
// Drift trusts the recordings' content as far as the gate does: run the
// gate first. A recorded message becomes the meaning of a proposed code.
package specdrift

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/zcdrop/zcdrop/conformance"
	"github.com/zcdrop/zcdrop/internal/basepath"
	"github.com/zcdrop/zcdrop/internal/cassettefile"
	"github.com/zcdrop/zcdrop/internal/jsonstrict"
	"github.com/zcdrop/zcdrop/internal/redact"
	"github.com/zcdrop/zcdrop/internal/vcr"
)

// Class is the kind of a Finding.
type Class string

// The classes of Finding, in the order a report lists them.
const (
	// ClassErrorCode is a non-zero code in a JSON body that no
	// x-zilliz-error-codes list knows.
	ClassErrorCode Class = "error-code"
	// ClassOperation is a request that no operation of the spec matches:
	// its method on its path. Nothing else is judged for it.
	ClassOperation Class = "operation"
	// ClassStatus is a status that no response code or range (2XX) of the
	// operation declares. A default response does not count: it hides
	// statuses rather than declaring them.
	ClassStatus Class = "status"
	// ClassContentType is a media type that the response of a declared
	// status does not declare.
	ClassContentType Class = "content-type"
	// ClassHeader is a response header that the response does not declare,
	// other than those every server sends (see genericHeaders).
	ClassHeader Class = "header"
	// ClassProperty is a member of a JSON body that the schema, or the
	// branch of a oneOf that the body matched, does not declare.
	ClassProperty Class = "property"
)

var classOrder = []Class{ClassErrorCode, ClassOperation, ClassStatus, ClassContentType, ClassHeader, ClassProperty}

// Finding is one thing the traffic shows that the spec does not declare,
// seen Count times: in Count interactions. What it quotes of a recording
// (a method, a message, a header's or a member's name, a request ID) has
// what looks like a key masked (see redact.MaskKeyTokens).
type Finding struct {
	// Class is the kind of thing the spec does not declare, and says which
	// of the fields below are set.
	Class Class `json:"class"`
	// Operation is the operationId of the operation, or its method and
	// path template when it has none; for ClassOperation, the method.
	Operation string `json:"operation"`
	// Response is the key of the declared response that was checked ("200",
	// "4XX", "default"); for ClassStatus, the recorded status.
	Response string `json:"response,omitempty"`
	// Code and Message are the error code and the message that came with
	// it first, for ClassErrorCode.
	Code    int64  `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
	// ContentType is the undeclared media type, without parameters, for
	// ClassContentType, and the media type whose schema was checked for
	// ClassProperty.
	ContentType string `json:"contentType,omitempty"`
	// Header is the undeclared header's canonical name, for ClassHeader.
	Header string `json:"header,omitempty"`
	// Pointer is the JSON pointer of the undeclared member, with "*" for
	// every array index, and Schema the name of the schema that lacks it,
	// for ClassProperty.
	Pointer string `json:"pointer,omitempty"`
	Schema  string `json:"schema,omitempty"`
	// Count is the number of interactions that showed it.
	Count int `json:"count"`
	// First is where it was first seen.
	First Sighting `json:"first"`
}

// Sighting is one recorded interaction.
type Sighting struct {
	// File is the cassette, as found from the paths given.
	File string `json:"file"`
	// Line is where the interaction starts in File, 0 when unknown.
	Line int `json:"line,omitempty"`
	// Interaction is the interaction's ID, as the gate reports it.
	Interaction int `json:"interaction"`
	// RequestID is the response's requestid header, "" when it has none.
	RequestID string `json:"requestId,omitempty"`
	// Date is the day the response was recorded, as YYYY-MM-DD, from its
	// Date header or the cassette's recorded_at; "" when neither says.
	Date string `json:"date,omitempty"`
}

// Report is what Check found.
type Report struct {
	// Findings come by Class, in the order of classOrder, then in the
	// order they were first seen.
	Findings []Finding `json:"findings"`
	// Cassettes and Interactions count what was read.
	Cassettes    int `json:"cassettes"`
	Interactions int `json:"interactions"`
}

// Options tune Check.
type Options struct {
	// BasePath is the path of the base URL the traffic was recorded
	// through ("/zilliz"); requests are routed on the path below it, as
	// zcdrop conformance --base-path does.
	BasePath string
}

// budget is the gate's, so that drift reads what the gate reads.
var budget = cassettefile.Limits{
	FileBytes:          conformance.MaxCassetteBytes,
	TextBytes:          conformance.MaxCassetteTextBytes,
	AliasNodes:         conformance.MaxCassetteAliasNodes,
	CorpusBytes:        conformance.MaxCorpusBytes,
	CorpusInteractions: conformance.MaxCorpusInteractions,
}

// Check reads the cassettes at paths as the gate reads them (files, or
// directories walked for *.yaml and *.yml, each file once, within the
// gate's budget) and reports what their traffic shows that spec does not
// declare. An input that cannot be read, or an interaction that is not
// traffic (no method, URL or status), yields a *cassettefile.Error and no
// Report. Check returns ctx's error as soon as ctx is done.
func Check(ctx context.Context, spec *Spec, opts Options, paths ...string) (*Report, error) {
	if len(paths) == 0 {
		return nil, errors.New("no cassette paths given")
	}
	c := &checker{spec: spec, prefix: basepath.From(basepath.With(context.Background(), opts.BasePath)), seen: map[string]*Finding{}}
	rep := &Report{}
	err := cassettefile.ReadCorpus(ctx, budget, paths, func(file string, data []byte, cas *vcr.Cassette) error {
		rep.Cassettes++
		lines := locate(data)
		for i, in := range cas.Interactions {
			if err := ctx.Err(); err != nil {
				return err
			}
			req, err := asTraffic(in)
			if err != nil {
				return &cassettefile.Error{File: file, Err: fmt.Errorf("interactions[%d]: %w", i, err)}
			}
			rep.Interactions++
			at := lines.sighting(file, i, in)
			c.interaction(at, in, req)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	rep.Findings = c.findings()
	return rep, nil
}

// asTraffic returns the request of in, and refuses what the gate refuses
// as not traffic at all, with the gate's words.
func asTraffic(in *vcr.Interaction) (*http.Request, error) {
	switch {
	case in == nil:
		return nil, errors.New("empty interaction")
	case in.Request.Method == "":
		return nil, errors.New("request has no method")
	case in.Request.URL == "":
		return nil, errors.New("request has no url")
	case in.Response.Code == 0:
		return nil, errors.New("response has no status code")
	}
	req, err := in.Request.HTTPRequest()
	if err != nil {
		// url.Parse quotes the URL, which may hold a credential.
		return nil, errors.New("request url cannot be parsed as a URL (it is not quoted here, since it may hold a credential)")
	}
	return req, nil
}

// checker gathers findings across a corpus.
type checker struct {
	spec   *Spec
	prefix string
	seen   map[string]*Finding
	order  []*Finding
}

// add counts f, seen at at, under key, which says what makes two findings
// the same. An interaction shows each key once at most: its headers are
// merged by name, and undeclaredProperties names each pointer once.
func (c *checker) add(key string, at Sighting, f Finding) {
	key = string(f.Class) + "\x00" + key
	if prev := c.seen[key]; prev != nil {
		prev.Count++
		return
	}
	f.Count, f.First = 1, at
	c.seen[key] = &f
	c.order = append(c.order, &f)
}

func (c *checker) findings() []Finding {
	out := make([]Finding, 0, len(c.order))
	for _, class := range classOrder {
		for _, f := range c.order {
			if f.Class == class {
				out = append(out, *f)
			}
		}
	}
	return out
}

// maxBody is the largest body judged, as the gate judges none larger.
const maxBody = conformance.DefaultMaxBodyBytes

// interaction looks for drift in one recorded exchange.
func (c *checker) interaction(at Sighting, in *vcr.Interaction, req *http.Request) {
	route, _, err := c.spec.router.FindRoute(basepath.Strip(req, c.prefix))
	if err != nil {
		// The path is not printed: it may hold a credential, and the
		// first sighting says where to look.
		method := redact.MaskKeyName(in.Request.Method)
		c.add(method, at, Finding{Class: ClassOperation, Operation: method})
		return
	}
	op := route.Operation
	opName := op.OperationID
	if opName == "" {
		opName = route.Method + " " + route.Path
	}
	res := in.Response
	header := canonicalHeader(res.Headers)
	body := []byte(res.Body)
	if len(body) > maxBody {
		body = nil
	}
	var obj *jsonstrict.Object
	if strings.Contains(header.Get("Content-Type"), "json") && body != nil {
		obj, _ = jsonstrict.Decode(body)
	}
	if obj != nil {
		c.errorCode(at, opName, res.Code, obj)
	}

	key, ref := declaredResponse(op, res.Code)
	if ref == nil {
		c.add(opName+"\x00"+strconv.Itoa(res.Code), at, Finding{Class: ClassStatus, Operation: opName, Response: strconv.Itoa(res.Code)})
		// What the default response says is still checked: it is what a
		// reader of the spec would take for the answer's shape.
		if ref = op.Responses.Default(); ref == nil {
			return
		}
		key = "default"
	}
	if ref.Value == nil {
		return
	}
	c.headers(at, opName, key, ref.Value, header)
	mediaType, ok := contentType(header)
	if !ok || (len(res.Body) == 0 && len(ref.Value.Content) == 0) {
		return
	}
	media := ref.Value.Content.Get(mediaType)
	if media == nil {
		c.add(opName+"\x00"+key+"\x00"+mediaType, at, Finding{Class: ClassContentType, Operation: opName, Response: key, ContentType: mediaType})
		return
	}
	if obj == nil || media.Schema == nil {
		return
	}
	var value any
	if err := json.Unmarshal(body, &value); err != nil {
		return
	}
	for _, p := range undeclaredProperties(media.Schema, value) {
		ptr := redact.MaskKeyPointer(p.pointer)
		c.add(opName+"\x00"+key+"\x00"+mediaType+"\x00"+ptr, at, Finding{Class: ClassProperty, Operation: opName,
			Response: key, ContentType: mediaType, Pointer: ptr, Schema: p.schema})
	}
}

// errorCode counts a non-zero code that no x-zilliz-error-codes list knows,
// keeping the message that came with it first. A code that repeats the
// status of a 4XX or 5XX answer (429 on a 429, 503 on a 503) is that status
// in the envelope, not a business code: the spec's own examples of those
// answers carry them, and the list is of the codes that come on HTTP 200 or
// beside a status that does not say as much. A 2XX or 3XX status repeated
// as the code is no error status, so it is counted like any other code.
func (c *checker) errorCode(at Sighting, opName string, status int, obj *jsonstrict.Object) {
	code, err := obj.Int("code")
	if err != nil || code == 0 || c.spec.codes[code] || (status >= 400 && code == int64(status)) {
		return
	}
	message, _ := obj.String("message")
	message = redact.MaskKeyTokens(message)
	c.add(strconv.FormatInt(code, 10), at, Finding{Class: ClassErrorCode, Operation: opName, Code: code, Message: message})
}

// headers counts each response header that the response does not declare.
func (c *checker) headers(at Sighting, opName, key string, res *openapi3.Response, header http.Header) {
	for _, name := range slices.Sorted(maps.Keys(header)) {
		if genericHeaders[name] || declaresHeader(res, name) {
			continue
		}
		shown := redact.MaskKeyName(name)
		c.add(opName+"\x00"+key+"\x00"+shown, at, Finding{Class: ClassHeader, Operation: opName, Response: key, Header: shown})
	}
}

func declaresHeader(res *openapi3.Response, name string) bool {
	for declared := range res.Headers {
		if strings.EqualFold(declared, name) {
			return true
		}
	}
	return false
}

// declaredResponse returns the response that the operation declares for
// status, by its code or its range, and the key it is declared under.
func declaredResponse(op *openapi3.Operation, status int) (string, *openapi3.ResponseRef) {
	if op.Responses == nil {
		return "", nil
	}
	key := strconv.Itoa(status)
	if ref := op.Responses.Value(key); ref != nil {
		return key, ref
	}
	if status >= 100 && status <= 599 {
		key = key[:1] + "XX"
		if ref := op.Responses.Value(key); ref != nil {
			return key, ref
		}
	}
	return "", nil
}

// contentType returns the recorded media type without its parameters, in
// lower case, and false when none was recorded.
func contentType(h http.Header) (string, bool) {
	ct := strings.TrimSpace(h.Get("Content-Type"))
	if ct == "" {
		return "", false
	}
	if mt, _, err := mime.ParseMediaType(ct); err == nil {
		return mt, true
	}
	base, _, _ := strings.Cut(ct, ";")
	return strings.ToLower(strings.TrimSpace(base)), true
}

// canonicalHeader returns h with its names in canonical form, the values of
// names that differ only in case merged (the gate reports those).
func canonicalHeader(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for _, name := range slices.Sorted(maps.Keys(h)) {
		canonical := http.CanonicalHeaderKey(name)
		out[canonical] = append(out[canonical], h[name]...)
	}
	return out
}
