// Package specdiff says what changed between two versions of openapi.yaml,
// with a severity per change: in the spec itself, by oasdiff's
// backward-compatibility checks, and in the Go API that oapi-codegen
// generates from each version, by the Go team's apidiff.
//
// The two reports answer different questions, so neither overrules the
// other: a response property that becomes required is harmless on the wire
// (oasdiff says INFO) and still breaks every program that read it through a
// pointer (apidiff says incompatible, which is ERR here).
package specdiff

// Severity is how much a change matters to those who depend on the API.
type Severity string

// The severities, from the most to the least serious. They are oasdiff's
// three levels, spelled as its changelog spells them.
const (
	// SeverityError is a breaking change: a client or a program that
	// worked before the change may fail after it.
	SeverityError Severity = "ERR"
	// SeverityWarning is a change that may break some clients.
	SeverityWarning Severity = "WARN"
	// SeverityInfo is a change that breaks nothing, for the changelog.
	SeverityInfo Severity = "INFO"
)

// Document is one version of a file to compare: its bytes, and the name to
// show for it in reports and errors (a path, or a label such as
// "openapi.yaml@HEAD" for a version that lives only in git).
type Document struct {
	// Name is what reports and errors call the document, and the file
	// that a change's source names.
	Name string
	// Data is the document's bytes, YAML or JSON; it is only read.
	Data []byte
}
