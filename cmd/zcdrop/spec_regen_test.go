package main

import (
	"strings"
	"testing"
)

// The cycle's steps and summary are tested in internal/regen, and the whole
// cycle, as the README's worked examples run it, in the repository's root
// (TestReadmeRegenExamples). Here: the flags.

func TestSpecRegenUsage(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{name: "not the root", args: []string{"--dir", t.TempDir()}, want: "run it from the repository's root"},
		{name: "an option for a ref", args: []string{"--base", "--output=x", "--dir", "../.."}, want: `is not a git ref`},
		{name: "an empty ref", args: []string{"--base", "", "--dir", "../.."}, want: `is not a git ref`},
		{name: "operands", args: []string{"openapi.yaml"}, want: "unexpected arguments"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, append([]string{"spec", "regen"}, tt.args...)...)
			if code != exitUsage || stdout != "" || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 and %q", code, stdout, stderr, tt.want)
			}
		})
	}
}
