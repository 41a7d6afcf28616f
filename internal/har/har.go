// Package har reads and writes HAR 1.2 files (HTTP Archive,
// http://www.softwareishard.com/blog/har-12-spec/) as go-vcr interactions,
// so that the conformance gate checks a HAR entry as it checks a recorded
// cassette interaction, and zcdrop record convert turns one format into the
// other.
//
// # Reading
//
// Each streams a HAR file's entries one at a time, never holding the whole
// file: the document is walked with encoding/json's Decoder Token API, and
// each entry is decoded alone, within Limits. It hands each entry over as
// the *vcr.Interaction that go-vcr would have recorded for the exchange,
// with the 1-based line where the entry starts. Looks tells a HAR file from
// a YAML cassette by its first bytes.
//
// What go-vcr records is read from the HAR fields that say it:
//   - method, url and httpVersion ("h2" and "h3" read as HTTP/2.0 and
//     HTTP/3.0); the request's host is its Host header, else its
//     ":authority", else the URL's host;
//   - headers, as named and in order, without pseudo-headers (":path"),
//     which go-vcr never records; Host and Transfer-Encoding, which net/http
//     keeps out of the header map, go to their own fields;
//   - bodies from postData.text and content.text, decoded when their
//     encoding is "base64";
//   - the request's form, as net/http parses it from the query and, for a
//     POST, PUT or PATCH of application/x-www-form-urlencoded, the body;
//   - the response's status and statusText (a missing text is the
//     standard one, as net/http's HTTP/2 transport writes it);
//   - the response's length: its Content-Length header, else bodySize where
//     that is the body's length, else -1, unknown (0 where HTTP allows no
//     body); the request's is its body's;
//   - a response with a Content-Encoding other than identity reads as one
//     that net/http decompressed (uncompressed: true, no Content-Encoding or
//     Content-Length header): HAR tools record the decoded text;
//   - the entry's time, in milliseconds, as the response's duration.
//
// Entries are taken in the file's order, which is the order the gate's
// lifecycle rules read, never sorted by startedDateTime. Other fields
// (cookies, which the headers repeat, queryString, which the URL holds,
// timings, cache, pages) are ignored, as are members HAR does not define.
//
// # Writing
//
// A Writer writes interactions as a HAR 1.2 document whose creator is
// "zcdrop". What a HAR field cannot say of an interaction (a content_length
// that is not the body's, trailers, uncompressed, a status line of its own,
// and the like) is written in a "_vcr" member of the request or response,
// as HAR allows custom members whose names start with "_", and only where
// the HAR fields alone would be read otherwise: reading what a Writer wrote
// gives back the interactions written, numbered by their place in the file.
package har

import (
	"fmt"
	"strings"
)

// Version is the HAR version that a Writer writes.
const Version = "1.2"

// CreatorName is the creator that a Writer names.
const CreatorName = "zcdrop"

// Limits bounds what Each reads from one HAR file. Past any of them the file
// is unreadable (*Error), and Each stops. The zero Limits reads nothing; use
// DefaultLimits.
type Limits struct {
	// FileBytes caps the bytes read from the file: the bound on the whole
	// file's text, since decoded text is never longer than the JSON that
	// holds it.
	FileBytes int64
	// EntryBytes caps the bytes of one entry as written in the file, from
	// its "{" to its "}", and of any other single value of the document.
	EntryBytes int64
	// Entries caps the entries of one file.
	Entries int
	// Depth caps how deeply objects and arrays nest, the document's own
	// object counting as 1.
	Depth int
}

// The default budget. The gate reads HAR files from pull requests, so a file
// may be written to exhaust it.
const (
	// DefaultFileBytes caps a HAR file at 64 MiB, the conformance gate's
	// budget for a whole corpus: a HAR file is a corpus in one file.
	DefaultFileBytes = 64 << 20
	// DefaultEntryBytes caps one entry at 8 MiB. The gate judges bodies of
	// up to 1 MiB each way (the Recorder's DefaultMaxBodyBytes); JSON
	// escapes at most double a body of quotes and backslashes, and base64
	// makes one a third larger, so an entry with two such bodies fits
	// twice over. A body that is larger is still read, up to this cap, so
	// that the gate reports it as too large instead of refusing the file.
	DefaultEntryBytes = 8 << 20
	// DefaultEntries caps a file at 100,000 entries, the gate's budget of
	// interactions for a whole corpus.
	DefaultEntries = 100_000
	// DefaultDepth caps nesting at 128 levels. HAR's own members nest 7
	// deep (a header, in a request, in an entry, in log.entries, in log,
	// in the document); browsers add async call stacks under _initiator,
	// whose chain DevTools cuts at 32 parents.
	DefaultDepth = 128
)

// DefaultLimits returns the default budget: DefaultFileBytes,
// DefaultEntryBytes, DefaultEntries and DefaultDepth.
func DefaultLimits() Limits {
	return Limits{FileBytes: DefaultFileBytes, EntryBytes: DefaultEntryBytes, Entries: DefaultEntries, Depth: DefaultDepth}
}

// Error is returned by Each for a file that is not a HAR file it can read:
// not JSON, not one HAR 1.1 or 1.2 document, a field of the wrong type or
// given twice, a body that is not the base64 its encoding says, or a file
// over its Limits. It quotes nothing of the file that looks like a key
// (see redact.HasKeyToken).
type Error struct {
	// Line is the 1-based line of the fault.
	Line int
	// Entry is the index in log.entries of the entry at fault, or -1 when
	// the fault is outside every entry.
	Entry int
	// EntryLine is the line where that entry starts, or 0 outside entries.
	EntryLine int
	// Path is the member at fault, such as "response.content.text" within
	// an entry or "log.version" outside one; "" for the document itself.
	Path string
	// Err says what was wrong.
	Err error
}

