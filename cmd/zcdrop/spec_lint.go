package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/zcdrop/zcdrop"
	"github.com/zcdrop/zcdrop/internal/speclint"
	"github.com/zcdrop/zcdrop/internal/termsafe"
)

// specLintHelp is the help of "zcdrop spec lint", with a line for every
// rule.
func specLintHelp() help {
	var rules strings.Builder
	for _, r := range speclint.Rules() {
		sev := ""
		if r.Severity != speclint.SeverityError {
			sev = " (" + r.Severity + ")"
		}
		fmt.Fprintf(&rules, "  %s  %s%s\n", r.ID, r.Summary, sev)
	}
	return help{
		usage: "zcdrop spec lint [--format text|json] [--strict] [FILE]",
		description: `Checks FILE (openapi.yaml when none is given) against OpenAPI 3 and the
project's rules, and prints one line per problem, sorted by position, as
compilers do:

  FILE:LINE:COL: SEVERITY RULE: MESSAGE

then a summary on stderr. Every rule's problems are errors but zc012's,
which are warnings: a new code in the spec is right, and the client is
behind it until it has a sentinel. --strict fails on warnings too, as
make test does. --format json prints a JSON array of objects
with file, line, column, severity, rule, message and, when known, the
JSON pointer of the place.

Rules:
` + rules.String() + `
Content that is not JSON, such as a gateway's HTML error page, is exempt
from zc007. FILE must be a regular file of at most 4 MiB, and its $refs
must be local (#/...).
`,
		exitCodes: `  0  the spec breaks no rule, or only gives warnings without --strict
  1  the spec breaks a rule (an error, or with --strict a warning)
  2  usage error, or FILE is unreadable or no OpenAPI 3 document
`,
	}
}

// lintConfig is what the linter needs to know of the client: the hosts it
// knows, and its sentinels.
var lintConfig = speclint.Config{
	Servers:     []string{zcdrop.ServerGlobal, zcdrop.ServerChina},
	HasSentinel: func(code int) bool { return zcdrop.CodeSentinel(code) != nil },
}

// runSpecLint is "zcdrop spec lint": openapi.yaml against OpenAPI 3 and the
// project's rules. Exit 1 means a problem was found, never that the file
// could not be read.
func runSpecLint(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	flags := newFlagSet("spec lint", specLintHelp(), stderr)
	format := flags.String("format", "text", "output `format`: text or json")
	strict := flags.Bool("strict", false, "fail on warnings too (zc012: a code without a sentinel), as make test does")
	if code, ok := parseFlags(flags, args); !ok {
		return code // flag has printed the error and the usage.
	}
	if *format != "text" && *format != "json" {
		printError(stderr, "spec lint", "--format must be text or json, not %q", *format)
		return exitUsage
	}
	path := "openapi.yaml"
	switch operands := flags.Args(); {
	case len(operands) == 1 && !strings.HasPrefix(operands[0], "-"):
		path = operands[0]
	case len(operands) > 0:
		if msg := positionalError(operands, "FILE"); msg != "" {
			printError(stderr, "spec lint", "%s", msg)
			return exitUsage
		}
	}
	data, err := readSpecFile(path)
	if err != nil {
		printError(stderr, "spec lint", "%v", err)
		return exitUsage
	}
	problems, err := speclint.Lint(ctx, path, data, lintConfig)
	switch {
	case ctx.Err() != nil && errors.Is(err, ctx.Err()):
		printError(stderr, "spec lint", "interrupted; no verdict")
		return exitUsage
	case err != nil:
		printError(stderr, "spec lint", "%v", err)
		return exitUsage
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false) // Patterns quote < and > as they are.
		if problems == nil {
			problems = []speclint.Problem{} // [], not null, when clean.
		}
		if err := enc.Encode(problems); err != nil {
			printError(stderr, "spec lint", "write report: %v", err)
			return exitUsage
		}
	} else {
		for _, p := range problems {
			fmt.Fprintf(stdout, "%s:%d:%d: %s %s: %s\n", termsafe.String(p.File), p.Line, p.Column, p.Severity, p.Rule, termsafe.String(p.Message))
		}
	}
	if len(problems) == 0 {
		fmt.Fprintf(stderr, "spec lint: %s breaks none of the %d rules\n", termsafe.String(path), len(speclint.Rules()))
		return exitOK
	}
	errs, warnings := countSeverities(problems)
	fmt.Fprintf(stderr, "spec lint: %s, %s in %s\n", plural(errs, "error"), plural(warnings, "warning"), termsafe.String(path))
	if errs > 0 || *strict {
		return exitFailed
	}
	return exitOK
}

// countSeverities counts the problems that are errors and those that are
// warnings.
func countSeverities(problems []speclint.Problem) (errs, warnings int) {
	for _, p := range problems {
		if p.Severity == speclint.SeverityWarning {
			warnings++
		} else {
			errs++
		}
	}
	return errs, warnings
}

// plural says "1 error" or "2 errors".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
