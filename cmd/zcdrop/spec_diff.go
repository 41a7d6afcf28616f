package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"reflect"
	"strings"

	"github.com/zcdrop/zcdrop/api"
	"github.com/zcdrop/zcdrop/internal/regularfile"
	"github.com/zcdrop/zcdrop/internal/specdiff"
	"github.com/zcdrop/zcdrop/internal/termsafe"
)

var specDiffHelp = help{
	usage: "zcdrop spec diff [flags] OLD NEW",
	description: `Says what changed from the spec OLD to the spec NEW, one change per line,
at file:line:col when the place is known, with a severity: ERR breaks
clients or programs, WARN may break some, INFO breaks nothing. Flags come
before OLD and NEW.

Two reports, in this order:
  spec    oasdiff's backward-compatibility checks (oasdiff v1.37.0), with
          each check's ID; a changed request pattern is ERR, since oasdiff
          cannot tell a narrowing from a widening, and so is a response
          property removed or made write-only, even an optional one
  goapi   apidiff's report on the exported Go API that oapi-codegen
          generates from each spec (the version go.mod pins, with
          --old-config and --new-config): a removed or incompatibly changed
          name is ERR whatever the spec report says, an addition is INFO

The Go API needs the go command, and is generated in the module of the
current directory: run it from the repository root. When it cannot be
compared, that is an error (exit 2), unless --spec-only is given.

make breaking BASE=REF compares openapi.yaml at REF with the working tree's.
`,
	exitCodes: `  0  nothing is ERR
  1  a change is ERR
  2  usage error, unreadable input, or the Go API could not be compared
`,
}

// defaultGeneratorConfig is oapi-codegen's configuration for api/, as
// gen.go passes it to go generate.
const defaultGeneratorConfig = "api/oapi-codegen.yaml"

// maxGeneratorConfigBytes caps an oapi-codegen configuration file: 1 MiB,
// a thousand times api/oapi-codegen.yaml.
const maxGeneratorConfigBytes = 1 << 20

// diffReport is what "zcdrop spec diff" found, in every format.
type diffReport struct {
	Old  string                `json:"old"`
	New  string                `json:"new"`
	Spec []specdiff.SpecChange `json:"spec"`
	// GoAPI is null with --spec-only.
	GoAPI   []specdiff.GoAPIChange `json:"goapi"`
	Summary diffSummary            `json:"summary"`
}

// diffSummary counts the changes of both reports by severity.
type diffSummary struct {
	Errors   int `json:"ERR"`
	Warnings int `json:"WARN"`
	Infos    int `json:"INFO"`
	// GoAPICompared is false with --spec-only.
	GoAPICompared bool `json:"goapiCompared"`
}

