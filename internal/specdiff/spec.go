package specdiff

import (
	"errors"
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oasdiff/oasdiff/checker"
	"github.com/oasdiff/oasdiff/diff"
	"github.com/oasdiff/oasdiff/load"
)

// SpecChange is one change between two specs, as oasdiff's checks describe
// it.
type SpecChange struct {
	// Severity is oasdiff's level for the check, or the one that
	// severityOverrides raises it to.
	Severity Severity `json:"severity"`
	// ID is oasdiff's check ID, such as "response-required-property-removed".
	ID string `json:"id"`
	// Text says what changed, in oasdiff's words.
	Text string `json:"text"`
	// Operation is the HTTP method of the operation concerned, or "" for a
	// change to the whole spec.
	Operation string `json:"operation"`
	// Path is the path of the operation concerned, or "".
	Path string `json:"path"`
	// Source is where the change is, as name:line:column in the new
	// document, or in the old one for what the new one no longer has; ""
	// when oasdiff does not know.
	Source string `json:"source,omitempty"`
}

// LoadError is returned by Spec when a document is not an OpenAPI 3
// document that kin-openapi can load.
type LoadError struct {
	// Name is the Document's name.
	Name string
	// Err says why it did not load: kin-openapi's error (not YAML, not
	// OpenAPI, a reference to another file), or that it has no
	// "openapi: 3.x".
	Err error
}

// Error names the document.
func (e *LoadError) Error() string { return e.Name + ": " + e.Err.Error() }

// Unwrap returns the loader's error.
func (e *LoadError) Unwrap() error { return e.Err }

// severityOverrides raises the level of the oasdiff checks that say less
// than ERR for a change that can break a client. Each entry says why;
// every other check keeps oasdiff's level. Response checks that oasdiff
// already rates ERR (a property's type changed, an enum value added to a
// response property, a required property removed) need no entry.
var severityOverrides = map[string]checker.Level{
	// oasdiff says WARN for any changed pattern, because it cannot compare
	// two regular expressions; but a changed pattern on a request
	// parameter can reject values that clients send today (for clusterId,
	// IDs of a kind the old pattern accepted), so it is treated as
	// breaking until someone has looked. A widening is then ERR too: the
	// cost of a false alarm on the one pattern that guards the request
	// path is small.
	checker.RequestParameterPatternChangedId: checker.ERR,
	checker.RequestPropertyPatternChangedId:  checker.ERR,
	// oasdiff says INFO for removing an optional response property, since
	// a client must cope with its absence anyway; but a client that reads
	// it gets nothing where it got a value, every time, and the Go field
	// it read goes away. Issue 9 makes any removed response property ERR.
	checker.ResponseOptionalPropertyRemovedId: checker.ERR,
	// A response property that becomes write-only is removed from every
	// response, which is the same break for a reader as the entry above;
	// oasdiff already says ERR when the property was required.
	checker.ResponseOptionalPropertyBecameWriteOnlyId: checker.ERR,
}

// Spec returns every change from old to new that oasdiff's
// backward-compatibility checks find, at every level, in oasdiff's order
// (the most serious first). It returns a *LoadError when either document
// cannot be loaded. References to other files or URLs are refused: the
// documents are data, and a spec under review must not make the tool read
// or fetch what it names.
func Spec(old, new Document) ([]SpecChange, error) {
	base, err := loadSpec(old)
	if err != nil {
		return nil, err
	}
	revision, err := loadSpec(new)
	if err != nil {
		return nil, err
	}
	d, sources, err := diff.GetWithOperationsSourcesMap(diff.NewConfig(), base, revision)
	if err != nil {
		return nil, fmt.Errorf("compare %s with %s: %w", old.Name, new.Name, err)
	}
	config := checker.NewConfig(checker.GetAllChecks(), checker.WithSeverityLevels(severityOverrides))
	found := checker.CheckBackwardCompatibilityUntilLevel(config, d, sources, checker.INFO)
	localize := checker.NewDefaultLocalizer()
	changes := make([]SpecChange, 0, len(found))
	for _, c := range found {
		changes = append(changes, SpecChange{
			Severity:  severityOf(c.GetLevel()),
			ID:        c.GetId(),
			Text:      c.GetUncolorizedText(localize),
			Operation: c.GetOperation(),
			Path:      c.GetPath(),
			Source:    sourceOf(c, old.Name, new.Name),
		})
	}
	return changes, nil
}

// loadSpec loads doc with a loader of its own, as oasdiff asks, so that two
// documents of the same name never share a cache entry. Origins are on, so
// that changes carry their line and column.
func loadSpec(doc Document) (*load.SpecInfo, error) {
	loader := openapi3.NewLoader()
	loader.IncludeOrigin = true
	info, err := load.NewSpecInfoFromData(loader, doc.Data, doc.Name)
	if err != nil {
		return nil, &LoadError{Name: doc.Name, Err: err}
	}
	// Any YAML mapping loads, and an empty one would read as "every
	// operation removed"; only an OpenAPI 3 document is a spec.
	if !strings.HasPrefix(info.Spec.OpenAPI, "3.") {
		return nil, &LoadError{Name: doc.Name, Err: errors.New("not an OpenAPI 3 document: it has no \"openapi: 3.x\" field")}
	}
	return info, nil
}

func severityOf(l checker.Level) Severity {
	switch {
	case l >= checker.ERR:
		return SeverityError
	case l == checker.WARN:
		return SeverityWarning
	}
	return SeverityInfo
}

// sourceOf is where c is: in the new document, or in the old one for what
// the new one has no place for. The file is named by the caller's name for
// the document, not by the origin's: kin-openapi records a name as a URL,
// escaped ("my%20specs/a.yaml") or cut at what reads as a scheme ("c:").
// A document refers to no other file (loadSpec refuses that), so every
// origin in it is in it.
func sourceOf(c checker.Change, oldName, newName string) string {
	s, name := c.GetRevisionSource(), newName
	if s == nil || s.Line == 0 {
		s, name = c.GetBaseSource(), oldName
	}
	if s == nil || s.Line == 0 {
		return ""
	}
	return fmt.Sprintf("%s:%d:%d", name, s.Line, s.Column)
}
