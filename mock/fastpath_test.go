package mock

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zcdrop/zcdrop/internal/clock/clocktest"
)

// withFullOnly turns the fast path off: every request takes the generated
// code's path.
func withFullOnly() Option {
	return func(s *Server) error {
		s.fullOnly = true
		return nil
	}
}

// withCountedRequestIDs numbers the answers' request IDs from 1, so that
// two Servers that answer the same requests give the same IDs.
func withCountedRequestIDs() Option {
	return func(s *Server) error {
		var n atomic.Uint64
		s.requestID = func() string { return fmt.Sprintf("%032x", n.Add(1)) }
		return nil
	}
}

// twin is a Server with the fast path and one without, alike otherwise:
// the same options, one fake clock, request IDs that count alike, and a
// loopback net/http server each. Sent the same requests in the same order,
// they must give the same answers, byte for byte but for the Date header.
type twin struct {
	clk        *clocktest.Clock
	fast, full *Server
	fastAddr   string
	fullAddr   string
	// generated is set when the fast Server's generated code's path
	// answers, that is when its fast path declined the request.
	generated atomic.Bool
	// fastLog and fullLog hold each Server's log, with WithLogger.
	fastLog, fullLog bytes.Buffer
}

func newTwin(t *testing.T, logged bool, opts ...Option) *twin {
	t.Helper()
	tw := &twin{clk: clocktest.New(testEpoch)}
	build := func(log *bytes.Buffer) *Server {
		all := append(slices.Clone(opts), WithClock(tw.clk.Now), withSleep(tw.clk), withCountedRequestIDs(), withFullOnly())
		if logged {
			all = append(all, WithLogger(slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{ReplaceAttr: withoutTimes}))))
		}
		s, err := New(all...)
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(s)
		t.Cleanup(ts.Close)
		if log == &tw.fastLog {
			tw.fastAddr = ts.Listener.Addr().String()
		} else {
			tw.fullAddr = ts.Listener.Addr().String()
		}
		return s
	}
	tw.full = build(&tw.fullLog)
	tw.fast = build(&tw.fastLog)
	// The fast Server is built as New builds it without withFullOnly, with
	// a spy in front of the generated code's path.
	generated := tw.fast.operation()
	tw.fast.handler = tw.fast.middleware(tw.fast.fastPath(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tw.generated.Store(true)
		generated.ServeHTTP(w, r)
	})))
	return tw
}

// withoutTimes drops the attributes of a log line that differ from one run
// to the next: the time and the latency.
func withoutTimes(_ []string, a slog.Attr) slog.Attr {
	if a.Key == slog.TimeKey || a.Key == "latency" {
		return slog.Attr{}
	}
	return a
}

// wireAnswer is an answer as read off the connection.
type wireAnswer struct {
	Proto            string
	Status           int
	Header           http.Header // without Date
	ContentLength    int64
	TransferEncoding []string
	Close            bool
	Body             string
	BodyErr          string // how reading the body failed, if it did
}

// send writes the raw request to addr on a connection of its own and reads
// the answer.
func send(t *testing.T, addr, request string) wireAnswer {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Not a timed assertion: a guard, so that a server that never answers
	// fails the test instead of hanging it.
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, request); err != nil {
		t.Fatal(err)
	}
	// The request's method tells whether the answer has a body (HEAD's has
	// none).
	method, _, _ := strings.Cut(request, " ")
	res, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: method})
	if err != nil {
		t.Fatalf("reading the answer to %q: %v", request, err)
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	a := wireAnswer{Proto: res.Proto, Status: res.StatusCode, Header: res.Header, ContentLength: res.ContentLength,
		TransferEncoding: res.TransferEncoding, Close: res.Close, Body: string(body)}
	if err != nil {
		a.BodyErr = err.Error()
	}
	if a.Header.Get("Date") == "" {
		t.Errorf("answer to %q has no Date header", request)
	}
	a.Header.Del("Date")
	return a
}

// route is which of the fast Server's paths a step's request must take.
type route string

