package zcdrop

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zcdrop/zcdrop/conformance"
	"github.com/zcdrop/zcdrop/internal/clock/clocktest"
	"github.com/zcdrop/zcdrop/mock"
	"github.com/zcdrop/zcdrop/mock/mocktest"
)

const mockCluster = "in01-6183d6bac30f801"

// methodCounter sends through http.DefaultTransport and counts the
// requests by method: drops (DELETE) apart from describes (GET).
type methodCounter struct {
	mu sync.Mutex
	n  map[string]int
}

func (m *methodCounter) RoundTrip(req *http.Request) (*http.Response, error) {
	m.mu.Lock()
	if m.n == nil {
		m.n = map[string]int{}
	}
	m.n[req.Method]++
	m.mu.Unlock()
	return http.DefaultTransport.RoundTrip(req)
}

// counts says how many drops and describes were sent.
func (m *methodCounter) counts() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return fmt.Sprintf("%d drops, %d describes", m.n[http.MethodDelete], m.n[http.MethodGet])
}

// mockClient is a client of the reference mock, seeded with mockCluster
// and the client's key. The mock reads the client's fake clock, so that
// every wait of the client moves the cluster along its life. Every
// exchange goes through an enforcing conformance.Transport, whose reports
// the test checks when it ends: all must conform, except those of the
// faults that opts inject.
func mockClient(t *testing.T, faulty bool, mockOpts []mock.Option, opts ...Option) (*Client, *clocktest.Clock, *mock.Server, *methodCounter) {
	t.Helper()
	var clk *clocktest.Clock
	now := func() time.Time { return clk.Now() }
	srv, m := mocktest.NewServer(t, append([]mock.Option{mock.WithAPIKey(testKey), mock.WithClusters(mockCluster), mock.WithClock(now)}, mockOpts...)...)
	v, err := conformance.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	counter := &methodCounter{}
	var mu sync.Mutex
	var reports []conformance.Result
	gate := &conformance.Transport{Validator: v, Mode: conformance.ModeObserve, Base: counter, Report: func(r conformance.Result) {
		mu.Lock()
		defer mu.Unlock()
		reports = append(reports, r)
	}}
	c, clk := newTestClient(t, srv, append([]Option{WithTransport(gate)}, opts...)...)
	c.random = func() float64 { return 0.5 } // no jitter
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, r := range reports {
			if !r.OK && !faulty {
				t.Errorf("%s %s (http %d) breaks the spec: %v", r.Method, r.URL, r.StatusCode, r.Violations)
			}
		}
		if len(reports) == 0 {
			t.Error("no exchange was checked")
		}
	})
	return c, clk, m, counter
}

// TestMockDropAndWait: the whole life of a cluster in the reference mock,
// on the fake clock: dropped, waited for until DELETED (the delete delay
// is 10s), dropped again by a teardown, and, once purged, not found.
func TestMockDropAndWait(t *testing.T) {
	ctx := context.Background()
	c, clk, _, counter := mockClient(t, false, nil)
	res, err := c.EnsureDropped(ctx, mockCluster)
	if err != nil || res.Outcome != OutcomeDropped {
		t.Fatalf("got %+v, %v; want dropped", res, err)
	}
	var changes []string
	record := WithStatusCallback(func(ch StatusChange) { changes = append(changes, change(ch)) })
	wait, err := c.WaitDropped(ctx, mockCluster, record)
	if err != nil || wait.Status != StatusDeleted || wait.Polls != 6 || wait.Elapsed != 15500*time.Millisecond {
		t.Fatalf("got %+v, %v; want DELETED after 6 polls in 15.5s", wait, err)
	}
	if want := "[1:->DELETING 6:DELETING->DELETED]"; fmt.Sprint(changes) != want {
		t.Errorf("changes %v, want %s", changes, want)
	}
	// A teardown that runs again finds it gone; a plain drop says so.
	if res, err := c.EnsureDropped(ctx, mockCluster); err != nil || res.Outcome != OutcomeAlreadyGone {
		t.Errorf("second EnsureDropped: %+v, %v; want already_gone", res, err)
	}
	if _, err := c.DropCluster(ctx, mockCluster); !errors.Is(err, ErrClusterNotFound) {
		t.Errorf("second DropCluster: %v, want ErrClusterNotFound", err)
	}
	// Past the purge delay (a minute), describe finds nothing.
	clk.Advance(mock.DefaultPurgeDelay)
	changes = nil
	wait, err = c.WaitDropped(ctx, mockCluster, record)
	if err != nil || !wait.NotFound || wait.Polls != 1 || fmt.Sprint(changes) != "[1:->not found]" {
		t.Errorf("after the purge: %+v, %v, changes %v; want not found at once", wait, err, changes)
	}
	if got := counter.counts(); got != "3 drops, 7 describes" {
		t.Errorf("sent %s, want 3 drops, 7 describes", got)
	}
}

