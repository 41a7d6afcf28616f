package zcdrop

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zcdrop/zcdrop/internal/clock/clocktest"
)

// change is what a test keeps of a StatusChange: all but the cluster ID,
// which is always in01-abc, and the time, which the sleeps show.
func change(ch StatusChange) string {
	switch {
	case ch.NotFound:
		return fmt.Sprintf("%d:%s->not found", ch.Poll, ch.Previous)
	case ch.Unknown:
		return fmt.Sprintf("%d:%s->%s (unknown)", ch.Poll, ch.Previous, ch.Status)
	}
	return fmt.Sprintf("%d:%s->%s", ch.Poll, ch.Previous, ch.Status)
}

// newWaitClient is a test client whose jitter is none: its random source
// always says the middle.
func newWaitClient(t *testing.T, describes []reply, opts ...Option) (*Client, *clocktest.Clock, *lifecycle) {
	t.Helper()
	srv, seen := lifecycleServer(t, nil, describes)
	c, clk := newTestClient(t, srv, opts...)
	c.random = func() float64 { return 0.5 }
	return c, clk, seen
}

// TestWaitDropped: how each sequence of answers ends the wait, which
// changes the callback sees, and what the client waited between polls, on
// the fake clock, without jitter.
func TestWaitDropped(t *testing.T) {
	const ms = time.Millisecond
	deleting, deleted, running := described("DELETING"), described("DELETED"), described("RUNNING")
	notFound := jsonReply(200, envelope(96018))
	tests := []struct {
		name      string
		describes []reply
		opts      []WaitOption
		// A success.
		status   ClusterStatus
		notFound bool
		// An error: its sentinel, if any, and what it says.
		err  error
		says string
		// Both.
		polls   int
		changes []string
		sleeps  []time.Duration
	}{
		{name: "DELETING three times, then DELETED", describes: []reply{deleting, deleting, deleting, deleted},
			status: StatusDeleted, polls: 4,
			changes: []string{"1:->DELETING", "4:DELETING->DELETED"},
			sleeps:  []time.Duration{500 * ms, time.Second, 2 * time.Second}},
		{name: "DELETED at once", describes: []reply{deleted},
			status: StatusDeleted, polls: 1, changes: []string{"1:->DELETED"}},
		{name: "RUNNING, DELETING, then not found", describes: []reply{running, deleting, notFound},
			notFound: true, polls: 3,
			changes: []string{"1:->RUNNING", "2:RUNNING->DELETING", "3:DELETING->not found"},
			sleeps:  []time.Duration{500 * ms, time.Second}},
		{name: "not found at once", describes: []reply{jsonReply(200, envelope(80020))},
			notFound: true, polls: 1, changes: []string{"1:->not found"}},
		{name: "an unknown status is reported, not fatal", describes: []reply{deleting, described("ARCHIVING"), described("ARCHIVING"), deleted},
			status: StatusDeleted, polls: 4,
			changes: []string{"1:->DELETING", "2:DELETING->ARCHIVING (unknown)", "4:ARCHIVING->DELETED"},
			sleeps:  []time.Duration{500 * ms, time.Second, 2 * time.Second}},
		{name: "a status that comes back is a change again", describes: []reply{deleting, running, deleting, deleted},
			status: StatusDeleted, polls: 4,
			changes: []string{"1:->DELETING", "2:DELETING->RUNNING", "3:RUNNING->DELETING", "4:DELETING->DELETED"},
			sleeps:  []time.Duration{500 * ms, time.Second, 2 * time.Second}},
		{name: "the waits double up to the cap", describes: []reply{deleting, deleting, deleting, deleting, deleting, deleted},
			opts:   []WaitOption{WithPollInterval(time.Second, 3*time.Second)},
			status: StatusDeleted, polls: 6, changes: []string{"1:->DELETING", "6:DELETING->DELETED"},
			sleeps: []time.Duration{time.Second, 2 * time.Second, 3 * time.Second, 3 * time.Second, 3 * time.Second}},
		// Failed polls wait from 2s, doubling; a success resets both. (A
		// connection closed without an answer is the first poll's only:
		// net/http sends a GET again by itself when a connection it
		// reused closes so.)
		{name: "network errors, then DELETED", describes: []reply{deleting, lostReply(abortBody), lostReply(abortBody), deleted},
			status: StatusDeleted, polls: 4, changes: []string{"1:->DELETING", "4:DELETING->DELETED"},
			sleeps: []time.Duration{500 * ms, 2 * time.Second, 4 * time.Second}},
		{name: "5XX, 429 and a garbled answer, then DELETED", describes: []reply{jsonReply(500, envelope(500)), {status: 502, contentType: "text/html", body: "<html>"}, jsonReply(429, envelope(429)), jsonReply(200, `{"code":0,"da`), deleted},
			status: StatusDeleted, polls: 5, changes: []string{"5:->DELETED"},
			sleeps: []time.Duration{2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second}},
		{name: "Retry-After asks for longer", describes: []reply{{status: 503, contentType: "application/json", body: envelope(503), header: map[string]string{"Retry-After": "7"}}, deleted},
			status: StatusDeleted, polls: 2, changes: []string{"2:->DELETED"}, sleeps: []time.Duration{7 * time.Second}},
		{name: "Retry-After within the cap", describes: []reply{{status: 429, contentType: "application/json", body: envelope(429), header: map[string]string{"Retry-After": "3600"}}, deleted},
			status: StatusDeleted, polls: 2, changes: []string{"2:->DELETED"}, sleeps: []time.Duration{DefaultMaxPollFailureWait}},
		{name: "a success resets the failure waits", describes: []reply{lostReply(closeConn), deleting, lostReply(abortBody), deleted},
			status: StatusDeleted, polls: 4, changes: []string{"2:->DELETING", "4:DELETING->DELETED"},
			sleeps: []time.Duration{2 * time.Second, 500 * ms, 2 * time.Second}},
		{name: "network errors until giving up", describes: []reply{deleting, lostReply(abortBody)},
			err:     nil,
			says:    `giving up after 5 failed poll(s) in a row (6 in 30.5s; last status "DELETING"): zcdrop: describe cluster in01-abc: reading the answer (http 200) failed: unexpected EOF`,
			polls:   6,
			changes: []string{"1:->DELETING"},
			sleeps:  []time.Duration{500 * ms, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second}},
		{name: "fewer failures allowed", describes: []reply{jsonReply(503, envelope(503))},
			opts: []WaitOption{WithPollFailures(2, time.Second, time.Second)},
			err:  ErrServer, says: `giving up after 2 failed poll(s) in a row (2 in 1s; no status seen)`,
			polls: 2, sleeps: []time.Duration{time.Second}},
		{name: "401 ends at once", describes: []reply{deleting, jsonReply(401, `{"code":21119,"message":"The apikey is illegal."}`)},
			err: ErrUnauthorized, says: `api error 21119 (http 401): The apikey is illegal. (request id describe-1) (after 2 poll(s) in 500ms; last status "DELETING")`,
			polls: 2, changes: []string{"1:->DELETING"}, sleeps: []time.Duration{500 * ms}},
		{name: "a permission error ends at once", describes: []reply{jsonReply(200, envelope(96016))},
			err: ErrPermissionDenied, says: "api error 96016", polls: 1},
		{name: "another business error ends at once", describes: []reply{jsonReply(200, envelope(96036))},
			err: ErrInvalidClusterID, says: "api error 96036", polls: 1},
		{name: "a 401 page ends at once", describes: []reply{{status: 401, contentType: "text/html", body: "<html>"}},
			err: ErrUnauthorized, says: "unexpected response (http 401", polls: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, clk, seen := newWaitClient(t, tt.describes)
			var changes []string
			opts := append([]WaitOption{WithStatusCallback(func(ch StatusChange) {
				if ch.ClusterID != "in01-abc" {
					t.Errorf("change for cluster %q", ch.ClusterID)
				}
				changes = append(changes, change(ch))
			})}, tt.opts...)
			res, err := c.WaitDropped(context.Background(), "in01-abc", opts...)
			if fmt.Sprint(changes) != fmt.Sprint(tt.changes) {
				t.Errorf("changes %q, want %q", changes, tt.changes)
			}
			if got := clk.Sleeps(); fmt.Sprint(got) != fmt.Sprint(tt.sleeps) {
				t.Errorf("waited %v, want %v", got, tt.sleeps)
			}
			if seen.describes.Load() != int64(tt.polls) {
				t.Errorf("%d describes, want %d", seen.describes.Load(), tt.polls)
			}
			if tt.says == "" {
				if err != nil {
					t.Fatalf("got %v, want the cluster gone", err)
				}
				if res.Status != tt.status || res.NotFound != tt.notFound || res.Polls != tt.polls || res.ClusterID != "in01-abc" || res.RequestID != fmt.Sprintf("describe-%d", tt.polls-1) {
					t.Errorf("got %+v, want status %q, not found %v, %d polls", *res, tt.status, tt.notFound, tt.polls)
				}
				var total time.Duration
				for _, d := range tt.sleeps {
					total += d
				}
				if res.Elapsed != total {
					t.Errorf("elapsed %v, want %v", res.Elapsed, total)
				}
				return
			}
			var waitErr *WaitError
			if !errors.As(err, &waitErr) || waitErr.Polls != tt.polls || res != nil {
				t.Fatalf("got %+v, %v; want a *WaitError after %d polls", res, err, tt.polls)
			}
			if tt.err != nil && !errors.Is(err, tt.err) {
				t.Errorf("got %v, want it to match %v", err, tt.err)
			}
			if !strings.Contains(err.Error(), tt.says) || errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("error %q does not say %q, or is a deadline", err, tt.says)
			}
		})
	}
}

