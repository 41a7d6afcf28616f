package vcr

import (
	"strconv"
	"strings"
	"time"
)

// DecodeFast reads a cassette in the layout that go-vcr (and Encode)
// writes: block mappings and sequences, keys that need no quotes, and
// scalars on one line, plain or in single quotes. It reads such a file as
// DecodeStrict does, to the same values, at a fraction of the cost, since
// it builds no YAML tree; the gate reads a corpus through it. It also
// returns where each interaction starts. For anything
// else (comments past the head, aliases, block scalars, escapes, flow
// collections, keys it does not know, a value whose YAML meaning it does
// not settle) it returns false, and the caller must read the file with
// DecodeStrict, which decides, and words every error.
func DecodeFast(text string, lim Limits) (*Cassette, []Pos, bool) {
	// Without aliases, every string decoded is a piece of the file, so the
	// text budget holds when the file fits it.
	if int64(len(text)) > lim.MaxTextBytes {
		return nil, nil, false
	}
	p := &fastParser{s: text, firstLine: 1}
	var pos []Pos
	p.skipHead()
	c := &Cassette{}
	var seen uint8
	ok := p.mapping(0, func(key, val string, indent int) bool {
		switch key {
		case "version":
			if seen&1 != 0 || val != "2" {
				return false
			}
			seen |= 1
			c.Version = FormatVersion
			return true
		case "interactions":
			if seen&2 != 0 || val != "" {
				return false
			}
			seen |= 2
			return p.sequence(indent, func(itemIndent int, first string) bool {
				in := &Interaction{}
				c.Interactions = append(c.Interactions, in)
				pos = append(pos, p.itemPos())
				return p.itemMapping(itemIndent, first, p.fields(in.set))
			})
		}
		return false
	})
	if !ok || seen != 3 || len(c.Interactions) == 0 || p.pos != len(p.s) {
		return nil, nil, false
	}
	return c, pos, true
}

// Pos is where an interaction starts in the text it was read from: the
// number of its first line, from 1, and the byte offset of that line.
type Pos struct {
	Line, Offset int
}

// fastParser walks the lines of a file.
type fastParser struct {
	s   string
	pos int
	// item is where the sequence item being read starts.
	item int
	// firstLine is the number of the line that s starts on; lines counts
	// the line breaks in s up to counted, so that each byte is counted
	// once however many items are numbered.
	firstLine, lines, counted int
}

// itemPos returns where the sequence item being read starts. Items come
// in order, so the count only moves on.
func (p *fastParser) itemPos() Pos {
	p.lines += strings.Count(p.s[p.counted:p.item], "\n")
	p.counted = p.item
	return Pos{Line: p.firstLine + p.lines, Offset: p.item}
}

// skipHead skips the comment lines and the "---" that may open a file.
func (p *fastParser) skipHead() {
	for p.pos < len(p.s) {
		line, next := p.line()
		switch {
		case line == "" || line[0] == '#':
		case line == "---":
			p.pos = next
			return
		default:
			return
		}
		p.pos = next
	}
}

// line returns the line at pos, and where the next one starts.
func (p *fastParser) line() (string, int) {
	end := strings.IndexByte(p.s[p.pos:], '\n')
	if end < 0 {
		return p.s[p.pos:], len(p.s)
	}
	return p.s[p.pos : p.pos+end], p.pos + end + 1
}

// peek returns the indentation and content of the line at pos, and false
// at the end of the file.
func (p *fastParser) peek() (int, string, int, bool) {
	if p.pos >= len(p.s) {
		return 0, "", 0, false
	}
	line, next := p.line()
	content := strings.TrimLeft(line, " ")
	return len(line) - len(content), content, next, true
}

// mapping reads a block mapping whose keys are at indent, handing each key
// and its inline value (empty when the value is a block below it) to f.
func (p *fastParser) mapping(indent int, f func(key, val string, indent int) bool) bool {
	n := 0
	for {
		in, content, next, ok := p.peek()
		if !ok || in < indent {
			return n > 0
		}
		if in != indent {
			return false
		}
		p.pos = next
		key, val, ok := splitKey(content)
		if !ok || !f(key, val, indent) {
			return false
		}
		n++
	}
}

