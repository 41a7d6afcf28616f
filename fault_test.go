package zcdrop_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zcdrop/zcdrop"
	"github.com/zcdrop/zcdrop/internal/clock/clocktest"
	"github.com/zcdrop/zcdrop/mock"
	"github.com/zcdrop/zcdrop/mock/mocktest"
)

// The fault tests drive the front door against the reference mock's
// faults: the drop, the question that a lost answer makes it ask (the
// outcome check) and the wait. Each case asserts the outcome, how many
// requests reached the wire, and what the client waited, on a fake clock
// that the mock reads too: no case sleeps to wait out a backoff. The
// cases marked slow need real time, a response slower than the attempt
// timeout, and take tens of milliseconds.

const (
	faultKey     = "zc-FAULT-KEY-0123456789abcdef"
	faultCluster = "in01-6183d6bac30f801"
	// otherCluster spends a rate-limit budget before the call under test.
	otherCluster = "in01-6183d6bac30f802"

	// slowAttempt is the client's attempt timeout in the slow cases, and
	// slowLatency the mock's latency there, far beyond it: the mock's
	// handler returns as soon as the client hangs up, and answers nothing
	// (it drops nothing) to a request that hung up.
	slowAttempt = 40 * time.Millisecond
	slowLatency = 2 * time.Second
	// realBound is the real time that any case may take, and hangGuard
	// the deadline of its context: a case that takes seconds sleeps for
	// real, or hangs.
	realBound = 5 * time.Second
	hangGuard = 20 * time.Second
)

// faultEpoch is when the fake clock of each case starts.
var faultEpoch = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

// padding follows an answer's body to make it larger than the client
// reads: JSON with trailing white space, still valid, 1 MiB too long.
var padding = bytes.Repeat([]byte(" "), 1<<20)

// wire sends requests through base and counts those that reached the
// wire (their headers were written), drops (DELETE) apart from describes
// (GET). It numbers the answers from 1, pads the body of those in
// oversize past the client's bound, and calls afterBody once the client
// has closed the body of answer number afterAnswer: by then the client has
// read the whole answer, so a context cancelled there ends the call at
// its next step, never in the middle of reading.
type wire struct {
	base http.RoundTripper

	mu               sync.Mutex
	drops, describes int
	answers          int
	oversize         map[int]bool
	afterAnswer      int
	afterBody        func()
}

func (w *wire) RoundTrip(req *http.Request) (*http.Response, error) {
	// WithClientTrace keeps the client's own trace, which tells it whether
	// the request was sent, and calls it after this one.
	trace := &httptrace.ClientTrace{WroteHeaders: func() { w.count(req.Method) }}
	res, err := w.base.RoundTrip(req.WithContext(httptrace.WithClientTrace(req.Context(), trace)))
	if err != nil {
		return nil, err
	}
	w.mu.Lock()
	w.answers++
	pad := w.oversize[w.answers]
	var after func()
	if w.answers == w.afterAnswer {
		after = w.afterBody
	}
	w.mu.Unlock()
	body := res.Body
	reader := io.Reader(body)
	if pad {
		reader = io.MultiReader(body, bytes.NewReader(padding))
		res.ContentLength = -1
		res.Header.Del("Content-Length")
	}
	res.Body = &hookedBody{Reader: reader, body: body, after: after}
	return res, nil
}

func (w *wire) count(method string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if method == http.MethodDelete {
		w.drops++
	} else {
		w.describes++
	}
}

// restart forgets what was counted, and sets the damage and the hook for
// the answers from now on.
func (w *wire) restart(oversize []int, afterAnswer int, afterBody func()) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.drops, w.describes, w.answers = 0, 0, 0
	w.oversize = map[int]bool{}
	for _, n := range oversize {
		w.oversize[n] = true
	}
	w.afterAnswer, w.afterBody = afterAnswer, afterBody
}

// counts says how many drops and describes reached the wire.
func (w *wire) counts() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return fmt.Sprintf("%d drops, %d describes", w.drops, w.describes)
}

// hookedBody is an answer's body that calls after, if any, once closed.
type hookedBody struct {
	io.Reader
	body  io.Closer
	after func()
}

func (b *hookedBody) Close() error {
	err := b.body.Close()
	if b.after != nil {
		b.after()
	}
	return err
}

