// Package redact is the one place in zcdrop that knows how to hide a secret:
// in a string, a body, a header, a URL and an error. Every other package
// calls it, so that the rule for what is hidden, and the word that replaces
// it, are written once.
//
// # What is hidden
//
// Each secret is hidden as it is written and in its common encodings:
// base64 (standard and URL alphabets, padded or not), percent-encoding (as
// url.QueryEscape and url.PathEscape write it, and with every byte
// escaped, in upper or lower case hex), and JSON (as encoding/json writes a
// string, and with every character written as \u escapes, in either case). A
// copy encoded any other way, or only partly escaped, is not found: callers
// that decode what a server sent (a JSON message) hide the decoded text
// too.
//
// A secret of 16 bytes or more is hidden wherever it occurs: a run that long
// is the secret, whatever surrounds it. A shorter one is hidden only where
// it stands as a whole token, not where a token byte extends it: a token
// byte is an ASCII letter or digit, '_', '-', or any byte of a non-ASCII
// character, so that a short secret is never cut out of a word or a cluster
// ID ("in01" stays in "in01-6183d6bac30f801"). A '.' or a space ends a
// token, so a secret at the end of a sentence is hidden.
package redact

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf16"
)

// Placeholder replaces every secret. Recordings say "Bearer REDACTED", and
// the gate accepts that as a present key.
const Placeholder = "REDACTED"

// anywhereLength is the length from which a secret is hidden wherever it
// occurs, and not only as a whole token.
const anywhereLength = 16

// Secrets hides a fixed set of secrets. The zero value and nil hide nothing
// but Authorization values. It is safe for concurrent use, and printing it
// never shows a secret: they sit in a closure, which fmt prints as an
// address, even where it prints the fields of an unexported struct field.
type Secrets struct {
	patterns func() []pattern // longest first
}

// pattern is one written form of a secret.
type pattern struct {
	text string
	// whole: hide text only where it stands as a whole token.
	whole bool
}

// New returns the Secrets that hide each of secrets, in every form the
// package doc lists. Empty strings, and the placeholder itself, are ignored.
func New(secrets ...string) *Secrets {
	byText := map[string]bool{} // form -> whole
	for _, s := range secrets {
		if s == "" || s == Placeholder {
			continue
		}
		whole := len(s) < anywhereLength
		for _, form := range encodings(s) {
			if form == Placeholder {
				continue
			}
			// A form shared by two secrets is hidden by the laxer rule.
			if w, seen := byText[form]; seen {
				whole = whole && w
			}
			byText[form] = whole
		}
	}
	patterns := make([]pattern, 0, len(byText))
	for text, whole := range byText {
		patterns = append(patterns, pattern{text: text, whole: whole})
	}
	// Of two copies that start at the same byte, the longer is hidden whole.
	slices.SortFunc(patterns, func(a, b pattern) int {
		return cmp.Or(len(b.text)-len(a.text), strings.Compare(a.text, b.text))
	})
	return &Secrets{patterns: func() []pattern { return patterns }}
}

// list returns the patterns of s, none for nil or the zero value.
func (s *Secrets) list() []pattern {
	if s == nil || s.patterns == nil {
		return nil
	}
	return s.patterns()
}

// encodings returns s and its common encodings (see the package doc).
func encodings(s string) []string {
	b := []byte(s)
	// Percent-encoding escapes bytes; a JSON \u escape is a UTF-16 unit.
	units := utf16.Encode([]rune(s))
	every := func(format string, n int, at func(int) any) string {
		var out strings.Builder
		for i := range n {
			fmt.Fprintf(&out, format, at(i))
		}
		return out.String()
	}
	byteAt := func(i int) any { return b[i] }
	unitAt := func(i int) any { return units[i] }
	forms := []string{
		s,
		base64.StdEncoding.EncodeToString(b),
		base64.RawStdEncoding.EncodeToString(b),
		base64.URLEncoding.EncodeToString(b),
		base64.RawURLEncoding.EncodeToString(b),
		url.QueryEscape(s),
		url.PathEscape(s),
		every("%%%02X", len(b), byteAt),
		every("%%%02x", len(b), byteAt),
		every(`\u%04x`, len(units), unitAt),
		every(`\u%04X`, len(units), unitAt),
	}
	// encoding/json escapes <, > and & unless told not to; other writers
	// escape only quotes, backslashes and control characters.
	for _, html := range []bool{true, false} {
		var buf strings.Builder
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(html)
		if enc.Encode(s) == nil {
			forms = append(forms, strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(buf.String()), `"`), `"`))
		}
	}
	return forms
}

// String returns v with every secret replaced.
func (s *Secrets) String(v string) string {
	patterns := s.list()
	if len(patterns) == 0 {
		return v
	}
	type span struct{ start, end int }
	var found []span
	for _, p := range patterns {
		for i := 0; i < len(v); {
			j := strings.Index(v[i:], p.text)
			if j < 0 {
				break
			}
			start, end := i+j, i+j+len(p.text)
			if p.whole && (extends(v, start-1, p.text[0]) || extends(v, end, p.text[len(p.text)-1])) {
				i = start + 1
				continue
			}
			found = append(found, span{start, end})
			i = end
		}
	}
	if len(found) == 0 {
		return v
	}
	slices.SortFunc(found, func(a, b span) int { return cmp.Or(a.start-b.start, b.end-a.end) })
	var out strings.Builder
	last := 0
	for _, f := range found {
		if f.start < last {
			continue // Inside a copy already hidden.
		}
		out.WriteString(v[last:f.start])
		out.WriteString(Placeholder)
		last = f.end
	}
	out.WriteString(v[last:])
	return out.String()
}

