package speclint

import (
	"context"
	"fmt"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
)

// exampleCheck is what validating one example needs: its value, where the
// value is written, the label that names it, and the schema.
type exampleCheck struct {
	value    any
	ptr      string // of the value
	label    string
	schema   *openapi3.Schema // nil when there is none
	response bool
}

// examples checks that each response's media type has an example (zc004),
// and that every example, wherever it is written, matches its schema
// (zc005): those of media types, parameters and headers, their named
// examples (a $ref'd one once for every place that uses it, since each may
// have another schema) and those of schemas. An example of a schema that
// is itself invalid is not checked: zc000 reports the schema, and what it
// would say of a value is undefined.
func (l *linter) examples(ctx context.Context, doc *openapi3.T, s *sites) {
	var opts []openapi3.SchemaValidationOption
	vopts := []openapi3.ValidationOption{openapi3.DisableExamplesValidation(), openapi3.DisableSchemaPatternValidation()}
	if doc.IsOpenAPI31OrLater() {
		opts = append(opts, openapi3.EnableJSONSchema2020())
		vopts = append(vopts, openapi3.IsOpenAPI31OrLater())
	}
	vctx := openapi3.WithValidationOptions(ctx, vopts...)
	valid := map[*openapi3.Schema]bool{}
	isValid := func(sc *openapi3.Schema) bool {
		ok, seen := valid[sc]
		if !seen {
			ok = sc.Validate(vctx) == nil
			valid[sc] = ok
		}
		return ok
	}
	var checks []exampleCheck
	for _, mt := range s.mediaTypes {
		v := mt.value
		if mt.response && v.Example == nil && len(v.Examples) == 0 {
			l.add(RuleResponseExample, mt.ptr, "response %s has no example; add example or examples", mt.label)
		}
		checks = append(checks, named(mt.ptr, mt.label, v.Schema, v.Example, v.Examples, mt.response)...)
	}
	for _, p := range s.parameters {
		checks = append(checks, named(p.ptr, p.label, p.value.Schema, p.value.Example, p.value.Examples, false)...)
	}
	for _, h := range s.headers {
		checks = append(checks, named(h.ptr, h.label, h.value.Schema, h.value.Example, h.value.Examples, true)...)
	}
	for _, sc := range s.schemas {
		if sc.value.Example != nil {
			checks = append(checks, exampleCheck{
				value: sc.value.Example, ptr: pointer(sc.ptr, "example"),
				label: "example of schema #" + sc.ptr, schema: sc.value,
			})
		}
	}
	for _, c := range checks {
		if c.schema == nil || !isValid(c.schema) {
			continue // No schema to match, as for an HTML page, or an invalid one.
		}
		direction := openapi3.VisitAsRequest()
		if c.response {
			direction = openapi3.VisitAsResponse()
		}
		o := append(slices.Clone(opts), direction, openapi3.MultiErrors())
		for _, f := range mismatches(c.schema, c.value, o) {
			l.add(RuleExampleMatches, c.ptr+f.pointer(), "%s does not match its schema: %s", c.label, oneLine(f.String()))
		}
	}
}

// named lists the examples of a media type, a parameter or a header: its
// example and each of its examples. owner is its label.
func named(ptr, owner string, schemaRef *openapi3.SchemaRef, example any, examples openapi3.Examples, response bool) []exampleCheck {
	var schema *openapi3.Schema
	if schemaRef != nil {
		schema = schemaRef.Value
	}
	var cs []exampleCheck
	if example != nil {
		cs = append(cs, exampleCheck{value: example, ptr: pointer(ptr, "example"), label: "example of " + owner, schema: schema, response: response})
	}
	for _, name := range sortedKeys(examples) {
		ref := examples[name]
		if ref == nil || ref.Value == nil || ref.Value.Value == nil {
			continue // An externalValue is not read.
		}
		c := exampleCheck{value: ref.Value.Value, schema: schema, response: response}
		if ref.Ref != "" {
			c.ptr = pointer(refPointer(ref.Ref, pointer(ptr, "examples", name)), "value")
			c.label = fmt.Sprintf("example %q (used by %s %s)", refName(ref.Ref), owner, name)
		} else {
			c.ptr = pointer(ptr, "examples", name, "value")
			c.label = fmt.Sprintf("example %q (%s)", name, owner)
		}
		cs = append(cs, c)
	}
	return cs
}
