// Package zcdrop drops Zilliz Cloud clusters safely, with typed errors. It is
// the hand-written front door over the client that oapi-codegen generates
// from openapi.yaml into package api.
//
//	c, err := zcdrop.New(os.Getenv("ZILLIZ_API_KEY"))
//	res, err := c.DropCluster(ctx, "in01-6183d6bac30f801")
//	if errors.Is(err, zcdrop.ErrClusterNotFound) { /* already gone */ }
//
// The API reports most failures as HTTP 200 with a non-zero code; DropCluster
// turns every one of them into an *APIError, never a success.
package zcdrop

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/zcdrop/zcdrop/api"
)

// noRedirects is the default HTTP client. The API never redirects a drop;
// a redirect is reported as an unexpected response rather than followed.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// The control planes. Both serve the same API under /v2.
const (
	// ServerGlobal serves regions on AWS, GCP and Azure. It is the default.
	ServerGlobal = "https://api.cloud.zilliz.com"
	// ServerChina serves regions on Alibaba Cloud and Tencent Cloud.
	ServerChina = "https://api.cloud.zilliz.com.cn"
)

const (
	maxBodyBytes = 1 << 20 // Drop Cluster bodies are a few hundred bytes.
	snippetLen   = 200
	redacted     = "REDACTED"
)

// Client drops clusters. It is safe for concurrent use. Its key is never
// printed: not by errors, not by %v of the Client.
type Client struct {
	api      *api.ClientWithResponses
	server   string // the base URL, with the trailing slash the generated client adds
	edit     api.RequestEditorFn
	key      string
	attempts int
	maxWait  time.Duration
	sleep    func(context.Context, time.Duration) error
}

// Option configures a Client. Options check their own input, so New reports
// a bad base URL rather than the first request.
type Option func(*options) error

type options struct {
	baseURL   string
	doer      api.HttpRequestDoer
	userAgent string
	attempts  int
	maxWait   time.Duration
}

// WithBaseURL sends requests to base instead of ServerGlobal: ServerChina,
// or a test server. It must be https, except on a loopback host, so that the
// key never crosses a network in clear.
func WithBaseURL(base string) Option {
	return func(o *options) error {
		if err := checkBaseURL(base); err != nil {
			return err
		}
		o.baseURL = strings.TrimRight(base, "/")
		return nil
	}
}

// WithHTTPClient sends requests through doer, typically an *http.Client,
// for instance one whose Transport is a conformance.Transport. The default
// client follows no redirects, so that the key goes only where it was sent;
// a client given here keeps its own redirect policy.
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

// WithRetry sets how many times DropCluster tries in all (default 3; 1
// turns retries off) and the longest it waits between tries (default 30s).
// Only HTTP 429 and 503 are retried: in both cases the server did not act. A
// network error is never retried, because the drop may have happened.
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

// New returns a Client that authenticates with apiKey. It refuses an empty
// key, and a key with whitespace or control characters, which no header can
// carry.
func New(apiKey string, opts ...Option) (*Client, error) {
	if apiKey == "" {
		return nil, errors.New("zcdrop: empty API key")
	}
	for _, r := range apiKey {
		if r <= ' ' || r == 0x7f {
			return nil, errors.New("zcdrop: API key contains whitespace or a control character")
		}
	}
	o := options{baseURL: ServerGlobal, doer: noRedirects, userAgent: "zcdrop", attempts: 3, maxWait: 30 * time.Second}
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	ua := o.userAgent
	edit := func(_ context.Context, req *http.Request) error {
		req.Header.Set("Authorization", "Bearer "+apiKey)
		req.Header.Set("User-Agent", ua)
		return nil
	}
	raw, err := api.NewClient(o.baseURL, api.WithHTTPClient(o.doer), api.WithRequestEditorFn(edit))
	if err != nil {
		return nil, fmt.Errorf("zcdrop: %w", err)
	}
	gen := &api.ClientWithResponses{ClientInterface: raw}
	return &Client{api: gen, server: raw.Server, edit: edit, key: apiKey, attempts: o.attempts, maxWait: o.maxWait, sleep: sleepCtx}, nil
}

// String describes the client without its key.
func (c *Client) String() string { return "zcdrop.Client{" + strings.TrimSuffix(c.server, "/") + "}" }

// GoString describes the client without its key, for %#v.
func (c *Client) GoString() string { return c.String() }

