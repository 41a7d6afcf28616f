package specdrift

import (
	"encoding/json"
	"runtime"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// A spec and a cassette from one pull request: a schema that declares its
// members recursively (additionalProperties: a $ref to itself), and a body
// nested as deep as JSON allows under long names; or a long name over many
// items. Walking it must cost what the body costs: each level kept the
// whole pointer to it, and eight bodies of 950 KB took 7.8 GB and 15 s.
func TestUndeclaredPropertiesCostWhatTheBodyCosts(t *testing.T) {
	node := openapi3.NewObjectSchema()
	node.AdditionalProperties = openapi3.AdditionalProperties{Schema: &openapi3.SchemaRef{Ref: "#/components/schemas/Node", Value: node}}
	list := openapi3.NewArraySchema()
	list.Items = openapi3.NewObjectSchema().NewRef()
	lists := openapi3.NewObjectSchema()
	lists.AdditionalProperties = openapi3.AdditionalProperties{Schema: list.NewRef()}
	long := strings.Repeat("k", 20<<10)
	tests := []struct {
		name   string
		schema *openapi3.Schema
		body   string
	}{
		{"nested deep under long names", node, strings.Repeat(`{"`+long[:100]+`":`, 2000) + `{"x":1}` + strings.Repeat("}", 2000)},
		{"a long name over many items", lists, `{"` + long + `":[` + strings.Repeat("{},", 5000) + `{}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var value any
			if err := json.Unmarshal([]byte(tt.body), &value); err != nil {
				t.Fatal(err)
			}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			undeclaredProperties(tt.schema.NewRef(), value)
			runtime.ReadMemStats(&after)
			if spent, limit := after.TotalAlloc-before.TotalAlloc, uint64(100*len(tt.body)); spent > limit {
				t.Errorf("walking a %d KB body allocated %d MB; want at most %d MB", len(tt.body)>>10, spent>>20, limit>>20)
			}
		})
	}
}
