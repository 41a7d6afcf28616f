package mock

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zcdrop/zcdrop/api"
	"github.com/zcdrop/zcdrop/conformance"
	"github.com/zcdrop/zcdrop/internal/clock/clocktest"
)

// apiClient returns the generated client for tc's mock, over tc's HTTP
// client that enforces the spec: an answer that breaks it comes back as an
// error, so every answer that a test reads through it conforms.
func (tc *testClient) apiClient(t testing.TB) *api.ClientWithResponses {
	t.Helper()
	c, err := api.NewClientWithResponses(tc.baseURL, api.WithHTTPClient(tc.enforcing))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// withKey sends key as the request's Bearer key.
func withKey(key string) api.RequestEditorFn {
	return func(_ context.Context, req *http.Request) error {
		req.Header.Set("Authorization", bearer(key))
		return nil
	}
}

// described is what a describe answered.
type described struct {
	httpStatus int
	code       int32  // the envelope's code, 0 for a success
	clusterID  string // a success's data
	status     string
	plan       string
	requestID  string
	retryAfter string
	html       bool // a text/html answer, which has no envelope
}

// describe describes id with key through the generated client c, and reads
// the answer as the generated code parsed it.
func describe(ctx context.Context, c *api.ClientWithResponses, key, id string) (described, error) {
	res, err := c.DescribeClusterWithResponse(ctx, id, nil, withKey(key))
	if err != nil {
		return described{}, err
	}
	d := described{
		httpStatus: res.StatusCode(),
		requestID:  res.HTTPResponse.Header.Get("requestid"),
		retryAfter: res.HTTPResponse.Header.Get("Retry-After"),
	}
	switch {
	case res.JSON200 != nil:
		failed, err := res.JSON200.AsErrorEnvelope()
		if err != nil {
			return d, err
		}
		if d.code = failed.Code; d.code != 0 {
			return d, nil
		}
		ok, err := res.JSON200.AsDescribeClusterSuccess()
		if err != nil {
			return d, err
		}
		d.clusterID, d.status = ok.Data.ClusterId, ok.Data.Status
		if ok.Data.Plan != nil {
			d.plan = *ok.Data.Plan
		}
	case res.JSON401 != nil:
		d.code = res.JSON401.Code
	case res.JSON4XX != nil:
		d.code = res.JSON4XX.Code
	case res.JSON5XX != nil:
		d.code = res.JSON5XX.Code
	case res.ContentType() == "text/html":
		d.html = true
	default:
		return d, fmt.Errorf("HTTP %d with %q: the generated client parsed nothing", d.httpStatus, res.ContentType())
	}
	return d, nil
}

// dropWith drops id with key through the generated client c and returns
// the answer's code: 0 for a success.
func dropWith(ctx context.Context, c *api.ClientWithResponses, key, id string) (int32, error) {
	res, err := c.DropClusterWithResponse(ctx, id, nil, withKey(key))
	switch {
	case err != nil:
		return 0, err
	case res.JSON200 == nil:
		return 0, fmt.Errorf("drop: HTTP %d %s", res.StatusCode(), res.Body)
	}
	failed, err := res.JSON200.AsErrorEnvelope()
	return failed.Code, err
}

// Describe Cluster follows a cluster through its life: RUNNING, a drop,
// DELETING for the delete delay, DELETED for the purge delay, then 96018.
// Every answer goes through the generated client and ModeEnforce.
func TestDescribeLifecycle(t *testing.T) {
	clk := clocktest.New(testEpoch)
	tc, srv := startMock(t, seeded(WithClock(clk.Now), WithDeleteDelay(time.Minute), WithPurgeDelay(time.Hour))...)
	client := tc.apiClient(t)
	steps := []struct {
		name       string
		advance    time.Duration
		drop       bool   // drop freeID before describing it
		wantStatus Status // in the answer, and in Server.Cluster
	}{
		{name: "seeded", wantStatus: StatusRunning},
		{name: "described again", wantStatus: StatusRunning},
		{name: "dropped", drop: true, wantStatus: StatusDeleting},
		{name: "just before the delete delay", advance: time.Minute - time.Nanosecond, wantStatus: StatusDeleting},
		{name: "delete delay passed", advance: time.Nanosecond, wantStatus: StatusDeleted},
		{name: "just before the purge delay", advance: time.Hour - time.Nanosecond, wantStatus: StatusDeleted},
		{name: "purged", advance: time.Nanosecond, wantStatus: StatusPurged},
		{name: "long after", advance: 1000 * time.Hour, wantStatus: StatusPurged},
	}
	for _, step := range steps {
		t.Run(step.name, func(t *testing.T) {
			clk.Advance(step.advance)
			if step.drop {
				if code, err := dropWith(t.Context(), client, keyAll, freeID); err != nil || code != 0 {
					t.Fatalf("drop: code %d, %v", code, err)
				}
			}
			got, err := describe(t.Context(), client, keyAll, freeID)
			if err != nil {
				t.Fatal(err)
			}
			want := described{httpStatus: http.StatusOK, clusterID: freeID, status: string(step.wantStatus), plan: string(PlanFree), requestID: got.requestID}
			if step.wantStatus == StatusPurged {
				// The API never reports PURGED: the cluster is not found.
				want = described{httpStatus: http.StatusOK, code: codeClusterNotFound, requestID: got.requestID}
			}
			if got != want || got.requestID == "" {
				t.Errorf("describe: %+v\nwant %+v with a requestid", got, want)
			}
			if c, ok := srv.Cluster(freeID); !ok || c.Status != step.wantStatus {
				t.Errorf("Cluster: %+v, %v; want %s", c, ok, step.wantStatus)
			}
		})
	}
}

// With no purge delay, describe goes from DELETING to 96018 and never
// reports DELETED.
func TestDescribeWithoutPurgeDelay(t *testing.T) {
	clk := clocktest.New(testEpoch)
	tc, srv := startMock(t, seeded(WithClock(clk.Now), WithDeleteDelay(time.Minute), WithPurgeDelay(0))...)
	client := tc.apiClient(t)
	if code, err := dropWith(t.Context(), client, keyAll, dedicatedID); err != nil || code != 0 {
		t.Fatalf("drop: code %d, %v", code, err)
	}
	clk.Advance(time.Minute)
	got, err := describe(t.Context(), client, keyAll, dedicatedID)
	if err != nil || got.code != codeClusterNotFound {
		t.Errorf("describe: %+v, %v; want code %d", got, err, codeClusterNotFound)
	}
	if c, _ := srv.Cluster(dedicatedID); c.Status != StatusPurged {
		t.Errorf("status %s, want PURGED", c.Status)
	}
}

// Every describe that a conforming request can ask for, through the
// generated client in ModeEnforce. No describe changes a cluster.
func TestDescribeScenarios(t *testing.T) {
	tests := []struct {
		name string
		key  string
		id   string
		want described // requestID is checked apart
	}{
		{name: "dedicated", key: keyAll, id: dedicatedID,
			want: described{httpStatus: 200, clusterID: dedicatedID, status: "RUNNING", plan: "Dedicated"}},
		{name: "serverless", key: keyAll, id: serverlessID,
			want: described{httpStatus: 200, clusterID: serverlessID, status: "RUNNING", plan: "Serverless"}},
		{name: "free", key: keyAll, id: freeID,
			want: described{httpStatus: 200, clusterID: freeID, status: "RUNNING", plan: "Free"}},
		{name: "on-demand", key: keyAll, id: onDemandID,
			want: described{httpStatus: 200, clusterID: onDemandID, status: "RUNNING", plan: "Dedicated"}},
		{name: "never seeded", key: keyAll, id: unknownID,
			want: described{httpStatus: 200, code: codeClusterNotFound}},
		{name: "unknown key", key: "mock-key-unknown", id: dedicatedID,
			want: described{httpStatus: 401, code: codeIllegalAPIKey}},
		{name: "scoped key in scope", key: keyScoped, id: serverlessID,
			want: described{httpStatus: 200, clusterID: serverlessID, status: "RUNNING", plan: "Serverless"}},
		{name: "scoped key out of scope", key: keyScoped, id: dedicatedID,
			want: described{httpStatus: 200, code: codeNoKeyScope}},
		{name: "scoped key on a cluster never seeded", key: keyScoped, id: unknownID,
			want: described{httpStatus: 200, code: codeNoKeyScope}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tc, srv := startMock(t, seeded()...)
			got, err := describe(t.Context(), tc.apiClient(t), tt.key, tt.id)
			if err != nil {
				t.Fatal(err)
			}
			if got.requestID == "" {
				t.Error("no requestid header")
			}
			got.requestID = ""
			if got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
			for _, id := range []string{dedicatedID, serverlessID, freeID, onDemandID} {
				if c, _ := srv.Cluster(id); c.Status != StatusRunning {
					t.Errorf("a describe changed %s to %s", id, c.Status)
				}
			}
		})
	}
}

