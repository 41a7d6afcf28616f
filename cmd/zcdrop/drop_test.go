package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/zcdrop/zcdrop/mock"
)

func TestDropScenarios(t *testing.T) {
	tests := []struct {
		name    string
		key     string
		id      string
		flags   []string // before the defaults, on every run
		opts    []mock.Option
		warmups int
		exit    int
		// For success: the outcome, and what describe said when it
		// confirmed the drop.
		outcome string
		status  string
		// For failures: the JSON error's fields.
		httpStatus int
		code       int
		kind       string
		hint       string
		// lostOutcome is the error's "outcome" when the drop's answer was
		// lost.
		lostOutcome string
	}{
		{name: "success", id: "in01-6183d6bac30f801", exit: exitOK, outcome: "dropped"},
		{name: "already dropped", id: "in01-6183d6bac30f801", warmups: 1, exit: exitNotFound, httpStatus: 200, code: 96018, kind: "not_found", hint: "already gone"},
		{name: "unknown cluster", id: "in01-0000000000000aa", exit: exitNotFound, httpStatus: 200, code: 96018, kind: "not_found"},
		{name: "if-exists on a dropped cluster", id: "in01-6183d6bac30f801", flags: []string{"--if-exists"}, warmups: 1, exit: exitOK, outcome: "already_gone"},
		{name: "if-exists on an unknown cluster", id: "in01-0000000000000aa", flags: []string{"--if-exists"}, exit: exitOK, outcome: "already_gone"},
		{name: "if-exists on a running cluster", id: "in01-6183d6bac30f801", flags: []string{"--if-exists"}, exit: exitOK, outcome: "dropped"},
		{name: "if-exists keeps other errors", key: "scoped-key-0123456789", id: "in01-6183d6bac30f801", flags: []string{"--if-exists"}, exit: exitAuth, httpStatus: 200, code: 96016, kind: "permission_denied"},
		{name: "bad key", key: "wrong-key-0123456789", id: "in01-6183d6bac30f801", exit: exitAuth, httpStatus: 401, code: 21119, kind: "unauthorized", hint: "check the API key, and the region"},
		{name: "no scope", key: "scoped-key-0123456789", id: "in01-6183d6bac30f801", exit: exitAuth, httpStatus: 200, code: 96016, kind: "permission_denied", hint: "lacks access to this cluster"},
		{name: "malformed ID reaches the server in observe mode", id: "in01-NOT-LOWER", exit: exitUsage, httpStatus: 200, code: 96036, kind: "invalid_cluster_id"},
		{name: "rate limited", id: "in01-0000000000000aa", warmups: 1, opts: []mock.Option{mock.WithRateLimit(1)}, exit: exitNetwork, httpStatus: 429, code: 429, kind: "rate_limited"},
		{name: "server fault", id: "in01-6183d6bac30f801", opts: []mock.Option{mock.WithFault(mock.Fault{Kind: mock.FaultStatus, StatusCode: 500, Times: 1})}, exit: exitNetwork, httpStatus: 500, code: 500, kind: "server", hint: "retry later"},
		{name: "gateway HTML page", id: "in01-6183d6bac30f801", opts: []mock.Option{mock.WithFault(mock.Fault{Kind: mock.FaultBadGatewayHTML, Times: 1})}, exit: exitNetwork, httpStatus: 502, kind: "server"},
		// The drop takes effect and its answer is lost: describe then finds
		// the cluster DELETING, and the drop is a success, confirmed.
		{name: "truncated JSON", id: "in01-6183d6bac30f801", opts: []mock.Option{mock.WithFault(mock.Fault{Kind: mock.FaultTruncatedJSON, Times: 1})}, exit: exitOK, outcome: "confirmed", status: "DELETING"},
		{name: "connection closed mid-body", id: "in01-6183d6bac30f801", opts: []mock.Option{mock.WithFault(mock.Fault{Kind: mock.FaultAbortMidBody, Times: 1})}, exit: exitOK, outcome: "confirmed", status: "DELETING"},
		// The answer is lost, and so is describe's: the drop may have
		// happened, and the hint says how to find out.
		{name: "truncated JSON, describe truncated too", id: "in01-6183d6bac30f801", opts: []mock.Option{mock.WithFault(mock.Fault{Kind: mock.FaultTruncatedJSON, Times: 2})},
			exit: exitNetwork, httpStatus: 200, kind: "unexpected_response", lostOutcome: "unknown", hint: "so the drop may have happened, and describe could not tell: " + checkHint("in01-6183d6bac30f801")},
		{name: "connection closed mid-body, describe too", id: "in01-6183d6bac30f801", opts: []mock.Option{mock.WithFault(mock.Fault{Kind: mock.FaultAbortMidBody, Times: 2})},
			exit: exitNetwork, kind: "network", lostOutcome: "unknown", hint: "the connection failed after the request was sent, so the drop may have happened"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base, _, _ := dropMock(t, tt.opts...)
			key := tt.key
			if key == "" {
				key = dropKey
			}
			t.Setenv("ZILLIZ_API_KEY", key)
			args := append(slices.Clone(tt.flags), "--yes", "--attempts", "1", "--output", "json", "--base-url", base, tt.id)
			for range tt.warmups {
				runDropCLI(t, "", args...)
			}
			code, stdout, _ := runDropCLI(t, "", args...)
			if code != tt.exit {
				t.Errorf("exit %d, want %d; stdout %s", code, tt.exit, stdout)
			}
			if tt.exit == exitOK {
				var got map[string]string
				if err := json.Unmarshal([]byte(stdout), &got); err != nil {
					t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
				}
				want := map[string]string{"clusterId": tt.id, "outcome": tt.outcome, "prompt": got["prompt"], "requestId": got["requestId"]}
				if tt.status != "" {
					want["status"] = tt.status
				}
				// Only the API's own answer has a prompt.
				if !maps.Equal(got, want) || got["requestId"] == "" || strings.Contains(got["prompt"], "30-day") != (tt.outcome == "dropped") {
					t.Errorf("got %v, want clusterId, prompt (only when dropped), requestId, outcome %q and status %q", got, tt.outcome, tt.status)
				}
				return
			}
			var got struct {
				Error struct {
					StatusCode int    `json:"httpStatus"`
					Code       int    `json:"code"`
					Message    string `json:"message"`
					RequestID  string `json:"requestId"`
					Kind       string `json:"kind"`
					Hint       string `json:"hint"`
					Outcome    string `json:"outcome"`
				} `json:"error"`
			}
			if err := json.Unmarshal([]byte(stdout), &got); err != nil {
				t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
			}
			e := got.Error
			if e.StatusCode != tt.httpStatus || e.Code != tt.code || e.Kind != tt.kind || e.Message == "" || !strings.Contains(e.Hint, tt.hint) || e.Outcome != tt.lostOutcome {
				t.Errorf("got %+v, want status %d code %d kind %s outcome %q hint containing %q", e, tt.httpStatus, tt.code, tt.kind, tt.lostOutcome, tt.hint)
			}
		})
	}
}

