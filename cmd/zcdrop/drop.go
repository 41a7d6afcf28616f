package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/zcdrop/zcdrop"
	"github.com/zcdrop/zcdrop/conformance"
)

const dropUsage = `Usage: zcdrop drop [flags] CLUSTER_ID

Drops a Zilliz Cloud cluster: DELETE /v2/clusters/{clusterId}/drop.
A dropped dedicated cluster can be restored from the recycle bin for 30 days;
a free cluster cannot be restored.

The API key comes from the ZILLIZ_API_KEY environment variable or from
--api-key-file. It is never taken as a flag value: flags show in process lists.

Without --yes, a terminal must type the cluster ID back to confirm; with no
terminal, the drop is refused (exit 2) and nothing is sent.

Exit codes: 0 dropped; 1 API error, or a response that breaks the spec under
--validate enforce; 2 usage error, invalid cluster ID, or refused; 3 cluster
not found (96018); 4 key rejected or without permission; 5 network or server
failure (after retries for 429 and 503).

Flags:
`

// isTerminal reports whether r is an interactive terminal (not /dev/null,
// which is a character device too). Tests replace it.
var isTerminal = func(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

type dropFlags struct {
	keyFile, region, baseURL, output, validate string
	yes, dryRun, verbose                       bool
	timeout                                    time.Duration
	attempts                                   int
}

func runDrop(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var f dropFlags
	fs := flag.NewFlagSet("zcdrop drop", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, dropUsage); fs.PrintDefaults() }
	fs.StringVar(&f.keyFile, "api-key-file", "", "read the API key from `PATH` instead of ZILLIZ_API_KEY")
	var keyFlag string
	fs.StringVar(&keyFlag, "api-key", "", "refused: use ZILLIZ_API_KEY or --api-key-file")
	fs.StringVar(&f.region, "region", "global", "control plane: global or cn")
	fs.StringVar(&f.baseURL, "base-url", "", "send requests to `URL` (https, or http on loopback); overrides --region")
	fs.StringVar(&f.output, "output", "text", "output format: text or json")
	fs.StringVar(&f.validate, "validate", "observe", "check traffic against openapi.yaml: enforce, observe or off")
	fs.BoolVar(&f.yes, "yes", false, "drop without asking for confirmation")
	fs.BoolVar(&f.dryRun, "dry-run", false, "check and print the request, send nothing")
	fs.BoolVar(&f.verbose, "v", false, "log each request and response to stderr (the key redacted)")
	fs.DurationVar(&f.timeout, "timeout", 2*time.Minute, "give up after this long, retries included")
	fs.IntVar(&f.attempts, "attempts", 3, "tries in all when the API answers 429 or 503 (1: no retries); other failures are never retried")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	usageErr := func(format string, a ...any) int {
		msg := strings.TrimPrefix(fmt.Sprintf(format, a...), "zcdrop: ")
		fmt.Fprintf(stderr, "zcdrop drop: %s\n", msg)
		return exitUsage
	}
	if keyFlag != "" {
		return usageErr("--api-key is refused: flags show in process lists; set ZILLIZ_API_KEY or use --api-key-file PATH")
	}
	if msg := positionalError(fs.Args(), "CLUSTER_ID"); msg != "" {
		return usageErr("%s (see zcdrop drop --help)", msg)
	}
	id := fs.Arg(0)
	if f.output != "text" && f.output != "json" {
		return usageErr("--output must be text or json, not %q", f.output)
	}
	mode, modeErr := conformance.ParseMode(f.validate)
	if modeErr != nil {
		return usageErr("--validate must be enforce, observe or off, not %q", f.validate)
	}
	if f.timeout <= 0 {
		return usageErr("--timeout must be positive, not %s", f.timeout)
	}
	base, err := baseURL(f.region, f.baseURL)
	if err != nil {
		return usageErr("%v", err)
	}
	if err := zcdrop.ValidateClusterID(id); err != nil {
		return usageErr("%v; nothing sent", err)
	}
	key, err := apiKey(f.keyFile)
	if err != nil {
		if !f.dryRun || f.keyFile != "" {
			return usageErr("%v", err)
		}
		key = "dry-run-without-a-key" // A dry run shows the key as REDACTED anyway.
	}

	var transport http.RoundTripper = http.DefaultTransport
	if f.verbose {
		transport = &logTransport{base: transport, log: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug})), key: key}
	}
	var violations []conformance.Violation
	v, err := conformance.NewValidator()
	if err != nil {
		fmt.Fprintf(stderr, "zcdrop drop: %v\n", err)
		return exitFailed
	}
	transport = &conformance.Transport{Validator: v, Mode: mode, Base: transport, Report: func(r conformance.Result) {
		violations = append(violations, r.Violations...)
	}}
	// WithTransport keeps the client's policy of following no redirect: Go
	// would resend the key to the new URL.
	client, err := zcdrop.New(key, zcdrop.WithBaseURL(base), zcdrop.WithTransport(transport), zcdrop.WithRetry(f.attempts, 30*time.Second))
	if err != nil {
		return usageErr("%v", err)
	}
	out := &dropOutput{json: f.output == "json", stdout: stdout, stderr: stderr}
	if f.dryRun {
		return dryRun(ctx, client, v, mode, id, out)
	}
	if !f.yes {
		if code, ok := confirm(id, base, stdin, stderr); !ok {
			return code
		}
	}
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	res, err := client.DropCluster(ctx, id)
	if mode == conformance.ModeObserve {
		for _, v := range violations {
			fmt.Fprintf(stderr, "zcdrop drop: warning: the exchange breaks openapi.yaml: %s\n", v)
		}
	}
	if err != nil {
		return out.failure(err)
	}
	return out.success(res)
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

