package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/zcdrop/zcdrop"
	"github.com/zcdrop/zcdrop/conformance"
	"github.com/zcdrop/zcdrop/internal/termsafe"
)

var dropHelp = help{
	usage: "zcdrop drop [flags] CLUSTER_ID",
	description: `Drops a Zilliz Cloud cluster: DELETE /v2/clusters/{clusterId}/drop.
A dropped dedicated cluster can be restored from the recycle bin for 30 days;
a free cluster cannot be restored.

The API key comes from the ZILLIZ_API_KEY environment variable or from
--api-key-file. It is never taken as a flag value: flags show in process lists.
A dry run needs no key, and says so when the real drop would fail for want
of one.

Without --yes, a terminal must type the cluster ID back to confirm; with no
terminal, the drop is refused (exit 2) and nothing is sent.

The outcome says how the drop is known to have happened:
  dropped       the API answered that it dropped the cluster
  confirmed     the answer was lost (a reset, a timeout, a truncated body), and
                Describe Cluster then found the cluster DELETING, DELETED or
                gone: the drop happened, most likely by this call
  already_gone  with --if-exists: the cluster did not exist
A lost answer is never sent again blindly: when describe finds the cluster
RUNNING, the drop did not happen, and it is sent again if --attempts leaves a
try; when describe cannot tell, the drop fails (exit 5) saying that it may
have happened. "zcdrop describe ID" then shows the cluster's status, and
"zcdrop wait ID" waits until it is gone; neither sends a drop. Sending the
drop again is safe only when describe shows RUNNING.

--if-exists is the teardown mode: a cluster that does not exist is success
(already_gone, exit 0). Without it, a cluster that does not exist is exit 3.

--wait waits, after the drop (whatever its outcome), until Describe Cluster
finds the cluster DELETED or not at all, polling half a second apart at
first, doubling to 10 seconds. On a terminal, stderr shows one live line with
the status and the time spent; otherwise stderr gets one line per status
change (none with --output json). --timeout bounds the whole command, the
drop, its retries and the wait together: 2m, or 10m with --wait, unless set.
A drop that ran out of time is exit 5, as the drop's outcome is then not
known; a wait that ran out of time is exit 6, as the drop happened and the
cluster is on its way out: "zcdrop wait ID" waits again. Ctrl-C (or
SIGTERM) during the wait stops it: the drop happened, and the exit code is
130.

With --output json, stdout holds one JSON document whatever happens: the
result ({"clusterId", "prompt", "requestId", "outcome", and "status" when
describe confirmed the drop; with --wait, "wait": {"status", "notFound",
"gone", "polls", "elapsedSeconds", "requestId"}}), the dry run, or
{"error": {..., "kind": ...}} for every failure, usage errors included. A wait
that stopped before the cluster was gone prints the result and "error"
together.
`,
	exitCodes: `  0  dropped, or already gone with --if-exists (or a dry run)
  1  API error, or a response that breaks the spec under --validate enforce
  2  usage error, invalid cluster ID, no API key, or refused; nothing sent
  3  cluster not found (96018), without --if-exists
  4  key rejected or without permission
  5  network or server failure (after retries for 429 and 503), or a lost answer
  6  --wait: dropped, but not yet gone when --timeout ran out
  130  --wait: dropped, but interrupted (Ctrl-C, SIGTERM) while waiting
`,
}