// TestDropTextSaysTheOutcome: text output says how the drop is known to
// have happened: the API's answer, describe's confirmation after a lost
// answer, or a cluster that was already gone.
func TestDropTextSaysTheOutcome(t *testing.T) {
	tests := []struct {
		name    string
		flags   []string
		opts    []mock.Option
		warmups int
		stdout  string
	}{
		{name: "dropped", stdout: "dropped cluster " + seededDedicated + " (request id "},
		{name: "confirmed", opts: []mock.Option{mock.WithFault(mock.Fault{Kind: mock.FaultTruncatedJSON, Times: 1})},
			stdout: "): the drop's answer was lost; confirmed by describe: DELETING\n"},
		{name: "confirmed, purged at once", opts: []mock.Option{mock.WithDeleteDelay(0), mock.WithPurgeDelay(0), mock.WithFault(mock.Fault{Kind: mock.FaultAbortMidBody, Times: 1})},
			stdout: "): the drop's answer was lost; confirmed by describe: not found\n"},
		{name: "already gone", flags: []string{"--if-exists"}, warmups: 1,
			stdout: "cluster " + seededDedicated + " does not exist (request id "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base, _, _ := dropMock(t, tt.opts...)
			t.Setenv("ZILLIZ_API_KEY", dropKey)
			args := append(slices.Clone(tt.flags), "--yes", "--attempts", "1", "--validate", "off", "--base-url", base, seededDedicated)
			for range tt.warmups {
				runDropCLI(t, "", args...)
			}
			code, stdout, stderr := runDropCLI(t, "", args...)
			if code != exitOK || !strings.Contains(stdout, tt.stdout) || strings.Count(stdout, "\n") != 1 || stderr != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want one line containing %q, and nothing on stderr", code, stdout, stderr, tt.stdout)
			}
		})
	}
}

