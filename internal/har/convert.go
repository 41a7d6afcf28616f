package har

import (
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"math"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zcdrop/zcdrop/internal/redact"
	"github.com/zcdrop/zcdrop/internal/vcr"
)

// fieldError is a field that an entry's conversion refuses, named by its
// path within the entry.
type fieldError struct {
	path string
	err  error
}

// interaction returns what go-vcr would have recorded of the exchange e,
// numbered id (see the package documentation), with e's _vcr members
// applied last.
func (e *Entry) interaction(id int) (*vcr.Interaction, *fieldError) {
	req, ferr := readRequest(&e.Request)
	if ferr != nil {
		return nil, ferr
	}
	res, ferr := readResponse(&e.Response, req.Method, e.Time)
	if ferr != nil {
		return nil, ferr
	}
	return &vcr.Interaction{ID: id, Request: req, Response: res}, nil
}

func readRequest(r *Request) (vcr.Request, *fieldError) {
	out := vcr.Request{Method: r.Method, URL: r.URL}
	out.Proto, out.ProtoMajor, out.ProtoMinor = proto(r.HTTPVersion)
	h := splitHeaders(r.Headers, true)
	out.Headers, out.TransferEncoding = h.header, h.transferEncoding
	out.Headers = withCookies(out.Headers, "Cookie", r.Cookies)
	u, err := url.Parse(r.URL)
	if err != nil {
		u = nil
	}
	switch {
	case h.host != nil:
		out.Host = *h.host
	case h.authority != nil:
		out.Host = *h.authority
	case u != nil:
		out.Host = u.Host
	}
	if r.PostData != nil {
		body, err := decodeText(r.PostData.Text, r.PostData.Encoding)
		if err != nil {
			return vcr.Request{}, &fieldError{"request.postData.text", err}
		}
		out.Body = body
	}
	out.ContentLength = int64(len(out.Body))
	out.Form = form(out.Method, u, out.Headers, out.Body)
	if o := r.VCR; o != nil {
		set(&out.Proto, o.Proto)
		set(&out.ProtoMajor, o.ProtoMajor)
		set(&out.ProtoMinor, o.ProtoMinor)
		set(&out.ContentLength, o.ContentLength)
		set(&out.TransferEncoding, o.TransferEncoding)
		setHeader(&out.Trailer, o.Trailer)
		set(&out.Host, o.Host)
		set(&out.RemoteAddr, o.RemoteAddr)
		set(&out.RequestURI, o.RequestURI)
		if o.Form != nil {
			out.Form = url.Values(toHeader(*o.Form))
		}
		setHeader(&out.Headers, o.Headers)
	}
	return out, nil
}

func readResponse(r *Response, method string, ms float64) (vcr.Response, *fieldError) {
	out := vcr.Response{Code: r.Status, Status: statusLine(r.Status, r.StatusText)}
	out.Proto, out.ProtoMajor, out.ProtoMinor = proto(r.HTTPVersion)
	h := splitHeaders(r.Headers, false)
	out.Headers, out.TransferEncoding = h.header, h.transferEncoding
	out.Headers = withCookies(out.Headers, "Set-Cookie", r.Cookies)
	body, err := decodeText(r.Content.Text, r.Content.Encoding)
	if err != nil {
		return vcr.Response{}, &fieldError{"response.content.text", err}
	}
	out.Body = body
	if ce := firstValue(out.Headers, "Content-Encoding"); ce != "" && !strings.EqualFold(ce, "identity") {
		// HAR tools record the decoded text, as net/http hands it over when
		// it decompresses, and that is the body judged. net/http then
		// removes both headers, which describe the encoded body.
		out.Uncompressed = true
		out.Headers = without(out.Headers, "Content-Encoding", "Content-Length")
		out.ContentLength = -1
	} else {
		out.ContentLength = contentLength(out.Headers, r.Status, method, r.BodySize, len(body))
	}
	out.Duration = time.Duration(math.Round(ms * 1e6))
	if o := r.VCR; o != nil {
		set(&out.Proto, o.Proto)
		set(&out.ProtoMajor, o.ProtoMajor)
		set(&out.ProtoMinor, o.ProtoMinor)
		set(&out.ContentLength, o.ContentLength)
		set(&out.TransferEncoding, o.TransferEncoding)
		setHeader(&out.Trailer, o.Trailer)
		set(&out.Uncompressed, o.Uncompressed)
		set(&out.Status, o.Status)
		if o.Duration != nil {
			out.Duration = time.Duration(*o.Duration)
		}
		setHeader(&out.Headers, o.Headers)
	}
	return out, nil
}

// set replaces *dst with *v when v is given.
func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// setHeader replaces *dst with the header list at v when v is given.
func setHeader(dst *http.Header, v *[]NameValue) {
	if v != nil {
		*dst = toHeader(*v)
	}
}

