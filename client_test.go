package zcdrop

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zcdrop/zcdrop/api"
	"github.com/zcdrop/zcdrop/conformance"
	"github.com/zcdrop/zcdrop/internal/clock/clocktest"
	"github.com/zcdrop/zcdrop/internal/jsonstrict"
)

const testKey = "zc-TEST-KEY-d41d8cd98f00b204"

// reply is one canned answer of the test server.
type reply struct {
	status      int
	contentType string
	body        string
	header      map[string]string
	fault       fault
}

// fault is how a reply loses its answer on the way.
type fault int

const (
	// noFault sends the whole reply.
	noFault fault = iota
	// closeConn closes the connection before any answer.
	closeConn
	// abortBody sends the headers and half the body, then closes the
	// connection.
	abortBody
	// badStatusLine answers with a status line that HTTP cannot parse.
	badStatusLine
)

// lostReply is an answer that never arrives whole, by f.
func lostReply(f fault) reply {
	return reply{status: 200, contentType: "application/json", body: `{"code":0,"data":{"clusterId":"in01-abc","prompt":"p"}}`, fault: f}
}

// write sends rep, or loses it as its fault says.
func (rep reply) write(w http.ResponseWriter) {
	switch rep.fault {
	case closeConn:
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			conn.Close()
		}
		return
	case badStatusLine:
		if conn, buf, err := w.(http.Hijacker).Hijack(); err == nil {
			_, _ = buf.WriteString("NOT HTTP\r\n\r\n")
			_ = buf.Flush()
			conn.Close()
		}
		return
	case abortBody:
		w.Header().Set("Content-Type", rep.contentType)
		w.Header().Set("Content-Length", strconv.Itoa(len(rep.body)))
		w.WriteHeader(rep.status)
		_, _ = w.Write([]byte(rep.body[:len(rep.body)/2]))
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler)
	}
	for k, v := range rep.header {
		w.Header().Set(k, v)
	}
	if rep.contentType != "" {
		w.Header().Set("Content-Type", rep.contentType)
	}
	w.WriteHeader(rep.status)
	_, _ = w.Write([]byte(rep.body))
}

// envelope is the error envelope with code and a message naming it.
func envelope(code int) string { return fmt.Sprintf(`{"code":%d,"message":"m%d"}`, code, code) }

func jsonReply(status int, body string) reply {
	return reply{status: status, contentType: "application/json", body: body}
}

// server answers with replies in turn (repeating the last) and counts the
// requests that reach it.
func server(t testing.TB, replies ...reply) (*httptest.Server, *atomic.Int64, *[]*http.Request) {
	t.Helper()
	var n atomic.Int64
	var seen []*http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		seen = append(seen, r.Clone(context.Background()))
		w.Header().Set("requestid", fmt.Sprintf("req-%d", i))
		replies[min(i, len(replies)-1)].write(w)
	}))
	t.Cleanup(srv.Close)
	return srv, &n, &seen
}

// countMethod counts the requests in seen that used method: the drops
// (DELETE) apart from the describes (GET) that follow a lost answer.
func countMethod(seen []*http.Request, method string) int {
	n := 0
	for _, r := range seen {
		if r.Method == method {
			n++
		}
	}
	return n
}

