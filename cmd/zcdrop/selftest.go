package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/zcdrop/zcdrop/conformance"
	"github.com/zcdrop/zcdrop/internal/termsafe"
)

var selftestHelp = help{
	usage: "zcdrop selftest [--spec openapi.yaml]",
	description: `Checks the project against itself, with nothing but loopback sockets: the
spec file (with --spec); then each behaviour of the control plane, from a
success to a gateway's HTML page, a drop followed by a wait until the
cluster is DELETED, and a drop whose answer is cut short (its outcome
confirmed by Describe Cluster), through the client and through
"zcdrop drop" against the reference server, with the spec enforced on both
sides (observed in the cut-short one: enforced, a cut answer is a violation,
which the outcome check leaves as it is); then the live workflow (probe, record, gate, replay) with the
reference server standing in for Zilliz Cloud. It is "make conformance"'s
check, and prints one verdict per check.
`,
	exitCodes: `  0  every check passed
  1  a check failed
  2  usage error, or --spec unreadable
`,
}

// runSelftest is "zcdrop selftest": the spec file, then every scenario
// through the client and the CLI, then the live cycle.
func runSelftest(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("selftest", selftestHelp, stderr)
	specFile := fs.String("spec", "", "also check this openapi.yaml, and that the embedded spec matches it")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() != 0 {
		printError(stderr, "selftest", "unexpected arguments %q", fs.Args())
		return exitUsage
	}
	if *specFile != "" {
		data, err := readSpecFile(*specFile)
		if err != nil {
			printError(stderr, "selftest", "--spec: %v", err)
			return exitUsage
		}
		msg, err := checkSpecFile(ctx, *specFile, data)
		if err != nil {
			printError(stderr, "selftest", "%v", err)
			return exitFailed
		}
		fmt.Fprintf(stdout, "spec       PASS  %s\n", termsafe.String(msg))
	}
	v, err := conformance.NewValidator()
	if err != nil {
		printError(stderr, "selftest", "%v", err)
		return exitFailed
	}
	keys := make([]string, 0, len(scenarios))
	for _, sc := range scenarios {
		keys = append(keys, sc.key)
	}
	keyFile, cleanup, err := writeKeys(keys...)
	if err != nil {
		printError(stderr, "selftest", "%v", err)
		return exitFailed
	}
	defer cleanup()

	failed := 0
	for _, sc := range scenarios {
		clientMsg, clientErr := sc.viaClient(ctx, v)
		cliMsg, cliErr := sc.viaCLI(ctx, keyFile[sc.key])
		verdict := "PASS"
		if clientErr != nil || cliErr != nil {
			verdict = "FAIL"
			failed++
		}
		// What the checks say may quote the server or the CLI's output:
		// each line is escaped.
		fmt.Fprintf(stdout, "scenario   %s  %-18s client: %s; cli: %s\n", verdict, sc.name, termsafe.String(clientMsg), termsafe.String(cliMsg))
		for _, e := range []error{clientErr, cliErr} {
			if e != nil {
				fmt.Fprintf(stdout, "           %s\n", termsafe.String(e.Error()))
			}
		}
	}
	fmt.Fprintf(stdout, "selftest: %d scenarios against the reference server on loopback, spec checked on both sides: %d passed, %d failed\n",
		len(scenarios), len(scenarios)-failed, failed)
	msg, err := liveCycle(ctx, v)
	if err != nil {
		fmt.Fprintf(stdout, "live cycle FAIL  %s\n", termsafe.String(err.Error()))
		failed++
	} else {
		fmt.Fprintf(stdout, "live cycle PASS  %s\n", msg)
	}
	if failed > 0 {
		return exitFailed
	}
	return exitOK
}

// writeKeys writes each key to a file of its own, because the CLI takes
// keys only from the environment or a file, and returns the files by key.
func writeKeys(keys ...string) (map[string]string, func(), error) {
	dir, err := os.MkdirTemp("", "zcdrop-selftest-")
	if err != nil {
		return nil, nil, err
	}
	cleanup := func() { _ = os.RemoveAll(dir) }
	files := map[string]string{}
	for i, key := range keys {
		if _, ok := files[key]; ok {
			continue
		}
		p := filepath.Join(dir, fmt.Sprintf("key-%d", i))
		if err := os.WriteFile(p, []byte(key+"\n"), 0o600); err != nil {
			cleanup()
			return nil, nil, err
		}
		files[key] = p
	}
	return files, cleanup, nil
}
