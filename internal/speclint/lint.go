package speclint

import (
	"cmp"
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"
)

// The severities of problems. An error is a spec that is wrong: each such
// rule guards something the client, the gate or their users rely on. A
// warning is a spec that is right but ahead of the Go client (zc012: a code
// without a sentinel still reaches callers as an *APIError); make test runs
// spec lint with --strict, which fails on warnings too, so that the client
// catches up before the change lands.
const (
	SeverityError   = "error"
	SeverityWarning = "warning"
)

// Config holds what the rules need to know from outside the spec. Its zero
// value checks the spec on its own: no servers are required, and no code
// needs a sentinel.
type Config struct {
	// Servers are the URLs that the spec's servers must list (zc010).
	Servers []string
	// HasSentinel reports whether the client has a sentinel error for a
	// business code (zc012); nil skips that rule. The linter takes a
	// function rather than importing the client, so that it stays a leaf.
	HasSentinel func(code int) bool
}

// Problem is one thing wrong with the spec, located as a compiler locates
// an error.
type Problem struct {
	// File is the spec's path, as Lint was given it.
	File string `json:"file"`
	// Line and Column are where the problem is, 1-based. When the document
	// lacks what a rule asks for, they point at the member that should
	// hold it.
	Line   int `json:"line"`
	Column int `json:"column"`
	// Severity is SeverityError or SeverityWarning, as the rule's.
	Severity string `json:"severity"`
	// Rule is the ID of the rule that found the problem (see Rules).
	Rule string `json:"rule"`
	// Message says what is wrong, in one line. It quotes the spec's own
	// text (names, patterns, example values' places), never a whole schema.
	Message string `json:"message"`
	// Pointer is the JSON pointer (RFC 6901) of the place in the document,
	// when the rule knows it; problems that kin-openapi reports (zc000)
	// have only a line and column.
	Pointer string `json:"pointer,omitempty"`
}

// InputError is returned by Lint for data that is not an OpenAPI 3
// document at all: not YAML (or JSON), empty, not a mapping, or without an
// openapi field of 3.x. No rule applies to such data.
type InputError struct {
	// File is the path Lint was given.
	File string
	// Reason says what the data is instead.
	Reason string
}

// Error names the file and what is wrong with it.
func (e *InputError) Error() string { return e.File + ": " + e.Reason }

// Lint checks the OpenAPI 3 document data, read from path, against every
// rule in Rules and returns the problems found, sorted by position. A
// document that kin-openapi cannot load gets only its zc000 problems: the
// other rules need the loaded document. Lint returns an *InputError for
// data that is no OpenAPI 3 document, and ctx's error if ctx is done
// before it starts.
//
// References must be local ("#/..."): kin-openapi's loader, left at its
// default, refuses to read other files or URLs that a spec names. A
// document whose JSON Schema URIs name files gets only its zc000 problems
// for them (see FileURIs), and is not loaded; so does one whose pointers
// would cost too much to check (see maxPointerBytes).
func Lint(ctx context.Context, path string, data []byte, cfg Config) ([]Problem, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	root, err := parseDocument(path, data)
	if err != nil {
		return nil, err
	}
	l := &linter{file: path, pos: indexPositions(root)}
	if at := l.pos.tooLong; at != nil {
		l.addAt(RuleValid, *at, fmt.Sprintf("the document nests too deep, or under names too long, to be checked: from here on, the JSON pointers of its members come to more than %d MiB", maxPointerBytes>>20))
		return l.sorted(), nil
	}
	if l.reportFileURIs(root) {
		return l.sorted(), nil
	}
	doc, err := load(ctx, path, data)
	if err != nil {
		l.loadFailed(err, root)
		return l.sorted(), nil
	}
	l.validate(ctx, doc)
	s := collectSites(doc)
	l.operations(s)
	l.examples(ctx, doc, s)
	l.patterns(s)
	l.envelope(s)
	l.errorCodes(root, cfg.HasSentinel)
	l.servers(doc, cfg.Servers)
	return l.sorted(), nil
}

// parseDocument parses data into a YAML node tree, and refuses what is not
// an OpenAPI 3 document.
func parseDocument(path string, data []byte) (*yaml.Node, error) {
	var doc yaml.Node
	// Unmarshal, unlike Load, finds an empty document in an empty file
	// rather than failing.
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &InputError{File: path, Reason: "not YAML or JSON: " + oneLine(err.Error())}
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, &InputError{File: path, Reason: "is empty, not an OpenAPI document"}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, &InputError{File: path, Reason: "not an OpenAPI document: its top level is not a mapping"}
	}
	version := mappingValue(root, "openapi")
	switch {
	case version == nil && mappingValue(root, "swagger") != nil:
		return nil, &InputError{File: path, Reason: "is Swagger (OpenAPI 2); spec lint reads OpenAPI 3 only"}
	case version == nil:
		return nil, &InputError{File: path, Reason: "not an OpenAPI document: it has no openapi field"}
	case version.Kind != yaml.ScalarNode || !strings.HasPrefix(version.Value, "3."):
		return nil, &InputError{File: path, Reason: fmt.Sprintf("line %d: openapi is %q; spec lint reads OpenAPI 3 only", version.Line, version.Value)}
	}
	return root, nil
}

