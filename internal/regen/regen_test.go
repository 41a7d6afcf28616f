package regen

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/zcdrop/zcdrop/internal/specdiff"
	"github.com/zcdrop/zcdrop/internal/specedit"
)

// cli is where the tests' cycles say the CLI is built; no file is ever
// there, since the fake runner runs nothing.
const cli = "/regen-test/zcdrop"

// fakeRunner answers each command it expects, keyed by Command.String(),
// and fails the test on any other.
type fakeRunner struct {
	t       *testing.T
	answers map[string]answer
	ran     []string
}

type answer struct {
	res Result
	err error
}

func (f *fakeRunner) Run(_ context.Context, c Command) (Result, error) {
	f.t.Helper()
	f.ran = append(f.ran, c.String())
	a, ok := f.answers[c.String()]
	if !ok {
		f.t.Errorf("unexpected command %q", c)
		return Result{}, errors.New("unexpected command")
	}
	return a.res, a.err
}

// exit is a command that ran and exited with code, printing stderr.
func exit(code int, stderr string) answer {
	return answer{res: Result{ExitCode: code, Stderr: stderr}}
}

// printed is a command that succeeded, printing stdout.
func printed(stdout string) answer { return answer{res: Result{Stdout: stdout}} }

// realSpec is the repository's openapi.yaml, read, never written.
func realSpec(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile("../../openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// edited returns spec with edits applied, failing the test if one does
// not apply.
func edited(t *testing.T, spec []byte, edits ...specedit.Edit) []byte {
	t.Helper()
	return []byte(specedit.Apply(t, string(spec), edits...))
}

// dropCluster is the scope of the drop's operation in the spec.
var dropCluster = specedit.Operation("dropCluster")

// repoDir returns a new directory laid out as the repository's root, with
// spec as openapi.yaml and the real api/oapi-codegen.yaml.
func repoDir(t *testing.T, spec []byte) string {
	t.Helper()
	dir := t.TempDir()
	cfg, err := os.ReadFile("../../api/oapi-codegen.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"openapi.yaml": spec, "api/oapi-codegen.yaml": cfg, "go.mod": []byte("module example.com/x\n"), "gen.go": []byte("package x\n")} {
		writeFile(t, filepath.Join(dir, name), data)
	}
	return dir
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// comparerFunc is a GoAPIComparer in a function.
type comparerFunc func(old, new specdiff.Input) ([]specdiff.GoAPIChange, error)

func (f comparerFunc) Compare(_ context.Context, old, new specdiff.Input) ([]specdiff.GoAPIChange, error) {
	return f(old, new)
}

// runnerFunc is a Runner in a function.
type runnerFunc func(Command) (Result, error)

func (f runnerFunc) Run(_ context.Context, c Command) (Result, error) { return f(c) }

func TestCheckRoot(t *testing.T) {
	if err := CheckRoot(repoDir(t, realSpec(t))); err != nil {
		t.Errorf("a root: %v", err)
	}
	dir := t.TempDir()
	if err := CheckRoot(dir); err == nil || !strings.Contains(err.Error(), "no openapi.yaml here") {
		t.Errorf("an empty directory: %v, want it to name openapi.yaml", err)
	}
}

// TestRun runs the whole cycle on fake tools: every step, in order, and
// one summary, whose verdict is the exit code's.
func TestRun(t *testing.T) {
	spec := realSpec(t)
	dir := repoDir(t, spec)
	var ran []string
	var built string
	runner := runnerFunc(func(c Command) (Result, error) {
		if c.Dir != dir {
			t.Errorf("%s runs in %s, want %s", c, c.Dir, dir)
		}
		args := strings.Join(c.Args, " ")
		ran = append(ran, c.Name+" "+args)
		switch {
		case c.Name == "go" && strings.HasPrefix(args, "build -o "):
			built = c.Args[2]
		case c.Name == "git" && args == "show HEAD:openapi.yaml":
			return Result{Stdout: string(spec)}, nil
		case c.Name == "git" && args == "show HEAD:api/oapi-codegen.yaml":
			return Result{Stdout: "package: api\n"}, nil
		case c.Name == built && c.Args[0] == "conformance":
			return Result{Stdout: `{"interactions":[{"file":"c.yaml","id":0,"ok":true}]}`}, nil
		}
		return Result{}, nil
	})
	var out, progress bytes.Buffer
	clean, err := Run(t.Context(), Config{
		Dir: dir, Base: "HEAD", Runner: runner, Progress: &progress,
		GoAPI: comparerFunc(func(old, new specdiff.Input) ([]specdiff.GoAPIChange, error) {
			if old.Spec.Name != "openapi.yaml@HEAD" || string(old.Config.Data) != "package: api\n" || !bytes.Equal(new.Spec.Data, spec) {
				t.Errorf("Compare(%s with %q, %s)", old.Spec.Name, old.Config.Data, new.Spec.Name)
			}
			return []specdiff.GoAPIChange{{Severity: specdiff.SeverityInfo, Name: "DropClusterData.Status", Message: "added"}}, nil
		}),
	}, &out)
	if err != nil || !clean {
		t.Fatalf("Run = %v, %v; want clean:\n%s", clean, err, out.String())
	}
	wantRan := []string{
		"go generate ./...",
		"git diff --numstat HEAD -- api/",
		"go build ./...",
		"go build -o " + built + " ./cmd/zcdrop",
		"git show HEAD:openapi.yaml",
		"git show HEAD:api/oapi-codegen.yaml",
		built + " conformance --format json " + Corpus,
		built + " selftest",
	}
	if !slices.Equal(ran, wantRan) {
		t.Errorf("ran:\n%s\nwant:\n%s", strings.Join(ran, "\n"), strings.Join(wantRan, "\n"))
	}
	if _, err := os.Stat(filepath.Dir(built)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the CLI's temporary directory %s is left behind: %v", filepath.Dir(built), err)
	}
	at := -1
	for _, name := range []string{"spec lint", "go generate", "go build", "spec diff", "Go API", "gate", "mock"} {
		i := strings.Index(out.String(), "\n"+name+" ")
		if i <= at {
			t.Errorf("step %q is not in the summary after the one before it:\n%s", name, out.String())
		}
		at = i
	}
	if !strings.Contains(out.String(), "\nverdict: clean.") || !strings.Contains(out.String(), "    added: DropClusterData.Status\n") {
		t.Errorf("summary:\n%s", out.String())
	}
	if !strings.Contains(progress.String(), "spec regen: go generate ./...\n") {
		t.Errorf("progress does not announce each command:\n%s", progress.String())
	}
}