// extends reports whether the byte of v at i, next to a copy whose byte on
// that side is edge, would make the copy part of a longer token: both are
// token bytes.
func extends(v string, i int, edge byte) bool {
	return i >= 0 && i < len(v) && isTokenByte(v[i]) && isTokenByte(edge)
}

// isTokenByte reports whether c belongs to a word or an identifier: an
// ASCII letter or digit, '_', '-', or a byte of a non-ASCII character.
func isTokenByte(c byte) bool {
	return c >= 0x80 || c == '_' || c == '-' ||
		('0' <= c && c <= '9') || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

// Bytes returns b with every secret replaced; b itself is not modified.
func (s *Secrets) Bytes(b []byte) []byte {
	if len(s.list()) == 0 {
		return b
	}
	return []byte(s.String(string(b)))
}

// Header returns a copy of h in which every Authorization value keeps only
// its scheme (see Authorization) and every secret, in names and values, is
// replaced. It never modifies h, which may be the very map of a request
// that the program still holds. A nil h stays nil.
func (s *Secrets) Header(h http.Header) http.Header {
	return s.values(h, func(name string) bool { return strings.EqualFold(name, "Authorization") })
}

// Values returns a copy of m, a form or query, with every secret in names
// and values replaced. Unlike Header, it cuts no field to the placeholder:
// a field named "authorization" is no header. A nil m stays nil.
func (s *Secrets) Values(m url.Values) url.Values {
	return s.values(m, func(string) bool { return false })
}

// values copies a multi-map with every secret replaced, and each value of a
// name that isAuthorization accepts cut to its scheme.
func (s *Secrets) values(m map[string][]string, isAuthorization func(string) bool) map[string][]string {
	if m == nil {
		return nil
	}
	out := make(map[string][]string, len(m))
	for name, values := range m {
		auth := isAuthorization(name)
		vs := make([]string, len(values))
		for i, v := range values {
			if auth {
				v = Authorization(v)
			}
			vs[i] = s.String(v)
		}
		out[s.String(name)] = vs
	}
	return out
}

// Authorization hides the credential of an Authorization header value and
// keeps its scheme: "Bearer sk-123" becomes "Bearer REDACTED", so that a
// reader still sees which scheme was used. A value without a scheme becomes
// the placeholder alone.
func Authorization(v string) string {
	if scheme, _, ok := strings.Cut(v, " "); ok {
		return scheme + " " + Placeholder
	}
	return Placeholder
}

// IsRedactedAuthorization reports whether an Authorization value carries no
// credential but the placeholder, as a recording made through this package
// does.
func IsRedactedAuthorization(v string) bool {
	_, token, _ := strings.Cut(v, " ")
	return strings.TrimSpace(token) == Placeholder
}

// URL renders raw for a report: a user and password, every query value and
// the fragment become the placeholder, since the operations zcdrop checks
// take no query and no fragment, and any there may be a secret. A raw that does not parse is returned with
// only the secrets replaced.
func (s *Secrets) URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return s.String(raw)
	}
	if u.User != nil {
		u.User = url.User(Placeholder)
	}
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			q[k] = []string{Placeholder}
		}
		u.RawQuery = q.Encode()
	}
	if u.Fragment != "" || u.RawFragment != "" {
		u.Fragment, u.RawFragment = Placeholder, ""
	}
	return s.String(u.String())
}

// Error returns err with every secret hidden from its message. An err that
// quotes no secret is returned as it is. A *url.Error stays a *url.Error,
// with its URL and cause redacted, as go-github cleans it, so that
// errors.As finds it and its Timeout method still answers.
//
// Any other error that quotes a secret is replaced by one that errors.Is
// still matches against its whole chain, so that errors.Is(err,
// context.DeadlineExceeded) holds of a redacted timeout. It neither unwraps
// nor answers errors.As: every error behind it may print the secret, and
// nothing may hand one to a caller who then prints it.
func (s *Secrets) Error(err error) error {
	if err == nil || len(s.list()) == 0 {
		return err
	}
	msg := err.Error()
	clean := s.String(msg)
	if clean == msg {
		return err
	}
	if ue, ok := err.(*url.Error); ok {
		return &url.Error{Op: ue.Op, URL: s.String(ue.URL), Err: s.Error(ue.Err)}
	}
	return &redactedError{msg: clean, err: err}
}

// redactedError is an error whose message had a secret in it. It does not
// unwrap and does not answer errors.As, so that no code that walks the
// chain (some loggers print every link) or extracts from it ever meets the
// original message; Is, which hands nothing back, still reaches the whole
// chain.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }

// Is reports whether any error in the original chain matches target.
func (e *redactedError) Is(target error) bool { return errors.Is(e.err, target) }

// Timeout reports what the original error reports, so that a *url.Error
// whose cause was redacted still answers its Timeout method as before.
func (e *redactedError) Timeout() bool {
	t, ok := e.err.(interface{ Timeout() bool })
	return ok && t.Timeout()
}
