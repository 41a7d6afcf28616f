package mock

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zcdrop/zcdrop/api"
	"github.com/zcdrop/zcdrop/conformance"
	"github.com/zcdrop/zcdrop/internal/clock/clocktest"
)

const (
	dedicatedID  = "in01-6183d6bac30f801"
	serverlessID = "in05-8a6e4c5d1f2b3a4"
	freeID       = "in03-2c4e6a8b0d1f3e5"
	onDemandID   = "in-0a1b2c3d4e5f6a7"
	unknownID    = "in01-000000000000000"

	keyAll    = "mock-key-all-0123456789"
	keyScoped = "mock-key-scoped-0123456789" // may touch serverlessID only
)

// seeded are the options of every test server unless a test says otherwise.
func seeded(extra ...Option) []Option {
	return append([]Option{
		WithClusters(dedicatedID, serverlessID, freeID, onDemandID),
		WithAPIKey(keyAll),
		WithAPIKey(keyScoped, serverlessID),
	}, extra...)
}

// isBodyNotJSON reports the violation of an answer whose body does not parse.
func isBodyNotJSON(v conformance.Violation) bool {
	return v.Kind == conformance.KindResponse && strings.HasPrefix(v.Message, "body is not valid JSON")
}

// testEpoch is when the fake clock of a test starts.
var testEpoch = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// withSleep makes the Server wait for its latency on clk, which returns at
// once.
func withSleep(clk *clocktest.Clock) Option {
	return func(s *Server) error {
		s.sleep = clk.Sleep
		return nil
	}
}

func dropPath(id string) string { return "/v2/clusters/" + id + "/drop" }

func describePath(id string) string { return "/v2/clusters/" + id }

func bearer(key string) string { return "Bearer " + key }