// expiringContext is a context whose deadline passes when expire is
// called: a deadline on the fake clock.
type expiringContext struct {
	context.Context
	done    chan struct{}
	expired atomic.Bool
}

func newExpiringContext() *expiringContext {
	return &expiringContext{Context: context.Background(), done: make(chan struct{})}
}

func (c *expiringContext) Done() <-chan struct{} { return c.done }

func (c *expiringContext) Err() error {
	if c.expired.Load() {
		return context.DeadlineExceeded
	}
	return nil
}

func (c *expiringContext) expire() {
	if c.expired.CompareAndSwap(false, true) {
		close(c.done)
	}
}

// deadlineClock is a fake clock that expires ctx once a wait would pass
// at, as a real deadline would end that wait.
type deadlineClock struct {
	*clocktest.Clock
	ctx *expiringContext
	at  time.Time
}

func (c *deadlineClock) Sleep(ctx context.Context, d time.Duration) error {
	if now := c.Now(); !now.Add(d).Before(c.at) {
		c.Advance(c.at.Sub(now))
		c.ctx.expire()
		return ctx.Err()
	}
	return c.Clock.Sleep(ctx, d)
}

// TestWaitDroppedDeadline: the wait ends with ctx's deadline, saying the
// last status, and matches context.DeadlineExceeded.
func TestWaitDroppedDeadline(t *testing.T) {
	c, clk, seen := newWaitClient(t, []reply{described("DELETING")})
	ctx := newExpiringContext()
	c.clock = &deadlineClock{Clock: clk, ctx: ctx, at: clk.Now().Add(5 * time.Second)}
	res, err := c.WaitDropped(ctx, "in01-abc")
	var waitErr *WaitError
	if !errors.As(err, &waitErr) || !errors.Is(err, context.DeadlineExceeded) || res != nil {
		t.Fatalf("got %+v, %v; want a *WaitError that matches context.DeadlineExceeded", res, err)
	}
	// Polls at 0, 0.5s, 1.5s and 3.5s; the next would be at 7.5s.
	const want = `zcdrop: waiting for cluster in01-abc to be dropped: stopped after 4 poll(s) in 5s: context deadline exceeded; last status "DELETING"`
	if err.Error() != want || waitErr.LastStatus != StatusDeleting || waitErr.Err != nil || seen.describes.Load() != 4 {
		t.Errorf("got %q (%+v), want %q", err, *waitErr, want)
	}
}

