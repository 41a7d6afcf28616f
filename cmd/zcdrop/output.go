package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/zcdrop/zcdrop"
	"github.com/zcdrop/zcdrop/conformance"
	"github.com/zcdrop/zcdrop/internal/termsafe"
)

// dropOutput prints what `zcdrop drop`, `zcdrop describe` and `zcdrop
// wait` have to say, as text or, with --output json, as one JSON document
// on stdout, failures included.
type dropOutput struct {
	// cmd is the command that prints, which its error lines name: drop,
	// describe or wait.
	cmd            string
	json           bool
	stdout, stderr io.Writer
	// clusterID is the cluster to drop, once the operand is known, for the
	// hints that tell how to check on it.
	clusterID string
}

// dropReport is the JSON form of a drop that happened: its result, what
// --wait saw, and, when the wait stopped before the cluster was gone, why.
type dropReport struct {
	ClusterID string `json:"clusterId"`
	// Prompt is the API's notice; empty unless Outcome is dropped.
	Prompt    string `json:"prompt"`
	RequestID string `json:"requestId"`
	// Outcome is how the drop is known to have happened: dropped,
	// confirmed or already_gone.
	Outcome string `json:"outcome"`
	// Status is what describe said when it confirmed a drop whose answer
	// was lost: DELETING or DELETED; empty when it found no cluster.
	Status string         `json:"status,omitempty"`
	Wait   *waitReport    `json:"wait,omitempty"`
	Error  *failureReport `json:"error,omitempty"`
}

// waitOnlyReport is the JSON form of what `zcdrop wait` saw: drop --wait's
// report without the drop, which this command did not send.
type waitOnlyReport struct {
	ClusterID string         `json:"clusterId"`
	Wait      *waitReport    `json:"wait"`
	Error     *failureReport `json:"error,omitempty"`
}

// waitReport is what --wait, or `zcdrop wait`, saw, in JSON.
type waitReport struct {
	// Status is DELETED when the wait ended there, or the last status seen
	// when it stopped before the cluster was gone; empty when none was
	// seen, or when the cluster was not found.
	Status string `json:"status,omitempty"`
	// NotFound is true when describe found no cluster.
	NotFound bool `json:"notFound"`
	// Gone is true when the wait ended because the cluster is gone:
	// DELETED or not found.
	Gone           bool    `json:"gone"`
	Polls          int     `json:"polls"`
	ElapsedSeconds float64 `json:"elapsedSeconds"`
	// RequestID is the last describe's, when the wait ended with the
	// cluster gone.
	RequestID string `json:"requestId,omitempty"`
}

func newDropReport(res *zcdrop.DropResult) dropReport {
	return dropReport{ClusterID: res.ClusterID, Prompt: res.Prompt, RequestID: res.RequestID, Outcome: string(res.Outcome), Status: string(res.Status)}
}

// success prints a drop that happened, and returns exit 0.
func (o *dropOutput) success(res *zcdrop.DropResult) int {
	if o.json {
		_ = json.NewEncoder(o.stdout).Encode(newDropReport(res))
		return exitOK
	}
	fmt.Fprintln(o.stdout, dropLine(res))
	return exitOK
}

// dropped prints, in text, a drop that --wait is about to wait for; JSON
// says it all at the end.
func (o *dropOutput) dropped(res *zcdrop.DropResult) {
	if !o.json {
		fmt.Fprintln(o.stdout, dropLine(res))
	}
}

// dropLine is the line of text that says how a drop happened. Each field
// is the server's, or an echo of it, and escaped: a prompt must not fake a
// line, or act on the terminal.
func dropLine(res *zcdrop.DropResult) string {
	id, requestID := termsafe.String(res.ClusterID), termsafe.String(orNone(res.RequestID))
	switch res.Outcome {
	case zcdrop.OutcomeConfirmed:
		status := "not found"
		if res.Status != "" {
			status = termsafe.String(string(res.Status))
		}
		return fmt.Sprintf("dropped cluster %s (request id %s): the drop's answer was lost; confirmed by describe: %s", id, requestID, status)
	case zcdrop.OutcomeAlreadyGone:
		// --if-exists takes a wrong ID or region for a cluster that is
		// gone: the line says so, for the script's log.
		return fmt.Sprintf("cluster %s does not exist (request id %s): already gone, or the ID or region is wrong; nothing to drop", id, requestID)
	}
	return fmt.Sprintf("dropped cluster %s (request id %s): %s", id, requestID, termsafe.String(res.Prompt))
}

