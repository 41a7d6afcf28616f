package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/zcdrop/zcdrop"
	"github.com/zcdrop/zcdrop/conformance"
	"github.com/zcdrop/zcdrop/internal/termsafe"
)

// dropOutput prints what `zcdrop drop` has to say, as text or, with
// --output json, as one JSON document on stdout, failures included.
type dropOutput struct {
	json           bool
	stdout, stderr io.Writer
}

func (o *dropOutput) success(res *zcdrop.DropResult) int {
	if o.json {
		_ = json.NewEncoder(o.stdout).Encode(struct {
			ClusterID string `json:"clusterId"`
			Prompt    string `json:"prompt"`
			RequestID string `json:"requestId"`
		}{res.ClusterID, res.Prompt, res.RequestID})
		return exitOK
	}
	// Each field is the server's, and escaped: a prompt must not fake a
	// line, or act on the terminal.
	fmt.Fprintf(o.stdout, "dropped cluster %s (request id %s): %s\n",
		termsafe.String(res.ClusterID), termsafe.String(orNone(res.RequestID)), termsafe.String(res.Prompt))
	return exitOK
}

// failure prints an error from DropCluster with a hint and returns its exit
// code.
func (o *dropOutput) failure(err error) int {
	c := classify(err)
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
	printError(o.stderr, "drop", "%s", line)
	if c.Hint != "" {
		fmt.Fprintf(o.stderr, "hint: %s\n", c.Hint)
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
	printError(o.stderr, "drop", "%s", r.Message)
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
		printError(o.stderr, "drop", "warning: the real drop would fail: %s", wouldFail)
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
	exit     int
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