// newTestClient returns a client of srv on a fake clock, so that its retries
// do not sleep; the clock records what each retry waited.
func newTestClient(t *testing.T, srv *httptest.Server, opts ...Option) (*Client, *clocktest.Clock) {
	t.Helper()
	c, err := New(testKey, append([]Option{WithBaseURL(srv.URL)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	clk := clocktest.New(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	c.clock = clk
	return c, clk
}

func TestDropClusterSuccess(t *testing.T) {
	srv, n, seen := server(t, jsonReply(200, `{"code":0,"data":{"clusterId":"in01-6183d6bac30f801","prompt":"The cluster has been deleted."}}`))
	c, _ := newTestClient(t, srv)
	res, err := c.DropCluster(context.Background(), "in01-6183d6bac30f801")
	if err != nil {
		t.Fatal(err)
	}
	want := DropResult{ClusterID: "in01-6183d6bac30f801", Prompt: "The cluster has been deleted.", RequestID: "req-0", Outcome: OutcomeDropped}
	if *res != want {
		t.Errorf("got %+v, want %+v", *res, want)
	}
	if n.Load() != 1 {
		t.Fatalf("%d requests, want 1", n.Load())
	}
	req := (*seen)[0]
	checks := map[string]string{
		"method":        req.Method,
		"path":          req.URL.EscapedPath(),
		"authorization": req.Header.Get("Authorization"),
		"accept":        req.Header.Get("Accept"),
		"content-type":  req.Header.Get("Content-Type"),
	}
	wantHeaders := map[string]string{
		"method":        http.MethodDelete,
		"path":          "/v2/clusters/in01-6183d6bac30f801/drop",
		"authorization": "Bearer " + testKey,
		"accept":        "application/json",
		"content-type":  "",
	}
	for k, w := range wantHeaders {
		if checks[k] != w {
			t.Errorf("%s = %q, want %q", k, checks[k], w)
		}
	}
}

func TestDropClusterErrors(t *testing.T) {
	tests := []struct {
		name     string
		replies  []reply
		sentinel error // nil: no sentinel may match
		apiCode  int   // non-zero: want an *APIError with this code
		requests int64
		contains string
	}{
		{name: "96018 on 200", replies: []reply{jsonReply(200, envelope(96018))}, sentinel: ErrClusterNotFound, apiCode: 96018, requests: 1},
		{name: "80020 on 200", replies: []reply{jsonReply(200, envelope(80020))}, sentinel: ErrClusterNotFound, apiCode: 80020, requests: 1},
		{name: "96014", replies: []reply{jsonReply(200, envelope(96014))}, sentinel: ErrPermissionDenied, apiCode: 96014, requests: 1},
		{name: "96015", replies: []reply{jsonReply(200, envelope(96015))}, sentinel: ErrPermissionDenied, apiCode: 96015, requests: 1},
		{name: "96016", replies: []reply{jsonReply(200, envelope(96016))}, sentinel: ErrPermissionDenied, apiCode: 96016, requests: 1},
		{name: "96021", replies: []reply{jsonReply(200, envelope(96021))}, sentinel: ErrUnsupportedPlan, apiCode: 96021, requests: 1},
		{name: "96022", replies: []reply{jsonReply(200, envelope(96022))}, sentinel: ErrUnsupportedPlan, apiCode: 96022, requests: 1},
		{name: "96036", replies: []reply{jsonReply(200, envelope(96036))}, sentinel: ErrInvalidClusterID, apiCode: 96036, requests: 1},
		{name: "40003", replies: []reply{jsonReply(200, envelope(40003))}, sentinel: ErrInvalidState, apiCode: 40003, requests: 1},
		{name: "409 with 40003", replies: []reply{jsonReply(409, envelope(40003))}, apiCode: 40003, requests: 1},
		{name: "unknown code", replies: []reply{jsonReply(200, envelope(65535))}, apiCode: 65535, requests: 1},
		{name: "401", replies: []reply{jsonReply(401, `{"code":21119,"message":"The apikey is illegal."}`)}, sentinel: ErrUnauthorized, apiCode: 21119, requests: 1},
		{name: "401 without envelope", replies: []reply{{status: 401, contentType: "text/plain", body: "nope"}}, sentinel: ErrUnauthorized, requests: 1, contains: `body starts "nope"`},
		{name: "403 envelope", replies: []reply{jsonReply(403, envelope(96013))}, sentinel: ErrPermissionDenied, apiCode: 96013, requests: 1},
		{name: "429 retried then gives up", replies: []reply{jsonReply(429, envelope(429))}, sentinel: ErrRateLimited, apiCode: 429, requests: 3, contains: "giving up after 3 attempts"},
		{name: "503 retried", replies: []reply{jsonReply(503, envelope(503))}, sentinel: ErrServer, apiCode: 503, requests: 3},
		{name: "500 not retried", replies: []reply{jsonReply(500, envelope(500))}, sentinel: ErrServer, apiCode: 500, requests: 1},
		{name: "html 502", replies: []reply{{status: 502, contentType: "text/html", body: "<html><body>502 Bad Gateway</body></html>"}}, sentinel: ErrServer, requests: 1, contains: `http 502, content-type "text/html"`},
		{name: "truncated json", replies: []reply{jsonReply(200, `{"code":0,"data":{"clu`)}, requests: 1, contains: `malformed JSON`},
		{name: "html on 200", replies: []reply{{status: 200, contentType: "text/html", body: "<html>"}}, requests: 1, contains: "not a JSON body"},
		{name: "code 0 without data", replies: []reply{jsonReply(200, `{"code":0}`)}, requests: 1, contains: `success without "data.clusterId"`},
		{name: "code as string", replies: []reply{jsonReply(200, `{"code":"96018","message":"x"}`)}, requests: 1, contains: `"code" is not an integer`},
		{name: "envelope without message", replies: []reply{jsonReply(200, `{"code":96018}`)}, requests: 1, contains: "without a non-zero code and a message"},
		// Keys match exactly, as the Validator reads them: a case variant
		// is not the code, a key given twice and a null code are no answer.
		{name: "CODE beside code", replies: []reply{jsonReply(200, `{"code":96018,"CODE":0,"message":"m","data":{"clusterId":"in01-6183d6bac30f801","prompt":"p"}}`)}, sentinel: ErrClusterNotFound, apiCode: 96018, requests: 1},
		{name: "Code instead of code", replies: []reply{jsonReply(200, `{"Code":0,"data":{"clusterId":"in01-6183d6bac30f801","prompt":"p"}}`)}, requests: 1, contains: `"code" is missing`},
		{name: "Data instead of data", replies: []reply{jsonReply(200, `{"code":0,"Data":{"clusterId":"in01-6183d6bac30f801","prompt":"p"}}`)}, requests: 1, contains: `success with "Data", which differs from "data" only in case`},
		{name: "CLUSTERID instead of clusterId", replies: []reply{jsonReply(200, `{"code":0,"data":{"CLUSTERID":"in01-6183d6bac30f801","prompt":"p"}}`)}, requests: 1, contains: `success with "data.CLUSTERID", which differs from "data.clusterId" only in case`},
		{name: "null code", replies: []reply{jsonReply(200, `{"code":null,"data":{"clusterId":"in01-6183d6bac30f801","prompt":"p"}}`)}, requests: 1, contains: `"code" is null`},
		{name: "code twice", replies: []reply{jsonReply(200, `{"code":96018,"message":"m","code":0,"data":{"clusterId":"in01-6183d6bac30f801","prompt":"p"}}`)}, requests: 1, contains: `"code" appears more than once`},
		{name: "clusterId twice", replies: []reply{jsonReply(200, `{"code":0,"data":{"clusterId":"in01-other","clusterId":"in01-6183d6bac30f801","prompt":"p"}}`)}, requests: 1, contains: `"data.clusterId" appears more than once`},
		{name: "null clusterId", replies: []reply{jsonReply(200, `{"code":0,"data":{"clusterId":null,"prompt":"p"}}`)}, requests: 1, contains: `success without "data.clusterId"`},
		{name: "null message", replies: []reply{jsonReply(200, `{"code":96018,"message":null}`)}, requests: 1, contains: "without a non-zero code and a message"},
		{name: "code as float", replies: []reply{jsonReply(200, `{"code":0.0,"data":{"clusterId":"in01-6183d6bac30f801","prompt":"p"}}`)}, requests: 1, contains: `"code" is not an integer`},
		{name: "code 0 beside CODE 96018", replies: []reply{jsonReply(200, `{"code":0,"CODE":96018,"message":"m","data":{"clusterId":"in01-6183d6bac30f801","prompt":"p"}}`)}, requests: 1, contains: `success with "CODE", which differs from "code" only in case`},
		{name: "data beside DATA", replies: []reply{jsonReply(200, `{"code":0,"data":{"clusterId":"in01-6183d6bac30f801","prompt":"p"},"DATA":null}`)}, requests: 1, contains: `success with "DATA", which differs from "data" only in case`},
		{name: "clusterId beside ClusterID", replies: []reply{jsonReply(200, `{"code":0,"data":{"clusterId":"in01-6183d6bac30f801","ClusterID":"in01-other","prompt":"p"}}`)}, requests: 1, contains: `success with "data.ClusterID", which differs from "data.clusterId" only in case`},
		{name: "array body", replies: []reply{jsonReply(200, `[{"code":0}]`)}, requests: 1, contains: "not a JSON object"},
		// The status is the stronger signal: business codes come on HTTP
		// 200, and a 5XX, 429 or 401 that carries 96018 is not "already
		// gone", whatever its code says. Only a 404 agrees with it.
		{name: "500 with 96018", replies: []reply{jsonReply(500, envelope(96018))}, sentinel: ErrServer, apiCode: 96018, requests: 1},
		{name: "503 with 96018", replies: []reply{jsonReply(503, envelope(96018))}, sentinel: ErrServer, apiCode: 96018, requests: 3},
		{name: "429 with 96018", replies: []reply{jsonReply(429, envelope(96018))}, sentinel: ErrRateLimited, apiCode: 96018, requests: 3},
		{name: "401 with 96018", replies: []reply{jsonReply(401, envelope(96018))}, sentinel: ErrUnauthorized, apiCode: 96018, requests: 1},
		{name: "502 with 96014", replies: []reply{jsonReply(502, envelope(96014))}, sentinel: ErrServer, apiCode: 96014, requests: 1},
		{name: "404 with 96018 agrees", replies: []reply{jsonReply(404, envelope(96018))}, sentinel: ErrClusterNotFound, apiCode: 96018, requests: 1},
		{name: "404 with 80020 agrees", replies: []reply{jsonReply(404, envelope(80020))}, sentinel: ErrClusterNotFound, apiCode: 80020, requests: 1},
		// Any other status that carries a code matches only what the status
		// says: a 403 agrees with a permission code, and a 400, 408 or 409
		// has no sentinel, so none.
		{name: "400 with 96018", replies: []reply{jsonReply(400, envelope(96018))}, apiCode: 96018, requests: 1},
		{name: "403 with 96018", replies: []reply{jsonReply(403, envelope(96018))}, apiCode: 96018, requests: 1},
		{name: "408 with 96018", replies: []reply{jsonReply(408, envelope(96018))}, apiCode: 96018, requests: 1},
		{name: "409 with 96018", replies: []reply{jsonReply(409, envelope(96018))}, apiCode: 96018, requests: 1},
		{name: "403 with 96014 agrees", replies: []reply{jsonReply(403, envelope(96014))}, sentinel: ErrPermissionDenied, apiCode: 96014, requests: 1},
		{name: "404 with 96014", replies: []reply{jsonReply(404, envelope(96014))}, apiCode: 96014, requests: 1},
		{name: "400 with 96036", replies: []reply{jsonReply(400, envelope(96036))}, apiCode: 96036, requests: 1},
		{name: "long body is cut", replies: []reply{{status: 502, contentType: "text/html", body: strings.Repeat("x", 5000)}}, sentinel: ErrServer, requests: 1, contains: strings.Repeat("x", snippetLen) + `..."`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _, seen := server(t, tt.replies...)
			c, _ := newTestClient(t, srv)
			res, err := c.DropCluster(context.Background(), "in01-6183d6bac30f801")
			if err == nil {
				t.Fatalf("got success %+v, want an error", res)
			}
			if got := countMethod(*seen, http.MethodDelete); got != int(tt.requests) {
				t.Errorf("%d drops, want %d", got, tt.requests)
			}
			// A 200 that cannot be understood may be a drop that happened:
			// the client asks describe, which gets the same answer here,
			// three times, and says the outcome is unknown. Any other
			// answer is judged.
			lost := tt.apiCode == 0 && tt.replies[0].status == http.StatusOK
			var lostErr *LostAnswerError
			if got := errors.As(err, &lostErr); got != lost || (lost && lostErr.DescribeErr == nil) {
				t.Errorf("got %#v, want a *LostAnswerError with describe's error: %v", err, lost)
			}
			if got, want := countMethod(*seen, http.MethodGet), map[bool]int{true: 3}[lost]; got != want {
				t.Errorf("%d describes, want %d", got, want)
			}
			for _, s := range []error{ErrUnauthorized, ErrPermissionDenied, ErrClusterNotFound, ErrInvalidClusterID, ErrUnsupportedPlan, ErrInvalidState, ErrRateLimited, ErrServer} {
				if got := errors.Is(err, s); got != (s == tt.sentinel) {
					t.Errorf("errors.Is(err, %v) = %v; err: %v", s, got, err)
				}
			}
			var apiErr *APIError
			if tt.apiCode != 0 {
				if !errors.As(err, &apiErr) {
					t.Fatalf("got %T %v, want *APIError", err, err)
				}
				if apiErr.Code != tt.apiCode || apiErr.RequestID == "" || apiErr.StatusCode != tt.replies[0].status {
					t.Errorf("got %+v", apiErr)
				}
			} else {
				var unexpected *UnexpectedResponseError
				if !errors.As(err, &unexpected) || unexpected.StatusCode != tt.replies[0].status {
					t.Fatalf("got %T %v, want *UnexpectedResponseError with status %d", err, err, tt.replies[0].status)
				}
			}
			if !strings.Contains(err.Error(), tt.contains) {
				t.Errorf("error %q does not contain %q", err, tt.contains)
			}
			if strings.Contains(err.Error(), testKey) {
				t.Errorf("error leaks the key: %v", err)
			}
		})
	}
}

func TestInvalidClusterIDsNeverReachTheNetwork(t *testing.T) {
	srv, n, _ := server(t, jsonReply(200, `{"code":0,"data":{"clusterId":"x","prompt":"p"}}`))
	c, _ := newTestClient(t, srv)
	ids := []string{
		"", ".", "..", "/", "in01-a/b", "../in01-abc", `in01-a\b`, "in01-%2e%2e", "in01-a?b", "in01-a#b",
		"in01 abc", "in01-\tabc", "in01-\nabc", "in01-\x00", "in01-\x7f", "in01-é", "in01-\u202e",
		strings.Repeat("a", MaxClusterIDLength+1),
	}
	for _, id := range ids {
		t.Run(fmt.Sprintf("%q", id), func(t *testing.T) {
			_, err := c.DropCluster(context.Background(), id)
			if !errors.Is(err, ErrInvalidClusterID) {
				t.Fatalf("got %v, want ErrInvalidClusterID", err)
			}
			var idErr *ClusterIDError
			if !errors.As(err, &idErr) || idErr.Reason == "" {
				t.Errorf("got %T, want *ClusterIDError with a reason", err)
			}
			if len(err.Error()) > 200 {
				t.Errorf("error is %d bytes long; the ID should be shortened", len(err.Error()))
			}
		})
	}
	if n.Load() != 0 {
		t.Fatalf("%d requests reached the server, want 0", n.Load())
	}
	// The longest allowed ID goes through.
	if _, err := c.DropCluster(context.Background(), strings.Repeat("a", MaxClusterIDLength)); errors.Is(err, ErrInvalidClusterID) {
		t.Errorf("a %d-byte ID was refused: %v", MaxClusterIDLength, err)
	}
}

// TestEveryKnownCodeIsClassified is the half of keeping codeSentinels and
// openapi.yaml's x-zilliz-error-codes in step that the spec cannot check: a
// code with a sentinel must be listed in the spec. The other half, every
// listed code has a sentinel, is "zcdrop spec lint"'s rule zc012, which
// names the code.
func TestEveryKnownCodeIsClassified(t *testing.T) {
	spec, err := api.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	code := spec.Components.Schemas["ErrorEnvelope"].Value.Properties["code"].Value
	raw, err := json.Marshal(code.Extensions["x-zilliz-error-codes"])
	if err != nil {
		t.Fatal(err)
	}
	var listed []struct {
		Code int `json:"code"`
	}
	if err := json.Unmarshal(raw, &listed); err != nil || len(listed) == 0 {
		t.Fatalf("x-zilliz-error-codes: %v (%d codes)", err, len(listed))
	}
	inSpec := map[int]bool{}
	for _, l := range listed {
		inSpec[l.Code] = true
	}
	for c := range codeSentinels {
		if !inSpec[c] {
			t.Errorf("code %d has a sentinel but is not listed in openapi.yaml", c)
		}
	}
}

func TestCodeSentinel(t *testing.T) {
	tests := []struct {
		code int
		want error
	}{
		{96018, ErrClusterNotFound},
		{21119, ErrUnauthorized},
		{96027, ErrPermissionDenied},
		{96036, ErrInvalidClusterID},
		{96022, ErrUnsupportedPlan},
		{40003, ErrInvalidState},
		{65535, nil},
		{0, nil},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.code), func(t *testing.T) {
			got := CodeSentinel(tt.code)
			if got != tt.want {
				t.Errorf("CodeSentinel(%d) = %v, want %v", tt.code, got, tt.want)
			}
			// What CodeSentinel says is what an *APIError on HTTP 200
			// matches.
			apiErr := &APIError{StatusCode: http.StatusOK, Code: tt.code}
			if tt.want != nil && !errors.Is(apiErr, tt.want) {
				t.Errorf("an *APIError with code %d does not match %v", tt.code, tt.want)
			}
		})
	}
}

// FuzzInterpret feeds arbitrary answers to the response classifier: it must
// never panic, never return both or neither of a result and an error, and
// call a drop successful only for an HTTP 200 JSON body whose code is 0
// however it is read: strictly, without a key twice or a case variant of
// "code", and by encoding/json.
func FuzzInterpret(f *testing.F) {
	f.Add(200, "application/json", `{"code":0,"data":{"clusterId":"in01-abc","prompt":"p"}}`)
	f.Add(200, "application/json", `{"code":96018,"message":"m"}`)
	f.Add(200, "application/json", `{"code":0}`)
	f.Add(401, "application/json", `{"code":21119,"message":"The apikey is illegal."}`)
	f.Add(502, "text/html", `<html>`)
	f.Add(429, "application/json; charset=utf-8", `{"code":"x"}`)
	// The hostile bodies of issue 8: each was once read as a success.
	f.Add(200, "application/json", `{"code":96018,"CODE":0,"message":"m","data":{"clusterId":"in01-abc","prompt":"p"}}`)
	f.Add(200, "application/json", `{"code":null,"data":{"clusterId":"in01-abc","prompt":"p"}}`)
	f.Add(200, "application/json", `{"code":96018,"message":"m","code":0,"data":{"clusterId":"in01-abc","prompt":"p"}}`)
	f.Add(500, "application/json", `{"code":96018,"message":"m"}`)
	f.Fuzz(func(t *testing.T, status int, contentType, body string) {
		if status < 100 || status > 999 {
			return
		}
		res := &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {contentType}}}
		got, err := interpret(res, []byte(body), nil)
		if (got == nil) == (err == nil) {
			t.Fatalf("interpret returned %v and %v", got, err)
		}
		if got != nil {
			var probe struct {
				Code *int64 `json:"code"`
			}
			if json.Unmarshal([]byte(body), &probe) != nil || probe.Code == nil || *probe.Code != 0 || status != 200 {
				t.Fatalf("success from status %d body %q", status, body)
			}
			obj, err := jsonstrict.Decode([]byte(body))
			if err != nil {
				t.Fatalf("success from a body that is not strict JSON (%v): %q", err, body)
			}
			if code, err := obj.Int("code"); err != nil || code != 0 || len(obj.CaseVariants("code")) > 0 {
				t.Fatalf("success from a body whose exact code is %d (%v), with variants %q: %q", code, err, obj.CaseVariants("code"), body)
			}
		}
	})
}