// TestWaitDroppedCancelled: a ctx cancelled during a poll ends the wait at
// once, with ctx's error and the poll's.
func TestWaitDroppedCancelled(t *testing.T) {
	c, clk, seen := newWaitClient(t, []reply{described("DELETING")})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c.clock = &cancelClock{Clock: *clocktest.New(clk.Now()), cancel: cancel}
	_, err := c.WaitDropped(ctx, "in01-abc")
	var waitErr *WaitError
	if !errors.As(err, &waitErr) || !errors.Is(err, context.Canceled) || waitErr.Polls != 1 || waitErr.LastStatus != StatusDeleting {
		t.Fatalf("got %v, want a *WaitError after 1 poll that matches context.Canceled", err)
	}
	if seen.describes.Load() != 1 {
		t.Errorf("%d describes, want 1", seen.describes.Load())
	}
}

// TestWaitDroppedJitter: each wait strays by up to a tenth either way,
// around waits that double and stop at the cap.
func TestWaitDroppedJitter(t *testing.T) {
	base := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second, 10 * time.Second}
	describes := make([]reply, len(base))
	for i := range describes {
		describes[i] = described("DELETING")
	}
	describes = append(describes, described("DELETED"))
	for _, tt := range []struct {
		name   string
		random float64
		factor float64
	}{
		{name: "lowest", random: 0, factor: 0.9},
		{name: "middle", random: 0.5, factor: 1},
		{name: "highest", random: 0.999999, factor: 1.1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, clk, _ := newWaitClient(t, describes)
			c.random = func() float64 { return tt.random }
			if _, err := c.WaitDropped(context.Background(), "in01-abc"); err != nil {
				t.Fatal(err)
			}
			got := clk.Sleeps()
			if len(got) != len(base) {
				t.Fatalf("waited %v, want %d waits", got, len(base))
			}
			for i, d := range got {
				want := time.Duration(float64(base[i]) * tt.factor)
				if diff := d - want; diff < -time.Millisecond || diff > time.Millisecond {
					t.Errorf("wait %d: %v, want about %v", i, d, want)
				}
			}
		})
	}
}

