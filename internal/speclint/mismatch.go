package speclint

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// failure is one way in which a value breaks a schema: where in the value,
// and why. It never holds the schema, which kin-openapi's own message
// prints whole.
type failure struct {
	// path is the JSON pointer's tokens, unescaped, from the value's root.
	path []string
	// keyword is the schema keyword that failed: "required", "enum"...
	keyword string
	reason  string
}

// failureOf reads a kin-openapi SchemaError. A missing property is put at
// the object that lacks it, which is where it has to be added.
func failureOf(e *openapi3.SchemaError) failure {
	path := e.JSONPointer()
	if e.SchemaField == "required" && len(path) > 0 {
		path = path[:len(path)-1]
	}
	reason := e.Reason
	if reason == "" {
		reason = fmt.Sprintf("violates %q", e.SchemaField)
	}
	return failure{path: path, keyword: e.SchemaField, reason: reason}
}

// pointer is the failure's place in the value, "" for the value itself.
func (f failure) pointer() string { return pointer("", f.path...) }

// String is the failure's place, if not the whole value, and its reason.
func (f failure) String() string {
	if p := f.pointer(); p != "" {
		return p + ": " + f.reason
	}
	return f.reason
}

// mismatches returns how value breaks s, one failure each, or nil when it
// does not. Where a oneOf or an anyOf matches no branch, the failures are
// those of the branch the value comes closest to (see closestBranch),
// rather than every branch's. A pattern that Go cannot compile is left to
// zc006.
func mismatches(s *openapi3.Schema, value any, opts []openapi3.SchemaValidationOption) []failure {
	var out []failure
	for _, se := range schemaErrors(s.VisitJSON(value, opts...)) {
		switch {
		case se.SchemaField == "oneOf" || se.SchemaField == "anyOf":
			out = append(out, branchFailures(se, opts)...)
		case se.SchemaField == "pattern" && se.Schema != nil && compilePattern(se.Schema.Pattern) != nil:
		default:
			out = append(out, failureOf(se))
		}
	}
	return out
}

// schemaErrors returns the outermost SchemaErrors in err.
func schemaErrors(err error) []*openapi3.SchemaError {
	switch e := err.(type) {
	case nil:
		return nil
	case *openapi3.SchemaError:
		return []*openapi3.SchemaError{e}
	case openapi3.MultiError:
		var all []*openapi3.SchemaError
		for _, sub := range e {
			all = append(all, schemaErrors(sub)...)
		}
		return all
	}
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		return []*openapi3.SchemaError{se}
	}
	return nil
}

// branch is one branch of a oneOf or anyOf, and how the value breaks it.
type branch struct {
	name     string
	failures []failure
}

// branchFailures explains a oneOf or anyOf that se says the value at its
// place does not satisfy: it matches more than one branch of a oneOf, or
// none, and then the closest branch's failures are the value's.
func branchFailures(se *openapi3.SchemaError, opts []openapi3.SchemaValidationOption) []failure {
	at := failureOf(se)
	refs := se.Schema.OneOf
	if se.SchemaField == "anyOf" {
		refs = se.Schema.AnyOf
	}
	var matched []string
	var missed []branch
	for i, ref := range refs {
		if ref == nil || ref.Value == nil {
			continue
		}
		name := fmt.Sprintf("#%d", i)
		if ref.Ref != "" {
			name = refName(ref.Ref)
		}
		if fs := mismatches(ref.Value, se.Value, opts); len(fs) > 0 {
			missed = append(missed, branch{name, fs})
		} else {
			matched = append(matched, name)
		}
	}
	switch {
	case len(matched) > 1:
		at.reason = fmt.Sprintf("matches %d branches of %s (%s); it must match exactly one", len(matched), se.SchemaField, strings.Join(matched, ", "))
		return []failure{at}
	case len(matched) == 1 || len(missed) == 0:
		// Not the branches' own failures, then (a discriminator that
		// picks another branch, say): kin-openapi's reason says what.
		return []failure{at}
	}
	best := closestBranch(missed)
	out := make([]failure, len(best.failures))
	for i, f := range best.failures {
		f.path = append(slices.Clip(at.path), f.path...)
		f.reason += fmt.Sprintf(" (closest %s branch: %s)", se.SchemaField, best.name)
		out[i] = f
	}
	return out
}

// closestBranch picks the branch that the value was meant for. A branch
// that the value's discriminating members rule out (a code outside an enum,
// or inside a "not") is the wrong branch however few its other failures:
// DropClusterResult's success and envelope are told apart by code. Among
// the rest, the one with the fewest failures wins, the first on a tie.
func closestBranch(bs []branch) branch {
	score := func(b branch) (ruledOut, total int) {
		for _, f := range b.failures {
			switch f.keyword {
			case "enum", "const", "not":
				ruledOut++
			case "type":
				if len(f.path) == 0 {
					ruledOut++
				}
			}
		}
		return ruledOut, len(b.failures)
	}
	best := bs[0]
	for _, b := range bs[1:] {
		r1, t1 := score(b)
		r0, t0 := score(best)
		if r1 < r0 || (r1 == r0 && t1 < t0) {
			best = b
		}
	}
	return best
}
