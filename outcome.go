package zcdrop

import (
	"context"
	"errors"
	"fmt"
)

// Outcome says how a drop is known to have happened. Its values are what
// the CLI prints as "outcome".
type Outcome string

// The outcomes of a DropResult.
const (
	// OutcomeDropped: this call's answer said so.
	OutcomeDropped Outcome = "dropped"
	// OutcomeConfirmed: the answer was lost, and Describe Cluster then
	// showed that the drop happened (DELETING, DELETED, or no cluster),
	// most likely by this call.
	OutcomeConfirmed Outcome = "confirmed"
	// OutcomeAlreadyGone: the cluster did not exist (EnsureDropped only).
	OutcomeAlreadyGone Outcome = "already_gone"
)

// LostAnswerError is returned by DropCluster when a drop's answer was lost
// (the request was sent, and then a network error, a body that broke off,
// a timeout, or a 2XX answer that cannot be understood) and Describe
// Cluster did not show that the drop happened. Either it showed that the
// drop did not happen (NotDropped), and DropCluster had no try left to send
// it again, or whether it happened is still unknown: describe failed too
// (DescribeErr), or named a status that does not tell (Status), or was not
// asked, because ctx had ended or WithOutcomeCheck turned it off.
//
// errors.Is and errors.As see the drop's error (Err) only, so that a
// caller's checks for a deadline, a *url.Error or an
// *UnexpectedResponseError keep working, and a describe's own failure is
// never taken for the drop's.
type LostAnswerError struct {
	// ClusterID is the cluster that was to be dropped.
	ClusterID string
	// Err is the drop's error: the transport's, wrapped, or an
	// *UnexpectedResponseError.
	Err error
	// Status is what Describe Cluster then said of the cluster, with the
	// key hidden; empty when it was not asked, or failed.
	Status ClusterStatus
	// NotDropped is true when Status shows that the drop did not happen:
	// RUNNING, or another known status short of DELETING. Sending the drop
	// again is safe.
	NotDropped bool
	// DescribeErr is why Describe Cluster could not tell: its error, with
	// the key hidden, or ctx's error when ctx had ended before it could be
	// asked; nil when it answered, or when WithOutcomeCheck turned it off.
	DescribeErr error
}

// Error says what became of the drop's answer and what describe then said.
func (e *LostAnswerError) Error() string {
	switch {
	case e.NotDropped:
		return fmt.Sprintf("%v; describe then found the cluster %s, so the drop did not happen, and sending it again is safe", e.Err, e.Status)
	case e.Status != "":
		return fmt.Sprintf("%v; whether the drop happened is unknown: describe then found the cluster %q, a status that does not tell", e.Err, string(e.Status))
	case e.DescribeErr != nil:
		return fmt.Sprintf("%v; whether the drop happened is unknown, and describe could not tell: %v", e.Err, e.DescribeErr)
	}
	return fmt.Sprintf("%v; whether the drop happened is unknown (the cluster was not described)", e.Err)
}

// Unwrap returns the drop's error.
func (e *LostAnswerError) Unwrap() error { return e.Err }

// settle asks Describe Cluster what became of a drop whose answer was
// lost with dropErr: a result with OutcomeConfirmed when the cluster is
// DELETING, DELETED or gone, or the *LostAnswerError that says why not.
// Describe gets WithRetry's tries, as DescribeCluster does, so that one
// more network error does not leave the outcome unknown.
func (c *Client) settle(ctx context.Context, clusterID string, dropErr error) (*DropResult, *LostAnswerError) {
	lost := &LostAnswerError{ClusterID: clusterID, Err: dropErr}
	if !c.outcomeCheck {
		return nil, lost
	}
	if err := ctx.Err(); err != nil {
		lost.DescribeErr = fmt.Errorf("zcdrop: describe cluster %s: not asked: %w", clusterID, err)
		return nil, lost
	}
	cl, raw, err := c.describeWithRetries(ctx, clusterID)
	var apiErr *APIError
	switch {
	case errors.Is(err, ErrClusterNotFound) && errors.As(err, &apiErr):
		return &DropResult{ClusterID: clusterID, RequestID: apiErr.RequestID, Outcome: OutcomeConfirmed}, nil
	case err != nil:
		lost.DescribeErr = err
	case raw.dropping():
		return &DropResult{ClusterID: clusterID, RequestID: cl.RequestID, Outcome: OutcomeConfirmed, Status: cl.Status}, nil
	default:
		lost.Status, lost.NotDropped = cl.Status, raw.Known()
	}
	return nil, lost
}

// EnsureDropped drops a cluster, and takes a cluster that does not exist
// for success: the idempotent teardown. It is DropCluster, except that the
// drop's own answer "not found" (ErrClusterNotFound: 96018 or 80020) is a
// DropResult with OutcomeAlreadyGone and that answer's RequestID. Every
// other error is DropCluster's.
func (c *Client) EnsureDropped(ctx context.Context, clusterID string) (*DropResult, error) {
	res, err := c.DropCluster(ctx, clusterID)
	var apiErr *APIError
	if err != nil && errors.Is(err, ErrClusterNotFound) && errors.As(err, &apiErr) {
		return &DropResult{ClusterID: clusterID, RequestID: apiErr.RequestID, Outcome: OutcomeAlreadyGone}, nil
	}
	return res, err
}