func TestDropScenarios(t *testing.T) {
	tests := []struct {
		name       string
		before     []call // sent first, answers unchecked
		call       call
		wantStatus int
		wantCode   int64
		wantMsg    string // the error message, when the mock chooses it
		wantAllow  string // the Allow header of a 405
		wantDrop   string // the cluster that must now be DELETING
	}{
		{name: "drop dedicated", call: call{path: dropPath(dedicatedID), auth: bearer(keyAll)},
			wantStatus: 200, wantCode: 0, wantDrop: dedicatedID},
		{name: "drop serverless", call: call{path: dropPath(serverlessID), auth: bearer(keyAll)},
			wantStatus: 200, wantCode: 0, wantDrop: serverlessID},
		{name: "drop free", call: call{path: dropPath(freeID), auth: bearer(keyAll)},
			wantStatus: 200, wantCode: 0, wantDrop: freeID},
		{name: "drop on-demand", call: call{path: dropPath(onDemandID), auth: bearer(keyAll)},
			wantStatus: 200, wantCode: 0, wantDrop: onDemandID},
		{name: "lowercase bearer scheme", call: call{path: dropPath(dedicatedID), auth: "bearer " + keyAll},
			wantStatus: 200, wantCode: 0, wantDrop: dedicatedID},
		{name: "accept json", call: call{path: dropPath(dedicatedID), auth: bearer(keyAll), header: http.Header{"Accept": {"application/json"}}},
			wantStatus: 200, wantCode: 0, wantDrop: dedicatedID},
		// The spec does not refuse a repeated Accept header, but the
		// generated handler cannot bind it; the answer is still the envelope.
		{name: "accept twice", call: call{path: dropPath(dedicatedID), auth: bearer(keyAll), header: http.Header{"Accept": {"application/json", "application/json"}}},
			wantStatus: 400, wantCode: 400, wantMsg: "The request does not conform to the Drop Cluster operation."},
		{name: "bad key beats unbound accept", call: call{path: dropPath(dedicatedID), header: http.Header{"Accept": {"application/json", "application/json"}}, breaksSpec: true},
			wantStatus: 401, wantCode: codeIllegalAPIKey},
		{name: "scoped key in scope", call: call{path: dropPath(serverlessID), auth: bearer(keyScoped)},
			wantStatus: 200, wantCode: 0, wantDrop: serverlessID},
		{name: "scoped key out of scope", call: call{path: dropPath(dedicatedID), auth: bearer(keyScoped)},
			wantStatus: 200, wantCode: codeNoKeyScope},
		{name: "scoped key on unknown cluster", call: call{path: dropPath(unknownID), auth: bearer(keyScoped)},
			wantStatus: 200, wantCode: codeNoKeyScope},
		{name: "unknown cluster", call: call{path: dropPath(unknownID), auth: bearer(keyAll)},
			wantStatus: 200, wantCode: codeClusterNotFound},
		{name: "second drop", before: []call{{path: dropPath(dedicatedID), auth: bearer(keyAll)}},
			call:       call{path: dropPath(dedicatedID), auth: bearer(keyAll)},
			wantStatus: 200, wantCode: codeClusterNotFound, wantDrop: dedicatedID},
		{name: "unknown key", call: call{path: dropPath(dedicatedID), auth: bearer("mock-key-unknown")},
			wantStatus: 401, wantCode: codeIllegalAPIKey},
		{name: "no authorization", call: call{path: dropPath(dedicatedID), breaksSpec: true},
			wantStatus: 401, wantCode: codeIllegalAPIKey},
		{name: "basic scheme", call: call{path: dropPath(dedicatedID), auth: "Basic " + keyAll, breaksSpec: true},
			wantStatus: 401, wantCode: codeIllegalAPIKey},
		{name: "bearer without key", call: call{path: dropPath(dedicatedID), auth: "Bearer ", breaksSpec: true},
			wantStatus: 401, wantCode: codeIllegalAPIKey},
		{name: "bad key beats bad ID", call: call{path: dropPath(".."), breaksSpec: true},
			wantStatus: 401, wantCode: codeIllegalAPIKey},
		{name: "bad key beats empty ID", call: call{path: dropPath(""), auth: bearer("mock-key-unknown"), breaksSpec: true},
			wantStatus: 401, wantCode: codeIllegalAPIKey},
		{name: "empty ID", call: call{path: dropPath(""), auth: bearer(keyAll), breaksSpec: true},
			wantStatus: 200, wantCode: codeEmptyClusterID},
		{name: "uppercase ID", call: call{path: dropPath("IN01-6183D6BAC30F801"), auth: bearer(keyAll), breaksSpec: true},
			wantStatus: 200, wantCode: codeInvalidClusterID},
		{name: "placeholder ID", call: call{path: dropPath("inxx-xxxxxxxxxxxxxxx"), auth: bearer(keyAll), breaksSpec: true},
			wantStatus: 200, wantCode: codeInvalidClusterID},
		{name: "dot-dot ID", call: call{path: dropPath(".."), auth: bearer(keyAll), breaksSpec: true},
			wantStatus: 200, wantCode: codeInvalidClusterID},
		{name: "dot ID", call: call{path: dropPath("."), auth: bearer(keyAll), breaksSpec: true},
			wantStatus: 200, wantCode: codeInvalidClusterID},
		{name: "encoded slash", call: call{path: dropPath("in01-a%2F..%2F" + dedicatedID), auth: bearer(keyAll), breaksSpec: true},
			wantStatus: 200, wantCode: codeInvalidClusterID},
		{name: "encoded space", call: call{path: dropPath("in01-a%20b"), auth: bearer(keyAll), breaksSpec: true},
			wantStatus: 200, wantCode: codeInvalidClusterID},
		{name: "over-long ID", call: call{path: dropPath("in01-" + strings.Repeat("a", 60)), auth: bearer(keyAll), breaksSpec: true},
			wantStatus: 200, wantCode: codeInvalidClusterID},
		{name: "request body", call: call{path: dropPath(dedicatedID), auth: bearer(keyAll), body: `{"clusterId":"x"}`, breaksSpec: true},
			wantStatus: 400, wantCode: 400, wantMsg: "The Drop Cluster operation takes no request body."},
		{name: "query string", call: call{path: dropPath(dedicatedID) + "?clusterId=x", auth: bearer(keyAll), breaksSpec: true},
			wantStatus: 400, wantCode: 400, wantMsg: "The Drop Cluster operation takes no query parameters."},
		{name: "empty query string", call: call{path: dropPath(dedicatedID) + "?=", auth: bearer(keyAll), breaksSpec: true},
			wantStatus: 400, wantCode: 400, wantMsg: "The Drop Cluster operation takes no query parameters."},
		{name: "query string and body", call: call{path: dropPath(dedicatedID) + "?force=true", auth: bearer(keyAll), body: "force", breaksSpec: true},
			wantStatus: 400, wantCode: 400, wantMsg: "The Drop Cluster operation takes no query parameters and no request body."},
		{name: "POST on drop path", call: call{method: http.MethodPost, path: dropPath(dedicatedID), auth: bearer(keyAll), breaksSpec: true},
			wantStatus: 405, wantCode: 405, wantAllow: http.MethodDelete},
		{name: "GET on drop path", call: call{method: http.MethodGet, path: dropPath(dedicatedID), auth: bearer(keyAll), breaksSpec: true},
			wantStatus: 405, wantCode: 405, wantAllow: http.MethodDelete},
		// Without /drop, the path is Describe Cluster's, which takes GET.
		{name: "DELETE on describe path", call: call{path: describePath(dedicatedID), auth: bearer(keyAll), breaksSpec: true},
			wantStatus: 405, wantCode: 405, wantAllow: http.MethodGet},
		{name: "drop path with a trailing slash", call: call{path: dropPath(dedicatedID) + "/", auth: bearer(keyAll), breaksSpec: true},
			wantStatus: 404, wantCode: 404},
		{name: "collapsed dot-dot path", call: call{path: "/v2/drop", auth: bearer(keyAll), breaksSpec: true},
			wantStatus: 404, wantCode: 404},
		{name: "extra segment", call: call{path: "/v2/clusters/in01-a/../drop", auth: bearer(keyAll), breaksSpec: true},
			wantStatus: 404, wantCode: 404},
		{name: "v1 path", call: call{path: "/v1/clusters/" + dedicatedID + "/drop", auth: bearer(keyAll), breaksSpec: true},
			wantStatus: 404, wantCode: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client, srv := startMock(t, seeded()...)
			for _, c := range tt.before {
				if _, err := client.do(t.Context(), c); err != nil {
					t.Fatal(err)
				}
			}
			got, err := client.do(t.Context(), tt.call)
			if err != nil {
				t.Fatal(err)
			}
			if got.status != tt.wantStatus || got.code != tt.wantCode {
				t.Errorf("got HTTP %d code %d (%q), want HTTP %d code %d", got.status, got.code, got.message, tt.wantStatus, tt.wantCode)
			}
			if got.header.Get("requestid") == "" {
				t.Error("no requestid header")
			}
			if tt.wantCode == 0 {
				if got.clusterID != tt.wantDrop || got.prompt != DropPrompt {
					t.Errorf("data = {%q, %q}, want {%q, DropPrompt}", got.clusterID, got.prompt, tt.wantDrop)
				}
			} else if got.message == "" {
				t.Error("error envelope without a message")
			}
			if tt.wantMsg != "" && got.message != tt.wantMsg {
				t.Errorf("message %q, want %q", got.message, tt.wantMsg)
			}
			if got.header.Get("Allow") != tt.wantAllow {
				t.Errorf("Allow = %q, want %q", got.header.Get("Allow"), tt.wantAllow)
			}
			for _, id := range []string{dedicatedID, serverlessID, freeID, onDemandID} {
				want := StatusRunning
				if id == tt.wantDrop {
					want = StatusDeleting
				}
				if c, _ := srv.Cluster(id); c.Status != want {
					t.Errorf("%s is %s, want %s", id, c.Status, want)
				}
			}
		})
	}
}

