package zcdrop

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/zcdrop/zcdrop/api"
)

// lifecycle counts what a lifecycleServer was asked.
type lifecycle struct {
	drops, describes atomic.Int64
}

// lifecycleServer answers drops and describes of in01-abc from lists of
// their own, each in turn, repeating its last; the requestid header says
// which answer it was ("drop-0", "describe-1"). Any other request fails
// the test.
func lifecycleServer(t *testing.T, drops, describes []reply) (*httptest.Server, *lifecycle) {
	t.Helper()
	var l lifecycle
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var replies []reply
		var n *atomic.Int64
		switch r.Method + " " + r.URL.Path {
		case "DELETE /v2/clusters/in01-abc/drop":
			replies, n = drops, &l.drops
		case "GET /v2/clusters/in01-abc":
			replies, n = describes, &l.describes
		default:
			t.Errorf("unexpected request %s %s", r.Method, r.URL)
			http.Error(w, "unexpected", http.StatusTeapot)
			return
		}
		i := int(n.Add(1)) - 1
		if len(replies) == 0 {
			t.Errorf("%s %s: no reply scripted", r.Method, r.URL)
			http.Error(w, "unscripted", http.StatusTeapot)
			return
		}
		w.Header().Set("requestid", fmt.Sprintf("%s-%d", map[string]string{"DELETE": "drop", "GET": "describe"}[r.Method], i))
		replies[min(i, len(replies)-1)].write(w)
	}))
	t.Cleanup(srv.Close)
	return srv, &l
}

// described is describe's success for in01-abc with status.
func described(status string) reply {
	return jsonReply(200, fmt.Sprintf(`{"code":0,"data":{"clusterId":"in01-abc","status":%q,"clusterName":"c","regionId":"aws-us-west-2"}}`, status))
}

// dropped is the drop's success for in01-abc.
var dropped = jsonReply(200, `{"code":0,"data":{"clusterId":"in01-abc","prompt":"The cluster has been deleted."}}`)

func TestDescribeClusterRequest(t *testing.T) {
	srv, _, seen := server(t, described("RUNNING"))
	c, _ := newTestClient(t, srv)
	cl, err := c.DescribeCluster(context.Background(), "in01-abc")
	if err != nil {
		t.Fatal(err)
	}
	if want := (Cluster{ClusterID: "in01-abc", Status: StatusRunning, RequestID: "req-0"}); *cl != want {
		t.Errorf("got %+v, want %+v", *cl, want)
	}
	req := (*seen)[0]
	got := fmt.Sprintf("%s %s auth=%q accept=%q", req.Method, req.URL.EscapedPath(), req.Header.Get("Authorization"), req.Header.Get("Accept"))
	if want := fmt.Sprintf("GET /v2/clusters/in01-abc auth=%q accept=%q", "Bearer "+testKey, "application/json"); got != want {
		t.Errorf("sent  %s\nwant %s", got, want)
	}
}

