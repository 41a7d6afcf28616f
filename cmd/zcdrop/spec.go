package main

import (
	"context"
	"fmt"
	"io"
)

const specUsage = `Usage: zcdrop spec COMMAND [flags] [args]

The maintainer's loop around openapi.yaml:
  zcdrop spec lint [--format text|json] [--strict] [FILE]
      check the spec: one line per problem, file:line:col, with a rule ID
  zcdrop spec diff [--format text|json|markdown] [--spec-only] OLD NEW
      what changed between two specs, and in the Go API generated from them;
      exit 1 on a breaking change
  zcdrop spec drift [--spec FILE] [--format text|json] [--base-path PATH] [--patch FILE|-] PATH...
      what recorded traffic shows that the spec does not declare
  zcdrop spec regen [--base REF] [--dir DIR]
      lint, generate, build, diff against REF, the gate and the mock: one summary

Each command takes --help.
`

// runSpec is "zcdrop spec", the commands a maintainer runs on openapi.yaml.
func runSpec(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, specUsage)
		return exitUsage
	}
	switch args[0] {
	case "lint":
		return runSpecLint(ctx, args[1:], stdout, stderr)
	case "diff":
		return runSpecDiff(ctx, args[1:], stdout, stderr)
	case "drift":
		return runSpecDrift(ctx, args[1:], stdout, stderr)
	case "regen":
		return runSpecRegen(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, specUsage)
		return exitOK
	default:
		fmt.Fprintf(stderr, "zcdrop spec: unknown command %q\n\n%s", args[0], specUsage)
		return exitUsage
	}
}