// itemMapping reads a mapping that starts on a sequence item's line.
func (p *fastParser) itemMapping(indent int, first string, f func(key, val string, indent int) bool) bool {
	key, val, ok := splitKey(first)
	if !ok || !f(key, val, indent) {
		return false
	}
	_, _, _, more := p.peek()
	if !more {
		return true
	}
	if in, _, _, _ := p.peek(); in < indent {
		return true
	}
	return p.mapping(indent, f)
}

// sequence reads a block sequence below a key at keyIndent, handing f the
// indentation of each item's content and its first line.
func (p *fastParser) sequence(keyIndent int, f func(indent int, first string) bool) bool {
	in, content, _, ok := p.peek()
	if !ok || in <= keyIndent || !strings.HasPrefix(content, "- ") {
		return false
	}
	dash := in
	for {
		in, content, next, ok := p.peek()
		if !ok || in < dash {
			return true
		}
		if in != dash || !strings.HasPrefix(content, "- ") {
			return false
		}
		p.item = p.pos
		p.pos = next
		if !f(dash+2, content[2:]) {
			return false
		}
	}
}

// strings reads a block sequence of scalars below a key at keyIndent.
func (p *fastParser) strings(keyIndent int) ([]string, bool) {
	var out []string
	ok := p.sequence(keyIndent, func(_ int, first string) bool {
		s, ok := scalar(first)
		out = append(out, s)
		return ok
	})
	return out, ok
}

// header reads a mapping of names to lists of strings below a key at
// keyIndent, as http.Header and url.Values are written.
func (p *fastParser) header(keyIndent int) (map[string][]string, bool) {
	in, _, _, ok := p.peek()
	if !ok || in <= keyIndent {
		return nil, false
	}
	out := map[string][]string{}
	ok = p.mapping(in, func(name, val string, indent int) bool {
		if _, dup := out[name]; dup || val != "" {
			return false
		}
		vs, ok := p.strings(indent)
		out[name] = vs
		return ok
	})
	return out, ok
}

// splitKey splits "key: value" or "key:", for a key that needs no quotes.
func splitKey(content string) (string, string, bool) {
	i := strings.IndexByte(content, ':')
	if i <= 0 {
		return "", "", false
	}
	key, rest := content[:i], content[i+1:]
	for _, r := range key {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return "", "", false
		}
	}
	switch {
	case key[0] == '-' || isNullWord(key):
		return "", "", false
	case rest == "":
		return key, "", true
	case rest[0] != ' ' || len(rest) == 1:
		return "", "", false
	}
	return key, rest[1:], true
}

// scalar returns the string that v, a scalar on one line, means in a
// string field: the text in single quotes, or plain text that YAML takes
// as it is (not null, and free of what would make it other than plain).
func scalar(v string) (string, bool) {
	switch v {
	case "":
		return "", false
	case `""`:
		// How go-vcr writes an empty string.
		return "", true
	}
	if v[0] == '\'' {
		if len(v) < 2 || v[len(v)-1] != '\'' {
			return "", false
		}
		inner := v[1 : len(v)-1]
		if !strings.Contains(inner, "'") {
			return inner, true
		}
		out := strings.ReplaceAll(inner, "''", "")
		if strings.Contains(out, "'") {
			return "", false
		}
		return strings.ReplaceAll(inner, "''", "'"), true
	}
	if strings.ContainsAny(v[:1], "-?:,[]{}#&*!|>'\"%@`") || strings.Contains(v, ": ") ||
		strings.Contains(v, " #") || strings.HasSuffix(v, " ") || strings.HasSuffix(v, ":") ||
		strings.ContainsAny(v, "\t\r\\") || isNullWord(v) || v == "<<" {
		return "", false
	}
	return v, true
}

func isNullWord(v string) bool {
	return v == "~" || v == "null" || v == "Null" || v == "NULL"
}

