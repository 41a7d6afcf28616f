package conformance

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
)

// Exercised is what one exchange exercised of the spec: the operation
// that its request was routed to, the declared response that its answer
// matched, and what its body said. A part is empty when the exchange did
// not reach it: a request that no operation matches exercised nothing, an
// undeclared status no response, an undeclared Content-Type no media type.
// It is filled whether or not the exchange conforms, since a corpus that
// breaks the spec fails the gate whatever it covers.
type Exercised struct {
	// Operation is the operationId of the operation the request was
	// routed to.
	Operation string `json:"operation,omitempty"`
	// Method and Path name that operation as the spec does: "DELETE" and
	// "/v2/clusters/{clusterId}/drop".
	Method string `json:"method,omitempty"`
	Path   string `json:"path,omitempty"`
	// Status is the key of the declared response that the status matched:
	// "200", "4XX" or "default".
	Status string `json:"status,omitempty"`
	// MediaType is the declared media type of that response that the
	// Content-Type matched, as the spec spells it: "application/json".
	MediaType string `json:"mediaType,omitempty"`
	// Branch is BranchSuccess or BranchError when the body is a JSON
	// object whose code the client reads (an integer literal), and empty
	// otherwise: an HTML page, a body the client cannot read.
	Branch string `json:"branch,omitempty"`
	// Code is the envelope's code when Branch is set: 0 for a success.
	Code int64 `json:"code,omitempty"`
}

// The branches of a body, as Exercised.Branch names them: the envelope's
// code tells them apart, 0 for a success, anything else for an error
// (on HTTP 200, a business error).
const (
	BranchSuccess = "success"
	BranchError   = "error"
)

// The kinds of CoverageItem.
const (
	// CoverageOperation is an operation; its Name is "METHOD path".
	CoverageOperation = "operation"
	// CoverageStatus is a declared status or range of an operation; its
	// Name is the spec's key: "200", "4XX", "default".
	CoverageStatus = "status"
	// CoverageContentType is a declared media type of a response; its Name
	// is the status key and the media type: "5XX text/html".
	CoverageContentType = "content-type"
	// CoverageBody is the success or the business-error body of an
	// operation that declares HTTP 200, which carries both: its Name is
	// CoverageSuccess or CoverageBusinessError.
	CoverageBody = "body"
	// CoverageErrorCode is a code that x-zilliz-error-codes lists in a
	// schema of the operation's responses; its Name is the code: "96018".
	// Any status that carries the code exercises it.
	CoverageErrorCode = "error-code"
)

// The Names of CoverageBody items.
const (
	// CoverageSuccess is an answer of HTTP 200 with code 0.
	CoverageSuccess = "success"
	// CoverageBusinessError is an answer of HTTP 200 with another code.
	CoverageBusinessError = "business-error"
)

// Coverage is what a corpus exercised of the spec: each item that the spec
// declares, and how many interactions exercised it.
type Coverage struct {
	// Items are the spec's items: each operation, by path and then method
	// in the order OpenAPI lists methods, followed by its statuses, each
	// with its media types, its bodies, and its error codes in the order
	// x-zilliz-error-codes lists them.
	Items []CoverageItem `json:"items"`
	// Exercised counts the Items exercised at least once.
	Exercised int `json:"exercised"`
	// Percent is Exercised as a percentage of len(Items), unrounded; 100
	// for a spec that declares no items.
	Percent float64 `json:"percent"`
	// Minimum is the percentage that the gate asked for
	// (GateOptions.MinCoverage), 0 for none.
	Minimum float64 `json:"minimum,omitempty"`
}

// Unexercised returns the Items that no interaction exercised, in order.
func (c *Coverage) Unexercised() []CoverageItem {
	var out []CoverageItem
	for _, it := range c.Items {
		if it.Count == 0 {
			out = append(out, it)
		}
	}
	return out
}

// CoverageItem is one thing the spec declares that a corpus may exercise.
type CoverageItem struct {
	// Kind is what the item is: CoverageOperation, CoverageStatus,
	// CoverageContentType, CoverageBody or CoverageErrorCode.
	Kind string `json:"kind"`
	// Operation is the operationId the item belongs to.
	Operation string `json:"operation"`
	// Name names the item within its kind and operation: "DELETE
	// /v2/clusters/{clusterId}/drop", "200", "4XX", "5XX text/html",
	// "success", "96018".
	Name string `json:"name"`
	// Count is how many interactions exercised it.
	Count int `json:"count"`
}

// CoverageCounter counts what a corpus exercises of the spec, one Result
// at a time, in the memory of the spec's items whatever the corpus: a
// gate streams Results through it. It is not safe for concurrent use.
type CoverageCounter struct {
	items []CoverageItem
	index map[coverageKey]int
}

// coverageKey finds an item: its operation by method and path, which
// unlike an operationId every operation has, its kind, and what it names
// in its kind (a status key, a status key and a media type, a body, a
// code), in parts that Observe need not join.
type coverageKey struct {
	method, path, kind string
	status, media      string
	code               int64
}

// item is the key of op's item of kind that the rest names.
func (op coverageKey) item(kind, status, media string, code int64) coverageKey {
	op.kind, op.status, op.media, op.code = kind, status, media, code
	return op
}

// coverageSpec is the spec's items in order, compiled once per Validator.
type coverageSpec struct {
	items []CoverageItem
	index map[coverageKey]int
}