// faultCase is one case of the fault tests: how the mock and the client
// are set up, what goes wrong, and what must come of it.
type faultCase struct {
	name string
	// Setup.
	mockOpts []mock.Option // after the defaults: a key, faultCluster and otherCluster, no rate limit, the fake clock
	opts     []zcdrop.Option
	prepare  func(ctx context.Context, c *zcdrop.Client) error // before faults are queued and counting starts
	faults   []mock.Fault
	oversize []int // the answers, numbered from 1, whose body the wire pads past 1 MiB
	cancel   int   // cancel the call's ctx once the body of this answer is closed; -1: before the call; 0: never
	slow     bool  // real time: the mock's latency is past the attempt timeout
	// The drop: EnsureDropped instead of DropCluster.
	ensure bool
	// The wait.
	waitOpts []zcdrop.WaitOption
	// A success: the drop's outcome and status, or the wait's final
	// status (DELETED, or "" with notFound).
	outcome  zcdrop.Outcome
	status   zcdrop.ClusterStatus
	notFound bool
	changes  string // the wait's status changes
	polls    int    // the wait's polls, in its result or its *WaitError; 0: not checked
	// An error.
	check func(t *testing.T, err error)
	// Every case.
	sent   string          // the requests that reached the wire
	sleeps []time.Duration // the client's waits, on the fake clock
	after  mock.Status     // faultCluster in the mock afterwards
}

// rig is a Client of a reference mock, both on one fake clock, and the
// wire between them.
type rig struct {
	client *zcdrop.Client
	clock  *clocktest.Clock
	mock   *mock.Server
	wire   *wire

	// When the call under test began: the fake clock's time, how many
	// waits it had recorded, and the real time.
	start      time.Time
	sleepsFrom int
	realStart  time.Time
}

func newRig(t *testing.T, tt faultCase) *rig {
	t.Helper()
	clk := clocktest.New(faultEpoch)
	mockOpts := append([]mock.Option{
		mock.WithAPIKey(faultKey),
		mock.WithClusters(faultCluster, otherCluster),
		mock.WithRateLimit(0),
		mock.WithClock(clk.Now),
	}, tt.mockOpts...)
	ts, m := mocktest.NewServer(t, mockOpts...)
	w := &wire{base: ts.Client().Transport}
	c, err := zcdrop.New(faultKey, append([]zcdrop.Option{
		zcdrop.WithBaseURL(ts.URL),
		zcdrop.WithTransport(w),
		zcdrop.WithRateLimit(0, 0),
	}, tt.opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	zcdrop.SetClock(c, clk)
	return &rig{client: c, clock: clk, mock: m, wire: w}
}

// begin prepares the call under test: it runs prepare, queues the faults,
// sets the wire's damage, starts counting and timing afresh, and returns
// the call's context, cancelled already when tt.cancel is -1.
func (r *rig) begin(t *testing.T, tt faultCase) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), hangGuard)
	t.Cleanup(cancel)
	if tt.prepare != nil {
		if err := tt.prepare(ctx, r.client); err != nil {
			t.Fatalf("prepare: %v", err)
		}
	}
	for _, f := range tt.faults {
		if err := r.mock.InjectFault(f); err != nil {
			t.Fatal(err)
		}
	}
	r.wire.restart(tt.oversize, tt.cancel, cancel)
	r.start, r.sleepsFrom, r.realStart = r.clock.Now(), len(r.clock.Sleeps()), time.Now()
	if tt.cancel < 0 {
		cancel()
	}
	return ctx
}

// end checks what every case asserts: the requests that reached the
// wire, the waits, that the fake clock moved by them alone, that the call
// took little real time, and the mock's cluster. It returns the time that
// the call took on the fake clock.
func (r *rig) end(t *testing.T, tt faultCase) time.Duration {
	t.Helper()
	took := time.Since(r.realStart)
	if got := r.wire.counts(); got != tt.sent {
		t.Errorf("sent %s, want %s", got, tt.sent)
	}
	sleeps := r.clock.Sleeps()[r.sleepsFrom:]
	if fmt.Sprint(sleeps) != fmt.Sprint(tt.sleeps) {
		t.Errorf("waited %v on the fake clock, want %v", sleeps, tt.sleeps)
	}
	var sum time.Duration
	for _, d := range tt.sleeps {
		sum += d
	}
	elapsed := r.clock.Now().Sub(r.start)
	if elapsed != sum {
		t.Errorf("the fake clock moved %v, want %v, what the waits add up to", elapsed, sum)
	}
	if took > realBound {
		t.Errorf("the call took %v of real time: something slept for real, or hung", took)
	}
	if tt.slow && took < slowAttempt {
		t.Errorf("the call took %v, less than the attempt timeout of %v, which it was to run out", took, slowAttempt)
	}
	if cl, _ := r.mock.Cluster(faultCluster); cl.Status != tt.after {
		t.Errorf("the mock's cluster is %s, want %s", cl.Status, tt.after)
	}
	return elapsed
}

