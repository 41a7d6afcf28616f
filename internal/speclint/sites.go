package speclint

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// sites lists the places of a document that the rules check, each once
// (but a response once for each status it answers), with where it is
// written: what a $ref names is listed at the component. The operations'
// uses come before the components, so that an unused component is listed
// too, but a used response is named as its operation knows it ("dropCluster
// 200"); a shared header or request body is named as its component.
type sites struct {
	operations []operation
	responses  []response
	mediaTypes []mediaType
	parameters []parameter
	headers    []header
	schemas    []schema

	seen map[string]bool
}

// operation is an operation, with its place.
type operation struct {
	ptr   string
	label string // its operationId, or its method and path
	value *openapi3.Operation
}

// response is a response of an operation, or of components.responses.
type response struct {
	ptr    string
	status string // "" for a component no operation uses
	label  string // "dropCluster 200", or "response NotFound"
	value  *openapi3.Response
}

// mediaType is a media type of a response, a request body, a parameter or
// a header.
type mediaType struct {
	ptr   string
	label string // its owner's label and its name: "dropCluster 200 application/json"
	// response says whether a response carries it, rather than a request.
	response bool
	value    *openapi3.MediaType
}

// parameter is a parameter of an operation, a path or components.
type parameter struct {
	ptr   string
	label string // `parameter "clusterId"`
	value *openapi3.Parameter
}

// header is a header of a response or of components.
type header struct {
	ptr   string
	label string // `header "requestid" of dropCluster 200`
	value *openapi3.Header
}

// schema is a schema written in the document.
type schema struct {
	ptr   string
	value *openapi3.Schema
}

// collectSites lists doc's places.
func collectSites(doc *openapi3.T) *sites {
	s := &sites{seen: map[string]bool{}}
	if doc.Paths != nil {
		for _, path := range sortedKeys(doc.Paths.Map()) {
			item := doc.Paths.Value(path)
			itemPtr := pointer("/paths", path)
			for i, p := range item.Parameters {
				s.addParameter(pointer(itemPtr, "parameters", strconv.Itoa(i)), p)
			}
			methods := item.Operations()
			for _, method := range sortedKeys(methods) {
				s.addOperation(path, pointer(itemPtr, strings.ToLower(method)), method, methods[method])
			}
		}
	}
	if c := doc.Components; c != nil {
		for _, name := range sortedKeys(c.Responses) {
			s.addResponse(pointer("/components/responses", name), "", "response "+name, c.Responses[name])
		}
		for _, name := range sortedKeys(c.RequestBodies) {
			s.addRequestBody(pointer("/components/requestBodies", name), "request body "+name, c.RequestBodies[name])
		}
		for _, name := range sortedKeys(c.Parameters) {
			s.addParameter(pointer("/components/parameters", name), c.Parameters[name])
		}
		for _, name := range sortedKeys(c.Headers) {
			s.addHeader(pointer("/components/headers", name), fmt.Sprintf("header %q", name), c.Headers[name])
		}
		for _, name := range sortedKeys(c.Schemas) {
			s.addSchema(pointer("/components/schemas", name), c.Schemas[name])
		}
	}
	return s
}

// first reports whether ptr is listed for the first time, and marks it.
func (s *sites) first(ptr string) bool {
	if s.seen[ptr] {
		return false
	}
	s.seen[ptr] = true
	return true
}

func (s *sites) addOperation(path, ptr, method string, op *openapi3.Operation) {
	label := op.OperationID
	if label == "" {
		label = method + " " + path
	}
	s.operations = append(s.operations, operation{ptr: ptr, label: label, value: op})
	for i, p := range op.Parameters {
		s.addParameter(pointer(ptr, "parameters", strconv.Itoa(i)), p)
	}
	s.addRequestBody(pointer(ptr, "requestBody"), label+" request body", op.RequestBody)
	if op.Responses == nil {
		return
	}
	all := op.Responses.Map()
	for _, status := range sortedKeys(all) {
		s.addResponse(pointer(ptr, "responses", status), status, label+" "+status, all[status])
	}
}