// waited prints how the wait for cluster id ended, after res, the drop of
// drop --wait, or after nothing (nil) for `zcdrop wait`, and returns the
// exit code: 0 when the cluster is gone; exitTimeout or exitInterrupted
// when ctx ended (cause says why); otherwise the code of the describe's
// failure. Every failure says how to wait again, and, after a drop, that
// the drop happened.
func (o *dropOutput) waited(res *zcdrop.DropResult, id string, wr *zcdrop.WaitResult, err, cause error, timeout time.Duration) int {
	var wait *waitReport
	var failed *failureReport
	if err == nil {
		wait = &waitReport{Status: string(wr.Status), NotFound: wr.NotFound, Gone: true, Polls: wr.Polls,
			ElapsedSeconds: seconds(wr.Elapsed), RequestID: wr.RequestID}
	} else {
		// WaitDropped fails with a *WaitError once the ID and the options
		// pass, as drop's do; any other error is taken for a failed first
		// poll.
		we, ok := errors.AsType[*zcdrop.WaitError](err)
		if !ok {
			we = &zcdrop.WaitError{ClusterID: id, Err: err}
		}
		r := waitFailure(res, id, we, cause, timeout)
		wait, failed = &waitReport{Status: string(we.LastStatus), Polls: we.Polls, ElapsedSeconds: seconds(we.Elapsed)}, &r
	}
	switch {
	case o.json && res != nil:
		report := newDropReport(res)
		report.Wait, report.Error = wait, failed
		_ = json.NewEncoder(o.stdout).Encode(report)
	case o.json:
		_ = json.NewEncoder(o.stdout).Encode(waitOnlyReport{ClusterID: id, Wait: wait, Error: failed})
	case failed != nil:
		printError(o.stderr, o.cmd, "%s", failed.Message)
		fmt.Fprintf(o.stderr, "hint: %s\n", termsafe.String(failed.Hint))
	default:
		status := "not found"
		if !wr.NotFound {
			status = termsafe.String(string(wr.Status))
		}
		fmt.Fprintf(o.stdout, "cluster %s is gone: %s after %s in %s (request id %s)\n",
			termsafe.String(wr.ClusterID), status, polls(wr.Polls), wr.Elapsed.Round(100*time.Millisecond), termsafe.String(orNone(wr.RequestID)))
	}
	if failed != nil {
		return failed.exit
	}
	return exitOK
}

