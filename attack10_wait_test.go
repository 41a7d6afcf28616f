package zcdrop

import (
	"context"
	"math"
	"testing"
	"time"
)

// TestWaitDroppedHugeIntervalsNeverWaitNegative: intervals that the
// options accept, up to the largest time.Duration, jittered upwards, must
// still wait long, never a negative time. A float that overflows
// time.Duration turns into the most negative one on amd64, and a wait of
// less than zero returns at once: the poll loop then ran as fast as the
// rate limiter let it, against a caller who asked for the slowest.
func TestWaitDroppedHugeIntervalsNeverWaitNegative(t *testing.T) {
	const huge = time.Duration(math.MaxInt64)
	deleting, deleted := described("DELETING"), described("DELETED")
	unavailable := jsonReply(503, envelope(503))
	tests := []struct {
		name      string
		describes []reply
		opt       WaitOption
	}{
		{name: "poll interval", describes: []reply{deleting, deleting, deleted}, opt: WithPollInterval(huge, huge)},
		{name: "poll interval, capped at the largest", describes: []reply{deleting, deleting, deleted}, opt: WithPollInterval(huge/2+1, huge)},
		{name: "failure wait", describes: []reply{unavailable, unavailable, deleted}, opt: WithPollFailures(5, huge, huge)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, clk, _ := newWaitClient(t, tt.describes, WithRateLimit(0, 0))
			c.random = func() float64 { return 0.999999 } // jitter upwards, by almost a tenth
			if _, err := c.WaitDropped(context.Background(), "in01-abc", tt.opt); err != nil {
				t.Fatal(err)
			}
			sleeps := clk.Sleeps()
			if len(sleeps) != 2 {
				t.Fatalf("waited %v, want 2 waits", sleeps)
			}
			for i, d := range sleeps {
				if d < huge/2 {
					t.Errorf("wait %d: %v, want at least %v", i, d, huge/2)
				}
			}
		})
	}
}

// TestJitterSaturates: jitter never overflows, whatever it is given.
func TestJitterSaturates(t *testing.T) {
	c := &Client{random: func() float64 { return 0.999999 }}
	for _, d := range []time.Duration{0, time.Second, math.MaxInt64 / 2, math.MaxInt64} {
		got := c.jitter(d, 0.5)
		if got < d {
			t.Errorf("jitter(%v, 0.5) upwards = %v, less than %v", d, got, d)
		}
	}
	c.random = func() float64 { return 0 }
	if got, want := c.jitter(math.MaxInt64, 0.5), time.Duration(math.MaxInt64)/2; got < want-time.Second || got > want+time.Second {
		t.Errorf("jitter(max, 0.5) downwards = %v, want about %v", got, want)
	}
}