// runSpecDiff is "zcdrop spec diff": the spec changelog, then the Go API
// report, then one summary.
func runSpecDiff(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	const cmd = "spec diff"
	flags := newFlagSet(cmd, specDiffHelp, stderr)
	format := flags.String("format", "text", "report `format`: text, json or markdown")
	oldLabel := flags.String("old-label", "", "the `NAME` shown for OLD instead of its path, such as openapi.yaml@main")
	newLabel := flags.String("new-label", "", "the `NAME` shown for NEW instead of its path")
	oldConfig := flags.String("old-config", defaultGeneratorConfig, "oapi-codegen's configuration `FILE` for the Go API of OLD")
	newConfig := flags.String("new-config", defaultGeneratorConfig, "oapi-codegen's configuration `FILE` for the Go API of NEW")
	specOnly := flags.Bool("spec-only", false, "compare the specs only, not the Go API generated from them")
	if code, ok := parseFlags(flags, args); !ok {
		return code
	}
	if *format != "text" && *format != "json" && *format != "markdown" {
		printError(stderr, cmd, "--format must be text, json or markdown, not %q", *format)
		return exitUsage
	}
	if msg := operandsError(flags.Args()); msg != "" {
		printError(stderr, cmd, "%s", msg)
		fmt.Fprintln(stderr)
		flags.Usage()
		return exitUsage
	}
	oldPath, newPath := flags.Arg(0), flags.Arg(1)
	old, err := readDocument(oldPath, *oldLabel, readSpecFile)
	if err != nil {
		printError(stderr, cmd, "OLD: %v", err)
		return exitUsage
	}
	new, err := readDocument(newPath, *newLabel, readSpecFile)
	if err != nil {
		printError(stderr, cmd, "NEW: %v", err)
		return exitUsage
	}
	report := diffReport{Old: old.Name, New: new.Name}
	if report.Spec, err = specdiff.Spec(old, new); err != nil {
		printError(stderr, cmd, "%v", err)
		return exitUsage
	}
	if !*specOnly {
		report.GoAPI, err = compareGoAPI(ctx, old, new, *oldConfig, *newConfig)
		if err != nil {
			printError(stderr, cmd, "the Go API cannot be compared: %v; give --spec-only to compare the specs alone", err)
			return exitUsage
		}
		report.Summary.GoAPICompared = true
	}
	report.count()
	// The report is built whole and written once, so that a write that
	// fails (a closed pipe, a full disk) is seen, and is exit 2: a lost
	// report must not pass as "nothing is ERR".
	var out bytes.Buffer
	switch *format {
	case "json":
		enc := json.NewEncoder(&out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false) // Patterns and names quote <, > and & as they are.
		if err := enc.Encode(report); err != nil {
			printError(stderr, cmd, "write report: %v", err)
			return exitUsage
		}
	case "markdown":
		report.markdown(&out)
	default:
		report.text(&out)
	}
	if _, err := stdout.Write(out.Bytes()); err != nil {
		printError(stderr, cmd, "write report: %v", err)
		return exitUsage
	}
	if report.Summary.Errors > 0 {
		return exitFailed
	}
	return exitOK
}

// operandsError says what is wrong with args when they are not exactly OLD
// and NEW, or "" when they are.
func operandsError(args []string) string {
	for _, a := range args {
		if strings.HasPrefix(a, "-") && len(a) > 1 {
			return fmt.Sprintf("flags must come before OLD and NEW; %q came after them", a)
		}
	}
	if len(args) != 2 {
		return fmt.Sprintf("want OLD and NEW, two spec files, got %d arguments", len(args))
	}
	return ""
}

// readDocument reads path with read, and names the document label, or its
// path when label is "".
func readDocument(path, label string, read func(string) ([]byte, error)) (specdiff.Document, error) {
	data, err := read(path)
	if err != nil {
		return specdiff.Document{}, err
	}
	if label == "" {
		label = path
	}
	return specdiff.Document{Name: label, Data: data}, nil
}

// readGeneratorConfig reads an oapi-codegen configuration file within
// maxGeneratorConfigBytes. Its errors follow the file's name.
func readGeneratorConfig(path string) ([]byte, error) {
	data, err := regularfile.Read(path, maxGeneratorConfigBytes)
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return data, nil
}

// compareGoAPI generates the package api from old and from new, and
// returns apidiff's report on them.
func compareGoAPI(ctx context.Context, old, new specdiff.Document, oldConfig, newConfig string) ([]specdiff.GoAPIChange, error) {
	oldCfg, err := readDocument(oldConfig, "", readGeneratorConfig)
	if err != nil {
		return nil, err
	}
	newCfg, err := readDocument(newConfig, "", readGeneratorConfig)
	if err != nil {
		return nil, err
	}
	g := specdiff.Generator{PackagePath: apiPackagePath()}
	return g.Compare(ctx, specdiff.Input{Spec: old, Config: oldCfg}, specdiff.Input{Spec: new, Config: newCfg})
}

// apiPackagePath is the import path of the package that api/oapi-codegen.yaml
// generates, which programs import: the generated code is type-checked as
// that package.
func apiPackagePath() string { return reflect.TypeFor[api.Client]().PkgPath() }