const (
	onFast   route = "the fast path"
	onFull   route = "the generated code's path" // the fast path declines
	onEither route = "either path"               // a fault answers before either
)

// step is one thing that a scenario does to both Servers of a twin: send
// a raw request, or move their clock.
type step struct {
	name    string
	request string        // a raw HTTP request, sent as it is
	want    route         // the path that the request takes
	advance time.Duration // when request is "": how far the clock moves
}

// rawRequest is an HTTP/1.1 request with a Host header and the given
// header lines, and no body.
func rawRequest(method, target string, lines ...string) string {
	var b strings.Builder
	b.WriteString(method + " " + target + " HTTP/1.1\r\nHost: mock\r\n")
	for _, l := range lines {
		b.WriteString(l + "\r\n")
	}
	b.WriteString("\r\n")
	return b.String()
}

func authLine(key string) string { return "Authorization: " + bearer(key) }

func get(target string, lines ...string) string { return rawRequest(http.MethodGet, target, lines...) }
func del(target string, lines ...string) string {
	return rawRequest(http.MethodDelete, target, lines...)
}

// requestSteps are requests of every kind that the mock tells apart, in an
// order that takes clusters through their states: good ones, bad IDs, bad
// keys, wrong methods and paths, queries and bodies, every cluster's plan.
func requestSteps() []step {
	all := authLine(keyAll)
	return []step{
		{name: "describe dedicated", request: get(describePath(dedicatedID), all), want: onFast},
		{name: "describe serverless", request: get(describePath(serverlessID), all), want: onFast},
		{name: "describe free", request: get(describePath(freeID), all), want: onFast},
		{name: "describe on-demand", request: get(describePath(onDemandID), all), want: onFast},
		{name: "accept json", request: get(describePath(dedicatedID), all, "Accept: application/json"), want: onFast},
		{name: "accept anything", request: get(describePath(dedicatedID), all, "Accept: */*"), want: onFull},
		{name: "accept twice", request: get(describePath(dedicatedID), all, "Accept: application/json", "Accept: application/json"), want: onFull},
		{name: "empty content length", request: get(describePath(dedicatedID), all, "Content-Length: 0"), want: onFast},
		{name: "HTTP/1.0", request: "GET " + describePath(dedicatedID) + " HTTP/1.0\r\n" + all + "\r\n\r\n", want: onFast},
		{name: "absolute-form target", request: get("http://mock"+describePath(dedicatedID), all), want: onFast},
		{name: "lowercase bearer", request: get(describePath(dedicatedID), "Authorization: bearer "+keyAll), want: onFull},
		{name: "two spaces after bearer", request: get(describePath(dedicatedID), "Authorization: Bearer  "+keyAll), want: onFull},
		{name: "authorization twice", request: get(describePath(dedicatedID), all, all), want: onFull},
		{name: "no authorization", request: get(describePath(dedicatedID)), want: onFull},
		{name: "basic scheme", request: get(describePath(dedicatedID), "Authorization: Basic "+keyAll), want: onFull},
		{name: "bearer without key", request: get(describePath(dedicatedID), "Authorization: Bearer "), want: onFull},
		{name: "unknown key", request: get(describePath(dedicatedID), authLine("mock-key-unknown-0123456789")), want: onFull},
		{name: "scoped key in scope", request: get(describePath(serverlessID), authLine(keyScoped)), want: onFast},
		{name: "scoped key out of scope", request: get(describePath(dedicatedID), authLine(keyScoped)), want: onFast},
		{name: "scoped key on unknown cluster", request: get(describePath(unknownID), authLine(keyScoped)), want: onFull},
		{name: "unknown cluster", request: get(describePath(unknownID), all), want: onFull},
		{name: "escaped seeded ID", request: get(describePath(strings.TrimSuffix(dedicatedID, "1")+"%31"), all), want: onFull},
		{name: "uppercase ID", request: get(describePath(strings.ToUpper(dedicatedID)), all), want: onFull},
		{name: "dot-dot ID", request: get(describePath(".."), all), want: onFull},
		{name: "escaped dot-dot ID", request: get(describePath("%2e%2e"), all), want: onFull},
		{name: "empty ID", request: del(dropPath(""), all), want: onFull},
		{name: "encoded slash", request: get(describePath("in01-a%2F..%2F"+dedicatedID), all), want: onFull},
		{name: "over-long ID", request: get(describePath("in01-"+strings.Repeat("a", 60)), all), want: onFull},
		{name: "query", request: get(describePath(dedicatedID)+"?x=1", all), want: onFull},
		{name: "empty query", request: get(describePath(dedicatedID)+"?", all), want: onFull},
		{name: "query of an empty pair", request: get(describePath(dedicatedID)+"?=", all), want: onFull},
		{name: "drop with a body", request: del(dropPath(dedicatedID), all, "Content-Length: 5") + "hello", want: onFull},
		{name: "empty chunked body", request: get(describePath(dedicatedID), all, "Transfer-Encoding: chunked") + "0\r\n\r\n", want: onFull},
		{name: "POST on drop path", request: rawRequest(http.MethodPost, dropPath(dedicatedID), all), want: onFull},
		{name: "GET on drop path", request: get(dropPath(dedicatedID), all), want: onFull},
		{name: "DELETE on describe path", request: del(describePath(dedicatedID), all), want: onFull},
		{name: "HEAD on describe path", request: rawRequest(http.MethodHead, describePath(dedicatedID), all), want: onFull},
		{name: "trailing slash", request: get(describePath(dedicatedID)+"/", all), want: onFull},
		{name: "v1 path", request: del("/v1/clusters/"+dedicatedID+"/drop", all), want: onFull},
		{name: "clusters", request: get("/v2/clusters/", all), want: onFull},
		{name: "drop dedicated", request: del(dropPath(dedicatedID), all), want: onFast},
		{name: "drop dedicated again", request: del(dropPath(dedicatedID), all), want: onFast},
		{name: "describe dropped", request: get(describePath(dedicatedID), all), want: onFast},
		{name: "scoped drop out of scope", request: del(dropPath(freeID), authLine(keyScoped)), want: onFast},
		{name: "scoped drop in scope", request: del(dropPath(serverlessID), authLine(keyScoped)), want: onFast},
		{name: "drop on-demand accepting json", request: del(dropPath(onDemandID), all, "Accept: application/json"), want: onFast},
		{name: "drop unknown", request: del(dropPath(unknownID), all), want: onFull},
		{name: "drop free", request: del(dropPath(freeID), all), want: onFast},
		{name: "describe free dropped", request: get(describePath(freeID), all), want: onFast},
	}
}

