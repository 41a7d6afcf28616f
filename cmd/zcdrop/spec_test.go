package main

import (
	"strings"
	"testing"
)

// TestSpecDispatch: "zcdrop spec" names its commands, and refuses what is
// not one.
func TestSpecDispatch(t *testing.T) {
	for _, tt := range []struct {
		args               []string
		code               int
		inStdout, inStderr string
	}{
		{args: []string{"spec"}, code: exitUsage, inStderr: "zcdrop spec lint"},
		{args: []string{"spec", "help"}, code: exitOK, inStdout: "zcdrop spec regen"},
		{args: []string{"spec", "--help"}, code: exitOK, inStdout: "zcdrop spec drift"},
		{args: []string{"spec", "fmt"}, code: exitUsage, inStderr: `unknown command "fmt"`},
		{args: []string{"spec", "\x1b[2Jx"}, code: exitUsage, inStderr: `unknown command "\x1b[2Jx"`},
	} {
		code, stdout, stderr := runCLI(t, tt.args...)
		if code != tt.code || !strings.Contains(stdout, tt.inStdout) || !strings.Contains(stderr, tt.inStderr) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want %d, %q, %q", tt.args, code, stdout, stderr, tt.code, tt.inStdout, tt.inStderr)
		}
	}
}
