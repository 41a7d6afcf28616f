package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/zcdrop/zcdrop/internal/specdrift"
	"github.com/zcdrop/zcdrop/internal/termsafe"
)

var specDriftHelp = help{
	usage: "zcdrop spec drift [--spec FILE] [--format text|json] [--base-path PATH] [--patch FILE|-] PATH...",
	description: `Reads the go-vcr v4 cassettes at PATH, as zcdrop conformance reads them,
and lists what their traffic shows that the spec does not declare:
  error-code    a non-zero code in a JSON body that x-zilliz-error-codes lacks
  operation     a request that no operation of the spec matches
  status        a status that no response code or range (4XX) declares
  content-type  a media type that the response of its status does not declare
  header        a response header that the response does not declare, other
                than those every server sends (Date, Server, Vary, ...)
  property      a body member outside the schema, or outside the oneOf branch
                that the body's code picks (0: success, else the envelope)
Each with the interactions that showed it, and where it was first seen:
  <class> <what>: <count>× first at <file>:<line> (interaction N)

Run zcdrop conformance on the same cassettes first: drift judges what the
gate lets through, and proposes recorded messages as meanings.

--patch FILE writes the whole spec, with the new error codes appended to
x-zilliz-error-codes, to FILE, which must not exist; --patch - prints the
same edit as a unified diff that git apply accepts, and the report goes
to stderr. Each new code's meaning is its first recorded message, and its
source the request ID and date of that response. The spec itself is never
edited. A Markdown table of codes in the description beside the list is
left as it is; --patch names its line on stderr and prints a row for each
new code, for a person to reword and place.
`,
	exitCodes: `  0  the traffic shows nothing that the spec does not declare
  1  it shows something
  2  usage error, unreadable input, a failed --patch, or an interrupt
`,
}

// runSpecDrift is "zcdrop spec drift": what recorded traffic shows that the
// spec does not declare. Exit 1 always means "drift was found"; anything
// that stops the verdict, or the patch asked for, is exit 2.
func runSpecDrift(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	const cmd = "spec drift"
	flags := newFlagSet(cmd, specDriftHelp, stderr)
	specPath := flags.String("spec", "openapi.yaml", "the spec `FILE` that the traffic is compared with")
	formatName := flags.String("format", "text", "report `format`: text or json")
	basePath := flags.String("base-path", "", "route requests on the path below `PATH`, the path of the base URL they were recorded through")
	patchTo := flags.String("patch", "", "write the spec with the new error codes to `FILE`, a new file; - prints a unified diff instead")
	if code, ok := parseFlags(flags, args); !ok {
		return code // flag has printed the error and the usage.
	}
	usageError := func(format string, a ...any) int {
		printError(stderr, cmd, format, a...)
		fmt.Fprintln(stderr)
		flags.Usage()
		return exitUsage
	}
	write := specdrift.WriteText
	switch *formatName {
	case "text":
	case "json":
		write = specdrift.WriteJSON
	default:
		return usageError("unknown report format %q (want text or json)", *formatName)
	}
	if isFlagSet(flags, "patch") && *patchTo == "" {
		return usageError("--patch needs a FILE to create, or - for a diff on stdout")
	}
	if flags.NArg() == 0 {
		return usageError("needs at least one cassette file or directory")
	}
	for _, a := range flags.Args() {
		if strings.HasPrefix(a, "-") && len(a) > 1 {
			printError(stderr, cmd, "flags must come before PATH; %q came after it", a)
			return exitUsage
		}
	}

	data, err := readSpecFile(*specPath)
	if err != nil {
		printError(stderr, cmd, "%v", err)
		return exitUsage
	}
	spec, err := specdrift.LoadSpec(ctx, *specPath, data)
	if err != nil {
		printError(stderr, cmd, "%v", err)
		return exitUsage
	}
	report, err := specdrift.Check(ctx, spec, specdrift.Options{BasePath: *basePath}, flags.Args()...)
	switch {
	case ctx.Err() != nil && errors.Is(err, ctx.Err()):
		printError(stderr, cmd, "interrupted; no verdict")
		return exitUsage
	case err != nil:
		printError(stderr, cmd, "%v", err)
		return exitUsage
	}

	// With the diff on stdout, the report goes beside it, so that
	// "zcdrop spec drift --patch - DIR > codes.diff" holds only the diff.
	reportTo := stdout
	if *patchTo == "-" {
		reportTo = stderr
	}
	if err := write(reportTo, report); err != nil {
		printError(stderr, cmd, "write report: %v", err)
		return exitUsage
	}
	if *patchTo != "" && !writePatch(spec, report, *specPath, *patchTo, stdout, stderr) {
		return exitUsage
	}
	if len(report.Findings) > 0 {
		return exitFailed
	}
	return exitOK
}

// writePatch writes the patch that report calls for to the new file to, or
// as a diff to stdout when to is "-", and says what it did on stderr, and
// what it left to a person. It reports whether it succeeded.
func writePatch(spec *specdrift.Spec, report *specdrift.Report, specPath, to string, stdout, stderr io.Writer) bool {
	const cmd = "spec drift"
	patch, err := spec.Patch(report)
	if err != nil {
		printError(stderr, cmd, "--patch: %v", err)
		return false
	}
	if len(patch.Added) == 0 {
		printError(stderr, cmd, "--patch: the traffic shows no new error code; nothing to propose, nothing written")
		return true
	}
	codes := make([]string, len(patch.Added))
	for i, a := range patch.Added {
		codes[i] = fmt.Sprint(a.Code)
	}
	if to == "-" {
		if _, err := stdout.Write(patch.Diff()); err != nil {
			printError(stderr, cmd, "--patch: write diff: %v", err)
			return false
		}
		printError(stderr, cmd, "--patch: the diff appends %s to x-zilliz-error-codes", strings.Join(codes, ", "))
		printTableRows(stderr, patch, specPath)
		return true
	}
	if err := patch.WriteFile(to); err != nil {
		printError(stderr, cmd, "--patch: %v", err)
		return false
	}
	printError(stderr, cmd, "--patch: wrote %s: the spec with %s appended to x-zilliz-error-codes; review it, then replace the spec with it", to, strings.Join(codes, ", "))
	printTableRows(stderr, patch, specPath)
	return true
}

// printTableRows says, when the spec has a table of codes in the
// description beside x-zilliz-error-codes, that the patch left it as it
// was, where it is, and the rows a person may word and place there: the
// patch cannot tell where in the table's grouping a code belongs.
func printTableRows(stderr io.Writer, patch *specdrift.Patch, specPath string) {
	if patch.TableLine == 0 {
		return
	}
	printError(stderr, "spec drift", "--patch: %s:%d: the table of codes in the description beside x-zilliz-error-codes is not edited; add each new code's row where it belongs, in your words, such as:", specPath, patch.TableLine)
	for _, a := range patch.Added {
		fmt.Fprintf(stderr, "    %s\n", termsafe.String(a.TableRow()))
	}
}
