package vcr

import (
	"net/http"
	"strings"
)

// FieldLines says on which line of its file each part of an interaction
// is written, from 1; 0 where it could not be told.
type FieldLines struct {
	// Method, URL and RequestBody are the request's method, url and body.
	Method, URL, RequestBody int
	// Code, Status and ResponseBody are the response's code, status line
	// and body.
	Code, Status, ResponseBody int
	// RequestHeaders and ResponseHeaders map each header's name, in
	// canonical form, to its line.
	RequestHeaders, ResponseHeaders map[string]int
}

// LocateFields finds the lines of the parts of the interaction that starts
// at p in text (see Pos), reading the indentation of block-style YAML, as
// go-vcr writes it and people edit it. It is for pointing at a finding,
// never for reading the interaction: what it cannot place in block style
// (a flow mapping, a key in quotes it does not know) stays 0, and the
// caller points at the interaction's first line instead.
func LocateFields(text string, p Pos) FieldLines {
	var out FieldLines
	if p.Offset < 0 || p.Offset > len(text) {
		return out
	}
	rest := text[p.Offset:]
	dash := -1
	// section is "request" or "response" while inside one; sectionIndent
	// is the indentation of its key, keyIndent that of its keys, and
	// headerIndent that of the names under its headers key (-1 outside).
	var section string
	sectionIndent, keyIndent, headerIndent := -1, -1, -1
	inHeaders := false
	for n := p.Line; rest != ""; n++ {
		line := rest
		if i := strings.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			rest = ""
		}
		content := strings.TrimLeft(line, " ")
		indent := len(line) - len(content)
		if content == "" || content[0] == '#' {
			continue
		}
		if dash < 0 {
			// The item's first line: "- key: ...".
			if !strings.HasPrefix(content, "- ") {
				return out
			}
			dash = indent
			content = content[2:]
			indent += 2
		} else if indent <= dash {
			return out // The next interaction, or the end of the list.
		}
		key, _, _ := strings.Cut(content, ":")
		key = strings.Trim(strings.TrimSpace(key), `'"`)
		switch {
		case indent <= sectionIndent || section == "":
			section, sectionIndent, keyIndent, inHeaders = "", -1, -1, false
			if key == "request" || key == "response" {
				section, sectionIndent = key, indent
			}
		case keyIndent < 0 || indent == keyIndent:
			keyIndent, inHeaders, headerIndent = indent, false, -1
			out.set(section, key, n)
			inHeaders = key == "headers"
		case inHeaders && (headerIndent < 0 || indent == headerIndent) && !strings.HasPrefix(content, "- "):
			headerIndent = indent
			out.setHeader(section, http.CanonicalHeaderKey(key), n)
		}
	}
	return out
}

// set records the line of key in section.
func (f *FieldLines) set(section, key string, line int) {
	switch section + "." + key {
	case "request.method":
		f.Method = line
	case "request.url":
		f.URL = line
	case "request.body":
		f.RequestBody = line
	case "response.code":
		f.Code = line
	case "response.status":
		f.Status = line
	case "response.body":
		f.ResponseBody = line
	}
}

// setHeader records the line of the header name in section.
func (f *FieldLines) setHeader(section, name string, line int) {
	m := &f.RequestHeaders
	if section == "response" {
		m = &f.ResponseHeaders
	}
	if *m == nil {
		*m = map[string]int{}
	}
	if _, seen := (*m)[name]; !seen {
		(*m)[name] = line
	}
}
