package zcdrop

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"
)

// The defaults of WaitDropped. The polls follow the Terraform provider's
// wait for a cluster's state: half a second, doubling, jittered by a tenth
// either way, and never more than 10 seconds apart. Failed polls wait
// longer, from 2 seconds, doubling to 30, and five in a row end the wait.
const (
	// DefaultPollInterval is the wait after the first poll.
	DefaultPollInterval = 500 * time.Millisecond
	// DefaultMaxPollInterval caps the wait between polls.
	DefaultMaxPollInterval = 10 * time.Second
	// DefaultPollJitter is how far, as a fraction, each wait may stray
	// either way, so that many waiters do not poll in step.
	DefaultPollJitter = 0.1
	// DefaultMaxPollFailures is how many polls may fail in a row before
	// WaitDropped gives up.
	DefaultMaxPollFailures = 5
	// DefaultPollFailureWait is the wait after the first failed poll.
	DefaultPollFailureWait = 2 * time.Second
	// DefaultMaxPollFailureWait caps the wait after a failed poll.
	DefaultMaxPollFailureWait = 30 * time.Second
)

// WaitOption configures WaitDropped. Options check their own input, and
// WaitDropped reports a bad one before it sends anything.
type WaitOption func(*waitOptions) error

type waitOptions struct {
	first, max         time.Duration
	jitter             float64
	maxFailures        int
	failFirst, failMax time.Duration
	onChange           func(StatusChange)
}

func defaultWaitOptions() waitOptions {
	return waitOptions{
		first:       DefaultPollInterval,
		max:         DefaultMaxPollInterval,
		jitter:      DefaultPollJitter,
		maxFailures: DefaultMaxPollFailures,
		failFirst:   DefaultPollFailureWait,
		failMax:     DefaultMaxPollFailureWait,
	}
}

// WithPollInterval sets the wait after the first poll (default
// DefaultPollInterval), which doubles after each poll up to max (default
// DefaultMaxPollInterval). first must be positive, and max no less.
func WithPollInterval(first, max time.Duration) WaitOption {
	return func(o *waitOptions) error {
		if first <= 0 || max < first {
			return fmt.Errorf("zcdrop: WithPollInterval: want 0 < first <= max, got %s and %s", first, max)
		}
		o.first, o.max = first, max
		return nil
	}
}

// WithPollJitter sets how far each wait may stray either way, as a
// fraction of it, from 0 (none) to below 1 (default DefaultPollJitter).
func WithPollJitter(fraction float64) WaitOption {
	return func(o *waitOptions) error {
		if math.IsNaN(fraction) || fraction < 0 || fraction >= 1 {
			return fmt.Errorf("zcdrop: WithPollJitter: want 0 <= fraction < 1, got %v", fraction)
		}
		o.jitter = fraction
		return nil
	}
}

// WithPollFailures sets how many polls may fail in a row before WaitDropped
// gives up (default DefaultMaxPollFailures; 1 gives up at the first), and
// the wait after a failed poll: first (default DefaultPollFailureWait),
// doubling up to max (default DefaultMaxPollFailureWait), or longer when a
// 429 or 5XX asks so with Retry-After, up to max. A poll that succeeds
// resets both.
func WithPollFailures(maxInARow int, first, max time.Duration) WaitOption {
	return func(o *waitOptions) error {
		switch {
		case maxInARow < 1:
			return fmt.Errorf("zcdrop: WithPollFailures: maxInARow must be at least 1, got %d", maxInARow)
		case first <= 0 || max < first:
			return fmt.Errorf("zcdrop: WithPollFailures: want 0 < first <= max, got %s and %s", first, max)
		}
		o.maxFailures, o.failFirst, o.failMax = maxInARow, first, max
		return nil
	}
}

// WithStatusCallback has WaitDropped call fn once for each change it sees,
// the first status included, in order, on WaitDropped's goroutine: a slow
// fn delays the next poll.
func WithStatusCallback(fn func(StatusChange)) WaitOption {
	return func(o *waitOptions) error {
		if fn == nil {
			return errors.New("zcdrop: WithStatusCallback: nil callback")
		}
		o.onChange = fn
		return nil
	}
}

// StatusChange is one change that WaitDropped saw.
type StatusChange struct {
	// ClusterID is the cluster being waited for.
	ClusterID string
	// Status is the new status, with the key hidden; empty when NotFound.
	Status ClusterStatus
	// Previous is the status before, empty for the first.
	Previous ClusterStatus
	// Unknown is true for a status that openapi.yaml does not list (see
	// ClusterStatus.Known). WaitDropped keeps polling through it.
	Unknown bool
	// NotFound is true when describe found no cluster (96018 or 80020):
	// the last change.
	NotFound bool
	// Poll is the poll that saw the change, 1 for the first.
	Poll int
	// Elapsed is the time since WaitDropped began, on the client's clock.
	Elapsed time.Duration
}