func TestEchoedKeyNeverReachesAnError(t *testing.T) {
	// The key sits at the snippet's cut, so that a scrub after cutting would
	// still leak part of it.
	pad := strings.Repeat("x", snippetLen-15)
	tests := []struct {
		name  string
		reply reply
		shown string
	}{
		{name: "html page", reply: reply{status: 502, contentType: "text/html", body: "<pre>" + pad + "Bearer " + testKey + "</pre>"}, shown: `Bearer RED..."`},
		{name: "envelope message", reply: jsonReply(200, `{"code":80001,"message":"token `+testKey+` illegal"}`), shown: "token REDACTED illegal"},
		{name: "request id", reply: reply{status: 200, contentType: "application/json", body: `{"code":96018,"message":"m"}`, header: map[string]string{"requestid": testKey}}, shown: "(request id REDACTED)"},
		{name: "content type", reply: reply{status: 502, contentType: "text/html; key=" + testKey, body: "<html>"}, shown: `content-type "text/html; key=REDACTED"`},
		{name: "unexpected JSON", reply: reply{status: 200, contentType: "application/json", body: `{"code":0,"data":{"clusterId":"` + testKey + `","prompt":"p"}}`}, shown: `success names cluster "REDACTED"`},
		// A copy written with \u escapes is decoded into the message, and
		// hidden there; the snippet shows the escaped copy, hidden too.
		{name: "escaped key in a message", reply: jsonReply(200, `{"code":80001,"message":"token `+jsonEscapeAll(testKey)+` illegal"}`), shown: "token REDACTED illegal"},
		{name: "escaped key in a snippet", reply: jsonReply(200, `{"code":"`+jsonEscapeAll(testKey)+`"}`), shown: `body starts "{\"code\":\"REDACTED\"}"`},
		{name: "base64 key in a page", reply: reply{status: 502, contentType: "text/html", body: "<p>" + base64.StdEncoding.EncodeToString([]byte(testKey)) + "</p>"}, shown: "<p>REDACTED</p>"},
		{name: "percent-encoded key in a page", reply: reply{status: 502, contentType: "text/html", body: "<a href=\"/?k=" + percentEscapeAll(testKey) + "\">"}, shown: "/?k=REDACTED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _, _ := server(t, tt.reply)
			c, _ := newTestClient(t, srv)
			_, err := c.DropCluster(context.Background(), "in01-abc")
			if err == nil {
				t.Fatal("want an error")
			}
			for _, part := range []string{testKey, testKey[:3], testKey[len(testKey)-12:], jsonEscapeAll(testKey)[:18], base64.StdEncoding.EncodeToString([]byte(testKey))[:8]} {
				if strings.Contains(fmt.Sprintf("%v %+v", err, err), part) {
					t.Errorf("error leaks (part of) the key: %v", err)
				}
			}
			if !strings.Contains(err.Error(), tt.shown) {
				t.Errorf("error %v does not contain %q", err, tt.shown)
			}
		})
	}
}