// Describe requests that break the spec, or that the generated code cannot
// bind, meet the same checks as drop requests, and their messages name
// Describe Cluster. ModeEnforce refuses to send those that break the spec;
// they go out on a plain client, and their answers are judged alone.
func TestDescribeRefusals(t *testing.T) {
	tests := []struct {
		name       string
		call       call
		wantStatus int
		wantCode   int64
		wantMsg    string
		wantAllow  string
	}{
		{name: "no authorization", call: call{method: http.MethodGet, path: describePath(dedicatedID), breaksSpec: true},
			wantStatus: 401, wantCode: codeIllegalAPIKey},
		{name: "bad key beats bad ID", call: call{method: http.MethodGet, path: describePath("IN01-X"), auth: bearer("mock-key-unknown"), breaksSpec: true},
			wantStatus: 401, wantCode: codeIllegalAPIKey},
		{name: "uppercase ID", call: call{method: http.MethodGet, path: describePath("IN01-6183D6BAC30F801"), auth: bearer(keyAll), breaksSpec: true},
			wantStatus: 200, wantCode: codeInvalidClusterID},
		{name: "dot-dot ID", call: call{method: http.MethodGet, path: describePath(".."), auth: bearer(keyAll), breaksSpec: true},
			wantStatus: 200, wantCode: codeInvalidClusterID},
		{name: "encoded slash", call: call{method: http.MethodGet, path: describePath("in01-a%2F..%2F" + dedicatedID), auth: bearer(keyAll), breaksSpec: true},
			wantStatus: 200, wantCode: codeInvalidClusterID},
		{name: "query string", call: call{method: http.MethodGet, path: describePath(dedicatedID) + "?clusterId=x", auth: bearer(keyAll), breaksSpec: true},
			wantStatus: 400, wantCode: 400, wantMsg: "The Describe Cluster operation takes no query parameters."},
		{name: "request body", call: call{method: http.MethodGet, path: describePath(dedicatedID), auth: bearer(keyAll), body: "{}", breaksSpec: true},
			wantStatus: 400, wantCode: 400, wantMsg: "The Describe Cluster operation takes no request body."},
		{name: "query string and body", call: call{method: http.MethodGet, path: describePath(dedicatedID) + "?x=1", auth: bearer(keyAll), body: "{}", breaksSpec: true},
			wantStatus: 400, wantCode: 400, wantMsg: "The Describe Cluster operation takes no query parameters and no request body."},
		// The spec allows it; the generated code cannot bind it.
		{name: "accept twice", call: call{method: http.MethodGet, path: describePath(dedicatedID), auth: bearer(keyAll), header: http.Header{"Accept": {"application/json", "application/json"}}},
			wantStatus: 400, wantCode: 400, wantMsg: "The request does not conform to the Describe Cluster operation."},
		{name: "DELETE on describe path", call: call{method: http.MethodDelete, path: describePath(dedicatedID), auth: bearer(keyAll), breaksSpec: true},
			wantStatus: 405, wantCode: 405, wantAllow: http.MethodGet},
		{name: "POST on describe path", call: call{method: http.MethodPost, path: describePath(dedicatedID), auth: bearer(keyAll), breaksSpec: true},
			wantStatus: 405, wantCode: 405, wantAllow: http.MethodGet},
		{name: "GET on drop path", call: call{method: http.MethodGet, path: dropPath(dedicatedID), auth: bearer(keyAll), breaksSpec: true},
			wantStatus: 405, wantCode: 405, wantAllow: http.MethodDelete},
		// An empty clusterId makes /v2/clusters/, which is no operation's
		// path (the real API lists clusters at /v2/clusters).
		{name: "empty ID", call: call{method: http.MethodGet, path: describePath(""), auth: bearer(keyAll), breaksSpec: true},
			wantStatus: 404, wantCode: 404},
		{name: "extra segment", call: call{method: http.MethodGet, path: describePath(dedicatedID + "/status"), auth: bearer(keyAll), breaksSpec: true},
			wantStatus: 404, wantCode: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tc, srv := startMock(t, seeded()...)
			got, err := tc.do(t.Context(), tt.call)
			if err != nil {
				t.Fatal(err)
			}
			if got.status != tt.wantStatus || got.code != tt.wantCode || got.message == "" {
				t.Errorf("got HTTP %d code %d (%q), want HTTP %d code %d with a message", got.status, got.code, got.message, tt.wantStatus, tt.wantCode)
			}
			if tt.wantMsg != "" && got.message != tt.wantMsg {
				t.Errorf("message %q, want %q", got.message, tt.wantMsg)
			}
			if got.header.Get("Allow") != tt.wantAllow || got.header.Get("requestid") == "" {
				t.Errorf("Allow %q, requestid %q; want Allow %q and a requestid", got.header.Get("Allow"), got.header.Get("requestid"), tt.wantAllow)
			}
			if c, _ := srv.Cluster(dedicatedID); c.Status != StatusRunning {
				t.Errorf("status %s, want RUNNING", c.Status)
			}
		})
	}
}