// WaitResult is how WaitDropped saw a cluster go.
type WaitResult struct {
	// ClusterID is the cluster waited for.
	ClusterID string
	// Status is the final status: DELETED, or empty when NotFound.
	Status ClusterStatus
	// NotFound is true when describe found no cluster (96018 or 80020).
	NotFound bool
	// Polls is how many describe requests WaitDropped sent.
	Polls int
	// Elapsed is the time WaitDropped took, on the client's clock.
	Elapsed time.Duration
	// RequestID is the last answer's requestid header, with the key
	// hidden.
	RequestID string
}

// WaitError is returned by WaitDropped when it stops before the cluster is
// gone: ctx ended (Stopped), too many polls failed in a row, or a poll
// failed in a way that asking again cannot mend (a 401, a permission
// error, another business error). errors.Is and errors.As see both the
// last poll's error and ctx's: errors.Is(err, context.DeadlineExceeded)
// holds of a wait that ran out of time.
type WaitError struct {
	// ClusterID is the cluster waited for.
	ClusterID string
	// LastStatus is the last status seen, with the key hidden; empty when
	// no poll succeeded.
	LastStatus ClusterStatus
	// Polls is how many polls were tried: the describe requests sent, and
	// one that ctx's end kept from being sent, if any.
	Polls int
	// Elapsed is the time WaitDropped took, on the client's clock.
	Elapsed time.Duration
	// Failures is how many polls failed in a row at the end.
	Failures int
	// Err is the last poll's error; nil when the last poll succeeded.
	Err error
	// Stopped is ctx's error when ctx ended; nil otherwise.
	Stopped error

	gaveUp bool // too many polls failed in a row
}

// Error says why the wait stopped, after how long (to the millisecond),
// and the last status.
func (e *WaitError) Error() string {
	last := "no status seen"
	if e.LastStatus != "" {
		last = fmt.Sprintf("last status %q", string(e.LastStatus))
	}
	prefix := "zcdrop: waiting for cluster " + e.ClusterID + " to be dropped: "
	elapsed := e.Elapsed.Round(time.Millisecond)
	switch {
	case e.Stopped != nil:
		s := fmt.Sprintf("%sstopped after %d poll(s) in %v: %v; %s", prefix, e.Polls, elapsed, e.Stopped, last)
		if e.Err != nil {
			s += fmt.Sprintf(" (last error: %v)", e.Err)
		}
		return s
	case e.gaveUp:
		return fmt.Sprintf("%sgiving up after %d failed poll(s) in a row (%d in %v; %s): %v", prefix, e.Failures, e.Polls, elapsed, last, e.Err)
	}
	return fmt.Sprintf("%s%v (after %d poll(s) in %v; %s)", prefix, e.Err, e.Polls, elapsed, last)
}