// apiKey reads the key from file, or else from ZILLIZ_API_KEY. Errors say
// how to provide one and never quote the file's content.
func apiKey(file string) (string, error) {
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("read --api-key-file: %w", err)
		}
		key := strings.TrimSpace(string(b))
		if key == "" {
			return "", fmt.Errorf("--api-key-file %s is empty", file)
		}
		if strings.ContainsAny(key, " \t\r\n") {
			return "", fmt.Errorf("--api-key-file %s holds more than one line or word; it must hold the key alone", file)
		}
		return key, nil
	}
	if key := strings.TrimSpace(os.Getenv("ZILLIZ_API_KEY")); key != "" {
		return key, nil
	}
	return "", errors.New("no API key: set ZILLIZ_API_KEY, or pass --api-key-file PATH (a file holding only the key)")
}

// confirm asks a terminal to type the cluster ID back. It refuses when
// stdin is not a terminal, so that a script never drops by accident.
func confirm(id, base string, stdin io.Reader, stderr io.Writer) (int, bool) {
	if !isTerminal(stdin) {
		fmt.Fprintln(stderr, "zcdrop drop: refusing to drop without confirmation: stdin is not a terminal; pass --yes to drop from a script. Nothing sent.")
		return exitUsage, false
	}
	fmt.Fprintf(stderr, "This drops cluster %s at %s.\nType the cluster ID to confirm: ", id, base)
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		fmt.Fprintf(stderr, "\nzcdrop drop: reading confirmation: %v. Nothing sent.\n", err)
		return exitUsage, false
	}
	if strings.TrimSpace(line) != id {
		fmt.Fprintln(stderr, "zcdrop drop: confirmation did not match the cluster ID. Nothing sent.")
		return exitUsage, false
	}
	return exitOK, true
}

