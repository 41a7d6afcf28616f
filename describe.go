package zcdrop

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/zcdrop/zcdrop/api"
	"github.com/zcdrop/zcdrop/internal/jsonstrict"
)

// ClusterStatus is a cluster's status as Describe Cluster reports it. It is
// an open set, as openapi.yaml declares it: a status that no one has listed
// yet is still a status, and Known tells the two apart.
type ClusterStatus string

// The statuses that openapi.yaml lists in x-zilliz-known-statuses, with
// their meaning there. After a drop, a cluster is DELETING, then DELETED,
// and then not found at all.
const (
	// StatusCreating: being created.
	StatusCreating ClusterStatus = "CREATING"
	// StatusRunning: running; after a drop whose answer was lost, the drop
	// did not happen.
	StatusRunning ClusterStatus = "RUNNING"
	// StatusDeleting: being dropped.
	StatusDeleting ClusterStatus = "DELETING"
	// StatusDeleted: dropped (in the recycle bin, for a dedicated cluster).
	StatusDeleted ClusterStatus = "DELETED"
	// StatusStopping: being suspended.
	StatusStopping ClusterStatus = "STOPPING"
	// StatusResuming: being resumed.
	StatusResuming ClusterStatus = "RESUMING"
	// StatusModifying: being modified.
	StatusModifying ClusterStatus = "MODIFYING"
	// StatusAbnormal: unhealthy.
	StatusAbnormal ClusterStatus = "ABNORMAL"
	// StatusFreezing: being frozen.
	StatusFreezing ClusterStatus = "FREEZING"
	// StatusFrozen: frozen.
	StatusFrozen ClusterStatus = "FROZEN"
	// StatusStopped: suspended.
	StatusStopped ClusterStatus = "STOPPED"
	// StatusRestoring: being restored, between CREATING and RUNNING.
	StatusRestoring ClusterStatus = "RESTORING"
)

// knownStatuses holds the constants above; a test keeps it equal to
// openapi.yaml's x-zilliz-known-statuses.
var knownStatuses = map[ClusterStatus]bool{
	StatusCreating: true, StatusRunning: true, StatusDeleting: true, StatusDeleted: true,
	StatusStopping: true, StatusResuming: true, StatusModifying: true, StatusAbnormal: true,
	StatusFreezing: true, StatusFrozen: true, StatusStopped: true, StatusRestoring: true,
}

// Known reports whether s is one of the statuses that openapi.yaml lists.
func (s ClusterStatus) Known() bool { return knownStatuses[s] }

// dropping reports whether s shows that a drop has happened: DELETING or
// DELETED.
func (s ClusterStatus) dropping() bool { return s == StatusDeleting || s == StatusDeleted }

// Cluster is what Describe Cluster says of a cluster: only what zcdrop
// relies on. The spec documents more fields, and requires none of them.
type Cluster struct {
	// ClusterID is the cluster, as the API echoed it: always the requested
	// one, or DescribeCluster fails.
	ClusterID string
	// Status is the cluster's status, never empty, with the key hidden.
	Status ClusterStatus
	// RequestID is the response's requestid header, with the key hidden.
	RequestID string
}

// DescribeCluster describes a cluster: GET /v2/clusters/{clusterId}
// (https://docs.zilliz.com/reference/restful/describe-cluster-v2).
//
// It refuses the IDs that DropCluster refuses, and reads the answer as
// strictly: a success names the requested cluster and a status, with no
// key that differs from "code", "data", "data.clusterId" or "data.status"
// only in case. The errors are those of DropCluster: a cluster that does
// not exist is an *APIError that matches ErrClusterNotFound (96018 or
// 80020).
//
// Describing changes nothing, so, unlike a drop, it is tried again, within
// WithRetry's attempts and wait, wherever a drop's answer would be lost: a
// network error, a body that broke off, or a 2XX answer that cannot be
// understood (after a second); and after any 5XX, and after what the
// CheckRetry accepts (429 and 503 by default; the Backoff says how long to
// wait). Giving up after a retry is a *RetryError. An answer that the
// transport refused (one whose status line did not parse, or that a
// conformance.Transport in ModeEnforce refused) is not asked for again.
func (c *Client) DescribeCluster(ctx context.Context, clusterID string) (*Cluster, error) {
	if err := c.checkClusterID(clusterID); err != nil {
		return nil, err
	}
	cl, _, err := c.describeWithRetries(ctx, clusterID)
	return cl, err
}