// TestMockWaitUntilPurged: with no purge delay, describe goes from DELETING
// to 96018, and the wait ends there.
func TestMockWaitUntilPurged(t *testing.T) {
	c, _, _, _ := mockClient(t, false, []mock.Option{mock.WithPurgeDelay(0)})
	if _, err := c.DropCluster(context.Background(), mockCluster); err != nil {
		t.Fatal(err)
	}
	var changes []string
	wait, err := c.WaitDropped(context.Background(), mockCluster, WithStatusCallback(func(ch StatusChange) { changes = append(changes, change(ch)) }))
	if err != nil || !wait.NotFound || fmt.Sprint(changes) != "[1:->DELETING 6:DELETING->not found]" {
		t.Errorf("got %+v, %v, changes %v; want DELETING, then not found at poll 6", wait, err, changes)
	}
}

// TestMockLostAnswers: the mock's faults against the drop and the outcome
// check. A fault that lets the drop happen and loses its answer is
// confirmed by describe; one that refuses the drop is not lost at all.
func TestMockLostAnswers(t *testing.T) {
	tests := []struct {
		name    string
		faults  []mock.Fault
		opts    []Option
		outcome Outcome       // a success
		status  ClusterStatus // of a success
		err     error         // the sentinel of an error, which a *LostAnswerError wraps when lost
		lost    bool
		says    string
		sent    string
		sleeps  []time.Duration
		after   mock.Status // the cluster's status in the mock afterwards
	}{
		{name: "truncated", faults: []mock.Fault{{Kind: mock.FaultTruncatedJSON, Times: 1}},
			outcome: OutcomeConfirmed, status: StatusDeleting, sent: "1 drops, 1 describes", after: mock.StatusDeleting},
		{name: "reset mid-body", faults: []mock.Fault{{Kind: mock.FaultAbortMidBody, Times: 1}},
			outcome: OutcomeConfirmed, status: StatusDeleting, sent: "1 drops, 1 describes", after: mock.StatusDeleting},
		// The describe's answer is truncated too, and asked for again.
		{name: "truncated twice", faults: []mock.Fault{{Kind: mock.FaultTruncatedJSON, Times: 2}},
			outcome: OutcomeConfirmed, status: StatusDeleting, sent: "1 drops, 2 describes", sleeps: []time.Duration{time.Second}, after: mock.StatusDeleting},
		{name: "reset, then describe fails on 5XX", faults: []mock.Fault{{Kind: mock.FaultAbortMidBody, Times: 1}, {Kind: mock.FaultStatus, StatusCode: 500, Times: 3}},
			lost: true, says: "whether the drop happened is unknown, and describe could not tell: zcdrop: giving up after 3 attempts: zcdrop: api error 500 (http 500)",
			sent: "1 drops, 3 describes", sleeps: []time.Duration{time.Second, time.Second}, after: mock.StatusDeleting},
		{name: "reset, then describe fails on 5XX, no retries", faults: []mock.Fault{{Kind: mock.FaultAbortMidBody, Times: 1}, {Kind: mock.FaultStatus, StatusCode: 503, Times: 1}},
			opts: []Option{WithRetry(1, 0)},
			lost: true, says: "describe could not tell: zcdrop: api error 503 (http 503)", sent: "1 drops, 1 describes", after: mock.StatusDeleting},
		// The gateway answered; the drop did not reach the API.
		{name: "gateway page", faults: []mock.Fault{{Kind: mock.FaultBadGatewayHTML, Times: 1}},
			err: ErrServer, sent: "1 drops, 0 describes", after: mock.StatusRunning},
		// 503 says the server did not act: retried, as ever.
		{name: "503 burst", faults: []mock.Fault{{Kind: mock.FaultStatus, StatusCode: 503, Times: 2}},
			outcome: OutcomeDropped, sent: "3 drops, 0 describes", sleeps: []time.Duration{time.Second, time.Second}, after: mock.StatusDeleting},
		{name: "429 storm", faults: []mock.Fault{{Kind: mock.FaultStatus, StatusCode: 429, Times: 5}},
			err: ErrRateLimited, says: "giving up after 3 attempts", sent: "3 drops, 0 describes", sleeps: []time.Duration{time.Second, time.Second}, after: mock.StatusRunning},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mockOpts []mock.Option
			for _, f := range tt.faults {
				mockOpts = append(mockOpts, mock.WithFault(f))
			}
			c, clk, m, counter := mockClient(t, true, mockOpts, tt.opts...)
			res, err := c.DropCluster(context.Background(), mockCluster)
			if got := counter.counts(); got != tt.sent {
				t.Errorf("sent %s, want %s", got, tt.sent)
			}
			if got := clk.Sleeps(); fmt.Sprint(got) != fmt.Sprint(tt.sleeps) {
				t.Errorf("waited %v, want %v", got, tt.sleeps)
			}
			if cl, _ := m.Cluster(mockCluster); cl.Status != tt.after {
				t.Errorf("the mock's cluster is %s, want %s", cl.Status, tt.after)
			}
			if tt.outcome != "" {
				if err != nil || res.Outcome != tt.outcome || res.Status != tt.status {
					t.Fatalf("got %+v, %v; want outcome %s, status %q", res, err, tt.outcome, tt.status)
				}
				return
			}
			var lost *LostAnswerError
			if err == nil || errors.As(err, &lost) != tt.lost || (tt.err != nil && !errors.Is(err, tt.err)) || !strings.Contains(err.Error(), tt.says) {
				t.Errorf("got %v; want %v, lost %v, saying %q", err, tt.err, tt.lost, tt.says)
			}
		})
	}
}

