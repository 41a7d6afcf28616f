package main

import (
	"bytes"
	"errors"
	"flag"
	"log/slog"
	"net/http"
	"time"

	"github.com/zcdrop/zcdrop"
	"github.com/zcdrop/zcdrop/conformance"
	"github.com/zcdrop/zcdrop/internal/redact"
)

// apiFlags are the flags that drop, describe and wait share: the key, the
// control plane, the output format, the spec check, the log, the time
// allowed and, for the commands that retry, the tries. One definition
// keeps the three commands' flags, checks and messages the same.
type apiFlags struct {
	keyFile, keyFlag, region, baseURL, output, validate string
	verbose                                             bool
	timeout                                             time.Duration
	attempts                                            int
	// retries is true for a command that takes --attempts. wait does not:
	// WaitDropped has its own bounds on failed polls.
	retries bool
}

// The defaults of --timeout, which bounds the whole command: a drop or a
// describe takes seconds, but a cluster may take minutes to go.
const (
	dropTimeout     = 2 * time.Minute
	dropWaitTimeout = 10 * time.Minute
)

// register defines the shared flags in fs. --timeout defaults to timeout
// and says timeoutUsage; --attempts is defined only when attemptsUsage is
// not empty.
func (f *apiFlags) register(fs *flag.FlagSet, timeout time.Duration, timeoutUsage, attemptsUsage string) {
	fs.StringVar(&f.keyFile, "api-key-file", "", apiKeyFileUsage)
	fs.StringVar(&f.keyFlag, "api-key", "", "refused: use ZILLIZ_API_KEY or --api-key-file")
	fs.StringVar(&f.region, "region", "global", "control plane: global or cn")
	fs.StringVar(&f.baseURL, "base-url", "", "send requests to `URL` (https, or http on loopback); overrides --region")
	fs.StringVar(&f.output, "output", "text", "output format: text or json")
	fs.StringVar(&f.validate, "validate", "observe", "check traffic against openapi.yaml: enforce, observe or off")
	fs.BoolVar(&f.verbose, "v", false, "log each request and response to stderr (the key redacted)")
	fs.DurationVar(&f.timeout, "timeout", timeout, timeoutUsage)
	if attemptsUsage != "" {
		f.retries = true
		fs.IntVar(&f.attempts, "attempts", 3, attemptsUsage)
	}
}

// parse parses args into fs, and sets out's format. When it returns false,
// the command is over with exit: --help was asked for (0), or the flags are
// wrong (2), reported as the flag package does, or as one JSON document
// when args ask for --output json. The flag package reports its errors
// before --output is known: fs must write them to parseErrors, which holds
// them back until the format is.
func (f *apiFlags) parse(fs *flag.FlagSet, args []string, parseErrors *bytes.Buffer, out *dropOutput) (exit int, ok bool) {
	err := fs.Parse(args)
	out.json = f.output == "json"
	switch {
	case errors.Is(err, flag.ErrHelp):
		_, _ = parseErrors.WriteTo(out.stderr)
		return exitOK, false
	case err != nil && outputFlagIn(args) == "json":
		out.json = true
		return out.stop(usageFailure("usage", "", "%v (see zcdrop %s --help)", err, out.cmd)), false
	case err != nil:
		_, _ = parseErrors.WriteTo(out.stderr) // The error and the usage, as flag prints them.
		return exitUsage, false
	}
	return exitOK, true
}

// apiTarget is what the shared flags and the operand name: the cluster,
// the control plane's base URL, and how to check the traffic.
type apiTarget struct {
	clusterID string
	baseURL   string
	mode      conformance.Mode
}

// check checks the shared flags and the one operand, CLUSTER_ID, before
// anything is read or sent, and returns the failure to stop with when one
// is wrong.
func (f *apiFlags) check(cmd string, operands []string) (apiTarget, *failureReport) {
	fail := func(r failureReport) (apiTarget, *failureReport) { return apiTarget{}, &r }
	if f.keyFlag != "" {
		return fail(usageFailure("usage", "", "--api-key is refused: flags show in process lists; set ZILLIZ_API_KEY or use --api-key-file PATH"))
	}
	if msg := positionalError(operands, "CLUSTER_ID"); msg != "" {
		return fail(usageFailure("usage", "", "%s (see zcdrop %s --help)", msg, cmd))
	}
	id := operands[0]
	if f.output != "text" && f.output != "json" {
		return fail(usageFailure("usage", "", "--output must be text or json, not %q", f.output))
	}
	mode, err := conformance.ParseMode(f.validate)
	if err != nil {
		return fail(usageFailure("usage", "", "--validate must be enforce, observe or off, not %q", f.validate))
	}
	if f.timeout <= 0 {
		return fail(usageFailure("usage", "", "--timeout must be positive, not %s", f.timeout))
	}
	base, err := baseURL(f.region, f.baseURL)
	if err != nil {
		return fail(usageFailure("usage", "", "%v", err))
	}
	if err := zcdrop.ValidateClusterID(id); err != nil {
		return fail(usageFailure("invalid_cluster_id", invalidClusterIDHint, "%v; nothing sent", err))
	}
	return apiTarget{clusterID: id, baseURL: base, mode: mode}, nil
}

