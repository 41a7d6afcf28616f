package conformance

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/zcdrop/zcdrop/internal/redact"
	"github.com/zcdrop/zcdrop/internal/vcr"
)

// What the gate checks in a recording beyond what openapi.yaml says: that it
// holds no credential, and that its lengths describe its bodies. Live
// traffic is not held to these.

// credentialAdvice ends every violation for a recorded credential.
const credentialAdvice = "; recordings must not hold credentials (record through conformance.NewRecorder with every key, or write " +
	redact.Placeholder + " in its place)"

// checkRecordedSecrets reports a recording that still carries a credential.
// A committed cassette must not hold a secret, and CI is where that is
// caught. Violations name where the credential is and never quote it.
//
// The Authorization header must say "Bearer REDACTED" (any scheme, then the
// placeholder), and the URL must carry no user or password. Beyond those,
// a value is credential-looking when:
//
//   - it is in a request or response header (or trailer) whose name, in any
//     case, contains "auth", "key", "token", "secret", "passw", "session",
//     "cookie" or "credential" (but not the challenges WWW-Authenticate and
//     Proxy-Authenticate), and is neither empty nor redacted: the
//     placeholder with nothing key-like around it ("REDACTED",
//     "Bearer REDACTED", "key=REDACTED"), or, for Cookie, name=REDACTED
//     pairs only, and for Set-Cookie a first pair name=REDACTED;
//   - it is in any header, or is the response's status line, and has the
//     form of a credential after an authorization scheme ("Bearer x",
//     "Basic x", "Token x", "ApiKey x", "Key x"), x not REDACTED;
//   - it is in any header, the status line, either body or the URL's
//     fragment, and holds a token of at least 20 letters, digits, '-', '_',
//     '+' and '=' that mixes upper-case letters, lower-case letters and
//     digits, as random keys do, or a run of at least 32 letters and digits
//     with both in it, of any case, as a hexadecimal or single-case key
//     is (redact.HasKeyToken, the rule every report masks by). UUIDs,
//     cluster IDs and words do neither. A header whose name says
//     it holds an ID or a digest (request ID, trace, span, correlation,
//     ETag, digest, hash, MD5), whose value is often 32 hexadecimal digits
//     or more, is held to the first rule only;
//   - it is the URL's fragment and holds name=value pairs whose name is
//     credential-like as for headers ("#access_token=...").
//
// The fields that go-vcr records beside the headers (host, request_uri,
// remote_addr, proto, transfer_encoding, of request and response) are held
// to the third and fourth rules and to the scheme rule, and form values to
// the rules for headers, their names as header names.
//
// Header names such as Idempotency-Key match too; write REDACTED in them.
// checkRecordedSecrets checks the request, all but its body;
// checkRecordedBodySecrets checks the bodies and the response.
func checkRecordedSecrets(req *http.Request) []Violation {
	var out []Violation
	if auth := req.Header.Get("Authorization"); auth != "" && !redact.IsRedactedAuthorization(auth) {
		if _, token, _ := strings.Cut(auth, " "); strings.TrimSpace(token) != "" {
			out = append(out, Violation{Kind: KindSemantic, Pointer: PointerAuthorization,
				Message: "holds what looks like a real key; recordings must say " + strconv.Quote(redact.Authorization("Bearer x")) +
					" (record through conformance.NewRecorder or govcr.RedactHook)"})
		}
	}
	if req.URL.User != nil {
		out = append(out, Violation{Kind: KindSemantic, Pointer: PointerURL,
			Message: "carries a user or password; recordings must not hold credentials"})
	}
	if fragment := req.URL.EscapedFragment(); fragment != "" && credentialFragment(fragment) {
		out = append(out, Violation{Kind: KindSemantic, Pointer: PointerURL,
			Message: "fragment holds what looks like a credential" + credentialAdvice})
	}
	// Authorization has its own rule and message, above.
	h := req.Header.Clone()
	h.Del("Authorization")
	out = append(out, headerCredentials("request header", "header/", h)...)
	return append(out, headerCredentials("request trailer", "trailer/", req.Trailer)...)
}

