package speclint

import (
	"context"
	"errors"
	"reflect"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"
)

// validate applies kin-openapi's own validation (zc000), every check on,
// and each independent error reported where kin-openapi allows it.
//
// Two kinds of kin-openapi error are left to the rules that own them and
// say more: an example that breaks its schema (zc005, which checks every
// example where kin-openapi stops at a media type's first, and names the
// place inside the value), and a pattern that Go cannot compile (zc006,
// which says why).
func (l *linter) validate(ctx context.Context, doc *openapi3.T) {
	err := doc.Validate(ctx,
		openapi3.EnableExamplesValidation(),
		openapi3.EnableSchemaPatternValidation(),
		openapi3.EnableMultiError())
	for _, e := range leaves(err) {
		if _, ok := errors.AsType[*openapi3.ExampleViolatesSchema](e); ok {
			continue
		}
		if _, ok := errors.AsType[*openapi3.SchemaPatternRegexError](e); ok {
			continue
		}
		p, located := l.locate(e)
		l.addAt(RuleValid, p, oneLine(describe(located)))
	}
}

// leaves returns the independent errors that Validate returned: those of
// its MultiError, or its error alone. A MultiError deeper in an error's
// chain is that error's detail (a oneOf's branches), not another error.
func leaves(err error) []error {
	me, ok := err.(openapi3.MultiError)
	if !ok {
		if err == nil {
			return nil
		}
		return []error{err}
	}
	var all []error
	for _, e := range me {
		all = append(all, leaves(e)...)
	}
	return all
}

var originType = reflect.TypeFor[*openapi3.Origin]()

// locate returns where in the document err arose, and the error in its
// chain that is about that place, whose message is to be shown: the
// chain's wrappers above it only say where, which the place says better.
//
// The place is, best first: the JSON pointer that the innermost error
// gives (kin-openapi's undefined security scheme does); the innermost
// element that records its origin, unless that is the whole document; the
// section, path, operation or component that the chain's context names;
// the document's first line.
func (l *linter) locate(err error) (position, error) {
	var located error
	var at *position
	for e := err; e != nil; e = errors.Unwrap(e) {
		if _, ok := e.(*openapi3.SchemaError); ok {
			break // Its Origin is the error it came from, not a place.
		}
		v := structOf(e)
		if !v.IsValid() {
			continue
		}
		if f := v.FieldByName("JSONPointer"); f.IsValid() && f.Kind() == reflect.String {
			if p, ok := l.pos.lookup(f.String()); ok {
				located, at = e, &p
				continue
			}
		}
		if loc := originOf(v); loc != nil {
			located, at = e, &position{loc.Line, loc.Column}
		}
	}
	if located == nil {
		return l.pos.at(contextPointer(err)), err
	}
	return *at, located
}

// structOf returns the struct that e is or points to, or the zero Value.
func structOf(e error) reflect.Value {
	v := reflect.ValueOf(e)
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return reflect.Value{}
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return reflect.Value{}
	}
	return v
}

// originOf returns the location of the key of the element that the error
// v is about, if v has one, and if it is not the whole document's, which
// has no name and says only "somewhere in the file". kin-openapi's error
// types each carry an Origin field of their own, so it is read by
// reflection.
func originOf(v reflect.Value) *openapi3.Location {
	f := v.FieldByName("Origin")
	if !f.IsValid() || f.Type() != originType || f.IsNil() {
		return nil
	}
	if key := f.Interface().(*openapi3.Origin).Key; key != nil && key.Name != "" && key.Line > 0 {
		return key
	}
	return nil
}

// componentSections maps the component kinds that kin-openapi's errors
// name to their members of components.
var componentSections = map[string]string{
	"schema": "schemas", "parameter": "parameters", "header": "headers",
	"request body": "requestBodies", "response": "responses",
	"security scheme": "securitySchemes", "example": "examples",
	"link": "links", "callback": "callbacks",
}

// sectionKeys maps the document sections that kin-openapi's errors name to
// their keys.
var sectionKeys = map[string]string{
	"components": "components", "info": "info", "paths": "paths",
	"security": "security", "servers": "servers", "tags": "tags",
	"external docs": "externalDocs", "webhooks": "webhooks",
}

// contextPointer returns the pointer of the deepest section, path,
// operation or component that err's context names: where an error
// without a location of its own is put.
func contextPointer(err error) string {
	ptr := ""
	for e := err; e != nil; e = errors.Unwrap(e) {
		switch c := e.(type) {
		case *openapi3.SectionValidationError:
			ptr = pointer("", sectionKeys[c.Section])
		case *openapi3.PathValidationError:
			ptr = pointer("/paths", c.Path)
		case *openapi3.OperationValidationError:
			ptr = pointer(ptr, strings.ToLower(c.Method))
		case *openapi3.ComponentValidationError:
			ptr = pointer("/components", componentSections[c.Section], c.Name)
		}
	}
	return ptr
}

// describe renders err in one line. kin-openapi's SchemaError prints the
// whole schema and the value; here it is its place and its reason only.
// A wrapper's own words are kept where its message is its words followed
// by its cause's.
func describe(err error) string {
	switch e := err.(type) {
	case *openapi3.SchemaError:
		return failureOf(e).String()
	case openapi3.MultiError:
		parts := make([]string, len(e))
		for i, sub := range e {
			parts[i] = describe(sub)
		}
		return strings.Join(parts, "; ")
	}
	inner := errors.Unwrap(err)
	if inner == nil {
		return err.Error()
	}
	if words, ok := strings.CutSuffix(err.Error(), inner.Error()); ok {
		return words + describe(inner)
	}
	return describe(inner)
}

// loadFailed reports why kin-openapi could not load the document: each
// field that has the wrong type, and what else the YAML decoder refuses,
// at its line; or a reference that leads nowhere, at the reference.
func (l *linter) loadFailed(err error, root *yaml.Node) {
	if le, ok := errors.AsType[*yaml.LoadErrors](err); ok {
		for _, e := range le.Errors {
			// A decoder that gives up (on aliases that would expand the
			// document beyond reason) puts its error at the document, and
			// wraps the error that has the place.
			for {
				inner, ok := errors.AsType[*yaml.LoadError](e.Unwrap())
				if !ok {
					break
				}
				e = inner
			}
			l.addAt(RuleValid, markPosition(e.Mark), "cannot load: "+oneLine(e.Message))
		}
		return
	}
	msg := strings.TrimPrefix(err.Error(), "failed to unmarshal data: ")
	l.addAt(RuleValid, refQuotedIn(msg, root, l.pos.at("")), "cannot load: "+oneLine(msg))
}

// markPosition is where a YAML error's mark is, or the first line when it
// has none.
func markPosition(m yaml.Mark) position {
	return position{max(m.Line, 1), max(m.Column, 1)}
}

// refQuotedIn returns where the first $ref whose value msg quotes is
// written: kin-openapi names a reference it cannot resolve by its value,
// not by its place. It returns fallback when msg quotes none.
func refQuotedIn(msg string, root *yaml.Node, fallback position) position {
	var found *yaml.Node
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		for i, c := range n.Content {
			if found != nil {
				return
			}
			if n.Kind == yaml.MappingNode && i%2 == 1 && n.Content[i-1].Value == "$ref" &&
				c.Kind == yaml.ScalarNode && strings.Contains(msg, `"`+c.Value+`"`) {
				found = n.Content[i-1]
				return
			}
			walk(c)
		}
	}
	walk(root)
	if found == nil {
		return fallback
	}
	return position{found.Line, found.Column}
}
