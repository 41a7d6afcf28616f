package zcdrop_test

import (
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The tests in this file check the repository rather than the package: the
// layering that `go list -deps` proves, and the Makefile's promises. They
// run the go and make commands, and skip, saying why, where there are none.

const module = "github.com/zcdrop/zcdrop"

// deps returns every package that pkg imports, directly or not, tests left
// out: what a program that links pkg links.
func deps(t *testing.T, pkg string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", pkg).Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v", pkg, err)
	}
	return strings.Fields(string(out))
}

func TestLayering(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on PATH, so go list cannot prove the layering")
	}
	tests := []struct {
		pkg       string
		forbidden []string // packages, or prefixes ending in "/"
	}{
		// api <- conformance <- zcdrop <- mock, probe, cmd/zcdrop.
		{"./api", []string{module + "/conformance", module + "/mock", module + "/probe"}},
		{"./conformance", []string{module, module + "/mock", module + "/probe", "testing", "gopkg.in/dnaeon/"}},
		// The front door may use the Validator, but need not: a program
		// that only drops clusters links no validator and no router (package
		// api links kin-openapi's openapi3 for its embedded spec).
		{".", []string{module + "/conformance", "github.com/getkin/kin-openapi/openapi3filter", "github.com/getkin/kin-openapi/routers/", module + "/mock", module + "/probe", module + "/cmd/", "testing", "gopkg.in/dnaeon/"}},
		{"./mock", []string{module + "/probe", module + "/cmd/", "testing", "gopkg.in/dnaeon/"}},
		{"./probe", []string{module + "/mock", module + "/cmd/", "testing", "gopkg.in/dnaeon/"}},
		// The binary links no test helper: go-vcr's cassette package imports
		// testing, and only conformance/govcr may import go-vcr.
		{"./cmd/zcdrop", []string{"testing", "gopkg.in/dnaeon/", module + "/conformance/govcr"}},
	}
	for _, tt := range tests {
		t.Run(tt.pkg, func(t *testing.T) {
			for _, d := range deps(t, tt.pkg) {
				for _, f := range tt.forbidden {
					if d == f || (strings.HasSuffix(f, "/") && strings.HasPrefix(d, f)) {
						t.Errorf("%s imports %s", tt.pkg, d)
					}
				}
			}
		})
	}
}

// copyRepo copies the working tree, without .git and built binaries, to a
// new directory: a checkout that is not a git checkout.
func copyRepo(t *testing.T) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		// In a worktree or a submodule, .git is a file that points at the
		// real repository: a copy of it would make git commands in the copy
		// (TestReadmeRegenExamples commits there) act on this checkout.
		if d.Name() == ".git" && !d.IsDir() {
			return nil
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "bin") {
			return filepath.SkipDir
		}
		target := filepath.Join(dst, path)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// runMake runs make in dir with extra environment, and returns what it
// printed and whether it succeeded.
func runMake(t *testing.T, dir string, env []string, args ...string) (string, bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "make", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = nil // gofmt reading stdin for a file list would wait for ever.
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("make %s did not finish: %s", strings.Join(args, " "), out)
	}
	return string(out), err == nil
}

func needMake(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"make", "go", "diff"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s on PATH, which the Makefile needs", tool)
		}
	}
}

func TestMakeTestWithoutACCompiler(t *testing.T) {
	needMake(t)
	tests := []struct {
		name       string
		env        []string
		wantRace   bool
		wantNotice bool
	}{
		{name: "no C compiler", env: []string{"CC=zcdrop-no-such-cc"}, wantRace: false, wantNotice: true},
		{name: "cgo off", env: []string{"CGO_ENABLED=0"}, wantRace: false, wantNotice: true},
	}
	if _, err := exec.LookPath("gcc"); err == nil {
		tests = append(tests, struct {
			name       string
			env        []string
			wantRace   bool
			wantNotice bool
		}{name: "gcc", env: []string{"CC=gcc"}, wantRace: true})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, ok := runMake(t, ".", tt.env, "-n", "test")
			if !ok {
				t.Fatalf("make -n test failed:\n%s", out)
			}
			lines := strings.Split(out, "\n")
			i := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "go test ") })
			if i < 0 {
				t.Fatalf("make -n test runs no go test:\n%s", out)
			}
			if race := strings.Contains(lines[i], "-race"); race != tt.wantRace {
				t.Errorf("go test line %q: -race %v, want %v", lines[i], race, tt.wantRace)
			}
			if notice := strings.Contains(out, "test: notice: no C compiler"); notice != tt.wantNotice {
				t.Errorf("notice %v, want %v:\n%s", notice, tt.wantNotice, out)
			}
		})
	}
}

// TestMakeOutsideAGitCheckout: a copy of the tree that is not a git
// checkout still lints, and check-generated still checks, and says that
// only the embedded spec differs when openapi.yaml changed only there.
func TestMakeOutsideAGitCheckout(t *testing.T) {
	needMake(t)
	dir := copyRepo(t)
	if out, ok := runMake(t, dir, nil, "-s", "lint"); !ok {
		t.Errorf("make lint outside a git checkout failed:\n%s", out)
	}
	if out, ok := runMake(t, dir, nil, "-s", "check-generated"); !ok {
		t.Errorf("make check-generated outside a git checkout failed:\n%s", out)
	}

	spec := filepath.Join(dir, "openapi.yaml")
	b, err := os.ReadFile(spec)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(b), "title: Zilliz Cloud control plane v2", "title: Zilliz Cloud control plane v2 (edited)", 1)
	if edited == string(b) {
		t.Fatal("the spec's title has moved; this test edits it")
	}
	if err := os.WriteFile(spec, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	out, ok := runMake(t, dir, nil, "-s", "check-generated")
	if ok {
		t.Fatalf("check-generated passed a stale api/:\n%s", out)
	}
	if !strings.Contains(out, "only the embedded spec differs") || strings.Contains(out, "\n+++ ") {
		t.Errorf("an edit of the title alone should say that only the embedded spec differs, with no diff:\n%s", out)
	}
}
