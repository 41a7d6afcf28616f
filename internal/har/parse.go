package har

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/zcdrop/zcdrop/internal/redact"
)

// parser reads one entry from the bytes encoding/json's Decoder gave for
// it, which are therefore one JSON value, well formed. It reads them
// itself, about ten times as fast as the Decoder's Token method would, and
// knows where each member is, so that its errors name their line. It never
// recurses on the input: only the members it reads nest, a fixed few deep,
// and skip walks the rest with a counter.
type parser struct {
	b        []byte
	i        int
	depth    int // objects and arrays open, the document's included
	maxDepth int
	// Where the texts that conversion may refuse start, for its errors.
	postTextAt, contentTextAt int
}

// parseError is a fault at offset at of the entry, in the member at path.
type parseError struct {
	at   int
	path string
	err  error
}

func (p *parser) fail(at int, path, format string, args ...any) *parseError {
	return &parseError{at, path, fmt.Errorf(format, args...)}
}

// ws skips white space.
func (p *parser) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// peek returns the next byte that is not white space, 0 at the end.
func (p *parser) peek() byte {
	p.ws()
	if p.i >= len(p.b) {
		return 0
	}
	return p.b[p.i]
}

// kindName names the JSON kind of a value that starts with c.
func kindName(c byte) string {
	switch c {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

func (p *parser) wrongType(path, want string, c byte) *parseError {
	return p.fail(p.i, path, "want %s, got %s", want, kindName(c))
}

// skipString moves past the string at p.i, and reports whether it holds an
// escape.
func (p *parser) skipString() bool {
	escaped := false
	for p.i++; p.i < len(p.b); p.i++ {
		switch p.b[p.i] {
		case '\\':
			escaped = true
			p.i++
		case '"':
			p.i++
			return escaped
		}
	}
	return escaped
}

// str reads the string at p.i as encoding/json does: escapes decoded, and
// bytes that are not UTF-8 replaced by U+FFFD.
func (p *parser) str() string {
	start := p.i
	escaped := p.skipString()
	end := min(p.i, len(p.b))
	if raw := p.b[start+1 : max(start+1, end-1)]; !escaped && utf8.Valid(raw) {
		return string(raw)
	}
	var s string
	_ = json.Unmarshal(p.b[start:end], &s) // Well formed: the Decoder said so.
	return s
}

// memberNames are the names of the members that HAR files hold, given out
// by name instead of a copy of each.
var memberNames = func() map[string]string {
	m := map[string]string{}
	for _, n := range []string{
		"startedDateTime", "time", "request", "response", "cache", "timings", "serverIPAddress", "connection", "pageref", "comment",
		"method", "url", "httpVersion", "cookies", "headers", "queryString", "postData", "headersSize", "bodySize",
		"name", "value", "mimeType", "text", "encoding", "params",
		"status", "statusText", "content", "redirectURL", "size", "compression",
		"blocked", "dns", "connect", "send", "wait", "receive", "ssl", "_vcr",
	} {
		m[n] = n
	}
	return m
}()

// name reads a member's name, as str does.
func (p *parser) name() string {
	start := p.i
	if escaped := p.skipString(); !escaped && p.i <= len(p.b) {
		if n, ok := memberNames[string(p.b[start+1:p.i-1])]; ok {
			return n
		}
	}
	p.i = start
	return p.str()
}

// skipLiteral moves past a number, true, false or null.
func (p *parser) skipLiteral() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ',', ':', ']', '}', ' ', '\t', '\n', '\r':
			return
		}
		p.i++
	}
}

// skip moves past one value of any kind, nested no deeper than maxDepth:
// the value of member name of parent, or of parent itself when name is "".
// The path is built only for an error, since most members are skipped.
func (p *parser) skip(parent, name string) *parseError {
	path := func() string {
		if parent == "" || name == "" {
			return parent + name
		}
		return parent + "." + name
	}
	open := 0
	for {
		switch c := p.peek(); c {
		case 0:
			return p.fail(p.i, path(), "ends early")
		case '"':
			p.skipString()
		case '{', '[':
			if p.depth+open+1 > p.maxDepth {
				return p.fail(p.i, path(), "nests deeper than %d levels", p.maxDepth)
			}
			open++
			p.i++
			continue
		case '}', ']':
			open--
			p.i++
		case ',', ':':
			p.i++
			continue
		default:
			p.skipLiteral()
		}
		if open <= 0 {
			return nil
		}
	}
}

// maxSeenList is how many member names an object's duplicate check keeps in
// a list before it takes a map: a list is faster for HAR's few, a map stays
// fast for a hostile many.
const maxSeenList = 16

