package zcdrop_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var updateReadme = flag.Bool("update-readme", false, "rewrite README.md's make regen examples with what make regen prints")

// TestReadmeRegenExamples runs the README's two worked examples of "Changing
// the spec" as written, in a git copy of the repository, and checks that
// make regen prints what the README shows: the optional field is clean, and
// making it required is breaking, with the examples, cassettes and mock
// named.
func TestReadmeRegenExamples(t *testing.T) {
	needMake(t)
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git on PATH, which make regen needs")
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	dir := copyRepo(t)
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"}, args...)...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	git("init", "-q")
	// Every git command below commits: it must act on the copy alone.
	top, err := exec.Command("git", "-C", dir, "rev-parse", "--show-toplevel").Output()
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := filepath.EvalSymlinks(strings.TrimSpace(string(top))); got != mustEvalSymlinks(t, dir) {
		t.Fatalf("git in the copy acts on %s, not on the copy %s", top, dir)
	}
	git("add", "-A")
	git("commit", "-qm", "base")
	git("switch", "-qc", "try-regen")

	for _, ex := range []struct {
		n        string
		setup    [][]string
		wantExit bool
	}{
		{n: "1", setup: [][]string{{"apply", "docs/regen/1-optional-status.patch"}}, wantExit: true},
		{n: "2", setup: [][]string{{"commit", "-qam", "an optional status"}, {"apply", "docs/regen/2-required-status.patch"}}, wantExit: false},
	} {
		want := readmeBlock(t, readme, "<!-- regen example "+ex.n+":")
		for _, args := range ex.setup {
			git(args...)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		cmd := exec.CommandContext(ctx, "make", "-s", "regen")
		cmd.Dir = dir
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		cancel()
		if (err == nil) != ex.wantExit {
			t.Errorf("example %s: make regen: %v, want success %v; stderr:\n%s", ex.n, err, ex.wantExit, stderr.String())
		}
		got := stdout.String()
		switch {
		case got == want:
		case *updateReadme:
			readme = bytes.Replace(readme, []byte("```text\n"+want+"```\n"), []byte("```text\n"+got+"```\n"), 1)
		default:
			t.Errorf("example %s: make regen printed, on stdout:\n%s\nthe README shows (go test -run TestReadmeRegenExamples -update-readme rewrites it):\n%s", ex.n, got, want)
		}
	}
	if *updateReadme {
		if err := os.WriteFile("README.md", readme, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func mustEvalSymlinks(t *testing.T, path string) string {
	t.Helper()
	p, err := filepath.EvalSymlinks(path)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// readmeBlock returns the fenced block that follows marker in readme.
func readmeBlock(t *testing.T, readme []byte, marker string) string {
	t.Helper()
	_, after, ok := strings.Cut(string(readme), marker)
	if !ok {
		t.Fatalf("README.md has no %q", marker)
	}
	_, after, ok = strings.Cut(after, "```text\n")
	if !ok {
		t.Fatalf("README.md has no text block after %q", marker)
	}
	block, _, ok := strings.Cut(after, "```\n")
	if !ok {
		t.Fatalf("README.md's block after %q is not closed", marker)
	}
	return block
}
