package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/zcdrop/zcdrop/internal/regularfile"
	"github.com/zcdrop/zcdrop/internal/specdiff"
	"github.com/zcdrop/zcdrop/internal/speclint"
	"github.com/zcdrop/zcdrop/internal/termsafe"
)

var specRegenHelp = help{
	usage: "zcdrop spec regen [--base REF] [--dir DIR]",
	description: `The whole cycle after an edit of openapi.yaml, run from the repository's
root (or --dir), in order:

  1. spec lint      openapi.yaml against OpenAPI 3 and the project's rules
  2. go generate    api/ from openapi.yaml
  3. go build       every package, and the CLI as it now is
  4. spec diff      openapi.yaml and the generated Go API against REF
                    (read with git show: the checkout never changes)
  5. gate           the shipped corpus, by the CLI just built
  6. mock           the reference mock's scenarios (zcdrop selftest), by the
                    CLI just built

Every step runs, whatever the one before said, except where it cannot (no
build, no gate). It ends with one summary: what changed in api/ (files and
exported names), whether anything is breaking, which examples, cassettes and
mock handlers disagree with the spec (each named once, with its file and
line), and what to do next. It never commits, and never edits openapi.yaml.
`,
	exitCodes: `  0  every step passed and nothing is breaking
  1  a step failed, or a change is breaking
  2  usage error, or not run from the repository's root
`,
}

// regenCorpus is the shipped corpus that the gate step checks.
const regenCorpus = "conformance/testdata/cassettes"

// maxToolOutput bounds what is kept of one step's output: a compiler's
// errors or the gate's JSON report of the shipped corpus fit many times over.
const maxToolOutput = 4 << 20

// regenStep is one step's verdict in the summary.
type regenStep struct {
	name    string
	verdict string   // "ok", "FAIL", "BREAKING" or "not run"
	about   string   // one line after the verdict
	lines   []string // what to look at, each one line, escaped when printed
}

// runSpecRegen is "zcdrop spec regen": lint, generate, build, diff, gate,
// mock, then one summary. It is built from the tree as it was before api/
// was regenerated (make regen builds it first), so the gate and the mock run
// in a second binary, built from the regenerated tree.
func runSpecRegen(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("spec regen", specRegenHelp, stderr)
	base := fs.String("base", "HEAD", "compare with openapi.yaml and api/ at this git `REF`")
	dir := fs.String("dir", ".", "the repository's root `DIR`")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() != 0 {
		printError(stderr, "spec regen", "unexpected arguments %q", fs.Args())
		return exitUsage
	}
	if strings.HasPrefix(*base, "-") || *base == "" {
		printError(stderr, "spec regen", "--base %q is not a git ref", *base)
		return exitUsage
	}
	for _, f := range []string{"openapi.yaml", "gen.go", "go.mod", filepath.Join("api", "oapi-codegen.yaml")} {
		if _, err := os.Stat(filepath.Join(*dir, f)); err != nil {
			printError(stderr, "spec regen", "%s: no %s here; run it from the repository's root, or give --dir", *dir, f)
			return exitUsage
		}
	}
	r := &regen{ctx: ctx, dir: *dir, base: *base, progress: stderr}
	tmp, err := os.MkdirTemp("", "zcdrop-regen-")
	if err != nil {
		printError(stderr, "spec regen", "%v", err)
		return exitFailed
	}
	defer os.RemoveAll(tmp)
	r.tmp = tmp

	steps := []regenStep{r.lint()}
	gen := r.generate()
	steps = append(steps, gen)
	build := r.build(gen.verdict == "ok")
	steps = append(steps, build)
	steps = append(steps, r.diff()...)
	built := build.verdict == "ok"
	steps = append(steps, r.gate(built), r.mock(built))
	return r.summarize(stdout, steps)
}

// regen holds what every step needs.
type regen struct {
	ctx      context.Context
	dir      string
	base     string
	tmp      string
	progress io.Writer
	// changed holds the exported names of api/ that the Go API diff found,
	// for the summary.
	changed goNames
}

// goNames are the exported names of api/ that a regeneration added,
// removed or changed incompatibly.
type goNames struct {
	added, removed, changed []string
}