// object reads the object at p.i, named path, and calls member for each of
// its members with the reader at the value, which member must read or skip.
// A name given twice is an error.
func (p *parser) object(path string, member func(name string) *parseError) *parseError {
	if c := p.peek(); c != '{' {
		return p.wrongType(path, "an object", c)
	}
	if p.depth+1 > p.maxDepth {
		return p.fail(p.i, path, "nests deeper than %d levels", p.maxDepth)
	}
	p.depth++
	p.i++
	var names [maxSeenList]string
	list := names[:0]
	var set map[string]bool
	for {
		switch p.peek() {
		case '}':
			p.i++
			p.depth--
			return nil
		case ',':
			p.i++
			continue
		case 0:
			return p.fail(p.i, path, "ends early")
		}
		at := p.i
		name := p.name()
		dup := false
		switch {
		case set != nil:
			dup = set[name]
			set[name] = true
		case len(list) < maxSeenList:
			for _, n := range list {
				dup = dup || n == name
			}
			list = append(list, name)
		default:
			set = map[string]bool{name: true}
			for _, n := range list {
				dup = dup || n == name
				set[n] = true
			}
		}
		if dup {
			return p.fail(at, path, "member %q is given twice; readers disagree on which one counts", redact.MaskKeyName(name))
		}
		p.peek()
		p.i++ // the colon
		if err := member(name); err != nil {
			return err
		}
	}
}

// array reads the array at p.i, named path, and calls item for each of its
// values with its index; null reads as an empty array.
func (p *parser) array(path string, item func(i int) *parseError) *parseError {
	switch c := p.peek(); c {
	case 'n':
		p.skipLiteral()
		return nil
	case '[':
	default:
		return p.wrongType(path, "an array", c)
	}
	if p.depth+1 > p.maxDepth {
		return p.fail(p.i, path, "nests deeper than %d levels", p.maxDepth)
	}
	p.depth++
	p.i++
	for n := 0; ; {
		switch p.peek() {
		case ']':
			p.i++
			p.depth--
			return nil
		case ',':
			p.i++
			continue
		case 0:
			return p.fail(p.i, path, "ends early")
		}
		if err := item(n); err != nil {
			return err
		}
		n++
	}
}

// string reads a string; null reads as "".
func (p *parser) string(path string) (string, *parseError) {
	switch c := p.peek(); c {
	case '"':
		return p.str(), nil
	case 'n':
		p.skipLiteral()
		return "", nil
	default:
		return "", p.wrongType(path, "a string", c)
	}
}

// optString reads a string into a pointer; null leaves it nil.
func (p *parser) optString(path string, dst **string) *parseError {
	if p.peek() == 'n' {
		p.skipLiteral()
		return nil
	}
	s, err := p.string(path)
	*dst = &s
	return err
}

// number reads a number as written; ok is false for null.
func (p *parser) number(path string) (lit string, ok bool, err *parseError) {
	switch c := p.peek(); {
	case c == 'n':
		p.skipLiteral()
		return "", false, nil
	case c == '-' || c >= '0' && c <= '9':
		start := p.i
		p.skipLiteral()
		return string(p.b[start:p.i]), true, nil
	default:
		return "", false, p.wrongType(path, "a number", c)
	}
}

// integer reads an integer within [lo, hi]; ok is false for null.
func (p *parser) integer(path string, lo, hi int64) (int64, bool, *parseError) {
	at := p.i
	lit, ok, err := p.number(path)
	if !ok || err != nil {
		return 0, ok, err
	}
	n, perr := strconv.ParseInt(lit, 10, 64)
	if perr != nil {
		// 2e2 and 200.0 are integers too; 200.5 and 1e300 are not.
		f, ferr := strconv.ParseFloat(lit, 64)
		if ferr != nil || f != math.Trunc(f) || f < float64(lo) || f > float64(hi) {
			return 0, false, p.fail(at, path, "want an integer from %d to %d, got %s", lo, hi, quote(lit))
		}
		n = int64(f)
	}
	if n < lo || n > hi {
		return 0, false, p.fail(at, path, "want an integer from %d to %d, got %s", lo, hi, quote(lit))
	}
	return n, true, nil
}

// optInt reads an int32 into a pointer; null leaves it nil.
func (p *parser) optInt(path string, dst **int) *parseError {
	n, ok, err := p.integer(path, math.MinInt32, math.MaxInt32)
	if ok {
		v := int(n)
		*dst = &v
	}
	return err
}

// optInt64 reads an int64 into a pointer; null leaves it nil.
func (p *parser) optInt64(path string, dst **int64) *parseError {
	n, ok, err := p.integer(path, math.MinInt64, math.MaxInt64)
	if ok {
		*dst = &n
	}
	return err
}