// integer returns the plain decimal integer v.
func integer(v string) (int64, bool) {
	digits := strings.TrimPrefix(v, "-")
	if digits == "" || len(digits) > 1 && digits[0] == '0' {
		return 0, false
	}
	for _, r := range digits {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil
}

// fields hands f each key of a mapping once, with the parser; a key
// written twice, an error to YAML, makes it fail.
func (p *fastParser) fields(f func(p *fastParser, key, val string, indent int) bool) func(key, val string, indent int) bool {
	seen := map[string]bool{}
	return func(key, val string, indent int) bool {
		if seen[key] {
			return false
		}
		seen[key] = true
		return f(p, key, val, indent)
	}
}

// set decodes one key of an interaction.
func (in *Interaction) set(p *fastParser, key, val string, indent int) bool {
	switch key {
	case "id":
		n, ok := integer(val)
		in.ID = int(n)
		return ok && int64(int(n)) == n
	case "request":
		return val == "" && p.block(indent, p.fields(in.Request.set))
	case "response":
		return val == "" && p.block(indent, p.fields(in.Response.set))
	}
	return false
}

// block reads a block mapping below a key at keyIndent.
func (p *fastParser) block(keyIndent int, f func(key, val string, indent int) bool) bool {
	in, _, _, ok := p.peek()
	return ok && in > keyIndent && p.mapping(in, f)
}

// set decodes one key of a request.
func (r *Request) set(p *fastParser, key, val string, indent int) bool {
	var ok bool
	switch key {
	case "proto", "host", "remote_addr", "request_uri", "body", "url", "method":
		var v string
		v, ok = scalar(val)
		switch key {
		case "proto":
			r.Proto = v
		case "host":
			r.Host = v
		case "remote_addr":
			r.RemoteAddr = v
		case "request_uri":
			r.RequestURI = v
		case "body":
			r.Body = v
		case "url":
			r.URL = v
		default:
			r.Method = v
		}
	case "proto_major", "proto_minor":
		var n int64
		n, ok = integer(val)
		if key == "proto_major" {
			r.ProtoMajor = int(n)
		} else {
			r.ProtoMinor = int(n)
		}
	case "content_length":
		r.ContentLength, ok = integer(val)
	case "transfer_encoding":
		r.TransferEncoding, ok = p.list(val, indent)
	case "trailer", "headers", "form":
		var h map[string][]string
		h, ok = p.multimap(val, indent)
		switch key {
		case "trailer":
			r.Trailer = h
		case "headers":
			r.Headers = h
		default:
			r.Form = h
		}
	}
	return ok
}

// set decodes one key of a response.
func (r *Response) set(p *fastParser, key, val string, indent int) bool {
	var ok bool
	switch key {
	case "proto", "body", "status":
		var v string
		v, ok = scalar(val)
		switch key {
		case "proto":
			r.Proto = v
		case "body":
			r.Body = v
		default:
			r.Status = v
		}
	case "proto_major", "proto_minor", "code":
		var n int64
		n, ok = integer(val)
		switch key {
		case "proto_major":
			r.ProtoMajor = int(n)
		case "proto_minor":
			r.ProtoMinor = int(n)
		default:
			r.Code = int(n)
		}
	case "content_length":
		r.ContentLength, ok = integer(val)
	case "uncompressed":
		r.Uncompressed, ok = val == "true", val == "true" || val == "false"
	case "duration":
		// A number would be read as nanoseconds, or refused: left to
		// DecodeStrict.
		if _, isInt := integer(val); isInt {
			return false
		}
		v, isStr := scalar(val)
		d, err := time.ParseDuration(v)
		r.Duration, ok = d, isStr && err == nil
	case "transfer_encoding":
		r.TransferEncoding, ok = p.list(val, indent)
	case "trailer", "headers":
		var h map[string][]string
		h, ok = p.multimap(val, indent)
		if key == "trailer" {
			r.Trailer = h
		} else {
			r.Headers = h
		}
	}
	return ok
}

// list reads a block sequence of strings below a key at indent.
func (p *fastParser) list(val string, indent int) ([]string, bool) {
	switch val {
	case "[]":
		return []string{}, true
	case "":
	default:
		return nil, false
	}
	return p.strings(indent)
}

// multimap reads an http.Header or url.Values below a key at indent.
func (p *fastParser) multimap(val string, indent int) (map[string][]string, bool) {
	switch val {
	case "{}":
		// How go-vcr writes a response without headers.
		return map[string][]string{}, true
	case "":
	default:
		return nil, false
	}
	return p.header(indent)
}
