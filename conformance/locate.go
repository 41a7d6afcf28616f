package conformance

import (
	"strings"

	"github.com/zcdrop/zcdrop/internal/vcr"
)

// locateViolations sets the Line of each of r's violations to the line of
// the recording that holds what is wrong, where the recording tells it:
// the header, the body, the method, the URL or the status. A violation
// that none of these holds keeps Line 0, and reports point at r.Line, where
// the interaction starts. The recording is read again only for an
// interaction that failed.
func locateViolations(r *Result, text string, at vcr.Pos) {
	f := vcr.LocateFields(text, at)
	for i := range r.Violations {
		r.Violations[i].Line = fieldLine(f, r.Violations[i])
	}
}

// fieldLine returns the line of f that holds what v is about, 0 when
// none does.
func fieldLine(f vcr.FieldLines, v Violation) int {
	p := v.Pointer
	switch {
	case p == PointerMethod:
		return f.Method
	case p == PointerPath || p == PointerQuery || p == PointerURL || strings.HasPrefix(p, "path/"):
		return f.URL
	case strings.HasPrefix(p, "header/"):
		name := strings.TrimPrefix(p, "header/")
		switch {
		case v.Kind == KindRequest || v.Kind == KindSemantic && strings.HasPrefix(v.Message, "request "):
			return f.RequestHeaders[name]
		case v.Kind == KindResponse || strings.HasPrefix(v.Message, "response "):
			return f.ResponseHeaders[name]
		}
		// A semantic finding in a header that does not say whose:
		// Authorization is the request's; any other is looked for in the
		// response first.
		if line := f.ResponseHeaders[name]; line != 0 && name != "Authorization" {
			return line
		}
		return f.RequestHeaders[name]
	case p == PointerBody || strings.HasPrefix(p, "/"):
		if v.Kind == KindRequest {
			return f.RequestBody
		}
		return f.ResponseBody
	case p == "" && v.Kind == KindResponse && strings.HasPrefix(v.Message, "status "):
		return f.Code // An undeclared status.
	case p == "" && v.Kind == KindResponse:
		return first(f.ResponseBody, f.Code) // The body as a whole.
	case p == "" && strings.HasPrefix(v.Message, "response body "):
		return f.ResponseBody
	case p == "" && strings.HasPrefix(v.Message, "request body "):
		return f.RequestBody
	case p == "" && strings.HasPrefix(v.Message, "response status line "):
		return first(f.Status, f.Code)
	}
	return 0
}

// first returns the first of lines that is known (not 0).
func first(lines ...int) int {
	for _, l := range lines {
		if l != 0 {
			return l
		}
	}
	return 0
}