// TestDescribeCluster is the interpretation table: what each answer is, and
// how many requests it took. Describing is safe, so network errors, 2XX
// answers that cannot be understood and 5XX are tried again, three tries
// in all by default; the API's other answers are not.
func TestDescribeCluster(t *testing.T) {
	tests := []struct {
		name     string
		replies  []reply
		status   ClusterStatus // the status of a success
		sentinel error         // the sentinel an error matches; nil for none
		apiCode  int           // non-zero: want an *APIError with this code
		contains string        // in the error
		requests int64
		retryErr bool // want a *RetryError
	}{
		{name: "RUNNING", replies: []reply{described("RUNNING")}, status: StatusRunning, requests: 1},
		{name: "DELETING", replies: []reply{described("DELETING")}, status: StatusDeleting, requests: 1},
		{name: "DELETED", replies: []reply{described("DELETED")}, status: StatusDeleted, requests: 1},
		{name: "unknown status is a status", replies: []reply{described("ARCHIVING")}, status: "ARCHIVING", requests: 1},
		{name: "96018 on 200", replies: []reply{jsonReply(200, envelope(96018))}, sentinel: ErrClusterNotFound, apiCode: 96018, requests: 1},
		{name: "80020 on 200", replies: []reply{jsonReply(200, envelope(80020))}, sentinel: ErrClusterNotFound, apiCode: 80020, requests: 1},
		{name: "96018 on 404", replies: []reply{jsonReply(404, envelope(96018))}, sentinel: ErrClusterNotFound, apiCode: 96018, requests: 1},
		{name: "96018 on 500 is a server error", replies: []reply{jsonReply(500, envelope(96018))}, sentinel: ErrServer, apiCode: 96018, requests: 3, retryErr: true},
		{name: "401", replies: []reply{jsonReply(401, `{"code":21119,"message":"The apikey is illegal."}`)}, sentinel: ErrUnauthorized, apiCode: 21119, requests: 1},
		{name: "96014", replies: []reply{jsonReply(200, envelope(96014))}, sentinel: ErrPermissionDenied, apiCode: 96014, requests: 1},
		{name: "96036", replies: []reply{jsonReply(200, envelope(96036))}, sentinel: ErrInvalidClusterID, apiCode: 96036, requests: 1},
		{name: "500 retried", replies: []reply{jsonReply(500, envelope(500))}, sentinel: ErrServer, apiCode: 500, requests: 3, retryErr: true},
		{name: "500 then RUNNING", replies: []reply{jsonReply(500, envelope(500)), described("RUNNING")}, status: StatusRunning, requests: 2},
		{name: "html 502 retried", replies: []reply{{status: 502, contentType: "text/html", body: "<html>"}}, sentinel: ErrServer, requests: 3, retryErr: true, contains: `http 502`},
		{name: "429 retried", replies: []reply{jsonReply(429, envelope(429))}, sentinel: ErrRateLimited, apiCode: 429, requests: 3, retryErr: true},
		{name: "connection closed, then DELETED", replies: []reply{lostReply(closeConn), described("DELETED")}, status: StatusDeleted, requests: 2},
		{name: "body breaks off every time", replies: []reply{lostReply(abortBody)}, requests: 3, retryErr: true, contains: "reading the answer (http 200) failed"},
		{name: "truncated, then DELETING", replies: []reply{jsonReply(200, `{"code":0,"data":{"clu`), described("DELETING")}, status: StatusDeleting, requests: 2},
		// An answer began, and the transport refused it: asking again
		// would get the same.
		{name: "a malformed status line is not asked again", replies: []reply{{fault: badStatusLine}}, requests: 1, contains: `malformed HTTP status code "HTTP"`},
		{name: "409 is final", replies: []reply{jsonReply(409, envelope(40003))}, apiCode: 40003, requests: 1},
		// A 2XX answer that cannot be understood is a lost answer, asked
		// for again, as a network error is.
		{name: "truncated", replies: []reply{jsonReply(200, `{"code":0,"data":{"clu`)}, requests: 3, retryErr: true, contains: "malformed JSON"},
		{name: "html on 200", replies: []reply{{status: 200, contentType: "text/html", body: "<html>"}}, requests: 3, retryErr: true, contains: "not a JSON body"},
		{name: "no status", replies: []reply{jsonReply(200, `{"code":0,"data":{"clusterId":"in01-abc"}}`)}, requests: 3, retryErr: true, contains: `success without "data.status"`},
		{name: "null status", replies: []reply{jsonReply(200, `{"code":0,"data":{"clusterId":"in01-abc","status":null}}`)}, requests: 3, retryErr: true, contains: `success without "data.status"`},
		{name: "empty status", replies: []reply{jsonReply(200, `{"code":0,"data":{"clusterId":"in01-abc","status":""}}`)}, requests: 3, retryErr: true, contains: `success without "data.status"`},
		{name: "status not a string", replies: []reply{jsonReply(200, `{"code":0,"data":{"clusterId":"in01-abc","status":1}}`)}, requests: 3, retryErr: true, contains: `"data.status" is not a string`},
		{name: "Status beside status", replies: []reply{jsonReply(200, `{"code":0,"data":{"clusterId":"in01-abc","status":"RUNNING","Status":"DELETED"}}`)}, requests: 3, retryErr: true, contains: `success with "data.Status", which differs from "data.status" only in case`},
		{name: "status twice", replies: []reply{jsonReply(200, `{"code":0,"data":{"clusterId":"in01-abc","status":"RUNNING","status":"DELETED"}}`)}, requests: 3, retryErr: true, contains: `"data.status" appears more than once`},
		{name: "no clusterId", replies: []reply{jsonReply(200, `{"code":0,"data":{"status":"RUNNING"}}`)}, requests: 3, retryErr: true, contains: `success without "data.clusterId"`},
		{name: "another cluster", replies: []reply{jsonReply(200, `{"code":0,"data":{"clusterId":"in01-other","status":"DELETED"}}`)}, requests: 3, retryErr: true, contains: `success names cluster "in01-other", not the requested "in01-abc"`},
		{name: "CODE beside code", replies: []reply{jsonReply(200, `{"code":0,"CODE":96018,"message":"m","data":{"clusterId":"in01-abc","status":"DELETED"}}`)}, requests: 3, retryErr: true, contains: `success with "CODE", which differs from "code" only in case`},
		{name: "code 96018 beside a success", replies: []reply{jsonReply(200, `{"code":96018,"message":"m","data":{"clusterId":"in01-abc","status":"RUNNING"}}`)}, sentinel: ErrClusterNotFound, apiCode: 96018, requests: 1},
	}
	sentinels := []error{ErrUnauthorized, ErrPermissionDenied, ErrClusterNotFound, ErrInvalidClusterID, ErrUnsupportedPlan, ErrInvalidState, ErrRateLimited, ErrServer}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, n, _ := server(t, tt.replies...)
			c, _ := newTestClient(t, srv)
			cl, err := c.DescribeCluster(context.Background(), "in01-abc")
			if n.Load() != tt.requests {
				t.Errorf("%d requests, want %d", n.Load(), tt.requests)
			}
			if tt.status != "" {
				if err != nil || cl.Status != tt.status || cl.ClusterID != "in01-abc" {
					t.Fatalf("got %+v, %v; want status %s", cl, err, tt.status)
				}
				return
			}
			if err == nil {
				t.Fatalf("got %+v, want an error", cl)
			}
			for _, s := range sentinels {
				if got := errors.Is(err, s); got != (s == tt.sentinel) {
					t.Errorf("errors.Is(err, %v) = %v; err: %v", s, got, err)
				}
			}
			var apiErr *APIError
			if got := errors.As(err, &apiErr); got != (tt.apiCode != 0) || (got && apiErr.Code != tt.apiCode) {
				t.Errorf("got %v, want an *APIError with code %d: %v", err, tt.apiCode, got)
			}
			var retryErr *RetryError
			if got := errors.As(err, &retryErr); got != tt.retryErr || (got && retryErr.Attempts != int(tt.requests)) {
				t.Errorf("got %v, want a *RetryError after %d attempts: %v", err, tt.requests, tt.retryErr)
			}
			if !strings.Contains(err.Error(), tt.contains) || strings.Contains(err.Error(), testKey) {
				t.Errorf("error %q does not contain %q, or leaks the key", err, tt.contains)
			}
		})
	}
}

