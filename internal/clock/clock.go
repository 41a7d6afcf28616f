// Package clock is the one implementation of zcdrop's context-aware wait
// and its time source: the client's retry backoff (a Clock field), the
// probes' pacing (probe.Config.Sleep, Real.Sleep by default) and the mock's
// latency (Real.Sleep, replaced in its tests). Package clocktest fakes it,
// so that tests move time instead of sleeping.
package clock

import (
	"context"
	"time"
)

// Clock tells the time and waits.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// Sleep waits for d, or until ctx ends, and then returns ctx's error.
	// A d of zero or less returns at once, with ctx's error if it has ended.
	Sleep(ctx context.Context, d time.Duration) error
}

// Real is the system clock.
var Real Clock = realClock{}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
