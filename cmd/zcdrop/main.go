// Command zcdrop drops Zilliz Cloud clusters safely, watches them go, and
// checks the traffic against openapi.yaml.
//
// Usage:
//
//	zcdrop drop [flags] CLUSTER_ID
//	zcdrop describe [flags] CLUSTER_ID
//	zcdrop wait [flags] CLUSTER_ID
//	zcdrop conformance [flags] PATH...
//	zcdrop record convert [--to har|cassette] IN OUT
//	zcdrop probe [--record DIR] [flags]
//	zcdrop mock --api-key KEY --cluster ID [flags]
//	zcdrop selftest [--spec openapi.yaml]
//	zcdrop spec lint|diff|drift|regen [flags] [args]
//	zcdrop version (or --version, -v)
//
// Each command takes --help. Flags come before operands. Run "zcdrop help"
// for what each command does.
//
// # Environment
//
//	ZILLIZ_API_KEY  the API key of drop, describe, wait and probe, unless
//	                --api-key-file PATH names a file holding only the key (a
//	                regular file of at most 4 KiB); never a flag's value
//	stdin           drop asks a terminal to type the cluster ID back, and
//	                without one refuses (exit 2) unless --yes is given
//
// The key is never a flag's value because flags show in process lists, and
// drop refuses without a terminal so that a script never drops by accident.
// A dry run (drop --dry-run) needs neither.
//
// # Exit codes
//
// Every command shares them, and they never change meaning:
//
//	0  success / every interaction conforms
//	1  API error / a violation was found
//	2  usage error, no API key, unreadable input, or a refused drop
//	3  cluster not found (96018)
//	4  API key rejected or without permission
//	5  network or server failure (after retries for 429 and 503)
//	6  drop --wait, wait: not yet gone when --timeout ran out
//	130  drop --wait, wait: interrupted (Ctrl-C, SIGTERM) while waiting
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// The first signal asks the command to stop, and it does, cleanly; a
	// second one is the default's again, and ends the process at once,
	// whatever the command is still doing.
	go func() {
		<-ctx.Done()
		stop()
	}()
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit codes shared by every command. They are part of the CLI's contract:
// scripts branch on them, so they never change meaning.
const (
	exitOK       = 0 // success; for conformance: every interaction conforms
	exitFailed   = 1 // an API error; for conformance: a violation was found
	exitUsage    = 2 // bad usage, no API key, unreadable input, or a refused drop
	exitNotFound = 3 // the cluster does not exist (96018)
	exitAuth     = 4 // the key is rejected or lacks permission
	exitNetwork  = 5 // network or server failure after retries
	// exitTimeout: --timeout ran out before describe found the cluster
	// gone, in drop --wait (after the drop, which happened) or in wait. It
	// is no failure of a drop: waiting again (zcdrop wait) is enough.
	exitTimeout = 6
	// exitInterrupted: a signal (Ctrl-C, SIGTERM) ended the wait of drop
	// --wait or wait. 128+SIGINT, as a shell reports an interrupted
	// command, and not exitTimeout: a script that waits again on a timeout
	// must not resume a wait that its user stopped.
	exitInterrupted = 130
)

const usage = `zcdrop: drop Zilliz Cloud clusters safely, watch them go, and check the
traffic against openapi.yaml.

Usage:
  zcdrop drop [flags] CLUSTER_ID                          drop a cluster (asks first)
  zcdrop describe [flags] CLUSTER_ID                      print a cluster's status (sends no drop)
  zcdrop wait [flags] CLUSTER_ID                          wait until a cluster is gone (sends no drop)
  zcdrop conformance [flags] PATH...                      check cassettes and HAR files against the spec
  zcdrop record convert [--to har|cassette] IN OUT        turn HAR into a go-vcr cassette and back, redacted
  zcdrop probe [--record DIR] [flags]                     check the live API with probes that delete nothing
  zcdrop mock --api-key KEY --cluster ID [flags]          serve a local mock control plane
  zcdrop selftest [--spec openapi.yaml]                   check the spec, client and CLI against the mock
  zcdrop spec lint|diff|drift|regen [flags] [args]        the maintainer's loop on openapi.yaml (zcdrop spec help)
  zcdrop version                                          print versions (also --version, -v)
  zcdrop help                                             this text

Each command takes --help. Flags come before operands.

Environment:
  ZILLIZ_API_KEY  the API key of drop, describe, wait and probe, unless
                  --api-key-file PATH names a file holding only the key (a
                  regular file of at most 4 KiB); never a flag's value
  stdin           drop asks a terminal to type the cluster ID back, and
                  without one refuses (exit 2) unless --yes is given

Exit codes:
  0  success / every interaction conforms
  1  API error / a violation was found
  2  usage error, no API key, unreadable input, or a refused drop
  3  cluster not found (96018)
  4  API key rejected or without permission
  5  network or server failure (after retries for 429 and 503)
  6  drop --wait, wait: not yet gone when --timeout ran out
  130  drop --wait, wait: interrupted (Ctrl-C, SIGTERM) while waiting
`

// run is the whole program; main only wires it to the process, so that tests
// drive it in-process.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	// net/http logs through the standard logger, and quotes the wire there:
	// "Unsolicited response received on idle HTTP channel starting with …"
	// prints whatever a server sent past an answer, an echoed key included,
	// raw. No command speaks through that logger; each prints what it has
	// to say itself, redacted and escaped.
	log.SetOutput(io.Discard)
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "conformance":
		return runConformance(ctx, args[1:], stdout, stderr)
	case "record":
		return runRecord(ctx, args[1:], stdout, stderr)
	case "drop":
		return runDrop(ctx, args[1:], stdin, stdout, stderr)
	case "describe":
		return runDescribe(ctx, args[1:], stdout, stderr)
	case "wait":
		return runWait(ctx, args[1:], stdout, stderr)
	case "selftest":
		return runSelftest(ctx, args[1:], stdout, stderr)
	case "version", "--version", "-version", "-v":
		return runVersion(args[1:], stdout, stderr)
	case "mock":
		return runMock(ctx, args[1:], stdout, stderr)
	case "probe":
		return runProbe(ctx, args[1:], stdout, stderr)
	case "spec":
		return runSpec(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	default:
		fmt.Fprintf(stderr, "zcdrop: unknown command %q\n\n%s", args[0], usage)
		return exitUsage
	}
}