// Unwrap returns the last poll's error and ctx's, where there are.
func (e *WaitError) Unwrap() []error {
	var errs []error
	for _, err := range []error{e.Err, e.Stopped} {
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// WaitDropped waits until a cluster is gone, polling Describe Cluster
// (GET /v2/clusters/{clusterId}) on the client's clock: at once, then after
// waits that double from WithPollInterval's first to its max, each
// jittered by WithPollJitter. It returns when the status is DELETED or the
// cluster is not found (ErrClusterNotFound: 96018 or 80020), and keeps
// polling on DELETING and on any other status, RUNNING included (describe
// may lag behind a drop) and one that openapi.yaml does not list, which it
// reports as Unknown and never takes for an error. WithStatusCallback sees
// each change.
//
// A poll that fails on the network, with a 429 or a 5XX, or with an answer
// that cannot be understood is repeated, since describing is safe, after
// the waits of WithPollFailures, until that many fail in a row. A 401, a
// permission error or any other business error ends the wait at once. So
// does ctx, which should carry the deadline: WaitDropped has none of its
// own. Every stop before the cluster is gone is a *WaitError, which says
// the last status seen.
//
// The ID is checked as DropCluster checks it; a bad option is reported
// before anything is sent.
func (c *Client) WaitDropped(ctx context.Context, clusterID string, opts ...WaitOption) (*WaitResult, error) {
	if err := c.checkClusterID(clusterID); err != nil {
		return nil, err
	}
	o := defaultWaitOptions()
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	w := waiter{c: c, o: o, clusterID: clusterID, start: c.clock.Now(), next: o.first, failNext: o.failFirst}
	return w.run(ctx)
}

// waiter is one WaitDropped.
type waiter struct {
	c         *Client
	o         waitOptions
	clusterID string
	start     time.Time

	polls    int
	seen     bool          // a poll has succeeded
	last     ClusterStatus // the last status seen, with the key hidden
	lastRaw  ClusterStatus // the same, as the server wrote it, to judge by
	failures int           // polls that failed in a row
	next     time.Duration // the wait after the next successful poll
	failNext time.Duration // the wait after the next failed poll
}

func (w *waiter) run(ctx context.Context) (*WaitResult, error) {
	for {
		w.polls++
		cl, raw, f := w.c.describeOnce(ctx, w.clusterID)
		var apiErr *APIError
		var wait time.Duration
		switch {
		case f == nil:
			w.failures, w.failNext = 0, w.o.failFirst
			if !w.seen || raw != w.lastRaw {
				w.report(StatusChange{Status: cl.Status, Previous: w.last, Unknown: !raw.Known()})
				w.seen, w.last, w.lastRaw = true, cl.Status, raw
			}
			if raw == StatusDeleted {
				return &WaitResult{ClusterID: w.clusterID, Status: cl.Status, Polls: w.polls, Elapsed: w.elapsed(), RequestID: cl.RequestID}, nil
			}
			wait = w.c.jitter(w.next, w.o.jitter)
			w.next = doubled(w.next, w.o.max)
		case errors.Is(f.err, ErrClusterNotFound) && errors.As(f.err, &apiErr):
			w.report(StatusChange{Previous: w.last, NotFound: true})
			return &WaitResult{ClusterID: w.clusterID, NotFound: true, Polls: w.polls, Elapsed: w.elapsed(), RequestID: apiErr.RequestID}, nil
		case ctx.Err() != nil:
			w.failures++
			return nil, w.stop(f.err, ctx.Err(), false)
		case !pollRetryable(f):
			w.failures++
			return nil, w.stop(f.err, nil, false)
		default:
			if w.failures++; w.failures >= w.o.maxFailures {
				return nil, w.stop(f.err, nil, true)
			}
			wait = w.c.jitter(w.failNext, w.o.jitter)
			if f.res != nil {
				if d, ok := retryAfter(f.res, w.c.clock.Now()); ok {
					wait = max(wait, min(d, w.o.failMax))
				}
			}
			w.failNext = doubled(w.failNext, w.o.failMax)
		}
		if err := w.c.clock.Sleep(ctx, wait); err != nil {
			var last error
			if f != nil {
				last = f.err
			}
			return nil, w.stop(last, err, false)
		}
	}
}

// report hands a change to the callback, if any.
func (w *waiter) report(ch StatusChange) {
	if w.o.onChange == nil {
		return
	}
	ch.ClusterID, ch.Poll, ch.Elapsed = w.clusterID, w.polls, w.elapsed()
	w.o.onChange(ch)
}

func (w *waiter) elapsed() time.Duration { return w.c.clock.Now().Sub(w.start) }

func (w *waiter) stop(err, stopped error, gaveUp bool) *WaitError {
	return &WaitError{
		ClusterID:  w.clusterID,
		LastStatus: w.last,
		Polls:      w.polls,
		Elapsed:    w.elapsed(),
		Failures:   w.failures,
		Err:        err,
		Stopped:    stopped,
		gaveUp:     gaveUp,
	}
}

// pollRetryable reports whether a poll that failed with f is worth
// repeating: no whole answer came, or a 429 or 5XX, or a 2XX answer that
// cannot be understood. The API's other answers (401, a permission or
// other business error) would only say the same again.
func pollRetryable(f *failure) bool {
	var apiErr *APIError
	switch {
	case f.noAnswer, f.status == 429, f.status >= 500 && f.status <= 599:
		return true
	case errors.As(f.err, &apiErr):
		return false
	}
	return f.status >= 200 && f.status <= 299
}

// jitter strays d by up to fraction of it either way, at random, and
// saturates at the largest time.Duration: a float beyond it converts to
// whatever the platform makes of it, the most negative duration on amd64,
// which would wait for nothing.
func (c *Client) jitter(d time.Duration, fraction float64) time.Duration {
	j := float64(d) * (1 + fraction*(2*c.random()-1))
	if j >= float64(maxDuration) {
		return maxDuration
	}
	return time.Duration(j)
}

// doubled is twice d, but no more than ceiling, and never overflowed.
func doubled(d, ceiling time.Duration) time.Duration {
	if d > ceiling/2 {
		return ceiling
	}
	return 2 * d
}
