package zcdrop

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/zcdrop/zcdrop/api"
	"github.com/zcdrop/zcdrop/internal/basepath"
	"github.com/zcdrop/zcdrop/internal/clock"
	"github.com/zcdrop/zcdrop/internal/redact"
)

// The control planes. Both serve the same API under /v2.
const (
	// ServerGlobal serves regions on AWS, GCP and Azure. It is the default.
	ServerGlobal = "https://api.cloud.zilliz.com"
	// ServerChina serves regions on Alibaba Cloud and Tencent Cloud.
	ServerChina = "https://api.cloud.zilliz.com.cn"
)

// Client drops clusters. It is safe for concurrent use. Its key is never
// printed: not by errors, not by any fmt verb or logger given the Client or
// a copy of it.
type Client struct {
	api            api.ClientInterface
	server         string // the base URL, with the trailing slash the generated client adds
	basePath       string // the base URL's path, without a trailing slash; "" for none
	key            apiKey
	userAgent      string
	secrets        *redact.Secrets
	attempts       int
	maxWait        time.Duration
	attemptTimeout time.Duration

	checkRetry CheckRetry
	backoff    Backoff
	clock      clock.Clock
}

// MinAPIKeyLength is the shortest key New accepts. Real keys are far
// longer: a shorter one is a mistake, too short to be real. The key is
// hidden wherever it occurs in what the client reports, even inside a
// longer word or a cluster ID, since a server that echoes it chooses what
// surrounds it; so short a string would also be cut out of ordinary text.
const MinAPIKeyLength = 16

// apiKey holds the key in a closure. Its String, GoString, Format and
// LogValue print the placeholder wherever fmt or a logger can call them,
// and where they cannot (a Client in another struct's unexported field,
// whose fields fmt prints raw), fmt prints a func as an address: so no fmt
// verb, no logger and no dereference of a Client prints the key.
type apiKey func() string

// newAPIKey keeps key where fmt cannot reach it.
func newAPIKey(key string) apiKey { return func() string { return key } }

// String returns the placeholder.
func (apiKey) String() string { return redact.Placeholder }

// GoString returns the placeholder, for %#v.
func (apiKey) GoString() string { return redact.Placeholder }

// Format prints the placeholder, whatever the verb.
func (apiKey) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redact.Placeholder) }

// LogValue logs the placeholder.
func (apiKey) LogValue() slog.Value { return slog.StringValue(redact.Placeholder) }

// New returns a Client that authenticates with apiKey. It refuses an empty
// key, a key with whitespace or control characters, which no header can
// carry, and a key shorter than MinAPIKeyLength.
func New(apiKey string, opts ...Option) (*Client, error) {
	if apiKey == "" {
		return nil, errors.New("zcdrop: empty API key")
	}
	for _, r := range apiKey {
		if r <= ' ' || r == 0x7f {
			return nil, errors.New("zcdrop: API key contains whitespace or a control character")
		}
	}
	if len(apiKey) < MinAPIKeyLength {
		return nil, fmt.Errorf("zcdrop: API key is %d bytes; keys are at least %d", len(apiKey), MinAPIKeyLength)
	}
	o := defaultOptions()
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	base, err := url.Parse(o.baseURL)
	if err != nil {
		return nil, fmt.Errorf("zcdrop: %w", err)
	}
	c := &Client{
		basePath:       strings.TrimRight(base.EscapedPath(), "/"),
		key:            newAPIKey(apiKey),
		userAgent:      o.userAgent,
		secrets:        redact.New(apiKey),
		attempts:       o.attempts,
		maxWait:        o.maxWait,
		attemptTimeout: o.attemptTimeout,
		checkRetry:     o.checkRetry,
		backoff:        o.backoff,
		clock:          clock.Real,
	}
	raw, err := api.NewClient(o.baseURL, api.WithHTTPClient(o.doer), api.WithRequestEditorFn(c.authorize))
	if err != nil {
		return nil, fmt.Errorf("zcdrop: %w", err)
	}
	c.api, c.server = raw, raw.Server
	return c, nil
}

// authorize adds the key and the User-Agent to every request the
// generated client builds.
func (c *Client) authorize(_ context.Context, req *http.Request) error {
	req.Header.Set("Authorization", "Bearer "+c.key())
	req.Header.Set("User-Agent", c.userAgent)
	return nil
}

// String describes the client without its key. It and the other printing
// methods are on the value, so that a dereferenced Client prints as safely
// as a pointer.
func (c Client) String() string { return "zcdrop.Client{" + strings.TrimSuffix(c.server, "/") + "}" }

// GoString describes the client without its key, for %#v.
func (c Client) GoString() string { return c.String() }

// Format prints String, formatted by verb and flags as a string would be,
// and GoString for %#v: never a field of the Client.
func (c Client) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		_, _ = io.WriteString(f, c.GoString())
		return
	}
	fmt.Fprintf(f, fmt.FormatString(f, verb), c.String())
}

// LogValue logs String, so that log/slog never walks the Client's fields.
func (c Client) LogValue() slog.Value { return slog.StringValue(c.String()) }

// markBasePath tells a conformance.Transport, through ctx, that the
// request's path starts with the base URL's path, so that it routes the
// request without it.
func (c *Client) markBasePath(ctx context.Context) context.Context {
	if c.basePath == "" {
		return ctx
	}
	return basepath.With(ctx, c.basePath)
}