func TestRequestIDsDiffer(t *testing.T) {
	client, _ := startMock(t, seeded()...)
	seen := map[string]bool{}
	for range 3 {
		a, err := client.do(t.Context(), call{path: dropPath(unknownID), auth: bearer(keyAll)})
		if err != nil {
			t.Fatal(err)
		}
		seen[a.header.Get("requestid")] = true
	}
	if len(seen) != 3 {
		t.Errorf("3 requests got %d distinct request IDs", len(seen))
	}
}

func TestDropLifecycle(t *testing.T) {
	clk := clocktest.New(testEpoch)
	client, srv := startMock(t, seeded(WithClock(clk.Now), WithDeleteDelay(time.Minute), WithPurgeDelay(time.Hour))...)

	if c, ok := srv.Cluster(freeID); !ok || c != (Cluster{ID: freeID, Plan: PlanFree, Status: StatusRunning}) {
		t.Fatalf("Cluster(%s) = %+v, %v", freeID, c, ok)
	}
	a, err := client.do(t.Context(), call{path: dropPath(freeID), auth: bearer(keyAll)})
	if err != nil || a.code != 0 {
		t.Fatalf("drop: %+v, %v", a, err)
	}
	steps := []struct {
		advance time.Duration
		want    Status
	}{
		{0, StatusDeleting},
		{time.Minute - time.Nanosecond, StatusDeleting},
		{time.Nanosecond, StatusDeleted},
		{time.Hour - time.Nanosecond, StatusDeleted},
		{time.Nanosecond, StatusPurged},
		{100 * 365 * 24 * time.Hour, StatusPurged},
	}
	for _, step := range steps {
		clk.Advance(step.advance)
		if c, ok := srv.Cluster(freeID); !ok || c.Status != step.want {
			t.Errorf("after %v more: status %s, %v; want %s", step.advance, c.Status, ok, step.want)
		}
		// Every status after the first drop refuses a second one.
		a, err = client.do(t.Context(), call{path: dropPath(freeID), auth: bearer(keyAll)})
		if err != nil || a.code != codeClusterNotFound {
			t.Errorf("drop of a %s cluster: %+v, %v; want code %d", step.want, a, err, codeClusterNotFound)
		}
	}
	if _, ok := srv.Cluster(unknownID); ok {
		t.Error("Cluster reports a cluster that was never seeded")
	}
}