// NewDropRequest builds the request that DropCluster would send first, and
// sends nothing: for dry runs and logs. It refuses the IDs DropCluster
// refuses, and its Authorization header shows the key as "Bearer REDACTED".
func (c *Client) NewDropRequest(ctx context.Context, clusterID string) (*http.Request, error) {
	if err := ValidateClusterID(clusterID); err != nil {
		return nil, err
	}
	accept := "application/json"
	req, err := api.NewDropClusterRequest(c.server, clusterID, &api.DropClusterParams{Accept: &accept})
	if err != nil {
		return nil, fmt.Errorf("zcdrop: build request: %w", err)
	}
	req = req.WithContext(ctx)
	if err := c.edit(ctx, req); err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+redacted)
	return req, nil
}

// DropResult is a drop the API accepted. The drop itself is asynchronous: the
// cluster goes to DELETING, then DELETED.
type DropResult struct {
	// ClusterID is the dropped cluster, as the API echoed it.
	ClusterID string
	// Prompt is the API's notice about the 30-day recycle bin.
	Prompt string
	// RequestID is the response's requestid header.
	RequestID string
}

// DropCluster drops a cluster: DELETE /v2/clusters/{clusterId}/drop
// (https://docs.zilliz.com/reference/restful/drop-cluster-v2).
//
// An ID that could change the request path is refused before any request is
// built (see ValidateClusterID). The errors are an *APIError for the API's
// envelope (HTTP 200 with a non-zero code included), an
// *UnexpectedResponseError for a body that cannot be understood, a
// *ClusterIDError, or the transport's error; the sentinels (ErrClusterNotFound
// and the rest) match them with errors.Is.
func (c *Client) DropCluster(ctx context.Context, clusterID string) (*DropResult, error) {
	if err := ValidateClusterID(clusterID); err != nil {
		return nil, err
	}
	for attempt := 1; ; attempt++ {
		res, wait, err := c.dropOnce(ctx, clusterID)
		switch {
		case err == nil:
			return res, nil
		case wait < 0:
			return nil, err
		case attempt == c.attempts:
			if attempt == 1 {
				return nil, err
			}
			return nil, fmt.Errorf("zcdrop: giving up after %d attempts: %w", attempt, err)
		}
		if serr := c.sleep(ctx, wait); serr != nil {
			return nil, fmt.Errorf("zcdrop: stopped waiting to retry after %d attempt(s): %w (last error: %w)", attempt, serr, err)
		}
	}
}

// dropOnce makes one attempt. wait is how long to wait before the next
// attempt, or negative when the error must not be retried.
func (c *Client) dropOnce(ctx context.Context, clusterID string) (*DropResult, time.Duration, error) {
	accept := "application/json"
	httpRes, err := c.api.ClientInterface.DropCluster(ctx, clusterID, &api.DropClusterParams{Accept: &accept})
	if err != nil {
		return nil, -1, fmt.Errorf("zcdrop: drop cluster %s: %w", clusterID, redactErr(err, c.key))
	}
	body, err := io.ReadAll(io.LimitReader(httpRes.Body, maxBodyBytes+1))
	httpRes.Body.Close()
	if err != nil {
		// The server answered, so the drop may well have happened: this is
		// a network failure, not a bad answer, and is never retried.
		return nil, -1, fmt.Errorf("zcdrop: drop cluster %s: reading the answer (http %d) failed, so whether the drop happened is unknown: %w",
			clusterID, httpRes.StatusCode, redactErr(err, c.key))
	}
	// A server that echoes the key (a proxy's debug page, an error message)
	// must not put it into an error string.
	body = bytes.ReplaceAll(body, []byte(c.key), []byte(redacted))
	httpRes.Header.Set("requestid", strings.ReplaceAll(httpRes.Header.Get("requestid"), c.key, redacted))
	if len(body) > maxBodyBytes {
		return nil, -1, unexpected(httpRes, body[:maxBodyBytes], fmt.Sprintf("body exceeds %d bytes", maxBodyBytes))
	}
	res, err := interpret(httpRes, body)
	if err != nil {
		return nil, c.retryWait(httpRes), err
	}
	if res.ClusterID != clusterID {
		return nil, -1, unexpected(httpRes, body, fmt.Sprintf("success names cluster %q, not the requested %q", res.ClusterID, clusterID))
	}
	return res, 0, nil
}

