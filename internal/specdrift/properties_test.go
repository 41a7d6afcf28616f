package specdrift

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestUndeclaredProperties: what counts as declared, schema by schema, and
// how a member is named: "*" for any array index, and the schema that
// lacks it.
func TestUndeclaredProperties(t *testing.T) {
	named := func(name string, s *openapi3.Schema) *openapi3.SchemaRef {
		return &openapi3.SchemaRef{Ref: "#/components/schemas/" + name, Value: s}
	}
	item := named("Item", openapi3.NewObjectSchema().WithProperty("id", openapi3.NewStringSchema()))
	items := openapi3.NewArraySchema()
	items.Items = item
	list := openapi3.NewObjectSchema().WithProperty("items", items)
	openMap := openapi3.NewObjectSchema().WithAnyAdditionalProperties()
	typedMap := openapi3.NewObjectSchema().WithAdditionalProperties(item.Value)
	base := named("Base", openapi3.NewObjectSchema().WithProperty("code", openapi3.NewIntegerSchema()))
	extended := &openapi3.Schema{AllOf: openapi3.SchemaRefs{base, openapi3.NewObjectSchema().WithProperty("extra", openapi3.NewStringSchema()).NewRef()}}
	zero := openapi3.NewIntegerSchema().WithEnum(0)
	success := named("Success", openapi3.NewObjectSchema().WithPropertyRef("code", zero.NewRef()).WithProperty("data", openapi3.NewStringSchema()))
	envelope := named("Envelope", openapi3.NewObjectSchema().
		WithPropertyRef("code", (&openapi3.Schema{Type: &openapi3.Types{openapi3.TypeInteger}, Not: zero.NewRef()}).NewRef()).
		WithProperty("message", openapi3.NewStringSchema()))
	result := &openapi3.Schema{OneOf: openapi3.SchemaRefs{success, envelope}}
	tests := []struct {
		name   string
		schema *openapi3.SchemaRef
		body   string
		want   []string
	}{
		{"array items, each index once", list.NewRef(), `{"items":[{"id":"a","x":1},{"id":"b","x":2}],"next":"c"}`,
			[]string{"/items/*/x of Item", "/next of inline schema"}},
		{"additionalProperties: true declares any member", openMap.NewRef(), `{"a":1,"b":{"c":2}}`, nil},
		{"additionalProperties as a schema judges the members", typedMap.NewRef(), `{"a":{"id":"x","y":1}}`, []string{"/a/y of inline schema"}},
		{"allOf declares what its members declare", extended.NewRef(), `{"code":1,"extra":"e","other":2}`, []string{"/other of Base"}},
		{"oneOf picked by code: success", result.NewRef(), `{"code":0,"data":"d","message":"m"}`, []string{"/message of Success"}},
		{"oneOf picked by code: envelope", result.NewRef(), `{"code":7,"data":"d","message":"m"}`, []string{"/data of Envelope"}},
		{"oneOf matched by no branch is not judged", result.NewRef(), `{"code":"zero","x":1}`, nil},
		{"members are escaped in the pointer", openapi3.NewObjectSchema().NewRef(), `{"a/b~c":1}`, []string{"/a~1b~0c of inline schema"}},
		{"a schema that is no object judges nothing", openapi3.NewSchema().NewRef(), `{"a":1}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body any
			if err := json.Unmarshal([]byte(tt.body), &body); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range undeclaredProperties(tt.schema, body) {
				got = append(got, fmt.Sprintf("%s of %s", p.pointer, p.schema))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
