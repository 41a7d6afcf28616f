package zcdrop

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Sentinels for errors.Is. Each matches an *APIError by its HTTP status or,
// on HTTP 200, or a status that agrees with it, its business code (see
// APIError), and
// ErrRateLimited, ErrServer and ErrUnauthorized also
// match an *UnexpectedResponseError by status, so that a proxy's HTML page
// is classified like the API's own answer.
var (
	// ErrUnauthorized: HTTP 401, or codes 21119, 80001 and 80002. The key is
	// missing, wrong, or meant for the other region.
	ErrUnauthorized = errors.New("zcdrop: API key rejected")
	// ErrPermissionDenied: codes 96012-96016 and 96027. The key is valid but
	// may not act on this project or cluster.
	ErrPermissionDenied = errors.New("zcdrop: permission denied")
	// ErrClusterNotFound: codes 96018 and 80020. The cluster does not exist,
	// which includes having been dropped already.
	ErrClusterNotFound = errors.New("zcdrop: cluster not found")
	// ErrInvalidClusterID: codes 96025 and 96036, and every ID that
	// DropCluster refuses before building a request.
	ErrInvalidClusterID = errors.New("zcdrop: invalid cluster ID")
	// ErrUnsupportedPlan: codes 96021 and 96022. The operation is not
	// supported on free or serverless clusters.
	ErrUnsupportedPlan = errors.New("zcdrop: operation not supported on this cluster plan")
	// ErrInvalidState: code 40003 (v1 era). The cluster's current state
	// does not allow the operation, as while it is still being created or
	// resumed; check its status, and retry once it is settled.
	ErrInvalidState = errors.New("zcdrop: operation not available in the cluster's current state")
	// ErrRateLimited: HTTP 429. The documented limit is 20 requests per
	// second per user per endpoint.
	ErrRateLimited = errors.New("zcdrop: rate limited")
	// ErrServer: any HTTP 5XX.
	ErrServer = errors.New("zcdrop: server error")
)

// codeSentinels maps each known business code to its sentinel. Every code
// that openapi.yaml lists in x-zilliz-error-codes has one: "zcdrop spec
// lint" (rule zc012) asks CodeSentinel for each, and a test asks the
// reverse. Codes not listed here still produce an *APIError.
var codeSentinels = map[int]error{
	21119: ErrUnauthorized,
	80001: ErrUnauthorized,
	80002: ErrUnauthorized,
	96012: ErrPermissionDenied,
	96013: ErrPermissionDenied,
	96014: ErrPermissionDenied,
	96015: ErrPermissionDenied,
	96016: ErrPermissionDenied,
	96027: ErrPermissionDenied,
	96018: ErrClusterNotFound,
	80020: ErrClusterNotFound,
	96025: ErrInvalidClusterID,
	96036: ErrInvalidClusterID,
	96021: ErrUnsupportedPlan,
	96022: ErrUnsupportedPlan,
	40003: ErrInvalidState,
}

// CodeSentinel returns the sentinel that an *APIError with this business
// code matches, nil when none. It matches on HTTP 200, and on another
// status only where the status agrees (see APIError).
func CodeSentinel(code int) error {
	return codeSentinels[code]
}

func statusSentinel(status int) error {
	switch {
	case status == http.StatusUnauthorized:
		return ErrUnauthorized
	case status == http.StatusTooManyRequests:
		return ErrRateLimited
	case status >= 500 && status <= 599:
		return ErrServer
	}
	return nil
}

// APIError is returned when the API answers with its error envelope
// {"code","message"}: an HTTP 200 whose code is not 0 (a business error), a
// 401, or any other 4XX or 5XX that carries the envelope.
//
// Business codes come on HTTP 200; on any other status the status is the
// stronger signal. A code's sentinel applies there only where the status
// says the same: a 404 with 96018 or 80020 is ErrClusterNotFound, a 403
// with 96012-96016 or 96027 is ErrPermissionDenied. Any other pair matches
// the status's own sentinel (401, 429, 5XX) or none (400, 403, 404, 408,
// 409, …), whatever the code: a 503 or a 409 whose body carries 96018 is
// never "already gone", since a server that failed or refused the call has
// not judged the cluster. Code keeps what the body said, for diagnosis.
type APIError struct {
	// StatusCode is the response status: 200 for business errors.
	StatusCode int
	// Code is the envelope's code; never 0.
	Code int
	// Message is the envelope's message, as the server wrote it, decoded,
	// with the key hidden.
	Message string
	// RequestID is the response's requestid header, with the key hidden;
	// quote it to support.
	RequestID string
}

// Error reports the code, the status, the message and the request ID.
func (e *APIError) Error() string {
	s := fmt.Sprintf("zcdrop: api error %d (http %d): %s", e.Code, e.StatusCode, e.Message)
	if e.RequestID != "" {
		s += " (request id " + e.RequestID + ")"
	}
	return s
}