// dryRun builds the exact request the drop would send, checks it against
// the spec, and prints it with the key redacted. It fails, as the real run
// would, when the request breaks the spec under --validate enforce.
func dryRun(ctx context.Context, client *zcdrop.Client, v *conformance.Validator, mode conformance.Mode, id string, out *dropOutput) int {
	req, err := client.DropRequestForDisplay(ctx, id)
	if err != nil {
		fmt.Fprintf(out.stderr, "zcdrop drop: %v\n", err)
		return exitUsage
	}
	vs := v.Validate(ctx, conformance.Exchange{Request: req})
	if out.json {
		_ = json.NewEncoder(out.stdout).Encode(map[string]any{
			"dryRun": true, "method": req.Method, "url": req.URL.String(),
			"headers":    map[string]string{"Authorization": req.Header.Get("Authorization"), "Accept": req.Header.Get("Accept")},
			"violations": append([]conformance.Violation{}, vs...),
		})
	} else {
		fmt.Fprintf(out.stdout, "%s %s\nAuthorization: %s\nAccept: %s\n", req.Method, req.URL, req.Header.Get("Authorization"), req.Header.Get("Accept"))
		for _, x := range vs {
			fmt.Fprintf(out.stdout, "violation: %s\n", x)
		}
		fmt.Fprintln(out.stdout, "dry run: nothing sent")
	}
	if len(vs) > 0 && mode == conformance.ModeEnforce {
		return exitUsage // The real run would refuse to send it.
	}
	return exitOK
}

type dropOutput struct {
	json           bool
	stdout, stderr io.Writer
}

func (o *dropOutput) success(res *zcdrop.DropResult) int {
	if o.json {
		_ = json.NewEncoder(o.stdout).Encode(struct {
			ClusterID string `json:"clusterId"`
			Prompt    string `json:"prompt"`
			RequestID string `json:"requestId"`
		}{res.ClusterID, res.Prompt, res.RequestID})
		return exitOK
	}
	fmt.Fprintf(o.stdout, "dropped cluster %s (request id %s): %s\n", res.ClusterID, orNone(res.RequestID), res.Prompt)
	return exitOK
}

