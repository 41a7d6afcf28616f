package zcdrop

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

// truncated is a drop's answer that arrives whole but cut in half: the
// drop happened, and the answer says nothing.
var truncated = jsonReply(200, `{"code":0,"data":{"clu`)

// TestOutcomeAfterALostAnswer: a drop whose answer was lost asks describe,
// and reports what it says; a drop that did not happen is sent again only
// when a try is left.
func TestOutcomeAfterALostAnswer(t *testing.T) {
	tests := []struct {
		name      string
		drops     []reply
		describes []reply
		opts      []Option
		// A success: its outcome, status and request ID.
		outcome   Outcome
		status    ClusterStatus
		requestID string
		// An error: a *LostAnswerError, perhaps in a *RetryError, with
		// NotDropped, Status and a DescribeErr (or not), saying says.
		notDropped  bool
		lostStatus  ClusterStatus
		describeErr bool
		attempts    int // of the *RetryError; 0 for none
		says        string
		// What the server saw.
		wantDrops, wantDescribes int64
	}{
		{name: "truncated, then DELETING", drops: []reply{truncated}, describes: []reply{described("DELETING")},
			outcome: OutcomeConfirmed, status: StatusDeleting, requestID: "describe-0", wantDrops: 1, wantDescribes: 1},
		{name: "body breaks off, then DELETED", drops: []reply{lostReply(abortBody)}, describes: []reply{described("DELETED")},
			outcome: OutcomeConfirmed, status: StatusDeleted, requestID: "describe-0", wantDrops: 1, wantDescribes: 1},
		{name: "connection closed, then not found", drops: []reply{lostReply(closeConn)}, describes: []reply{jsonReply(200, envelope(96018))},
			outcome: OutcomeConfirmed, requestID: "describe-0", wantDrops: 1, wantDescribes: 1},
		{name: "an empty 200, then DELETING", drops: []reply{{status: 200}}, describes: []reply{described("DELETING")},
			outcome: OutcomeConfirmed, status: StatusDeleting, requestID: "describe-0", wantDrops: 1, wantDescribes: 1},
		{name: "another cluster's success, then DELETING", drops: []reply{jsonReply(200, `{"code":0,"data":{"clusterId":"in01-other","prompt":"p"}}`)}, describes: []reply{described("DELETING")},
			outcome: OutcomeConfirmed, status: StatusDeleting, requestID: "describe-0", wantDrops: 1, wantDescribes: 1},
		{name: "describe fails once, then DELETING", drops: []reply{truncated}, describes: []reply{lostReply(abortBody), described("DELETING")},
			outcome: OutcomeConfirmed, status: StatusDeleting, requestID: "describe-1", wantDrops: 1, wantDescribes: 2},
		{name: "RUNNING, the drop sent again", drops: []reply{truncated, dropped}, describes: []reply{described("RUNNING")},
			outcome: OutcomeDropped, requestID: "drop-1", wantDrops: 2, wantDescribes: 1},
		{name: "STOPPED is known, the drop sent again", drops: []reply{lostReply(abortBody), dropped}, describes: []reply{described("STOPPED")},
			outcome: OutcomeDropped, requestID: "drop-1", wantDrops: 2, wantDescribes: 1},
		// Describe lagged behind the lost drop: the drop sent again finds
		// the cluster gone.
		{name: "RUNNING, then the drop sent again finds it gone", drops: []reply{truncated, jsonReply(200, envelope(96018))}, describes: []reply{described("RUNNING")},
			outcome: OutcomeConfirmed, requestID: "drop-1", wantDrops: 2, wantDescribes: 1},
		{name: "RUNNING, without retries", drops: []reply{truncated}, describes: []reply{described("RUNNING")}, opts: []Option{WithRetry(1, 0)},
			notDropped: true, lostStatus: StatusRunning, says: "describe then found the cluster RUNNING, so the drop did not happen, and sending it again is safe",
			wantDrops: 1, wantDescribes: 1},
		{name: "RUNNING every time", drops: []reply{truncated}, describes: []reply{described("RUNNING")},
			notDropped: true, lostStatus: StatusRunning, attempts: 3, says: "giving up after 3 attempts", wantDrops: 3, wantDescribes: 3},
		{name: "an unknown status does not tell", drops: []reply{truncated}, describes: []reply{described("ARCHIVING")},
			lostStatus: "ARCHIVING", says: `whether the drop happened is unknown: describe then found the cluster "ARCHIVING", a status that does not tell`,
			wantDrops: 1, wantDescribes: 1},
		{name: "describe fails too", drops: []reply{truncated}, describes: []reply{jsonReply(500, `{"code":500,"message":"boom `+testKey+`"}`)},
			describeErr: true, says: "whether the drop happened is unknown, and describe could not tell: zcdrop: giving up after 3 attempts: zcdrop: api error 500 (http 500): boom REDACTED",
			wantDrops: 1, wantDescribes: 3},
		{name: "describe refused", drops: []reply{lostReply(closeConn)}, describes: []reply{jsonReply(401, `{"code":21119,"message":"The apikey is illegal."}`)},
			describeErr: true, says: "describe could not tell: zcdrop: api error 21119 (http 401)", wantDrops: 1, wantDescribes: 1},
		{name: "check off", drops: []reply{truncated}, opts: []Option{WithOutcomeCheck(false)},
			says: "whether the drop happened is unknown (the cluster was not described)", wantDrops: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, seen := lifecycleServer(t, tt.drops, tt.describes)
			c, _ := newTestClient(t, srv, tt.opts...)
			res, err := c.DropCluster(context.Background(), "in01-abc")
			if seen.drops.Load() != tt.wantDrops || seen.describes.Load() != tt.wantDescribes {
				t.Errorf("%d drops and %d describes, want %d and %d", seen.drops.Load(), seen.describes.Load(), tt.wantDrops, tt.wantDescribes)
			}
			if tt.outcome != "" {
				if err != nil {
					t.Fatalf("got %v, want outcome %s", err, tt.outcome)
				}
				if res.Outcome != tt.outcome || res.Status != tt.status || res.RequestID != tt.requestID || res.ClusterID != "in01-abc" {
					t.Errorf("got %+v, want outcome %s, status %q, request id %s", *res, tt.outcome, tt.status, tt.requestID)
				}
				return
			}
			var lost *LostAnswerError
			if !errors.As(err, &lost) {
				t.Fatalf("got %v, %v; want a *LostAnswerError", res, err)
			}
			if lost.NotDropped != tt.notDropped || lost.Status != tt.lostStatus || (lost.DescribeErr != nil) != tt.describeErr || lost.ClusterID != "in01-abc" {
				t.Errorf("got %+v, want NotDropped %v, Status %q, a DescribeErr: %v", *lost, tt.notDropped, tt.lostStatus, tt.describeErr)
			}
			var retryErr *RetryError
			if got := errors.As(err, &retryErr); got != (tt.attempts > 0) || (got && retryErr.Attempts != tt.attempts) {
				t.Errorf("got %v, want a *RetryError after %d attempts", err, tt.attempts)
			}
			if !strings.Contains(err.Error(), tt.says) || strings.Contains(err.Error(), testKey) {
				t.Errorf("error %q does not say %q, or leaks the key", err, tt.says)
			}
			// The drop's own error is still there for callers to sort: a
			// describe's failure never passes for the drop's.
			var unexpected *UnexpectedResponseError
			if errors.As(err, &unexpected) != (tt.drops[0].fault == noFault) || errors.Is(err, ErrServer) || errors.Is(err, ErrUnauthorized) {
				t.Errorf("errors.As/Is see the wrong errors in %v", err)
			}
		})
	}
}