// Each key has a rate limit per operation: describes that exhaust theirs
// leave the drop's alone, and the other way round.
func TestRateLimitPerOperation(t *testing.T) {
	clk := clocktest.New(testEpoch)
	tc, _ := startMock(t, seeded(WithClock(clk.Now), WithRateLimit(2))...)
	client := tc.apiClient(t)
	for i := range 2 {
		if got, err := describe(t.Context(), client, keyAll, dedicatedID); err != nil || got.status != "RUNNING" {
			t.Fatalf("describe %d within the limit: %+v, %v", i+1, got, err)
		}
	}
	got, err := describe(t.Context(), client, keyAll, dedicatedID)
	if err != nil || got.httpStatus != http.StatusTooManyRequests || got.code != http.StatusTooManyRequests || got.retryAfter != "1" || got.requestID == "" {
		t.Errorf("describe past the limit: %+v, %v; want HTTP 429, code 429, Retry-After 1 and a requestid", got, err)
	}
	// The drop's budget is untouched: two drops pass, the third is refused.
	for i, want := range []int32{0, codeClusterNotFound} {
		if code, err := dropWith(t.Context(), client, keyAll, dedicatedID); err != nil || code != want {
			t.Errorf("drop %d: code %d, %v; want %d", i+1, code, err, want)
		}
	}
	res, err := client.DropClusterWithResponse(t.Context(), dedicatedID, nil, withKey(keyAll))
	if err != nil || res.StatusCode() != http.StatusTooManyRequests || res.JSON4XX == nil || res.JSON4XX.Code != http.StatusTooManyRequests {
		t.Errorf("drop past the limit: %v, %v; want HTTP 429 code 429", res, err)
	}
	// A token accrues for each operation.
	clk.Advance(time.Second / 2)
	if got, err := describe(t.Context(), client, keyAll, dedicatedID); err != nil || got.status != "DELETING" {
		t.Errorf("describe after a token's time: %+v, %v; want DELETING", got, err)
	}
}

