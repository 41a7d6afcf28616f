package zcdrop

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zcdrop/zcdrop/api"
	"github.com/zcdrop/zcdrop/internal/clock/clocktest"
)

const testKey = "zc-TEST-KEY-d41d8cd98f00b204"

// reply is one canned answer of the test server.
type reply struct {
	status      int
	contentType string
	body        string
	header      map[string]string
}

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
		rep := replies[min(i, len(replies)-1)]
		w.Header().Set("requestid", fmt.Sprintf("req-%d", i))
		for k, v := range rep.header {
			w.Header().Set(k, v)
		}
		if rep.contentType != "" {
			w.Header().Set("Content-Type", rep.contentType)
		}
		w.WriteHeader(rep.status)
		_, _ = w.Write([]byte(rep.body))
	}))
	t.Cleanup(srv.Close)
	return srv, &n, &seen
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

func TestDropClusterSuccess(t *testing.T) {
	srv, n, seen := server(t, jsonReply(200, `{"code":0,"data":{"clusterId":"in01-6183d6bac30f801","prompt":"The cluster has been deleted."}}`))
	c, _ := newTestClient(t, srv)
	res, err := c.DropCluster(context.Background(), "in01-6183d6bac30f801")
	if err != nil {
		t.Fatal(err)
	}
	want := DropResult{ClusterID: "in01-6183d6bac30f801", Prompt: "The cluster has been deleted.", RequestID: "req-0"}
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
	envelope := func(code int) string { return fmt.Sprintf(`{"code":%d,"message":"m%d"}`, code, code) }
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
		{name: "long body is cut", replies: []reply{{status: 502, contentType: "text/html", body: strings.Repeat("x", 5000)}}, sentinel: ErrServer, requests: 1, contains: strings.Repeat("x", snippetLen) + `..."`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, n, _ := server(t, tt.replies...)
			c, _ := newTestClient(t, srv)
			res, err := c.DropCluster(context.Background(), "in01-6183d6bac30f801")
			if err == nil {
				t.Fatalf("got success %+v, want an error", res)
			}
			if got := n.Load(); got != tt.requests {
				t.Errorf("%d requests, want %d", got, tt.requests)
			}
			for _, s := range []error{ErrUnauthorized, ErrPermissionDenied, ErrClusterNotFound, ErrInvalidClusterID, ErrUnsupportedPlan, ErrRateLimited, ErrServer} {
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
}

func TestNetworkErrorIsNotRetried(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}))
	t.Cleanup(srv.Close)
	c, _ := newTestClient(t, srv)
	_, err := c.DropCluster(context.Background(), "in01-abc")
	if err == nil {
		t.Fatal("want an error from a closed connection")
	}
	if n.Load() != 1 {
		t.Errorf("%d requests, want 1: a drop whose outcome is unknown must not be resent", n.Load())
	}
	if strings.Contains(err.Error(), testKey) {
		t.Errorf("error leaks the key: %v", err)
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

func TestNew(t *testing.T) {
	tests := []struct {
		name string
		key  string
		opts []Option
		want string // error substring; empty means success
	}{
		{name: "defaults", key: testKey},
		{name: "empty key", key: "", want: "empty API key"},
		{name: "key with newline", key: "abc\ndef", want: "whitespace or a control character"},
		{name: "china", key: testKey, opts: []Option{WithBaseURL(ServerChina)}},
		{name: "loopback http", key: testKey, opts: []Option{WithBaseURL("http://127.0.0.1:8080")}},
		{name: "localhost http", key: testKey, opts: []Option{WithBaseURL("http://localhost:8080/")}},
		{name: "ipv6 loopback http", key: testKey, opts: []Option{WithBaseURL("http://[::1]:8080")}},
		{name: "remote http", key: testKey, opts: []Option{WithBaseURL("http://api.cloud.zilliz.com")}, want: "plain http is allowed only on loopback"},
		{name: "ftp", key: testKey, opts: []Option{WithBaseURL("ftp://x")}, want: "scheme must be https"},
		{name: "relative", key: testKey, opts: []Option{WithBaseURL("/v2")}, want: "scheme must be https"},
		{name: "credentials", key: testKey, opts: []Option{WithBaseURL("https://u:secret@h")}, want: "must not carry credentials"},
		{name: "query", key: testKey, opts: []Option{WithBaseURL("https://h/?a=b")}, want: "query or fragment"},
		{name: "nil client", key: testKey, opts: []Option{WithHTTPClient(nil)}, want: "nil client"},
		{name: "zero attempts", key: testKey, opts: []Option{WithRetry(0, time.Second)}, want: "at least 1"},
		{name: "user agent injection", key: testKey, opts: []Option{WithUserAgent("a\r\nX: y")}, want: "line break"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(tt.key, tt.opts...)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c)} {
					if strings.Contains(s, testKey) {
						t.Errorf("formatting the client leaks the key: %s", s)
					}
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("error quotes a credential: %v", err)
			}
		})
	}
}