// jsonEscapeAll writes every byte of an ASCII s as a JSON \u escape.
func jsonEscapeAll(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		fmt.Fprintf(&b, `\u%04x`, c)
	}
	return b.String()
}

// percentEscapeAll percent-encodes every byte of s.
func percentEscapeAll(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// TestRedactionNeverChangesAVerdict: the client judges the answer as it
// arrived, and hides the key only in what it reports, wherever it is in
// it.
func TestRedactionNeverChangesAVerdict(t *testing.T) {
	const id = "in01-6183d6bac30f801"
	tests := []struct {
		name   string
		key    string
		prompt string
		want   string // the prompt as reported
	}{
		// (A requested ID that holds the key is refused before anything
		// is sent: TestClusterIDHoldingTheKeyIsRefused.)
		{name: "key inside a word", key: "demo-key-0123456789", prompt: "xdemo-key-0123456789s; Kindly note", want: "xREDACTEDs; Kindly note"},
		{name: "key as a word", key: "demo-key-0123456789", prompt: "the key demo-key-0123456789 was used.", want: "the key REDACTED was used."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _, _ := server(t, jsonReply(200, fmt.Sprintf(`{"code":0,"data":{"clusterId":%q,"prompt":%q}}`, id, tt.prompt)))
			c, err := New(tt.key, WithBaseURL(srv.URL))
			if err != nil {
				t.Fatal(err)
			}
			res, err := c.DropCluster(context.Background(), id)
			if err != nil {
				t.Fatalf("a successful drop was reported as %v", err)
			}
			if res.ClusterID != id || res.Prompt != tt.want {
				t.Errorf("got %+v, want cluster %s and prompt %q", res, id, tt.want)
			}
		})
	}
}