// optBool reads a boolean into a pointer; null leaves it nil.
func (p *parser) optBool(path string, dst **bool) *parseError {
	switch c := p.peek(); c {
	case 'n':
		p.skipLiteral()
		return nil
	case 't', 'f':
		v := c == 't'
		p.skipLiteral()
		*dst = &v
		return nil
	default:
		return p.wrongType(path, "a boolean", c)
	}
}

// maxMillis is the largest time, in milliseconds, whose nanoseconds fit a
// time.Duration with room to spare: some 100 days.
const maxMillis = 9e12

// millis reads a time in milliseconds.
func (p *parser) millis(path string) (float64, *parseError) {
	at := p.i
	lit, ok, err := p.number(path)
	if !ok || err != nil {
		return 0, err
	}
	f, ferr := strconv.ParseFloat(lit, 64)
	if ferr != nil || math.Abs(f) > maxMillis {
		return 0, p.fail(at, path, "want milliseconds from %g to %g, got %s", -maxMillis, maxMillis, quote(lit))
	}
	return f, nil
}

// maxNameValues caps the headers, cookies or query values of a message.
const maxNameValues = 10_000

// nameValues reads a list of {"name", "value"} objects. A name is
// required, a missing value is "".
func (p *parser) nameValues(path string, dst *[]NameValue) *parseError {
	return p.array(path, func(i int) *parseError {
		p.peek()
		at := p.i
		if i == maxNameValues {
			// Each becomes a header, a cookie or a query value, which cost
			// many times the bytes that name them.
			return p.fail(at, path, "has more than %d items, more than any HTTP message holds", maxNameValues)
		}
		var nv NameValue
		hasName := false
		item := func() string { return fmt.Sprintf("%s[%d]", path, i) }
		err := p.object(path, func(name string) *parseError {
			var err *parseError
			switch name {
			case "name":
				hasName = true
				nv.Name, err = p.string(path)
			case "value":
				nv.Value, err = p.string(path)
			default:
				err = p.skip(path, "")
			}
			if err != nil {
				err.path = item() + "." + name
			}
			return err
		})
		if err != nil {
			if err.path == path {
				err.path = item()
			}
			return err
		}
		if !hasName {
			return p.fail(at, item(), "has no \"name\"")
		}
		*dst = append(*dst, nv)
		return nil
	})
}

// stringList reads a list of strings.
func (p *parser) stringList(path string, dst *[]string) *parseError {
	*dst = []string{}
	return p.array(path, func(i int) *parseError {
		s, err := p.string(fmt.Sprintf("%s[%d]", path, i))
		*dst = append(*dst, s)
		return err
	})
}

// optNameValues reads a list of {"name", "value"} into a pointer; null
// leaves it nil.
func (p *parser) optNameValues(path string, dst **[]NameValue) *parseError {
	if p.peek() == 'n' {
		p.skipLiteral()
		return nil
	}
	list := []NameValue{}
	*dst = &list
	return p.nameValues(path, &list)
}

// entry reads the entry that is all of p.b.
func (p *parser) entry(e *Entry) *parseError {
	var hasRequest, hasResponse bool
	err := p.object("", func(name string) *parseError {
		switch name {
		case "request":
			hasRequest = true
			return p.request(&e.Request)
		case "response":
			hasResponse = true
			return p.response(&e.Response)
		case "time":
			var err *parseError
			e.Time, err = p.millis("time")
			return err
		}
		return p.skip(name, "")
	})
	switch {
	case err != nil:
		return err
	case !hasRequest:
		return p.fail(0, "", "has no \"request\"")
	case !hasResponse:
		return p.fail(0, "", "has no \"response\"")
	}
	return nil
}

func (p *parser) request(r *Request) *parseError {
	p.peek()
	at := p.i
	var hasMethod, hasURL bool
	err := p.object("request", func(name string) *parseError {
		var err *parseError
		switch name {
		case "method":
			hasMethod = true
			r.Method, err = p.string("request.method")
		case "url":
			hasURL = true
			r.URL, err = p.string("request.url")
		case "httpVersion":
			r.HTTPVersion, err = p.string("request.httpVersion")
		case "headers":
			err = p.nameValues("request.headers", &r.Headers)
		case "cookies":
			err = p.nameValues("request.cookies", &r.Cookies)
		case "postData":
			if p.peek() == 'n' {
				p.skipLiteral()
				return nil
			}
			r.PostData = &PostData{}
			err = p.postData(r.PostData)
		case "_vcr":
			if p.peek() == 'n' {
				p.skipLiteral()
				return nil
			}
			r.VCR = &RequestVCR{}
			err = p.requestVCR(r.VCR)
		default:
			err = p.skip("request", name)
		}
		return err
	})
	switch {
	case err != nil:
		return err
	case !hasMethod:
		return p.fail(at, "request", "has no \"method\"")
	case !hasURL:
		return p.fail(at, "request", "has no \"url\"")
	}
	return nil
}

