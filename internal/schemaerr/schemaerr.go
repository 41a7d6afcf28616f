// Package schemaerr turns kin-openapi's schema errors into the failures a
// reader can act on: one JSON pointer and one short reason each. It reads the
// errors' fields, never their Error strings, which print the whole schema and
// the offending value (a secret, perhaps).
package schemaerr

import (
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Leaf is one failure: where in the value, and why.
type Leaf struct {
	// Pointer is the JSON pointer of the failing value, "/" for the root.
	Pointer string
	// Message says what is wrong, without quoting the value.
	Message string
}

// Leaves flattens a schema error into the failures a reader can act on.
// A failed oneOf is explained by its closest branch, the one with the fewest
// failures: for {"code":0} that is the success branch ("data" is missing),
// not the error envelope ("code" must not be 0, "message" is missing).
func Leaves(err error) []Leaf {
	if multi, ok := err.(openapi3.MultiError); ok {
		var out []Leaf
		for _, e := range multi {
			out = append(out, Leaves(e)...)
		}
		return out
	}
	var se *openapi3.SchemaError
	if !errors.As(err, &se) {
		return nil
	}
	if se.SchemaField == "oneOf" && se.Origin != nil {
		var branches openapi3.MultiError
		if errors.As(se.Origin, &branches) && len(branches) == len(se.Schema.OneOf) {
			best, bestIdx := []Leaf(nil), -1
			for i, b := range branches {
				ls := Leaves(b)
				if len(ls) > 0 && (bestIdx < 0 || len(ls) < len(best)) {
					best, bestIdx = ls, i
				}
			}
			if bestIdx >= 0 {
				name := branchName(se.Schema.OneOf[bestIdx])
				for i := range best {
					best[i].Message += " (closest oneOf branch: " + name + ")"
				}
				return best
			}
		}
	}
	if se.Origin != nil {
		if inner := Leaves(se.Origin); len(inner) > 0 {
			return inner
		}
	}
	p := "/" + strings.Join(se.JSONPointer(), "/")
	msg := se.Reason
	switch {
	case se.SchemaField == "enum" && se.Schema.Type != nil && !valueHasType(se.Value, se.Schema.Type):
		// kin-openapi checks enum before type; "must be an integer" says more
		// about "0" than "is not one of the allowed values [0]" does.
		msg = "value must be of type " + strings.Join(se.Schema.Type.Slice(), " or ")
	case se.SchemaField == "not" && se.Schema.Not != nil && se.Schema.Not.Value != nil && len(se.Schema.Not.Value.Enum) > 0:
		msg = fmt.Sprintf("value must not be any of %v", se.Schema.Not.Value.Enum)
	}
	msg = lowerFirst(msg)
	if msg == "" {
		msg = "does not match schema field " + se.SchemaField
	}
	return []Leaf{{Pointer: p, Message: msg}}
}

func branchName(ref *openapi3.SchemaRef) string {
	if ref.Ref != "" {
		return path.Base(ref.Ref)
	}
	if ref.Value != nil && ref.Value.Title != "" {
		return ref.Value.Title
	}
	return "inline schema"
}

// lowerFirst lowercases kin-openapi's occasional capital ("Value is not
// nullable"), so every message reads alike.
func lowerFirst(s string) string {
	if s == "" || s[0] < 'A' || s[0] > 'Z' || (len(s) > 1 && s[1] >= 'A' && s[1] <= 'Z') {
		return s
	}
	return string(s[0]+'a'-'A') + s[1:]
}

// valueHasType reports whether a decoded JSON value is of one of types.
func valueHasType(value any, types *openapi3.Types) bool {
	switch x := value.(type) {
	case nil:
		return types.Includes(openapi3.TypeNull)
	case bool:
		return types.Includes(openapi3.TypeBoolean)
	case float64:
		return types.Includes(openapi3.TypeNumber) || (types.Includes(openapi3.TypeInteger) && x == float64(int64(x)))
	case string:
		return types.Includes(openapi3.TypeString)
	case []any:
		return types.Includes(openapi3.TypeArray)
	case map[string]any:
		return types.Includes(openapi3.TypeObject)
	}
	return true
}

// Summary describes err, an error from kin-openapi's loader or from
// openapi3.T.Validate, on one line: the context kin-openapi gives (the path,
// the operation, the example), then each schema failure as its pointer and
// reason. Where the error holds no schema failure, that is its own message.
func Summary(err error) string {
	if multi, ok := err.(openapi3.MultiError); ok {
		parts := make([]string, 0, len(multi))
		for _, e := range multi {
			parts = append(parts, Summary(e))
		}
		return strings.Join(parts, "; ")
	}
	full := err.Error()
	var se *openapi3.SchemaError
	if !errors.As(err, &se) {
		return full
	}
	leaves := Leaves(err)
	parts := make([]string, 0, len(leaves))
	for _, l := range leaves {
		parts = append(parts, l.Pointer+": "+l.Message)
	}
	prefix := ""
	if i := strings.Index(full, se.Error()); i > 0 {
		prefix = full[:i]
	}
	return prefix + strings.Join(parts, "; ")
}