// command runs a tool in the repository's root, and returns what it printed
// (stdout and stderr, interleaved, within maxToolOutput) and its error.
func (r *regen) command(name string, args ...string) (string, error) {
	fmt.Fprintf(r.progress, "spec regen: %s %s\n", name, strings.Join(args, " "))
	cmd := exec.CommandContext(r.ctx, name, args...)
	cmd.Dir = r.dir
	var out boundedBuffer
	out.max = maxToolOutput
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// boundedBuffer keeps the first max bytes written to it and drops the rest,
// saying so.
type boundedBuffer struct {
	bytes.Buffer
	max     int
	dropped bool
}

func (b *boundedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.Len(); len(p) > room {
		b.dropped = true
		b.Buffer.Write(p[:max(room, 0)])
		return len(p), nil
	}
	return b.Buffer.Write(p)
}

func (b *boundedBuffer) String() string {
	if b.dropped {
		return b.Buffer.String() + "\n… (output cut)"
	}
	return b.Buffer.String()
}

// lines splits a tool's output into its non-empty lines, the first n.
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

func (r *regen) generate() regenStep {
	s := regenStep{name: "go generate"}
	out, err := r.command("go", "generate", "./...")
	if err != nil {
		s.verdict, s.about, s.lines = "FAIL", "api/ could not be generated: "+err.Error(), lines(out, 20)
		return s
	}
	s.verdict = "ok"
	stat, err := r.command("git", "diff", "--numstat", r.base, "--", "api/")
	if err != nil {
		s.about = "api/ regenerated; git cannot say what changed against " + r.base + ": " + err.Error()
		return s
	}
	files := lines(stat, 50)
	if len(files) == 0 {
		s.about = "api/ regenerated, and is the same as at " + r.base
		return s
	}
	s.about = fmt.Sprintf("api/ regenerated: %d file(s) differ from %s", len(files), r.base)
	for _, f := range files {
		if add, rest, ok := strings.Cut(f, "\t"); ok {
			if del, name, ok := strings.Cut(rest, "\t"); ok {
				f = fmt.Sprintf("%s (+%s -%s)", name, add, del)
			}
		}
		s.lines = append(s.lines, f)
	}
	return s
}

// build builds every package, then the CLI as the tree now is, for the gate
// and the mock.
func (r *regen) build(generated bool) regenStep {
	s := regenStep{name: "go build"}
	if !generated {
		s.verdict, s.about = "not run", "api/ was not generated"
		return s
	}
	if out, err := r.command("go", "build", "./..."); err != nil {
		s.verdict = "FAIL"
		s.about = "the tree does not compile against the regenerated api/; these are the sites that break:"
		s.lines = lines(out, 20)
		return s
	}
	if out, err := r.command("go", "build", "-o", r.newCLI(), "./cmd/zcdrop"); err != nil {
		s.verdict, s.about, s.lines = "FAIL", "the CLI does not build", lines(out, 20)
		return s
	}
	s.verdict, s.about = "ok", "every package compiles against the regenerated api/"
	return s
}

func (r *regen) newCLI() string { return filepath.Join(r.tmp, "zcdrop") }

// gate runs the CLI just built over the shipped corpus, and names each
// cassette that disagrees once: its first failing interaction's line and
// violation.
func (r *regen) gate(built bool) regenStep {
	s := regenStep{name: "gate"}
	if !built {
		s.verdict, s.about = "not run", "nothing was built to run it"
		return s
	}
	out, err := r.command(r.newCLI(), "conformance", "--format", "json", regenCorpus)
	var exit *exec.ExitError
	if err != nil && (!errors.As(err, &exit) || exit.ExitCode() != exitFailed) {
		s.verdict, s.about, s.lines = "FAIL", "the gate could not run: "+err.Error(), lines(out, 20)
		return s
	}
	var report struct {
		Interactions []struct {
			File       string `json:"file"`
			ID         int    `json:"id"`
			OK         bool   `json:"ok"`
			Violations []struct {
				Kind    string `json:"kind"`
				Pointer string `json:"pointer"`
				Message string `json:"message"`
			} `json:"violations"`
		} `json:"interactions"`
	}
	// The report is the JSON document on stdout; stderr's lines, if any,
	// come after it.
	if jerr := json.NewDecoder(strings.NewReader(out)).Decode(&report); jerr != nil {
		s.verdict, s.about, s.lines = "FAIL", "the gate's report is unreadable: "+jerr.Error(), lines(out, 20)
		return s
	}
	seen := map[string]bool{}
	failed := 0
	for _, it := range report.Interactions {
		if it.OK {
			continue
		}
		failed++
		if seen[it.File] {
			continue
		}
		seen[it.File] = true
		what := "does not conform"
		if len(it.Violations) > 0 {
			v := it.Violations[0]
			what = strings.TrimSpace(v.Kind + " " + v.Pointer + ": " + v.Message)
		}
		line := interactionLine(filepath.Join(r.dir, it.File), it.ID)
		s.lines = append(s.lines, fmt.Sprintf("%s:%d: interaction %d: %s", it.File, line, it.ID, what))
	}
	if failed == 0 {
		s.verdict, s.about = "ok", fmt.Sprintf("all %d interactions of %s conform", len(report.Interactions), regenCorpus)
		return s
	}
	s.verdict = "FAIL"
	s.about = fmt.Sprintf("%d of %d interactions, in %d cassette(s), disagree with the spec:", failed, len(report.Interactions), len(seen))
	return s
}

// interactionLine is the line where interaction id of a cassette starts, or
// 1 when the file cannot say.
func interactionLine(path string, id int) int {
	data, err := regularfile.Read(path, 4<<20)
	if err != nil {
		return 1
	}
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return 1
	}
	root := doc.Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "interactions" && id < len(root.Content[i+1].Content) {
			return root.Content[i+1].Content[id].Line
		}
	}
	return 1
}