// proto reads an httpVersion as net/http names the version: HTTP tools
// write "h2", "http/2.0" or "HTTP/2" where net/http says "HTTP/2.0". A
// version it cannot read is kept as written, with no numbers.
func proto(v string) (string, int, int) {
	switch strings.ToUpper(v) {
	case "H2", "HTTP/2", "HTTP/2.0":
		v = "HTTP/2.0"
	case "H3", "HTTP/3", "HTTP/3.0":
		v = "HTTP/3.0"
	case "HTTP/1.1", "HTTP/1.0":
		v = strings.ToUpper(v)
	}
	major, minor, ok := http.ParseHTTPVersion(v)
	if !ok {
		return v, 0, 0
	}
	return v, major, minor
}

// statusLine is net/http's Status for a code and its text: the standard
// text where none was recorded, as net/http's HTTP/2 transport writes it.
func statusLine(code int, text string) string {
	if text == "" {
		text = http.StatusText(code)
	}
	return strconv.Itoa(code) + " " + text
}

// headers is what a HAR header list says, sorted as net/http sorts it.
type headers struct {
	header           http.Header
	transferEncoding []string
	host, authority  *string
}

// splitHeaders reads a HAR header list as net/http would have recorded it:
// names as written, values in order, without the pseudo-headers of HTTP/2
// and 3, and with Transfer-Encoding and, for a request, Host taken out to
// fields of their own.
func splitHeaders(list []NameValue, request bool) headers {
	var out headers
	for _, nv := range list {
		switch {
		case strings.HasPrefix(nv.Name, ":"):
			if request && strings.EqualFold(nv.Name, ":authority") && out.authority == nil {
				out.authority = &nv.Value
			}
		case request && strings.EqualFold(nv.Name, "Host"):
			if out.host == nil {
				out.host = &nv.Value
			}
		case strings.EqualFold(nv.Name, "Transfer-Encoding"):
			for v := range strings.SplitSeq(nv.Value, ",") {
				if v = strings.TrimSpace(v); v != "" {
					out.transferEncoding = append(out.transferEncoding, v)
				}
			}
		default:
			if out.header == nil {
				out.header = http.Header{}
			}
			out.header[nv.Name] = append(out.header[nv.Name], nv.Value)
		}
	}
	return out
}

// toHeader makes a multi-map of a list, names as written and values in
// order; nil for an empty list.
func toHeader(list []NameValue) http.Header {
	if len(list) == 0 {
		return nil
	}
	h := make(http.Header, len(list))
	for _, nv := range list {
		h[nv.Name] = append(h[nv.Name], nv.Value)
	}
	return h
}

// fromHeader lists a multi-map in the order of its names, each name's
// values in order.
func fromHeader(h map[string][]string) []NameValue {
	out := []NameValue{}
	for _, name := range slices.Sorted(maps.Keys(h)) {
		for _, v := range h[name] {
			out = append(out, NameValue{name, v})
		}
	}
	return out
}

// firstValue returns the first value of name, under any spelling, in the
// order of the spellings.
func firstValue(h http.Header, name string) string {
	for _, k := range slices.Sorted(maps.Keys(h)) {
		if strings.EqualFold(k, name) && len(h[k]) > 0 {
			return h[k][0]
		}
	}
	return ""
}

