package zcdrop

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zcdrop/zcdrop/internal/clock/clocktest"
)

// cancelClock cancels its context when asked to wait, as a caller that gives
// up while the client waits to retry.
type cancelClock struct {
	clocktest.Clock
	cancel context.CancelFunc
}

func (c *cancelClock) Sleep(ctx context.Context, _ time.Duration) error {
	c.cancel()
	<-ctx.Done()
	return ctx.Err()
}

func TestRetryHonoursRetryAfterWithinCap(t *testing.T) {
	srv, n, _ := server(t,
		reply{status: 429, contentType: "application/json", body: `{"code":429,"message":"slow down"}`, header: map[string]string{"Retry-After": "2"}},
		reply{status: 429, contentType: "application/json", body: `{"code":429,"message":"slow down"}`, header: map[string]string{"Retry-After": "3600"}},
		jsonReply(200, `{"code":0,"data":{"clusterId":"in01-abc","prompt":"p"}}`),
	)
	c, clk := newTestClient(t, srv, WithRetry(3, 10*time.Second))
	if _, err := c.DropCluster(context.Background(), "in01-abc"); err != nil {
		t.Fatal(err)
	}
	if n.Load() != 3 {
		t.Fatalf("%d requests, want 3", n.Load())
	}
	want := []time.Duration{2 * time.Second, 10 * time.Second}
	if waits := clk.Sleeps(); fmt.Sprint(waits) != fmt.Sprint(want) {
		t.Errorf("waited %v, want %v", waits, want)
	}
}

func TestRetryStopsWhenContextEnds(t *testing.T) {
	srv, n, _ := server(t, jsonReply(429, `{"code":429,"message":"slow down"}`))
	c, _ := newTestClient(t, srv)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c.clock = &cancelClock{cancel: cancel}
	_, err := c.DropCluster(ctx, "in01-abc")
	if !errors.Is(err, context.Canceled) || !errors.Is(err, ErrRateLimited) {
		t.Fatalf("got %v, want both context.Canceled and ErrRateLimited", err)
	}
	if n.Load() != 1 {
		t.Errorf("%d requests, want 1", n.Load())
	}
	var re *RetryError
	if !errors.As(err, &re) || re.Attempts != 1 || !errors.Is(re.Stopped, context.Canceled) {
		t.Errorf("got %#v, want a *RetryError after 1 attempt, stopped by context.Canceled", re)
	}
}

// TestRetryErrorSaysHowManyAttempts: giving up is a *RetryError with the
// count, wrapping the last answer's error; a call that was not retried is
// not one.
func TestRetryErrorSaysHowManyAttempts(t *testing.T) {
	tests := []struct {
		name     string
		reply    reply
		attempts int // 0: not a *RetryError
	}{
		{name: "429 three times", reply: jsonReply(429, envelope(429)), attempts: 3},
		{name: "503 three times", reply: jsonReply(503, envelope(503)), attempts: 3},
		{name: "500 is not retried", reply: jsonReply(500, envelope(500))},
		{name: "a business error is not retried", reply: jsonReply(200, envelope(96018))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, n, _ := server(t, tt.reply)
			c, _ := newTestClient(t, srv)
			_, err := c.DropCluster(context.Background(), "in01-abc")
			var re *RetryError
			var apiErr *APIError
			switch {
			case !errors.As(err, &apiErr):
				t.Fatalf("got %v, want the last answer's *APIError in the chain", err)
			case tt.attempts == 0 && errors.As(err, &re):
				t.Errorf("got a *RetryError for a call that was not retried: %v", err)
			case tt.attempts != 0 && (!errors.As(err, &re) || re.Attempts != tt.attempts || re.Stopped != nil):
				t.Errorf("got %v, want a *RetryError after %d attempts", err, tt.attempts)
			case int(n.Load()) != max(tt.attempts, 1):
				t.Errorf("%d requests, want %d", n.Load(), max(tt.attempts, 1))
			}
		})
	}
}

func TestRetryAfterIsSecondsOrADate(t *testing.T) {
	c, err := New(testKey, WithRetry(3, time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]time.Duration{
		"":    time.Second,
		"7":   7 * time.Second,
		"2m":  time.Second, // not a number of seconds: the default
		"1.5": time.Second,
		"-3":  time.Second,
		"900": time.Minute, // capped
		// Beyond what a time.Duration holds, or an int64: saturated, then
		// capped, never wrapped into a negative wait or read as garbage.
		"18446744073":          time.Minute,
		"99999999999999999999": time.Minute,
	}
	for header, want := range tests {
		t.Run(header, func(t *testing.T) {
			res := &http.Response{StatusCode: 429, Header: http.Header{}}
			if header != "" {
				res.Header.Set("Retry-After", header)
			}
			if got := c.retryWait(1, res); got != want {
				t.Errorf("Retry-After %q: wait %s, want %s", header, got, want)
			}
		})
	}
	clk := clocktest.New(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	c.clock = clk
	date := &http.Response{StatusCode: 503, Header: http.Header{"Retry-After": {clk.Now().Add(20 * time.Second).Format(http.TimeFormat)}}}
	if got := c.retryWait(1, date); got != 20*time.Second {
		t.Errorf("Retry-After as a date 20s ahead: wait %s", got)
	}
}

func TestDefaultCheckRetry(t *testing.T) {
	tests := map[int]bool{
		http.StatusTooManyRequests:     true,
		http.StatusServiceUnavailable:  true,
		http.StatusOK:                  false,
		http.StatusTemporaryRedirect:   false,
		http.StatusUnauthorized:        false,
		http.StatusNotFound:            false,
		http.StatusInternalServerError: false, // The server may have acted.
		http.StatusBadGateway:          false,
		http.StatusGatewayTimeout:      false,
	}
	for status, want := range tests {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			if got := DefaultCheckRetry(&http.Response{StatusCode: status}); got != want {
				t.Errorf("DefaultCheckRetry(%d) = %v, want %v", status, got, want)
			}
		})
	}
}

