package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/zcdrop/zcdrop"
	"github.com/zcdrop/zcdrop/conformance"
	"github.com/zcdrop/zcdrop/internal/redact"
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
have happened, and how to find out.

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
cluster is on its way out: "zcdrop drop --yes --if-exists --wait ID" waits
again. Ctrl-C (or SIGTERM) during the wait stops it: the drop happened, and
the exit code is 130.

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
	keyFile, keyFlag, region, baseURL, output, validate string
	yes, dryRun, verbose, wait, ifExists                bool
	timeout                                             time.Duration
	// timeoutSet is true when --timeout was given: otherwise --wait
	// stretches the default.
	timeoutSet bool
	attempts   int
}

// The defaults of --timeout, which bounds the whole command: a drop takes
// seconds, but a cluster may take minutes to go.
const (
	dropTimeout     = 2 * time.Minute
	dropWaitTimeout = 10 * time.Minute
)

// dropBackoff is how long a drop waits before it retries a 429 or 503.
// Tests replace it, so that they do not wait for real.
var dropBackoff zcdrop.Backoff = zcdrop.DefaultBackoff

// dropClientOptions come last among the client's options: none, so that
// the client's defaults hold. Tests lift the rate limit, whose 50 ms
// between two describes they would otherwise wait for real.
var dropClientOptions []zcdrop.Option

// runDrop is "zcdrop drop". Every failure is reported through one
// dropOutput, so that --output json holds for usage errors too.
func runDrop(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var f dropFlags
	// The flag package reports its errors before --output is known: they
	// are held back until the format is.
	var parseErrors bytes.Buffer
	fs := newFlagSet("drop", dropHelp, &parseErrors)
	fs.StringVar(&f.keyFile, "api-key-file", "", apiKeyFileUsage)
	fs.StringVar(&f.keyFlag, "api-key", "", "refused: use ZILLIZ_API_KEY or --api-key-file")
	fs.StringVar(&f.region, "region", "global", "control plane: global or cn")
	fs.StringVar(&f.baseURL, "base-url", "", "send requests to `URL` (https, or http on loopback); overrides --region")
	fs.StringVar(&f.output, "output", "text", "output format: text or json")
	fs.StringVar(&f.validate, "validate", "observe", "check traffic against openapi.yaml: enforce, observe or off")
	fs.BoolVar(&f.yes, "yes", false, "drop without asking for confirmation")
	fs.BoolVar(&f.dryRun, "dry-run", false, "check and print the request, send nothing")
	fs.BoolVar(&f.verbose, "v", false, "log each request and response to stderr (the key redacted)")
	fs.BoolVar(&f.wait, "wait", false, "after the drop, wait until the cluster is DELETED or gone (exit 6 when --timeout runs out first)")
	fs.BoolVar(&f.ifExists, "if-exists", false, "take a cluster that does not exist for success (outcome already_gone, exit 0): for teardown scripts")
	fs.DurationVar(&f.timeout, "timeout", dropTimeout, "give up after this long: the drop, its retries and --wait together (10m with --wait, unless set)")
	fs.IntVar(&f.attempts, "attempts", 3, "tries in all when the API answers 429 or 503, or when describe finds that a drop whose answer was lost did not happen (1: no retries)")
	err := fs.Parse(args)
	f.timeoutSet = isFlagSet(fs, "timeout")
	if f.wait && !f.timeoutSet {
		f.timeout = dropWaitTimeout
	}
	out := &dropOutput{json: f.output == "json", stdout: stdout, stderr: stderr}
	switch {
	case errors.Is(err, flag.ErrHelp):
		_, _ = parseErrors.WriteTo(stderr)
		return exitOK
	case err != nil && outputFlagIn(args) == "json":
		out.json = true
		return out.stop(usageFailure("usage", "", "%v (see zcdrop drop --help)", err))
	case err != nil:
		_, _ = parseErrors.WriteTo(stderr) // The error and the usage, as flag prints them.
		return exitUsage
	}
	return drop(ctx, f, fs.Args(), stdin, out)
}