// NewCoverageCounter returns a counter of the items of v's spec, none
// exercised yet.
func (v *Validator) NewCoverageCounter() *CoverageCounter {
	return &CoverageCounter{items: slices.Clone(v.coverage.items), index: v.coverage.index}
}

// Observe counts what r exercised (r.Exercised).
func (c *CoverageCounter) Observe(r Result) {
	e := r.Exercised
	if e.Method == "" {
		return
	}
	op := coverageKey{method: e.Method, path: e.Path}
	c.hit(op.item(CoverageOperation, "", "", 0))
	if e.Status == "" {
		return
	}
	c.hit(op.item(CoverageStatus, e.Status, "", 0))
	if e.MediaType != "" {
		c.hit(op.item(CoverageContentType, e.Status, e.MediaType, 0))
	}
	switch {
	case e.Branch == BranchSuccess && e.Status == "200":
		c.hit(op.item(CoverageBody, CoverageSuccess, "", 0))
	case e.Branch == BranchError:
		if e.Status == "200" {
			c.hit(op.item(CoverageBody, CoverageBusinessError, "", 0))
		}
		c.hit(op.item(CoverageErrorCode, "", "", e.Code))
	}
}

// hit counts the item k, if the spec declares it.
func (c *CoverageCounter) hit(k coverageKey) {
	if i, ok := c.index[k]; ok {
		c.items[i].Count++
	}
}

// Coverage returns what the Results observed so far exercised.
func (c *CoverageCounter) Coverage() *Coverage {
	out := &Coverage{Items: slices.Clone(c.items), Percent: 100}
	for _, it := range out.Items {
		if it.Count > 0 {
			out.Exercised++
		}
	}
	if len(out.Items) > 0 {
		out.Percent = 100 * float64(out.Exercised) / float64(len(out.Items))
	}
	return out
}

// methodOrder is the order in which OpenAPI's path item lists methods.
var methodOrder = []string{
	http.MethodGet, http.MethodPut, http.MethodPost, http.MethodDelete,
	http.MethodOptions, http.MethodHead, http.MethodPatch, http.MethodTrace,
}

// compileCoverage lists the items of doc, in Coverage.Items's order.
func compileCoverage(doc *openapi3.T) coverageSpec {
	spec := coverageSpec{index: map[coverageKey]int{}}
	add := func(op *openapi3.Operation, k coverageKey, name string) {
		if _, dup := spec.index[k]; dup {
			return
		}
		spec.index[k] = len(spec.items)
		spec.items = append(spec.items, CoverageItem{Kind: k.kind, Operation: op.OperationID, Name: name})
	}
	if doc.Paths == nil {
		return spec
	}
	paths := doc.Paths.Map()
	for _, path := range slices.Sorted(maps.Keys(paths)) {
		for _, method := range methodOrder {
			op := paths[path].GetOperation(method)
			if op == nil {
				continue
			}
			key := coverageKey{method: method, path: path}
			add(op, key.item(CoverageOperation, "", "", 0), method+" "+path)
			var responses map[string]*openapi3.ResponseRef
			if op.Responses != nil {
				responses = op.Responses.Map()
			}
			var codes []int64
			seen := map[*openapi3.Schema]bool{}
			for _, status := range slices.Sorted(maps.Keys(responses)) {
				add(op, key.item(CoverageStatus, status, "", 0), status)
				res := responses[status].Value
				if res == nil {
					continue
				}
				for _, mt := range slices.Sorted(maps.Keys(res.Content)) {
					add(op, key.item(CoverageContentType, status, mt, 0), status+" "+mt)
					if m := res.Content[mt]; m != nil {
						codes = appendErrorCodes(codes, m.Schema, seen)
					}
				}
			}
			if responses["200"] != nil {
				add(op, key.item(CoverageBody, CoverageSuccess, "", 0), CoverageSuccess)
				add(op, key.item(CoverageBody, CoverageBusinessError, "", 0), CoverageBusinessError)
			}
			for _, code := range codes {
				add(op, key.item(CoverageErrorCode, "", "", code), strconv.FormatInt(code, 10))
			}
		}
	}
	return spec
}

// appendErrorCodes appends the codes that x-zilliz-error-codes lists in
// ref and the schemas it holds, in the order listed, each schema once.
func appendErrorCodes(codes []int64, ref *openapi3.SchemaRef, seen map[*openapi3.Schema]bool) []int64 {
	if ref == nil || ref.Value == nil || seen[ref.Value] {
		return codes
	}
	s := ref.Value
	seen[s] = true
	if raw, ok := s.Extensions["x-zilliz-error-codes"]; ok {
		// Read as the spec's YAML says it: a list of {code, meaning,
		// source}; an entry that is not one is no item.
		var listed []struct {
			Code *int64 `json:"code"`
		}
		if b, err := json.Marshal(raw); err == nil && json.Unmarshal(b, &listed) == nil {
			for _, l := range listed {
				if l.Code != nil && *l.Code != 0 && !slices.Contains(codes, *l.Code) {
					codes = append(codes, *l.Code)
				}
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
		codes = appendErrorCodes(codes, s.Properties[name], seen)
	}
	for _, group := range [][]*openapi3.SchemaRef{s.OneOf, s.AnyOf, s.AllOf, {s.Items, s.AdditionalProperties.Schema}} {
		for _, sub := range group {
			codes = appendErrorCodes(codes, sub, seen)
		}
	}
	return codes
}