// TestMockWaitThroughFaults: the wait rides out a burst of 5XX, a 429
// storm and damaged answers, each within the failure bound.
func TestMockWaitThroughFaults(t *testing.T) {
	tests := []struct {
		name    string
		faults  []mock.Fault
		changes string
		polls   int
		sleeps  []time.Duration
	}{
		{name: "5XX burst", faults: []mock.Fault{{Kind: mock.FaultStatus, StatusCode: 503, Times: 3}},
			changes: "[4:->DELETED]", polls: 4, sleeps: []time.Duration{2 * time.Second, 4 * time.Second, 8 * time.Second}},
		{name: "429 storm", faults: []mock.Fault{{Kind: mock.FaultStatus, StatusCode: 429, Times: 2}},
			changes: "[3:->DELETING 7:DELETING->DELETED]", polls: 7, sleeps: []time.Duration{2 * time.Second, 4 * time.Second, 500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second}},
		{name: "damaged answers", faults: []mock.Fault{{Kind: mock.FaultTruncatedJSON, Times: 1}, {Kind: mock.FaultAbortMidBody, Times: 1}, {Kind: mock.FaultBadGatewayHTML, Times: 1}},
			changes: "[4:->DELETED]", polls: 4, sleeps: []time.Duration{2 * time.Second, 4 * time.Second, 8 * time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, clk, m, counter := mockClient(t, true, nil)
			if _, err := c.DropCluster(context.Background(), mockCluster); err != nil {
				t.Fatal(err)
			}
			for _, f := range tt.faults {
				if err := m.InjectFault(f); err != nil {
					t.Fatal(err)
				}
			}
			var changes []string
			wait, err := c.WaitDropped(context.Background(), mockCluster, WithStatusCallback(func(ch StatusChange) { changes = append(changes, change(ch)) }))
			if err != nil || wait.Status != StatusDeleted || wait.Polls != tt.polls {
				t.Fatalf("got %+v, %v; want DELETED after %d polls", wait, err, tt.polls)
			}
			if fmt.Sprint(changes) != tt.changes {
				t.Errorf("changes %v, want %s", changes, tt.changes)
			}
			if got := clk.Sleeps(); fmt.Sprint(got) != fmt.Sprint(tt.sleeps) {
				t.Errorf("waited %v, want %v", got, tt.sleeps)
			}
			if got, want := counter.counts(), fmt.Sprintf("1 drops, %d describes", tt.polls); got != want {
				t.Errorf("sent %s, want %s", got, want)
			}
		})
	}
}

// TestMockRateLimits: the client's default limiter keeps a burst of calls
// within the mock's limit (the documented 20 a second), so that none is
// refused; without it, the mock refuses with 429 and Retry-After: 1, and
// the client waits that and tries again.
func TestMockRateLimits(t *testing.T) {
	const calls = 45
	tests := []struct {
		name   string
		opts   []Option
		sleeps string
		sent   string
	}{
		{name: "paced by the client", sleeps: fmt.Sprint(repeat(time.Second/DefaultRateLimit, calls-1)), sent: "0 drops, 45 describes"},
		// The 21st and the 41st are refused, and sent again a second later.
		{name: "limiter off", opts: []Option{WithRateLimit(0, 0)}, sleeps: fmt.Sprint([]time.Duration{time.Second, time.Second}), sent: "0 drops, 47 describes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, clk, _, counter := mockClient(t, false, nil, tt.opts...)
			for range calls {
				if _, err := c.DescribeCluster(context.Background(), mockCluster); err != nil {
					t.Fatal(err)
				}
			}
			if got := fmt.Sprint(clk.Sleeps()); got != tt.sleeps {
				t.Errorf("waited %s, want %s", got, tt.sleeps)
			}
			if got := counter.counts(); got != tt.sent {
				t.Errorf("sent %s, want %s", got, tt.sent)
			}
		})
	}
}

func repeat(d time.Duration, n int) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = d
	}
	return out
}