// quotingTransport is a careless middleware: its errors quote the request's
// Authorization header, as a debugging proxy or logger might.
type quotingTransport struct{}

func (quotingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, fmt.Errorf("proxy: %s with %q: %w", req.Method, req.Header.Get("Authorization"), err)
	}
	return res, nil
}

// TestKeyInATransportErrorIsHidden: when the key reaches the message of a
// transport error, it is hidden there, and the error keeps its chain:
// errors.Is still sees a deadline, and errors.As a *url.Error.
func TestKeyInATransportErrorIsHidden(t *testing.T) {
	tests := []struct {
		name     string
		handler  func(w http.ResponseWriter, r *http.Request)
		opts     []Option
		timeout  time.Duration // zero: none
		shown    string        // in the error, where the key was
		deadline bool          // errors.Is(err, context.DeadlineExceeded)
	}{
		{
			// net/http quotes a malformed status line in its error, so a
			// server that echoes the key there puts it into the message.
			name: "malformed status line echoes the key",
			handler: func(w http.ResponseWriter, r *http.Request) {
				conn, buf, err := w.(http.Hijacker).Hijack()
				if err != nil {
					return
				}
				defer conn.Close()
				_, _ = buf.WriteString("ECHO:" + strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ") + "\r\n\r\n")
				_ = buf.Flush()
			},
			shown: `malformed HTTP response "ECHO:REDACTED"`,
		},
		{
			// The server never answers; the caller's deadline ends the
			// wait, and a middleware quotes the key on the way out.
			name:     "deadline through a transport that quotes the key",
			handler:  func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() },
			opts:     []Option{WithTransport(quotingTransport{})},
			timeout:  50 * time.Millisecond,
			shown:    `proxy: DELETE with "Bearer REDACTED": `,
			deadline: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodDelete {
					n.Add(1)
				}
				tt.handler(w, r)
			}))
			t.Cleanup(srv.Close)
			c, _ := newTestClient(t, srv, tt.opts...)
			ctx := context.Background()
			if tt.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.timeout)
				defer cancel()
			}
			_, err := c.DropCluster(ctx, "in01-abc")
			if err == nil {
				t.Fatal("want an error")
			}
			if text := fmt.Sprintf("%v %+v", err, err); strings.Contains(text, testKey) {
				t.Errorf("error leaks the key: %s", text)
			}
			if !strings.Contains(err.Error(), tt.shown) {
				t.Errorf("error %q does not contain %q", err, tt.shown)
			}
			if got := errors.Is(err, context.DeadlineExceeded); got != tt.deadline {
				t.Errorf("errors.Is(err, context.DeadlineExceeded) = %v, want %v", got, tt.deadline)
			}
			var urlErr *url.Error
			if !errors.As(err, &urlErr) || strings.Contains(urlErr.Err.Error(), testKey) {
				t.Errorf("got %T %v, want a redacted *url.Error in the chain", err, err)
			}
			// A slow dial may meet the deadline before the server does,
			// with the same error; a retry would show as a second drop.
			// The describes that ask what happened get the same answer,
			// and the key in their errors is hidden too.
			if n.Load() > 1 {
				t.Errorf("%d drops, want at most 1", n.Load())
			}
		})
	}
}