func TestDropTextOutput(t *testing.T) {
	base, _, _ := dropMock(t)
	t.Setenv("ZILLIZ_API_KEY", dropKey)
	code, stdout, stderr := runDropCLI(t, "", "--yes", "--base-url", base, "in01-6183d6bac30f801")
	if code != exitOK || !strings.HasPrefix(stdout, "dropped cluster in01-6183d6bac30f801 (request id ") || strings.Count(stdout, "\n") != 1 || stderr != "" {
		t.Errorf("exit %d, stdout %q, stderr %q; want one line of success and nothing on stderr", code, stdout, stderr)
	}
	code, stdout, stderr = runDropCLI(t, "", "--yes", "--base-url", base, "in01-6183d6bac30f801")
	if code != exitNotFound || stdout != "" || !strings.Contains(stderr, "api error 96018 (http 200)") ||
		!strings.Contains(stderr, "hint: the cluster is already gone") {
		t.Errorf("exit %d, stdout %q, stderr %q; want the error and a hint on stderr", code, stdout, stderr)
	}
}

func TestDropRefusesWithoutConfirmation(t *testing.T) {
	fakeTerminal(t, false)
	base, srv, n := dropMock(t)
	t.Setenv("ZILLIZ_API_KEY", dropKey)
	code, stdout, stderr := runDropCLI(t, "in01-6183d6bac30f801\n", "--base-url", base, "in01-6183d6bac30f801")
	if code != exitUsage || stdout != "" || !strings.Contains(stderr, "stdin is not a terminal; pass --yes") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if n.Load() != 0 {
		t.Errorf("%d requests were sent without confirmation", n.Load())
	}
	if c, _ := srv.Cluster("in01-6183d6bac30f801"); c.Status != mock.StatusRunning {
		t.Errorf("cluster is %s, want it still running", c.Status)
	}
}

func TestDropInteractiveConfirmation(t *testing.T) {
	fakeTerminal(t, true)
	tests := []struct {
		name   string
		typed  string
		exit   int
		sent   int64
		stderr string
	}{
		{name: "typed back", typed: "in01-6183d6bac30f801\n", exit: exitOK, sent: 1, stderr: "Type the cluster ID to confirm"},
		{name: "typed another ID", typed: "in01-6183d6bac30f802\n", exit: exitUsage, sent: 0, stderr: "confirmation did not match the cluster ID. Nothing sent."},
		{name: "nothing typed", typed: "", exit: exitUsage, sent: 0, stderr: "confirmation did not match"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base, _, n := dropMock(t)
			t.Setenv("ZILLIZ_API_KEY", dropKey)
			code, _, stderr := runDropCLI(t, tt.typed, "--base-url", base, "in01-6183d6bac30f801")
			if code != tt.exit || n.Load() != tt.sent || !strings.Contains(stderr, tt.stderr) {
				t.Errorf("exit %d after %d requests, stderr %q; want exit %d after %d, stderr containing %q", code, n.Load(), stderr, tt.exit, tt.sent, tt.stderr)
			}
		})
	}
}

func TestDropDryRun(t *testing.T) {
	base, _, n := dropMock(t)
	t.Setenv("ZILLIZ_API_KEY", dropKey)
	code, stdout, stderr := runDropCLI(t, "", "--dry-run", "--base-url", base, "in01-6183d6bac30f801")
	want := fmt.Sprintf("DELETE %s/v2/clusters/in01-6183d6bac30f801/drop\nAuthorization: Bearer REDACTED\nAccept: application/json\ndry run: nothing sent\n", base)
	if code != exitOK || stdout != want || stderr != "" {
		t.Errorf("exit %d, stderr %q, stdout:\n%s\nwant:\n%s", code, stderr, stdout, want)
	}
	code, stdout, _ = runDropCLI(t, "", "--dry-run", "--validate", "enforce", "--output", "json", "--base-url", base, "in01-NOT-LOWER")
	var got struct {
		DryRun     bool
		Violations []struct{ Pointer string }
		Error      struct{ Kind, Message string }
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
	}
	if code != exitUsage || !got.DryRun || len(got.Violations) != 1 || got.Violations[0].Pointer != "path/clusterId" ||
		got.Error.Kind != "invalid_cluster_id" || got.Error.Message == "" {
		t.Errorf("exit %d, stdout %s; want a JSON dry run naming the path violation, and the error the real drop would give", code, stdout)
	}
	if n.Load() != 0 {
		t.Errorf("a dry run sent %d requests", n.Load())
	}
}

