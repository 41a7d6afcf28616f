package conformance

import (
	"errors"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/zcdrop/zcdrop/internal/schemaerr"
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
		if leaves := schemaerr.Leaves(cause); len(leaves) > 0 {
			out := make([]Violation, 0, len(leaves))
			for _, l := range leaves {
				p := l.Pointer
				if where != "" && where != PointerBody {
					p = where // A parameter's value has no inner structure.
				}
				out = append(out, Violation{Kind: kind, Pointer: p, Message: l.Message})
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