// TestUnsentDropIsNotLost: a drop that never left (no server to dial) did
// not happen, so nothing asks describe what became of it.
func TestUnsentDropIsNotLost(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close()
	rt := &countingTransport{}
	c, _ := newTestClient(t, srv, WithTransport(rt))
	_, err := c.DropCluster(context.Background(), "in01-abc")
	var lost *LostAnswerError
	if err == nil || errors.As(err, &lost) {
		t.Fatalf("got %v, want a dial error, not a lost answer", err)
	}
	if rt.n.Load() != 1 {
		t.Errorf("%d requests tried, want 1: the drop, and no describe", rt.n.Load())
	}
}

// TestLostAnswerWhenContextEnds: when ctx ends while the drop's answer is
// awaited, nothing is described, since describe could not be sent either,
// and the error says so, and matches ctx's.
func TestLostAnswerWhenContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The drop's handler cancels the caller's ctx and answers nothing.
	var seen lifecycle
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodDelete {
			seen.describes.Add(1)
			return
		}
		seen.drops.Add(1)
		cancel()
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	c, _ := newTestClient(t, srv)
	_, err := c.DropCluster(ctx, "in01-abc")
	var lost *LostAnswerError
	if !errors.As(err, &lost) || !errors.Is(err, context.Canceled) || !errors.Is(lost.DescribeErr, context.Canceled) {
		t.Fatalf("got %v, want a *LostAnswerError matching context.Canceled, describe not asked", err)
	}
	if !strings.Contains(err.Error(), "describe could not tell: zcdrop: describe cluster in01-abc: not asked: context canceled") {
		t.Errorf("error %q does not say describe was not asked", err)
	}
	if seen.drops.Load() != 1 || seen.describes.Load() != 0 {
		t.Errorf("%d drops and %d describes, want 1 and 0", seen.drops.Load(), seen.describes.Load())
	}
}