func TestDefaultBackoff(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name   string
		header string // Retry-After; empty for none
		want   time.Duration
	}{
		{name: "no header", want: time.Second},
		{name: "seconds", header: "7", want: 7 * time.Second},
		{name: "zero", header: "0", want: 0},
		{name: "not capped here", header: "3600", want: time.Hour},
		{name: "HTTP date ahead of now", header: now.Add(20 * time.Second).Format(http.TimeFormat), want: 20 * time.Second},
		{name: "RFC 850 date", header: now.Add(90 * time.Second).Format(time.RFC850), want: 90 * time.Second},
		{name: "ANSI C date", header: now.Add(5 * time.Second).Format(time.ANSIC), want: 5 * time.Second},
		{name: "HTTP date already past", header: now.Add(-time.Hour).Format(http.TimeFormat), want: 0},
		// Beyond what a time.Duration holds, and beyond an int64: a long
		// wait that saturates, never one that wraps or reads as garbage.
		{name: "beyond time.Duration", header: "18446744073", want: maxDuration},
		{name: "beyond int64", header: "99999999999999999999", want: maxDuration},
		{name: "negative", header: "-3", want: time.Second},
		{name: "negative beyond int64", header: "-99999999999999999999", want: time.Second},
		{name: "fraction", header: "1.5", want: time.Second},
		{name: "Go duration", header: "2m", want: time.Second},
		{name: "garbage", header: "soon", want: time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := &http.Response{StatusCode: 429, Header: http.Header{}}
			if tt.header != "" {
				res.Header.Set("Retry-After", tt.header)
			}
			for _, attempt := range []int{1, 7} { // The attempt makes no difference.
				if got := DefaultBackoff(attempt, res, now); got != tt.want {
					t.Errorf("attempt %d, Retry-After %q: %s, want %s", attempt, tt.header, got, tt.want)
				}
			}
		})
	}
}

// retryRecord is what a custom retry policy was asked.
type retryRecord struct {
	checked  []int       // the status of each answer CheckRetry judged
	attempts []int       // the attempt of each Backoff call
	nows     []time.Time // the time of each Backoff call
}

