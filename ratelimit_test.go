package zcdrop

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zcdrop/zcdrop/internal/clock/clocktest"
)

// TestRateLimit: the calls of one Client beyond the burst wait for their
// turn on the client's clock, each endpoint on its own; off, none waits.
func TestRateLimit(t *testing.T) {
	const ms = time.Millisecond
	tests := []struct {
		name  string
		opts  []Option
		calls string // d: a drop, s: a describe, in order
		want  []time.Duration
	}{
		{name: "default: 20 a second, one at a time", calls: "ddd", want: []time.Duration{50 * ms, 50 * ms}},
		{name: "beyond the burst", opts: []Option{WithRateLimit(10, 3)}, calls: "ddddd", want: []time.Duration{100 * ms, 100 * ms}},
		// One limiter for both would wait before each call but the first.
		{name: "each endpoint on its own", calls: "dsds", want: []time.Duration{50 * ms}},
		{name: "off", opts: []Option{WithRateLimit(0, 0)}, calls: strings.Repeat("ds", 50)},
		{name: "infinite is off", opts: []Option{WithRateLimit(math.Inf(1), 0)}, calls: "dddd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, seen := lifecycleServer(t, []reply{dropped}, []reply{described("RUNNING")})
			c, clk := newTestClient(t, srv, tt.opts...)
			for _, call := range tt.calls {
				var err error
				if call == 'd' {
					_, err = c.DropCluster(context.Background(), "in01-abc")
				} else {
					_, err = c.DescribeCluster(context.Background(), "in01-abc")
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			if got := clk.Sleeps(); fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("waited %v, want %v", got, tt.want)
			}
			if n := seen.drops.Load() + seen.describes.Load(); n != int64(len(tt.calls)) {
				t.Errorf("%d requests, want %d", n, len(tt.calls))
			}
		})
	}
}

// TestRateLimitIsPerClient: two Clients do not share a limiter.
func TestRateLimitIsPerClient(t *testing.T) {
	srv, _ := lifecycleServer(t, []reply{dropped}, nil)
	for range 2 {
		c, clk := newTestClient(t, srv)
		if _, err := c.DropCluster(context.Background(), "in01-abc"); err != nil {
			t.Fatal(err)
		}
		if len(clk.Sleeps()) != 0 {
			t.Errorf("a new Client's first drop waited %v", clk.Sleeps())
		}
	}
}

// TestRateLimitWaitEndsWithContext: a call that waits for its turn stops
// when ctx ends, sends nothing, and gives its turn back.
func TestRateLimitWaitEndsWithContext(t *testing.T) {
	srv, seen := lifecycleServer(t, []reply{dropped}, nil)
	c, clk := newTestClient(t, srv, WithRateLimit(1, 1))
	if _, err := c.DropCluster(context.Background(), "in01-abc"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c.clock = &cancelClock{Clock: *clocktest.New(clk.Now()), cancel: cancel}
	_, err := c.DropCluster(ctx, "in01-abc")
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "waiting for the rate limiter") {
		t.Fatalf("got %v, want context.Canceled while waiting for the rate limiter", err)
	}
	var lost *LostAnswerError
	if errors.As(err, &lost) || seen.drops.Load() != 1 {
		t.Errorf("got %v after %d drops; want nothing sent, and no lost answer", err, seen.drops.Load())
	}
	// The turn given back: the next call waits one turn, not two.
	c.clock = clk
	if _, err := c.DropCluster(context.Background(), "in01-abc"); err != nil {
		t.Fatal(err)
	}
	if got := clk.Sleeps(); fmt.Sprint(got) != "[1s]" {
		t.Errorf("waited %v, want [1s]", got)
	}
}

// TestRateLimitAndRetry: a retry waits what Retry-After asks, and then its
// turn, if that is not yet come.
func TestRateLimitAndRetry(t *testing.T) {
	srv, _, _ := server(t,
		reply{status: 429, contentType: "application/json", body: envelope(429), header: map[string]string{"Retry-After": "0"}},
		dropped,
	)
	c, clk := newTestClient(t, srv)
	if _, err := c.DropCluster(context.Background(), "in01-abc"); err != nil {
		t.Fatal(err)
	}
	if got, want := clk.Sleeps(), []time.Duration{0, time.Second / DefaultRateLimit}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("waited %v, want %v", got, want)
	}
}

func TestWithRateLimit(t *testing.T) {
	tests := []struct {
		perSecond float64
		burst     int
		ok        bool
	}{
		{20, 1, true},
		{0.5, 10, true},
		{0, 0, true},
		{0, -1, true}, // off: the burst is ignored
		{-1, 1, false},
		{math.NaN(), 1, false},
		{20, 0, false},
	}
	for _, tt := range tests {
		_, err := New(testKey, WithRateLimit(tt.perSecond, tt.burst))
		if (err == nil) != tt.ok {
			t.Errorf("WithRateLimit(%v, %d): %v, want ok %v", tt.perSecond, tt.burst, err, tt.ok)
		}
	}
	if DefaultRateLimit != 20 || DefaultRateBurst != 1 {
		t.Errorf("defaults %v and %d, want the documented 20 and 1", DefaultRateLimit, DefaultRateBurst)
	}
}

// frozenClock records the waits asked of it, and lets no time pass.
type frozenClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func (c *frozenClock) Now() time.Time { return c.now }

func (c *frozenClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	return ctx.Err()
}

// TestRateLimitIsSharedByConcurrentCalls: calls made at once each get a
// turn of their own, 1/20 s apart, whichever goroutine makes them.
func TestRateLimitIsSharedByConcurrentCalls(t *testing.T) {
	const n = 10
	srv, _ := lifecycleServer(t, nil, []reply{described("RUNNING")})
	c, clk := newTestClient(t, srv)
	frozen := &frozenClock{now: clk.Now()}
	c.clock = frozen
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			if _, err := c.DescribeCluster(context.Background(), "in01-abc"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	got := slices.Sorted(slices.Values(frozen.sleeps))
	var want []time.Duration
	for i := 1; i < n; i++ {
		want = append(want, time.Duration(i)*time.Second/DefaultRateLimit)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("waited %v, want %v", got, want)
	}
}
