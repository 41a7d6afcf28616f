package zcdrop

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"

	"golang.org/x/time/rate"
)

// endpoint is one operation of the API as the client sends it.
type endpoint struct {
	// name is the operation in errors: "drop" or "describe".
	name string
	// limiter paces the endpoint's requests, for every call of the
	// Client; nil when WithRateLimit turned it off.
	limiter *rate.Limiter
	// send sends one request.
	send func(ctx context.Context, clusterID string) (*http.Response, error)
}

// failure is why one request did not end in a success.
type failure struct {
	// err is the error to report, with the key hidden.
	err error
	// status is the answer's HTTP status; 0 when no whole answer arrived.
	status int
	// res is a complete answer about the requested cluster, which a retry
	// policy may judge; nil otherwise.
	res *http.Response
	// noAnswer is true when no whole answer arrived: the transport failed,
	// or the body broke off.
	noAnswer bool
	// sent is true when the request's headers were written: from then on,
	// the server may have acted on it.
	sent bool
	// refused is true when an answer began to arrive and the transport
	// failed all the same: it could not parse the status line or headers,
	// or a conformance.Transport in ModeEnforce refused the answer. Asking
	// again would most likely get the same.
	refused bool
}

// lost reports whether a drop that failed with f may have happened all
// the same: it was sent and no whole answer came back, or the answer on a
// 2XX status could not be understood (truncated, not JSON, too large, or
// about another cluster). Any other failure says the drop did not happen
// (nothing was sent) or is an answer to judge, such as one that an
// enforcing conformance.Transport refused for breaking the spec.
func (f *failure) lost() bool {
	// An answer that an enforcing conformance.Transport refused arrived
	// whole: what the server said broke the spec. That is a verdict to
	// report as it is, never an answer to settle through describe, which
	// would turn a spec violation into a confirmed drop.
	var verdict interface{ ViolatesSpec() bool }
	if errors.As(f.err, &verdict) && verdict.ViolatesSpec() {
		return false
	}
	if f.noAnswer {
		return f.sent
	}
	var unexpected *UnexpectedResponseError
	return f.status >= 200 && f.status <= 299 && errors.As(f.err, &unexpected)
}

// roundTrip sends one request to ep once its limiter allows, and reads the
// whole answer, within the attempt timeout. It notes whether the request
// was sent, and whether an answer began to arrive, through httptrace
// hooks, which any transport built on net/http's calls; a transport that
// does not call them makes every failure before an answer look unsent, so
// that a drop is never taken for lost on a guess, nor described, nor sent
// again.
func (c *Client) roundTrip(ctx context.Context, ep *endpoint, clusterID string) (*http.Response, []byte, *failure) {
	if err := c.waitTurn(ctx, ep.limiter); err != nil {
		return nil, nil, &failure{err: fmt.Errorf("zcdrop: %s cluster %s: waiting for the rate limiter: %w", ep.name, clusterID, err), noAnswer: true}
	}
	attemptCtx := ctx
	if c.attemptTimeout > 0 {
		var cancel context.CancelFunc
		attemptCtx, cancel = context.WithTimeout(ctx, c.attemptTimeout)
		// The body is read below, before the attempt's context ends.
		defer cancel()
	}
	var sent, answered atomic.Bool
	traced := httptrace.WithClientTrace(attemptCtx, &httptrace.ClientTrace{
		WroteHeaders:         func() { sent.Store(true) },
		GotFirstResponseByte: func() { answered.Store(true) },
	})
	httpRes, err := ep.send(c.markBasePath(traced), clusterID)
	if err != nil {
		if ctx.Err() == nil && attemptCtx.Err() != nil {
			err = fmt.Errorf("zcdrop: %s cluster %s: no whole answer within the attempt timeout of %v: %w", ep.name, clusterID, c.attemptTimeout, c.secrets.Error(err))
		} else {
			err = fmt.Errorf("zcdrop: %s cluster %s: %w", ep.name, clusterID, c.secrets.Error(err))
		}
		return nil, nil, &failure{err: err, noAnswer: true, sent: sent.Load(), refused: answered.Load()}
	}
	body, err := io.ReadAll(io.LimitReader(httpRes.Body, maxBodyBytes+1))
	httpRes.Body.Close()
	if err != nil {
		// The server answered, so a drop may well have happened: this is a
		// network failure, not a bad answer.
		return nil, nil, &failure{
			err:      fmt.Errorf("zcdrop: %s cluster %s: reading the answer (http %d) failed: %w", ep.name, clusterID, httpRes.StatusCode, c.secrets.Error(err)),
			noAnswer: true,
			sent:     true,
		}
	}
	// The verdict is reached on the body as it arrived; judge hides a key
	// that the server echoes (a proxy's debug page, an error message) only
	// in what it reports.
	if len(body) > maxBodyBytes {
		return nil, nil, &failure{err: unexpected(httpRes, body[:maxBodyBytes], fmt.Sprintf("body exceeds %d bytes", maxBodyBytes), c.secrets), status: httpRes.StatusCode}
	}
	return httpRes, body, nil
}

// gaveUp is the error of a call that made attempt tries and stops with
// err, which the policy would have retried: err itself after one try, a
// *RetryError after more.
func gaveUp(attempt int, err error) error {
	if attempt == 1 {
		return err
	}
	return &RetryError{Attempts: attempt, Err: err}
}