// Delays as long as a time.Duration holds do not overflow into an early
// purge: each is added to the time of the drop on its own.
func TestLongDelaysDoNotOverflow(t *testing.T) {
	const forever = time.Duration(1<<63 - 1)
	clk := clocktest.New(testEpoch)
	client, srv := startMock(t, seeded(WithClock(clk.Now), WithDeleteDelay(forever), WithPurgeDelay(forever))...)
	if a, err := client.do(t.Context(), call{path: dropPath(freeID), auth: bearer(keyAll)}); err != nil || a.code != 0 {
		t.Fatalf("drop: %+v, %v", a, err)
	}
	clk.Advance(forever / 2)
	if c, _ := srv.Cluster(freeID); c.Status != StatusDeleting {
		t.Errorf("status %s, want DELETING for as long as the delete delay", c.Status)
	}
}

func TestPlans(t *testing.T) {
	tests := []struct {
		id   string
		want Plan
	}{
		{dedicatedID, PlanDedicated},
		{serverlessID, PlanServerless},
		{freeID, PlanFree},
		{onDemandID, PlanDedicated},
		{"in02-abc", PlanDedicated},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			srv, err := New(WithClusters(tt.id))
			if err != nil {
				t.Fatal(err)
			}
			if c, _ := srv.Cluster(tt.id); c.Plan != tt.want {
				t.Errorf("plan %q, want %q", c.Plan, tt.want)
			}
		})
	}
}

func TestRateLimit(t *testing.T) {
	clk := clocktest.New(testEpoch)
	client, _ := startMock(t, seeded(WithClock(clk.Now))...)
	send := func(key string) answer {
		t.Helper()
		a, err := client.do(t.Context(), call{path: dropPath(unknownID), auth: bearer(key)})
		if err != nil {
			t.Fatal(err)
		}
		if a.header.Get("requestid") == "" {
			t.Error("no requestid header")
		}
		return a
	}
	for i := range DefaultRateLimit {
		if a := send(keyAll); a.status != http.StatusOK || a.code != codeClusterNotFound {
			t.Fatalf("request %d within the limit: HTTP %d code %d", i+1, a.status, a.code)
		}
	}
	a := send(keyAll)
	if a.status != http.StatusTooManyRequests || a.code != http.StatusTooManyRequests || a.header.Get("Retry-After") != "1" {
		t.Errorf("request past the limit: HTTP %d code %d Retry-After %q; want 429, 429, 1", a.status, a.code, a.header.Get("Retry-After"))
	}
	if a := send(keyScoped); a.status != http.StatusOK {
		t.Errorf("another key shares the limit: HTTP %d", a.status)
	}
	clk.Advance(time.Second / DefaultRateLimit)
	if a := send(keyAll); a.status != http.StatusOK {
		t.Errorf("after one token's time: HTTP %d, want 200", a.status)
	}
	if a := send(keyAll); a.status != http.StatusTooManyRequests {
		t.Errorf("token spent again: HTTP %d, want 429", a.status)
	}
}

func TestRateLimitOptions(t *testing.T) {
	tests := []struct {
		name      string
		perSecond int
		sends     int
		want429   bool
	}{
		{name: "custom limit reached", perSecond: 2, sends: 3, want429: true},
		{name: "custom limit not reached", perSecond: 2, sends: 2},
		{name: "zero turns it off", perSecond: 0, sends: 3 * DefaultRateLimit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := clocktest.New(testEpoch)
			client, _ := startMock(t, seeded(WithClock(clk.Now), WithRateLimit(tt.perSecond))...)
			last := 0
			for range tt.sends {
				a, err := client.do(t.Context(), call{path: dropPath(unknownID), auth: bearer(keyAll)})
				if err != nil {
					t.Fatal(err)
				}
				last = a.status
			}
			if got := last == http.StatusTooManyRequests; got != tt.want429 {
				t.Errorf("last answer HTTP %d, want 429: %v", last, tt.want429)
			}
		})
	}
}

