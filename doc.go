// Package zcdrop drops Zilliz Cloud clusters, with typed errors and without
// ever leaking the API key. It is the hand-written front door over the
// client that oapi-codegen generates from openapi.yaml into package api.
//
//	c, err := zcdrop.New(os.Getenv("ZILLIZ_API_KEY"))
//	if err != nil {
//		return err
//	}
//	res, err := c.DropCluster(ctx, "in01-6183d6bac30f801")
//	if errors.Is(err, zcdrop.ErrClusterNotFound) {
//		// Already gone.
//	}
//
// # Errors
//
// The API reports most failures as HTTP 200 with a non-zero code, and
// DropCluster and DescribeCluster turn every one of them into an *APIError,
// never a success.
// An answer it cannot understand (a proxy's HTML page, say) is an
// *UnexpectedResponseError, a refused cluster ID is a *ClusterIDError, and
// any other failure is the transport's error, wrapped. The Err sentinels
// (ErrClusterNotFound, ErrUnauthorized, ErrRateLimited and the rest) sort
// them with errors.Is, and errors.Is(err, context.DeadlineExceeded) holds of
// a request that ran out of time.
//
// The envelope is read with exact keys. A body that holds a key twice, or
// whose code is missing, null or not an integer, is an
// *UnexpectedResponseError, and a success is believed only when no key
// beside "code", "data" or "data.clusterId" differs from it only in case:
// for a destructive call, no doubtful answer is a success. When the status
// and the code disagree (a 500 whose body says 96018), errors.Is follows the
// status, and APIError.Code keeps the code.
//
// # Safety
//
// A Client sends its key only where it was told to: ServerGlobal by default,
// or the https (or loopback http) base URL of WithBaseURL. It follows no
// redirect (unless WithHTTPClient hands it a client that does). New refuses
// a key shorter than MinAPIKeyLength. The key appears in no error, in no
// DropRequestForDisplay, and in nothing that fmt or a logger prints of the
// Client, by pointer or by value. A copy of the key that a server echoes,
// as it is or base64-, percent- or \u-encoded, is hidden in every string
// that an error, a DropResult, a Cluster or what WaitDropped reports holds,
// after JSON decoding; a key under 16 bytes
// only where no letter, digit, '_', '-' or non-ASCII character extends it,
// so that no word or cluster ID is cut apart. The answer is judged before
// anything is hidden. A cluster ID that could
// change the request path is refused before any request is built (see
// ValidateClusterID).
//
// # Timeouts
//
// Each request, from sending it to reading the whole answer, has
// DefaultAttemptTimeout (a minute) unless WithAttemptTimeout says
// otherwise, so that a server that never answers cannot hold a caller whose
// ctx has no deadline. Answers are read up to 1 MiB.
//
// # Retries
//
// Answers that say the server did not act on the drop (429, 503) are tried
// again: three tries in all, waiting what Retry-After asks but at most 30
// seconds. WithRetry changes those numbers, and WithRetryPolicy the
// CheckRetry and Backoff that decide. DescribeCluster, which changes
// nothing, also retries network errors and any 5XX.
//
// # Outcomes
//
// A drop whose answer was lost on the way (sent, and then a network error,
// a reset, a timeout, or a 2XX body that cannot be understood, such as a
// truncated one) may have happened, so it is never sent again blindly.
// DropCluster asks Describe Cluster instead. DELETING, DELETED or no
// cluster is a success whose Outcome is OutcomeConfirmed; RUNNING (or
// another known status) means the drop did not happen, and it is sent
// again if WithRetry leaves a try; otherwise, and when describe cannot
// tell, the error is a *LostAnswerError that says which. A drop that the
// API answered is OutcomeDropped. EnsureDropped, for teardown scripts, also
// takes "not found" for success, with OutcomeAlreadyGone.
//
//	if _, err := c.EnsureDropped(ctx, id); err != nil { // dropped, confirmed or already_gone
//		return err
//	}
//	_, err := c.WaitDropped(ctx, id) // until DELETED or not found
//
// # Waiting
//
// A drop is asynchronous: the cluster goes to DELETING, then DELETED, and
// then is not found. WaitDropped polls Describe Cluster until it is gone,
// half a second apart at first, doubling to 10 seconds, with jitter; it
// reports each status change to WithStatusCallback, takes a status it does
// not know for one more change, and ends with ctx, saying the last status
// in a *WaitError.
//
// # Rate limit
//
// The API allows 20 requests per second per user and endpoint. A Client
// keeps each of its endpoints (drop, describe) to DefaultRateLimit with
// DefaultRateBurst, across all its calls; WithRateLimit changes or lifts
// the limit. A 429 is still retried as above.
//
// # Checking traffic against the spec
//
// To check every exchange against openapi.yaml as it happens, plug a
// conformance.Transport into WithTransport, which keeps the no-redirect
// policy; in conformance.ModeEnforce a violation fails the call. A base URL
// with a path (a proxy at https://host/zilliz) is fine: the Client marks
// its requests with that path (conformance.WithBasePath), and the Transport
// routes them without it.
package zcdrop
