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
// DropCluster turns every one of them into an *APIError, never a success.
// An answer it cannot understand (a proxy's HTML page, say) is an
// *UnexpectedResponseError, a refused cluster ID is a *ClusterIDError, and
// any other failure is the transport's error, wrapped. The Err sentinels
// (ErrClusterNotFound, ErrUnauthorized, ErrRateLimited and the rest) sort
// them with errors.Is, and errors.Is(err, context.DeadlineExceeded) holds of
// a request that ran out of time.
//
// # Safety
//
// A Client sends its key only where it was told to: ServerGlobal by default,
// or the https (or loopback http) base URL of WithBaseURL. It follows no
// redirect (unless WithHTTPClient hands it a client that does), and the key
// appears in no error, in no String of the Client and in no
// DropRequestForDisplay. A cluster ID that could change the request
// path is refused before any request is built (see ValidateClusterID).
//
// # Retries
//
// Answers that say the server did not act on the drop (429, 503) are tried
// again: three tries in all, waiting what Retry-After asks but at most 30
// seconds. WithRetry changes those numbers, and WithRetryPolicy the
// CheckRetry and Backoff that decide. A drop whose answer was lost on the
// way is never retried, since it may have happened.
//
// # Checking traffic against the spec
//
// To check every exchange against openapi.yaml as it happens, plug a
// conformance.Transport into WithTransport, which keeps the no-redirect
// policy; in conformance.ModeEnforce a violation fails the call.
package zcdrop
