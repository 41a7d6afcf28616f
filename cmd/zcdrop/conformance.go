package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/zcdrop/zcdrop/conformance"
)

var conformanceHelp = help{
	usage: "zcdrop conformance [--format text|json|junit] PATH...",
	description: `Checks every interaction recorded in the go-vcr v4 cassettes at PATH against
openapi.yaml and writes a report to stdout. A PATH is a cassette file or a
directory, which is walked for *.yaml and *.yml files. Flags come before the
paths.
`,
	exitCodes: `  0  every interaction conforms
  1  an interaction breaks the spec
  2  usage error or unreadable input (nothing was checked)
`,
}

// runConformance is "zcdrop conformance", the gate over recorded traffic. It
// reads every input before checking any, so that exit code 1 always means
// "a violation was found" and never "a file could not be read".
func runConformance(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	flags := newFlagSet("conformance", conformanceHelp, stderr)
	formatName := flags.String("format", string(conformance.FormatText), "report `format`: text, json or junit")
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
	results, err := v.CheckCassettes(ctx, flags.Args()...)
	if err != nil {
		printError(stderr, "conformance", "%v", err)
		return exitUsage
	}
	if err := conformance.WriteReport(stdout, format, results); err != nil {
		// Without its report the gate has given no verdict, as with an
		// unreadable input.
		printError(stderr, "conformance", "write report: %v", err)
		return exitUsage
	}
	if conformance.Summarize(results).Failed > 0 {
		return exitFailed
	}
	return exitOK
}
