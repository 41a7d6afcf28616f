package zcdrop

import (
	"context"
	"errors"
	"fmt"
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
			if strings.Contains(err.Error(), "secret") {
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
			c, _ := newTestClient(t, srv, tt.opts(rt)...)
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