func TestDropDryRunWithoutAKey(t *testing.T) {
	base, _, n := dropMock(t)
	const wouldFail = "the real drop would fail: no API key: set ZILLIZ_API_KEY, or pass --api-key-file PATH"
	tests := []struct {
		name   string
		key    string
		output string
		// stdout and stderr must contain these; "" means stderr is empty.
		stdout, stderr string
	}{
		{name: "text", output: "text", stdout: "Authorization: Bearer REDACTED\nAccept: application/json\ndry run: nothing sent\n", stderr: "zcdrop drop: warning: " + wouldFail},
		{name: "json", output: "json", stdout: `"wouldFail":"no API key: set ZILLIZ_API_KEY, or pass --api-key-file PATH`},
		{name: "text with a key", key: dropKey, output: "text", stdout: "dry run: nothing sent\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("ZILLIZ_API_KEY", tt.key)
			code, stdout, stderr := runDropCLI(t, "", "--dry-run", "--output", tt.output, "--base-url", base, "in01-6183d6bac30f801")
			if code != exitOK {
				t.Errorf("exit %d, want 0: a dry run needs no key", code)
			}
			checkOutput(t, "stdout", stdout, tt.stdout)
			checkOutput(t, "stderr", stderr, tt.stderr)
			if tt.key != "" && strings.Contains(stdout+stderr, "would fail") {
				t.Errorf("with a key, the dry run says the drop would fail:\n%s%s", stdout, stderr)
			}
		})
	}
	if n.Load() != 0 {
		t.Errorf("a dry run sent %d requests", n.Load())
	}
}

func TestDropJSONFailures(t *testing.T) {
	tests := []struct {
		name     string
		env      string
		terminal bool
		stdin    string
		args     []string
		kind     string
	}{
		{name: "invalid cluster ID", env: dropKey, args: []string{"--output", "json", "--yes", "in01-../x"}, kind: "invalid_cluster_id"},
		{name: "no key", args: []string{"--output", "json", "--yes", seededDedicated}, kind: "no_api_key"},
		{name: "unreadable key file", args: []string{"--output", "json", "--yes", "--api-key-file", "/nonexistent/key", seededDedicated}, kind: "no_api_key"},
		{name: "key as a flag", env: dropKey, args: []string{"--output", "json", "--api-key", dropKey, seededDedicated}, kind: "usage"},
		{name: "refused: no terminal", env: dropKey, args: []string{"--output", "json", seededDedicated}, kind: "refused"},
		{name: "refused: another ID typed", env: dropKey, terminal: true, stdin: "in01-0000000000000aa\n", args: []string{"--output", "json", seededDedicated}, kind: "refused"},
		{name: "bad --validate", env: dropKey, args: []string{"--output", "json", "--validate", "bogus", seededDedicated}, kind: "usage"},
		{name: "zero --timeout", env: dropKey, args: []string{"--output", "json", "--yes", "--timeout", "0s", seededDedicated}, kind: "usage"},
		{name: "zero attempts", env: dropKey, args: []string{"--output", "json", "--yes", "--attempts", "0", seededDedicated}, kind: "usage"},
		{name: "flag after the operand", env: dropKey, args: []string{"--output", "json", seededDedicated, "--yes"}, kind: "usage"},
		{name: "no operand", env: dropKey, args: []string{"--output", "json", "--yes"}, kind: "usage"},
		{name: "unknown flag before --output", env: dropKey, args: []string{"--nope", "--output", "json", seededDedicated}, kind: "usage"},
		{name: "bad flag value after --output=json", env: dropKey, args: []string{"--output=json", "--timeout", "soon", seededDedicated}, kind: "usage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base, _, n := dropMock(t)
			fakeTerminal(t, tt.terminal)
			t.Setenv("ZILLIZ_API_KEY", tt.env)
			code, stdout, stderr := runDropCLI(t, tt.stdin, append([]string{"--base-url", base}, tt.args...)...)
			var got struct {
				Error struct {
					StatusCode *int   `json:"httpStatus"`
					Message    string `json:"message"`
					Kind       string `json:"kind"`
				} `json:"error"`
			}
			dec := json.NewDecoder(strings.NewReader(stdout))
			if err := dec.Decode(&got); err != nil || dec.More() {
				t.Fatalf("stdout is not one JSON document (%v):\n%s", err, stdout)
			}
			if code != exitUsage || got.Error.Kind != tt.kind || got.Error.Message == "" || got.Error.StatusCode == nil {
				t.Errorf("exit %d, stdout %s; want exit 2 and an error of kind %q", code, stdout, tt.kind)
			}
			if strings.HasPrefix(got.Error.Message, "zcdrop") {
				t.Errorf("message %q carries a prefix", got.Error.Message)
			}
			if !tt.terminal && stderr != "" {
				t.Errorf("stderr %q; want everything in the JSON document", stderr)
			}
			if n.Load() != 0 {
				t.Errorf("%d requests sent", n.Load())
			}
		})
	}
}