// runDropCases drops faultCluster in each case, with DropCluster or
// EnsureDropped.
func runDropCases(t *testing.T, tests []faultCase) {
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, tt)
			ctx := r.begin(t, tt)
			call := r.client.DropCluster
			if tt.ensure {
				call = r.client.EnsureDropped
			}
			res, err := call(ctx, faultCluster)
			r.end(t, tt)
			switch {
			case tt.outcome != "":
				if err != nil || res.Outcome != tt.outcome || res.Status != tt.status || res.ClusterID != faultCluster {
					t.Errorf("got %+v, %v; want outcome %s with status %q", res, err, tt.outcome, tt.status)
				}
			case err == nil:
				t.Errorf("got %+v; want an error", res)
			default:
				tt.check(t, err)
			}
		})
	}
}

// The checks of an error.

// all runs every check.
func all(checks ...func(*testing.T, error)) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		for _, check := range checks {
			check(t, err)
		}
	}
}

// matches checks that err matches every target with errors.Is.
func matches(targets ...error) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		for _, target := range targets {
			if !errors.Is(err, target) {
				t.Errorf("%v does not match %v", err, target)
			}
		}
	}
}

// says checks that err's message holds s.
func says(s string) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		if !strings.Contains(err.Error(), s) {
			t.Errorf("%q does not say %q", err, s)
		}
	}
}

// gaveUpAfter checks a *RetryError that ran out of its attempts.
func gaveUpAfter(attempts int) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		var re *zcdrop.RetryError
		if !errors.As(err, &re) || re.Attempts != attempts || re.Stopped != nil {
			t.Errorf("%v is not a *RetryError that gave up after %d attempts", err, attempts)
		}
	}
}

// stoppedAfter checks a *RetryError that ctx stopped after attempts.
func stoppedAfter(attempts int) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		var re *zcdrop.RetryError
		if !errors.As(err, &re) || re.Attempts != attempts || !errors.Is(re.Stopped, context.Canceled) {
			t.Errorf("%v is not a *RetryError that a cancelled ctx stopped after %d attempts", err, attempts)
		}
	}
}

// notRetried checks that err is no *RetryError.
func notRetried(t *testing.T, err error) {
	t.Helper()
	var re *zcdrop.RetryError
	if errors.As(err, &re) {
		t.Errorf("%v was retried", err)
	}
}

// notLost checks that err is no *LostAnswerError: the drop's answer was
// whole, or the drop was never sent.
func notLost(t *testing.T, err error) {
	t.Helper()
	var lost *zcdrop.LostAnswerError
	if errors.As(err, &lost) {
		t.Errorf("%v is a *LostAnswerError", err)
	}
}

// httpStatus checks the status of the *APIError or the
// *UnexpectedResponseError in err.
func httpStatus(status int) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		var apiErr *zcdrop.APIError
		var unexpected *zcdrop.UnexpectedResponseError
		switch {
		case errors.As(err, &apiErr) && apiErr.StatusCode == status:
		case errors.As(err, &unexpected) && unexpected.StatusCode == status:
		default:
			t.Errorf("%v holds no answer with HTTP %d", err, status)
		}
	}
}

// unknown checks a *LostAnswerError whose outcome is still unknown, and
// runs describe on its DescribeErr: nil when describe must not have been
// asked.
func unknown(describe func(*testing.T, error)) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		var lost *zcdrop.LostAnswerError
		if !errors.As(err, &lost) {
			t.Fatalf("%v is no *LostAnswerError", err)
		}
		if lost.NotDropped || lost.Status != "" || lost.ClusterID != faultCluster {
			t.Errorf("%+v: want an unknown outcome for %s, no status", lost, faultCluster)
		}
		switch {
		case describe == nil && lost.DescribeErr != nil:
			t.Errorf("describe failed with %v; it was not to be asked", lost.DescribeErr)
		case describe != nil && lost.DescribeErr == nil:
			t.Errorf("%v: no describe error", err)
		case describe != nil:
			describe(t, lost.DescribeErr)
		}
	}
}

// notDropped checks a *LostAnswerError whose describe found the cluster
// RUNNING.
func notDropped(t *testing.T, err error) {
	t.Helper()
	var lost *zcdrop.LostAnswerError
	if !errors.As(err, &lost) || !lost.NotDropped || lost.Status != zcdrop.StatusRunning || lost.DescribeErr != nil {
		t.Errorf("%v: want a *LostAnswerError that describe found RUNNING", err)
	}
}

// The preparations.

// dropFirst drops faultCluster.
func dropFirst(ctx context.Context, c *zcdrop.Client) error {
	_, err := c.DropCluster(ctx, faultCluster)
	return err
}

