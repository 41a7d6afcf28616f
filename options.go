package zcdrop

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/zcdrop/zcdrop/api"
	"github.com/zcdrop/zcdrop/internal/httpclient"
)

// Option configures a Client. Options check their own input, so New reports
// a bad base URL rather than the first request.
type Option func(*options) error

type options struct {
	baseURL        string
	doer           api.HttpRequestDoer
	userAgent      string
	attempts       int
	maxWait        time.Duration
	attemptTimeout time.Duration
	checkRetry     CheckRetry
	backoff        Backoff
	ratePerSecond  float64
	rateBurst      int
	outcomeCheck   bool
}

func defaultOptions() options {
	return options{
		baseURL:        ServerGlobal,
		doer:           httpclient.NoRedirects(nil),
		userAgent:      "zcdrop",
		attempts:       3,
		maxWait:        30 * time.Second,
		attemptTimeout: DefaultAttemptTimeout,
		checkRetry:     DefaultCheckRetry,
		backoff:        DefaultBackoff,
		ratePerSecond:  DefaultRateLimit,
		rateBurst:      DefaultRateBurst,
		outcomeCheck:   true,
	}
}

// DefaultAttemptTimeout bounds each request that a Client sends unless
// WithAttemptTimeout says otherwise. The API answers a drop in well under a
// second; a minute leaves room for a slow network and a slow proxy.
const DefaultAttemptTimeout = 60 * time.Second

// WithAttemptTimeout bounds each request that a Client sends (each
// attempt of DropCluster and DescribeCluster, each poll of WaitDropped),
// from sending the request to reading the whole answer (default
// DefaultAttemptTimeout), so that a server that never answers cannot hold
// a caller whose ctx has no deadline. ctx's own deadline still applies when
// it comes sooner. A drop that runs out of time is never sent again
// blindly, since it may have happened (see LostAnswerError), and its error
// matches context.DeadlineExceeded. Zero lifts the
// bound, leaving ctx alone to end the call; a negative d is refused.
func WithAttemptTimeout(d time.Duration) Option {
	return func(o *options) error {
		if d < 0 {
			return fmt.Errorf("zcdrop: WithAttemptTimeout: negative timeout %s", d)
		}
		o.attemptTimeout = d
		return nil
	}
}

// WithBaseURL sends requests to base instead of ServerGlobal: ServerChina,
// or a test server. It must be https, except on a loopback host, so that the
// key never crosses a network in clear. A path in base (a proxy at
// https://host/zilliz) prefixes every request's path, and the client marks
// its requests with it (conformance.WithBasePath), so that a
// conformance.Transport routes them without it.
func WithBaseURL(base string) Option {
	return func(o *options) error {
		if err := checkBaseURL(base); err != nil {
			return err
		}
		o.baseURL = strings.TrimRight(base, "/")
		return nil
	}
}

// WithTransport sends requests through rt, for instance a
// conformance.Transport that validates every exchange, and keeps the
// default policy of following no redirect, so that the key goes only where
// it was sent. Prefer it to WithHTTPClient; of the two, the last one given
// wins.
func WithTransport(rt http.RoundTripper) Option {
	return func(o *options) error {
		if rt == nil {
			return errors.New("zcdrop: WithTransport: nil transport")
		}
		o.doer = httpclient.NoRedirects(rt)
		return nil
	}
}

// WithHTTPClient sends requests through doer, typically an *http.Client.
// The client keeps its own redirect policy: an *http.Client with none
// follows redirects, and Go then resends the key to wherever they point. To
// plug in a transport and keep the safe policy, use WithTransport.
func WithHTTPClient(doer api.HttpRequestDoer) Option {
	return func(o *options) error {
		if doer == nil {
			return errors.New("zcdrop: WithHTTPClient: nil client")
		}
		o.doer = doer
		return nil
	}
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option {
	return func(o *options) error {
		if strings.ContainsAny(ua, "\r\n") {
			return errors.New("zcdrop: WithUserAgent: line break in user agent")
		}
		o.userAgent = ua
		return nil
	}
}

// WithRetry sets how many times DropCluster and DescribeCluster try in all
// (default 3; 1 turns retries off) and the longest they wait between tries
// (default 30s), whatever the Backoff or a Retry-After header asks for.
// Which answers are retried is the CheckRetry's call (see
// WithRetryPolicy); a drop whose answer never arrived whole is sent again
// only once Describe Cluster has shown that it did not happen (see
// LostAnswerError), and counts as a try.
func WithRetry(attempts int, maxWait time.Duration) Option {
	return func(o *options) error {
		if attempts < 1 {
			return fmt.Errorf("zcdrop: WithRetry: attempts must be at least 1, got %d", attempts)
		}
		if maxWait < 0 {
			return fmt.Errorf("zcdrop: WithRetry: negative maxWait %s", maxWait)
		}
		o.attempts, o.maxWait = attempts, maxWait
		return nil
	}
}

// WithRetryPolicy replaces DefaultCheckRetry, which decides whether an
// answer is retried, and DefaultBackoff, which decides how long to wait
// first. Neither may be nil.
func WithRetryPolicy(check CheckRetry, backoff Backoff) Option {
	return func(o *options) error {
		if check == nil || backoff == nil {
			return errors.New("zcdrop: WithRetryPolicy: nil CheckRetry or Backoff")
		}
		o.checkRetry, o.backoff = check, backoff
		return nil
	}
}

// WithOutcomeCheck turns off (false) or on (true, the default) the
// question that DropCluster asks Describe Cluster after a drop whose answer
// was lost (see LostAnswerError). Off, such a drop ends in a
// *LostAnswerError that says only that the outcome is unknown, after
// exactly one request: what a probe of single exchanges wants.
func WithOutcomeCheck(on bool) Option {
	return func(o *options) error {
		o.outcomeCheck = on
		return nil
	}
}

func checkBaseURL(base string) error {
	u, err := url.Parse(base)
	if err != nil {
		return fmt.Errorf("zcdrop: base URL %q: %w", base, err)
	}
	switch {
	case u.Scheme != "https" && u.Scheme != "http":
		return fmt.Errorf("zcdrop: base URL %q: scheme must be https", base)
	case u.Host == "":
		return fmt.Errorf("zcdrop: base URL %q: no host", base)
	case u.User != nil:
		return fmt.Errorf("zcdrop: base URL %q: must not carry credentials", u.Redacted())
	case u.RawQuery != "" || u.Fragment != "":
		return fmt.Errorf("zcdrop: base URL %q: must not have a query or fragment", base)
	case u.Scheme == "http" && !isLoopback(u.Hostname()):
		return fmt.Errorf("zcdrop: base URL %q: plain http is allowed only on loopback hosts; use https", base)
	}
	return nil
}

// isLoopback reports whether host (without port) is localhost or a loopback
// address, where plain http cannot leak a key.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