func TestDropUsageErrors(t *testing.T) {
	emptyFile := writeKeyFile(t, "\n")
	tests := []struct {
		name   string
		env    string
		args   []string
		stderr string
	}{
		{name: "no key", args: []string{"--yes", "in01-abc"}, stderr: "no API key: set ZILLIZ_API_KEY, or pass --api-key-file PATH"},
		{name: "key as a flag", env: dropKey, args: []string{"--api-key", dropKey, "in01-abc"}, stderr: "--api-key is refused: flags show in process lists"},
		{name: "empty key file", args: []string{"--yes", "--api-key-file", emptyFile, "in01-abc"}, stderr: "is empty"},
		{name: "missing key file", args: []string{"--yes", "--api-key-file", emptyFile + "-missing", "in01-abc"}, stderr: "read --api-key-file"},
		{name: "no cluster", env: dropKey, args: []string{"--yes"}, stderr: "want exactly one CLUSTER_ID, got 0"},
		{name: "path-changing cluster ID", env: dropKey, args: []string{"--yes", "../x"}, stderr: `invalid cluster ID "../x"`},
		{name: "bad region", env: dropKey, args: []string{"--region", "eu", "in01-abc"}, stderr: `--region must be global or cn, not "eu"`},
		{name: "plain http to a remote host", env: dropKey, args: []string{"--yes", "--base-url", "http://example.com", "in01-abc"}, stderr: "plain http is allowed only on loopback"},
		{name: "bad output", env: dropKey, args: []string{"--output", "yaml", "in01-abc"}, stderr: `--output must be text or json, not "yaml"`},
		{name: "bad validate", env: dropKey, args: []string{"--validate", "strict", "in01-abc"}, stderr: "--validate must be enforce, observe or off"},
		{name: "flag after the cluster ID", env: dropKey, args: []string{"in01-abc", "--yes"}, stderr: `flags must come before CLUSTER_ID; "--yes" came after it`},
		{name: "zero timeout", env: dropKey, args: []string{"--yes", "--timeout", "0s", "in01-abc"}, stderr: "--timeout must be positive, not 0s"},
		{name: "zero attempts", env: dropKey, args: []string{"--yes", "--attempts", "0", "in01-abc"}, stderr: "WithRetry: attempts must be at least 1, got 0"},
		{name: "dry run checks the base URL", args: []string{"--dry-run", "--base-url", "http://example.com", "in01-abc"}, stderr: "plain http is allowed only on loopback"},
		{name: "dry run never prints credentials", args: []string{"--dry-run", "--base-url", "https://user:pw-secret@example.com", "in01-abc"}, stderr: "must not carry credentials"},
		{name: "unknown flag", env: dropKey, args: []string{"--nope", "in01-abc"}, stderr: "flag provided but not defined: -nope\nUsage: zcdrop drop"},
		{name: "unknown flag, bad output", env: dropKey, args: []string{"--nope", "--output", "yaml", "in01-abc"}, stderr: "flag provided but not defined: -nope\nUsage: zcdrop drop"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("ZILLIZ_API_KEY", tt.env)
			code, stdout, stderr := runDropCLI(t, "", tt.args...)
			if strings.Contains(stdout+stderr, "pw-secret") || strings.Contains(stderr, "zcdrop drop: zcdrop:") {
				t.Errorf("stderr %q quotes a credential or doubles its prefix", stderr)
			}
			if code != exitUsage || stdout != "" || !strings.Contains(stderr, tt.stderr) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 and %q", code, stdout, stderr, tt.stderr)
			}
		})
	}
}

func TestDropValidationModes(t *testing.T) {
	base := noPrompt(t)
	t.Setenv("ZILLIZ_API_KEY", dropKey)
	tests := []struct {
		mode   string
		exit   int
		stderr string
	}{
		{mode: "observe", exit: exitOK, stderr: `warning: the exchange breaks openapi.yaml: response /data/prompt: property "prompt" is missing`},
		{mode: "enforce", exit: exitFailed, stderr: "hint: the answer breaks openapi.yaml"},
		{mode: "off", exit: exitOK, stderr: ""},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			code, _, stderr := runDropCLI(t, "", "--yes", "--validate", tt.mode, "--base-url", base, "in01-6183d6bac30f801")
			if code != tt.exit || !strings.Contains(stderr, tt.stderr) || (tt.stderr == "" && stderr != "") {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, tt.exit, tt.stderr)
			}
		})
	}
}