// without returns h without names, under any spelling; nil when nothing is
// left.
func without(h http.Header, names ...string) http.Header {
	out := http.Header{}
	for k, v := range h {
		if !slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(k, n) }) {
			out[k] = v
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// contentLength is the length net/http gives a response: its Content-Length
// header, when every spelling and value agree on one; else the HAR
// bodySize, when it is the body's length, which a length that net/http
// left unknown was all along; 0 where HTTP allows no body; else -1,
// unknown. A bodySize that is not the body's (it counts what went over the
// wire, chunks and all) is not taken, since the gate would take it for a
// length the body disagrees with.
func contentLength(h http.Header, status int, method string, bodySize int64, body int) int64 {
	var n int64 = -1
	for k, vs := range h {
		if !strings.EqualFold(k, "Content-Length") {
			continue
		}
		for _, v := range vs {
			v = strings.TrimSpace(v)
			m, err := strconv.ParseInt(v, 10, 64)
			if err != nil || m < 0 || strings.TrimLeft(v, "0123456789") != "" || (n >= 0 && m != n) {
				return -1
			}
			n = m
		}
	}
	if n < 0 && bodySize == int64(body) {
		return bodySize
	}
	if n < 0 && bodySize == int64(body) {
		return bodySize
	}
	if n < 0 && (method == http.MethodHead || status/100 == 1 || status == http.StatusNoContent || status == http.StatusNotModified) {
		return 0
	}
	return n
}

// form is the form that net/http parses from a request, as go-vcr records
// it: a POST, PUT or PATCH body of application/x-www-form-urlencoded
// first, then the query; nil when both are empty. What does not parse is
// left out, as net/http leaves it out.
func form(method string, u *url.URL, h http.Header, body string) url.Values {
	out := url.Values{}
	if method == http.MethodPost || method == http.MethodPut || method == http.MethodPatch {
		ct := firstValue(h, "Content-Type")
		if ct == "" {
			ct = "application/octet-stream"
		}
		if mt, _, err := mime.ParseMediaType(ct); err == nil && mt == "application/x-www-form-urlencoded" {
			post, _ := url.ParseQuery(body)
			for k, vs := range post {
				out[k] = append(out[k], vs...)
			}
		}
	}
	if u != nil {
		query, _ := url.ParseQuery(u.RawQuery)
		for k, vs := range query {
			out[k] = append(out[k], vs...)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// maxQuoted is how much of a file's value an error quotes.
const maxQuoted = 32

// quote renders a value of the file for an error: cut short, with what
// looks like a key masked.
func quote(v string) string {
	v = redact.MaskKeyTokens(v)
	if len(v) > maxQuoted {
		cut := maxQuoted
		for cut > 0 && !utf8.RuneStart(v[cut]) {
			cut--
		}
		v = v[:cut] + "…"
	}
	return strconv.Quote(v)
}

// decodeText returns a body as HAR writes it, in text or, when encoding
// says so, in base64.
func decodeText(text, encoding string) (string, error) {
	switch {
	case encoding == "":
		return text, nil
	case strings.EqualFold(encoding, "base64"):
		b, err := base64.StdEncoding.DecodeString(text)
		var corrupt base64.CorruptInputError
		if errors.As(err, &corrupt) {
			return "", fmt.Errorf("is not valid base64, as its encoding says (byte %d)", int64(corrupt))
		}
		return string(b), nil
	}
	return "", fmt.Errorf("has encoding %s; HAR defines only base64", quote(encoding))
}

// encodeText writes a body for HAR: as text when it is UTF-8, which JSON
// holds exactly, else in base64.
func encodeText(body string) (text, encoding string) {
	if utf8.ValidString(body) {
		return body, ""
	}
	return base64.StdEncoding.EncodeToString([]byte(body)), "base64"
}

// newEntry returns the HAR entry for in, started at started: the HAR
// fields, and _vcr members for whatever they would be read as otherwise,
// so that reading the entry gives in back, but for its ID.
func newEntry(in *vcr.Interaction, started time.Time) (Entry, error) {
	req, res := &in.Request, &in.Response
	ms := float64(res.Duration) / 1e6
	e := Entry{
		StartedDateTime: started.UTC().Format("2006-01-02T15:04:05.000Z07:00"),
		Time:            ms,
		Request: Request{
			Method:      req.Method,
			URL:         req.URL,
			HTTPVersion: req.Proto,
			Cookies:     []NameValue{},
			Headers:     fromHeader(req.Headers),
			QueryString: queryString(req.URL),
			HeadersSize: -1,
			BodySize:    int64(len(req.Body)),
		},
		Response: Response{
			Status:      res.Code,
			StatusText:  strings.TrimPrefix(res.Status, strconv.Itoa(res.Code)+" "),
			HTTPVersion: res.Proto,
			Cookies:     []NameValue{},
			Headers:     fromHeader(res.Headers),
			Content:     Content{Size: int64(len(res.Body)), MimeType: firstValue(res.Headers, "Content-Type")},
			RedirectURL: firstValue(res.Headers, "Location"),
			HeadersSize: -1,
			BodySize:    int64(len(res.Body)),
		},
		Timings: Timings{Wait: max(ms, 0)},
	}
	if e.Response.StatusText == res.Status {
		e.Response.StatusText = "" // Not "CODE TEXT": _vcr says it.
	}
	if res.Uncompressed {
		e.Response.BodySize = -1 // What went over the wire is unknown.
	}
	if req.Body != "" {
		text, encoding := encodeText(req.Body)
		e.Request.PostData = &PostData{MimeType: firstValue(req.Headers, "Content-Type"), Text: text, Encoding: encoding}
	}
	e.Response.Content.Text, e.Response.Content.Encoding = encodeText(res.Body)
	got, ferr := e.interaction(in.ID)
	if ferr != nil {
		// encodeText wrote the texts, so they decode; this says so if not.
		return Entry{}, fmt.Errorf("interaction %d: %s: %w", in.ID, ferr.path, ferr.err)
	}
	e.Request.VCR = requestVCR(&got.Request, req)
	e.Response.VCR = responseVCR(&got.Response, res)
	return e, nil
}

// requestVCR returns the _vcr member that makes read, what the HAR fields
// say, want; nil when they say it all.
func requestVCR(read, want *vcr.Request) *RequestVCR {
	var o RequestVCR
	some := differ(&o.Proto, read.Proto, want.Proto)
	some = differ(&o.ProtoMajor, read.ProtoMajor, want.ProtoMajor) || some
	some = differ(&o.ProtoMinor, read.ProtoMinor, want.ProtoMinor) || some
	some = differ(&o.ContentLength, read.ContentLength, want.ContentLength) || some
	some = differList(&o.TransferEncoding, read.TransferEncoding, want.TransferEncoding) || some
	some = differHeader(&o.Trailer, read.Trailer, want.Trailer) || some
	some = differ(&o.Host, read.Host, want.Host) || some
	some = differ(&o.RemoteAddr, read.RemoteAddr, want.RemoteAddr) || some
	some = differ(&o.RequestURI, read.RequestURI, want.RequestURI) || some
	some = differHeader(&o.Form, read.Form, want.Form) || some
	some = differHeader(&o.Headers, read.Headers, want.Headers) || some
	if !some {
		return nil
	}
	return &o
}

// responseVCR is requestVCR for a response.
func responseVCR(read, want *vcr.Response) *ResponseVCR {
	var o ResponseVCR
	some := differ(&o.Proto, read.Proto, want.Proto)
	some = differ(&o.ProtoMajor, read.ProtoMajor, want.ProtoMajor) || some
	some = differ(&o.ProtoMinor, read.ProtoMinor, want.ProtoMinor) || some
	some = differ(&o.ContentLength, read.ContentLength, want.ContentLength) || some
	some = differList(&o.TransferEncoding, read.TransferEncoding, want.TransferEncoding) || some
	some = differHeader(&o.Trailer, read.Trailer, want.Trailer) || some
	some = differ(&o.Uncompressed, read.Uncompressed, want.Uncompressed) || some
	some = differ(&o.Status, read.Status, want.Status) || some
	some = differ(&o.Duration, int64(read.Duration), int64(want.Duration)) || some
	some = differHeader(&o.Headers, read.Headers, want.Headers) || some
	if !some {
		return nil
	}
	return &o
}

// differ points *dst at want when read is not want, and says whether it
// did.
func differ[T comparable](dst **T, read, want T) bool {
	if read == want {
		return false
	}
	*dst = &want
	return true
}

// differList is differ for lists, written as [] when empty, since null
// reads as no member.
func differList(dst **[]string, read, want []string) bool {
	if slices.Equal(read, want) {
		return false
	}
	list := append([]string{}, want...)
	*dst = &list
	return true
}

// differHeader is differ for multi-maps, compared as sameValues does.
func differHeader[M ~map[string][]string](dst **[]NameValue, read, want M) bool {
	if sameValues(read, want) {
		return false
	}
	list := fromHeader(want)
	*dst = &list
	return true
}

// sameValues reports whether two multi-maps hold the same values under the
// same names, in order. A name without values is no name: HAR lists values,
// and an empty map is a nil one.
func sameValues[M ~map[string][]string](a, b M) bool {
	n := 0
	for k, va := range a {
		if len(va) == 0 {
			continue
		}
		n++
		if !slices.Equal(va, b[k]) {
			return false
		}
	}
	for _, vb := range b {
		if len(vb) > 0 {
			n--
		}
	}
	return n == 0
}

// queryString lists the query of a URL in its order, for HAR's
// queryString, which readers use for display; what does not unescape is
// listed as written.
func queryString(raw string) []NameValue {
	out := []NameValue{}
	u, err := url.Parse(raw)
	if err != nil {
		return out
	}
	for pair := range strings.SplitSeq(u.RawQuery, "&") {
		if pair == "" {
			continue
		}
		name, value, _ := strings.Cut(pair, "=")
		out = append(out, NameValue{unescape(name), unescape(value)})
	}
	return out
}

func unescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

// withCookies returns h with the cookies of a HAR message as the header
// name (Cookie, one line; Set-Cookie, one each) when h lacks it. HAR tools
// write a message's cookies twice, in its headers and in its cookies
// array; a file whose headers were cleaned of them but whose array was not
// would otherwise carry them past every check, unseen.
func withCookies(h http.Header, name string, cookies []NameValue) http.Header {
	if len(cookies) == 0 {
		return h
	}
	for k := range h {
		if strings.EqualFold(k, name) {
			return h // In any spelling: HTTP/2 tools write "cookie".
		}
	}
	if h == nil {
		h = http.Header{}
	}
	if name == "Cookie" {
		pairs := make([]string, len(cookies))
		for i, c := range cookies {
			pairs[i] = c.Name + "=" + c.Value
		}
		h.Set(name, strings.Join(pairs, "; "))
		return h
	}
	for _, c := range cookies {
		h.Add(name, c.Name+"="+c.Value)
	}
	return h
}
