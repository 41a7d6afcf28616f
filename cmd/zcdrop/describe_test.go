package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zcdrop/zcdrop/mock"
)

// runWithKey runs zcdrop in-process with ctx, no stdin, and key in
// ZILLIZ_API_KEY (none when empty), and fails the test if the key appears
// in its output.
func runWithKey(t *testing.T, ctx context.Context, key string, args ...string) (int, string, string) {
	t.Helper()
	t.Setenv("ZILLIZ_API_KEY", key)
	var out, errOut bytes.Buffer
	code := run(ctx, args, strings.NewReader(""), &out, &errOut)
	if key != "" && strings.Contains(out.String()+errOut.String(), key) {
		t.Errorf("the API key appears in the output of %s:\n%s%s", args[0], out.String(), errOut.String())
	}
	return code, out.String(), errOut.String()
}

// methodCounter counts the requests of each method that pass through it
// to next, so that a test can prove that no drop (DELETE) was sent.
type methodCounter struct {
	next          http.Handler
	gets, deletes atomic.Int64
}

func (c *methodCounter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		c.gets.Add(1)
	case http.MethodDelete:
		c.deletes.Add(1)
	}
	c.next.ServeHTTP(w, r)
}

// describeMock serves the reference control plane, knowing dropKey and
// seededDedicated, on the real clock, and counts its requests by method.
func describeMock(t *testing.T, opts ...mock.Option) (string, *mock.Server, *methodCounter) {
	t.Helper()
	m, err := mock.New(append([]mock.Option{mock.WithAPIKey(dropKey), mock.WithClusters(seededDedicated)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	c := &methodCounter{next: m}
	srv := httptest.NewServer(c)
	t.Cleanup(srv.Close)
	return srv.URL, m, c
}

// statusServer answers every describe with a success that reports status
// for the requested cluster, and a requestid header.
func statusServer(t *testing.T, status string) string {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v2/clusters/{id}", func(w http.ResponseWriter, r *http.Request) {
		body, _ := json.Marshal(map[string]any{"code": 0, "data": map[string]string{"clusterId": r.PathValue("id"), "status": status}})
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("requestid", "req-status")
		_, _ = w.Write(body)
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts.URL
}

// describeJSON is what describe --output json prints.
type describeJSON struct {
	ClusterID string `json:"clusterId"`
	Status    string `json:"status"`
	Known     *bool  `json:"known"`
	RequestID string `json:"requestId"`
	Error     *struct {
		StatusCode int    `json:"httpStatus"`
		Code       int    `json:"code"`
		Message    string `json:"message"`
		Kind       string `json:"kind"`
		Hint       string `json:"hint"`
	} `json:"error"`
}

// TestDescribe: one describe, one line (or one JSON document) with the
// cluster's status, whatever it is; a cluster that does not exist is exit
// 3 and a refused key exit 4, as for drop. Describe sends no drop: the
// server sees one GET and no DELETE, and under the default --validate
// observe, the mock's answers raise no warning.
func TestDescribe(t *testing.T) {
	const id = seededDedicated
	dropFirst := func(opts ...mock.Option) func(t *testing.T) string {
		return func(t *testing.T) string {
			base, _, _ := describeMock(t, opts...)
			if code, _, stderr := runWithKey(t, context.Background(), dropKey, "drop", "--yes", "--attempts", "1", "--base-url", base, id); code != exitOK {
				t.Fatalf("drop: exit %d, stderr %q", code, stderr)
			}
			return base
		}
	}
	tests := []struct {
		name string
		// serve starts the server and brings the cluster to its status.
		serve func(t *testing.T) string
		id    string
		key   string
		exit  int
		// For success: the status, and whether openapi.yaml lists it.
		status string
		known  bool
		// For failures: the JSON error's fields, and what its hint says.
		httpStatus, code int
		kind, hint       string
		// text is what text output must match: stdout on success, stderr
		// on failure.
		text string
	}{
		{name: "running", status: "RUNNING", known: true,
			serve: func(t *testing.T) string { base, _, _ := describeMock(t); return base },
			text:  `^cluster ` + id + `: RUNNING \(request id \w+\)\n$`},
		{name: "deleting", status: "DELETING", known: true,
			serve: dropFirst(mock.WithDeleteDelay(time.Hour)),
			text:  `^cluster ` + id + `: DELETING \(request id \w+\)\n$`},
		{name: "deleted", status: "DELETED", known: true,
			serve: dropFirst(mock.WithDeleteDelay(0), mock.WithPurgeDelay(time.Hour)),
			text:  `^cluster ` + id + `: DELETED \(request id \w+\)\n$`},
		{name: "unknown status", status: "MIGRATING", known: false,
			serve: func(t *testing.T) string { return statusServer(t, "MIGRATING") },
			text:  `^cluster ` + id + `: MIGRATING \(unknown status\) \(request id req-status\)\n$`},
		{name: "purged", exit: exitNotFound, httpStatus: 200, code: 96018, kind: "not_found", hint: "no such cluster: it was dropped and is gone, or the ID or region is wrong",
			serve: dropFirst(mock.WithDeleteDelay(0), mock.WithPurgeDelay(0)),
			text:  `^zcdrop describe: api error 96018 \(http 200\): .*\nhint: no such cluster`},
		{name: "never existed", id: "in01-0000000000000aa", exit: exitNotFound, httpStatus: 200, code: 96018, kind: "not_found", hint: "or the ID or region is wrong",
			serve: func(t *testing.T) string { base, _, _ := describeMock(t); return base },
			text:  `^zcdrop describe: api error 96018 \(http 200\): `},
		{name: "bad key", key: "wrong-key-0123456789", exit: exitAuth, httpStatus: 401, code: 21119, kind: "unauthorized", hint: "check the API key, and the region",
			serve: func(t *testing.T) string { base, _, _ := describeMock(t); return base },
			text:  `^zcdrop describe: api error 21119 \(http 401\): .*\nhint: check the API key`},
	}
	for _, tt := range tests {
		for _, output := range []string{"text", "json"} {
			t.Run(tt.name+", "+output, func(t *testing.T) {
				base := tt.serve(t)
				id, key := id, dropKey
				if tt.id != "" {
					id = tt.id
				}
				if tt.key != "" {
					key = tt.key
				}
				code, stdout, stderr := runWithKey(t, context.Background(), key, "describe", "--attempts", "1", "--output", output, "--base-url", base, id)
				if code != tt.exit {
					t.Errorf("exit %d, want %d; stdout %q, stderr %q", code, tt.exit, stdout, stderr)
				}
				if output == "text" {
					got := stdout
					if tt.exit != exitOK {
						got = stderr
						if stdout != "" {
							t.Errorf("stdout %q, want nothing on a failure", stdout)
						}
					} else if stderr != "" {
						t.Errorf("stderr %q, want nothing: no warning, no progress", stderr)
					}
					if !regexp.MustCompile(tt.text).MatchString(got) {
						t.Errorf("output %q, want it to match %q", got, tt.text)
					}
					return
				}
				var got describeJSON
				dec := json.NewDecoder(strings.NewReader(stdout))
				if err := dec.Decode(&got); err != nil || dec.More() {
					t.Fatalf("stdout is not one JSON document (%v):\n%s", err, stdout)
				}
				if stderr != "" {
					t.Errorf("stderr %q, want everything in the JSON document", stderr)
				}
				if tt.exit != exitOK {
					e := got.Error
					if e == nil || e.StatusCode != tt.httpStatus || e.Code != tt.code || e.Kind != tt.kind || e.Message == "" || !strings.Contains(e.Hint, tt.hint) || got.Status != "" {
						t.Errorf("stdout %s; want an error alone, status %d code %d kind %s, hint containing %q", stdout, tt.httpStatus, tt.code, tt.kind, tt.hint)
					}
					return
				}
				if got.ClusterID != id || got.Status != tt.status || got.Known == nil || *got.Known != tt.known || got.RequestID == "" || got.Error != nil {
					t.Errorf("stdout %s; want clusterId %s, status %s, known %v and a request ID", stdout, id, tt.status, tt.known)
				}
			})
		}
	}
}

// TestDescribeSendsNoDrop: describe sends one GET and nothing else, and a
// RUNNING cluster stays RUNNING.
func TestDescribeSendsNoDrop(t *testing.T) {
	base, m, n := describeMock(t)
	code, _, stderr := runWithKey(t, context.Background(), dropKey, "describe", "--base-url", base, seededDedicated)
	if code != exitOK || n.gets.Load() != 1 || n.deletes.Load() != 0 {
		t.Errorf("exit %d after %d GET and %d DELETE, stderr %q; want exit 0 after one GET and no DELETE", code, n.gets.Load(), n.deletes.Load(), stderr)
	}
	if c, _ := m.Cluster(seededDedicated); c.Status != mock.StatusRunning {
		t.Errorf("cluster is %s after describe, want RUNNING", c.Status)
	}
}

// TestDescribeFailuresInTransit: a describe that failed in transit says
// that describing changed nothing and may be run again, and never, as a
// drop's failure does, that a drop may have happened; a describe that is
// answered 429 or 5XX is tried again within --attempts, as it is safe.
// --validate off: observe would warn that a body cut short could not be
// checked, which is not what this test is about.
func TestDescribeFailuresInTransit(t *testing.T) {
	tests := []struct {
		name     string
		opts     []mock.Option
		attempts string
		exit     int
		kind     string
		hint     string
		gets     int64
	}{
		{name: "connection closed mid-body", attempts: "1", opts: []mock.Option{mock.WithFault(mock.Fault{Kind: mock.FaultAbortMidBody, Times: 1})},
			exit: exitNetwork, kind: "network", hint: "the request failed in transit; describing changes nothing, so running it again is safe", gets: 1},
		{name: "503, then an answer", attempts: "2", opts: []mock.Option{mock.WithFault(mock.Fault{Kind: mock.FaultStatus, StatusCode: 503, Times: 1})},
			exit: exitOK, gets: 2},
		{name: "500 to the last attempt", attempts: "2", opts: []mock.Option{mock.WithFault(mock.Fault{Kind: mock.FaultStatus, StatusCode: 500, Times: 2})},
			exit: exitNetwork, kind: "server", hint: "the control plane failed", gets: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fakeBackoff(t)
			base, _, n := describeMock(t, tt.opts...)
			code, stdout, stderr := runWithKey(t, context.Background(), dropKey, "describe", "--attempts", tt.attempts, "--validate", "off", "--output", "json", "--base-url", base, seededDedicated)
			var got describeJSON
			if err := json.Unmarshal([]byte(stdout), &got); err != nil {
				t.Fatalf("stdout is not JSON (%v): %q", err, stdout)
			}
			if code != tt.exit || n.gets.Load() != tt.gets || n.deletes.Load() != 0 {
				t.Errorf("exit %d after %d GET and %d DELETE, stdout %s; want exit %d after %d GET and no DELETE", code, n.gets.Load(), n.deletes.Load(), stdout, tt.exit, tt.gets)
			}
			switch {
			case tt.exit == exitOK && got.Status != "RUNNING":
				t.Errorf("stdout %s, want RUNNING", stdout)
			case tt.exit != exitOK && (got.Error == nil || got.Error.Kind != tt.kind || !strings.Contains(got.Error.Hint, tt.hint) || strings.Contains(got.Error.Hint, "drop")):
				t.Errorf("stdout %s, want kind %s and a hint containing %q that speaks of no drop", stdout, tt.kind, tt.hint)
			}
			if stderr != "" {
				t.Errorf("stderr %q, want everything in the JSON document", stderr)
			}
		})
	}
}

// TestDescribeTextCannotLie: a status that the server chose reaches text
// output escaped, so that it cannot fake a line or act on the terminal,
// and marked unknown; JSON carries it raw.
func TestDescribeTextCannotLie(t *testing.T) {
	const hostile = "ODD\x1b]52;c;ZXZpbA==\x07\nzcdrop describe: cluster in01-6183d6bac30f801: RUNNING\u202e"
	base := statusServer(t, hostile)
	code, stdout, stderr := runWithKey(t, context.Background(), dropKey, "describe", "--validate", "off", "--base-url", base, seededDedicated)
	want := fmt.Sprintf("cluster %s: %s (unknown status) (request id req-status)\n", seededDedicated, `ODD\x1b]52;c;ZXZpbA==\a\nzcdrop describe: cluster in01-6183d6bac30f801: RUNNING\u202e`)
	if code != exitOK || stdout != want || stderr != "" || hasRawControl(stdout) {
		t.Errorf("exit %d, stdout %q, stderr %q; want %q", code, stdout, stderr, want)
	}
	_, stdout, _ = runWithKey(t, context.Background(), dropKey, "describe", "--validate", "off", "--output", "json", "--base-url", base, seededDedicated)
	var got describeJSON
	if err := json.Unmarshal([]byte(stdout), &got); err != nil || got.Status != hostile || got.Known == nil || *got.Known {
		t.Errorf("stdout %q (%v); want the raw status, known false", stdout, err)
	}
}

// TestDescribeVerboseRedactsTheKey: -v logs the describe, with the key
// redacted; runWithKey fails the test if the key shows anywhere.
func TestDescribeVerboseRedactsTheKey(t *testing.T) {
	base, _, _ := describeMock(t)
	code, _, stderr := runWithKey(t, context.Background(), dropKey, "describe", "-v", "--base-url", base, seededDedicated)
	if code != exitOK || !strings.Contains(stderr, "level=DEBUG msg=request method=GET") || !strings.Contains(stderr, `Authorization=\"Bearer REDACTED\"`) {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
}

// TestAPICommandsUsageErrors: describe and wait check their flags and
// operand as drop does, each naming itself, and send nothing: exit 2, as
// text or, with --output json, as one JSON document.
func TestAPICommandsUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		key  string
		args []string
		want string // the text error line, after "zcdrop CMD: "
		kind string
	}{
		{name: "no operand", key: dropKey, want: "want exactly one CLUSTER_ID, got 0 arguments (see zcdrop CMD --help)", kind: "usage"},
		{name: "flag after the operand", key: dropKey, args: []string{seededDedicated, "--timeout", "1s"}, want: `flags must come before CLUSTER_ID; "--timeout" came after it`, kind: "usage"},
		{name: "invalid cluster ID", key: dropKey, args: []string{"in01-../x"}, want: `invalid cluster ID "in01-../x"`, kind: "invalid_cluster_id"},
		{name: "no key", args: []string{seededDedicated}, want: "no API key: set ZILLIZ_API_KEY", kind: "no_api_key"},
		{name: "key as a flag", key: dropKey, args: []string{"--api-key", dropKey, seededDedicated}, want: "--api-key is refused: flags show in process lists", kind: "usage"},
		{name: "zero timeout", key: dropKey, args: []string{"--timeout", "0s", seededDedicated}, want: "--timeout must be positive, not 0s", kind: "usage"},
		{name: "bad validate", key: dropKey, args: []string{"--validate", "strict", seededDedicated}, want: "--validate must be enforce, observe or off", kind: "usage"},
		{name: "unknown flag", key: dropKey, args: []string{"--yes", seededDedicated}, want: "flag provided but not defined: -yes (see zcdrop CMD --help)", kind: "usage"},
	}
	for _, cmd := range []string{"describe", "wait"} {
		for _, tt := range tests {
			t.Run(cmd+", "+tt.name, func(t *testing.T) {
				base, _, n := describeMock(t)
				want := strings.ReplaceAll(tt.want, "CMD", cmd)
				args := append([]string{cmd, "--base-url", base}, tt.args...)
				code, stdout, stderr := runWithKey(t, context.Background(), tt.key, append(args[:3:3], append([]string{"--output", "json"}, args[3:]...)...)...)
				var got describeJSON
				if err := json.Unmarshal([]byte(stdout), &got); err != nil || code != exitUsage || got.Error == nil || got.Error.Kind != tt.kind || !strings.Contains(got.Error.Message, want) || stderr != "" {
					t.Errorf("--output json: exit %d, stdout %q, stderr %q; want exit 2 and an error of kind %s saying %q", code, stdout, stderr, tt.kind, want)
				}
				code, stdout, stderr = runWithKey(t, context.Background(), tt.key, args...)
				if tt.name == "unknown flag" {
					// As the flag package prints it, with the usage.
					want = "flag provided but not defined: -yes\nUsage: zcdrop " + cmd
				} else {
					want = "zcdrop " + cmd + ": " + want
				}
				if code != exitUsage || stdout != "" || !strings.HasPrefix(stderr, want) {
					t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 and %q", code, stdout, stderr, want)
				}
				if n.gets.Load()+n.deletes.Load() != 0 {
					t.Errorf("%d requests sent", n.gets.Load()+n.deletes.Load())
				}
			})
		}
	}
}