func TestDropVerboseRedactsTheKey(t *testing.T) {
	base, _, _ := dropMock(t)
	keyFile := writeKeyFile(t, dropKey+"\n")
	t.Setenv("ZILLIZ_API_KEY", "")
	code, _, stderr := runDropCLI(t, "", "-v", "--yes", "--api-key-file", keyFile, "--base-url", base, "in01-6183d6bac30f801")
	if code != exitOK || !strings.Contains(stderr, `level=DEBUG msg=request method=DELETE`) ||
		!strings.Contains(stderr, `Authorization=\"Bearer REDACTED\"`) || !strings.Contains(stderr, "msg=response status=200") {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
}

// TestDropDryRunKeepsTheBasePath: a base URL with a path (a proxy at
// /prefix) shows in the request, and the spec is checked on the path below
// it, as the real run checks it, so that enforce does not refuse it.
func TestDropDryRunKeepsTheBasePath(t *testing.T) {
	t.Setenv("ZILLIZ_API_KEY", "")
	for _, mode := range []string{"observe", "enforce"} {
		code, stdout, _ := runDropCLI(t, "", "--dry-run", "--validate", mode, "--base-url", "http://127.0.0.1:8080/prefix", "in01-abc")
		if code != exitOK || !strings.HasPrefix(stdout, "DELETE http://127.0.0.1:8080/prefix/v2/clusters/in01-abc/drop\n") ||
			strings.Contains(stdout, "violation") {
			t.Errorf("--validate %s: exit %d, stdout %q; want the request under /prefix, conforming", mode, code, stdout)
		}
	}
	code, stdout, _ := runDropCLI(t, "", "--dry-run", "--validate", "enforce", "--base-url", "http://127.0.0.1:8080/prefix", "in01-NOT-LOWER")
	if code != exitUsage || !strings.Contains(stdout, "violation: request path/clusterId") {
		t.Errorf("a bad ID under /prefix: exit %d, stdout %q; want the spec's objection to the ID and exit %d", code, stdout, exitUsage)
	}
}

func TestDropNeverFollowsRedirects(t *testing.T) {
	var got atomic.Int64
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got.Add(1) }))
	t.Cleanup(elsewhere.Close)
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	t.Cleanup(redirector.Close)
	t.Setenv("ZILLIZ_API_KEY", dropKey)
	for _, mode := range []string{"observe", "off"} {
		code, _, stderr := runDropCLI(t, "", "--yes", "--validate", mode, "--base-url", redirector.URL, "in01-abc")
		if code == exitOK || got.Load() != 0 {
			t.Errorf("--validate %s: exit %d after %d requests elsewhere, stderr %q; want a failure and no request elsewhere", mode, code, got.Load(), stderr)
		}
	}
}

func TestDropConnectionRefusedSaysNothingWasSent(t *testing.T) {
	ts := httptest.NewServer(http.NotFoundHandler())
	base := ts.URL
	ts.Close() // Nothing listens there any more.
	t.Setenv("ZILLIZ_API_KEY", dropKey)
	code, stdout, _ := runDropCLI(t, "", "--yes", "--output", "json", "--base-url", base, "in01-abc")
	if code != exitNetwork || !strings.Contains(stdout, `"kind":"network"`) || !strings.Contains(stdout, "nothing was sent") {
		t.Errorf("exit %d, stdout %s; want a network failure saying nothing was sent", code, stdout)
	}
}

func TestDropHelpExitCodeTwo(t *testing.T) {
	// Each cause that drop --help gives for exit 2 ends in exit 2, before
	// anything is sent.
	_, _, help := runDropCLI(t, "", "--help")
	const line = "\n  2  usage error, invalid cluster ID, no API key, or refused; nothing sent\n"
	if !strings.Contains(help, line) {
		t.Fatalf("drop --help lacks %q:\n%s", line, help)
	}
	tests := []struct {
		cause string // as the help names it
		key   string
		args  []string
	}{
		{cause: "usage error", key: dropKey, args: []string{"--yes"}},
		{cause: "invalid cluster ID", key: dropKey, args: []string{"--yes", "in01-../x"}},
		{cause: "no API key", args: []string{"--yes", seededDedicated}},
		{cause: "refused", key: dropKey, args: []string{seededDedicated}},
	}
	for _, tt := range tests {
		t.Run(tt.cause, func(t *testing.T) {
			if !strings.Contains(line, tt.cause) {
				t.Fatalf("the help's exit 2 line does not name %q", tt.cause)
			}
			fakeTerminal(t, false)
			base, _, n := dropMock(t)
			t.Setenv("ZILLIZ_API_KEY", tt.key)
			code, _, stderr := runDropCLI(t, "", append([]string{"--base-url", base}, tt.args...)...)
			if code != exitUsage || n.Load() != 0 {
				t.Errorf("exit %d after %d requests, stderr %q; want exit 2 and nothing sent", code, n.Load(), stderr)
			}
		})
	}
}