// waitFailure is the failure of a wait for cluster id that stopped before
// the cluster was gone: wait_timeout when --timeout ran out, wait_interrupted
// when a signal ended ctx (cause), and otherwise wait_failed, with the exit
// code of describe's failure. After res, drop --wait's drop, each says that
// the drop happened; `zcdrop wait` (res nil) knows of no drop, and when it
// last saw the cluster RUNNING, says that no drop seems to be under way.
// Each says to wait again with `zcdrop wait`, which sends no drop.
func waitFailure(res *zcdrop.DropResult, id string, we *zcdrop.WaitError, cause error, timeout time.Duration) failureReport {
	last := "no status seen"
	if we.LastStatus != "" {
		last = "last status " + string(we.LastStatus)
	}
	took := fmt.Sprintf("%s, after %s in %s", last, polls(we.Polls), we.Elapsed.Round(100*time.Millisecond))
	again := "to wait again: zcdrop wait " + id
	// How each message starts, and what the hint says of the cluster.
	notGone := fmt.Sprintf("cluster %s was not gone", id)
	stopped := fmt.Sprintf("the wait for cluster %s was interrupted", id)
	failed := fmt.Sprintf("waiting for cluster %s failed", id)
	going, unsure := "", "describe could not say whether the cluster is gone yet; "
	switch {
	case res != nil:
		done := fmt.Sprintf("cluster %s was dropped (outcome %s)", id, res.Outcome)
		if res.Outcome == zcdrop.OutcomeAlreadyGone {
			done = fmt.Sprintf("cluster %s was already being dropped (outcome %s)", id, res.Outcome)
		}
		notGone, stopped, failed = done+", but was not gone", done+"; the wait was interrupted", done+", but waiting for it failed"
		going, unsure = "the drop happened, and the cluster goes on being dropped; ", "the drop happened, but "+unsure
	case we.LastStatus == zcdrop.StatusRunning:
		going = fmt.Sprintf("the cluster is still RUNNING, so no drop of it seems to be under way (unless describe lags behind one): zcdrop drop --if-exists %s drops it; ", id)
	}
	switch {
	case errors.Is(we.Stopped, context.DeadlineExceeded):
		return failureReport{Kind: "wait_timeout", exit: exitTimeout, Hint: going + again,
			Message: fmt.Sprintf("%s when --timeout %s ran out: %s", notGone, timeout, took)}
	case we.Stopped != nil:
		return failureReport{Kind: "wait_interrupted", exit: exitInterrupted, Hint: going + again,
			Message: fmt.Sprintf("%s (%v): %s", stopped, cause, took)}
	}
	r := classify(we.Err, id)
	r.Kind, r.Attempts = "wait_failed", 0
	r.Hint = unsure + again
	// An API error's line says its code and status besides the server's
	// message.
	why := r.Message
	if r.line != "" {
		why, r.line = r.line, ""
	}
	r.Message = fmt.Sprintf("%s: %s; %s", failed, why, took)
	return r
}

// polls says n polls in words.
func polls(n int) string {
	if n == 1 {
		return "1 poll"
	}
	return fmt.Sprintf("%d polls", n)
}

// seconds is d in seconds, to the millisecond.
func seconds(d time.Duration) float64 {
	return math.Round(d.Seconds()*1000) / 1000
}

// failure prints an error from DropCluster with a hint and returns its exit
// code.
func (o *dropOutput) failure(err error) int {
	return o.report(classify(err, o.clusterID))
}

// report prints c, a failure after sending, with its hint, and returns its
// exit code.
func (o *dropOutput) report(c failureReport) int {
	if o.json {
		_ = json.NewEncoder(o.stdout).Encode(map[string]any{"error": c})
		return c.exit
	}
	line := c.line
	if line == "" {
		line = c.Message
	}
	if c.Attempts > 1 {
		line = fmt.Sprintf("giving up after %d attempts: %s", c.Attempts, line)
	}
	printError(o.stderr, o.cmd, "%s", line)
	if c.Hint != "" {
		fmt.Fprintf(o.stderr, "hint: %s\n", termsafe.String(c.Hint))
	}
	return c.exit
}

// stop prints a failure found before any request was sent (bad usage, an
// invalid ID, no key, a refused confirmation) and returns its exit code.
// Text mode prints the message alone, as one line on stderr.
func (o *dropOutput) stop(r failureReport) int {
	if o.json {
		_ = json.NewEncoder(o.stdout).Encode(map[string]any{"error": r})
		return r.exit
	}
	printError(o.stderr, o.cmd, "%s", r.Message)
	return r.exit
}

// usageFailure is a failure of kind whose exit code is 2: nothing was sent.
func usageFailure(kind, hint, format string, a ...any) failureReport {
	return failureReport{Kind: kind, Hint: hint, Message: trimPackagePrefixes(fmt.Sprintf(format, a...)), exit: exitUsage}
}

