package specdrift

import (
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// property is a member of a body that its schema does not declare.
type property struct {
	// pointer is the member's JSON pointer, "*" standing for every index.
	pointer string
	// schema names the schema that lacks it: the nearest one with a name.
	schema string
}

// maxShapeDepth caps how deep allOf, oneOf and anyOf nest before a schema
// is given up on; a spec may nest them in a cycle through $ref.
const maxShapeDepth = 32

// maxBodyDepth caps how deep in a body members are judged: far deeper than
// any answer of the API nests. Each level holds the pointer to it, so a
// schema that declares members recursively, and a body nested thousands
// deep under long names, would otherwise cost the square of the depth.
const maxBodyDepth = 64

// undeclaredProperties returns, in document order of the schema walk and
// once each, the members of value, a decoded JSON body, that schema does
// not declare. Only objects whose schema declares an object (a type object
// or properties) are judged, and a member that additionalProperties allows
// is declared. Where a oneOf or anyOf applies, the members are judged
// against the branch the value matched (see pickBranch); where it matched
// none, they are not judged, since the gate reports that. Nor are members
// deeper than maxBodyDepth.
func undeclaredProperties(schema *openapi3.SchemaRef, value any) []property {
	w := &walker{seen: map[string]bool{}}
	w.walk("", 0, schema, "inline schema", value)
	return w.out
}

type walker struct {
	out  []property
	seen map[string]bool
}

func (w *walker) walk(pointer string, depth int, ref *openapi3.SchemaRef, name string, value any) {
	if depth > maxBodyDepth {
		return
	}
	sh := &shape{props: map[string]*openapi3.SchemaRef{}}
	if !sh.collect(ref, name, value, 0) {
		return
	}
	if sh.name == "" {
		sh.name = name
		if ref.Ref != "" {
			sh.name = path.Base(ref.Ref)
		}
	}
	switch v := value.(type) {
	case map[string]any:
		if !sh.object {
			return
		}
		for _, key := range slices.Sorted(maps.Keys(v)) {
			p := pointer + "/" + escapePointer(key)
			switch {
			case sh.props[key] != nil:
				w.walk(p, depth+1, sh.props[key], sh.name, v[key])
			case sh.additional != nil:
				w.walk(p, depth+1, sh.additional, sh.name, v[key])
			case !sh.open && !w.seen[p]:
				w.seen[p] = true
				w.out = append(w.out, property{pointer: p, schema: sh.name})
			}
		}
	case []any:
		if sh.items == nil {
			return
		}
		itemPointer := pointer + "/*" // Once: a long name over many items.
		for _, item := range v {
			w.walk(itemPointer, depth+1, sh.items, sh.name, item)
		}
	}
}

// shape is what a schema, its allOf members and the oneOf or anyOf branch
// that a value matched declare together.
type shape struct {
	props map[string]*openapi3.SchemaRef
	// additional is the schema of members that properties do not name.
	additional *openapi3.SchemaRef
	// open is additionalProperties: true, which declares any member.
	open bool
	// object is true when some part declares an object.
	object bool
	items  *openapi3.SchemaRef
	// name is the schema that declares the properties.
	name string
}

// collect adds what ref declares for value to sh. It returns false when a
// oneOf or anyOf matched no branch, or the nesting is too deep: then what
// the value may hold is unknown.
func (sh *shape) collect(ref *openapi3.SchemaRef, name string, value any, depth int) bool {
	if ref == nil || ref.Value == nil {
		return true
	}
	if depth > maxShapeDepth {
		return false
	}
	if ref.Ref != "" {
		name = path.Base(ref.Ref)
	}
	s := ref.Value
	if len(s.Properties) > 0 || (s.Type != nil && s.Type.Is(openapi3.TypeObject)) {
		sh.object = true
		if sh.name == "" {
			sh.name = name
		}
	}
	for k, p := range s.Properties {
		if sh.props[k] == nil {
			sh.props[k] = p
		}
	}
	if ap := s.AdditionalProperties; ap.Has != nil && *ap.Has {
		sh.open = true
	} else if ap.Schema != nil && sh.additional == nil {
		sh.additional = ap.Schema
	}
	if s.Items != nil && sh.items == nil {
		sh.items = s.Items
	}
	for _, member := range s.AllOf {
		if !sh.collect(member, name, value, depth+1) {
			return false
		}
	}
	for _, branches := range []openapi3.SchemaRefs{s.OneOf, s.AnyOf} {
		if len(branches) == 0 {
			continue
		}
		b := pickBranch(branches, value)
		if b == nil || !sh.collect(b, name, value, depth+1) {
			return false
		}
	}
	return true
}

// pickBranch returns the branch of a oneOf or anyOf that value matched.
// The Drop Cluster body tells its branches apart by "code" (0 is success,
// anything else the error envelope), so a value with a code picks the one
// branch whose "code" accepts it: an undeclared member, which the branch
// allows, must not make the choice. Otherwise it is the first branch the
// value validates against, and nil when there is none.
func pickBranch(branches openapi3.SchemaRefs, value any) *openapi3.SchemaRef {
	if obj, ok := value.(map[string]any); ok {
		if code, ok := obj["code"]; ok {
			var match []*openapi3.SchemaRef
			for _, b := range branches {
				if b.Value == nil {
					continue
				}
				if p := b.Value.Properties["code"]; p != nil && p.Value != nil && p.Value.VisitJSON(code) == nil {
					match = append(match, b)
				}
			}
			if len(match) == 1 {
				return match[0]
			}
		}
	}
	for _, b := range branches {
		if b.Value != nil && b.Value.VisitJSON(value) == nil {
			return b
		}
	}
	return nil
}

// escapePointer escapes a member name as a JSON pointer segment (RFC 6901).
func escapePointer(key string) string {
	return strings.ReplaceAll(strings.ReplaceAll(key, "~", "~0"), "/", "~1")
}