// lifecycleSteps take a cluster of each plan, and the shortest and the
// longest IDs, through every state, with a delete delay of a minute and a
// purge delay of an hour.
func lifecycleSteps(ids ...string) []step {
	all := authLine(keyAll)
	var steps []step
	each := func(name string, request func(id string) string) {
		for _, id := range ids {
			steps = append(steps, step{name: name + " " + id, request: request(id), want: onFast})
		}
	}
	each("describe running", func(id string) string { return get(describePath(id), all) })
	each("drop", func(id string) string { return del(dropPath(id), all) })
	each("describe deleting", func(id string) string { return get(describePath(id), all) })
	steps = append(steps, step{name: "delete delay", advance: time.Minute})
	each("describe deleted", func(id string) string { return get(describePath(id), all) })
	each("drop deleted", func(id string) string { return del(dropPath(id), all) })
	steps = append(steps, step{name: "purge delay", advance: time.Hour})
	each("describe purged", func(id string) string { return get(describePath(id), all) })
	each("drop purged", func(id string) string { return del(dropPath(id), all) })
	return steps
}

// The fast path answers what the generated code's path answers, byte for
// byte but for the Date header, and changes the clusters and the rate
// limits alike, over scenarios that reach every answer: every kind of
// request, every state, the rate limit of each operation, every fault, the
// latency and the log. Each step says which path the request must take, so
// that the fast path is held to the requests it is meant for, and cannot
// pass by declining them all.
func TestFastPathAnswersAsTheGeneratedCode(t *testing.T) {
	all := authLine(keyAll)
	shortest, longest := "in-x", "in01-"+strings.Repeat("a", clusterIDMaxLength-5)
	tests := []struct {
		name   string
		opts   []Option
		logged bool
		steps  []step
	}{
		{name: "requests", opts: seeded(WithRateLimit(0)), steps: requestSteps()},
		{name: "requests logged", opts: seeded(WithRateLimit(0)), logged: true, steps: requestSteps()},
		{
			name: "lifecycle",
			opts: []Option{
				WithClusters(dedicatedID, serverlessID, freeID, onDemandID, shortest, longest), WithAPIKey(keyAll),
				WithDeleteDelay(time.Minute), WithPurgeDelay(time.Hour), WithRateLimit(0),
			},
			steps: lifecycleSteps(dedicatedID, serverlessID, freeID, onDemandID, shortest, longest),
		},
		{
			name: "rate limit per operation", opts: seeded(WithRateLimit(2)), logged: true,
			steps: []step{
				// The generated code's path spends the same budget of each
				// operation as the fast path.
				{name: "describe", request: get(describePath(dedicatedID), all), want: onFast},
				{name: "describe with a query", request: get(describePath(serverlessID)+"?x", all), want: onFull},
				{name: "describe past the limit", request: get(describePath(dedicatedID), all), want: onFast},
				{name: "drop with a query", request: del(dropPath(dedicatedID)+"?force=true", all), want: onFull},
				{name: "drop", request: del(dropPath(dedicatedID), all), want: onFast},
				{name: "drop past the limit", request: del(dropPath(freeID), all), want: onFast},
				{name: "unknown cluster past the limit", request: del(dropPath(unknownID), all), want: onFull},
				{name: "another key's budget", request: get(describePath(serverlessID), authLine(keyScoped)), want: onFast},
				{name: "one token", advance: time.Second / 2},
				{name: "drop after a token", request: del(dropPath(freeID), all), want: onFast},
				{name: "describe after a token", request: get(describePath(freeID), all), want: onFast},
				{name: "describe past the limit again", request: get(describePath(freeID), all), want: onFast},
				{name: "unknown key spends nothing", request: get(describePath(freeID), authLine("mock-key-unknown-0123456789")), want: onFull},
			},
		},
		{
			name: "faults",
			opts: seeded(WithRateLimit(0),
				WithFault(Fault{Kind: FaultStatus, StatusCode: http.StatusServiceUnavailable, Times: 1}),
				WithFault(Fault{Kind: FaultStatus, StatusCode: http.StatusUnauthorized, Times: 1}),
				WithFault(Fault{Kind: FaultBadGatewayHTML, Times: 1}),
				WithFault(Fault{Kind: FaultTruncatedJSON, Times: 2}),
				WithFault(Fault{Kind: FaultAbortMidBody, Times: 2}),
			),
			logged: true,
			steps: []step{
				{name: "status", request: get(describePath(dedicatedID), all), want: onEither},
				{name: "401 status", request: get(describePath(dedicatedID), all), want: onEither},
				{name: "html 502", request: del(dropPath(dedicatedID), all), want: onEither},
				{name: "truncated drop", request: del(dropPath(dedicatedID), all), want: onFast},
				{name: "truncated describe", request: get(describePath(dedicatedID), all), want: onFast},
				{name: "aborted describe", request: get(describePath(freeID), all), want: onFast},
				{name: "aborted drop with a query", request: del(dropPath(freeID)+"?x", all), want: onFull},
				{name: "after the faults", request: get(describePath(dedicatedID), all), want: onFast},
			},
		},
		{
			name: "latency", opts: seeded(WithRateLimit(0), WithLatency(time.Second)), logged: true,
			steps: []step{
				{name: "describe", request: get(describePath(dedicatedID), all), want: onFast},
				{name: "drop", request: del(dropPath(dedicatedID), all), want: onFast},
				{name: "bad key", request: del(dropPath(freeID)), want: onFull},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tw := newTwin(t, tt.logged, tt.opts...)
			for _, s := range tt.steps {
				if s.request == "" {
					tw.clk.Advance(s.advance)
					continue
				}
				tw.generated.Store(false)
				fast := send(t, tw.fastAddr, s.request)
				if took := map[bool]route{false: onFast, true: onFull}[tw.generated.Load()]; s.want != onEither && took != s.want {
					t.Errorf("%s: took %s, want %s", s.name, took, s.want)
				}
				if full := send(t, tw.fullAddr, s.request); !reflect.DeepEqual(fast, full) {
					t.Errorf("%s: answers differ\nfast path: %+v\ngenerated: %+v", s.name, fast, full)
				}
			}
			for _, id := range []string{dedicatedID, serverlessID, freeID, onDemandID, shortest, longest} {
				fast, fastOK := tw.fast.Cluster(id)
				full, fullOK := tw.full.Cluster(id)
				if fast != full || fastOK != fullOK {
					t.Errorf("Cluster(%s): %+v, %v with the fast path; %+v, %v without", id, fast, fastOK, full, fullOK)
				}
			}
			if tw.fastLog.String() != tw.fullLog.String() {
				t.Errorf("logs differ\nfast path:\n%s\ngenerated:\n%s", &tw.fastLog, &tw.fullLog)
			}
			if tt.logged && tw.fastLog.Len() == 0 {
				t.Error("nothing was logged")
			}
		})
	}
}