// mock runs the reference mock's scenarios with the CLI just built, and
// names the handler of each operation whose answers disagree.
func (r *regen) mock(built bool) regenStep {
	s := regenStep{name: "mock"}
	if !built {
		s.verdict, s.about = "not run", "nothing was built to run it"
		return s
	}
	out, err := r.command(r.newCLI(), "selftest")
	if err == nil {
		s.verdict, s.about = "ok", "the reference mock's answers conform in every scenario"
		return s
	}
	s.verdict = "FAIL"
	s.about = "the reference mock's answers disagree with the spec:"
	handler := mockHandlerLocation(r.dir)
	for _, l := range lines(out, 200) {
		_, why, ok := strings.Cut(l, "breaks the spec: ")
		if !ok {
			continue
		}
		// The client's and the CLI's lines say the same; the first will do.
		why, _, _ = strings.Cut(why, `","`)
		entry := handler + ": " + why
		if !slices.Contains(s.lines, entry) {
			s.lines = append(s.lines, entry)
		}
	}
	if len(s.lines) == 0 {
		s.about = "zcdrop selftest failed:"
		s.lines = lines(out, 20)
	}
	return s
}

// mockHandlerLocation is file:line of the reference mock's DropCluster
// handler, whose answers the scenarios check.
func mockHandlerLocation(dir string) string {
	fset := token.NewFileSet()
	pkgDir := filepath.Join(dir, "mock")
	entries, err := os.ReadDir(pkgDir)
	if err != nil {
		return "mock/"
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(pkgDir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		for _, d := range f.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv != nil && fn.Name.Name == "DropCluster" {
				return fmt.Sprintf("mock/%s:%d (DropCluster)", name, fset.Position(fn.Pos()).Line)
			}
		}
	}
	return "mock/"
}