// drop checks the parsed flags and operands, then drops, dry-runs or
// refuses.
func drop(ctx context.Context, f dropFlags, operands []string, stdin io.Reader, out *dropOutput) int {
	if f.keyFlag != "" {
		return out.stop(usageFailure("usage", "", "--api-key is refused: flags show in process lists; set ZILLIZ_API_KEY or use --api-key-file PATH"))
	}
	if msg := positionalError(operands, "CLUSTER_ID"); msg != "" {
		return out.stop(usageFailure("usage", "", "%s (see zcdrop drop --help)", msg))
	}
	id := operands[0]
	out.clusterID = id
	if f.output != "text" && f.output != "json" {
		return out.stop(usageFailure("usage", "", "--output must be text or json, not %q", f.output))
	}
	mode, err := conformance.ParseMode(f.validate)
	if err != nil {
		return out.stop(usageFailure("usage", "", "--validate must be enforce, observe or off, not %q", f.validate))
	}
	if f.timeout <= 0 {
		return out.stop(usageFailure("usage", "", "--timeout must be positive, not %s", f.timeout))
	}
	base, err := baseURL(f.region, f.baseURL)
	if err != nil {
		return out.stop(usageFailure("usage", "", "%v", err))
	}
	if err := zcdrop.ValidateClusterID(id); err != nil {
		return out.stop(usageFailure("invalid_cluster_id", invalidClusterIDHint, "%v; nothing sent", err))
	}
	key, err := apiKey(f.keyFile)
	wouldFail := ""
	if err != nil {
		if !f.dryRun || f.keyFile != "" {
			return out.stop(usageFailure("no_api_key", "", "%v", err))
		}
		// A dry run never shows the key, so a stand-in shows the request
		// as well; the dry run says that the real drop would fail.
		key, wouldFail = "dry-run-without-a-key", err.Error()
	}

	var transport http.RoundTripper = http.DefaultTransport
	if f.verbose {
		log := slog.New(slog.NewTextHandler(out.stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
		transport = &logTransport{base: transport, log: log, secrets: redact.New(key)}
	}
	var violations []conformance.Violation
	v, err := conformance.NewValidator()
	if err != nil {
		return out.stop(failureReport{Kind: "internal", Message: trimPackagePrefixes(err.Error()), exit: exitFailed})
	}
	transport = &conformance.Transport{Validator: v, Mode: mode, Base: transport, Report: func(r conformance.Result) {
		violations = append(violations, r.Violations...)
	}}
	// WithTransport keeps the client's policy of following no redirect: Go
	// would resend the key to the new URL.
	client, err := zcdrop.New(key, append([]zcdrop.Option{zcdrop.WithBaseURL(base), zcdrop.WithTransport(transport),
		zcdrop.WithRetry(f.attempts, 30*time.Second), zcdrop.WithRetryPolicy(zcdrop.DefaultCheckRetry, dropBackoff)}, dropClientOptions...)...)
	if err != nil {
		return out.stop(usageFailure("usage", "", "%v", err))
	}
	if f.dryRun {
		return dryRun(ctx, dryRunInput{client: client, validator: v, mode: mode, clusterID: id, wouldFail: wouldFail}, out)
	}
	if !f.yes {
		if refusal := confirm(id, base, stdin, out.stderr); refusal != "" {
			return out.stop(usageFailure("refused", "", "%s", refusal))
		}
	}
	// One deadline for the drop and the wait: a script that gives the
	// command ten minutes gets its answer in ten minutes.
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	drop := client.DropCluster
	if f.ifExists {
		drop = client.EnsureDropped
	}
	res, err := drop(ctx, id)
	warned := 0
	warn := func() {
		if mode == conformance.ModeObserve {
			for _, v := range violations[warned:] {
				printError(out.stderr, "drop", "warning: the exchange breaks openapi.yaml: %s", v)
			}
		}
		warned = len(violations)
	}
	warn()
	switch {
	case err != nil:
		return out.failure(err)
	case !f.wait:
		return out.success(res)
	}
	out.dropped(res)
	wr, err := waitFor(ctx, client, id, out)
	warn()
	return out.waited(res, wr, err, context.Cause(ctx), f.timeout)
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
