package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The whole cycle, as the README's worked examples run it, is tested in
// the repository's root (TestReadmeRegenExamples). These are its parts.

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

// TestInteractionLine: a failing interaction is named at the line where it
// starts, and a file that cannot say is named at line 1.
func TestInteractionLine(t *testing.T) {
	dir := t.TempDir()
	cassette := filepath.Join(dir, "c.yaml")
	body := "# a comment\n---\nversion: 2\ninteractions:\n    - id: 0\n      request: {}\n    - id: 1\n      request: {}\n"
	if err := os.WriteFile(cassette, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	garbage := filepath.Join(dir, "g.yaml")
	if err := os.WriteFile(garbage, []byte("{{{"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		path string
		id   int
		want int
	}{
		{cassette, 0, 5},
		{cassette, 1, 7},
		{cassette, 2, 1},
		{garbage, 0, 1},
		{filepath.Join(dir, "missing.yaml"), 0, 1},
	} {
		if got := interactionLine(tt.path, tt.id); got != tt.want {
			t.Errorf("interactionLine(%s, %d) = %d, want %d", filepath.Base(tt.path), tt.id, got, tt.want)
		}
	}
}

// TestMockHandlerLocation names the line of the reference mock's
// DropCluster handler, which the summary points at.
func TestMockHandlerLocation(t *testing.T) {
	got := mockHandlerLocation("../..")
	m := regexp.MustCompile(`^mock/([a-z_]+\.go):(\d+) \(DropCluster\)$`).FindStringSubmatch(got)
	if m == nil {
		t.Fatalf("mockHandlerLocation = %q, want mock/FILE:LINE (DropCluster)", got)
	}
	src, err := os.ReadFile(filepath.Join("../../mock", m[1]))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(src), "\n")
	var n int
	for i, l := range lines {
		if strings.HasPrefix(l, "func (") && strings.Contains(l, ") DropCluster(") {
			n = i + 1
		}
	}
	if want := m[1] + ":" + strconv.Itoa(n); !strings.HasSuffix(strings.TrimSuffix(got, " (DropCluster)"), want) {
		t.Errorf("mockHandlerLocation = %q, want line %d", got, n)
	}
	if got := mockHandlerLocation(t.TempDir()); got != "mock/" {
		t.Errorf("without a mock package: %q, want mock/", got)
	}
}

// TestBoundedBuffer keeps what fits, drops the rest, and says so.
func TestBoundedBuffer(t *testing.T) {
	b := boundedBuffer{max: 5}
	for _, p := range []string{"abc", "defg", "h"} {
		if n, err := b.Write([]byte(p)); n != len(p) || err != nil {
			t.Fatalf("Write(%q) = %d, %v; want all of it taken", p, n, err)
		}
	}
	if got := b.String(); got != "abcde\n… (output cut)" {
		t.Errorf("String() = %q", got)
	}
}