func TestDescribeClusterRefusesBadIDs(t *testing.T) {
	srv, n, _ := server(t, described("RUNNING"))
	c, _ := newTestClient(t, srv)
	for _, id := range []string{"", "..", "in01-a/b", "in01-%2e"} {
		if _, err := c.DescribeCluster(context.Background(), id); !errors.Is(err, ErrInvalidClusterID) {
			t.Errorf("DescribeCluster(%q) = %v, want ErrInvalidClusterID", id, err)
		}
	}
	if n.Load() != 0 {
		t.Errorf("%d requests reached the server, want 0", n.Load())
	}
}

// TestDescribeHidesAnEchoedKey: a status that holds the key is reported
// with the key hidden, and judged as written: unknown.
func TestDescribeHidesAnEchoedKey(t *testing.T) {
	srv, _, _ := server(t, described("GONE-"+testKey))
	c, _ := newTestClient(t, srv)
	cl, err := c.DescribeCluster(context.Background(), "in01-abc")
	if err != nil {
		t.Fatal(err)
	}
	if cl.Status != "GONE-REDACTED" || cl.Status.Known() {
		t.Errorf("status %q (known: %v), want GONE-REDACTED, unknown", cl.Status, cl.Status.Known())
	}
}

func TestClusterStatusKnown(t *testing.T) {
	for status, want := range map[ClusterStatus]bool{
		StatusRunning: true, StatusDeleting: true, StatusDeleted: true, StatusStopped: true, StatusRestoring: true,
		"ARCHIVING": false, "running": false, "": false,
	} {
		if got := status.Known(); got != want {
			t.Errorf("%q.Known() = %v, want %v", status, got, want)
		}
	}
}

// TestKnownStatusesAreTheSpecs: the statuses that Known accepts are those
// that openapi.yaml lists in x-zilliz-known-statuses, no more, no fewer.
func TestKnownStatusesAreTheSpecs(t *testing.T) {
	spec, err := api.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(spec.Components.Schemas["ClusterStatus"].Value.Extensions["x-zilliz-known-statuses"])
	if err != nil {
		t.Fatal(err)
	}
	var listed []struct {
		Status ClusterStatus `json:"status"`
	}
	if err := json.Unmarshal(raw, &listed); err != nil || len(listed) == 0 {
		t.Fatalf("x-zilliz-known-statuses: %v (%d statuses)", err, len(listed))
	}
	var inSpec []ClusterStatus
	for _, l := range listed {
		inSpec = append(inSpec, l.Status)
		if !l.Status.Known() {
			t.Errorf("openapi.yaml lists %s, which Known does not accept", l.Status)
		}
	}
	for s := range knownStatuses {
		if !slices.Contains(inSpec, s) {
			t.Errorf("Known accepts %s, which openapi.yaml does not list", s)
		}
	}
}
