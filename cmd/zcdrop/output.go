package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"

	"github.com/zcdrop/zcdrop"
	"github.com/zcdrop/zcdrop/conformance"
)

// dropOutput prints what `zcdrop drop` has to say, as text or, with
// --output json, as one JSON document on stdout, failures included.
type dropOutput struct {
	json           bool
	stdout, stderr io.Writer
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

// failure prints an error from DropCluster with a hint and returns its exit
// code.
func (o *dropOutput) failure(err error) int {
	c := classify(err)
	if o.json {
		_ = json.NewEncoder(o.stdout).Encode(map[string]any{"error": c})
		return c.exit
	}
	fmt.Fprintln(o.stderr, err) // DropCluster's errors name their source.
	if c.Hint != "" {
		fmt.Fprintf(o.stderr, "hint: %s\n", c.Hint)
	}
	return c.exit
}

// stop prints a failure found before any request was sent (bad usage, an
// invalid ID, no key, a refused confirmation) and returns its exit code.
// Text mode prints the message alone, as one line on stderr.
func (o *dropOutput) stop(r failureReport) int {
	if o.json {
		_ = json.NewEncoder(o.stdout).Encode(map[string]any{"error": r})
		return r.exit
	}
	printError(o.stderr, "drop", "%s", r.Message)
	return r.exit
}

// usageFailure is a failure of kind whose exit code is 2: nothing was sent.
func usageFailure(kind, hint, format string, a ...any) failureReport {
	return failureReport{Kind: kind, Hint: hint, Message: trimPackagePrefixes(fmt.Sprintf(format, a...)), exit: exitUsage}
}

// dryRunReport is the JSON form of a dry run.
type dryRunReport struct {
	DryRun     bool                    `json:"dryRun"`
	Method     string                  `json:"method"`
	URL        string                  `json:"url"`
	Headers    map[string]string       `json:"headers"`
	Violations []conformance.Violation `json:"violations"`
	// WouldFail says why the real drop would fail though the dry run did
	// not: no API key.
	WouldFail string `json:"wouldFail,omitempty"`
	// Error is set when the real drop would refuse to send the request.
	Error *failureReport `json:"error,omitempty"`
}

// dryRun prints the request that a drop would send, what openapi.yaml finds
// wrong with it, why the real drop would fail (wouldFail, or "") and, when
// the real drop would refuse to send it, refusal.
func (o *dropOutput) dryRun(req *http.Request, vs []conformance.Violation, wouldFail string, refusal *failureReport) {
	if o.json {
		_ = json.NewEncoder(o.stdout).Encode(dryRunReport{
			DryRun: true, Method: req.Method, URL: req.URL.String(),
			Headers:    map[string]string{"Authorization": req.Header.Get("Authorization"), "Accept": req.Header.Get("Accept")},
			Violations: append([]conformance.Violation{}, vs...),
			WouldFail:  wouldFail,
			Error:      refusal,
		})
		return
	}
	fmt.Fprintf(o.stdout, "%s %s\nAuthorization: %s\nAccept: %s\n", req.Method, req.URL, req.Header.Get("Authorization"), req.Header.Get("Accept"))
	for _, x := range vs {
		fmt.Fprintf(o.stdout, "violation: %s\n", x)
	}
	fmt.Fprintln(o.stdout, "dry run: nothing sent")
	if wouldFail != "" {
		printError(o.stderr, "drop", "warning: the real drop would fail: %s", wouldFail)
	}
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// failureReport is the JSON form of a failed drop: {"error": failureReport}.
type failureReport struct {
	StatusCode int    `json:"httpStatus"`
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
		r.StatusCode, r.Code, r.Message, r.RequestID = apiErr.StatusCode, apiErr.Code, apiErr.Message, apiErr.RequestID
	case errors.As(err, &unexpected):
		r.StatusCode, r.RequestID = unexpected.StatusCode, unexpected.RequestID
	case errors.As(err, &violation):
		r.StatusCode = violation.StatusCode
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
		{zcdrop.ErrInvalidClusterID, "invalid_cluster_id", exitUsage, invalidClusterIDHint},
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

// invalidClusterIDHint is the hint for an ID that the API, or zcdrop
// before it, refuses.
const invalidClusterIDHint = "cluster IDs look like in01-6183d6bac30f801; copy it from the console"

// isDialError reports whether err happened before a connection was made,
// so that the request was certainly not sent.
func isDialError(err error) bool {
	var dnsErr *net.DNSError
	var opErr *net.OpError
	return errors.As(err, &dnsErr) || (errors.As(err, &opErr) && opErr.Op == "dial")
}
