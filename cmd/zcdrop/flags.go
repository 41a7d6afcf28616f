package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/zcdrop/zcdrop"
)

// help is what a command's --help says, in the one shape every command
// shares: the usage line, a description, the exit codes, then the flags with
// their defaults.
type help struct {
	// usage follows "Usage: ", as in "zcdrop drop [flags] CLUSTER_ID".
	usage string
	// description is one or more paragraphs, each line ending in "\n".
	description string
	// exitCodes lists the codes the command returns, one "  N  meaning"
	// line each.
	exitCodes string
}

// newFlagSet returns the flag set of "zcdrop cmd", whose --help prints h.
// Errors and help go to w, as the flag package does.
func newFlagSet(cmd string, h help, w io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("zcdrop "+cmd, flag.ContinueOnError)
	fs.SetOutput(w)
	fs.Usage = func() {
		out := fs.Output()
		fmt.Fprintf(out, "Usage: %s\n\n%s\nExit codes:\n%s\nFlags:\n", h.usage, h.description, h.exitCodes)
		if hasFlags(fs) {
			fs.PrintDefaults()
		} else {
			fmt.Fprintln(out, "  none but -h, --help")
		}
	}
	return fs
}

func hasFlags(fs *flag.FlagSet) bool {
	found := false
	fs.VisitAll(func(*flag.Flag) { found = true })
	return found
}

// parseFlags parses args into fs. When it returns false, the command is
// over: --help was asked for (exit 0), or the flag package has printed an
// error and the usage (exit 2).
func parseFlags(fs *flag.FlagSet, args []string) (exit int, ok bool) {
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return exitOK, false
	case err != nil:
		return exitUsage, false
	}
	return exitOK, true
}

// isFlagSet reports whether name was given on the command line, as opposed
// to keeping its default.
func isFlagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// positionalError says what is wrong with args when they are not exactly
// one operand named what, or "" when they are. Go's flag package stops at
// the first operand, so a flag after it arrives here as an operand.
func positionalError(args []string, what string) string {
	for _, a := range args {
		if strings.HasPrefix(a, "-") && len(a) > 1 {
			return fmt.Sprintf("flags must come before %s; %q came after it", what, a)
		}
	}
	if len(args) != 1 {
		return fmt.Sprintf("want exactly one %s, got %d arguments", what, len(args))
	}
	return ""
}

// baseURL picks the control plane. zcdrop.WithBaseURL checks the result.
func baseURL(region, override string) (string, error) {
	if override != "" {
		return override, nil
	}
	switch region {
	case "global":
		return zcdrop.ServerGlobal, nil
	case "cn":
		return zcdrop.ServerChina, nil
	}
	return "", fmt.Errorf("--region must be global or cn, not %q", region)
}

// outputFlagIn returns the value that args give --output, or "" when they
// give none. It serves when the flag package has failed before it reached
// --output, so that the failure is still reported in the format asked for.
func outputFlagIn(args []string) string {
	value := ""
	for i, a := range args {
		if a == "--" {
			break
		}
		name, v, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "output" {
			continue
		}
		switch {
		case hasValue:
			value = v
		case i+1 < len(args):
			value = args[i+1]
		}
	}
	return value
}