func (s *sites) addResponse(ptr, status, label string, ref *openapi3.ResponseRef) {
	if ref == nil || ref.Value == nil {
		return
	}
	ptr = refPointer(ref.Ref, ptr)
	r := ref.Value
	// A response is listed once for each status it answers, since zc007
	// asks different things of a success and of an error; its content
	// and headers once.
	first := s.first(ptr)
	if status != "" || first {
		s.responses = append(s.responses, response{ptr: ptr, status: status, label: label, value: r})
	}
	if !first {
		return
	}
	s.addContent(ptr, label, true, r.Content)
	for _, name := range sortedKeys(r.Headers) {
		s.addHeader(pointer(ptr, "headers", name), fmt.Sprintf("header %q of %s", name, label), r.Headers[name])
	}
}

func (s *sites) addRequestBody(ptr, label string, ref *openapi3.RequestBodyRef) {
	if ref == nil || ref.Value == nil {
		return
	}
	if ref.Ref != "" {
		label = "request body " + refName(ref.Ref)
	}
	ptr = refPointer(ref.Ref, ptr)
	if s.first(ptr) {
		s.addContent(ptr, label, false, ref.Value.Content)
	}
}

func (s *sites) addContent(ptr, owner string, isResponse bool, content openapi3.Content) {
	for _, name := range sortedKeys(content) {
		mt := content[name]
		if mt == nil {
			continue
		}
		mtPtr := pointer(ptr, "content", name)
		s.mediaTypes = append(s.mediaTypes, mediaType{
			ptr: mtPtr, label: owner + " " + name, response: isResponse, value: mt,
		})
		s.addSchema(pointer(mtPtr, "schema"), mt.Schema)
	}
}

func (s *sites) addParameter(ptr string, ref *openapi3.ParameterRef) {
	if ref == nil || ref.Value == nil {
		return
	}
	ptr = refPointer(ref.Ref, ptr)
	if !s.first(ptr) {
		return
	}
	p := ref.Value
	label := fmt.Sprintf("parameter %q", p.Name)
	s.parameters = append(s.parameters, parameter{ptr: ptr, label: label, value: p})
	s.addSchema(pointer(ptr, "schema"), p.Schema)
	s.addContent(ptr, label, false, p.Content)
}

func (s *sites) addHeader(ptr, label string, ref *openapi3.HeaderRef) {
	if ref == nil || ref.Value == nil {
		return
	}
	if ref.Ref != "" {
		// Shared: named as the component, not as its first use.
		label = fmt.Sprintf("header %q", refName(ref.Ref))
	}
	ptr = refPointer(ref.Ref, ptr)
	if !s.first(ptr) {
		return
	}
	h := ref.Value
	s.headers = append(s.headers, header{ptr: ptr, label: label, value: h})
	s.addSchema(pointer(ptr, "schema"), h.Schema)
	s.addContent(ptr, label, false, h.Content)
}

// addSchema lists the schema at ptr and every schema written inside it.
func (s *sites) addSchema(ptr string, ref *openapi3.SchemaRef) {
	if ref == nil || ref.Value == nil {
		return
	}
	ptr = refPointer(ref.Ref, ptr)
	if !s.first(ptr) {
		return
	}
	v := ref.Value
	s.schemas = append(s.schemas, schema{ptr: ptr, value: v})
	for _, name := range sortedKeys(v.Properties) {
		s.addSchema(pointer(ptr, "properties", name), v.Properties[name])
	}
	s.addSchema(pointer(ptr, "items"), v.Items)
	s.addSchema(pointer(ptr, "not"), v.Not)
	s.addSchema(pointer(ptr, "additionalProperties"), v.AdditionalProperties.Schema)
	for _, list := range []struct {
		keyword string
		refs    openapi3.SchemaRefs
	}{{"allOf", v.AllOf}, {"anyOf", v.AnyOf}, {"oneOf", v.OneOf}} {
		for i, sub := range list.refs {
			s.addSchema(pointer(ptr, list.keyword, strconv.Itoa(i)), sub)
		}
	}
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
