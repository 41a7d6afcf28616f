package zcdrop

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

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
		{name: "short key", key: "in01", want: "API key is 4 bytes; keys are at least 16"},
		{name: "one-letter key", key: "K", want: "API key is 1 bytes; keys are at least 16"},
		{name: "one byte too short", key: "demo-key-012345", want: "API key is 15 bytes; keys are at least 16"},
		{name: "shortest key", key: "demo-key-0123456"},
		{name: "negative attempt timeout", key: testKey, opts: []Option{WithAttemptTimeout(-time.Second)}, want: "WithAttemptTimeout: negative timeout"},
		{name: "no attempt timeout", key: testKey, opts: []Option{WithAttemptTimeout(0)}},
		{name: "base path", key: testKey, opts: []Option{WithBaseURL("https://h/zilliz/")}},
		{name: "china", key: testKey, opts: []Option{WithBaseURL(ServerChina)}},
		{name: "loopback http", key: testKey, opts: []Option{WithBaseURL("http://127.0.0.1:8080")}},
		{name: "localhost http", key: testKey, opts: []Option{WithBaseURL("http://localhost:8080/")}},
		{name: "ipv6 loopback http", key: testKey, opts: []Option{WithBaseURL("http://[::1]:8080")}},
		{name: "remote http", key: testKey, opts: []Option{WithBaseURL("http://api.cloud.zilliz.com")}, want: "plain http is allowed only on loopback"},
		{name: "ftp", key: testKey, opts: []Option{WithBaseURL("ftp://x")}, want: "scheme must be https"},
		{name: "relative", key: testKey, opts: []Option{WithBaseURL("/v2")}, want: "scheme must be https"},
		{name: "credentials", key: testKey, opts: []Option{WithBaseURL("https://u:secret@h")}, want: "must not carry credentials"},
		{name: "query", key: testKey, opts: []Option{WithBaseURL("https://h/?a=b")}, want: "query or fragment"},
		{name: "nil client", key: testKey, opts: []Option{WithHTTPClient(nil)}, want: "WithHTTPClient: nil client"},
		{name: "nil transport", key: testKey, opts: []Option{WithTransport(nil)}, want: "WithTransport: nil transport"},
		{name: "transport", key: testKey, opts: []Option{WithTransport(http.DefaultTransport)}},
		{name: "nil CheckRetry", key: testKey, opts: []Option{WithRetryPolicy(nil, DefaultBackoff)}, want: "WithRetryPolicy: nil"},
		{name: "nil Backoff", key: testKey, opts: []Option{WithRetryPolicy(DefaultCheckRetry, nil)}, want: "WithRetryPolicy: nil"},
		{name: "retry policy", key: testKey, opts: []Option{WithRetryPolicy(DefaultCheckRetry, DefaultBackoff)}},
		{name: "zero attempts", key: testKey, opts: []Option{WithRetry(0, time.Second)}, want: "at least 1"},
		{name: "negative maxWait", key: testKey, opts: []Option{WithRetry(3, -time.Second)}, want: "negative maxWait"},
		{name: "no retries", key: testKey, opts: []Option{WithRetry(1, 0)}},
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
			if strings.Contains(err.Error(), "secret") || (len(tt.key) > 0 && strings.Contains(err.Error(), tt.key)) {
				t.Errorf("error quotes a credential: %v", err)
			}
		})
	}
}

// countingTransport sends through http.DefaultTransport and counts what it
// sends.
type countingTransport struct {
	n atomic.Int64
}

func (c *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return http.DefaultTransport.RoundTrip(req)
}

