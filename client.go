package zcdrop

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
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

	checkRetry   CheckRetry
	backoff      Backoff
	outcomeCheck bool
	clock        clock.Clock
	// random returns a number in [0, 1) for WaitDropped's jitter.
	random func() float64

	drop, describe endpoint
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
		outcomeCheck:   o.outcomeCheck,
		clock:          clock.Real,
		random:         rand.Float64,
	}
	// One limiter per endpoint, shared by every call of this Client, as
	// the documented limit is per user and endpoint.
	c.drop = endpoint{name: "drop", limiter: newLimiter(o.ratePerSecond, o.rateBurst), send: c.sendDrop}
	c.describe = endpoint{name: "describe", limiter: newLimiter(o.ratePerSecond, o.rateBurst), send: c.sendDescribe}
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
	if err := c.checkClusterID(clusterID); err != nil {
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

// DropResult is a drop that happened: the API accepted it, or, when its
// answer was lost, Describe Cluster showed it. The drop itself is
// asynchronous: the cluster goes to DELETING, then DELETED (see
// WaitDropped).
type DropResult struct {
	// ClusterID is the dropped cluster, as the API echoed it, or as it was
	// asked for when no answer echoed it (OutcomeConfirmed,
	// OutcomeAlreadyGone).
	ClusterID string
	// Prompt is the API's notice about the 30-day recycle bin, with the key
	// hidden; empty unless Outcome is OutcomeDropped.
	Prompt string
	// RequestID is the requestid header of the answer that settled the
	// outcome, with the key hidden: the drop's, or, for OutcomeConfirmed,
	// the describe's (or the later drop's that found the cluster gone).
	RequestID string
	// Outcome says how the drop is known to have happened.
	Outcome Outcome
	// Status is the status that Describe Cluster reported when Outcome is
	// OutcomeConfirmed: DELETING or DELETED; empty when it found no
	// cluster, and for the other outcomes.
	Status ClusterStatus
}

// DropCluster drops a cluster: DELETE /v2/clusters/{clusterId}/drop
// (https://docs.zilliz.com/reference/restful/drop-cluster-v2).
//
// An ID that could change the request path (see ValidateClusterID), or
// that holds the key, is refused before any request is built. The errors are an *APIError for the API's
// envelope (HTTP 200 with a non-zero code included), an
// *UnexpectedResponseError for a body that cannot be understood, a
// *ClusterIDError, a *LostAnswerError for a drop that may have happened, or
// the transport's error, wrapped in a *RetryError when the call was
// retried; the sentinels (ErrClusterNotFound and the rest) match them with
// errors.Is. A cluster that does not exist is an error (ErrClusterNotFound):
// EnsureDropped is the drop that takes it for success.
//
// A drop whose answer was lost (sent, and then a network error, a body
// that broke off, a timeout, or a 2XX answer that cannot be understood) is
// never sent again blindly: DropCluster asks Describe Cluster what
// happened (see LostAnswerError). DELETING, DELETED or no cluster at all
// is a success with OutcomeConfirmed. RUNNING, or another known status,
// means the drop did not happen: DropCluster sends it again if WithRetry
// leaves a try, and otherwise says it is safe to. A later try that finds
// the cluster gone (ErrClusterNotFound) is OutcomeConfirmed too: describe
// lagged behind the lost drop.
func (c *Client) DropCluster(ctx context.Context, clusterID string) (*DropResult, error) {
	if err := c.checkClusterID(clusterID); err != nil {
		return nil, err
	}
	lostBefore := false
	for attempt := 1; ; attempt++ {
		res, f := c.dropOnce(ctx, clusterID)
		var apiErr *APIError
		switch {
		case f == nil:
			res.Outcome = OutcomeDropped
			return res, nil
		case lostBefore && errors.Is(f.err, ErrClusterNotFound) && errors.As(f.err, &apiErr):
			return &DropResult{ClusterID: clusterID, RequestID: apiErr.RequestID, Outcome: OutcomeConfirmed}, nil
		case f.lost():
			res, lost := c.settle(ctx, clusterID, f.err)
			switch {
			case res != nil:
				return res, nil
			case !lost.NotDropped:
				return nil, lost
			case attempt == c.attempts:
				return nil, gaveUp(attempt, lost)
			}
			// The drop did not happen, so sending it again is safe, and
			// needs no wait beyond the limiter's.
			lostBefore = true
			continue
		case f.res == nil || !c.checkRetry(f.res):
			return nil, f.err // Final.
		case attempt == c.attempts:
			return nil, gaveUp(attempt, f.err)
		}
		if serr := c.clock.Sleep(ctx, c.retryWait(attempt, f.res)); serr != nil {
			return nil, &RetryError{Attempts: attempt, Err: f.err, Stopped: serr}
		}
	}
}

// dropOnce makes one attempt at a drop.
func (c *Client) dropOnce(ctx context.Context, clusterID string) (*DropResult, *failure) {
	httpRes, body, f := c.roundTrip(ctx, &c.drop, clusterID)
	if f != nil {
		return nil, f
	}
	res, err := interpret(httpRes, body, c.secrets)
	if err != nil {
		return nil, &failure{err: err, status: httpRes.StatusCode, res: httpRes}
	}
	if res.ClusterID != clusterID {
		return nil, &failure{err: unexpected(httpRes, body, fmt.Sprintf("success names cluster %q, not the requested %q", res.ClusterID, clusterID), c.secrets), status: httpRes.StatusCode}
	}
	return res, nil
}

// sendDrop is the drop endpoint's request.
func (c *Client) sendDrop(ctx context.Context, clusterID string) (*http.Response, error) {
	return c.api.DropCluster(ctx, clusterID, dropParams())
}

// dropParams are the parameters of every drop: the spec declares Accept,
// and the API answers JSON.
func dropParams() *api.DropClusterParams {
	accept := "application/json"
	return &api.DropClusterParams{Accept: &accept}
}