// isTerminal reports whether r is an interactive terminal (not /dev/null,
// which is a character device too). Tests replace it.
var isTerminal = func(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

type dropFlags struct {
	api                         apiFlags
	yes, dryRun, wait, ifExists bool
}

// runDrop is "zcdrop drop". Every failure is reported through one
// dropOutput, so that --output json holds for usage errors too.
func runDrop(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var f dropFlags
	var parseErrors bytes.Buffer
	fs := newFlagSet("drop", dropHelp, &parseErrors)
	f.api.register(fs, dropTimeout, "give up after this long: the drop, its retries and --wait together (10m with --wait, unless set)",
		"tries in all when the API answers 429 or 503, or when describe finds that a drop whose answer was lost did not happen (1: no retries)")
	fs.BoolVar(&f.yes, "yes", false, "drop without asking for confirmation")
	fs.BoolVar(&f.dryRun, "dry-run", false, "check and print the request, send nothing")
	fs.BoolVar(&f.wait, "wait", false, "after the drop, wait until the cluster is DELETED or gone (exit 6 when --timeout runs out first)")
	fs.BoolVar(&f.ifExists, "if-exists", false, "take a cluster that does not exist for success (outcome already_gone, exit 0): for teardown scripts")
	out := &dropOutput{cmd: "drop", stdout: stdout, stderr: stderr}
	if exit, ok := f.api.parse(fs, args, &parseErrors, out); !ok {
		return exit
	}
	// --wait stretches the default: a cluster may take minutes to go.
	if f.wait && !isFlagSet(fs, "timeout") {
		f.api.timeout = dropWaitTimeout
	}
	return drop(ctx, f, fs.Args(), stdin, out)
}

// drop checks the parsed flags and operands, then drops, dry-runs or
// refuses.
func drop(ctx context.Context, f dropFlags, operands []string, stdin io.Reader, out *dropOutput) int {
	target, fail := f.api.check("drop", operands)
	if fail != nil {
		return out.stop(*fail)
	}
	id := target.clusterID
	out.clusterID = id
	key, err := apiKey(f.api.keyFile)
	wouldFail := ""
	if err != nil {
		if !f.dryRun || f.api.keyFile != "" {
			return out.stop(usageFailure("no_api_key", "", "%v", err))
		}
		// A dry run never shows the key, so a stand-in shows the request
		// as well; the dry run says that the real drop would fail.
		key, wouldFail = "dry-run-without-a-key", err.Error()
	}
	client, fail := f.api.connect(key, target, out)
	if fail != nil {
		return out.stop(*fail)
	}
	if f.dryRun {
		return dryRun(ctx, dryRunInput{client: client.Client, validator: client.validator, mode: target.mode, clusterID: id, wouldFail: wouldFail}, out)
	}
	if !f.yes {
		if refusal := confirm(id, target.baseURL, stdin, out.stderr); refusal != "" {
			return out.stop(usageFailure("refused", "", "%s", refusal))
		}
	}
	// One deadline for the drop and the wait: a script that gives the
	// command ten minutes gets its answer in ten minutes.
	ctx, cancel := context.WithTimeout(ctx, f.api.timeout)
	defer cancel()
	drop := client.DropCluster
	if f.ifExists {
		drop = client.EnsureDropped
	}
	res, err := drop(ctx, id)
	client.warnings.flush()
	switch {
	case err != nil:
		return out.failure(err)
	case !f.wait:
		return out.success(res)
	}
	out.dropped(res)
	wr, err := waitFor(ctx, client.Client, id, out)
	client.warnings.flush()
	return out.waited(res, id, wr, err, context.Cause(ctx), f.api.timeout)
}

// confirm asks a terminal to type the cluster ID back, and returns why the
// drop is refused, or "" when it is confirmed. It refuses when stdin is not
// a terminal, so that a script never drops by accident.
func confirm(id, base string, stdin io.Reader, stderr io.Writer) (refusal string) {
	if !isTerminal(stdin) {
		return "refusing to drop without confirmation: stdin is not a terminal; pass --yes to drop from a script. Nothing sent."
	}
	fmt.Fprintf(stderr, "This drops cluster %s at %s.\nType the cluster ID to confirm: ", id, termsafe.String(base))
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		fmt.Fprintln(stderr) // End the prompt's line, which no typed newline ended.
		return fmt.Sprintf("reading confirmation: %v. Nothing sent.", err)
	}
	if strings.TrimSpace(line) != id {
		return "confirmation did not match the cluster ID. Nothing sent."
	}
	return ""
}

// dryRunInput is what a dry run needs: the client and validator that the
// real drop would use, and what it would be asked to do.
type dryRunInput struct {
	client    *zcdrop.Client
	validator *conformance.Validator
	mode      conformance.Mode
	clusterID string
	// wouldFail says why the real drop would fail though the dry run does
	// not (no API key), or is "".
	wouldFail string
}

// dryRun builds the exact request the drop would send, checks it against
// the spec, and prints it with the key redacted. It fails, as the real run
// would, when the request breaks the spec under --validate enforce.
func dryRun(ctx context.Context, in dryRunInput, out *dropOutput) int {
	req, err := in.client.DropRequestForDisplay(ctx, in.clusterID)
	if err != nil {
		return out.stop(usageFailure("usage", "", "%v", err))
	}
	vs := in.validator.Validate(ctx, conformance.Exchange{Request: req})
	var refusal *failureReport
	if len(vs) > 0 && in.mode == conformance.ModeEnforce {
		// The real run would refuse to send it, as ModeEnforce refuses.
		r := classify(&conformance.ViolationError{Method: req.Method, URL: req.URL.String(), Violations: vs}, in.clusterID)
		r.exit = exitUsage
		if r.Kind == "violation" {
			r.Hint = "the request breaks openapi.yaml, so under --validate enforce the real drop would not send it"
		}
		refusal = &r
	}
	out.dryRun(req, vs, in.wouldFail, refusal)
	if refusal != nil {
		return refusal.exit
	}
	return exitOK
}