// TestRedirects: a redirect to another server is the answer, never followed,
// so that the key goes only where it was sent: by default and through
// WithTransport. WithHTTPClient hands the policy to the caller, as its doc
// says, and a plain *http.Client follows.
func TestRedirects(t *testing.T) {
	tests := []struct {
		name     string
		opts     func(rt http.RoundTripper) []Option
		viaRT    bool // the requests go through rt
		followed bool
	}{
		{name: "default client", opts: func(http.RoundTripper) []Option { return nil }},
		{name: "WithTransport", opts: func(rt http.RoundTripper) []Option { return []Option{WithTransport(rt)} }, viaRT: true},
		{
			name:     "WithHTTPClient keeps the caller's policy",
			opts:     func(rt http.RoundTripper) []Option { return []Option{WithHTTPClient(&http.Client{Transport: rt})} },
			viaRT:    true,
			followed: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var elsewhere atomic.Int64
			var keySeen atomic.Bool
			target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				elsewhere.Add(1)
				if strings.Contains(fmt.Sprint(r.Header), testKey) {
					keySeen.Store(true)
				}
			}))
			t.Cleanup(target.Close)
			srv, n, _ := server(t, reply{status: http.StatusTemporaryRedirect, header: map[string]string{"Location": target.URL + "/v2/clusters/in01-abc/drop"}})
			rt := &countingTransport{}
			// The outcome check is off: a followed redirect gets an empty
			// 200, whose describe would be redirected as well.
			c, _ := newTestClient(t, srv, append(tt.opts(rt), WithOutcomeCheck(false))...)
			_, err := c.DropCluster(context.Background(), "in01-abc")
			if n.Load() != 1 {
				t.Fatalf("%d requests reached the server, want 1", n.Load())
			}
			if tt.followed {
				if elsewhere.Load() != 1 || rt.n.Load() != 2 {
					t.Errorf("the other server saw %d requests and rt sent %d; want the redirect followed through rt", elsewhere.Load(), rt.n.Load())
				}
				return
			}
			var unexpected *UnexpectedResponseError
			if !errors.As(err, &unexpected) || unexpected.StatusCode != http.StatusTemporaryRedirect {
				t.Fatalf("got %v, want an *UnexpectedResponseError for the 307", err)
			}
			if elsewhere.Load() != 0 || keySeen.Load() {
				t.Errorf("the redirect was followed: the other server saw %d requests (the key: %v)", elsewhere.Load(), keySeen.Load())
			}
			if want := map[bool]int64{true: 1, false: 0}[tt.viaRT]; rt.n.Load() != want {
				t.Errorf("rt sent %d requests, want %d", rt.n.Load(), want)
			}
		})
	}
}

// TestClientNeverPrintsItsKey: no fmt verb, no logger and no dereference
// prints the key, nor its hex or base64 form, whether the Client is a
// pointer, a value, or a field of another struct.
func TestClientNeverPrintsItsKey(t *testing.T) {
	c, err := New(testKey, WithBaseURL("https://h/zilliz"))
	if err != nil {
		t.Fatal(err)
	}
	type exported struct{ C Client }
	type unexported struct{ c Client }
	values := map[string]any{
		"pointer":          c,
		"value":            *c,
		"exported field":   exported{*c},
		"unexported field": unexported{*c},
		"pointer field":    struct{ c *Client }{c},
		"slice":            []Client{*c},
	}
	leaks := []string{
		testKey,
		fmt.Sprintf("%x", testKey),
		fmt.Sprintf("%X", testKey),
		base64.StdEncoding.EncodeToString([]byte(testKey)),
		strings.Trim(fmt.Sprintf("% x", testKey), " ")[:20],
	}
	check := func(t *testing.T, what, out string) {
		t.Helper()
		for _, leak := range leaks {
			if strings.Contains(out, leak) {
				t.Errorf("%s prints the key (as %q): %s", what, leak, out)
			}
		}
	}
	for name, v := range values {
		t.Run(name, func(t *testing.T) {
			for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "% x", "%d", "%T"} {
				check(t, verb, fmt.Sprintf(verb, v))
			}
			check(t, "fmt.Sprint", fmt.Sprint(v))
			var buf bytes.Buffer
			log.New(&buf, "", 0).Print(v)
			slog.New(slog.NewTextHandler(&buf, nil)).Info("m", "client", v)
			slog.New(slog.NewJSONHandler(&buf, nil)).Info("m", "client", v)
			check(t, "log and slog", buf.String())
			if b, err := json.Marshal(v); err == nil {
				check(t, "json", string(b))
			}
		})
	}
	// What is printed still says which server the client talks to.
	for _, v := range []any{c, *c} {
		if got := fmt.Sprintf("%v", v); got != "zcdrop.Client{https://h/zilliz}" {
			t.Errorf("%%v = %q", got)
		}
	}
}

