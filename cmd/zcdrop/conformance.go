package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/zcdrop/zcdrop/conformance"
	"github.com/zcdrop/zcdrop/internal/termsafe"
)

var conformanceHelp = help{
	usage: "zcdrop conformance [--format text|json|junit|github|sarif|html] [--coverage] [--min-coverage N] [--strict] [--ignore-undeclared] [--base-path PATH] PATH...",
	description: `Checks every interaction recorded at PATH against openapi.yaml and writes a
report to stdout. A PATH is a go-vcr v4 cassette, a HAR 1.2 file (told apart
by their content, whatever their names), or a directory, which is walked
for *.yaml, *.yml and *.har files. Flags come before the paths.

An interaction also fails when its recording holds a credential (in any
header, a body or the URL), when a recorded Content-Length disagrees with
its body, or when a body is over 1 MiB, which is then not validated. What
looks like a key is masked wherever the report quotes a recording, and so
is the key in ZILLIZ_API_KEY, when it is set, whatever it looks like.

The report (--format) is text for people, as a compiler writes errors
(file:line: finding); json for programs; junit for GitLab and Jenkins;
github for GitHub Actions annotations on the pull request's diff; sarif
(2.1.0) for code scanning; html, one self-contained page to publish as
a CI artifact (zcdrop conformance --format html DIR > report.html), with
each failing interaction's request and response, redacted.

--coverage lists each item that the spec declares (operations, statuses,
media types, success and business-error bodies, known error codes) and how
often the corpus exercised it; --min-coverage N fails the gate when less
than N percent of them were. A corpus that passes while proving little (no
exchange of a declared operation, no success, nothing but 401s) gets a
warning on stderr and in the report; --strict makes such a warning fail the
gate, and also reports properties that the schema does not declare.
Traffic to a path that no operation matches fails, unless
--ignore-undeclared makes it a notice (a browser's or a proxy's HAR file
holds other traffic); hosts are not judged, so traffic recorded against
the mock or through a proxy is checked.

Traffic recorded through a proxy at a base URL with a path (zcdrop probe
--base-url https://host/zilliz --record DIR) is checked on the path below
it with --base-path /zilliz.

A cassette is unreadable unless it is a regular file (or a link to one) of
at most 4 MiB, one YAML document with "version: 2", decoding to at most
16 MiB of text with at most 10,000 YAML nodes added by aliases. A larger
cassette is read a few interactions at a time, each of at most 4 MiB; it
must start with "version: 2" and "interactions:", its items in block style,
as go-vcr writes them. A HAR file is read an entry at a
time, each entry of at most 8 MiB; one without entries is unreadable. All
inputs together may hold at most 64 MiB and 100,000 interactions. The
report is written once every input has been read; an unreadable one leaves
it unwritten.
`,
	exitCodes: `  0  every interaction conforms
  1  an interaction breaks the spec, coverage is below --min-coverage, or a warning under --strict
  2  usage error, unreadable input or an interrupt (no verdict was given)
`,
}

// runConformance is "zcdrop conformance", the gate over recorded traffic. It
// gives a verdict only when it could read every input, so that exit code 1
// always means "a violation was found" and never "a file could not be read".
// What files and servers wrote reaches stderr through termsafe.
func runConformance(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	stdout, stderr, flush := hideEnvKey(stdout, stderr)
	defer flush()
	flags := newFlagSet("conformance", conformanceHelp, stderr)
	formatName := flags.String("format", string(conformance.FormatText), "report `format`: text, json, junit, github, sarif or html")
	coverage := flags.Bool("coverage", false, "report what the corpus exercised of the spec, and what it never did")
	var minCoverage float64
	flags.Func("min-coverage", "fail when less than `N` percent (50 or 50%) of the spec's items were exercised; above 0, implies --coverage", func(s string) error {
		n, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(s), "%"), 64)
		if err != nil || !(n >= 0 && n <= 100) { // NaN too.
			return fmt.Errorf("%q is not a percentage from 0 to 100", s)
		}
		minCoverage = n
		return nil
	})
	strict := flags.Bool("strict", false, "fail on warnings (nothing declared checked, no success, only 401s), and report properties outside the schema")
	ignoreUndeclared := flags.Bool("ignore-undeclared", false, "make traffic to paths that the spec does not declare a notice, not a violation")
	basePath := flags.String("base-path", "", "check requests on the path below `PATH`, the path of the base URL they were recorded through")
	if code, ok := parseFlags(flags, args); !ok {
		return code // flag has printed the error and the usage.
	}
	format, err := conformance.ParseFormat(*formatName)
	if err != nil {
		printError(stderr, "conformance", "%v", err)
		fmt.Fprintln(stderr)
		flags.Usage()
		return exitUsage
	}
	if flags.NArg() == 0 {
		printError(stderr, "conformance", "needs at least one cassette file or directory")
		fmt.Fprintln(stderr)
		flags.Usage()
		return exitUsage
	}
	for _, a := range flags.Args() {
		if strings.HasPrefix(a, "-") && len(a) > 1 {
			printError(stderr, "conformance", "flags must come before PATH; %q came after it", a)
			return exitUsage
		}
	}

	v, err := conformance.NewValidator()
	if err != nil {
		printError(stderr, "conformance", "%v", err)
		return exitUsage
	}
	// The report is written once every input has been read, or not at
	// all: without its report, as with an unreadable input, the gate has
	// given no verdict.
	opts := conformance.GateOptions{Format: format, Coverage: *coverage, MinCoverage: minCoverage,
		Strict: *strict, IgnoreUndeclared: *ignoreUndeclared}
	verdict, err := v.Gate(conformance.WithBasePath(ctx, *basePath), stdout, opts, flags.Args()...)
	switch {
	case ctx.Err() != nil && errors.Is(err, ctx.Err()):
		printError(stderr, "conformance", "interrupted; no verdict")
		return exitUsage
	case err != nil:
		// The error names files and quotes what they hold.
		printError(stderr, "conformance", "%s", termsafe.String(err.Error()))
		return exitUsage
	}
	// The report says these too; stderr says them where a CI log shows
	// them, whatever the report's format and wherever it went.
	for _, w := range verdict.Warnings {
		suffix := ""
		if *strict {
			suffix = " (--strict fails the gate on it)"
		}
		printError(stderr, "conformance", "warning: %s%s", w.Message, suffix)
	}
	for _, r := range verdict.Reasons {
		if r.Code == conformance.ReasonCoverage {
			printError(stderr, "conformance", "failed: %s (--min-coverage)", r.Message)
		}
	}
	if verdict.Failed {
		return exitFailed
	}
	return exitOK
}