// spendDropBudget spends the drop endpoint's budget at the mock's rate
// limit of 1 a second by dropping otherCluster.
func spendDropBudget(ctx context.Context, c *zcdrop.Client) error {
	_, err := c.DropCluster(ctx, otherCluster)
	return err
}

// spendDescribeBudget spends the describe endpoint's budget at the mock's
// rate limit of 1 a second by describing otherCluster.
func spendDescribeBudget(ctx context.Context, c *zcdrop.Client) error {
	_, err := c.DescribeCluster(ctx, otherCluster)
	return err
}

// both runs each preparation in turn.
func both(preps ...func(context.Context, *zcdrop.Client) error) func(context.Context, *zcdrop.Client) error {
	return func(ctx context.Context, c *zcdrop.Client) error {
		for _, p := range preps {
			if err := p(ctx, c); err != nil {
				return err
			}
		}
		return nil
	}
}

// The faults, as the mock injects them.

func failing(code, times int) mock.Fault {
	return mock.Fault{Kind: mock.FaultStatus, StatusCode: code, Times: times}
}

func fault(kind mock.FaultKind, times int) mock.Fault {
	return mock.Fault{Kind: kind, Times: times}
}

var (
	reset     = fault(mock.FaultAbortMidBody, 1)
	truncated = fault(mock.FaultTruncatedJSON, 1)
	gateway   = fault(mock.FaultBadGatewayHTML, 1)
)

// frozen is a clock for the mock that stands still, so that its rate
// limit never refills, whatever the client waits.
func frozen() time.Time { return faultEpoch }

// waits lists n waits of d.
func waits(d time.Duration, n int) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = d
	}
	return out
}

const (
	ms  = time.Millisecond
	sec = time.Second
)

// TestDropFaults: faults that hit the drop's own answer. Those that say
// the server did not act (429, 503) are retried within WithRetry, waiting
// what Retry-After asks, capped, or DefaultBackoff's second; other
// statuses are final; an answer lost on the way is settled by one
// describe; a cancelled ctx ends the call where it is.
func TestDropFaults(t *testing.T) {
	runDropCases(t, []faultCase{
		{name: "429 storm without Retry-After outlasts the tries",
			faults: []mock.Fault{failing(429, 5)},
			check:  all(notLost, gaveUpAfter(3), matches(zcdrop.ErrRateLimited)),
			sent:   "3 drops, 0 describes", sleeps: waits(sec, 2), after: mock.StatusRunning},
		{name: "429 storm without Retry-After, shorter than the tries",
			faults:  []mock.Fault{failing(429, 2)},
			outcome: zcdrop.OutcomeDropped,
			sent:    "3 drops, 0 describes", sleeps: waits(sec, 2), after: mock.StatusDeleting},
		// The mock's own limit of 1 a second answers 429 with
		// Retry-After: 1, and a second later has a turn again.
		{name: "429 with Retry-After: the wait it asks for is enough",
			mockOpts: []mock.Option{mock.WithRateLimit(1)}, prepare: spendDropBudget,
			outcome: zcdrop.OutcomeDropped,
			sent:    "2 drops, 0 describes", sleeps: waits(sec, 1), after: mock.StatusDeleting},
		{name: "429 storm with Retry-After outlasts the tries, the mock's clock standing still",
			mockOpts: []mock.Option{mock.WithRateLimit(1), mock.WithClock(frozen)}, prepare: spendDropBudget,
			check: all(notLost, gaveUpAfter(3), matches(zcdrop.ErrRateLimited)),
			sent:  "3 drops, 0 describes", sleeps: waits(sec, 2), after: mock.StatusRunning},
		// WithRetry's cap beats Retry-After, and a quarter of a second
		// refills a quarter of a turn.
		{name: "429 storm with a Retry-After beyond WithRetry's cap",
			mockOpts: []mock.Option{mock.WithRateLimit(1)}, opts: []zcdrop.Option{zcdrop.WithRetry(3, 250*ms)}, prepare: spendDropBudget,
			check: all(notLost, gaveUpAfter(3), matches(zcdrop.ErrRateLimited)),
			sent:  "3 drops, 0 describes", sleeps: waits(250*ms, 2), after: mock.StatusRunning},
		{name: "503 burst, shorter than the tries",
			faults:  []mock.Fault{failing(503, 2)},
			outcome: zcdrop.OutcomeDropped,
			sent:    "3 drops, 0 describes", sleeps: waits(sec, 2), after: mock.StatusDeleting},
		{name: "503 burst outlasts the tries",
			faults: []mock.Fault{failing(503, 3)},
			check:  all(notLost, gaveUpAfter(3), matches(zcdrop.ErrServer), httpStatus(503)),
			sent:   "3 drops, 0 describes", sleeps: waits(sec, 2), after: mock.StatusRunning},
		// DefaultCheckRetry retries 429 and 503 only.
		{name: "500 burst is not retried",
			faults: []mock.Fault{failing(500, 3)},
			check:  all(notLost, notRetried, matches(zcdrop.ErrServer), httpStatus(500)),
			sent:   "1 drops, 0 describes", after: mock.StatusRunning},
		{name: "502 gateway page is not retried",
			faults: []mock.Fault{gateway},
			check:  all(notLost, notRetried, matches(zcdrop.ErrServer), httpStatus(502)),
			sent:   "1 drops, 0 describes", after: mock.StatusRunning},
		{name: "reset mid-body: describe confirms the drop",
			faults:  []mock.Fault{reset},
			outcome: zcdrop.OutcomeConfirmed, status: zcdrop.StatusDeleting,
			sent: "1 drops, 1 describes", after: mock.StatusDeleting},
		{name: "truncated body: describe confirms the drop",
			faults:  []mock.Fault{truncated},
			outcome: zcdrop.OutcomeConfirmed, status: zcdrop.StatusDeleting,
			sent: "1 drops, 1 describes", after: mock.StatusDeleting},
		{name: "oversized body: describe confirms the drop",
			oversize: []int{1},
			outcome:  zcdrop.OutcomeConfirmed, status: zcdrop.StatusDeleting,
			sent: "1 drops, 1 describes", after: mock.StatusDeleting},
		{name: "context cancelled before the call: nothing is sent",
			cancel: -1,
			check:  all(notLost, notRetried, matches(context.Canceled)),
			sent:   "0 drops, 0 describes", after: mock.StatusRunning},
		{name: "context cancelled while waiting to retry a 429",
			faults: []mock.Fault{failing(429, 3)}, cancel: 1,
			check: all(notLost, stoppedAfter(1), matches(zcdrop.ErrRateLimited, context.Canceled)),
			sent:  "1 drops, 0 describes", after: mock.StatusRunning},
		{name: "teardown through a 503 burst finds the cluster gone",
			ensure: true, prepare: dropFirst, faults: []mock.Fault{failing(503, 2)},
			outcome: zcdrop.OutcomeAlreadyGone,
			sent:    "3 drops, 0 describes", sleeps: waits(sec, 2), after: mock.StatusDeleting},
	})
}

