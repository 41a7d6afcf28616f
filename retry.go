package zcdrop

import (
	"errors"
	"net/http"
	"strconv"
	"time"
)

// CheckRetry decides whether DropCluster and DescribeCluster try again
// after res, a complete answer that was not a success. It is never asked
// about a drop whose answer was lost (a network error, a body that broke
// off, a 2XX answer that cannot be understood): the drop may have happened,
// so it is sent again, whatever the policy, only once Describe Cluster has
// shown that it did not (see LostAnswerError). DescribeCluster also retries
// what the policy declines where describing is safe to repeat (see
// DescribeCluster). WaitDropped's polls follow WithPollFailures instead.
type CheckRetry func(res *http.Response) bool

// DefaultCheckRetry retries HTTP 429 and 503 only: in both cases the server
// did not act on the drop.
func DefaultCheckRetry(res *http.Response) bool {
	return res.StatusCode == http.StatusTooManyRequests || res.StatusCode == http.StatusServiceUnavailable
}

// Backoff says how long to wait before the next try, after attempt (1 for
// the first) got res, at time now. It is asked only when a try is left and
// res is to be retried: the CheckRetry said yes, or, for DescribeCluster,
// res is a 5XX. The client caps what it returns at the
// maxWait of WithRetry, and waits no less than zero.
type Backoff func(attempt int, res *http.Response, now time.Time) time.Duration

// DefaultBackoff waits what res's Retry-After header asks for, read as
// seconds or as an HTTP date relative to now, and one second when it asks
// for nothing it can read. It ignores attempt. Seconds beyond what a
// time.Duration holds saturate rather than wrap, and the client's cap then
// applies.
func DefaultBackoff(attempt int, res *http.Response, now time.Time) time.Duration {
	if d, ok := retryAfter(res, now); ok {
		return d
	}
	return time.Second
}

// retryAfter reads res's Retry-After header as seconds or as an HTTP date
// relative to now; ok is false when it asks for nothing it can read.
func retryAfter(res *http.Response, now time.Time) (d time.Duration, ok bool) {
	s := res.Header.Get("Retry-After")
	if s == "" {
		return 0, false
	}
	// ParseInt reports a number too large for an int64 as ErrRange, with
	// the value clamped: that is a long wait, not an unreadable header.
	if secs, err := strconv.ParseInt(s, 10, 64); (err == nil || errors.Is(err, strconv.ErrRange)) && secs >= 0 {
		if secs > int64(maxDuration/time.Second) {
			return maxDuration, true
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(s); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

const maxDuration = time.Duration(1<<63 - 1)

// retryWait says how long to wait before retrying res, which the
// CheckRetry accepted: what the Backoff asks, capped, so that a bad header
// or policy cannot park the caller.
func (c *Client) retryWait(attempt int, res *http.Response) time.Duration {
	return min(max(c.backoff(attempt, res, c.clock.Now()), 0), c.maxWait)
}
