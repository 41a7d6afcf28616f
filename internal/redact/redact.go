// Package redact is the one place in zcdrop that knows how to hide a secret:
// in a string, a body, a header, a URL and an error. Every other package
// calls it, so that the rule for what is hidden, and the word that replaces
// it, are written once.
//
// # What is hidden
//
// Each secret is hidden wherever it occurs, whatever surrounds it, as it is
// written and in the encodings a server or a library may give it:
//
//   - escaped: a text is read once more with every percent-escape (%XX, in
//     either case) and every JSON escape (\uXXXX in either case, surrogate
//     pairs, \" \/ and the rest) decoded, up to a few times over, and a
//     secret found there hides all the text it came from; so a copy that
//     is escaped only in part, or escaped twice, is found too;
//   - base64, in the standard and URL alphabets, padded or not, at each of
//     the three alignments a prefix can give it (base64 of "Bearer KEY" or
//     of "user:KEY"): the characters that depend on the secret alone are
//     hidden, and the one or two that mix it with its neighbours may stay;
//   - hex, in either case.
//
// A secret is hidden even inside a longer word: a secret shorter than 16
// bytes may so hide parts of ordinary text, which is why zcdrop accepts no
// key that short.
//
// # What looks like a key
//
// Where no key is known, as in a recording that was never redacted, a token
// that looks like one is found by one rule (HasKeyToken, and HasRandomToken
// for what holds an ID): the gate refuses a recording that holds one, and
// reports and errors that quote a recording mask it (MaskKeyTokens,
// MaskKeyName, MaskKeyPointer, MaskKeyTokensError).
package redact

import (
	"cmp"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf16"
)

// Placeholder replaces every secret. Recordings say "Bearer REDACTED", and
// the gate accepts that as a present key.
const Placeholder = "REDACTED"

// Secrets hides a fixed set of secrets. The zero value and nil hide nothing
// but Authorization values. It is safe for concurrent use, and printing it
// never shows a secret: they sit in a closure, which fmt prints as an
// address, even where it prints the fields of an unexported struct field.
type Secrets struct {
	patterns func() []string // longest first
}

// New returns the Secrets that hide each of secrets, in every form the
// package doc lists. Empty strings, and the placeholder itself, are ignored.
func New(secrets ...string) *Secrets {
	seen := map[string]bool{}
	var patterns []string
	for _, s := range secrets {
		if s == "" || s == Placeholder {
			continue
		}
		for _, form := range encodings(s) {
			if form != "" && form != Placeholder && !seen[form] {
				seen[form] = true
				patterns = append(patterns, form)
			}
		}
	}
	// Of two copies that start at the same byte, the longer is hidden whole.
	slices.SortFunc(patterns, func(a, b string) int {
		return cmp.Or(len(b)-len(a), strings.Compare(a, b))
	})
	return &Secrets{patterns: func() []string { return patterns }}
}

// list returns the patterns of s, none for nil or the zero value.
func (s *Secrets) list() []string {
	if s == nil || s.patterns == nil {
		return nil
	}
	return s.patterns()
}

// minShifted is the fewest characters of a shifted base64 form worth
// searching for: fewer would match by chance.
const minShifted = 8

// encodings returns s and the forms of it that String searches for
// literally; the escaped forms are found by decoding (see String).
func encodings(s string) []string {
	b := []byte(s)
	forms := []string{
		s,
		// A space escapes to '+' only in a query, which decoding does not
		// undo.
		url.QueryEscape(s),
		hex.EncodeToString(b),
		strings.ToUpper(hex.EncodeToString(b)),
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		forms = append(forms, enc.EncodeToString(b))
	}
	// Behind a prefix of k bytes, character j of base64 holds bits 6j to
	// 6j+6; it depends on the secret alone when they all fall in bytes k to
	// k+len(b).
	for k := range 3 {
		first := (8*k + 5) / 6
		last := 8*(k+len(b))/6 - 1
		if last-first+1 < minShifted {
			continue
		}
		shifted := append(make([]byte, k), b...)
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
			forms = append(forms, enc.EncodeToString(shifted)[first:last+1])
		}
	}
	return forms
}

// maxDecodes is how many times String decodes the escapes of a text, so
// that a secret escaped twice (%2573) is found, and a hostile text cannot
// make it work without end.
const maxDecodes = 3