// Error says where the fault is and what it is, as "line 12:
// log.entries[3].response.status: want an integer, got a string (the entry
// starts at line 5)". It does not name the file, which the caller knows.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "line %d: ", e.Line)
	where := e.Path
	if e.Entry >= 0 {
		where = fmt.Sprintf("log.entries[%d]", e.Entry)
		if e.Path != "" {
			where += "." + e.Path
		}
	}
	if where != "" {
		b.WriteString(where + ": ")
	}
	b.WriteString(e.Err.Error())
	if e.Entry >= 0 && e.EntryLine != e.Line {
		fmt.Fprintf(&b, " (the entry starts at line %d)", e.EntryLine)
	}
	return b.String()
}

// Unwrap returns Err.
func (e *Error) Unwrap() error { return e.Err }

// Creator names the program that wrote a HAR document.
type Creator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Entry is one exchange of a HAR document. Time is in milliseconds.
type Entry struct {
	StartedDateTime string   `json:"startedDateTime"`
	Time            float64  `json:"time"`
	Request         Request  `json:"request"`
	Response        Response `json:"response"`
	Cache           struct{} `json:"cache"`
	Timings         Timings  `json:"timings"`
}

// Request is an entry's request. HeadersSize and BodySize are -1 where
// unknown.
type Request struct {
	Method      string      `json:"method"`
	URL         string      `json:"url"`
	HTTPVersion string      `json:"httpVersion"`
	Cookies     []NameValue `json:"cookies"`
	Headers     []NameValue `json:"headers"`
	QueryString []NameValue `json:"queryString"`
	PostData    *PostData   `json:"postData,omitempty"`
	HeadersSize int64       `json:"headersSize"`
	BodySize    int64       `json:"bodySize"`
	// VCR is what go-vcr recorded that the fields above do not say.
	VCR *RequestVCR `json:"_vcr,omitempty"`
}

// Response is an entry's response. HeadersSize and BodySize are -1 where
// unknown.
type Response struct {
	Status      int         `json:"status"`
	StatusText  string      `json:"statusText"`
	HTTPVersion string      `json:"httpVersion"`
	Cookies     []NameValue `json:"cookies"`
	Headers     []NameValue `json:"headers"`
	Content     Content     `json:"content"`
	RedirectURL string      `json:"redirectURL"`
	HeadersSize int64       `json:"headersSize"`
	BodySize    int64       `json:"bodySize"`
	// VCR is what go-vcr recorded that the fields above do not say.
	VCR *ResponseVCR `json:"_vcr,omitempty"`
}

// NameValue is a header, a query parameter or a form field.
type NameValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// PostData is a request's body. Encoding, which HAR 1.2 defines for
// responses only, is "base64" for a body that is not UTF-8, as some tools
// write it.
type PostData struct {
	MimeType string `json:"mimeType"`
	Text     string `json:"text"`
	Encoding string `json:"encoding,omitempty"`
}

// Content is a response's body: Text, base64 when Encoding says so, of
// Size bytes once decoded.
type Content struct {
	Size     int64  `json:"size"`
	MimeType string `json:"mimeType"`
	Text     string `json:"text"`
	Encoding string `json:"encoding,omitempty"`
}

// Timings splits an entry's time, in milliseconds.
type Timings struct {
	Send    float64 `json:"send"`
	Wait    float64 `json:"wait"`
	Receive float64 `json:"receive"`
}

// RequestVCR holds what go-vcr recorded of a request where the request's
// HAR fields alone would be read otherwise; each member is present only
// then, and replaces what those fields say. Names are go-vcr's fields.
type RequestVCR struct {
	Proto            *string      `json:"proto,omitempty"`
	ProtoMajor       *int         `json:"protoMajor,omitempty"`
	ProtoMinor       *int         `json:"protoMinor,omitempty"`
	ContentLength    *int64       `json:"contentLength,omitempty"`
	TransferEncoding *[]string    `json:"transferEncoding,omitempty"`
	Trailer          *[]NameValue `json:"trailer,omitempty"`
	Host             *string      `json:"host,omitempty"`
	RemoteAddr       *string      `json:"remoteAddr,omitempty"`
	RequestURI       *string      `json:"requestURI,omitempty"`
	Form             *[]NameValue `json:"form,omitempty"`
	Headers          *[]NameValue `json:"headers,omitempty"`
}

// ResponseVCR holds what go-vcr recorded of a response where the
// response's HAR fields alone would be read otherwise, as RequestVCR does
// for a request. Duration is in nanoseconds.
type ResponseVCR struct {
	Proto            *string      `json:"proto,omitempty"`
	ProtoMajor       *int         `json:"protoMajor,omitempty"`
	ProtoMinor       *int         `json:"protoMinor,omitempty"`
	ContentLength    *int64       `json:"contentLength,omitempty"`
	TransferEncoding *[]string    `json:"transferEncoding,omitempty"`
	Trailer          *[]NameValue `json:"trailer,omitempty"`
	Uncompressed     *bool        `json:"uncompressed,omitempty"`
	Status           *string      `json:"status,omitempty"`
	Duration         *int64       `json:"duration,omitempty"`
	Headers          *[]NameValue `json:"headers,omitempty"`
}
