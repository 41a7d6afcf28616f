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
		fmt.Fprintf(&rules, "  %s  %s\n", r.ID, r.Summary)
	}
	return help{
		usage: "zcdrop spec lint [--format text|json] [FILE]",
		description: `Checks FILE (openapi.yaml when none is given) against OpenAPI 3 and the
project's rules, and prints one line per problem, sorted by position, as
compilers do:

  FILE:LINE:COL: error RULE: MESSAGE

then a summary on stderr. --format json prints a JSON array of objects
with file, line, column, severity, rule, message and, when known, the
JSON pointer of the place.

Rules:
` + rules.String() + `
Content that is not JSON, such as a gateway's HTML error page, is exempt
from zc007. FILE must be a regular file of at most 4 MiB, and its $refs
must be local (#/...).
`,
		exitCodes: `  0  the spec breaks no rule
  1  the spec breaks a rule
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
	noun := "errors"
	if len(problems) == 1 {
		noun = "error"
	}
	fmt.Fprintf(stderr, "spec lint: %d %s in %s\n", len(problems), noun, termsafe.String(path))
	return exitFailed
}
