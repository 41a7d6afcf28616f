package conformance

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/zcdrop/zcdrop/internal/redact"
)

// Strict returns a Validator that checks as v does, and also reports each
// property outside the schema as a violation. openapi.yaml tolerates
// properties that it does not declare, since APIs add fields, and so does
// a Validator; a strict one is for a gate that wants to hear of a field
// before a client depends on it. The rule:
//
//   - A JSON body, a request's or a response's, that conforms to its
//     schema otherwise is walked with that schema. A body that does not
//     is reported for that alone: which branch of a oneOf applies to it is
//     not known.
//   - The properties that apply to an object are those that its schema
//     declares, with those of its allOf members and of the oneOf and anyOf
//     branches that the object matches. A member that none of them names
//     is reported at its JSON pointer ("/data/region").
//   - An object whose schemas declare no properties at all is free-form,
//     and nothing in it is reported.
//   - An object whose schemas say additionalProperties (true, or a
//     schema), patternProperties or unevaluatedProperties is a map that
//     the spec allows explicitly, and nothing in it is reported;
//     additionalProperties: false is reported already, strict or not.
//   - Declared properties and array items are walked in turn.
//
// The strict Validator shares v's compiled spec, so it costs a copy of a
// few words, and its fast path stays on, proving conforming exchanges
// that hold no undeclared property.
func (v *Validator) Strict() *Validator {
	c := *v
	c.strict = true
	return &c
}

// strictRequest reports the undeclared properties of a request body that
// the operation declares a JSON schema for, when the request conforms
// otherwise.
func strictRequest(op *openapi3.Operation, h http.Header, body []byte) []Violation {
	if op.RequestBody == nil || op.RequestBody.Value == nil || len(body) == 0 {
		return nil
	}
	ct := h.Get("Content-Type")
	mt := op.RequestBody.Value.Content.Get(ct)
	if mt == nil || !strings.Contains(ct, "json") {
		return nil
	}
	return strictViolations(KindRequest, mt.Schema, body, openapi3.VisitAsRequest())
}

// maxStrictDepth bounds the walk, as a schema may refer to itself.
const maxStrictDepth = 32

// strictViolations reports each member of the JSON body that its schema
// does not declare, in the order of the walk: an object's members by
// name. opts say whether the body is a request's or a response's, for
// choosing branches as kin-openapi would.
func strictViolations(kind Kind, schema *openapi3.SchemaRef, body []byte, opts ...openapi3.SchemaValidationOption) []Violation {
	var value any
	if schema == nil || json.Unmarshal(body, &value) != nil {
		return nil // The caller has judged the body; there is nothing to walk.
	}
	w := strictWalk{kind: kind, opts: opts}
	w.walk([]*openapi3.SchemaRef{schema}, value, "", 0)
	return w.out
}

type strictWalk struct {
	kind Kind
	opts []openapi3.SchemaValidationOption
	out  []Violation
}

// walk reports what value, at pointer, holds that none of the schemas
// that apply to it declares.
func (w *strictWalk) walk(refs []*openapi3.SchemaRef, value any, pointer string, depth int) {
	if depth > maxStrictDepth {
		return
	}
	var schemas []*openapi3.Schema
	for _, ref := range refs {
		schemas = w.applicable(schemas, ref, value, depth)
	}
	switch value := value.(type) {
	case map[string]any:
		declared := map[string][]*openapi3.SchemaRef{}
		open := false
		for _, s := range schemas {
			for name, p := range s.Properties {
				declared[name] = append(declared[name], p)
			}
			open = open || s.AdditionalProperties.Has != nil || s.AdditionalProperties.Schema != nil ||
				len(s.PatternProperties) > 0 ||
				s.UnevaluatedProperties.Has != nil || s.UnevaluatedProperties.Schema != nil
		}
		for _, name := range slices.Sorted(maps.Keys(value)) {
			at := pointer + "/" + escapePointer(name)
			subs, ok := declared[name]
			if !ok && !open && len(declared) > 0 {
				w.out = append(w.out, Violation{Kind: w.kind, Pointer: redact.MaskKeyPointer(at),
					Message: "is not a property that the schema declares (strict mode)"})
			}
			if ok {
				w.walk(subs, value[name], at, depth+1)
			}
		}
	case []any:
		var items []*openapi3.SchemaRef
		for _, s := range schemas {
			if s.Items != nil {
				items = append(items, s.Items)
			}
		}
		if len(items) > 0 {
			for i, e := range value {
				w.walk(items, e, pointer+"/"+strconv.Itoa(i), depth+1)
			}
		}
	}
}

// applicable appends to schemas ref's schema, its allOf members and the
// oneOf and anyOf branches that value matches, each with theirs in turn.
func (w *strictWalk) applicable(schemas []*openapi3.Schema, ref *openapi3.SchemaRef, value any, depth int) []*openapi3.Schema {
	if ref == nil || ref.Value == nil || depth > maxStrictDepth {
		return schemas
	}
	s := ref.Value
	schemas = append(schemas, s)
	for _, sub := range s.AllOf {
		schemas = w.applicable(schemas, sub, value, depth+1)
	}
	for _, group := range [][]*openapi3.SchemaRef{s.OneOf, s.AnyOf} {
		for _, b := range group {
			if b != nil && b.Value != nil && b.Value.VisitJSON(value, w.opts...) == nil {
				schemas = w.applicable(schemas, b, value, depth+1)
			}
		}
	}
	return schemas
}

// escapePointer escapes a key as a JSON pointer's token.
func escapePointer(key string) string {
	return strings.ReplaceAll(strings.ReplaceAll(key, "~", "~0"), "/", "~1")
}

// allDeclared says whether the value at node i, which conforms to s,
// holds no property outside it, as strictViolations would find it. The
// fast path compiles no allOf, anyOf, additionalProperties, nor
// properties beside a oneOf, so the schema that applies to an object is
// one: the object schema itself, or the branch of a oneOf that it
// matches.
func (sc *scanner) allDeclared(i int32, s *fastSchema) bool {
	for s.kind == fastOneOf {
		var match *fastSchema
		for _, b := range s.oneOf {
			if sc.conforms(i, b) == fastMatch {
				match = b
				break
			}
		}
		if match == nil {
			return false
		}
		s = match
	}
	if s.kind != fastObject || sc.nodes[i].kind != jsonObject || len(s.properties) == 0 {
		return true
	}
	k := i + 1
	for range sc.nodes[i].members {
		var declared *fastSchema
		for _, p := range s.properties {
			if string(sc.raw(k)) == p.name {
				declared = p.schema
				break
			}
		}
		if declared == nil || !sc.allDeclared(k+1, declared) {
			return false
		}
		k = sc.nodes[k+1].next
	}
	return true
}
