// Package termsafe makes text that a server, a recording or a file system
// chose safe to print on a terminal. Every text output of zcdrop passes
// such text through String; JSON output carries the raw value, which its
// encoding already escapes.
package termsafe

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// String returns s with every byte that could act on a terminal escaped as
// Go escapes it: control characters (C0, DEL and C1, so newlines, ESC and
// the CSI, OSC and DCS introducers), the bidirectional overrides and
// isolates that reorder what is shown, and invalid UTF-8. A server's text
// then cannot move the cursor, set the clipboard or a title, hide what
// follows, or fake a line of zcdrop's own. Printable text, in any script,
// is left as it is, and so is a string with nothing to escape.
//
// A CI log is a reader that acts on text too: GitHub Actions runs a
// workflow command written "::name::" at the start of a line, or
// "##[name]" anywhere in it (stop-commands, add-mask, error), so String
// writes "##[" as `##\[` and a leading "::" as `\::`: a file's name or a
// server's header, printed in a CI log, cannot forge an annotation or
// silence the ones that follow.
func String(s string) string {
	s = DefuseCI(s)
	if !needsEscape(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\x` + strconv.FormatUint(uint64(s[i]), 16))
		case unsafe(r):
			q := strconv.QuoteRuneToASCII(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// DefuseCI returns s, a line or a piece that may begin one, with the
// workflow commands that a CI log acts on made plain text, as String
// writes them; nothing else is escaped. It is for a line composed of
// pieces that String has escaped already.
func DefuseCI(s string) string {
	if strings.Contains(s, "##[") {
		s = strings.ReplaceAll(s, "##[", `##\[`)
	}
	if trimmed := strings.TrimLeft(s, " \t"); strings.HasPrefix(trimmed, "::") {
		s = s[:len(s)-len(trimmed)] + `\` + trimmed
	}
	return s
}

func needsEscape(s string) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || unsafe(r) {
			return true
		}
		i += size
	}
	return false
}

// unsafe reports whether r can act on a terminal rather than be shown.
func unsafe(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	}
	return false
}