func TestFaults(t *testing.T) {
	tests := []struct {
		name  string
		fault Fault
		// check inspects the faulty exchange.
		check func(t *testing.T, a answer, err error)
		// dropped says whether the drop behind the fault took effect.
		dropped bool
	}{
		{
			name:  "status with envelope",
			fault: Fault{Kind: FaultStatus, StatusCode: http.StatusServiceUnavailable, Times: 2},
			check: func(t *testing.T, a answer, err error) {
				if err != nil || a.status != 503 || a.code != 503 || a.message == "" {
					t.Errorf("got %+v, %v; want HTTP 503 with the envelope", a, err)
				}
			},
		},
		{
			name:  "4xx status",
			fault: Fault{Kind: FaultStatus, StatusCode: http.StatusForbidden, Times: 1},
			check: func(t *testing.T, a answer, err error) {
				if err != nil || a.status != 403 || a.code != 403 {
					t.Errorf("got %+v, %v; want HTTP 403 with the envelope", a, err)
				}
			},
		},
		{
			name:  "401 status",
			fault: Fault{Kind: FaultStatus, StatusCode: http.StatusUnauthorized, Times: 1},
			check: func(t *testing.T, a answer, err error) {
				if err != nil || a.status != 401 || a.code != codeIllegalAPIKey || a.message != "The apikey is illegal." {
					t.Errorf("got %+v, %v; want HTTP 401 code %d as the real API refuses a key", a, err, codeIllegalAPIKey)
				}
			},
		},
		{
			name:  "html 502",
			fault: Fault{Kind: FaultBadGatewayHTML, Times: 2},
			check: func(t *testing.T, a answer, err error) {
				if err != nil || a.status != 502 || a.header.Get("Content-Type") != "text/html" {
					t.Errorf("got %+v, %v; want HTTP 502 text/html", a, err)
				}
			},
		},
		{
			name:  "truncated json",
			fault: Fault{Kind: FaultTruncatedJSON, Times: 1},
			check: func(t *testing.T, _ answer, err error) {
				var verr *conformance.ViolationError
				if !errors.As(err, &verr) || verr.StatusCode != http.StatusOK || !slices.ContainsFunc(verr.Violations, isBodyNotJSON) {
					t.Errorf("got %v; want ModeEnforce to refuse HTTP 200 for a body that is not valid JSON", err)
				}
			},
			dropped: true,
		},
		{
			name:  "abort mid-body",
			fault: Fault{Kind: FaultAbortMidBody, Times: 1},
			check: func(t *testing.T, _ answer, err error) {
				var verr *conformance.ViolationError
				if !errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &verr) {
					t.Errorf("got %v; want ModeEnforce to fail reading the body with an unexpected EOF", err)
				}
			},
			dropped: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client, srv := startMock(t, seeded(WithFault(tt.fault))...)
			for i := range tt.fault.Times {
				a, err := client.do(t.Context(), call{path: dropPath(dedicatedID), auth: bearer(keyAll)})
				tt.check(t, a, err)
				if err == nil && a.header.Get("requestid") == "" {
					t.Errorf("faulty answer %d has no requestid header", i+1)
				}
			}
			if c, _ := srv.Cluster(dedicatedID); (c.Status == StatusDeleting) != tt.dropped {
				t.Errorf("after the fault the cluster is %s; dropped should be %v", c.Status, tt.dropped)
			}
			// The fault is spent: the next call gets the real answer.
			a, err := client.do(t.Context(), call{path: dropPath(dedicatedID), auth: bearer(keyAll)})
			wantCode := int64(0)
			if tt.dropped {
				wantCode = codeClusterNotFound
			}
			if err != nil || a.status != http.StatusOK || a.code != wantCode || a.header.Get("requestid") == "" {
				t.Errorf("after the fault: %+v, %v; want HTTP 200 code %d", a, err, wantCode)
			}
		})
	}
}

// Outside net/http's server, nothing recovers the panic that aborts the
// answer: a caller of ServeHTTP sees http.ErrAbortHandler, after the status,
// the full Content-Length and half of the body.
func TestAbortMidBodyPanicsInAPlainHandler(t *testing.T) {
	srv, err := New(seeded(WithFault(Fault{Kind: FaultAbortMidBody, Times: 1}))...)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequestWithContext(t.Context(), http.MethodDelete, dropPath(dedicatedID), nil)
	req.Header.Set("Authorization", bearer(keyAll))
	rec := httptest.NewRecorder()
	func() {
		defer func() {
			if got := recover(); got != http.ErrAbortHandler {
				t.Errorf("ServeHTTP panicked with %v; want http.ErrAbortHandler", got)
			}
		}()
		srv.ServeHTTP(rec, req)
	}()
	full, err := strconv.Atoi(rec.Header().Get("Content-Length"))
	if err != nil || rec.Code != http.StatusOK || rec.Body.Len() != full/2 {
		t.Errorf("recorded HTTP %d, %d of %q bytes; want 200 and half of the Content-Length", rec.Code, rec.Body.Len(), rec.Header().Get("Content-Length"))
	}
	if c, _ := srv.Cluster(dedicatedID); c.Status != StatusDeleting {
		t.Errorf("status %s, want DELETING: the drop takes effect", c.Status)
	}
}