// TestOutcomeCheckFaults: faults that hit the describe that a drop whose
// answer was lost asks. Describe is retried on the network, on 429 and on
// any 5XX within WithRetry; when it cannot tell, the outcome stays
// unknown, saying why; when it finds RUNNING, the drop is sent again, or
// said to be safe to send again.
func TestOutcomeCheckFaults(t *testing.T) {
	runDropCases(t, []faultCase{
		{name: "drop reset, describe rides out a 429 storm without Retry-After",
			faults:  []mock.Fault{reset, failing(429, 2)},
			outcome: zcdrop.OutcomeConfirmed, status: zcdrop.StatusDeleting,
			sent: "1 drops, 3 describes", sleeps: waits(sec, 2), after: mock.StatusDeleting},
		{name: "drop reset, describe's 429 storm outlasts its tries: unknown",
			faults: []mock.Fault{reset, failing(429, 3)},
			check:  unknown(all(gaveUpAfter(3), matches(zcdrop.ErrRateLimited))),
			sent:   "1 drops, 3 describes", sleeps: waits(sec, 2), after: mock.StatusDeleting},
		{name: "drop reset, describe waits what Retry-After asks",
			mockOpts: []mock.Option{mock.WithRateLimit(1)}, prepare: spendDescribeBudget,
			faults:  []mock.Fault{reset},
			outcome: zcdrop.OutcomeConfirmed, status: zcdrop.StatusDeleting,
			sent: "1 drops, 2 describes", sleeps: waits(sec, 1), after: mock.StatusDeleting},
		{name: "drop reset, describe rides out a 5XX burst",
			faults:  []mock.Fault{reset, failing(500, 1), gateway},
			outcome: zcdrop.OutcomeConfirmed, status: zcdrop.StatusDeleting,
			sent: "1 drops, 3 describes", sleeps: waits(sec, 2), after: mock.StatusDeleting},
		{name: "drop reset, describe's 5XX burst outlasts its tries: unknown",
			faults: []mock.Fault{reset, failing(503, 3)},
			check:  all(unknown(all(gaveUpAfter(3), matches(zcdrop.ErrServer))), says("whether the drop happened is unknown, and describe could not tell")),
			sent:   "1 drops, 3 describes", sleeps: waits(sec, 2), after: mock.StatusDeleting},
		{name: "drop and describe reset: describe asked again",
			faults:  []mock.Fault{fault(mock.FaultAbortMidBody, 2)},
			outcome: zcdrop.OutcomeConfirmed, status: zcdrop.StatusDeleting,
			sent: "1 drops, 2 describes", sleeps: waits(sec, 1), after: mock.StatusDeleting},
		{name: "resets outlast describe's tries: unknown",
			faults: []mock.Fault{fault(mock.FaultAbortMidBody, 4)},
			check:  unknown(gaveUpAfter(3)),
			sent:   "1 drops, 3 describes", sleeps: waits(sec, 2), after: mock.StatusDeleting},
		{name: "drop and describe truncated: describe asked again",
			faults:  []mock.Fault{fault(mock.FaultTruncatedJSON, 2)},
			outcome: zcdrop.OutcomeConfirmed, status: zcdrop.StatusDeleting,
			sent: "1 drops, 2 describes", sleeps: waits(sec, 1), after: mock.StatusDeleting},
		{name: "drop reset, describe's answer oversized: describe asked again",
			faults: []mock.Fault{reset}, oversize: []int{2},
			outcome: zcdrop.OutcomeConfirmed, status: zcdrop.StatusDeleting,
			sent: "1 drops, 2 describes", sleeps: waits(sec, 1), after: mock.StatusDeleting},
		// The mock's rate limit refuses the drop, and the refusal is cut
		// off: describe finds RUNNING, so the drop did not happen, and is
		// sent again; that try meets the limit, and waits its Retry-After.
		{name: "refusal reset: describe finds RUNNING, and the drop is sent again",
			mockOpts: []mock.Option{mock.WithRateLimit(1)}, prepare: spendDropBudget,
			faults:  []mock.Fault{reset},
			outcome: zcdrop.OutcomeDropped,
			sent:    "3 drops, 1 describes", sleeps: waits(sec, 1), after: mock.StatusDeleting},
		{name: "refusal reset with no try left: not dropped, safe to send again",
			mockOpts: []mock.Option{mock.WithRateLimit(1)}, prepare: spendDropBudget, opts: []zcdrop.Option{zcdrop.WithRetry(1, 0)},
			faults: []mock.Fault{reset},
			check:  all(notDropped, notRetried, says("so the drop did not happen, and sending it again is safe")),
			sent:   "1 drops, 1 describes", after: mock.StatusRunning},
		// Describe, asked after a drop that ran out of time, runs out of
		// time too; the mock, which answers nothing to a client that hung
		// up, dropped nothing: the outcome is honestly unknown.
		{name: "drop and describe slower than the attempt timeout: unknown (slow)",
			slow: true, mockOpts: []mock.Option{mock.WithLatency(slowLatency)}, opts: []zcdrop.Option{zcdrop.WithAttemptTimeout(slowAttempt)},
			check: all(unknown(all(gaveUpAfter(3), matches(context.DeadlineExceeded))), matches(context.DeadlineExceeded), says("no whole answer within the attempt timeout")),
			sent:  "1 drops, 3 describes", sleeps: waits(sec, 2), after: mock.StatusRunning},
		{name: "context cancelled after a reset: unknown, describe not asked",
			faults: []mock.Fault{reset}, cancel: 1,
			check: unknown(all(matches(context.Canceled), says("not asked"))),
			sent:  "1 drops, 0 describes", after: mock.StatusDeleting},
		{name: "context cancelled while describe waits to retry a 429: unknown",
			faults: []mock.Fault{reset, failing(429, 3)}, cancel: 2,
			check: unknown(all(stoppedAfter(1), matches(zcdrop.ErrRateLimited, context.Canceled))),
			sent:  "1 drops, 1 describes", after: mock.StatusDeleting},
		{name: "outcome check off: unknown after one request",
			opts: []zcdrop.Option{zcdrop.WithOutcomeCheck(false)}, faults: []mock.Fault{reset},
			check: all(unknown(nil), matches(io.ErrUnexpectedEOF), says("(the cluster was not described)")),
			sent:  "1 drops, 0 describes", after: mock.StatusDeleting},
		// Describe cannot tell whose drop it sees: a teardown whose "not
		// found" was cut off is confirmed, as documented ("most likely by
		// this call"), not already_gone.
		{name: "teardown whose 96018 is reset: confirmed",
			ensure: true, prepare: dropFirst, faults: []mock.Fault{reset},
			outcome: zcdrop.OutcomeConfirmed, status: zcdrop.StatusDeleting,
			sent: "1 drops, 1 describes", after: mock.StatusDeleting},
	})
}