// failure prints err with a hint and returns its exit code.
func (o *dropOutput) failure(err error) int {
	c := classify(err)
	if o.json {
		_ = json.NewEncoder(o.stdout).Encode(map[string]any{"error": c})
	} else {
		fmt.Fprintln(o.stderr, err) // DropCluster's errors name their source.
		if c.Hint != "" {
			fmt.Fprintf(o.stderr, "hint: %s\n", c.Hint)
		}
	}
	return c.exit
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// failureReport is the JSON form of a failed drop.
type failureReport struct {
	HTTPStatus int    `json:"httpStatus"`
	Code       int    `json:"code"`
	Message    string `json:"message"`
	RequestID  string `json:"requestId"`
	Kind       string `json:"kind"`
	Hint       string `json:"hint,omitempty"`
	exit       int
}

// classify sorts an error from DropCluster into a kind, a hint and an exit
// code. The order matters: the specific sentinels come before the broad ones.
func classify(err error) failureReport {
	r := failureReport{Message: err.Error()}
	var apiErr *zcdrop.APIError
	var unexpected *zcdrop.UnexpectedResponseError
	var violation *conformance.ViolationError
	switch {
	case errors.As(err, &apiErr):
		r.HTTPStatus, r.Code, r.Message, r.RequestID = apiErr.StatusCode, apiErr.Code, apiErr.Message, apiErr.RequestID
	case errors.As(err, &unexpected):
		r.HTTPStatus, r.RequestID = unexpected.StatusCode, unexpected.RequestID
	case errors.As(err, &violation):
		r.HTTPStatus = violation.StatusCode
	}
	type rule struct {
		target error
		kind   string
		exit   int
		hint   string
	}
	for _, x := range []rule{
		{zcdrop.ErrClusterNotFound, "not_found", exitNotFound, "the cluster is already gone, or the ID or region is wrong"},
		{zcdrop.ErrUnauthorized, "unauthorized", exitAuth, "check the API key, and the region: a global key is not valid on --region cn, and the other way round"},
		{zcdrop.ErrPermissionDenied, "permission_denied", exitAuth, "the key lacks access to this cluster or project; use a key of the cluster's owner or with its project in scope"},
		{zcdrop.ErrInvalidClusterID, "invalid_cluster_id", exitUsage, "cluster IDs look like in01-6183d6bac30f801; copy it from the console"},
		{zcdrop.ErrUnsupportedPlan, "unsupported_plan", exitFailed, "this operation is not supported on free or serverless clusters through this API"},
		{zcdrop.ErrRateLimited, "rate_limited", exitNetwork, "the limit is 20 requests per second per endpoint; wait and retry"},
		{zcdrop.ErrServer, "server", exitNetwork, "the control plane failed; retry later, quoting the request id to Zilliz support if it persists"},
	} {
		if errors.Is(err, x.target) {
			r.Kind, r.exit, r.Hint = x.kind, x.exit, x.hint
			return r
		}
	}
	switch {
	case violation != nil && violation.StatusCode == 0 && slices.ContainsFunc(violation.Violations, func(v conformance.Violation) bool {
		return v.Pointer == conformance.PointerClusterID
	}):
		r.Kind, r.exit, r.Hint = "invalid_cluster_id", exitUsage, "the ID does not match openapi.yaml's pattern, so it was not sent; cluster IDs look like in01-6183d6bac30f801"
	case violation != nil:
		r.Kind, r.exit, r.Hint = "violation", exitFailed, "the exchange breaks openapi.yaml; rerun with --validate observe to see the response anyway"
	case apiErr != nil:
		r.Kind, r.exit = "api_error", exitFailed
	case unexpected != nil:
		r.Kind, r.exit, r.Hint = "unexpected_response", exitNetwork, "the answer was not what the API sends: a proxy or gateway may be in the way, or the API has changed"
	case errors.Is(err, context.DeadlineExceeded):
		r.Kind, r.exit, r.Hint = "timeout", exitNetwork, "no answer in time; the drop may or may not have happened: check the cluster's status before retrying"
	case isDialError(err):
		r.Kind, r.exit, r.Hint = "network", exitNetwork, "could not reach the control plane, so nothing was sent: check --region, --base-url and the network"
	default:
		r.Kind, r.exit, r.Hint = "network", exitNetwork, "the request failed in transit; the drop may or may not have happened: check the cluster's status before retrying"
	}
	return r
}

// isDialError reports whether err happened before a connection was made,
// so that the request was certainly not sent.
func isDialError(err error) bool {
	var dnsErr *net.DNSError
	var opErr *net.OpError
	return errors.As(err, &dnsErr) || (errors.As(err, &opErr) && opErr.Op == "dial")
}

// logTransport logs each request and response through slog, with the key
// redacted wherever it appears.
type logTransport struct {
	base http.RoundTripper
	log  *slog.Logger
	key  string
}

func (t *logTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.log.Debug("request", "method", req.Method, "url", req.URL.Redacted(), "headers", t.headers(req.Header))
	start := time.Now()
	res, err := t.base.RoundTrip(req)
	if err != nil {
		t.log.Debug("request failed", "error", strings.ReplaceAll(err.Error(), t.key, "REDACTED"), "elapsed", time.Since(start))
		return nil, err
	}
	t.log.Debug("response", "status", res.StatusCode, "headers", t.headers(res.Header), "elapsed", time.Since(start))
	return res, nil
}

func (t *logTransport) headers(h http.Header) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(h)) {
		v := strings.Join(h[k], ",")
		if strings.EqualFold(k, "Authorization") {
			scheme, _, _ := strings.Cut(v, " ")
			v = scheme + " REDACTED"
		}
		fmt.Fprintf(&b, "%s=%q ", k, strings.ReplaceAll(v, t.key, "REDACTED"))
	}
	return strings.TrimSpace(b.String())
}
