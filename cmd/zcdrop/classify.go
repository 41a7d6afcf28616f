package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"

	"github.com/zcdrop/zcdrop"
	"github.com/zcdrop/zcdrop/conformance"
)

// classify sorts an error from dropping clusterID into a kind, a hint and
// an exit code. The order matters: the specific sentinels come before the
// broad ones.
//
// The message comes from the innermost error that says what went wrong. The
// wrappers around it (the client's "drop cluster ID", a *url.Error's method
// and URL, the packages' prefixes) would only repeat what the command, the
// refused request or the hint already says. Other errors keep their words,
// less the packages' prefixes. A drop whose answer was lost (a
// *zcdrop.LostAnswerError) keeps the kind of what broke (unexpected_response,
// timeout, network), and its message and hint add what describe then said:
// that the drop did not happen, or that it may have, and how to find out.
func classify(err error, clusterID string) failureReport {
	var apiErr *zcdrop.APIError
	var unexpected *zcdrop.UnexpectedResponseError
	var violation *conformance.ViolationError
	var urlErr *url.Error
	var r failureReport
	cause := err
	if retried, ok := errors.AsType[*zcdrop.RetryError](err); ok {
		r.Attempts = retried.Attempts
		// The attempts are told apart (in JSON, and in front of a line of
		// text), so the message is the last attempt's error: the
		// RetryError's own words would say them twice.
		if retried.Stopped == nil {
			cause = retried.Err
		}
	}
	// The message is the drop's own error's: what describe said comes
	// after it, in the CLI's words.
	lost, isLost := errors.AsType[*zcdrop.LostAnswerError](err)
	if isLost {
		cause = lost.Err
	}
	switch {
	case errors.As(cause, &apiErr):
		r.StatusCode, r.Code, r.Message, r.RequestID = apiErr.StatusCode, apiErr.Code, apiErr.Message, apiErr.RequestID
		// JSON gives the code, status and request id fields of their own;
		// a line of text must say them too.
		r.line = trimPackagePrefixes(apiErr.Error())
	case errors.As(cause, &unexpected):
		r.StatusCode, r.RequestID, r.Message = unexpected.StatusCode, unexpected.RequestID, trimPackagePrefixes(unexpected.Error())
	case errors.As(cause, &violation):
		// Its message says what was refused, or which response broke the
		// spec, and names the request once.
		r.StatusCode, r.Message = violation.StatusCode, trimPackagePrefixes(violation.Error())
	case errors.As(cause, &urlErr):
		r.Message = trimPackagePrefixes(urlErr.Err.Error())
	default:
		r.Message = trimPackagePrefixes(cause.Error())
	}
	if isLost {
		clusterID = lost.ClusterID
		r.Message += "; " + lostAnswerNote(lost)
		r.Status = string(lost.Status)
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
		{zcdrop.ErrInvalidState, "invalid_state", exitFailed, "the cluster's current state does not allow a drop (it may be changing already): check its status with `zcdrop describe " + orPlaceholder(clusterID) + "`, then retry"},
		{zcdrop.ErrRateLimited, "rate_limited", exitNetwork, "the limit is 20 requests per second per endpoint; wait and retry"},
		{zcdrop.ErrServer, "server", exitNetwork, "the control plane failed; retry later, quoting the request id to Zilliz support if it persists"},
	} {
		if errors.Is(err, x.target) {
			r.Kind, r.exit, r.Hint = x.kind, x.exit, x.hint
			return r
		}
	}
	switch {
	case isLost:
		classifyLost(&r, lost, clusterID)
	case violation != nil && violation.StatusCode == 0 && slices.ContainsFunc(violation.Violations, func(v conformance.Violation) bool {
		return v.Pointer == conformance.PointerClusterID
	}):
		r.Kind, r.exit, r.Hint = "invalid_cluster_id", exitUsage, "the ID does not match openapi.yaml's pattern, so it was not sent; cluster IDs look like in01-6183d6bac30f801"
	case violation != nil && violation.StatusCode == 0:
		r.Kind, r.exit, r.Hint = "violation", exitFailed, "the request breaks openapi.yaml, so it was not sent"
	case violation != nil:
		// The answer arrived and broke the spec: a drop's may say it
		// happened, or be cut short, and the verdict says neither.
		r.Kind, r.exit, r.Hint = "violation", exitFailed, "the answer breaks openapi.yaml, and --validate enforce refused it, so the drop may have happened all the same: "+
			checkAdvice(clusterID)+"; rerun with --validate observe to see the response anyway"
	case apiErr != nil:
		r.Kind, r.exit = "api_error", exitFailed
	case unexpected != nil:
		r.Kind, r.exit, r.Hint = "unexpected_response", exitNetwork, "the answer was not what the API sends (a proxy or gateway may be in the way, or the API has changed), so the drop may or may not have happened: "+checkAdvice(clusterID)
	case errors.Is(err, context.DeadlineExceeded):
		r.Kind, r.exit, r.Hint = "timeout", exitNetwork, "no answer in time; the drop may or may not have happened: "+checkAdvice(clusterID)
	case isDialError(err):
		r.Kind, r.exit, r.Hint = "network", exitNetwork, "could not reach the control plane, so nothing was sent: check --region, --base-url and the network"
	default:
		r.Kind, r.exit, r.Hint = "network", exitNetwork, "the request failed in transit; the drop may or may not have happened: "+checkAdvice(clusterID)
	}
	return r
}

