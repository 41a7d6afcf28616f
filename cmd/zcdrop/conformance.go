package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/zcdrop/zcdrop/conformance"
)

const conformanceUsage = `Usage: zcdrop conformance [--format text|json|junit] PATH...

Checks every interaction recorded in the go-vcr v4 cassettes at PATH against
openapi.yaml and writes a report to stdout. A PATH is a cassette file or a
directory, which is walked for *.yaml and *.yml files. Flags come before the
paths.

Exit codes:
  0  every interaction conforms
  1  an interaction breaks the spec
  2  usage error or unreadable input (nothing was checked)

Flags:
`

// runConformance is "zcdrop conformance", the gate over recorded traffic. It
// reads every input before checking any, so that exit code 1 always means
// "a violation was found" and never "a file could not be read".
func runConformance(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("zcdrop conformance", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() {
		fmt.Fprint(stderr, conformanceUsage)
		flags.PrintDefaults()
	}
	formatName := flags.String("format", string(conformance.FormatText), "report `format`: text, json or junit")
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage // flag has printed the error and the usage.
	}
	format, err := conformance.ParseFormat(*formatName)
	if err != nil {
		fmt.Fprintf(stderr, "zcdrop: %v\n\n", err)
		flags.Usage()
		return exitUsage
	}
	if flags.NArg() == 0 {
		fmt.Fprint(stderr, "zcdrop: conformance needs at least one cassette file or directory\n\n")
		flags.Usage()
		return exitUsage
	}
	for _, a := range flags.Args() {
		if strings.HasPrefix(a, "-") && len(a) > 1 {
			fmt.Fprintf(stderr, "zcdrop: conformance: flags must come before PATH; %q came after it\n", a)
			return exitUsage
		}
	}

	v, err := conformance.NewValidator()
	if err != nil {
		fmt.Fprintf(stderr, "zcdrop: %v\n", err)
		return exitUsage
	}
	results, err := v.CheckCassettes(ctx, flags.Args()...)
	if err != nil {
		fmt.Fprintf(stderr, "zcdrop: %v\n", err)
		return exitUsage
	}
	if err := conformance.WriteReport(stdout, format, results); err != nil {
		// Without its report the gate has given no verdict, as with an
		// unreadable input.
		fmt.Fprintf(stderr, "zcdrop: write report: %v\n", err)
		return exitUsage
	}
	if conformance.Summarize(results).Failed > 0 {
		return exitFailed
	}
	return exitOK
}