// New puts the fast path in front of the generated code's path, unless a
// test turns it off: a conforming describe, which the fast path answers,
// allocates less than half of what the generated code's path does (on
// go1.26, 10 allocations against 33, the recorder's included).
func TestNewTakesTheFastPath(t *testing.T) {
	allocs := func(opts ...Option) float64 {
		srv, err := New(seeded(append(opts, WithRateLimit(0))...)...)
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest(http.MethodGet, describePath(dedicatedID), nil)
		req.Header.Set("Authorization", bearer(keyAll))
		return testing.AllocsPerRun(50, func() {
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				t.Fatalf("HTTP %d %s", rec.Code, rec.Body)
			}
		})
	}
	fast, full := allocs(), allocs(withFullOnly())
	if fast >= full/2 {
		t.Errorf("a describe allocates %.0f times with the fast path and %.0f times without; want less than half", fast, full)
	}
}

// FuzzFastPathAgrees sends arbitrary raw requests to a Server with the
// fast path and one without, in the same order, and checks that their
// answers are the same. The clock moves 3 seconds after each, so that
// clusters go through their states (the delete delay is 10 seconds, the
// purge delay a minute) and the rate limit refills.
func FuzzFastPathAgrees(f *testing.F) {
	for _, s := range append(requestSteps(), lifecycleSteps(dedicatedID, freeID)...) {
		if s.request != "" {
			f.Add(s.request)
		}
	}
	clk := clocktest.New(testEpoch)
	build := func(opts ...Option) *Server {
		srv, err := New(seeded(append(opts, WithClock(clk.Now), withCountedRequestIDs())...)...)
		if err != nil {
			f.Fatal(err)
		}
		return srv
	}
	fast, full := build(), build(withFullOnly())
	f.Fuzz(func(t *testing.T, request string) {
		serve := func(srv *Server) (*httptest.ResponseRecorder, bool) {
			req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(request)))
			if err != nil {
				return nil, false
			}
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			return rec, true
		}
		defer clk.Advance(3 * time.Second)
		fastRec, ok := serve(fast)
		if !ok {
			t.Skip("net/http refuses this request before any handler runs")
		}
		fullRec, _ := serve(full)
		if fastRec.Code != fullRec.Code || !reflect.DeepEqual(fastRec.Header(), fullRec.Header()) || !bytes.Equal(fastRec.Body.Bytes(), fullRec.Body.Bytes()) {
			t.Errorf("%q: answers differ\nfast path: HTTP %d %v %q\ngenerated: HTTP %d %v %q", request,
				fastRec.Code, fastRec.Header(), fastRec.Body, fullRec.Code, fullRec.Header(), fullRec.Body)
		}
	})
}