func TestFaultsQueueInOrder(t *testing.T) {
	client, srv := startMock(t, seeded(WithFault(Fault{Kind: FaultStatus, StatusCode: 500, Times: 1}))...)
	if err := srv.InjectFault(Fault{Kind: FaultStatus, StatusCode: 429, Times: 1}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []int{500, 429, 200} {
		a, err := client.do(t.Context(), call{path: dropPath(dedicatedID), auth: bearer(keyAll)})
		if err != nil || a.status != want {
			t.Errorf("got %+v, %v; want HTTP %d", a, err, want)
		}
	}
}

func TestLatency(t *testing.T) {
	t.Run("answers after the delay", func(t *testing.T) {
		clk := clocktest.New(testEpoch)
		client, srv := startMock(t, seeded(WithLatency(time.Hour), withSleep(clk))...)
		a, err := client.do(t.Context(), call{path: dropPath(dedicatedID), auth: bearer(keyAll)})
		if err != nil || a.status != 200 || a.code != 0 {
			t.Errorf("got %+v, %v; want a successful drop", a, err)
		}
		if c, _ := srv.Cluster(dedicatedID); c.Status != StatusDeleting {
			t.Errorf("status %s, want DELETING", c.Status)
		}
		if got := clk.Sleeps(); !slices.Equal(got, []time.Duration{time.Hour}) {
			t.Errorf("waited %v, want [1h]", got)
		}
	})
	t.Run("server stops during the delay", func(t *testing.T) {
		// The fake clock returns at once whether or not the wait heeds the
		// request's context, so a wait that ignores it fails this test at
		// once instead of hanging it.
		clk := clocktest.New(testEpoch)
		srv, err := New(seeded(WithLatency(time.Hour), withSleep(clk))...)
		if err != nil {
			t.Fatal(err)
		}
		// As in `zcdrop mock`, requests see the server's base context; here
		// it has already ended, as it does when the mock is told to stop.
		stopped, stop := context.WithCancel(t.Context())
		stop()
		ts := httptest.NewUnstartedServer(srv)
		ts.Config.BaseContext = func(net.Listener) context.Context { return stopped }
		ts.Start()
		t.Cleanup(ts.Close)
		a, err := newTestClient(t, ts).do(t.Context(), call{path: dropPath(dedicatedID), auth: bearer(keyAll)})
		if err != nil || a.status != http.StatusServiceUnavailable || a.code != http.StatusServiceUnavailable || a.message == "" || a.header.Get("requestid") == "" {
			t.Errorf("got %+v, %v; want HTTP 503 code 503 with a message and a requestid", a, err)
		}
		if c, _ := srv.Cluster(dedicatedID); c.Status != StatusRunning {
			t.Errorf("a cancelled request dropped the cluster: %s", c.Status)
		}
		if got := clk.Sleeps(); len(got) != 0 {
			t.Errorf("waited %v on a context that had ended", got)
		}
	})
}

// patternMux records what the generated code registers on its router.
type patternMux struct {
	http.ServeMux
	patterns []string
}

func (m *patternMux) HandleFunc(pattern string, _ func(http.ResponseWriter, *http.Request)) {
	m.patterns = append(m.patterns, pattern)
}

// boundOperation records which operation the generated code called, and
// what it bound.
type boundOperation struct {
	called string // the operation's ID
	id     api.ClusterId
}

func (b *boundOperation) DropCluster(_ http.ResponseWriter, _ *http.Request, id api.ClusterId, _ api.DropClusterParams) {
	b.called, b.id = "DropCluster", id
}

func (b *boundOperation) DescribeCluster(_ http.ResponseWriter, _ *http.Request, id api.ClusterId, _ api.DescribeClusterParams) {
	b.called, b.id = "DescribeCluster", id
}

// The router matches the operations' paths by hand, in place of net/http's
// ServeMux. It must serve the patterns that the generated code registers,
// and bind the same operation and clusterId as ServeMux wherever ServeMux
// routes without a redirect.
func TestRouterAgreesWithServeMux(t *testing.T) {
	mux := &patternMux{}
	api.HandlerWithOptions(&boundOperation{}, api.StdHTTPServerOptions{BaseRouter: mux})
	want := []string{dropPattern, describePattern}
	if got := slices.Sorted(slices.Values(mux.patterns)); !slices.Equal(got, slices.Sorted(slices.Values(want))) {
		t.Fatalf("the generated code registers %q; the router serves %q", mux.patterns, want)
	}
	tests := []struct{ method, path string }{
		{http.MethodDelete, dropPath(dedicatedID)},
		{http.MethodDelete, dropPath("in01-%61bc")},
		{http.MethodDelete, dropPath("in01-a%2Fb")},
		{http.MethodDelete, dropPath("in01-a%20b")},
		{http.MethodDelete, dropPath("IN01-X")},
		{http.MethodPost, dropPath(dedicatedID)},
		{http.MethodGet, dropPath(dedicatedID)},
		{http.MethodDelete, "/v2/clusters/a/b/drop"},
		{http.MethodDelete, "/v1/clusters/" + dedicatedID + "/drop"},
		{http.MethodGet, describePath(dedicatedID)},
		{http.MethodGet, describePath("in01-%61bc")},
		{http.MethodGet, describePath("in01-a%2Fb")},
		{http.MethodGet, describePath("in01-a%20b")},
		{http.MethodGet, describePath("IN01-X")},
		{http.MethodGet, describePath("drop")},
		{http.MethodDelete, describePath(dedicatedID)},
		{http.MethodPost, describePath(dedicatedID)},
		{http.MethodGet, describePath(dedicatedID) + "/"},
		{http.MethodGet, describePath("a/b")},
		{http.MethodGet, "/v2/clusters"},
		{http.MethodGet, "/v2/clusters/"},
		{http.MethodGet, "/v1/clusters/" + dedicatedID},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			var byMux, byRouter boundOperation
			api.Handler(&byMux).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(tt.method, tt.path, nil))
			api.HandlerWithOptions(&byRouter, api.StdHTTPServerOptions{BaseRouter: &router{}}).
				ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(tt.method, tt.path, nil))
			if byRouter != byMux {
				t.Errorf("router bound %+v; ServeMux bound %+v", byRouter, byMux)
			}
		})
	}
}