// describeWithRetries is DescribeCluster for an ID already checked. It
// returns the status as the server wrote it too, to judge by.
func (c *Client) describeWithRetries(ctx context.Context, clusterID string) (*Cluster, ClusterStatus, error) {
	for attempt := 1; ; attempt++ {
		cl, raw, f := c.describeOnce(ctx, clusterID)
		if f == nil {
			return cl, raw, nil
		}
		switch {
		// A transport error that ctx's end caused says so itself. An
		// answer to retry that arrived as ctx ended goes on to the wait,
		// which ends at once with a *RetryError that matches ctx's error,
		// as DropCluster's does: returned alone, the answer (a 429, say)
		// would hide that the caller stopped the call.
		case ctx.Err() != nil && f.noAnswer || !c.describeRetryable(f):
			return nil, "", f.err
		case attempt == c.attempts:
			return nil, "", gaveUp(attempt, f.err)
		}
		wait := min(networkRetryWait, c.maxWait)
		if f.res != nil {
			wait = c.retryWait(attempt, f.res)
		}
		if serr := c.clock.Sleep(ctx, wait); serr != nil {
			return nil, "", &RetryError{Attempts: attempt, Err: f.err, Stopped: serr}
		}
	}
}

// networkRetryWait is how long DescribeCluster waits before it asks again
// after a network error, which has no Retry-After to read: what
// DefaultBackoff waits when a header asks for nothing.
const networkRetryWait = time.Second

// describeRetryable reports whether a describe that failed with f may be
// tried again: it got no whole answer, for want of the network, not
// because the transport refused one; or a 2XX answer that cannot be
// understood, as a drop's would be lost; or a complete answer that is a
// 5XX or that the CheckRetry accepts.
func (c *Client) describeRetryable(f *failure) bool {
	var unexpected *UnexpectedResponseError
	switch {
	case f.noAnswer:
		return !f.refused
	case f.status >= 200 && f.status <= 299:
		return errors.As(f.err, &unexpected)
	}
	return f.res != nil && (f.res.StatusCode >= 500 && f.res.StatusCode <= 599 || c.checkRetry(f.res))
}

// describeOnce makes one attempt at a describe. It returns the status as
// the server wrote it too, to judge by, since Cluster.Status has the key
// hidden.
func (c *Client) describeOnce(ctx context.Context, clusterID string) (*Cluster, ClusterStatus, *failure) {
	httpRes, body, f := c.roundTrip(ctx, &c.describe, clusterID)
	if f != nil {
		return nil, "", f
	}
	obj, requestID, err := judge(httpRes, body, c.secrets, parseDescribe)
	if err != nil {
		return nil, "", &failure{err: err, status: httpRes.StatusCode, res: httpRes}
	}
	id, status, reason := decodeDescription(obj)
	if reason == "" && id != clusterID {
		reason = fmt.Sprintf("success names cluster %q, not the requested %q", id, clusterID)
	}
	if reason != "" {
		return nil, "", &failure{err: unexpected(httpRes, body, reason, c.secrets), status: httpRes.StatusCode}
	}
	return &Cluster{ClusterID: id, Status: ClusterStatus(c.secrets.String(status)), RequestID: requestID}, ClusterStatus(status), nil
}

// decodeDescription reads the clusterId and the status of a describe's
// success, or says why it is not one. The status is an open string, but
// never empty.
func decodeDescription(obj *jsonstrict.Object) (id, status, reason string) {
	data, id, reason := successData(obj, "status")
	if reason != "" {
		return "", "", reason
	}
	status, err := data.String("status")
	switch {
	case errors.Is(err, jsonstrict.ErrMissing) || errors.Is(err, jsonstrict.ErrNull) || (err == nil && status == ""):
		return "", "", `success without "data.status"`
	case err != nil:
		return "", "", err.Error()
	}
	return id, status, ""
}

// describeParams are the parameters of every describe, as dropParams are
// of every drop.
func describeParams() *api.DescribeClusterParams {
	accept := "application/json"
	return &api.DescribeClusterParams{Accept: &accept}
}

// sendDescribe is the describe endpoint's request.
func (c *Client) sendDescribe(ctx context.Context, clusterID string) (*http.Response, error) {
	return c.api.DescribeCluster(ctx, clusterID, describeParams())
}