// interpret sorts a complete response into a success, an *APIError or an
// *UnexpectedResponseError. It never returns two nils.
func interpret(httpRes *http.Response, body []byte) (*DropResult, error) {
	requestID := httpRes.Header.Get("requestid")
	httpRes.Body = io.NopCloser(bytes.NewReader(body))
	parsed, err := api.ParseDropClusterResponse(httpRes)
	if err != nil {
		return nil, unexpected(httpRes, body, "malformed JSON: "+err.Error())
	}
	var envelope *api.ErrorEnvelope
	switch {
	case parsed.JSON200 != nil:
		res, env, reason := decode200(parsed.JSON200)
		if reason != "" {
			return nil, unexpected(httpRes, body, reason)
		}
		if env == nil {
			res.RequestID = requestID
			return res, nil
		}
		envelope = env
	case parsed.JSON401 != nil:
		envelope = parsed.JSON401
	case parsed.JSON4XX != nil:
		envelope = parsed.JSON4XX
	case parsed.JSON5XX != nil:
		envelope = parsed.JSON5XX
	default:
		return nil, unexpected(httpRes, body, "not a JSON body")
	}
	if envelope.Code == 0 || envelope.Message == "" {
		return nil, unexpected(httpRes, body, "error envelope without a non-zero code and a message")
	}
	return nil, &APIError{
		HTTPStatus: httpRes.StatusCode,
		Code:       int(envelope.Code),
		Message:    envelope.Message,
		RequestID:  requestID,
	}
}

func unexpected(httpRes *http.Response, body []byte, reason string) error {
	return &UnexpectedResponseError{
		HTTPStatus:  httpRes.StatusCode,
		ContentType: httpRes.Header.Get("Content-Type"),
		Reason:      reason,
		Snippet:     snippet(body),
		RequestID:   httpRes.Header.Get("requestid"),
	}
}

// decode200 reads an HTTP 200 body: success, or a business error (non-zero
// code), or a reason why it is neither.
func decode200(r *api.DropClusterResult) (*DropResult, *api.ErrorEnvelope, string) {
	raw, err := r.MarshalJSON()
	if err != nil {
		return nil, nil, "unreadable body: " + err.Error()
	}
	var probe struct {
		Code json.RawMessage `json:"code"`
	}
	if err := json.Unmarshal(raw, &probe); err != nil || probe.Code == nil {
		return nil, nil, `body has no "code"`
	}
	var code int64
	if err := json.Unmarshal(probe.Code, &code); err != nil {
		return nil, nil, `"code" is not an integer`
	}
	if code != 0 {
		env, err := r.AsErrorEnvelope()
		if err != nil {
			return nil, nil, "malformed error envelope: " + err.Error()
		}
		return nil, &env, ""
	}
	ok, err := r.AsDropClusterSuccess()
	if err != nil {
		return nil, nil, "malformed success body: " + err.Error()
	}
	if ok.Data.ClusterId == "" {
		return nil, nil, `success without "data.clusterId"`
	}
	return &DropResult{ClusterID: ok.Data.ClusterId, Prompt: ok.Data.Prompt}, nil, ""
}

// retryWait says how long to wait before retrying res, or -1 when res must
// not be retried.
func (c *Client) retryWait(res *http.Response) time.Duration {
	if res.StatusCode != http.StatusTooManyRequests && res.StatusCode != http.StatusServiceUnavailable {
		return -1
	}
	wait := time.Second
	if s := res.Header.Get("Retry-After"); s != "" {
		if secs, err := strconv.Atoi(s); err == nil && secs >= 0 {
			wait = time.Duration(secs) * time.Second
		} else if t, err := http.ParseTime(s); err == nil {
			wait = max(time.Until(t), 0)
		}
	}
	// Cap what the server asks for: a bad header must not park the caller.
	return min(wait, c.maxWait)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// snippet returns the start of body, printable and valid UTF-8, for errors.
func snippet(body []byte) string {
	b := body
	if len(b) > snippetLen {
		b = b[:snippetLen]
	}
	s := strings.ToValidUTF8(string(b), "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	if len(b) < len(body) {
		s += "..."
	}
	return s
}

// redactErr makes sure no error from below quotes the key.
func redactErr(err error, key string) error {
	if err == nil || !strings.Contains(err.Error(), key) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), key, redacted))
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
	case u.Scheme == "http" && !IsLoopback(u.Hostname()):
		return fmt.Errorf("zcdrop: base URL %q: plain http is allowed only on loopback hosts; use https", base)
	}
	return nil
}

// IsLoopback reports whether host (without port) is localhost or a loopback
// address, where plain http cannot leak a key.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