// neverAnswers accepts requests and sends nothing, until the test ends.
func neverAnswers(t *testing.T, headersFirst bool) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		if headersFirst {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", "100")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte(`{"code":`))
			w.(http.Flusher).Flush()
		}
		select {
		case <-done:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(done); srv.Close() })
	return srv, &n
}

// TestAttemptTimeout: an attempt that gets no whole answer in time ends
// with a deadline, and is not retried, even when the caller's context has
// no deadline of its own.
func TestAttemptTimeout(t *testing.T) {
	const timeout = 80 * time.Millisecond
	tests := []struct {
		name         string
		headersFirst bool
		contains     string
	}{
		{name: "no answer at all", contains: "no whole answer within the attempt timeout of 80ms"},
		{name: "headers, then nothing", headersFirst: true, contains: "whether the drop happened is unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, n := neverAnswers(t, tt.headersFirst)
			// One try, so that the describe after the lost answer waits
			// out one attempt timeout, not three.
			c, _ := newTestClient(t, srv, WithAttemptTimeout(timeout), WithRetry(1, 0))
			// A context without a deadline, cancelled only if the attempt
			// timeout fails, so that the test fails rather than hangs.
			ctx, cancel := context.WithCancel(context.Background())
			defer time.AfterFunc(10*time.Second, cancel).Stop()
			start := time.Now()
			_, err := c.DropCluster(ctx, "in01-abc")
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("the drop took %v with an attempt timeout of %v", took, timeout)
			}
			if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(fmt.Sprint(err), tt.contains) {
				t.Fatalf("got %v, want a deadline error containing %q", err, tt.contains)
			}
			// The drop, and the describe that asks what became of it.
			if n.Load() != 2 {
				t.Errorf("%d requests, want 2: a drop whose answer was lost is never retried blindly", n.Load())
			}
		})
	}
}

// deadlineTransport records the deadline of each request's context.
type deadlineTransport struct {
	deadline time.Time
	ok       bool
}

func (d *deadlineTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	d.deadline, d.ok = req.Context().Deadline()
	return http.DefaultTransport.RoundTrip(req)
}

// TestAttemptTimeoutDefault: by default an attempt gets
// DefaultAttemptTimeout; zero lifts the bound; a caller's sooner deadline
// stays.
func TestAttemptTimeoutDefault(t *testing.T) {
	if DefaultAttemptTimeout != 60*time.Second {
		t.Errorf("DefaultAttemptTimeout = %v, want the documented 60s", DefaultAttemptTimeout)
	}
	srv, _, _ := server(t, jsonReply(200, `{"code":0,"data":{"clusterId":"in01-abc","prompt":"p"}}`))
	tests := []struct {
		name     string
		opts     []Option
		ctx      time.Duration // the caller's own timeout; zero for none
		deadline time.Duration // want about this long from the start; zero for none
	}{
		{name: "default", deadline: DefaultAttemptTimeout},
		{name: "set", opts: []Option{WithAttemptTimeout(5 * time.Minute)}, deadline: 5 * time.Minute},
		{name: "off", opts: []Option{WithAttemptTimeout(0)}},
		{name: "off, the caller's deadline stays", opts: []Option{WithAttemptTimeout(0)}, ctx: 30 * time.Second, deadline: 30 * time.Second},
		{name: "the caller's sooner deadline stays", ctx: 10 * time.Second, deadline: 10 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt := &deadlineTransport{}
			c, _ := newTestClient(t, srv, append([]Option{WithTransport(rt)}, tt.opts...)...)
			ctx := context.Background()
			if tt.ctx > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.ctx)
				defer cancel()
			}
			start := time.Now()
			if _, err := c.DropCluster(ctx, "in01-abc"); err != nil {
				t.Fatal(err)
			}
			if tt.deadline == 0 {
				if rt.ok {
					t.Errorf("the request had a deadline %v from now, want none", time.Until(rt.deadline))
				}
				return
			}
			if got := rt.deadline.Sub(start); !rt.ok || got > tt.deadline+time.Second || got < tt.deadline-5*time.Second {
				t.Errorf("the request's deadline was %v after the start (set: %v), want about %v", got, rt.ok, tt.deadline)
			}
		})
	}
}