func (r *diffReport) count() {
	tally := func(s specdiff.Severity) {
		switch s {
		case specdiff.SeverityError:
			r.Summary.Errors++
		case specdiff.SeverityWarning:
			r.Summary.Warnings++
		default:
			r.Summary.Infos++
		}
	}
	for _, c := range r.Spec {
		tally(c.Severity)
	}
	for _, c := range r.GoAPI {
		tally(c.Severity)
	}
}

// summaryLine is the report's last line in text, and its summary in
// Markdown.
func (r *diffReport) summaryLine() string {
	s := r.Summary
	goapi := "Go API not compared (--spec-only)"
	if s.GoAPICompared {
		goapi = fmt.Sprintf("%d in the Go API", len(r.GoAPI))
	}
	verdict := "nothing breaking"
	if s.Errors > 0 {
		verdict = "BREAKING"
	}
	return fmt.Sprintf("%s -> %s: %d ERR, %d WARN, %d INFO (%d in the spec, %s): %s",
		r.Old, r.New, s.Errors, s.Warnings, s.Infos, len(r.Spec), goapi, verdict)
}

// text writes one line per change, the spec's first, then the Go API's,
// then the summary. A spec change is "file:line:col: SEV   id: message
// [METHOD path]", located the way compilers and spec lint locate a
// problem, so that editors can jump to it; "file:line:col: " is left out
// when oasdiff does not know where the change is. Every string from the
// specs passes through termsafe.
func (r *diffReport) text(w io.Writer) {
	for _, c := range r.Spec {
		line := fmt.Sprintf("%-6s%s: %s", c.Severity, c.ID, c.Text)
		if c.Source != "" {
			line = c.Source + ": " + line
		}
		if c.Operation != "" || c.Path != "" {
			line += fmt.Sprintf(" [%s %s]", c.Operation, c.Path)
		}
		fmt.Fprintln(w, termsafe.String(line))
	}
	for _, c := range r.GoAPI {
		fmt.Fprintln(w, termsafe.String(fmt.Sprintf("%-6sgoapi: %s", c.Severity, goAPIText(c))))
	}
	fmt.Fprintln(w, termsafe.String(r.summaryLine()))
}

func goAPIText(c specdiff.GoAPIChange) string {
	if c.Name == "" {
		return c.Message
	}
	return c.Name + ": " + c.Message
}

// markdown writes a table per report, for a pull request's description or
// a CI summary, then the summary.
func (r *diffReport) markdown(w io.Writer) {
	fmt.Fprintf(w, "### Spec changes: %s → %s\n\n", mdCode(r.Old), mdCode(r.New))
	if len(r.Spec) == 0 {
		fmt.Fprint(w, "No changes.\n\n")
	} else {
		fmt.Fprint(w, "| Severity | Check | Change | Operation | Source |\n|---|---|---|---|---|\n")
		for _, c := range r.Spec {
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", c.Severity, mdCode(c.ID), mdCell(c.Text),
				mdCell(strings.TrimSpace(c.Operation+" "+c.Path)), mdCell(c.Source))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "### Go API changes: %s\n\n", mdCode(apiPackagePath()))
	switch {
	case !r.Summary.GoAPICompared:
		fmt.Fprint(w, "Not compared (--spec-only).\n\n")
	case len(r.GoAPI) == 0:
		fmt.Fprint(w, "No changes.\n\n")
	default:
		fmt.Fprint(w, "| Severity | Name | Change |\n|---|---|---|\n")
		for _, c := range r.GoAPI {
			fmt.Fprintf(w, "| %s | %s | %s |\n", c.Severity, mdCode(c.Name), mdCell(strings.ReplaceAll(c.Message, "*", `\*`)))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "**Summary:** %s\n", mdCell(r.summaryLine()))
}

// mdCell makes s one table cell: one line, no column break, nothing that
// acts on a terminal.
func mdCell(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return termsafe.String(strings.ReplaceAll(s, "|", `\|`))
}

// mdCode is s as inline code, or nothing for "".
func mdCode(s string) string {
	if s == "" {
		return ""
	}
	return "`" + strings.ReplaceAll(mdCell(s), "`", "'") + "`"
}
