package specdrift

import (
	"strings"

	"github.com/zcdrop/zcdrop/internal/redact"
)

// A recording that was never redacted, or was written by hand, may carry a
// key where drift quotes what it read: a message that echoes it, a
// member's or a header's name, a request ID, a method. Drift quotes none:
// what looks like a key is masked where it is read, by the rules the gate
// uses to find a credential in a recording (conformance's hasKeyToken), so
// that neither a report, in any format, nor a proposed patch carries one.

// keyLikeName replaces a name that is a key, member's or header's, as the
// gate's reports do.
const keyLikeName = "<key-like name>"

// Lengths from which a token is taken for a key: one that mixes upper-case
// letters, lower-case letters and digits, as random keys do; or a run of
// letters and digits with both in it, of any case, as a hexadecimal key is.
const (
	minRandomToken = 20
	minLongToken   = 32
)

// maskKeys returns s with each run of [A-Za-z0-9_+=-] that looks like a key
// (see isKeyToken) replaced by redact.Placeholder.
func maskKeys(s string) string {
	var b strings.Builder
	start := -1
	for i := 0; i <= len(s); i++ {
		if i < len(s) && isTokenByte(s[i]) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			if run := s[start:i]; isKeyToken(run, true) {
				b.WriteString(redact.Placeholder)
			} else {
				b.WriteString(run)
			}
			start = -1
		}
		if i < len(s) {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// maskName returns name, or keyLikeName when it holds a key.
func maskName(name string) string {
	if maskKeys(name) != name {
		return keyLikeName
	}
	return name
}

// maskPointer returns a JSON pointer with each token that holds a key
// replaced by keyLikeName: a pointer locates, and a key that a server wrote
// as a member's name must not be printed.
func maskPointer(p string) string {
	tokens := strings.Split(p, "/")
	for i, t := range tokens {
		tokens[i] = maskName(t)
	}
	return strings.Join(tokens, "/")
}

// maskID returns a request ID, or redact.Placeholder when it holds a random
// key. Request IDs are often 32 hexadecimal digits or more, so, as the gate
// does for a header that holds an ID, only the random-key rule applies.
func maskID(id string) string {
	for _, run := range strings.FieldsFunc(id, func(r rune) bool { return r > 0x7f || !isTokenByte(byte(r)) }) {
		if isKeyToken(run, false) {
			return redact.Placeholder
		}
	}
	return id
}

func isTokenByte(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '+' || c == '='
}

// isKeyToken reports whether run, of token bytes, is a random key (at
// least minRandomToken bytes, with an upper-case letter, a lower-case
// letter and a digit) or, when long is true, holds a run of at least
// minLongToken letters and digits with both in it.
func isKeyToken(run string, long bool) bool {
	upper := strings.ContainsFunc(run, func(r rune) bool { return r >= 'A' && r <= 'Z' })
	lower := strings.ContainsFunc(run, func(r rune) bool { return r >= 'a' && r <= 'z' })
	digit := strings.ContainsFunc(run, func(r rune) bool { return r >= '0' && r <= '9' })
	if len(run) >= minRandomToken && upper && lower && digit {
		return true
	}
	if !long {
		return false
	}
	for _, alnum := range strings.FieldsFunc(run, func(r rune) bool { return r == '-' || r == '_' || r == '+' || r == '=' }) {
		letter := strings.ContainsFunc(alnum, func(r rune) bool { return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' })
		if len(alnum) >= minLongToken && letter && strings.ContainsFunc(alnum, func(r rune) bool { return r >= '0' && r <= '9' }) {
			return true
		}
	}
	return false
}
