package main

import (
	"context"
	"errors"
	"net"
	"net/url"
	"slices"

	"github.com/zcdrop/zcdrop"
	"github.com/zcdrop/zcdrop/conformance"
)

// classify sorts an error from DropCluster into a kind, a hint and an exit
// code. The order matters: the specific sentinels come before the broad ones.
//
// The message comes from the innermost error that says what went wrong. The
// wrappers around it (the client's "drop cluster ID", a *url.Error's method
// and URL, the packages' prefixes) would only repeat what the command, the
// refused request or the hint already says. Other errors keep their words,
// less the packages' prefixes.
func classify(err error) failureReport {
	var apiErr *zcdrop.APIError
	var unexpected *zcdrop.UnexpectedResponseError
	var violation *conformance.ViolationError
	var urlErr *url.Error
	var r failureReport
	if retried, ok := errors.AsType[*zcdrop.RetryError](err); ok {
		r.Attempts = retried.Attempts
	}
	switch {
	case errors.As(err, &apiErr):
		r.StatusCode, r.Code, r.Message, r.RequestID = apiErr.StatusCode, apiErr.Code, apiErr.Message, apiErr.RequestID
		// JSON gives the code, status and request id fields of their own;
		// a line of text must say them too.
		r.line = trimPackagePrefixes(apiErr.Error())
	case errors.As(err, &unexpected):
		r.StatusCode, r.RequestID, r.Message = unexpected.StatusCode, unexpected.RequestID, trimPackagePrefixes(unexpected.Error())
	case errors.As(err, &violation):
		// Its message says what was refused, or which response broke the
		// spec, and names the request once.
		r.StatusCode, r.Message = violation.StatusCode, trimPackagePrefixes(violation.Error())
	case errors.As(err, &urlErr):
		r.Message = trimPackagePrefixes(urlErr.Err.Error())
	default:
		r.Message = trimPackagePrefixes(err.Error())
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
		{zcdrop.ErrInvalidState, "invalid_state", exitFailed, "the cluster's current state does not allow a drop (it may be changing already): check its status, then retry"},
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