func TestEnsureDropped(t *testing.T) {
	tests := []struct {
		name      string
		drops     []reply
		describes []reply
		outcome   Outcome
		requestID string
		err       error // the sentinel of the error; nil for a success
	}{
		{name: "dropped", drops: []reply{dropped}, outcome: OutcomeDropped, requestID: "drop-0"},
		{name: "96018 is already gone", drops: []reply{jsonReply(200, envelope(96018))}, outcome: OutcomeAlreadyGone, requestID: "drop-0"},
		{name: "80020 is already gone", drops: []reply{jsonReply(200, envelope(80020))}, outcome: OutcomeAlreadyGone, requestID: "drop-0"},
		{name: "404 with 96018 is already gone", drops: []reply{jsonReply(404, envelope(96018))}, outcome: OutcomeAlreadyGone, requestID: "drop-0"},
		{name: "a lost answer, then not found, is confirmed", drops: []reply{truncated}, describes: []reply{jsonReply(200, envelope(96018))}, outcome: OutcomeConfirmed, requestID: "describe-0"},
		// A server that failed has not judged the cluster.
		{name: "500 with 96018 is an error", drops: []reply{jsonReply(500, envelope(96018))}, err: ErrServer},
		{name: "401 is an error", drops: []reply{jsonReply(401, envelope(21119))}, err: ErrUnauthorized},
		{name: "96014 is an error", drops: []reply{jsonReply(200, envelope(96014))}, err: ErrPermissionDenied},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := lifecycleServer(t, tt.drops, tt.describes)
			c, _ := newTestClient(t, srv)
			res, err := c.EnsureDropped(context.Background(), "in01-abc")
			if tt.err != nil {
				if !errors.Is(err, tt.err) || res != nil {
					t.Fatalf("got %+v, %v; want %v", res, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.Outcome != tt.outcome || res.RequestID != tt.requestID || res.ClusterID != "in01-abc" {
				t.Errorf("got %+v, want outcome %s, request id %s", *res, tt.outcome, tt.requestID)
			}
		})
	}
}

// TestDropClusterStillSaysNotFound: without EnsureDropped, 96018 is
// ErrClusterNotFound, as it always was.
func TestDropClusterStillSaysNotFound(t *testing.T) {
	srv, _ := lifecycleServer(t, []reply{jsonReply(200, envelope(96018))}, nil)
	c, _ := newTestClient(t, srv)
	res, err := c.DropCluster(context.Background(), "in01-abc")
	if !errors.Is(err, ErrClusterNotFound) || res != nil {
		t.Fatalf("got %+v, %v; want ErrClusterNotFound", res, err)
	}
}

// TestResentDropIsPaced: the drop sent again after describe showed RUNNING
// waits for nothing but the drop endpoint's limiter, which the describe
// in between does not use.
func TestResentDropIsPaced(t *testing.T) {
	srv, _ := lifecycleServer(t, []reply{truncated, dropped}, []reply{described("RUNNING")})
	c, clk := newTestClient(t, srv)
	if _, err := c.DropCluster(context.Background(), "in01-abc"); err != nil {
		t.Fatal(err)
	}
	if want := []time.Duration{time.Second / DefaultRateLimit}; !slices.Equal(clk.Sleeps(), want) {
		t.Errorf("waited %v, want %v", clk.Sleeps(), want)
	}
}
