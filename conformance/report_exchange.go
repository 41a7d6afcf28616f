package conformance

import (
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/zcdrop/zcdrop/internal/redact"
	"github.com/zcdrop/zcdrop/internal/vcr"
)

// maxShownBody caps each body that a RecordedExchange keeps: 64 KiB. A
// report shows what a failure looked like, and a body of up to
// DefaultMaxBodyBytes, kept for each failing interaction, would make the
// HTML report of a corpus heavier than the corpus.
const maxShownBody = 64 << 10

// RecordedExchange is a failing interaction's request and response as
// recorded, for a report that shows them (FormatHTML).
//
// It is redacted when it is made, before the gate keeps it for its report:
// an Authorization value keeps its scheme only ("Bearer REDACTED"), a
// header whose name says it holds a credential (as checkRecordedSecrets
// reads names) shows the placeholder unless it was already redacted, the
// URL is shown as the report's Result.URL is (no user, password, query
// value or fragment), and every token that looks like a key
// (redact.HasKeyToken), in a name, a value, the status line or a body,
// becomes the placeholder. The gate fails a recording that holds a
// credential; its report must not repeat it.
type RecordedExchange struct {
	// Request is the request as recorded.
	Request RecordedMessage
	// Response is the response as recorded.
	Response RecordedMessage
}

// RecordedMessage is the request or the response of a RecordedExchange.
type RecordedMessage struct {
	// StartLine is the request line ("DELETE https://host/v2/clusters/x/drop
	// HTTP/1.1") or the status line ("HTTP/1.1 200 OK").
	StartLine string
	// Header lists the header fields, in the order of their names, each
	// value of a field apart.
	Header []HeaderField
	// Body is the body, redacted, or its first 64 KiB when it was longer.
	Body string
	// BodyBytes is the length of the body as recorded.
	BodyBytes int
	// Truncated says that Body was cut.
	Truncated bool
}

// HeaderField is one header field of a RecordedMessage.
type HeaderField struct {
	// Name is the field's name, as recorded.
	Name string
	// Value is the field's value, redacted.
	Value string
}

// newRecordedExchange returns in's request and response, redacted, for
// the report.
func newRecordedExchange(in *vcr.Interaction) *RecordedExchange {
	req, res := in.Request, in.Response
	reqLine := redact.MaskKeyTokens(req.Method) + " " + reportURL(req.URL)
	if req.Proto != "" {
		reqLine += " " + shownValue(req.Proto)
	}
	status := res.Status
	if status == "" {
		status = strconv.Itoa(res.Code) + " " + http.StatusText(res.Code)
	}
	statusLine := strings.TrimSpace(shownValue(res.Proto) + " " + shownValue(status))
	return &RecordedExchange{
		Request:  shownMessage(reqLine, req.Headers, req.Body),
		Response: shownMessage(statusLine, res.Headers, res.Body),
	}
}

// shownMessage returns a message's header and body, redacted, under
// startLine.
func shownMessage(startLine string, h http.Header, body string) RecordedMessage {
	shown, cut := shownBody(body)
	return RecordedMessage{StartLine: startLine, Header: shownHeader(h), Body: shown, BodyBytes: len(body), Truncated: cut}
}

// shownHeader returns h's fields, redacted, in the order of their names.
func shownHeader(h http.Header) []HeaderField {
	var out []HeaderField
	for _, name := range slices.Sorted(maps.Keys(h)) {
		for _, v := range h[name] {
			out = append(out, HeaderField{Name: redact.MaskKeyName(name), Value: shownHeaderValue(name, v)})
		}
	}
	return out
}

// shownHeaderValue returns the value of the header called name as a
// report may show it.
func shownHeaderValue(name, value string) string {
	canonical := http.CanonicalHeaderKey(name)
	switch {
	case canonical == "Authorization" || canonical == "Proxy-Authorization":
		value = redact.Authorization(value)
	case credentialName(canonical) && !redactedValue(canonical, value):
		return redact.Placeholder
	case idHeader(canonical) && !schemeCredential(value) && !redact.HasRandomToken(value):
		// As the gate reads it: a request ID is often 32 hexadecimal
		// digits, which would pass for a key, and it is what a support
		// ticket asks for.
		return value
	}
	return shownValue(value)
}

// shownValue returns a recorded value that no rule of its own covers (a
// status line, a protocol, a header value) with what follows an
// authorization scheme, and every token that looks like a key, replaced.
func shownValue(value string) string {
	if schemeCredential(value) {
		value = redact.Authorization(strings.TrimSpace(value))
	}
	return redact.MaskKeyTokens(value)
}

// shownBody returns body with every token that looks like a key replaced,
// cut to maxShownBody bytes at the start of a character. It is masked
// before it is cut, so that the cut cannot leave a piece of a key too
// short to look like one. It says whether it cut.
func shownBody(body string) (string, bool) {
	body = redact.MaskKeyTokens(body)
	if len(body) <= maxShownBody {
		return body, false
	}
	n := maxShownBody
	for n > maxShownBody-utf8.UTFMax && !utf8.RuneStart(body[n]) {
		n--
	}
	return body[:n], true
}