// Where the router departs from ServeMux, on purpose: ServeMux serves HEAD
// with a GET pattern, but the spec declares no HEAD, so the mock refuses it
// as it refuses any other method, with 405 and the envelope.
func TestRouterRefusesHead(t *testing.T) {
	var byRouter boundOperation
	rec := httptest.NewRecorder()
	api.HandlerWithOptions(&byRouter, api.StdHTTPServerOptions{BaseRouter: &router{}}).
		ServeHTTP(rec, httptest.NewRequest(http.MethodHead, describePath(dedicatedID), nil))
	if byRouter.called != "" || rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != http.MethodGet {
		t.Errorf("HEAD: bound %+v, HTTP %d, Allow %q; want nothing bound, 405 and Allow: GET", byRouter, rec.Code, rec.Header().Get("Allow"))
	}
}

func TestOptionsCheckTheirInput(t *testing.T) {
	longID := "in01-" + strings.Repeat("a", clusterIDMaxLength-4) // 65 bytes
	tests := []struct {
		name    string
		opt     Option
		wantErr string
	}{
		{"malformed cluster ID", WithClusters("in01-ABC"), `mock: WithClusters: cluster ID "in01-ABC" does not match`},
		{"empty cluster ID", WithClusters(""), `mock: WithClusters: cluster ID "" does not match`},
		{"dot-dot cluster ID", WithClusters(".."), `mock: WithClusters: cluster ID ".." does not match`},
		{"placeholder cluster ID", WithClusters("inxx-xxxxxxxxxxxxxxx"), `mock: WithClusters: cluster ID "inxx-xxxxxxxxxxxxxxx" does not match`},
		{"cluster ID with a slash", WithClusters("in01-a/b"), `mock: WithClusters: cluster ID "in01-a/b" does not match`},
		{"cluster ID over 64 bytes", WithClusters(dedicatedID, longID), `mock: WithClusters: cluster ID "in01-aaaaaaaaaaa"... is 65 bytes, longer than the 64`},
		{"duplicate cluster", WithClusters(dedicatedID, dedicatedID), `mock: WithClusters: cluster "` + dedicatedID + `" is seeded twice`},
		{"malformed scope ID", WithAPIKey(keyAll, "IN01-ABC"), `mock: WithAPIKey: scope: cluster ID "IN01-ABC" does not match`},
		{"scope ID over 64 bytes", WithAPIKey(keyAll, longID), `mock: WithAPIKey: scope: cluster ID "in01-aaaaaaaaaaa"... is 65 bytes`},
		{"nil clock", WithClock(nil), "clock must not be nil"},
		{"nil logger", WithLogger(nil), "logger must not be nil"},
		{"negative delete delay", WithDeleteDelay(-time.Second), "delete delay -1s is negative"},
		{"negative purge delay", WithPurgeDelay(-time.Second), "purge delay -1s is negative"},
		{"negative rate limit", WithRateLimit(-1), "rate limit -1 is negative"},
		{"negative latency", WithLatency(-time.Second), "latency -1s is negative"},
		{"status fault below 400", WithFault(Fault{Kind: FaultStatus, StatusCode: 200, Times: 1}), "fault status 200 is not from 400 to 599"},
		{"status fault above 599", WithFault(Fault{Kind: FaultStatus, StatusCode: 600, Times: 1}), "fault status 600 is not from 400 to 599"},
		{"fault without times", WithFault(Fault{Kind: FaultAbortMidBody}), "must hit at least 1 request, not 0"},
		{"unknown fault kind", WithFault(Fault{Kind: 99, Times: 1}), "unknown fault kind FaultKind(99)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.opt)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("New: %v; want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

// Every ID that WithClusters accepts can be dropped through a client that
// enforces the spec, up to the longest.
func TestSeededIDsAreReachable(t *testing.T) {
	for _, id := range []string{
		"in-x", // the shortest the pattern allows
		"in01-" + strings.Repeat("a", clusterIDMaxLength-5), // exactly 64 bytes
		dedicatedID,
	} {
		t.Run(id, func(t *testing.T) {
			client, _ := startMock(t, WithAPIKey(keyAll), WithClusters(id))
			a, err := client.do(t.Context(), call{path: dropPath(id), auth: bearer(keyAll)})
			if err != nil || a.status != http.StatusOK || a.code != 0 || a.clusterID != id {
				t.Errorf("got %+v, %v; want the drop of %s to succeed", a, err, id)
			}
		})
	}
}

// WithAPIKey says what is wrong with a key without quoting it.
func TestAPIKeyErrorsHideTheKey(t *testing.T) {
	tests := []struct {
		name    string
		key     string
		opts    []Option // applied before WithAPIKey(key)
		wantErr string
	}{
		{name: "empty", key: "", wantErr: "mock: WithAPIKey: key is empty"},
		{name: "space", key: "mock-secret key", wantErr: "mock: WithAPIKey: key has whitespace or a control character at byte 11"},
		{name: "leading tab", key: "\tmock-secret-key", wantErr: "at byte 0"},
		{name: "trailing newline", key: "mock-secret-key\n", wantErr: "at byte 15"},
		{name: "NUL", key: "mock-secret\x00key", wantErr: "at byte 11"},
		{name: "DEL", key: "mock-secret\x7fkey", wantErr: "at byte 11"},
		{name: "no-break space", key: "mock-secret\u00a0key", wantErr: "at byte 11"},
		{name: "seeded twice", key: "mock-secret-key-0123456789", opts: []Option{WithAPIKey("mock-secret-key-0123456789")}, wantErr: "mock: WithAPIKey: key is seeded twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(append(tt.opts, WithAPIKey(tt.key))...)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("New: %v; want an error containing %q", err, tt.wantErr)
			}
			// Every key here holds "secret", which no error may show.
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("error %q quotes the key", err)
			}
		})
	}
}