// checkRecordedBodySecrets checks the recorded bodies and response of in by
// the rules of checkRecordedSecrets.
func checkRecordedBodySecrets(in *vcr.Interaction) []Violation {
	var out []Violation
	if redact.HasKeyToken(in.Request.Body) {
		out = append(out, Violation{Kind: KindSemantic, Pointer: PointerBody,
			Message: "request body holds what looks like a credential" + credentialAdvice})
	}
	// Fields that go-vcr records beside the headers, which a hand-edited
	// or foreign cassette may fill with anything.
	req := in.Request
	fields := []struct{ name, value string }{
		{"method", req.Method}, {"host", req.Host}, {"request_uri", req.RequestURI}, {"remote_addr", req.RemoteAddr},
		{"proto", req.Proto}, {"transfer_encoding", strings.Join(req.TransferEncoding, " ")},
		{"response proto", in.Response.Proto}, {"response transfer_encoding", strings.Join(in.Response.TransferEncoding, " ")},
	}
	for _, f := range fields {
		if redact.HasKeyToken(f.value) || schemeCredential(f.value) || credentialFragment(f.value) {
			out = append(out, Violation{Kind: KindSemantic,
				Message: "recorded " + f.name + " holds what looks like a credential" + credentialAdvice})
		}
	}
	if slices.ContainsFunc(slices.Collect(maps.Keys(req.Form)), func(name string) bool {
		return slices.ContainsFunc(req.Form[name], func(value string) bool { return headerCredential(name, value) })
	}) {
		out = append(out, Violation{Kind: KindSemantic,
			Message: "recorded form holds what looks like a credential" + credentialAdvice})
	}
	if redact.HasKeyToken(in.Response.Status) || schemeCredential(in.Response.Status) {
		out = append(out, Violation{Kind: KindSemantic,
			Message: "response status line holds what looks like a credential" + credentialAdvice})
	}
	out = append(out, headerCredentials("response header", "header/", in.Response.Headers)...)
	out = append(out, headerCredentials("response trailer", "trailer/", in.Response.Trailer)...)
	if redact.HasKeyToken(in.Response.Body) {
		out = append(out, Violation{Kind: KindSemantic,
			Message: "response body holds what looks like a credential" + credentialAdvice})
	}
	return out
}

// anyHeaderCredential says whether any header of h holds a credential.
func anyHeaderCredential(h http.Header) bool {
	for name, values := range h {
		canonical := http.CanonicalHeaderKey(name)
		for _, v := range values {
			if headerCredential(canonical, v) {
				return true
			}
		}
	}
	return false
}

// headerCredentials checks every header in h, in the order of their names,
// and reports each that holds a credential once.
func headerCredentials(where, pointer string, h http.Header) []Violation {
	// Most recordings hold none: a first look, in the map's order, spares
	// them the sort that keeps the report's order stable.
	if !anyHeaderCredential(h) {
		return nil
	}
	var out []Violation
	for _, name := range slices.Sorted(maps.Keys(h)) {
		canonical := http.CanonicalHeaderKey(name)
		for _, value := range h[name] {
			if !headerCredential(canonical, value) {
				continue
			}
			p := pointer + canonical
			if redact.HasKeyToken(name) {
				// The name itself looks like the key: say where, not what.
				p = strings.TrimSuffix(pointer, "/")
			}
			out = append(out, Violation{Kind: KindSemantic, Pointer: p,
				Message: where + " holds what looks like a credential" + credentialAdvice})
			break
		}
	}
	return out
}

// headerCredential reports whether a header's value is credential-looking,
// by the rules of checkRecordedSecrets.
func headerCredential(name, value string) bool {
	if credentialName(name) && !redactedValue(name, value) {
		return true
	}
	if strings.Contains(strings.ToLower(name), "authenticate") {
		// A challenge names a scheme and its parameters, no credential.
		return redact.HasRandomToken(value)
	}
	if idHeader(name) {
		return schemeCredential(value) || redact.HasRandomToken(value)
	}
	return schemeCredential(value) || redact.HasKeyToken(value) || redact.HasKeyToken(name)
}

