package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"testing"

	"github.com/zcdrop/zcdrop"
	"github.com/zcdrop/zcdrop/conformance"
)

// TestClassifyBusinessCodes: each known code of an HTTP 200 error envelope
// gets its sentinel's kind and exit code.
func TestClassifyBusinessCodes(t *testing.T) {
	for _, tt := range []struct {
		code int
		kind string
		exit int
	}{
		{96018, "not_found", exitNotFound},
		{21119, "unauthorized", exitAuth},
		{96016, "permission_denied", exitAuth},
		{96036, "invalid_cluster_id", exitUsage},
		{96021, "unsupported_plan", exitFailed},
		{40003, "invalid_state", exitFailed},
		{12345, "api_error", exitFailed},
	} {
		r := classify(&zcdrop.APIError{StatusCode: 200, Code: tt.code, Message: "m"}, "in01-6183d6bac30f801")
		if r.Kind != tt.kind || r.exit != tt.exit {
			t.Errorf("code %d: kind %q exit %d, want %q exit %d", tt.code, r.Kind, r.exit, tt.kind, tt.exit)
		}
		if tt.kind != "api_error" && r.Hint == "" {
			t.Errorf("code %d: no hint", tt.code)
		}
	}
}

// checkHint is the advice of every hint that says a drop of id may have
// happened: how to find out with commands that send no drop, and when
// sending the drop again is safe.
func checkHint(id string) string {
	return "to find out without sending another drop, run `zcdrop describe " + id + "` (its status now) or `zcdrop wait " + id +
		"` (until it is gone); sending the drop again is safe only when describe shows RUNNING"
}

// assertNoDropToCheck fails when hint, which tells how to find out whether
// a drop happened, has the user send a drop to find out.
func assertNoDropToCheck(t *testing.T, hint string) {
	t.Helper()
	if strings.Contains(hint, "zcdrop drop") {
		t.Errorf("hint %q sends a drop to find out whether one happened", hint)
	}
}

// TestClassifyLostAnswers: a drop whose answer was lost keeps the kind of
// what broke it, and says what describe then found: that the drop did not
// happen, and sending it again is safe; or that it may have happened, and
// how to find out with describe and wait, which send no drop, whatever
// broke it, a proxy included.
func TestClassifyLostAnswers(t *testing.T) {
	const id = "in01-6183d6bac30f801"
	check := checkHint(id)
	garbled := &zcdrop.UnexpectedResponseError{StatusCode: 200, ContentType: "application/json", Reason: "malformed JSON", RequestID: "r1"}
	broken := &url.Error{Op: "Delete", URL: "https://api.example/v2/clusters/" + id + "/drop", Err: io.ErrUnexpectedEOF}
	describeFailed := errors.New("zcdrop: describe cluster " + id + ": unexpected EOF")
	lost := func(err error, mod func(*zcdrop.LostAnswerError)) *zcdrop.LostAnswerError {
		l := &zcdrop.LostAnswerError{ClusterID: id, Err: err, DescribeErr: describeFailed}
		if mod != nil {
			mod(l)
		}
		return l
	}
	notDropped := func(l *zcdrop.LostAnswerError) {
		l.DescribeErr, l.Status, l.NotDropped = nil, zcdrop.StatusRunning, true
	}
	tests := []struct {
		name     string
		err      error
		kind     string
		exit     int
		outcome  string
		attempts int
		// message and hint must contain these.
		message, hint string
	}{
		{name: "garbled answer", err: lost(garbled, nil), kind: "unexpected_response", exit: exitNetwork, outcome: "unknown",
			message: "malformed JSON (request id r1); whether the drop happened is unknown: describe failed too: describe cluster " + id + ": unexpected EOF",
			hint:    "the answer was cut short or garbled (a proxy or gateway may be in the way), so the drop may have happened, and describe could not tell: " + check},
		{name: "broken connection", err: lost(broken, nil), kind: "network", exit: exitNetwork, outcome: "unknown",
			message: "unexpected EOF; whether the drop happened is unknown",
			hint:    "the connection failed after the request was sent, so the drop may have happened, and describe could not tell: " + check},
		{name: "no whole answer in time", err: lost(fmt.Errorf("zcdrop: drop cluster %s: %w", id, context.DeadlineExceeded), nil), kind: "timeout", exit: exitNetwork, outcome: "unknown",
			hint: "no whole answer came in time, so the drop may have happened, and describe could not tell: " + check},
		{name: "a status that does not tell", err: lost(garbled, func(l *zcdrop.LostAnswerError) { l.DescribeErr, l.Status = nil, "PAUSED" }),
			kind: "unexpected_response", exit: exitNetwork, outcome: "unknown",
			message: `; describe then found the cluster "PAUSED", a status that does not tell whether the drop happened`, hint: check},
		{name: "not dropped", err: lost(broken, notDropped), kind: "network", exit: exitNetwork, outcome: "not_dropped",
			message: "unexpected EOF; describe then found the cluster RUNNING, so the drop did not happen",
			hint:    "the connection failed after the request was sent, but describe then found the cluster RUNNING: the drop did not happen, and sending it again is safe"},
		{name: "not dropped after retries", err: &zcdrop.RetryError{Attempts: 3, Err: lost(garbled, notDropped)}, kind: "unexpected_response", exit: exitNetwork, outcome: "not_dropped", attempts: 3,
			hint: "the drop did not happen, and sending it again is safe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := classify(tt.err, "")
			if r.Kind != tt.kind || r.exit != tt.exit || r.Outcome != tt.outcome || r.Attempts != tt.attempts {
				t.Errorf("kind %q exit %d outcome %q attempts %d, want %q, %d, %q, %d", r.Kind, r.exit, r.Outcome, r.Attempts, tt.kind, tt.exit, tt.outcome, tt.attempts)
			}
			if !strings.Contains(r.Message, tt.message) || !strings.Contains(r.Hint, tt.hint) {
				t.Errorf("message %q, hint %q; want them to contain %q and %q", r.Message, r.Hint, tt.message, tt.hint)
			}
			// Whatever broke the answer, the hint says what became of the
			// drop: a proxy in the way is never the whole story.
			if !strings.Contains(r.Hint, "may have happened") && !strings.Contains(r.Hint, "did not happen") {
				t.Errorf("hint %q does not say what became of the drop", r.Hint)
			}
			if strings.Contains(r.Message, "https://api.example") {
				t.Errorf("message %q repeats the request's URL", r.Message)
			}
			if r.Outcome == "unknown" {
				assertNoDropToCheck(t, r.Hint)
			}
		})
	}
}

