package zcdrop

import (
	"context"
	"fmt"
	"math"

	"golang.org/x/time/rate"
)

// DefaultRateLimit is how many requests per second a Client sends to each
// endpoint (drop, describe) unless WithRateLimit says otherwise: the
// documented limit of 20 requests per second per user per endpoint.
const DefaultRateLimit = 20.0

// DefaultRateBurst is how many requests a Client sends to one endpoint at
// once, without waiting, unless WithRateLimit says otherwise. One spaces
// requests evenly, 50 ms apart at DefaultRateLimit, so that no second ever
// sees more than the documented 20, however the server counts them (a
// token bucket, a fixed or a sliding window). A larger burst lets more go
// at once, but a window that holds a burst and the refill after it may
// then count up to burst + 20: the Terraform provider keeps within it by
// halving both (10 per second, burst 10).
const DefaultRateBurst = 1

// WithRateLimit sets the client-side limit that every Client applies to
// each endpoint (drop, describe) separately, shared by all the calls of
// the Client: perSecond requests each second, and burst at once (defaults
// DefaultRateLimit and DefaultRateBurst). A request waits for its turn on
// the Client's clock; a ctx that ends first ends the call with ctx's
// error, and nothing is sent. A perSecond of zero (or +Inf) turns the
// limiter off, and burst is then ignored; a negative or NaN perSecond, or a burst below 1, is
// refused. The limit spaces requests out; a 429 that comes anyway is
// retried as WithRetry and WithRetryPolicy say.
func WithRateLimit(perSecond float64, burst int) Option {
	return func(o *options) error {
		switch {
		case math.IsNaN(perSecond) || perSecond < 0:
			return fmt.Errorf("zcdrop: WithRateLimit: perSecond must be 0 (off) or more, got %v", perSecond)
		case perSecond > 0 && !math.IsInf(perSecond, 1) && burst < 1:
			return fmt.Errorf("zcdrop: WithRateLimit: burst must be at least 1, got %d", burst)
		}
		o.ratePerSecond, o.rateBurst = perSecond, burst
		return nil
	}
}

// newLimiter returns a limiter of perSecond requests a second in bursts of
// burst, or nil, which waits for nothing, when perSecond is 0 or infinite.
func newLimiter(perSecond float64, burst int) *rate.Limiter {
	if perSecond == 0 || math.IsInf(perSecond, 1) {
		return nil
	}
	return rate.NewLimiter(rate.Limit(perSecond), burst)
}

// waitTurn takes a turn from lim, waiting on the client's clock for one
// when none is left, so that tests see the wait instead of sleeping
// through it. When ctx ends first, it gives the turn back, for the next
// call, and returns ctx's error. A nil lim waits for nothing.
func (c *Client) waitTurn(ctx context.Context, lim *rate.Limiter) error {
	if lim == nil {
		return nil
	}
	// WithRateLimit keeps the burst at 1 or more, so that the reservation
	// of one request is always granted.
	now := c.clock.Now()
	r := lim.ReserveN(now, 1)
	d := r.DelayFrom(now)
	if d <= 0 {
		return nil
	}
	if err := c.clock.Sleep(ctx, d); err != nil {
		r.CancelAt(c.clock.Now())
		return err
	}
	return nil
}