// classifyLost fills in r for a drop whose answer was lost: the kind and
// exit code of what broke it, the outcome, and a hint that says what
// describe found, or that the drop may have happened and how to find out.
// It never says only that a proxy may be in the way: whatever garbled the
// answer, the drop may have been done.
func classifyLost(r *failureReport, lost *zcdrop.LostAnswerError, clusterID string) {
	var unexpected *zcdrop.UnexpectedResponseError
	var broke string
	// An answer that --validate enforce refused is never a lost one (the
	// front door reports it as the violation it is), so it is not here.
	switch {
	case errors.As(lost.Err, &unexpected):
		r.Kind, r.exit, broke = "unexpected_response", exitNetwork, "the answer was cut short or garbled (a proxy or gateway may be in the way)"
	case errors.Is(lost.Err, context.DeadlineExceeded):
		r.Kind, r.exit, broke = "timeout", exitNetwork, "no whole answer came in time"
	default:
		r.Kind, r.exit, broke = "network", exitNetwork, "the connection failed after the request was sent"
	}
	if lost.NotDropped {
		r.Outcome = "not_dropped"
		r.Hint = broke + ", but describe then found the cluster " + string(lost.Status) +
			": the drop did not happen, and sending it again is safe (run the command again, or give --attempts 2 or more)"
		return
	}
	r.Outcome = "unknown"
	r.Hint = broke + ", so the drop may have happened, and describe could not tell: " + checkAdvice(clusterID)
}

// lostAnswerNote says, in a line of the CLI's, what describe said after a
// drop whose answer was lost.
func lostAnswerNote(lost *zcdrop.LostAnswerError) string {
	switch {
	case lost.NotDropped:
		return "describe then found the cluster " + string(lost.Status) + ", so the drop did not happen"
	case lost.Status != "":
		return fmt.Sprintf("describe then found the cluster %q, a status that does not tell whether the drop happened", string(lost.Status))
	case lost.DescribeErr != nil:
		// Told as the drop's own error would be: its innermost words,
		// without the wrappers' prefixes.
		d := classify(lost.DescribeErr, "")
		why := d.Message
		if d.line != "" {
			why = d.line
		}
		if d.Attempts > 1 {
			why = fmt.Sprintf("giving up after %d attempts: %s", d.Attempts, why)
		}
		return "whether the drop happened is unknown: describe failed too: " + why
	}
	return "whether the drop happened is unknown"
}

// checkAdvice says how to find out whether a drop of clusterID happened
// with commands that send no drop: describe shows the status, and wait
// waits until the cluster is gone. Sending the drop again to find out would
// rely on how the API answers a second drop of a DELETING cluster, which
// docs/api-facts.md only infers; it is safe only once describe shows the
// cluster RUNNING, when the first drop certainly did not happen.
func checkAdvice(clusterID string) string {
	clusterID = orPlaceholder(clusterID)
	return "to find out without sending another drop, run `zcdrop describe " + clusterID + "` (its status now) or `zcdrop wait " + clusterID +
		"` (until it is gone); sending the drop again is safe only when describe shows RUNNING"
}

// orPlaceholder is clusterID, or CLUSTER_ID when it is not known, for a
// hint's command line.
func orPlaceholder(clusterID string) string {
	if clusterID == "" {
		return "CLUSTER_ID"
	}
	return clusterID
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
