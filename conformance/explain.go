package conformance

import (
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// toViolations turns what kin-openapi reports into violations. It reads the
// errors' Reason fields rather than their Error strings, because those print
// the offending value, which may be a secret.
func toViolations(kind Kind, err error) []Violation {
	if multi, ok := err.(openapi3.MultiError); ok {
		var out []Violation
		for _, e := range multi {
			out = append(out, toViolations(kind, e)...)
		}
		return out
	}
	var reqErr *openapi3filter.RequestError
	if errors.As(err, &reqErr) {
		where := ""
		if p := reqErr.Parameter; p != nil {
			where = p.In + "/" + p.Name
		} else if reqErr.RequestBody != nil || strings.Contains(reqErr.Reason, "request body") ||
			(reqErr.Err != nil && strings.Contains(reqErr.Err.Error(), "request body")) {
			// An operation without a body reports one with neither a
			// RequestBody nor a Reason, only Err.
			where = PointerBody
		}
		return explainCause(kind, where, reqErr.Reason, reqErr.Err)
	}
	var resErr *openapi3filter.ResponseError
	if errors.As(err, &resErr) {
		reason := resErr.Reason
		if reason == "failed to decode response body" {
			reason = "body is not valid JSON"
		}
		return explainCause(kind, "", reason, resErr.Err)
	}
	return explainCause(kind, "", "", err)
}

// explainCause renders reason and the error beneath it as violations. Schema
// errors become one violation per failing leaf, each with its JSON pointer.
func explainCause(kind Kind, where, reason string, cause error) []Violation {
	if cause != nil {
		if leaves := schemaLeaves(cause); len(leaves) > 0 {
			out := make([]Violation, 0, len(leaves))
			for _, l := range leaves {
				p := l.pointer
				if where != "" && where != PointerBody {
					p = where // A parameter's value has no inner structure.
				}
				out = append(out, Violation{Kind: kind, Pointer: p, Message: l.message})
			}
			return out
		}
	}
	msg := reason
	if cause != nil {
		if c := safeError(cause); c != "" && c != reason {
			if msg != "" {
				msg += ": "
			}
			msg += c
		}
	}
	if msg == "" {
		msg = "does not conform"
	}
	return []Violation{{Kind: kind, Pointer: where, Message: msg}}
}

// safeError describes err without the raw values that kin-openapi's own
// messages include.
func safeError(err error) string {
	var pe *openapi3filter.ParseError
	if errors.As(err, &pe) {
		parts := []string{}
		if pe.Reason != "" {
			parts = append(parts, pe.Reason)
		}
		if pe.Cause != nil {
			parts = append(parts, safeError(pe.Cause))
		}
		return strings.Join(parts, ": ")
	}
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		return se.Reason
	}
	return err.Error()
}

type leaf struct {
	pointer string
	message string
}

// schemaLeaves flattens a schema error into the failures a reader can act on.
// A failed oneOf is explained by its closest branch, the one with the fewest
// failures: for {"code":0} that is the success branch ("data" is missing),
// not the error envelope ("code" must not be 0, "message" is missing).
func schemaLeaves(err error) []leaf {
	if multi, ok := err.(openapi3.MultiError); ok {
		var out []leaf
		for _, e := range multi {
			out = append(out, schemaLeaves(e)...)
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
			best, bestIdx := []leaf(nil), -1
			for i, b := range branches {
				ls := schemaLeaves(b)
				if len(ls) > 0 && (bestIdx < 0 || len(ls) < len(best)) {
					best, bestIdx = ls, i
				}
			}
			if bestIdx >= 0 {
				name := branchName(se.Schema.OneOf[bestIdx])
				for i := range best {
					best[i].message += " (closest oneOf branch: " + name + ")"
				}
				return best
			}
		}
	}
	if se.Origin != nil {
		if inner := schemaLeaves(se.Origin); len(inner) > 0 {
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
	return []leaf{{pointer: p, message: msg}}
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
