package conformance

import (
	"fmt"
	"strings"
)

// Kind says where a Violation was found.
type Kind string

// The kinds of Violation.
const (
	// KindRequest is a request that the spec does not allow.
	KindRequest Kind = "request"
	// KindResponse is a response that the spec does not allow.
	KindResponse Kind = "response"
	// KindSemantic is an exchange that is well-formed but wrong: a response
	// that echoes another cluster ID, or a request without a Bearer key.
	KindSemantic Kind = "semantic"
)

// Pointers outside the body, as Violation.Pointer spells them. Callers that
// branch on where a violation is (the mock, the CLI) match these, never a
// string of their own.
const (
	// PointerAuthorization is the request's Authorization header.
	PointerAuthorization = "header/Authorization"
	// PointerContentType is the response's Content-Type header.
	PointerContentType = "header/Content-Type"
	// PointerContentLength is a recorded Content-Length header, or the
	// recorded content_length that go-vcr takes from it.
	PointerContentLength = "header/Content-Length"
	// PointerClusterID is the clusterId path parameter.
	PointerClusterID = "path/clusterId"
	// PointerQuery is the request's query string.
	PointerQuery = "query"
	// PointerMethod is the request's method, when no operation allows it on
	// the path; the response is then not checked.
	PointerMethod = "method"
	// PointerPath is the request's path, when no operation matches it; the
	// response is then not checked.
	PointerPath = "path"
	// PointerBody is the request's body, as a whole.
	PointerBody = "body"
	// PointerURL is the request's URL, as a whole: credentials in it.
	PointerURL = "url"
)

// Violation is one way an exchange departs from openapi.yaml. Its Message
// never echoes a secret: it is built from the validator's reasons, never from
// the raw value that failed.
type Violation struct {
	// Kind says whether the request, the response or the exchange as a whole
	// is at fault.
	Kind Kind `json:"kind"`
	// Pointer is a JSON pointer into the body ("/data/clusterId"), or one of
	// the Pointer constants for a location outside it. Empty when the
	// violation concerns the whole message.
	Pointer string `json:"pointer"`
	// Message says what is wrong.
	Message string `json:"message"`
	// Line is the line of the recording that holds what is wrong (the
	// header, the body, the status), from 1; 0 when it is not known, and
	// for live traffic. Result.Line is where the interaction starts.
	Line int `json:"line,omitempty"`
}

// String renders the violation on one line, as "kind pointer: message".
func (v Violation) String() string {
	if v.Pointer == "" {
		return fmt.Sprintf("%s: %s", v.Kind, v.Message)
	}
	return fmt.Sprintf("%s %s: %s", v.Kind, v.Pointer, v.Message)
}

// ViolationError is returned by a Transport in ModeEnforce when a request or
// a response breaks the spec. For a request, nothing was sent.
type ViolationError struct {
	// Method is the request's method.
	Method string
	// URL is the request's URL, without any password it held.
	URL string
	// StatusCode is the response status, or 0 when the request itself was
	// refused.
	StatusCode int
	// Violations lists every departure found, never empty.
	Violations []Violation
}

// ViolatesSpec reports true: the exchange took place, and what it held
// broke the spec. It lets code that cannot import this package, the front
// door among it, tell an answer refused for breaking the spec, which says
// what the server did, from an answer that was lost on the way.
func (e *ViolationError) ViolatesSpec() bool { return true }

// Error lists every violation on one line, after what was refused.
func (e *ViolationError) Error() string {
	var b strings.Builder
	if e.StatusCode == 0 {
		fmt.Fprintf(&b, "conformance: request %s %s refused before sending: ", e.Method, e.URL)
	} else {
		fmt.Fprintf(&b, "conformance: response %d to %s %s breaks the spec: ", e.StatusCode, e.Method, e.URL)
	}
	for i, v := range e.Violations {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(v.String())
	}
	return b.String()
}

// Result is the verdict on one exchange: a recorded interaction, a live probe
// or a call through a Transport. Its JSON form is the gate's report format.
type Result struct {
	// File is the cassette the interaction came from; empty for live traffic.
	File string `json:"file"`
	// ID is the interaction's id within its cassette.
	ID int `json:"id"`
	// Line is the line of File that the interaction starts on, from 1; 0
	// for live traffic.
	Line int `json:"line,omitempty"`
	// Method is the request's method.
	Method string `json:"method"`
	// URL is the request's URL; in reports from cassettes, query values
	// show as REDACTED.
	URL string `json:"url"`
	// StatusCode is the response status, 0 when there was no response.
	StatusCode int `json:"status"`
	// OK is true when Violations is empty.
	OK bool `json:"ok"`
	// Violations lists what is wrong; empty, never nil, in reports.
	Violations []Violation `json:"violations"`
	// Notices lists findings that do not fail the interaction (traffic
	// that the spec does not declare, under --ignore-undeclared).
	Notices []Violation `json:"notices,omitempty"`
	// Exchange is the interaction's request and response as recorded,
	// redacted, for the reports that show them; the gate sets it for
	// failing interactions only. The JSON report leaves it out: it is for
	// people, and every program that reads the report has the cassette.
	Exchange *RecordedExchange `json:"-"`
	// Exercised is what the exchange exercised of the spec, for coverage;
	// the gate fills it for recorded traffic. It is not in the JSON report
	// yet, as its golden file would change.
	Exercised Exercised `json:"-"`
}