// TestEveryKnownCodeIsClassified keeps codeSentinels and the codes listed in
// openapi.yaml (x-zilliz-error-codes) in step: a code added to the spec must
// be given a sentinel here, or be listed as deliberately without one.
func TestEveryKnownCodeIsClassified(t *testing.T) {
	withoutSentinel := map[int]bool{40003: true}
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
		if _, ok := codeSentinels[l.Code]; !ok && !withoutSentinel[l.Code] {
			t.Errorf("code %d is in openapi.yaml but has no sentinel", l.Code)
		}
	}
	for c := range codeSentinels {
		if !inSpec[c] {
			t.Errorf("code %d has a sentinel but is not listed in openapi.yaml", c)
		}
	}
}

func TestRedirectsAreNotFollowed(t *testing.T) {
	var elsewhere atomic.Int64
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { elsewhere.Add(1) }))
	t.Cleanup(target.Close)
	srv, _, _ := server(t, reply{status: http.StatusTemporaryRedirect, header: map[string]string{"Location": target.URL + "/v2/clusters/in01-abc/drop"}})
	c, err := New(testKey, WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.DropCluster(context.Background(), "in01-abc")
	var unexpected *UnexpectedResponseError
	if !errors.As(err, &unexpected) || unexpected.StatusCode != http.StatusTemporaryRedirect {
		t.Fatalf("got %v, want an *UnexpectedResponseError for the 307", err)
	}
	if elsewhere.Load() != 0 {
		t.Error("the redirect was followed: the key went to another server")
	}
}

// FuzzInterpret feeds arbitrary answers to the response classifier: it must
// never panic, never return both or neither of a result and an error, and
// call a drop successful only for a JSON body whose code is 0.
func FuzzInterpret(f *testing.F) {
	f.Add(200, "application/json", `{"code":0,"data":{"clusterId":"in01-abc","prompt":"p"}}`)
	f.Add(200, "application/json", `{"code":96018,"message":"m"}`)
	f.Add(200, "application/json", `{"code":0}`)
	f.Add(401, "application/json", `{"code":21119,"message":"The apikey is illegal."}`)
	f.Add(502, "text/html", `<html>`)
	f.Add(429, "application/json; charset=utf-8", `{"code":"x"}`)
	f.Fuzz(func(t *testing.T, status int, contentType, body string) {
		if status < 100 || status > 999 {
			return
		}
		res := &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {contentType}}}
		got, err := interpret(res, []byte(body))
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _, _ := server(t, tt.reply)
			c, _ := newTestClient(t, srv)
			_, err := c.DropCluster(context.Background(), "in01-abc")
			if err == nil {
				t.Fatal("want an error")
			}
			for _, part := range []string{testKey, testKey[:3], testKey[len(testKey)-12:]} {
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
		// Beyond what a time.Duration holds: saturated, then capped, never
		// wrapped into a negative wait that would turn retries off.
		"18446744073": time.Minute,
	}
	for header, want := range tests {
		t.Run(header, func(t *testing.T) {
			res := &http.Response{StatusCode: 429, Header: http.Header{}}
			if header != "" {
				res.Header.Set("Retry-After", header)
			}
			if got, ok := c.retryWait(1, res); !ok || got != want {
				t.Errorf("Retry-After %q: wait %s, want %s", header, got, want)
			}
		})
	}
	clk := clocktest.New(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	c.clock = clk
	date := &http.Response{StatusCode: 503, Header: http.Header{"Retry-After": {clk.Now().Add(20 * time.Second).Format(http.TimeFormat)}}}
	if got, ok := c.retryWait(1, date); !ok || got != 20*time.Second {
		t.Errorf("Retry-After as a date 20s ahead: wait %s", got)
	}
}