// summarize prints every step's verdict, then the one summary, and returns
// the exit code.
func (r *regen) summarize(w io.Writer, steps []regenStep) int {
	fmt.Fprintf(w, "zcdrop spec regen: openapi.yaml against %s\n\n", termsafe.String(r.base))
	var failed, breaking []string
	for _, s := range steps {
		fmt.Fprintf(w, "%-12s %-8s %s\n", s.name, s.verdict, termsafe.String(s.about))
		for _, l := range s.lines {
			fmt.Fprintf(w, "    %s\n", termsafe.String(l))
		}
		switch s.verdict {
		case "FAIL":
			failed = append(failed, s.name)
		case "BREAKING":
			breaking = append(breaking, s.name)
		}
	}
	n := r.changed
	fmt.Fprintf(w, "\napi/: exported names: %d added, %d removed, %d changed incompatibly\n", len(n.added), len(n.removed), len(n.changed))
	for _, group := range []struct {
		what  string
		names []string
	}{{"removed", n.removed}, {"changed", n.changed}, {"added", n.added}} {
		if len(group.names) > 0 {
			fmt.Fprintf(w, "    %s: %s\n", group.what, termsafe.String(strings.Join(group.names, ", ")))
		}
	}
	if len(failed) == 0 && len(breaking) == 0 {
		fmt.Fprintln(w, "\nverdict: clean. Next: review api/ with git diff, run make test, and commit openapi.yaml with api/.")
		return exitOK
	}
	verdict := []string{}
	if len(breaking) > 0 {
		verdict = append(verdict, "BREAKING ("+strings.Join(breaking, ", ")+")")
	}
	if len(failed) > 0 {
		verdict = append(verdict, "FAIL ("+strings.Join(failed, ", ")+")")
	}
	fmt.Fprintf(w, "\nverdict: %s\nnext:\n", strings.Join(verdict, "; "))
	for _, step := range append(breaking, failed...) {
		fmt.Fprintf(w, "  - %s\n", regenAdvice[step])
	}
	fmt.Fprintln(w, "  then run make regen again (nothing was committed; api/ now matches openapi.yaml)")
	return exitFailed
}

// regenAdvice says, for each step that can fail or find a breaking change,
// what to do about it.
var regenAdvice = map[string]string{
	"spec lint":   "spec lint: fix each problem at its line (an example that no longer matches its schema, say)",
	"go generate": "go generate: oapi-codegen refused the spec; its message is above",
	"go build":    "go build: update each site named above to the regenerated api/, or undo the change that broke it",
	"spec diff":   "spec diff: clients of the API break; if that is meant, bump info.version and say so in the release notes, else undo it",
	"Go API":      "Go API: programs that import api/ break where they use the names above; if that is meant, say so in the release notes, else undo it",
	"gate":        "gate: re-record each cassette named above (zcdrop probe --record DIR), or fix the spec if the traffic is right",
	"mock":        "mock: make the handler named above answer what the spec now says",
}

// gitShow returns the file at path in the base revision, within
// maxSpecFileBytes.
func (r *regen) gitShow(path string) ([]byte, error) {
	cmd := exec.CommandContext(r.ctx, "git", "show", r.base+":"+path)
	cmd.Dir = r.dir
	out := boundedBuffer{max: maxSpecFileBytes}
	var errOut boundedBuffer
	errOut.max = 64 << 10
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("git show %s:%s: %v: %s", r.base, path, err, strings.Join(lines(errOut.String(), 3), " "))
	}
	if out.dropped {
		return nil, fmt.Errorf("git show %s:%s: larger than %d bytes", r.base, path, maxSpecFileBytes)
	}
	return out.Bytes(), nil
}