// Faults hit describes as they hit drops, and a describe behind a fault
// that lets the request through changes nothing. Every answer that arrives
// whole conforms: ModeEnforce would fail it otherwise.
func TestDescribeFaults(t *testing.T) {
	tests := []struct {
		name  string
		fault Fault
		check func(t *testing.T, got described, err error)
	}{
		{
			name:  "503 with the envelope",
			fault: Fault{Kind: FaultStatus, StatusCode: http.StatusServiceUnavailable, Times: 2},
			check: func(t *testing.T, got described, err error) {
				if err != nil || got.httpStatus != 503 || got.code != 503 {
					t.Errorf("got %+v, %v; want HTTP 503 code 503", got, err)
				}
			},
		},
		{
			name:  "429 without Retry-After",
			fault: Fault{Kind: FaultStatus, StatusCode: http.StatusTooManyRequests, Times: 1},
			check: func(t *testing.T, got described, err error) {
				if err != nil || got.httpStatus != 429 || got.code != 429 || got.retryAfter != "" {
					t.Errorf("got %+v, %v; want HTTP 429 code 429 and no Retry-After", got, err)
				}
			},
		},
		{
			name:  "401",
			fault: Fault{Kind: FaultStatus, StatusCode: http.StatusUnauthorized, Times: 1},
			check: func(t *testing.T, got described, err error) {
				if err != nil || got.httpStatus != 401 || got.code != codeIllegalAPIKey {
					t.Errorf("got %+v, %v; want HTTP 401 code %d", got, err, codeIllegalAPIKey)
				}
			},
		},
		{
			name:  "html 502",
			fault: Fault{Kind: FaultBadGatewayHTML, Times: 1},
			check: func(t *testing.T, got described, err error) {
				if err != nil || got.httpStatus != 502 || !got.html {
					t.Errorf("got %+v, %v; want HTTP 502 text/html", got, err)
				}
			},
		},
		{
			name:  "truncated json",
			fault: Fault{Kind: FaultTruncatedJSON, Times: 1},
			check: func(t *testing.T, _ described, err error) {
				var verr *conformance.ViolationError
				if !errors.As(err, &verr) || verr.StatusCode != http.StatusOK || !slices.ContainsFunc(verr.Violations, isBodyNotJSON) {
					t.Errorf("got %v; want ModeEnforce to refuse HTTP 200 for a body that is not valid JSON", err)
				}
			},
		},
		{
			name:  "abort mid-body",
			fault: Fault{Kind: FaultAbortMidBody, Times: 1},
			check: func(t *testing.T, _ described, err error) {
				var verr *conformance.ViolationError
				if !errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &verr) {
					t.Errorf("got %v; want an unexpected EOF", err)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tc, srv := startMock(t, seeded(WithFault(tt.fault))...)
			client := tc.apiClient(t)
			for range tt.fault.Times {
				got, err := describe(t.Context(), client, keyAll, dedicatedID)
				tt.check(t, got, err)
				if err == nil && got.requestID == "" {
					t.Error("the faulty answer has no requestid header")
				}
			}
			// The fault is spent, and changed nothing.
			got, err := describe(t.Context(), client, keyAll, dedicatedID)
			if err != nil || got.status != "RUNNING" {
				t.Errorf("after the fault: %+v, %v; want RUNNING", got, err)
			}
			if c, _ := srv.Cluster(dedicatedID); c.Status != StatusRunning {
				t.Errorf("status %s, want RUNNING", c.Status)
			}
		})
	}
}