// TestClassifyTransitHints: a timeout or a failure in transit that the
// client did not take for a lost answer still says how to check on the
// cluster, by its ID, with commands that send no drop; with no ID known,
// the hint names the operand.
func TestClassifyTransitHints(t *testing.T) {
	const id = "in01-6183d6bac30f801"
	for _, tt := range []struct {
		err error
		id  string
	}{
		{fmt.Errorf("zcdrop: drop cluster %s: waiting for the rate limiter: %w", id, context.DeadlineExceeded), id},
		{&url.Error{Op: "Delete", URL: "u", Err: errors.New("tls: handshake failure")}, id},
		{&url.Error{Op: "Delete", URL: "u", Err: io.ErrUnexpectedEOF}, ""},
	} {
		r := classify(tt.err, tt.id)
		want := "the drop may or may not have happened: " + checkHint(orPlaceholder(tt.id))
		if r.exit != exitNetwork || !strings.Contains(r.Hint, want) {
			t.Errorf("%v: exit %d, hint %q; want 5 and %q", tt.err, r.exit, r.Hint, want)
		}
		assertNoDropToCheck(t, r.Hint)
	}
}

// TestClassifyInvalidStateNamesDescribe: a drop that the cluster's state
// refused says how to see that state, with describe.
func TestClassifyInvalidStateNamesDescribe(t *testing.T) {
	const id = "in01-6183d6bac30f801"
	r := classify(&zcdrop.APIError{StatusCode: 200, Code: 40003, Message: "m"}, id)
	if want := "check its status with `zcdrop describe " + id + "`, then retry"; r.Kind != "invalid_state" || !strings.Contains(r.Hint, want) {
		t.Errorf("kind %q, hint %q; want invalid_state and %q", r.Kind, r.Hint, want)
	}
}

// TestClassifyViolations: a request refused before sending says nothing was
// sent; an answer refused under enforce says the drop may have happened
// all the same, and how to find out without sending another.
func TestClassifyViolations(t *testing.T) {
	const id = "in01-6183d6bac30f801"
	request := &conformance.ViolationError{Method: "DELETE", URL: "u", Violations: []conformance.Violation{{Kind: conformance.KindRequest, Pointer: conformance.PointerQuery, Message: "m"}}}
	answer := &conformance.ViolationError{Method: "DELETE", URL: "u", StatusCode: 200, Violations: []conformance.Violation{{Kind: conformance.KindResponse, Pointer: "/data/prompt", Message: "m"}}}
	for _, tt := range []struct {
		name    string
		err     error
		hint    string
		notHint string
	}{
		{"request", request, "so it was not sent", "describe"},
		{"answer", answer, "the drop may have happened all the same: " + checkAdvice(id), "not sent"},
	} {
		r := classify(fmt.Errorf("zcdrop: drop cluster %s: %w", id, tt.err), id)
		if r.Kind != "violation" || r.exit != exitFailed || !strings.Contains(r.Hint, tt.hint) || strings.Contains(r.Hint, tt.notHint) {
			t.Errorf("%s: kind %q exit %d hint %q; want violation, exit 1, a hint with %q and without %q", tt.name, r.Kind, r.exit, r.Hint, tt.hint, tt.notHint)
		}
	}
}

// TestClassifyUnexpectedAnswer: an answer that is not the API's, on a
// status that no outcome check reads, leaves the drop's fate open, and
// says how to find out; describe's says that describing again is safe.
func TestClassifyUnexpectedAnswer(t *testing.T) {
	const id = "in01-6183d6bac30f801"
	err := &zcdrop.UnexpectedResponseError{StatusCode: 404, ContentType: "text/html", Reason: "not JSON"}
	if r := classify(err, id); r.Kind != "unexpected_response" || r.exit != exitNetwork || !strings.Contains(r.Hint, "the drop may or may not have happened: "+checkAdvice(id)) {
		t.Errorf("drop: kind %q exit %d hint %q", r.Kind, r.exit, r.Hint)
	}
	if r := describeFailure(err, id); r.Kind != "unexpected_response" || !strings.Contains(r.Hint, "describing changes nothing") || strings.Contains(r.Hint, "drop may") {
		t.Errorf("describe: kind %q hint %q", r.Kind, r.Hint)
	}
}
