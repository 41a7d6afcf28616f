package main

import (
	"context"
	"io"
	"strings"

	"github.com/zcdrop/zcdrop/internal/regen"
	"github.com/zcdrop/zcdrop/internal/specdiff"
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

// runSpecRegen is "zcdrop spec regen": the flags, then package regen's
// cycle and summary. make regen builds this binary before api/ is
// regenerated, so the gate and the mock run in a second binary, built by
// the cycle from the regenerated tree.
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
	if err := regen.CheckRoot(*dir); err != nil {
		printError(stderr, "spec regen", "%v", err)
		return exitUsage
	}
	clean, err := regen.Run(ctx, regen.Config{
		Dir:      *dir,
		Base:     *base,
		Runner:   regen.ExecRunner{MaxOutput: regen.MaxToolOutput},
		GoAPI:    specdiff.Generator{ModuleDir: *dir, PackagePath: apiPackagePath()},
		Lint:     lintConfig,
		Progress: stderr,
	}, stdout)
	switch {
	case err != nil:
		printError(stderr, "spec regen", "%v", err)
		return exitFailed
	case !clean:
		return exitFailed
	}
	return exitOK
}