func TestSuccessForAnotherClusterIsAnError(t *testing.T) {
	srv, _, _ := server(t, jsonReply(200, `{"code":0,"data":{"clusterId":"in01-other","prompt":"p"}}`))
	c, _ := newTestClient(t, srv)
	res, err := c.DropCluster(context.Background(), "in01-abc")
	var unexpected *UnexpectedResponseError
	if !errors.As(err, &unexpected) || !strings.Contains(err.Error(), `success names cluster "in01-other", not the requested "in01-abc"`) {
		t.Fatalf("got %+v, %v; want an *UnexpectedResponseError naming both clusters", res, err)
	}
}

func TestBodyReadFailureIsANetworkError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "500")
		_, _ = w.Write([]byte(`{"code":0,`))
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler)
	}))
	t.Cleanup(srv.Close)
	c, _ := newTestClient(t, srv)
	_, err := c.DropCluster(context.Background(), "in01-abc")
	var unexpected *UnexpectedResponseError
	if err == nil || errors.As(err, &unexpected) || !strings.Contains(err.Error(), "whether the drop happened is unknown") {
		t.Fatalf("got %T %v; want a network error saying the outcome is unknown", err, err)
	}
}

func TestDropRequestForDisplay(t *testing.T) {
	c, err := New(testKey, WithBaseURL("http://127.0.0.1:8080/prefix/"))
	if err != nil {
		t.Fatal(err)
	}
	req, err := c.DropRequestForDisplay(context.Background(), "in01-abc")
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprintf("%s %s auth=%q accept=%q", req.Method, req.URL, req.Header.Get("Authorization"), req.Header.Get("Accept"))
	want := `DELETE http://127.0.0.1:8080/prefix/v2/clusters/in01-abc/drop auth="Bearer REDACTED" accept="application/json"`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if _, err := c.DropRequestForDisplay(context.Background(), ".."); !errors.Is(err, ErrInvalidClusterID) {
		t.Errorf("got %v, want ErrInvalidClusterID", err)
	}
}