// DropPrompt and the pattern that seeded IDs must match are copies of
// openapi.yaml; they must not drift from it.
func TestConstantsMatchSpec(t *testing.T) {
	spec, err := api.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	param := spec.Components.Parameters["ClusterId"]
	if param == nil {
		t.Fatal("openapi.yaml has no ClusterId parameter")
	}
	schema := param.Value.Schema.Value
	if schema.Pattern != clusterIDPattern.String() {
		t.Errorf("clusterIDPattern %s differs from the ClusterId parameter's pattern %s", clusterIDPattern, schema.Pattern)
	}
	switch {
	case schema.MaxLength == nil:
		t.Errorf("the ClusterId parameter has no maxLength; clusterIDMaxLength is %d", clusterIDMaxLength)
	case *schema.MaxLength != clusterIDMaxLength:
		t.Errorf("clusterIDMaxLength %d differs from the ClusterId parameter's maxLength %d", clusterIDMaxLength, *schema.MaxLength)
	}
	if schema.MinLength > uint64(len("in-x")) {
		t.Errorf("the ClusterId parameter's minLength %d is longer than the pattern's shortest match", schema.MinLength)
	}
	ex := spec.Components.Examples["DroppedDedicated"]
	if ex == nil || ex.Value == nil {
		t.Fatal("openapi.yaml has no DroppedDedicated example")
	}
	raw, err := json.Marshal(ex.Value.Value)
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Data struct {
			Prompt string `json:"prompt"`
		} `json:"data"`
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Fatal(err)
	}
	if body.Data.Prompt != DropPrompt {
		t.Errorf("spec prompt %q\nDropPrompt %q", body.Data.Prompt, DropPrompt)
	}
}