// String returns v with every secret replaced.
func (s *Secrets) String(v string) string {
	patterns := s.list()
	if len(patterns) == 0 {
		return v
	}
	var found []span
	found = appendMatches(found, v, patterns, nil)
	// Search the decoded text too; each decoded byte knows the span of v it
	// came from, so a copy found there hides all of its escapes.
	text, from := v, []span(nil)
	for range maxDecodes {
		next, at, changed := decode(text)
		if !changed {
			break
		}
		if from != nil {
			for i, a := range at {
				at[i] = span{from[a.start].start, from[a.end-1].end}
			}
		}
		text, from = next, at
		found = appendMatches(found, text, patterns, from)
	}
	if len(found) == 0 {
		return v
	}
	slices.SortFunc(found, func(a, b span) int { return cmp.Or(a.start-b.start, b.end-a.end) })
	var out strings.Builder
	last := 0
	for _, f := range found {
		if f.start < last {
			// Overlaps a copy already hidden: hide the union.
			last = max(last, f.end)
			continue
		}
		out.WriteString(v[last:f.start])
		out.WriteString(Placeholder)
		last = f.end
	}
	out.WriteString(v[last:])
	return out.String()
}

// span is a range of bytes, end excluded.
type span struct{ start, end int }

// appendMatches appends the span of every copy of patterns in text; from,
// when not nil, maps each byte of text to the span of the original it
// stands for.
func appendMatches(found []span, text string, patterns []string, from []span) []span {
	for _, p := range patterns {
		for i := 0; i < len(text); {
			j := strings.Index(text[i:], p)
			if j < 0 {
				break
			}
			start, end := i+j, i+j+len(p)
			if from != nil {
				found = append(found, span{from[start].start, from[end-1].end})
			} else {
				found = append(found, span{start, end})
			}
			i = end
		}
	}
	return found
}

// jsonEscapes maps the character after a backslash to what JSON means by it.
var jsonEscapes = map[byte]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// decode returns v with every percent-escape and JSON escape decoded, and
// for each byte of the result the span of v it came from; changed is false
// when v holds no escape.
func decode(v string) (string, []span, bool) {
	if !strings.ContainsAny(v, "%\\") {
		return v, nil, false
	}
	out := make([]byte, 0, len(v))
	at := make([]span, 0, len(v))
	changed := false
	for i := 0; i < len(v); {
		if c, ok := unhex(v, i+1, 2); v[i] == '%' && ok {
			out, at = append(out, byte(c)), append(at, span{i, i + 3})
			i += 3
			changed = true
			continue
		}
		if v[i] == '\\' && i+1 < len(v) {
			if r, end := unicodeEscape(v, i); end > i {
				for _, c := range []byte(string(r)) {
					out, at = append(out, c), append(at, span{i, end})
				}
				i = end
				changed = true
				continue
			}
			if c, ok := jsonEscapes[v[i+1]]; ok {
				out, at = append(out, c), append(at, span{i, i + 2})
				i += 2
				changed = true
				continue
			}
		}
		out, at = append(out, v[i]), append(at, span{i, i + 1})
		i++
	}
	return string(out), at, changed
}

// unicodeEscape decodes the JSON \uXXXX escape at v[i], or the surrogate
// pair of two, and returns the rune and where the escape ends; end is i
// when there is none, or only half a pair.
func unicodeEscape(v string, i int) (rune, int) {
	u, ok := unhex(v, i+2, 4)
	if v[i+1] != 'u' || !ok {
		return 0, i
	}
	r := rune(u)
	if !utf16.IsSurrogate(r) {
		return r, i + 6
	}
	if lo, ok := unhex(v, i+8, 4); ok && i+7 < len(v) && v[i+6] == '\\' && v[i+7] == 'u' {
		if pair := utf16.DecodeRune(r, rune(lo)); pair != unicode.ReplacementChar {
			return pair, i + 12
		}
	}
	return 0, i
}

// unhex parses the n hex digits, of either case, at v[i].
func unhex(v string, i, n int) (int, bool) {
	if i+n > len(v) {
		return 0, false
	}
	x := 0
	for _, c := range []byte(v[i : i+n]) {
		switch {
		case '0' <= c && c <= '9':
			x = x<<4 | int(c-'0')
		case 'a' <= c && c <= 'f':
			x = x<<4 | int(c-'a'+10)
		case 'A' <= c && c <= 'F':
			x = x<<4 | int(c-'A'+10)
		default:
			return 0, false
		}
	}
	return x, true
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
