package redact

import "strings"

// What looks like a key, where no key is known. Secrets hides the keys it
// is given; a recording that was never redacted, or was written by hand,
// may carry one that nobody gave: in a header, a body, a member's name, a
// message that echoes it, a YAML error that quotes the file. The gate
// refuses a recording that holds one, and every report or error that
// quotes a recording masks it, by the one rule below, so that what the
// gate calls a credential is what the reports hide.
//
// A token is a run of letters, digits, '-', '_', '+' and '='. It looks like
// a key when it is a random key: at least minRandomToken long, with an
// upper-case letter, a lower-case letter and a digit in it; or when it
// holds a run of at least minLongToken letters and digits with both in it,
// of any case, as a hexadecimal or single-case key is. UUIDs, cluster IDs
// and words do neither.

// KeyLikeName replaces a name that looks like a key, a header's, a JSON
// member's or a method's: a report names where something is, and a key
// that a server or a hand-written recording used as a name must not be
// printed.
const KeyLikeName = "<key-like name>"

// minRandomToken is the length from which a token that mixes upper-case
// letters, lower-case letters and digits is taken for a key.
const minRandomToken = 20

// minLongToken is the length from which a run of letters and digits with
// both in it is taken for a key, whatever its case: longer than any ID the
// API sends but its request IDs, which are held to the random-key rule
// only (see HasRandomToken).
const minLongToken = 32

// HasKeyToken reports whether s holds a token that looks like a key, by
// either rule: HasRandomToken's, or a run of at least 32 letters and
// digits with both in it.
func HasKeyToken(s string) bool {
	if HasRandomToken(s) {
		return true
	}
	n, letter, digit := 0, false, false
	for i := 0; i <= len(s); i++ {
		var c byte
		if i < len(s) {
			c = s[i]
		}
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z':
			letter = true
		case c >= '0' && c <= '9':
			digit = true
		default:
			if n >= minLongToken && letter && digit {
				return true
			}
			n, letter, digit = 0, false, false
			continue
		}
		n++
	}
	return false
}

// HasRandomToken reports whether s holds a token of at least 20 letters,
// digits, '-', '_', '+' and '=' with an upper-case letter, a lower-case
// letter and a digit in it, as random keys have. It is the rule for what
// holds an ID or a digest, such as a request ID, which is often 32
// hexadecimal digits or more and would pass HasKeyToken's second rule.
func HasRandomToken(s string) bool {
	n, upper, lower, digit := 0, false, false, false
	for i := 0; i <= len(s); i++ {
		var c byte
		if i < len(s) {
			c = s[i]
		}
		switch {
		case c >= 'A' && c <= 'Z':
			upper = true
		case c >= 'a' && c <= 'z':
			lower = true
		case c >= '0' && c <= '9':
			digit = true
		case c == '-' || c == '_' || c == '+' || c == '=':
		default:
			if n >= minRandomToken && upper && lower && digit {
				return true
			}
			n, upper, lower, digit = 0, false, false, false
			continue
		}
		n++
	}
	return false
}

// HasKeyLikeRun reports whether s holds a run of at least 12 letters and
// digits with a digit in it: what is left of a key that was only partly
// redacted ("REDACTED-9f86d081884c7d65"), which words are not. It is for
// what is left of a value once the placeholder is taken out of it.
func HasKeyLikeRun(s string) bool {
	n, digit := 0, false
	for i := 0; i <= len(s); i++ {
		var c byte
		if i < len(s) {
			c = s[i]
		}
		switch {
		case c >= '0' && c <= '9':
			digit = true
			n++
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z':
			n++
		default:
			if n >= 12 && digit {
				return true
			}
			n, digit = 0, false
		}
	}
	return false
}

// MaskKeyTokens returns s with each token that looks like a key (see
// HasKeyToken) replaced by Placeholder, and all else as it was.
func MaskKeyTokens(s string) string {
	if !HasKeyToken(s) {
		return s
	}
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
			// A token is one run: HasKeyToken judges it alone.
			if run := s[start:i]; HasKeyToken(run) {
				b.WriteString(Placeholder)
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

func isTokenByte(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '+' || c == '='
}

// MaskKeyName returns name, or KeyLikeName when it holds a token that looks
// like a key: a name that is partly a key is no name to print either.
func MaskKeyName(name string) string {
	if HasKeyToken(name) {
		return KeyLikeName
	}
	return name
}

// MaskKeyPointer returns the JSON pointer p with each reference token that
// holds what looks like a key replaced by KeyLikeName (see MaskKeyName):
// a pointer locates, and a key that a server wrote as a member's name must
// not be printed.
func MaskKeyPointer(p string) string {
	tokens := strings.Split(p, "/")
	for i, t := range tokens {
		tokens[i] = MaskKeyName(t)
	}
	return strings.Join(tokens, "/")
}

// MaskKeyTokensError returns err with each token of its message that looks
// like a key replaced, as MaskKeyTokens does: for an error that quotes a
// file no key was known for, such as a YAML parser's quoting a duplicate
// key. An err that quotes none is returned as it is. Like Error, it
// returns an error that errors.Is still matches against the whole chain,
// but that neither unwraps nor answers errors.As, since every error behind
// it prints the key.
func MaskKeyTokensError(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	clean := MaskKeyTokens(msg)
	if clean == msg {
		return err
	}
	return &redactedError{msg: clean, err: err}
}
