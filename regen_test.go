package zcdrop_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/zcdrop/zcdrop/internal/specedit"
)

var updateReadme = flag.Bool("update-readme", false, "rewrite README.md's make regen examples with what make regen prints")

// TestReadmeRegenExamples runs the README's two worked examples of "Changing
// the spec" as written, in a git copy of the repository, and checks that
// make regen prints what the README shows: the optional field is clean, and
// making it required is breaking, with the examples, cassettes and mock
// named.
func TestReadmeRegenExamples(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	dir, git := gitCopy(t)
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

// gitCopy copies the working tree to a new git repository, with one
// commit, and returns it with a function that runs git there. It skips the
// test where make, go or git is missing.
func gitCopy(t *testing.T) (string, func(args ...string)) {
	t.Helper()
	needMake(t)
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git on PATH, which the Makefile's regen and breaking need")
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
	// Every git command in the copy commits, or checks out: it must act on
	// the copy alone.
	top, err := exec.Command("git", "-C", dir, "rev-parse", "--show-toplevel").Output()
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := filepath.EvalSymlinks(strings.TrimSpace(string(top))); got != mustEvalSymlinks(t, dir) {
		t.Fatalf("git in the copy acts on %s, not on the copy %s", top, dir)
	}
	git("add", "-A")
	git("commit", "-qm", "base")
	return dir, git
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

// replaceInFile replaces old by new, once, in the file at path, failing the
// test when old is not there, and returns the file as it was.
func replaceInFile(t *testing.T, path, old, new string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(old)) {
		t.Fatalf("%s has no %q; this test edits it", path, old)
	}
	if err := os.WriteFile(path, bytes.Replace(b, []byte(old), []byte(new), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	return b
}

// editSpec makes edits to the spec at path, failing the test when one does
// not apply, and returns the file as it was.
func editSpec(t *testing.T, path string, edits ...specedit.Edit) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(specedit.Apply(t, string(b), edits...)), 0o644); err != nil {
		t.Fatal(err)
	}
	return b
}

func writeBack(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestMakeBreakingAndRegen checks, in one git copy (each make regen builds
// the tree), the Makefile's breaking and regen targets on spec edits:
//   - make breaking passes on an unedited spec, and fails on a narrower
//     clusterId pattern with an ERR line that names oasdiff's check;
//   - after a make regen whose regeneration broke the build (a renamed
//     operation), make regen still runs once the spec is restored: the tool
//     is built with api/ as at BASE, and the cycle ends clean;
//   - when the tool builds neither way, make regen prints the compiler's
//     errors and what to do, and exits 2.
func TestMakeBreakingAndRegen(t *testing.T) {
	dir, _ := gitCopy(t)
	spec := filepath.Join(dir, "openapi.yaml")

	t.Run("breaking", func(t *testing.T) {
		if out, ok := runMake(t, dir, nil, "-s", "breaking"); !ok {
			t.Errorf("make breaking on an unedited spec failed:\n%s", out)
		}
		original := editSpec(t, spec, specedit.Replace(specedit.Path("components", "parameters", "ClusterId", "schema"), `pattern: '^in([0-9]{2})?-[a-z0-9]+$'`, `pattern: '^in01-[a-z0-9]+$'`))
		defer writeBack(t, spec, original)
		out, ok := runMake(t, dir, nil, "-s", "breaking")
		if ok {
			t.Errorf("make breaking passed a narrower clusterId pattern:\n%s", out)
		}
		if !regexp.MustCompile(`(?m)\bERR +request-parameter-pattern-changed\b`).MatchString(out) {
			t.Errorf("make breaking printed no ERR line naming request-parameter-pattern-changed:\n%s", out)
		}
	})

	t.Run("regen after a broken build", func(t *testing.T) {
		original := editSpec(t, spec, specedit.Replace(specedit.Operation("dropCluster"), "operationId: dropCluster", "operationId: deleteCluster"))
		defer writeBack(t, spec, original)
		out, ok := runMake(t, dir, nil, "-s", "regen")
		if ok || !regexp.MustCompile(`(?m)^go build +FAIL +the tree does not compile`).MatchString(out) || !strings.Contains(out, "client.go:") {
			t.Fatalf("make regen after renaming the operation: success %v, want a go build FAIL naming client.go's sites:\n%s", ok, out)
		}
		writeBack(t, spec, original)
		out, ok = runMake(t, dir, nil, "-s", "regen")
		if !ok || !strings.Contains(out, "built it with api/api.gen.go as at HEAD") || !strings.Contains(out, "\nverdict: clean.") {
			t.Errorf("make regen with the spec restored: success %v, want the tool built with api/ as at HEAD and a clean verdict:\n%s", ok, out)
		}
	})

	t.Run("regen when the tool cannot be built", func(t *testing.T) {
		src := filepath.Join(dir, "clusterid.go")
		original := replaceInFile(t, src, "func ValidateClusterID(", "func ValidateClusterID(}")
		defer writeBack(t, src, original)
		out, ok := runMake(t, dir, nil, "-s", "regen")
		if ok || !strings.Contains(out, "clusterid.go:") || !strings.Contains(out, "fix the sites named above, or run 'git checkout -- api/'") ||
			!strings.Contains(out, "Error 2") || strings.Contains(out, "zcdrop spec regen:") {
			t.Errorf("make regen with a tree that does not build: success %v, want the compiler's errors, what to do, exit 2, and no cycle:\n%s", ok, out)
		}
	})
}

// TestMakeRefusesAHostileBase: make breaking and make regen hand BASE to git
// as a ref and as nothing else. Pasted into the recipe's text, a BASE with
// a quote ran a command, and one that started with "-" was an option to
// git show (--output=FILE wrote a file). Each fails cleanly, runs nothing
// and writes nothing. A BASE that is no option fails at git show, before
// make breaking builds anything; make regen, which would run its whole
// cycle first, is given only the BASEs it refuses at once.
func TestMakeRefusesAHostileBase(t *testing.T) {
	dir, _ := gitCopy(t)
	out := t.TempDir() // every file a hostile BASE would make is made here
	marker := filepath.Join(out, "ran")
	const refused = " is not a git ref (a branch, tag or commit; one that starts with \"-\" would be read as an option)"
	tests := []struct {
		name, base, want string
		regen            bool // make regen refuses it too, before building
	}{
		{"an option that writes a file", "--output=" + marker, "BASE=--output=" + marker + refused, true},
		{"a short option", "-p", "BASE=-p" + refused, true},
		{"nothing", "", "BASE=" + refused, true},
		{"a command substitution in quotes", `x"$(touch ` + marker + `)"`, `no openapi.yaml at x"$(touch ` + marker + `)"`, false},
		{"backquotes", "x`touch " + marker + "`", "no openapi.yaml at x`touch " + marker + "`", false},
		{"a make function", "$(shell touch " + marker + ")", "no openapi.yaml at $(shell touch " + marker + ")", false},
	}
	for _, tt := range tests {
		targets := []string{"breaking"}
		if tt.regen {
			targets = append(targets, "regen")
		}
		for _, target := range targets {
			t.Run(target+" "+tt.name, func(t *testing.T) {
				got, ok := runMake(t, dir, nil, "-s", target, "BASE="+tt.base)
				if ok || !strings.Contains(got, tt.want) || !strings.Contains(got, "Error 2") {
					t.Errorf("make %s BASE=%s: success %v, want exit 2 saying %q:\n%s", target, tt.base, ok, tt.want, got)
				}
				made, err := filepath.Glob(filepath.Join(out, "*"))
				if err != nil || len(made) > 0 {
					t.Errorf("make %s BASE=%s made %q (%v)", target, tt.base, made, err)
				}
				for _, f := range made { // so that the next case shows what it makes
					os.Remove(f)
				}
			})
		}
	}
}