// credentialName reports whether a header's or a parameter's name says that
// it holds a credential.
func credentialName(name string) bool {
	n := strings.ToLower(name)
	if strings.Contains(n, "authenticate") {
		return false
	}
	for _, w := range []string{"auth", "key", "token", "secret", "passw", "session", "cookie", "credential"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// redactedValue reports whether value, in a header called name, is empty or
// says nothing but the placeholder where a credential would be. For Cookie,
// every pair must say name=REDACTED, since any cookie may be a session; for
// Set-Cookie, the first pair must (the attributes after it hold none). Any
// other value must hold the placeholder and, around it, nothing that looks
// like a key ("Bearer REDACTED", "key=REDACTED").
func redactedValue(name, value string) bool {
	value = strings.TrimSpace(value)
	switch http.CanonicalHeaderKey(name) {
	case "Cookie":
		for pair := range strings.SplitSeq(value, ";") {
			if !redactedPair(pair) {
				return false
			}
		}
		return true
	case "Set-Cookie":
		first, _, _ := strings.Cut(value, ";")
		return redactedPair(first)
	}
	if value == "" {
		return true
	}
	if !strings.Contains(value, redact.Placeholder) {
		return false
	}
	rest := strings.ReplaceAll(value, redact.Placeholder, " ")
	return !redact.HasRandomToken(rest) && !redact.HasKeyLikeRun(rest)
}

// redactedPair reports whether a cookie's name=value pair is empty, or its
// value is the placeholder.
func redactedPair(pair string) bool {
	pair = strings.TrimSpace(pair)
	if pair == "" || pair == redact.Placeholder {
		return true
	}
	_, v, ok := strings.Cut(pair, "=")
	return ok && strings.Trim(strings.TrimSpace(v), `"`) == redact.Placeholder
}

// credentialSchemes are the authorization schemes that carry a credential
// straight after them.
var credentialSchemes = []string{"bearer", "basic", "token", "apikey", "api-key", "key"}

// schemeCredential reports whether value is an authorization scheme
// followed by a credential other than the placeholder.
func schemeCredential(value string) bool {
	scheme, rest, ok := strings.Cut(strings.TrimSpace(value), " ")
	if !ok {
		return false
	}
	rest = strings.TrimSpace(rest)
	for _, s := range credentialSchemes {
		if strings.EqualFold(scheme, s) {
			return rest != "" && rest != redact.Placeholder
		}
	}
	return false
}

// idHeader reports whether name says that its header holds an ID or a
// digest, whose hexadecimal digits would otherwise pass for a key.
func idHeader(name string) bool {
	n := strings.ToLower(name)
	for _, w := range []string{"requestid", "request-id", "trace", "span", "correlation", "etag", "digest", "hash", "md5"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// reportURL renders a recorded URL for a report: as noSecrets renders it,
// and with every path segment that looks like a key (see
// redact.HasKeyToken) shown as the placeholder, since a report locates and
// must not quote one.
func reportURL(raw string) string {
	u, err := url.Parse(noSecrets.URL(raw))
	if err != nil {
		return redact.Placeholder
	}
	segments := strings.Split(u.EscapedPath(), "/")
	masked := false
	for i, s := range segments {
		if plain, err := url.PathUnescape(s); err == nil && redact.HasKeyToken(plain) || err != nil && redact.HasKeyToken(s) {
			segments[i], masked = redact.Placeholder, true
		}
	}
	if !masked {
		return u.String()
	}
	path := strings.Join(segments, "/")
	u.Path, u.RawPath = path, ""
	return u.String()
}

// credentialFragment reports whether a URL's fragment, as written, is
// credential-looking by the rules of checkRecordedSecrets.
func credentialFragment(fragment string) bool {
	decoded, err := url.PathUnescape(fragment)
	if err != nil {
		decoded = fragment
	}
	if redact.HasKeyToken(decoded) || schemeCredential(decoded) {
		return true
	}
	for pair := range strings.FieldsFuncSeq(decoded, func(r rune) bool { return r == '&' || r == ';' }) {
		name, value, ok := strings.Cut(pair, "=")
		if ok && credentialName(name) && value != "" && value != redact.Placeholder {
			return true
		}
	}
	return false
}

// checkRecordedLengths reports a recorded length that disagrees with the
// recorded body: then the recording is not what was sent, and what the gate
// checks is not what a client would have read. The Content-Length header
// is checked whenever it is recorded, and must be digits only, as HTTP
// writes it ("+303" is not a length). The content_length field, which
// go-vcr takes from net/http, is checked when it is positive and differs
// from the header: -1 is net/http's "unknown", and 0 is what a hand-written
// cassette that leaves the field out reads as (and, for a request, also
// net/http's "unknown" when a body is set). Where the body is not what went
// over the wire or where HTTP allows no body, the response's lengths are
// not compared with it: a HEAD request's response, and 1xx, 204 and 304
// responses. A response that net/http decompressed (uncompressed: true)
// has no Content-Length header, since net/http removes it, so one recorded
// beside it is itself a violation.
func checkRecordedLengths(in *vcr.Interaction) []Violation {
	var out []Violation
	req, res := in.Request, in.Response
	out = append(out, lengthViolations(KindRequest, req.Headers, req.ContentLength, req.Body)...)
	noBody := req.Method == http.MethodHead || res.Code/100 == 1 || res.Code == http.StatusNoContent || res.Code == http.StatusNotModified
	switch {
	case res.Uncompressed:
		if len(contentLengths(res.Headers)) > 0 {
			out = append(out, Violation{Kind: KindResponse, Pointer: PointerContentLength,
				Message: "is recorded beside uncompressed: true, but net/http removes it when it decompresses; the recording is not what was sent"})
		}
	case !noBody:
		out = append(out, lengthViolations(KindResponse, res.Headers, res.ContentLength, res.Body)...)
	}
	return out
}

// contentLengths returns the Content-Length values in h, under any
// spelling of the name, in the order of the names.
func contentLengths(h http.Header) []string {
	if allCanonical(h) {
		return h["Content-Length"] // The one spelling there can be.
	}
	var out []string
	for _, name := range slices.Sorted(maps.Keys(h)) {
		if http.CanonicalHeaderKey(name) == "Content-Length" {
			out = append(out, h[name]...)
		}
	}
	return out
}

// lengthViolations compares the Content-Length values in h, and the
// recorded content_length, with body.
func lengthViolations(kind Kind, h http.Header, recorded int64, body string) []Violation {
	var out []Violation
	header := ""
	for _, v := range contentLengths(h) {
		header = strings.TrimSpace(v)
		n, ok := parseLength(header)
		switch {
		case !ok:
			out = append(out, Violation{Kind: kind, Pointer: PointerContentLength,
				Message: "is not a length in bytes; the recording is not what was sent"})
		case n != int64(len(body)):
			out = append(out, Violation{Kind: kind, Pointer: PointerContentLength,
				Message: fmt.Sprintf("says %d bytes, but the recorded body holds %d; the recording is not what was sent", n, len(body))})
		}
	}
	if recorded > 0 && recorded != int64(len(body)) && strconv.FormatInt(recorded, 10) != header {
		out = append(out, Violation{Kind: kind, Pointer: PointerContentLength,
			Message: fmt.Sprintf("recorded content_length says %d bytes, but the recorded body holds %d; the recording is not what was sent", recorded, len(body))})
	}
	return out
}

// parseLength reads a Content-Length as HTTP writes it: decimal digits
// only, no sign, fitting an int64. strconv.ParseInt alone takes "+303".
func parseLength(s string) (int64, bool) {
	if s == "" || strings.TrimLeft(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}