func TestWaitDroppedRefusesBadInput(t *testing.T) {
	tests := []struct {
		name string
		id   string
		opt  WaitOption
		says string
	}{
		{name: "bad ID", id: "..", says: "invalid cluster ID"},
		{name: "zero interval", opt: WithPollInterval(0, time.Second), says: "WithPollInterval"},
		{name: "cap below the first", opt: WithPollInterval(time.Second, time.Millisecond), says: "WithPollInterval"},
		{name: "jitter of one", opt: WithPollJitter(1), says: "WithPollJitter"},
		{name: "negative jitter", opt: WithPollJitter(-0.1), says: "WithPollJitter"},
		{name: "no failures allowed", opt: WithPollFailures(0, time.Second, time.Second), says: "WithPollFailures"},
		{name: "zero failure wait", opt: WithPollFailures(3, 0, time.Second), says: "WithPollFailures"},
		{name: "nil callback", opt: WithStatusCallback(nil), says: "WithStatusCallback"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _, seen := newWaitClient(t, []reply{described("DELETED")})
			id, opts := "in01-abc", []WaitOption{}
			if tt.id != "" {
				id = tt.id
			}
			if tt.opt != nil {
				opts = append(opts, tt.opt)
			}
			if _, err := c.WaitDropped(context.Background(), id, opts...); err == nil || !strings.Contains(err.Error(), tt.says) {
				t.Errorf("got %v, want an error saying %q", err, tt.says)
			}
			if seen.describes.Load() != 0 {
				t.Errorf("%d describes sent, want none", seen.describes.Load())
			}
		})
	}
}

// TestWaitDroppedHidesAnEchoedKey: a status that holds the key reaches the
// callback and the error with the key hidden.
func TestWaitDroppedHidesAnEchoedKey(t *testing.T) {
	c, _, _ := newWaitClient(t, []reply{described("X-" + testKey), jsonReply(401, envelope(21119))})
	var statuses []ClusterStatus
	_, err := c.WaitDropped(context.Background(), "in01-abc", WithStatusCallback(func(ch StatusChange) { statuses = append(statuses, ch.Status) }))
	if err == nil || strings.Contains(err.Error(), testKey) || fmt.Sprint(statuses) != "[X-REDACTED]" {
		t.Errorf("error %v and statuses %q; want neither to hold the key", err, statuses)
	}
}