// TestBasePathThroughEnforce: a client whose base URL has a path (a proxy
// at /zilliz) passes an enforcing conformance.Transport, which routes the
// request without the prefix because the client built it from that base.
func TestBasePathThroughEnforce(t *testing.T) {
	const id = "in01-6183d6bac30f801"
	mux := http.NewServeMux()
	mux.HandleFunc("DELETE /zilliz/v2/clusters/{id}/drop", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"code":0,"data":{"clusterId":%q,"prompt":"p"}}`, r.PathValue("id"))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	v, err := conformance.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	for _, base := range []string{srv.URL + "/zilliz", srv.URL + "/zilliz/"} {
		t.Run(base, func(t *testing.T) {
			var reports []conformance.Result
			gate := &conformance.Transport{Validator: v, Mode: conformance.ModeEnforce, Report: func(r conformance.Result) { reports = append(reports, r) }}
			c, _ := newTestClient(t, srv, WithBaseURL(base), WithTransport(gate))
			res, err := c.DropCluster(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			if res.ClusterID != id {
				t.Errorf("got %+v", res)
			}
			if len(reports) != 1 || !reports[0].OK || !strings.HasSuffix(reports[0].URL, "/zilliz/v2/clusters/"+id+"/drop") {
				t.Errorf("reports %+v, want one that passed, with the full URL", reports)
			}
		})
	}
}