// diff compares openapi.yaml and the Go API generated from it with those at
// the base revision: two verdicts, the spec's and the Go API's.
func (r *regen) diff() []regenStep {
	spec := regenStep{name: "spec diff"}
	goapi := regenStep{name: "Go API"}
	oldLabel := "openapi.yaml@" + r.base
	oldData, err := r.gitShow("openapi.yaml")
	if err != nil {
		spec.verdict, spec.about = "FAIL", err.Error()
		goapi.verdict, goapi.about = "not run", "no openapi.yaml at "+r.base
		return []regenStep{spec, goapi}
	}
	newData, err := readSpecFile(filepath.Join(r.dir, "openapi.yaml"))
	if err != nil {
		spec.verdict, spec.about = "FAIL", err.Error()
		goapi.verdict, goapi.about = "not run", "openapi.yaml is unreadable"
		return []regenStep{spec, goapi}
	}
	oldDoc := specdiff.Document{Name: oldLabel, Data: oldData}
	newDoc := specdiff.Document{Name: "openapi.yaml", Data: newData}

	changes, err := specdiff.Spec(oldDoc, newDoc)
	if err != nil {
		spec.verdict, spec.about = "FAIL", err.Error()
	} else {
		counts := map[specdiff.Severity]int{}
		for _, c := range changes {
			counts[c.Severity]++
			line := fmt.Sprintf("%-5s %s: %s", c.Severity, c.ID, c.Text)
			if c.Source != "" {
				line = c.Source + ": " + line
			}
			spec.lines = append(spec.lines, line)
		}
		spec.verdict = "ok"
		if counts[specdiff.SeverityError] > 0 {
			spec.verdict = "BREAKING"
		}
		spec.about = fmt.Sprintf("%d ERR, %d WARN, %d INFO against %s", counts[specdiff.SeverityError], counts[specdiff.SeverityWarning], counts[specdiff.SeverityInfo], oldLabel)
	}

	oldCfg, err := r.gitShow("api/oapi-codegen.yaml")
	if err != nil {
		goapi.verdict, goapi.about = "FAIL", err.Error()
		return []regenStep{spec, goapi}
	}
	newCfg, err := readGeneratorConfig(filepath.Join(r.dir, "api", "oapi-codegen.yaml"))
	if err != nil {
		goapi.verdict, goapi.about = "FAIL", err.Error()
		return []regenStep{spec, goapi}
	}
	g := specdiff.Generator{ModuleDir: r.dir, PackagePath: apiPackagePath()}
	fmt.Fprintf(r.progress, "spec regen: the Go API generated from %s and from openapi.yaml, compared\n", oldLabel)
	goChanges, err := g.Compare(r.ctx,
		specdiff.Input{Spec: oldDoc, Config: specdiff.Document{Name: "api/oapi-codegen.yaml@" + r.base, Data: oldCfg}},
		specdiff.Input{Spec: newDoc, Config: specdiff.Document{Name: "api/oapi-codegen.yaml", Data: newCfg}})
	if err != nil {
		goapi.verdict, goapi.about = "FAIL", "the Go API could not be compared: "+err.Error()
		return []regenStep{spec, goapi}
	}
	incompatible := 0
	for _, c := range goChanges {
		goapi.lines = append(goapi.lines, fmt.Sprintf("%-5s %s", c.Severity, goAPIText(c)))
		switch {
		case c.Severity == specdiff.SeverityError && c.Message == "removed":
			r.changed.removed = append(r.changed.removed, c.Name)
		case c.Severity == specdiff.SeverityError:
			r.changed.changed = append(r.changed.changed, c.Name)
		case c.Message == "added":
			r.changed.added = append(r.changed.added, c.Name)
		}
		if c.Severity == specdiff.SeverityError {
			incompatible++
		}
	}
	goapi.verdict = "ok"
	if incompatible > 0 {
		goapi.verdict = "BREAKING"
	}
	goapi.about = fmt.Sprintf("%d incompatible and %d compatible change(s) to the exported names of api/", incompatible, len(goChanges)-incompatible)
	return []regenStep{spec, goapi}
}

// lint runs spec lint on openapi.yaml: the examples that disagree with the
// spec are named here, each with its line.
func (r *regen) lint() regenStep {
	s := regenStep{name: "spec lint"}
	path := filepath.Join(r.dir, "openapi.yaml")
	data, err := readSpecFile(path)
	if err != nil {
		s.verdict, s.about = "FAIL", err.Error()
		return s
	}
	problems, err := speclint.Lint(r.ctx, "openapi.yaml", data, lintConfig)
	if err != nil {
		s.verdict, s.about = "FAIL", err.Error()
		return s
	}
	if len(problems) == 0 {
		s.verdict, s.about = "ok", fmt.Sprintf("openapi.yaml breaks none of the %d rules", len(speclint.Rules()))
		return s
	}
	s.verdict, s.about = "FAIL", fmt.Sprintf("%d problem(s) in openapi.yaml:", len(problems))
	for _, p := range problems {
		s.lines = append(s.lines, fmt.Sprintf("%s:%d:%d: %s %s: %s", p.File, p.Line, p.Column, p.Severity, p.Rule, p.Message))
	}
	return s
}
