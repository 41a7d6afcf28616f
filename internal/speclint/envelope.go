package speclint

import (
	"mime"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// envelopeRef is the shared error envelope, {"code","message"}, that the
// client decodes every error from.
const envelopeRef = "#/components/schemas/ErrorEnvelope"

// envelope checks that every error response uses the shared envelope
// (zc007): the JSON of each response whose status is not 2XX is a $ref to
// it, and the JSON of each 2XX response has it as a oneOf branch, because
// business errors come on HTTP 200. Content that is not JSON is exempt: a
// gateway's HTML error page has no envelope to give.
func (l *linter) envelope(s *sites) {
	for _, r := range s.responses {
		if r.status == "" {
			continue // A component that no operation uses has no status.
		}
		for _, name := range sortedKeys(r.value.Content) {
			if !isJSON(name) {
				continue
			}
			ref := r.value.Content[name].Schema
			schemaPtr := pointer(r.ptr, "content", name, "schema")
			if !strings.HasPrefix(r.status, "2") {
				if ref == nil || ref.Ref != envelopeRef {
					l.add(RuleErrorEnvelope, schemaPtr, "error response %s %s does not use the shared envelope: its schema must be $ref: '%s'", r.label, name, envelopeRef)
				}
				continue
			}
			if !hasBranch(ref, envelopeRef) {
				at := schemaPtr
				if ref != nil {
					at = pointer(refPointer(ref.Ref, schemaPtr), "oneOf")
				}
				l.add(RuleErrorEnvelope, at, "response %s %s can carry a business error, but its schema has no oneOf branch $ref: '%s'", r.label, name, envelopeRef)
			}
		}
	}
}

// hasBranch reports whether the schema ref names is a oneOf with a branch
// that is a $ref to target.
func hasBranch(ref *openapi3.SchemaRef, target string) bool {
	if ref == nil || ref.Value == nil {
		return false
	}
	for _, b := range ref.Value.OneOf {
		if b != nil && b.Ref == target {
			return true
		}
	}
	return false
}

// isJSON reports whether a media type is JSON: application/json or a
// +json type.
func isJSON(name string) bool {
	t, _, err := mime.ParseMediaType(name)
	if err != nil {
		t = strings.ToLower(name)
	}
	return t == "application/json" || strings.HasSuffix(t, "+json")
}