// TestDropSaysItRetried: a drop that gave up after retrying says how many
// attempts it made, in text and in JSON; one that was not retried does not.
func TestDropSaysItRetried(t *testing.T) {
	tests := []struct {
		name     string
		attempts string
		want     int // the attempts reported; 0: none
	}{
		{name: "retried", attempts: "3", want: 3},
		{name: "not retried", attempts: "1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			waits := fakeBackoff(t)
			base, _, hits := dropMock(t, mock.WithFault(mock.Fault{Kind: mock.FaultStatus, StatusCode: 503, Times: 10}))
			t.Setenv("ZILLIZ_API_KEY", dropKey)
			_, _, stderr := runDropCLI(t, "", "--yes", "--attempts", tt.attempts, "--base-url", base, "in01-6183d6bac30f801")
			_, stdout, _ := runDropCLI(t, "", "--yes", "--attempts", tt.attempts, "--output", "json", "--base-url", base, "in01-6183d6bac30f801")
			var got struct {
				Error struct {
					Attempts int `json:"attempts"`
				} `json:"error"`
			}
			if err := json.Unmarshal([]byte(stdout), &got); err != nil {
				t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
			}
			said := strings.Contains(stderr, fmt.Sprintf("giving up after %d attempts: ", tt.want))
			if got.Error.Attempts != tt.want || said != (tt.want > 0) {
				t.Errorf("JSON attempts %d, text %q; want %d", got.Error.Attempts, stderr, tt.want)
			}
			if int(hits.Load()) != 2*max(tt.want, 1) {
				t.Errorf("%d requests for two drops, want %d", hits.Load(), 2*max(tt.want, 1))
			}
			if want := 2 * max(tt.want-1, 0); len(*waits) != want {
				t.Errorf("waited %v before retrying, want %d waits", *waits, want)
			}
		})
	}
}

// hostileText is what a hostile server puts in every string it controls: a
// line of zcdrop's own, an OSC 52 that sets the clipboard, an erase of the
// line and a return, and a bidi override.
const hostileText = "gone\nzcdrop drop: dropped cluster in01-6183d6bac30f801 (request id 1): ok\x1b]52;c;ZXZpbA==\x07\x1b[2K\rhint: none\u202e"

// hostileHeader is what a hostile server can put in a header value: Go's
// client refuses a control byte there, but not a bidi override, a C1
// control encoded in UTF-8, or a raw C1 byte.
const hostileHeader = "req-\u202e-\u009b2J-\x9b31m"

