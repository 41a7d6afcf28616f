package speclint

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
)

// codepoint is ECMA's \uXXXX escape, which kin-openapi rewrites into Go's
// \x{XXXX} before it compiles a pattern; the same rewrite keeps this rule
// in step with what the client and the gate really compile.
var codepoint = regexp.MustCompile(`\\u([0-9A-F]{4})`)

// compilePattern compiles an OpenAPI pattern as kin-openapi does, with Go's
// regexp package (RE2 syntax).
func compilePattern(p string) error {
	_, err := regexp.Compile(codepoint.ReplaceAllString(p, `\x{$1}`))
	return err
}

// patterns checks that every schema's pattern compiles in Go (zc006). An
// OpenAPI pattern is an ECMA-262 regular expression, but the client and
// the gate validate with Go's RE2, which refuses some of ECMA's syntax
// rather than match in more than linear time.
func (l *linter) patterns(s *sites) {
	for _, sc := range s.schemas {
		if sc.value.Pattern == "" {
			continue
		}
		if err := compilePattern(sc.value.Pattern); err != nil {
			l.add(RulePatternCompiles, pointer(sc.ptr, "pattern"), "pattern %q does not compile in Go's RE2 regexp syntax: %s", sc.value.Pattern, whyNotRE2(err))
		}
	}
}

// whyNotRE2 says why RE2 refused a pattern, where the reason is a feature
// that RE2 leaves out on purpose, and quotes regexp's error.
func whyNotRE2(err error) string {
	var se *syntax.Error
	if !errors.As(err, &se) {
		return err.Error()
	}
	var why string
	switch {
	case (se.Code == syntax.ErrInvalidPerlOp || se.Code == syntax.ErrInvalidNamedCapture) && isLookaround(se.Expr):
		why = "RE2 has no lookahead or lookbehind ((?=, (?!, (?<=, (?<!)"
	case se.Code == syntax.ErrInvalidEscape && (len(se.Expr) == 2 && se.Expr[1] >= '1' && se.Expr[1] <= '9' || se.Expr == `\k`):
		why = `RE2 has no backreferences (\1, \k<name>)`
	case se.Code == syntax.ErrInvalidRepeatOp && strings.HasSuffix(se.Expr, "+"):
		why = "RE2 has no possessive quantifiers (a++, a*+)"
	default:
		return se.Error()
	}
	return fmt.Sprintf("%s (%s)", why, se)
}

// isLookaround reports whether expr starts with one of ECMA's lookaround
// groups, which Go's parser reports as bad Perl syntax or a bad named
// capture.
func isLookaround(expr string) bool {
	for _, open := range []string{"(?=", "(?!", "(?<=", "(?<!"} {
		if strings.HasPrefix(expr, open) {
			return true
		}
	}
	return false
}