func (p *parser) postData(d *PostData) *parseError {
	return p.object("request.postData", func(name string) *parseError {
		var err *parseError
		switch name {
		case "mimeType":
			d.MimeType, err = p.string("request.postData.mimeType")
		case "text":
			p.postTextAt = p.i
			d.Text, err = p.string("request.postData.text")
		case "encoding":
			d.Encoding, err = p.string("request.postData.encoding")
		default:
			err = p.skip("request.postData", name)
		}
		return err
	})
}

func (p *parser) response(r *Response) *parseError {
	p.peek()
	at := p.i
	hasStatus := false
	r.BodySize = -1
	err := p.object("response", func(name string) *parseError {
		var err *parseError
		switch name {
		case "status":
			var n int64
			n, hasStatus, err = p.integer("response.status", math.MinInt32, math.MaxInt32)
			r.Status = int(n)
		case "statusText":
			r.StatusText, err = p.string("response.statusText")
		case "httpVersion":
			r.HTTPVersion, err = p.string("response.httpVersion")
		case "headers":
			err = p.nameValues("response.headers", &r.Headers)
		case "cookies":
			err = p.nameValues("response.cookies", &r.Cookies)
		case "content":
			err = p.content(&r.Content)
		case "bodySize":
			var n int64
			var ok bool
			if n, ok, err = p.integer("response.bodySize", math.MinInt64, math.MaxInt64); ok {
				r.BodySize = n
			}
		case "_vcr":
			if p.peek() == 'n' {
				p.skipLiteral()
				return nil
			}
			r.VCR = &ResponseVCR{}
			err = p.responseVCR(r.VCR)
		default:
			err = p.skip("response", name)
		}
		return err
	})
	switch {
	case err != nil:
		return err
	case !hasStatus:
		return p.fail(at, "response", "has no \"status\"")
	}
	return nil
}

func (p *parser) content(c *Content) *parseError {
	if p.peek() == 'n' {
		p.skipLiteral()
		return nil
	}
	return p.object("response.content", func(name string) *parseError {
		var err *parseError
		switch name {
		case "mimeType":
			c.MimeType, err = p.string("response.content.mimeType")
		case "text":
			p.contentTextAt = p.i
			c.Text, err = p.string("response.content.text")
		case "encoding":
			c.Encoding, err = p.string("response.content.encoding")
		default:
			err = p.skip("response.content", name)
		}
		return err
	})
}

func (p *parser) requestVCR(o *RequestVCR) *parseError {
	const at = "request._vcr."
	return p.object("request._vcr", func(name string) *parseError {
		switch name {
		case "proto":
			return p.optString(at+name, &o.Proto)
		case "protoMajor":
			return p.optInt(at+name, &o.ProtoMajor)
		case "protoMinor":
			return p.optInt(at+name, &o.ProtoMinor)
		case "contentLength":
			return p.optInt64(at+name, &o.ContentLength)
		case "transferEncoding":
			if p.peek() == 'n' {
				p.skipLiteral()
				return nil
			}
			o.TransferEncoding = new([]string)
			return p.stringList(at+name, o.TransferEncoding)
		case "trailer":
			return p.optNameValues(at+name, &o.Trailer)
		case "host":
			return p.optString(at+name, &o.Host)
		case "remoteAddr":
			return p.optString(at+name, &o.RemoteAddr)
		case "requestURI":
			return p.optString(at+name, &o.RequestURI)
		case "form":
			return p.optNameValues(at+name, &o.Form)
		case "headers":
			return p.optNameValues(at+name, &o.Headers)
		}
		return p.skip(at[:len(at)-1], name)
	})
}

func (p *parser) responseVCR(o *ResponseVCR) *parseError {
	const at = "response._vcr."
	return p.object("response._vcr", func(name string) *parseError {
		switch name {
		case "proto":
			return p.optString(at+name, &o.Proto)
		case "protoMajor":
			return p.optInt(at+name, &o.ProtoMajor)
		case "protoMinor":
			return p.optInt(at+name, &o.ProtoMinor)
		case "contentLength":
			return p.optInt64(at+name, &o.ContentLength)
		case "transferEncoding":
			if p.peek() == 'n' {
				p.skipLiteral()
				return nil
			}
			o.TransferEncoding = new([]string)
			return p.stringList(at+name, o.TransferEncoding)
		case "trailer":
			return p.optNameValues(at+name, &o.Trailer)
		case "uncompressed":
			return p.optBool(at+name, &o.Uncompressed)
		case "status":
			return p.optString(at+name, &o.Status)
		case "duration":
			return p.optInt64(at+name, &o.Duration)
		case "headers":
			return p.optNameValues(at+name, &o.Headers)
		}
		return p.skip(at[:len(at)-1], name)
	})
}
