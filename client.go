package zcdrop

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/zcdrop/zcdrop/api"
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
// printed: not by errors, not by %v of the Client.
type Client struct {
	api      api.ClientInterface
	server   string // the base URL, with the trailing slash the generated client adds
	edit     api.RequestEditorFn
	secrets  *redact.Secrets
	attempts int
	maxWait  time.Duration

	checkRetry CheckRetry
	backoff    Backoff
	clock      clock.Clock
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
	o := defaultOptions()
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
	return &Client{
		api:        raw,
		server:     raw.Server,
		edit:       edit,
		secrets:    redact.New(apiKey),
		attempts:   o.attempts,
		maxWait:    o.maxWait,
		checkRetry: o.checkRetry,
		backoff:    o.backoff,
		clock:      clock.Real,
	}, nil
}

// String describes the client without its key.
func (c *Client) String() string { return "zcdrop.Client{" + strings.TrimSuffix(c.server, "/") + "}" }

// GoString describes the client without its key, for %#v.
func (c *Client) GoString() string { return c.String() }

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
	req = req.WithContext(ctx)
	if err := c.edit(ctx, req); err != nil {
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
	httpRes, err := c.api.DropCluster(ctx, clusterID, dropParams())
	if err != nil {
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