// Is matches one sentinel at most. A status with a sentinel of its own (401
// ErrUnauthorized, 429 ErrRateLimited, 5XX ErrServer) decides alone; on 200
// the code's sentinel does, if the code has one; on another status only
// where the status agrees (404 ErrClusterNotFound, 403
// ErrPermissionDenied); otherwise nothing matches.
func (e *APIError) Is(target error) bool {
	if target == nil {
		return false
	}
	if s := statusSentinel(e.StatusCode); s != nil {
		return s == target
	}
	s, ok := codeSentinels[e.Code]
	if !ok || s != target {
		return false
	}
	return e.StatusCode == http.StatusOK || agreeingStatus[s] == e.StatusCode
}

// agreeingStatus is, for a code's sentinel, the status other than 200 that
// says the same, and so lets the code's sentinel match.
var agreeingStatus = map[error]int{
	ErrClusterNotFound:  http.StatusNotFound,
	ErrPermissionDenied: http.StatusForbidden,
}

// UnexpectedResponseError is returned when a response cannot be understood:
// a body that is not JSON (a proxy's HTML page), malformed JSON, an envelope
// without its fields, or a success without data. Snippet holds the start of
// the body, for diagnosis.
type UnexpectedResponseError struct {
	// StatusCode is the response status.
	StatusCode int
	// ContentType is the response's Content-Type header, with the key
	// hidden.
	ContentType string
	// Reason says what was wrong, with the key hidden.
	Reason string
	// Snippet is the body's first 200 bytes at most, made printable, with
	// the key hidden.
	Snippet string
	// RequestID is the response's requestid header, if any, with the key
	// hidden.
	RequestID string
}

// Error reports the status, the content type, what was wrong and the start
// of the body.
func (e *UnexpectedResponseError) Error() string {
	s := fmt.Sprintf("zcdrop: unexpected response (http %d, content-type %q): %s", e.StatusCode, e.ContentType, e.Reason)
	if e.Snippet != "" {
		s += fmt.Sprintf("; body starts %q", e.Snippet)
	}
	if e.RequestID != "" {
		s += " (request id " + e.RequestID + ")"
	}
	return s
}

// Is matches ErrUnauthorized, ErrRateLimited and ErrServer by status.
func (e *UnexpectedResponseError) Is(target error) bool {
	return target != nil && statusSentinel(e.StatusCode) == target
}

// RetryError is returned by DropCluster and DescribeCluster when they
// retried and then gave up: every attempt failed in a way that was to be
// retried and the attempts ran out, or ctx ended while they waited to
// retry. errors.Is and errors.As see both the last attempt's error and
// ctx's.
type RetryError struct {
	// Attempts is how many requests were sent.
	Attempts int
	// Err is the last attempt's error: an *APIError or an
	// *UnexpectedResponseError that the CheckRetry accepted, a
	// *LostAnswerError for a drop that did not happen (NotDropped), or,
	// for a describe, a 5XX or the transport's error.
	Err error
	// Stopped is ctx's error when ctx ended during a wait to retry; nil
	// when the attempts ran out.
	Stopped error
}

// Error says how many attempts were made, why they stopped, and the last
// attempt's error.
func (e *RetryError) Error() string {
	if e.Stopped != nil {
		return fmt.Sprintf("zcdrop: stopped waiting to retry after %d attempt(s): %v (last error: %v)", e.Attempts, e.Stopped, e.Err)
	}
	return fmt.Sprintf("zcdrop: giving up after %d attempts: %v", e.Attempts, e.Err)
}

// Unwrap returns the last attempt's error and, if ctx ended, ctx's error.
func (e *RetryError) Unwrap() []error {
	if e.Stopped != nil {
		return []error{e.Err, e.Stopped}
	}
	return []error{e.Err}
}

// ClusterIDError is returned, before any request is built, for a cluster ID
// that could change the request path, that no cluster can have, or that
// holds the Client's key. It matches ErrInvalidClusterID.
type ClusterIDError struct {
	// ClusterID is the refused ID, shortened when it is long, with the
	// key hidden.
	ClusterID string
	// Reason says what is wrong with it.
	Reason string
}

// Error names the refused ID and the reason.
func (e *ClusterIDError) Error() string {
	return fmt.Sprintf("zcdrop: invalid cluster ID %q: %s", e.ClusterID, e.Reason)
}

// Is matches ErrInvalidClusterID.
func (e *ClusterIDError) Is(target error) bool { return target == ErrInvalidClusterID }

// snippetLen is how much of a body an UnexpectedResponseError quotes.
const snippetLen = 200

// snippet returns the start of body, printable and valid UTF-8, for an
// UnexpectedResponseError.
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