// load loads data as kin-openapi does for every other command, recording
// where each element sits.
func load(ctx context.Context, path string, data []byte) (*openapi3.T, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	loader := openapi3.NewLoader()
	loader.Context = ctx
	loader.IncludeOrigin = true
	// The location is where relative references would resolve; the loader
	// allows none by default.
	return loader.LoadFromDataWithPath(data, &url.URL{Path: filepath.ToSlash(abs)})
}

// uriKeywords are the JSON Schema keywords whose value is a URI that the
// validator of OpenAPI 3.1 examples resolves (see FileURIs).
var uriKeywords = map[string]bool{"$schema": true, "$id": true, "$ref": true, "$dynamicRef": true}

// FileURI is a member of a document that names a file URI where the
// validator of OpenAPI 3.1 examples would load it (see FileURIs).
type FileURI struct {
	// Line and Column are where the member's key is, 1-based.
	Line, Column int
	// Keyword is the member's key, such as "$schema", and URI its value.
	Keyword, URI string
}

// FileURIs returns each member of the YAML (or JSON) document data that is
// a JSON Schema $schema, $id, $ref or $dynamicRef and names a file URI,
// in the order they are written; data that is not YAML has none. The
// validator that kin-openapi uses for OpenAPI 3.1 examples
// (santhosh-tekuri/jsonschema) loads such a URI from the disk, so a
// document that has one must not have its examples validated: a spec under
// review could make the tool read any file, or block for good on a FIFO or
// a terminal.
func FileURIs(data []byte) []FileURI {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil {
		return nil
	}
	return fileURIs(&doc)
}

// fileURIs is FileURIs on a parsed document. Aliases are resolved where
// they are used, and not followed further: what they point at is checked
// where it is written.
func fileURIs(root *yaml.Node) []FileURI {
	var found []FileURI
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		for i, c := range n.Content {
			if n.Kind == yaml.MappingNode && i%2 == 1 {
				key, value := resolveAlias(n.Content[i-1]), resolveAlias(c)
				if uriKeywords[key.Value] && value.Kind == yaml.ScalarNode && isFileURI(value.Value) {
					found = append(found, FileURI{n.Content[i-1].Line, n.Content[i-1].Column, key.Value, value.Value})
				}
			}
			walk(c)
		}
	}
	walk(root)
	return found
}

// reportFileURIs reports, as zc000 problems, each member of the document
// under root that names a file URI (see FileURIs), and says whether there
// was one: such a document is not loaded.
func (l *linter) reportFileURIs(root *yaml.Node) bool {
	found := fileURIs(root)
	for _, f := range found {
		l.addAt(RuleValid, position{f.Line, f.Column},
			oneLine(fmt.Sprintf("%s names a file (%q); spec lint reads no file but the one it checks", f.Keyword, f.URI)))
	}
	return len(found) > 0
}

// isFileURI reports whether s is a URI of the file scheme, in any case.
func isFileURI(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "file"
}

// resolveAlias returns the node that n names if n is an alias, else n.
func resolveAlias(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return n.Alias
	}
	return n
}

// mappingValue returns the value of key in mapping n, or nil.
func mappingValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// linter collects the problems of one document.
type linter struct {
	file     string
	pos      positions
	problems []Problem
}

// add records a problem of rule at the place ptr names.
func (l *linter) add(rule, ptr, format string, args ...any) {
	p := l.pos.at(ptr)
	l.problems = append(l.problems, Problem{
		File: l.file, Line: p.line, Column: p.column, Severity: severity(rule),
		Rule: rule, Message: fmt.Sprintf(format, args...), Pointer: ptr,
	})
}

// addAt records a problem of rule at a line and column that kin-openapi or
// the YAML parser gave.
func (l *linter) addAt(rule string, p position, message string) {
	l.problems = append(l.problems, Problem{
		File: l.file, Line: p.line, Column: p.column, Severity: severity(rule),
		Rule: rule, Message: message,
	})
}

// sorted returns the problems by position, then rule and message, each
// once: kin-openapi reports a component's error once for every place that
// uses it.
func (l *linter) sorted() []Problem {
	slices.SortFunc(l.problems, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column),
			strings.Compare(a.Rule, b.Rule), strings.Compare(a.Message, b.Message))
	})
	return slices.Compact(l.problems)
}

// oneLine flattens s to one line, and cuts it at 240 runes: a message
// quotes what a file holds, which may be long.
func oneLine(s string) string {
	const limit = 240
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > limit {
		s = string(r[:limit-1]) + "…"
	}
	return s
}