func TestWithRetryPolicy(t *testing.T) {
	const success = `{"code":0,"data":{"clusterId":"in01-abc","prompt":"p"}}`
	boom := jsonReply(500, `{"code":500,"message":"boom"}`)
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name     string
		replies  []reply
		retry    func(status int) bool
		backoff  func(attempt int) time.Duration
		maxWait  time.Duration
		wantErr  error // nil: want success
		requests int64
		sleeps   []time.Duration
		checked  []int
	}{
		{
			name:     "500 retried, the backoff's waits used up to the cap",
			replies:  []reply{boom, boom, jsonReply(200, success)},
			retry:    func(status int) bool { return status == 500 },
			backoff:  func(attempt int) time.Duration { return time.Duration(attempt) * 3 * time.Second },
			maxWait:  5 * time.Second,
			requests: 3,
			sleeps:   []time.Duration{3 * time.Second, 5 * time.Second},
			checked:  []int{500, 500},
		},
		{
			name:     "a negative wait is no wait",
			replies:  []reply{boom, jsonReply(200, success)},
			retry:    func(int) bool { return true },
			backoff:  func(int) time.Duration { return -time.Hour },
			maxWait:  time.Minute,
			requests: 2,
			sleeps:   []time.Duration{0},
			checked:  []int{500},
		},
		{
			name:     "a 429 the policy declines is final",
			replies:  []reply{jsonReply(429, `{"code":429,"message":"slow down"}`)},
			retry:    func(int) bool { return false },
			backoff:  func(int) time.Duration { return time.Second },
			maxWait:  time.Minute,
			wantErr:  ErrRateLimited,
			requests: 1,
			checked:  []int{429},
		},
		{
			name:     "attempts still bound a policy that always says yes",
			replies:  []reply{boom},
			retry:    func(int) bool { return true },
			backoff:  func(int) time.Duration { return time.Second },
			maxWait:  time.Minute,
			wantErr:  ErrServer,
			requests: 3,
			sleeps:   []time.Duration{time.Second, time.Second},
			checked:  []int{500, 500, 500},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, n, _ := server(t, tt.replies...)
			var rec retryRecord
			check := func(res *http.Response) bool {
				rec.checked = append(rec.checked, res.StatusCode)
				return tt.retry(res.StatusCode)
			}
			backoff := func(attempt int, _ *http.Response, now time.Time) time.Duration {
				rec.attempts = append(rec.attempts, attempt)
				rec.nows = append(rec.nows, now)
				return tt.backoff(attempt)
			}
			// The rate limiter is off, so that the clock records the
			// policy's waits alone (TestRateLimitAndRetry has both).
			c, clk := newTestClient(t, srv, WithRetry(3, tt.maxWait), WithRetryPolicy(check, backoff), WithRateLimit(0, 0))
			_, err := c.DropCluster(context.Background(), "in01-abc")
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("got %v, want %v", err, tt.wantErr)
			}
			if n.Load() != tt.requests {
				t.Errorf("%d requests, want %d", n.Load(), tt.requests)
			}
			if got := clk.Sleeps(); fmt.Sprint(got) != fmt.Sprint(tt.sleeps) {
				t.Errorf("waited %v, want %v", got, tt.sleeps)
			}
			if fmt.Sprint(rec.checked) != fmt.Sprint(tt.checked) {
				t.Errorf("CheckRetry judged %v, want %v", rec.checked, tt.checked)
			}
			// Backoff is asked once per retry, with the attempt that failed
			// and the client's clock, which the waits move on.
			at := start
			for i, attempt := range rec.attempts {
				if attempt != i+1 || !rec.nows[i].Equal(at) {
					t.Errorf("Backoff call %d: attempt %d at %v, want attempt %d at %v", i, attempt, rec.nows[i], i+1, at)
				}
				if i < len(tt.sleeps) {
					at = at.Add(max(tt.sleeps[i], 0))
				}
			}
			if len(rec.attempts) != len(tt.sleeps) {
				t.Errorf("Backoff was asked %d times, want %d", len(rec.attempts), len(tt.sleeps))
			}
		})
	}
}

// TestNetworkErrorIsNotRetried: a drop whose answer did not arrive whole may
// have happened, so it is never sent again, even under a policy that
// retries everything, and the policy is not even asked, as long as
// describe cannot tell what happened: here it fails the same way, and is
// tried again itself, since describing is safe.
func TestNetworkErrorIsNotRetried(t *testing.T) {
	tests := []struct {
		name    string
		handler func(w http.ResponseWriter, r *http.Request)
		says    string // in the error
	}{
		{
			name: "connection closed before an answer",
			handler: func(w http.ResponseWriter, r *http.Request) {
				conn, _, err := w.(http.Hijacker).Hijack()
				if err == nil {
					conn.Close()
				}
			},
			says: "EOF",
		},
		{
			name: "body breaks off",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Content-Length", "500")
				_, _ = w.Write([]byte(`{"code":0,`))
				w.(http.Flusher).Flush()
				panic(http.ErrAbortHandler)
			},
			says: "whether the drop happened is unknown",
		},
	}
	policies := []struct {
		name string
		opts func(asked *atomic.Int64) []Option
	}{
		{name: "default policy", opts: func(*atomic.Int64) []Option { return nil }},
		{name: "policy that retries everything", opts: func(asked *atomic.Int64) []Option {
			yes := func(*http.Response) bool { asked.Add(1); return true }
			return []Option{WithRetryPolicy(yes, func(int, *http.Response, time.Time) time.Duration { return time.Second })}
		}},
	}
	for _, tt := range tests {
		for _, p := range policies {
			t.Run(tt.name+"/"+p.name, func(t *testing.T) {
				var drops, describes, asked atomic.Int64
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					map[string]*atomic.Int64{http.MethodDelete: &drops, http.MethodGet: &describes}[r.Method].Add(1)
					tt.handler(w, r)
				}))
				t.Cleanup(srv.Close)
				c, clk := newTestClient(t, srv, p.opts(&asked)...)
				_, err := c.DropCluster(context.Background(), "in01-abc")
				if err == nil || !strings.Contains(err.Error(), tt.says) {
					t.Fatalf("got %v, want a network error saying %q", err, tt.says)
				}
				if drops.Load() != 1 {
					t.Errorf("%d drops, want 1: a drop whose outcome is unknown must not be resent", drops.Load())
				}
				var lost *LostAnswerError
				if !errors.As(err, &lost) || lost.DescribeErr == nil || lost.NotDropped {
					t.Errorf("got %#v, want a *LostAnswerError with describe's error", err)
				}
				// The waits are describe's, between its tries: none before
				// a drop.
				if asked.Load() != 0 || describes.Load() != 3 || len(clk.Sleeps()) != 2 {
					t.Errorf("CheckRetry was asked %d times, describe %d times, and the client waited %v; want 0, 3 and two waits", asked.Load(), describes.Load(), clk.Sleeps())
				}
				if strings.Contains(err.Error(), testKey) {
					t.Errorf("error leaks the key: %v", err)
				}
			})
		}
	}
}