// dropBackoff is how long a drop or a describe waits before it retries a
// 429 or 503. Tests replace it, so that they do not wait for real.
var dropBackoff zcdrop.Backoff = zcdrop.DefaultBackoff

// dropClientOptions come last among the client's options: none, so that
// the client's defaults hold. Tests lift the rate limit, whose 50 ms
// between two describes they would otherwise wait for real.
var dropClientOptions []zcdrop.Option

// apiClient is a command's client, ready to send, with the validator that
// its transport checks each exchange with, and the warnings it gathers.
type apiClient struct {
	*zcdrop.Client
	validator *conformance.Validator
	warnings  *specWarnings
}

// connect builds the client that sends with key to target: with -v, a log
// of each exchange (the key redacted); the spec check of --validate; the
// retries of --attempts. It never follows a redirect: Go would resend the
// key to the new URL.
func (f *apiFlags) connect(key string, target apiTarget, out *dropOutput) (*apiClient, *failureReport) {
	// An ID that holds the key (swapped arguments) would send the key in
	// the request's path, and every line that names the cluster, a hint's
	// command included, would print it.
	if redact.New(key).String(target.clusterID) != target.clusterID {
		r := usageFailure("invalid_cluster_id", invalidClusterIDHint, "the cluster ID holds the API key; nothing sent")
		return nil, &r
	}
	var transport http.RoundTripper = http.DefaultTransport
	if f.verbose {
		log := slog.New(slog.NewTextHandler(out.stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
		transport = &logTransport{base: transport, log: log, secrets: redact.New(key)}
	}
	v, err := conformance.NewValidator()
	if err != nil {
		return nil, &failureReport{Kind: "internal", Message: trimPackagePrefixes(err.Error()), exit: exitFailed}
	}
	warnings := &specWarnings{mode: target.mode, out: out}
	transport = &conformance.Transport{Validator: v, Mode: target.mode, Base: transport, Report: warnings.add}
	// WithTransport keeps the client's policy of following no redirect.
	opts := []zcdrop.Option{zcdrop.WithBaseURL(target.baseURL), zcdrop.WithTransport(transport)}
	if f.retries {
		opts = append(opts, zcdrop.WithRetry(f.attempts, 30*time.Second), zcdrop.WithRetryPolicy(zcdrop.DefaultCheckRetry, dropBackoff))
	}
	client, err := zcdrop.New(key, append(opts, dropClientOptions...)...)
	if err != nil {
		r := usageFailure("usage", "", "%v", err)
		return nil, &r
	}
	return &apiClient{Client: client, validator: v, warnings: warnings}, nil
}

// open checks the shared flags and the operand, which it sets as
// out.clusterID, reads the key, and builds the client: the whole of
// describe's and wait's start. drop does these steps itself, as its dry
// run needs no key.
func (f *apiFlags) open(cmd string, operands []string, out *dropOutput) (*apiClient, *failureReport) {
	target, fail := f.check(cmd, operands)
	if fail != nil {
		return nil, fail
	}
	out.clusterID = target.clusterID
	key, err := apiKey(f.keyFile)
	if err != nil {
		r := usageFailure("no_api_key", "", "%v", err)
		return nil, &r
	}
	return f.connect(key, target, out)
}

// specWarnings gathers what the spec check finds wrong with the traffic,
// and, under --validate observe, prints each once as a warning. Its
// commands send one request at a time.
type specWarnings struct {
	mode       conformance.Mode
	out        *dropOutput
	violations []conformance.Violation
	printed    int
}

// add is the conformance.Transport's Report.
func (w *specWarnings) add(r conformance.Result) {
	w.violations = append(w.violations, r.Violations...)
}

// flush prints, under --validate observe, the violations found since the
// last flush; enforce has refused them already, and off sees none.
func (w *specWarnings) flush() {
	if w.mode == conformance.ModeObserve {
		for _, v := range w.violations[w.printed:] {
			printError(w.out.stderr, w.out.cmd, "warning: the exchange breaks openapi.yaml: %s", v)
		}
	}
	w.printed = len(w.violations)
}