// TestWaitFaults: faults that hit WaitDropped's polls, of a cluster
// dropped at the start, which the mock keeps DELETING for a second. A
// failed poll is repeated after WithPollFailures' waits, or Retry-After's
// when longer, up to the cap, until that many fail in a row; a
// successful one resets them. Every case polls without jitter.
func TestWaitFaults(t *testing.T) {
	quickFailures := zcdrop.WithPollFailures(5, 100*ms, 10*sec)
	oneSecond := mock.WithDeleteDelay(sec)
	tests := []faultCase{
		{name: "429 storm without Retry-After: the failure waits",
			mockOpts: []mock.Option{oneSecond}, prepare: dropFirst, waitOpts: []zcdrop.WaitOption{quickFailures},
			faults: []mock.Fault{failing(429, 3)},
			status: zcdrop.StatusDeleted, polls: 5, changes: "[4:->DELETING 5:DELETING->DELETED]",
			sent: "0 drops, 5 describes", sleeps: []time.Duration{100 * ms, 200 * ms, 400 * ms, 500 * ms}, after: mock.StatusDeleted},
		{name: "429 with Retry-After: the wait it asks for, longer than the failure wait",
			mockOpts: []mock.Option{oneSecond, mock.WithRateLimit(1)}, prepare: both(dropFirst, spendDescribeBudget), waitOpts: []zcdrop.WaitOption{quickFailures},
			status: zcdrop.StatusDeleted, polls: 2, changes: "[2:->DELETED]",
			sent: "0 drops, 2 describes", sleeps: waits(sec, 1), after: mock.StatusDeleted},
		// Each poll comes 0.3s after the last, and finds 0.3 more of a turn.
		{name: "429 storm with a Retry-After beyond the failure cap",
			mockOpts: []mock.Option{oneSecond, mock.WithRateLimit(1)}, prepare: both(dropFirst, spendDescribeBudget),
			waitOpts: []zcdrop.WaitOption{zcdrop.WithPollFailures(5, 100*ms, 300*ms)},
			status:   zcdrop.StatusDeleted, polls: 5, changes: "[5:->DELETED]",
			sent: "0 drops, 5 describes", sleeps: waits(300*ms, 4), after: mock.StatusDeleted},
		{name: "429 storm outlasts the failure bound",
			mockOpts: []mock.Option{oneSecond}, prepare: dropFirst, waitOpts: []zcdrop.WaitOption{zcdrop.WithPollFailures(3, 100*ms, 10*sec)},
			faults: []mock.Fault{failing(429, 5)},
			check:  all(waitGaveUp(3, ""), matches(zcdrop.ErrRateLimited)), polls: 3,
			sent: "0 drops, 3 describes", sleeps: []time.Duration{100 * ms, 200 * ms}, after: mock.StatusDeleting},
		{name: "5XX burst within the failure bound",
			mockOpts: []mock.Option{oneSecond}, prepare: dropFirst, waitOpts: []zcdrop.WaitOption{quickFailures},
			faults: []mock.Fault{failing(500, 2), gateway},
			status: zcdrop.StatusDeleted, polls: 5, changes: "[4:->DELETING 5:DELETING->DELETED]",
			sent: "0 drops, 5 describes", sleeps: []time.Duration{100 * ms, 200 * ms, 400 * ms, 500 * ms}, after: mock.StatusDeleted},
		{name: "5XX burst outlasts the default failure bound",
			mockOpts: []mock.Option{oneSecond}, prepare: dropFirst,
			faults: []mock.Fault{failing(503, 5)},
			check:  all(waitGaveUp(5, ""), matches(zcdrop.ErrServer)), polls: 5,
			sent: "0 drops, 5 describes", sleeps: []time.Duration{2 * sec, 4 * sec, 8 * sec, 16 * sec}, after: mock.StatusDeleted},
		{name: "5XX burst hides the purge: not found",
			mockOpts: []mock.Option{oneSecond, mock.WithPurgeDelay(0)}, prepare: dropFirst, waitOpts: []zcdrop.WaitOption{quickFailures},
			faults:   []mock.Fault{failing(503, 2)},
			notFound: true, polls: 5, changes: "[3:->DELETING 5:DELETING->not found]",
			sent: "0 drops, 5 describes", sleeps: []time.Duration{100 * ms, 200 * ms, 500 * ms, sec}, after: mock.StatusPurged},
		{name: "resets mid-body while polling",
			mockOpts: []mock.Option{oneSecond}, prepare: dropFirst, waitOpts: []zcdrop.WaitOption{quickFailures},
			faults: []mock.Fault{fault(mock.FaultAbortMidBody, 2)},
			status: zcdrop.StatusDeleted, polls: 5, changes: "[3:->DELETING 5:DELETING->DELETED]",
			sent: "0 drops, 5 describes", sleeps: []time.Duration{100 * ms, 200 * ms, 500 * ms, sec}, after: mock.StatusDeleted},
		{name: "truncated and oversized answers while polling",
			mockOpts: []mock.Option{oneSecond}, prepare: dropFirst, waitOpts: []zcdrop.WaitOption{quickFailures},
			faults: []mock.Fault{truncated}, oversize: []int{2},
			status: zcdrop.StatusDeleted, polls: 5, changes: "[3:->DELETING 5:DELETING->DELETED]",
			sent: "0 drops, 5 describes", sleeps: []time.Duration{100 * ms, 200 * ms, 500 * ms, sec}, after: mock.StatusDeleted},
		// Nothing is dropped: the polls would see RUNNING, if they were
		// answered in time.
		{name: "polls slower than the attempt timeout (slow)",
			slow: true, mockOpts: []mock.Option{mock.WithLatency(slowLatency)}, opts: []zcdrop.Option{zcdrop.WithAttemptTimeout(slowAttempt)},
			waitOpts: []zcdrop.WaitOption{zcdrop.WithPollFailures(3, 100*ms, sec)},
			check:    all(waitGaveUp(3, ""), matches(context.DeadlineExceeded), says("no whole answer within the attempt timeout")), polls: 3,
			sent: "0 drops, 3 describes", sleeps: []time.Duration{100 * ms, 200 * ms}, after: mock.StatusRunning},
		{name: "context cancelled between polls",
			mockOpts: []mock.Option{oneSecond}, prepare: dropFirst, cancel: 1,
			check: waitStopped(zcdrop.StatusDeleting), polls: 1,
			sent: "0 drops, 1 describes", after: mock.StatusDeleting},
		// The *WaitError counts the poll that the cancelled ctx kept off
		// the wire.
		{name: "context cancelled before the wait",
			mockOpts: []mock.Option{oneSecond}, prepare: dropFirst, cancel: -1,
			check: waitStopped(""), polls: 1,
			sent: "0 drops, 0 describes", after: mock.StatusDeleting},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, tt)
			ctx := r.begin(t, tt)
			var changes []string
			record := zcdrop.WithStatusCallback(func(ch zcdrop.StatusChange) {
				to := string(ch.Status)
				if ch.NotFound {
					to = "not found"
				}
				changes = append(changes, fmt.Sprintf("%d:%s->%s", ch.Poll, ch.Previous, to))
			})
			res, err := r.client.WaitDropped(ctx, faultCluster, append([]zcdrop.WaitOption{zcdrop.WithPollJitter(0), record}, tt.waitOpts...)...)
			elapsed := r.end(t, tt)
			if err != nil {
				var we *zcdrop.WaitError
				if !errors.As(err, &we) || we.ClusterID != faultCluster || we.Elapsed != elapsed || (tt.polls != 0 && we.Polls != tt.polls) {
					t.Errorf("%v: want a *WaitError for %s after %d poll(s) in %v", err, faultCluster, tt.polls, elapsed)
				}
				if tt.check == nil {
					t.Fatalf("got %v; want a success", err)
				}
				tt.check(t, err)
				return
			}
			if tt.check != nil {
				t.Fatalf("got %+v; want an error", res)
			}
			if res.Status != tt.status || res.NotFound != tt.notFound || res.Polls != tt.polls || res.Elapsed != elapsed || res.ClusterID != faultCluster {
				t.Errorf("got %+v; want status %q, not found %v, after %d polls in %v", res, tt.status, tt.notFound, tt.polls, elapsed)
			}
			if fmt.Sprint(changes) != tt.changes {
				t.Errorf("changes %v, want %s", changes, tt.changes)
			}
		})
	}
}

// waitGaveUp checks a *WaitError that gave up after failures polls failed
// in a row, the last status seen being last.
func waitGaveUp(failures int, last zcdrop.ClusterStatus) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		var we *zcdrop.WaitError
		if !errors.As(err, &we) || we.Failures != failures || we.Stopped != nil || we.LastStatus != last || !strings.Contains(err.Error(), "giving up after") {
			t.Errorf("%v: want a wait that gave up after %d failed polls, last status %q", err, failures, last)
		}
	}
}

// waitStopped checks a *WaitError that a cancelled ctx stopped, the last
// status seen being last.
func waitStopped(last zcdrop.ClusterStatus) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		var we *zcdrop.WaitError
		if !errors.As(err, &we) || !errors.Is(we.Stopped, context.Canceled) || !errors.Is(err, context.Canceled) || we.LastStatus != last {
			t.Errorf("%v: want a wait stopped by a cancelled ctx, last status %q", err, last)
		}
	}
}