// DropRequestForDisplay builds the request that DropCluster would send
// first, for dry runs and logs, and sends nothing. Its Authorization header
// keeps the scheme but not the key, so it cannot be sent. It refuses the
// IDs that DropCluster refuses.
func (c *Client) DropRequestForDisplay(ctx context.Context, clusterID string) (*http.Request, error) {
	if err := ValidateClusterID(clusterID); err != nil {
		return nil, err
	}
	req, err := api.NewDropClusterRequest(c.server, clusterID, dropParams())
	if err != nil {
		return nil, fmt.Errorf("zcdrop: build request: %w", err)
	}
	ctx = c.markBasePath(ctx)
	req = req.WithContext(ctx)
	if err := c.authorize(ctx, req); err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", redact.Authorization(req.Header.Get("Authorization")))
	return req, nil
}

// DropResult is a drop the API accepted. The drop itself is asynchronous: the
// cluster goes to DELETING, then DELETED.
type DropResult struct {
	// ClusterID is the dropped cluster, as the API echoed it.
	ClusterID string
	// Prompt is the API's notice about the 30-day recycle bin, with the key
	// hidden.
	Prompt string
	// RequestID is the response's requestid header, with the key hidden.
	RequestID string
}

// DropCluster drops a cluster: DELETE /v2/clusters/{clusterId}/drop
// (https://docs.zilliz.com/reference/restful/drop-cluster-v2).
//
// An ID that could change the request path is refused before any request is
// built (see ValidateClusterID). The errors are an *APIError for the API's
// envelope (HTTP 200 with a non-zero code included), an
// *UnexpectedResponseError for a body that cannot be understood, a
// *ClusterIDError, or the transport's error, wrapped in a *RetryError when
// the call was retried; the sentinels (ErrClusterNotFound and the rest)
// match them with errors.Is.
func (c *Client) DropCluster(ctx context.Context, clusterID string) (*DropResult, error) {
	if err := ValidateClusterID(clusterID); err != nil {
		return nil, err
	}
	for attempt := 1; ; attempt++ {
		res, httpRes, err := c.dropOnce(ctx, clusterID)
		if err == nil {
			return res, nil
		}
		if httpRes == nil {
			return nil, err // The answer was lost, or is final.
		}
		switch {
		case !c.checkRetry(httpRes):
			return nil, err
		case attempt == c.attempts:
			if attempt == 1 {
				return nil, err
			}
			return nil, &RetryError{Attempts: attempt, Err: err}
		}
		if serr := c.clock.Sleep(ctx, c.retryWait(attempt, httpRes)); serr != nil {
			return nil, &RetryError{Attempts: attempt, Err: err, Stopped: serr}
		}
	}
}

// dropOnce makes one attempt. On failure, it returns the response too when
// it is one that a retry policy may judge: complete, and not about another
// cluster.
func (c *Client) dropOnce(ctx context.Context, clusterID string) (*DropResult, *http.Response, error) {
	attemptCtx := ctx
	if c.attemptTimeout > 0 {
		var cancel context.CancelFunc
		attemptCtx, cancel = context.WithTimeout(ctx, c.attemptTimeout)
		// The body is read below, before the attempt's context ends.
		defer cancel()
	}
	httpRes, err := c.api.DropCluster(c.markBasePath(attemptCtx), clusterID, dropParams())
	if err != nil {
		if ctx.Err() == nil && attemptCtx.Err() != nil {
			return nil, nil, fmt.Errorf("zcdrop: drop cluster %s: no whole answer within the attempt timeout of %v, so whether the drop happened is unknown: %w",
				clusterID, c.attemptTimeout, c.secrets.Error(err))
		}
		return nil, nil, fmt.Errorf("zcdrop: drop cluster %s: %w", clusterID, c.secrets.Error(err))
	}
	body, err := io.ReadAll(io.LimitReader(httpRes.Body, maxBodyBytes+1))
	httpRes.Body.Close()
	if err != nil {
		// The server answered, so the drop may well have happened: this is
		// a network failure, not a bad answer, and is never retried.
		return nil, nil, fmt.Errorf("zcdrop: drop cluster %s: reading the answer (http %d) failed, so whether the drop happened is unknown: %w",
			clusterID, httpRes.StatusCode, c.secrets.Error(err))
	}
	// The verdict is reached on the body as it arrived; interpret hides a
	// key that the server echoes (a proxy's debug page, an error message)
	// only in what it reports.
	if len(body) > maxBodyBytes {
		return nil, nil, unexpected(httpRes, body[:maxBodyBytes], fmt.Sprintf("body exceeds %d bytes", maxBodyBytes), c.secrets)
	}
	res, err := interpret(httpRes, body, c.secrets)
	if err != nil {
		return nil, httpRes, err
	}
	if res.ClusterID != clusterID {
		return nil, nil, unexpected(httpRes, body, fmt.Sprintf("success names cluster %q, not the requested %q", res.ClusterID, clusterID), c.secrets)
	}
	return res, nil, nil
}

// dropParams are the parameters of every drop: the spec declares Accept,
// and the API answers JSON.
func dropParams() *api.DropClusterParams {
	accept := "application/json"
	return &api.DropClusterParams{Accept: &accept}
}
