// Package regen runs the whole cycle after an edit of openapi.yaml, as
// "zcdrop spec regen" (make regen) does: spec lint, go generate, go build,
// the spec and Go API diffs against a git ref, the gate over the shipped
// corpus and the reference mock's scenarios, then one summary.
//
// Each step is a function of a Config, and reaches go, git and the CLI only
// through its Runner, and the Go API only through its GoAPIComparer, so
// that each verdict a step can give is tested without running go. A step
// gives a verdict whatever the one before said, except where it cannot (no
// build, no gate); the summary then says what changed in api/, whether
// anything is breaking, and what to do next.
package regen

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/zcdrop/zcdrop/internal/specdiff"
	"github.com/zcdrop/zcdrop/internal/speclint"
)

// Corpus is the shipped corpus that the gate step checks, relative to the
// repository's root.
const Corpus = "conformance/testdata/cassettes"

// MaxToolOutput bounds what is kept of one stream of a tool's output: a
// compiler's errors or the gate's JSON report of the shipped corpus fit
// many times over, and a spec at the base revision (as large as a spec file
// may be) fits too.
const MaxToolOutput = 4 << 20

// GoAPIComparer compares the Go API generated from two versions of the spec;
// specdiff.Generator is one.
type GoAPIComparer interface {
	Compare(ctx context.Context, old, new specdiff.Input) ([]specdiff.GoAPIChange, error)
}

// Config is what the cycle needs.
type Config struct {
	// Dir is the repository's root.
	Dir string
	// Base is the git ref whose openapi.yaml and api/oapi-codegen.yaml the
	// new ones are compared with, and api/ is diffed against.
	Base string
	// Runner runs go, git and the CLI built from the regenerated tree.
	Runner Runner
	// GoAPI compares the Go API generated at Base with the one generated
	// now.
	GoAPI GoAPIComparer
	// Lint is what spec lint needs to know of the client.
	Lint speclint.Config
	// Progress gets a line for each command run, as it starts.
	Progress io.Writer

	// cli is where the build step writes the CLI built from the
	// regenerated tree, which runs the gate and the mock: Run sets it to a
	// file in a temporary directory of its own.
	cli string
}

// verdict is a step's outcome, as the summary prints it.
type verdict string

const (
	verdictOK       verdict = "ok"
	verdictFail     verdict = "FAIL"
	verdictBreaking verdict = "BREAKING"
	verdictNotRun   verdict = "not run"
)

// step is one step's verdict in the summary.
type step struct {
	name    string
	verdict verdict
	about   string   // one line after the verdict
	lines   []string // what to look at, each one line
}

// rootFiles are the files that say a directory is the repository's root.
var rootFiles = []string{"openapi.yaml", "gen.go", "go.mod", filepath.Join("api", "oapi-codegen.yaml")}

// CheckRoot returns an error, naming what is missing, when dir is not the
// repository's root.
func CheckRoot(dir string) error {
	for _, f := range rootFiles {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			return fmt.Errorf("%s: no %s here; run it from the repository's root, or give --dir", dir, f)
		}
	}
	return nil
}

// Run runs every step in order and writes the summary to w. It reports
// whether the cycle was clean: every step passed, and nothing is breaking.
// Its error is for a cycle that could not start; the steps' failures are in
// the summary.
func Run(ctx context.Context, cfg Config, w io.Writer) (clean bool, err error) {
	tmp, err := os.MkdirTemp("", "zcdrop-regen-")
	if err != nil {
		return false, err
	}
	defer os.RemoveAll(tmp)
	cfg.cli = filepath.Join(tmp, "zcdrop")

	steps := []step{cfg.lint(ctx)}
	gen := cfg.generate(ctx)
	build := cfg.build(ctx, gen.verdict == verdictOK)
	spec, goAPI, names := cfg.diff(ctx)
	built := build.verdict == verdictOK
	steps = append(steps, gen, build, spec, goAPI, cfg.gate(ctx, built), cfg.mock(ctx, built))
	return summarize(w, cfg.Base, steps, names), nil
}

// run announces c on Progress and runs it in Dir.
func (c Config) run(ctx context.Context, name string, args ...string) (Result, error) {
	cmd := Command{Dir: c.Dir, Name: name, Args: args}
	c.progress("%s", cmd)
	return c.Runner.Run(ctx, cmd)
}

func (c Config) progress(format string, args ...any) {
	if c.Progress != nil {
		fmt.Fprintf(c.Progress, "spec regen: "+format+"\n", args...)
	}
}

// lines splits a tool's output into its non-empty lines, the first n, and
// "…" when there were more.
func lines(s string, n int) []string {
	var out []string
	for l := range strings.SplitSeq(s, "\n") {
		if l = strings.TrimRight(l, "\r"); strings.TrimSpace(l) == "" {
			continue
		}
		if len(out) == n {
			out = append(out, "…")
			break
		}
		out = append(out, l)
	}
	return out
}