// hostileServer answers every drop with status and envelope, in which {id}
// stands for the requested cluster ID and {text} for hostileText as a JSON
// string, and with hostileHeader as its requestid. It writes the answer by
// hand, so that the header reaches the client as it was written.
func hostileServer(t *testing.T, status int, envelope string) string {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("DELETE /v2/clusters/{id}/drop", func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close()
		text, _ := json.Marshal(hostileText)
		body := strings.NewReplacer("{id}", r.PathValue("id"), "{text}", string(text)).Replace(envelope)
		fmt.Fprintf(buf, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nrequestid: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
			status, http.StatusText(status), hostileHeader, len(body), body)
		_ = buf.Flush()
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts.URL
}

// TestDropTextCannotLie: whatever a server puts in a message, a prompt or a
// request ID reaches text output escaped, so that it cannot fake a line,
// set the clipboard or erase the hint; JSON output carries it raw.
func TestDropTextCannotLie(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		envelope string
		exit     int
		// lines is how many lines the text output has, on stdout and
		// stderr together: the verdict, and a failure's hint.
		lines int
		// field is the JSON output's field that must hold hostileText raw.
		field string
	}{
		{name: "success", status: 200, envelope: `{"code":0,"data":{"clusterId":"{id}","prompt":{text}}}`, exit: exitOK, lines: 1, field: "prompt"},
		{name: "business error", status: 200, envelope: `{"code":96018,"message":{text}}`, exit: exitNotFound, lines: 2, field: "message"},
		{name: "error status", status: 400, envelope: `{"code":400,"message":{text}}`, exit: exitFailed, lines: 1, field: "message"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := hostileServer(t, tt.status, tt.envelope)
			t.Setenv("ZILLIZ_API_KEY", dropKey)
			for _, validate := range []string{"observe", "off"} {
				args := []string{"--yes", "--attempts", "1", "--validate", validate, "--base-url", base, seededDedicated}
				if validate == "observe" {
					args = append([]string{"-v"}, args...) // The log of -v, and any warning, are text too.
				}
				code, stdout, stderr := runDropCLI(t, "", args...)
				text := stdout + stderr
				if code != tt.exit || hasRawControl(text) {
					t.Errorf("--validate %s: exit %d, want %d and nothing raw that acts on a terminal:\n%q", validate, code, tt.exit, text)
				}
				if validate == "off" && strings.Count(text, "\n") != tt.lines {
					t.Errorf("--validate %s: %d lines, want %d:\n%s", validate, strings.Count(text, "\n"), tt.lines, text)
				}
				if tt.exit == exitOK && !strings.HasPrefix(stdout, "dropped cluster "+seededDedicated+` (request id req-\u202e-\u009b2J-\x9b31m): gone\nzcdrop drop: `) {
					t.Errorf("--validate %s: stdout %q; want the success, the request ID escaped", validate, stdout)
				}
			}
			code, stdout, _ := runDropCLI(t, "", "--yes", "--attempts", "1", "--validate", "off", "--output", "json", "--base-url", base, seededDedicated)
			var got map[string]any
			if err := json.Unmarshal([]byte(stdout), &got); err != nil {
				t.Fatalf("exit %d, stdout is not JSON (%v): %q", code, err, stdout)
			}
			if e, ok := got["error"].(map[string]any); ok {
				got = e
			}
			if got[tt.field] != hostileText || (tt.exit == exitOK && got["requestId"] != strings.ToValidUTF8(hostileHeader, "\ufffd")) {
				t.Errorf("JSON %s is %q, request ID %q; want the server's raw %q and %q", tt.field, got[tt.field], got["requestId"], hostileText, hostileHeader)
			}
		})
	}
}

// TestDropConfirmationEscapesTheBaseURL: the prompt names --base-url, which
// the shell passed on; a bidi override in it must not reorder the prompt.
func TestDropConfirmationEscapesTheBaseURL(t *testing.T) {
	fakeTerminal(t, true)
	t.Setenv("ZILLIZ_API_KEY", dropKey)
	code, _, stderr := runDropCLI(t, "no\n", "--base-url", "http://127.0.0.1:1/\u202eprefix", seededDedicated)
	if code != exitUsage || !strings.Contains(stderr, `at http://127.0.0.1:1/\u202eprefix.`) || hasRawControl(stderr) {
		t.Errorf("exit %d, stderr %q; want a refusal, and the base URL escaped in the prompt", code, stderr)
	}
}

// TestDropHelpDocumentsTheWait: drop --help and zcdrop help name the exit
// codes of a wait that stopped, and the help says how --timeout applies,
// what each outcome means, and what --if-exists does.
func TestDropHelpDocumentsTheWait(t *testing.T) {
	_, _, help := runDropCLI(t, "", "--help")
	for _, want := range []string{
		"\n  6  --wait: dropped, but not yet gone when --timeout ran out\n",
		"\n  130  --wait: dropped, but interrupted (Ctrl-C, SIGTERM) while waiting\n",
		"--timeout bounds the whole command, the\ndrop, its retries and the wait together: 2m, or 10m with --wait, unless set.",
		"\n  confirmed     the answer was lost",
		"\n  already_gone  with --if-exists: the cluster did not exist\n",
		"--if-exists is the teardown mode",
		"-wait\n",
		"-if-exists\n",
	} {
		if !strings.Contains(help, want) {
			t.Errorf("drop --help lacks %q:\n%s", want, help)
		}
	}
	code, stdout, _ := runCLI(t, "help")
	for _, want := range []string{
		"\n  6  drop --wait, wait: not yet gone when --timeout ran out\n",
		"\n  130  drop --wait, wait: interrupted (Ctrl-C, SIGTERM) while waiting\n",
	} {
		if code != exitOK || !strings.Contains(stdout, want) {
			t.Errorf("zcdrop help lacks %q:\n%s", want, stdout)
		}
	}
	if exitTimeout == exitInterrupted || slices.Contains([]int{exitOK, exitFailed, exitUsage, exitNotFound, exitAuth, exitNetwork}, exitTimeout) {
		t.Errorf("exit %d is not distinct from every other code", exitTimeout)
	}
}
