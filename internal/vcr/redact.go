package vcr

import (
	"net/http"
	"strconv"

	"github.com/zcdrop/zcdrop/internal/redact"
)

// Redact scrubs i of secrets before it is saved: every Authorization header
// keeps its scheme and says "Bearer REDACTED", and every secret in the
// request's URL, host, form, headers, trailers and body, and in the
// response's status, headers, trailers and body, is replaced. A recorded
// length that described a body stays true of the scrubbed body. It builds
// new maps rather than editing the recorded ones, which may be the very maps
// of a request and a response that the program still holds.
func (i *Interaction) Redact(s *redact.Secrets) {
	req, res := &i.Request, &i.Response
	req.URL = s.String(req.URL)
	req.Host = s.String(req.Host)
	req.RequestURI = s.String(req.RequestURI)
	body := req.Body
	req.Body, req.ContentLength = scrubBody(s, req.Body, req.ContentLength)
	req.Headers = fixLength(s.Header(req.Headers), body, req.Body)
	req.Trailer = s.Header(req.Trailer)
	req.Form = s.Values(req.Form)
	res.Status = s.String(res.Status)
	body = res.Body
	res.Body, res.ContentLength = scrubBody(s, res.Body, res.ContentLength)
	res.Headers = fixLength(s.Header(res.Headers), body, res.Body)
	res.Trailer = s.Header(res.Trailer)
}

// scrubBody scrubs body and keeps a content length that described it true.
func scrubBody(s *redact.Secrets, body string, length int64) (string, int64) {
	out := s.String(body)
	if length == int64(len(body)) {
		length = int64(len(out))
	}
	return out, length
}

// fixLength keeps a Content-Length header that described the body before
// scrubbing true of the body after it.
func fixLength(h http.Header, before, after string) http.Header {
	if h.Get("Content-Length") == strconv.Itoa(len(before)) && len(before) != len(after) {
		h.Set("Content-Length", strconv.Itoa(len(after)))
	}
	return h
}