// dryRunReport is the JSON form of a dry run.
type dryRunReport struct {
	DryRun     bool                    `json:"dryRun"`
	Method     string                  `json:"method"`
	URL        string                  `json:"url"`
	Headers    map[string]string       `json:"headers"`
	Violations []conformance.Violation `json:"violations"`
	// WouldFail says why the real drop would fail though the dry run did
	// not: no API key.
	WouldFail string `json:"wouldFail,omitempty"`
	// Error is set when the real drop would refuse to send the request.
	Error *failureReport `json:"error,omitempty"`
}

// dryRun prints the request that a drop would send, what openapi.yaml finds
// wrong with it, why the real drop would fail (wouldFail, or "") and, when
// the real drop would refuse to send it, refusal.
func (o *dropOutput) dryRun(req *http.Request, vs []conformance.Violation, wouldFail string, refusal *failureReport) {
	if o.json {
		_ = json.NewEncoder(o.stdout).Encode(dryRunReport{
			DryRun: true, Method: req.Method, URL: req.URL.String(),
			Headers:    map[string]string{"Authorization": req.Header.Get("Authorization"), "Accept": req.Header.Get("Accept")},
			Violations: append([]conformance.Violation{}, vs...),
			WouldFail:  wouldFail,
			Error:      refusal,
		})
		return
	}
	fmt.Fprintf(o.stdout, "%s %s\nAuthorization: %s\nAccept: %s\n", req.Method, termsafe.String(req.URL.String()), req.Header.Get("Authorization"), req.Header.Get("Accept"))
	for _, x := range vs {
		fmt.Fprintf(o.stdout, "violation: %s\n", termsafe.String(x.String()))
	}
	fmt.Fprintln(o.stdout, "dry run: nothing sent")
	if wouldFail != "" {
		printError(o.stderr, o.cmd, "warning: the real drop would fail: %s", wouldFail)
	}
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// failureReport is the JSON form of a failed drop: {"error": failureReport}.
// Its status keeps the wire key "httpStatus", which predates the StatusCode
// name everywhere else: scripts parse it, and the CLI's output is a contract.
type failureReport struct {
	StatusCode int    `json:"httpStatus"`
	Code       int    `json:"code"`
	Message    string `json:"message"`
	RequestID  string `json:"requestId"`
	Kind       string `json:"kind"`
	Hint       string `json:"hint,omitempty"`
	// Attempts is how many requests were sent, when the drop was retried
	// (429, 503) before it gave up.
	Attempts int `json:"attempts,omitempty"`
	// Outcome is set when the drop's answer was lost: "unknown" when the
	// drop may have happened, "not_dropped" when describe then showed that
	// it did not.
	Outcome string `json:"outcome,omitempty"`
	// Status is what describe then said of the cluster, when it answered.
	Status string `json:"status,omitempty"`
	exit   int
	// line, when set, is what a line of text says instead of Message: an
	// API error's Message is the server's alone.
	line string
}

// packagePrefixes are the prefixes that zcdrop's packages put on their
// error strings, so that a library user sees where an error came from.
var packagePrefixes = []string{"zcdrop: ", "conformance: ", "probe: ", "mock: "}

// trimPackagePrefixes removes the package prefixes that msg starts with. A
// command names itself ("zcdrop probe: "), and a package prefix after that
// would only stack: "zcdrop probe: probe: zcdrop: ...".
func trimPackagePrefixes(msg string) string {
	for {
		trimmed := msg
		for _, p := range packagePrefixes {
			trimmed = strings.TrimPrefix(trimmed, p)
		}
		if trimmed == msg {
			return msg
		}
		msg = trimmed
	}
}

// printError writes an error line of "zcdrop cmd" to w, with one prefix
// only: the command's. The line is escaped whole: an error may quote what a
// server, a recording or a file name said, and one line must not become
// two, or act on the terminal.
func printError(w io.Writer, cmd, format string, a ...any) {
	fmt.Fprintf(w, "zcdrop %s: %s\n", cmd, termsafe.String(trimPackagePrefixes(fmt.Sprintf(format, a...))))
}