// A describe's answer is lost to a fault while the cluster goes on: the
// describe after it sees where the drop has got to.
func TestDescribeFaultAfterDrop(t *testing.T) {
	clk := clocktest.New(testEpoch)
	tc, srv := startMock(t, seeded(WithClock(clk.Now), WithDeleteDelay(time.Minute))...)
	client := tc.apiClient(t)
	if code, err := dropWith(t.Context(), client, keyAll, dedicatedID); err != nil || code != 0 {
		t.Fatalf("drop: code %d, %v", code, err)
	}
	if err := srv.InjectFault(Fault{Kind: FaultTruncatedJSON, Times: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := describe(t.Context(), client, keyAll, dedicatedID); err == nil {
		t.Error("a truncated describe arrived whole")
	}
	clk.Advance(time.Minute)
	if got, err := describe(t.Context(), client, keyAll, dedicatedID); err != nil || got.status != "DELETED" {
		t.Errorf("describe: %+v, %v; want DELETED", got, err)
	}
}

// The generated strict handler can be mounted on the Server without its
// middleware; each operation must still refuse a request that no middleware
// authenticated, whatever key it carries, and change nothing.
func TestOperationsCheckTheKeyOnTheirOwn(t *testing.T) {
	for _, key := range []string{"mock-key-unknown", keyAll} {
		for _, c := range []call{
			{method: http.MethodDelete, path: dropPath(dedicatedID), auth: bearer(key)},
			{method: http.MethodGet, path: describePath(dedicatedID), auth: bearer(key)},
		} {
			t.Run(key+" "+c.method+" "+c.path, func(t *testing.T) {
				srv, err := New(seeded()...)
				if err != nil {
					t.Fatal(err)
				}
				ts := httptest.NewServer(api.Handler(api.NewStrictHandler(srv, nil)))
				t.Cleanup(ts.Close)
				a, err := newTestClient(t, ts).do(t.Context(), c)
				if err != nil || a.status != http.StatusUnauthorized || a.code != codeIllegalAPIKey {
					t.Errorf("got %+v, %v; want HTTP 401 code %d", a, err, codeIllegalAPIKey)
				}
				if c, _ := srv.Cluster(dedicatedID); c.Status != StatusRunning {
					t.Errorf("status %s, want RUNNING", c.Status)
				}
			})
		}
	}
}

// A reply is written through either operation's generated types. The two
// must send the same bytes, since the http middleware and the router write
// replies as Drop Cluster's whatever the request, and each must be an
// answer that its operation declares.
func TestReplyIsTheSameForEitherOperation(t *testing.T) {
	v, err := testValidator()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []reply{
		businessError(codeClusterNotFound, msgClusterNotFound),
		illegalAPIKey(),
		errorAnswer(http.StatusTooManyRequests, "Rate limit exceeded."),
		errorAnswer(http.StatusMethodNotAllowed, "Method not allowed."),
		errorAnswer(http.StatusServiceUnavailable, "Service Unavailable."),
		badGateway(),
	} {
		t.Run(fmt.Sprint(r.status, r.html != ""), func(t *testing.T) {
			asDrop, asDescribe := httptest.NewRecorder(), httptest.NewRecorder()
			if err := r.VisitDropClusterResponse(asDrop); err != nil {
				t.Fatal(err)
			}
			if err := r.VisitDescribeClusterResponse(asDescribe); err != nil {
				t.Fatal(err)
			}
			if asDrop.Code != r.status || asDescribe.Code != r.status ||
				!equalHeaders(asDrop.Header(), asDescribe.Header()) || asDrop.Body.String() != asDescribe.Body.String() {
				t.Errorf("as a drop: %d %v %q\nas a describe: %d %v %q",
					asDrop.Code, asDrop.Header(), asDrop.Body, asDescribe.Code, asDescribe.Header(), asDescribe.Body)
			}
			for _, rec := range []*httptest.ResponseRecorder{asDrop, asDescribe} {
				res := &conformance.Response{StatusCode: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
				for _, method := range []string{http.MethodDelete, http.MethodGet} {
					if vs := answerAloneViolations(t.Context(), v, method, res); len(vs) > 0 {
						t.Errorf("as an answer to %s: %v", method, vs)
					}
				}
			}
		})
	}
}

func equalHeaders(a, b http.Header) bool {
	if len(a) != len(b) {
		return false
	}
	for k, vs := range a {
		if !slices.Equal(vs, b[k]) {
			return false
		}
	}
	return true
}

// statusRank orders what a describe can say of a dropped cluster: a client
// that describes one cluster again and again must never see it go back.
func statusRank(d described) int {
	switch {
	case d.code == codeClusterNotFound:
		return 3
	case d.status == string(StatusDeleted):
		return 2
	case d.status == string(StatusDeleting):
		return 1
	default:
		return 0
	}
}

// Many goroutines drop and describe the same and different clusters while
// the clock moves on. Exactly one drop of each cluster succeeds, every other
// drop answers 96018, no goroutine sees a cluster's status go back, none
// sees RUNNING after a drop answered, and every answer conforms.
func TestConcurrentDropsAndDescribes(t *testing.T) {
	const goroutines, clusters = 200, 10
	ids := make([]string, clusters)
	for i := range ids {
		ids[i] = fmt.Sprintf("in01-%015x", i)
	}
	clk := clocktest.New(testEpoch)
	// Each request moves the clock on by a tick, so that clusters pass
	// through DELETING, DELETED and the purge while others are described.
	const tick = 50 * time.Millisecond
	tc, srv := startMock(t, WithAPIKey(keyAll), WithClusters(ids...), WithRateLimit(0),
		WithClock(clk.Now), WithDeleteDelay(5*time.Second), WithPurgeDelay(5*time.Second))
	client := tc.apiClient(t)

	var (
		wg        sync.WaitGroup
		successes [clusters]atomic.Int32
		notFound  atomic.Int32
		seen      [4]atomic.Int32 // describes, by statusRank
	)
	for g := range goroutines {
		wg.Go(func() {
			i := g % clusters
			id := ids[i]
			rank := 0
			observe := func(after string) bool {
				defer clk.Advance(tick)
				d, err := describe(t.Context(), client, keyAll, id)
				if err != nil || (d.code != 0 && d.code != codeClusterNotFound) || (d.code == 0 && d.clusterID != id) {
					t.Errorf("%s: describe %s: %+v, %v", after, id, d, err)
					return false
				}
				seen[statusRank(d)].Add(1)
				if r := statusRank(d); r < rank {
					t.Errorf("%s: %s went back to %+v", after, id, d)
				} else {
					rank = r
				}
				return true
			}
			if !observe("first") {
				return
			}
			code, err := dropWith(t.Context(), client, keyAll, id)
			clk.Advance(tick)
			switch {
			case err != nil:
				t.Errorf("drop %s: %v", id, err)
				return
			case code == 0:
				successes[i].Add(1)
			case code == codeClusterNotFound:
				notFound.Add(1)
			default:
				t.Errorf("drop %s: code %d", id, code)
				return
			}
			// Whoever dropped it, the cluster is gone or going.
			rank = max(rank, 1)
			observe("after the drop")
			observe("again")
		})
	}
	// Server.Cluster reads the clusters while the requests change them.
	done := make(chan struct{})
	var reader sync.WaitGroup
	reader.Go(func() {
		for {
			select {
			case <-done:
				return
			default:
			}
			for _, id := range ids {
				if _, ok := srv.Cluster(id); !ok {
					t.Errorf("Cluster(%s) forgot a seeded cluster", id)
				}
			}
			runtime.Gosched() // Let the requests have the two cores.
		}
	})
	wg.Wait()
	close(done)
	reader.Wait()

	for i := range successes {
		if n := successes[i].Load(); n != 1 {
			t.Errorf("%s was dropped %d times, want exactly once", ids[i], n)
		}
	}
	if n := notFound.Load(); n != goroutines-clusters {
		t.Errorf("%d drops answered 96018, want %d", n, goroutines-clusters)
	}
	// 800 requests move the clock by 40s, so the describes see the
	// clusters pass through their statuses; how many see each depends on
	// the scheduler.
	t.Logf("describes: %d RUNNING, %d DELETING, %d DELETED, %d not found",
		seen[0].Load(), seen[1].Load(), seen[2].Load(), seen[3].Load())
}
