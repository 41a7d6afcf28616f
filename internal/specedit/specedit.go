// Package specedit edits the text of copies of openapi.yaml for tests.
// Each edit says where it applies, a Scope (a key path, or an operation by
// its operationId), as well as what text it changes: the spec repeats much
// of its text from one operation to the next (responses, examples,
// parameters), and an edit anchored on text alone stops being unique, or
// lands in another operation, as soon as the spec grows.
//
// An edit that finds no block, or no text within it, fails the test with a
// message naming both: a test whose edit silently missed would check the
// spec against itself and prove nothing. Like conformancetest, the package
// imports testing, so only tests may import it.
package specedit

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// An Edit is one change to a spec's text, within a Scope's block. Make one
// with Replace, Append or Remove.
type Edit struct {
	in       Scope
	old, new string
	kind     editKind
}

type editKind int

const (
	replaceText editKind = iota
	appendLines
	removeBlock
)

// Replace returns the Edit that replaces the first occurrence of old within
// in's block by new. An old that starts with a space is indentation, and
// matches only at the start of a line: "      example: x" does not match
// the end of "        example: x".
func Replace(in Scope, old, new string) Edit {
	return Edit{in: in, old: old, new: new}
}

// Append returns the Edit that inserts lines, which must end with a
// newline, after the last line of in's block: a new member of a mapping, a
// new item of a list, indented as its siblings are.
func Append(in Scope, lines string) Edit {
	return Edit{in: in, new: lines, kind: appendLines}
}

// Remove returns the Edit that removes in's block, its key's line and all.
func Remove(in Scope) Edit {
	return Edit{in: in, kind: removeBlock}
}

// Apply returns text with each edit made in turn, each on the text the
// ones before it made. It fails the test at the first edit that does not
// apply.
func Apply(t testing.TB, text string, edits ...Edit) string {
	t.Helper()
	for i, e := range edits {
		var err error
		if text, err = e.apply(text); err != nil {
			t.Fatalf("specedit: edit %d of %d: %v", i+1, len(edits), err)
		}
	}
	return text
}

// LineOf returns the 1-based line of text on which the first occurrence of
// at within in's block starts, matched as Replace matches old: a test
// names the line where it wants a problem reported as an edit names what
// it changes.
func LineOf(t testing.TB, text string, in Scope, at string) int {
	t.Helper()
	i, err := find(text, in, at)
	if err != nil {
		t.Fatalf("specedit: %v", err)
	}
	return strings.Count(text[:i], "\n") + 1
}

func (e Edit) apply(text string) (string, error) {
	switch e.kind {
	case appendLines:
		if !strings.HasSuffix(e.new, "\n") {
			return "", fmt.Errorf("the lines appended to %s do not end with a newline: %q", e.in, e.new)
		}
		_, end, err := e.in.block(text)
		if err != nil {
			return "", err
		}
		return text[:end] + e.new + text[end:], nil
	case removeBlock:
		start, end, err := e.in.block(text)
		if err != nil {
			return "", err
		}
		return text[:start] + text[end:], nil
	default:
		i, err := find(text, e.in, e.old)
		if err != nil {
			return "", err
		}
		return text[:i] + e.new + text[i+len(e.old):], nil
	}
}

// find returns the offset in text of the first occurrence of s within
// in's block; an s that starts with a space must start a line.
func find(text string, in Scope, s string) (int, error) {
	if s == "" {
		return 0, errors.New("the text to find is empty")
	}
	start, end, err := in.block(text)
	if err != nil {
		return 0, err
	}
	block := text[start:end]
	for from := 0; ; {
		i := strings.Index(block[from:], s)
		if i < 0 {
			break
		}
		i += from
		if s[0] != ' ' || i == 0 || block[i-1] == '\n' {
			return start + i, nil
		}
		from = i + 1
	}
	first := strings.Count(text[:start], "\n") + 1
	last := first + strings.Count(strings.TrimSuffix(block, "\n"), "\n")
	return 0, fmt.Errorf("%q does not occur within %s (lines %d-%d)", s, in, first, last)
}
