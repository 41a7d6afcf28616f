package main

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zcdrop/zcdrop/mock"
)

// TestWait: wait polls describe until the cluster is DELETED or not found,
// and says so as drop --wait does: on stderr, one line per change on a pipe
// and a live line on a terminal; on stdout, the verdict, or with --output
// json one document, {"clusterId", "wait"}. Under the default --validate
// observe, the mock's answers raise no warning.
func TestWait(t *testing.T) {
	const id = seededDedicated
	const unknownID = "in01-0000000000000aa"
	deletedAfterTwo := []mock.Option{mock.WithDeleteDelay(2 * time.Second), mock.WithPurgeDelay(time.Hour)}
	tests := []struct {
		name      string
		flags     []string
		opts      []mock.Option
		id        string
		dropFirst bool
		live      bool
		// stdout and stderr must match these; "" means empty.
		stdout, stderr string
	}{
		{name: "to DELETED", dropFirst: true, opts: deletedAfterTwo,
			stdout: `^cluster ` + id + ` is gone: DELETED after 2 polls in \S+ \(request id \w+\)\n$`,
			stderr: `^cluster ` + id + `: DELETING after \S+\ncluster ` + id + `: DELETED after \S+\n$`},
		{name: "to not found", dropFirst: true, opts: []mock.Option{mock.WithDeleteDelay(2 * time.Second), mock.WithPurgeDelay(0)},
			stdout: `^cluster ` + id + ` is gone: not found after 2 polls in \S+ \(request id \w+\)\n$`,
			stderr: `^cluster ` + id + `: DELETING after \S+\ncluster ` + id + `: not found after \S+\n$`},
		{name: "never existed", id: unknownID,
			stdout: `^cluster ` + unknownID + ` is gone: not found after 1 poll in \S+ \(request id \w+\)\n$`,
			stderr: `^cluster ` + unknownID + `: not found after \S+\n$`},
		{name: "terminal", dropFirst: true, opts: deletedAfterTwo, live: true,
			stdout: `^cluster ` + id + ` is gone: DELETED after 2 polls`,
			stderr: `^\r\x1b\[2Kwaiting for cluster ` + id + ` to go \(0s\)\r\x1b\[2Kwaiting for cluster ` + id + ` to go: DELETING \(\d+s\)\r\x1b\[2Kwaiting for cluster ` + id + ` to go: DELETED \(\d+s\)\r\x1b\[2K$`},
		{name: "json", flags: []string{"--output", "json"}, dropFirst: true, opts: deletedAfterTwo,
			stdout: `^\{"clusterId":"` + id + `","wait":\{"status":"DELETED","notFound":false,"gone":true,"polls":2,"elapsedSeconds":[0-9.]+,"requestId":"\w+"\}\}\n$`},
		{name: "json, not found", flags: []string{"--output", "json"}, id: unknownID,
			stdout: `^\{"clusterId":"` + unknownID + `","wait":\{"notFound":true,"gone":true,"polls":1,"elapsedSeconds":[0-9.]+,"requestId":"\w+"\}\}\n$`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fastWaits(t)
			fakeLiveTerminal(t, tt.live)
			base := waitMock(t, nil, tt.opts...)
			id := id
			if tt.id != "" {
				id = tt.id
			}
			if tt.dropFirst {
				if code, _, stderr := runWithKey(t, context.Background(), dropKey, "drop", "--yes", "--attempts", "1", "--base-url", base, id); code != exitOK {
					t.Fatalf("drop: exit %d, stderr %q", code, stderr)
				}
			}
			code, stdout, stderr := runWithKey(t, context.Background(), dropKey, append(append([]string{"wait"}, tt.flags...), "--base-url", base, id)...)
			if code != exitOK {
				t.Errorf("exit %d, want 0; stderr %q", code, stderr)
			}
			for _, x := range []struct{ name, got, want string }{{"stdout", stdout, tt.stdout}, {"stderr", stderr, tt.stderr}} {
				if (x.want == "" && x.got != "") || !regexp.MustCompile(x.want).MatchString(x.got) {
					t.Errorf("%s %q, want it to match %q", x.name, x.got, x.want)
				}
			}
		})
	}
}

// TestWaitStops: a wait that stops before the cluster is gone says why,
// the last status, and how to wait again (zcdrop wait), with drop --wait's
// exit codes: 6 when --timeout ran out (10m unless set), 130 when a signal
// interrupted it, describe's failure's otherwise. It sends no drop: a
// RUNNING cluster stays RUNNING however long it is waited for, and the
// hint says that no drop seems to be under way, and what drops it.
func TestWaitStops(t *testing.T) {
	const id = seededDedicated
	interrupted := errors.New("interrupt signal received")
	expiring := func() (context.Context, func(*mock.Server)) {
		ctx := newExpiringContext()
		return ctx, func(*mock.Server) { ctx.expire() }
	}
	tests := []struct {
		name      string
		flags     []string
		dropFirst bool
		// stop returns the context that the command runs with, and what
		// happens when the second describe arrives, before the server
		// answers it.
		stop   func() (ctx context.Context, atSecondPoll func(*mock.Server))
		exit   int
		kind   string
		status string // the last status seen
		// The number of polls is not known: a context that ends while a
		// poll is answered may see the answer, and poll again, or not.
		// message and hint must contain these.
		message, hint string
	}{
		{name: "timeout", dropFirst: true, stop: expiring, exit: exitTimeout, kind: "wait_timeout", status: "DELETING",
			message: "cluster " + id + " was not gone when --timeout 10m0s ran out: last status DELETING, after ",
			hint:    "to wait again: zcdrop wait " + id},
		{name: "timeout as set", flags: []string{"--timeout", "3m"}, dropFirst: true, stop: expiring, exit: exitTimeout, kind: "wait_timeout", status: "DELETING",
			message: "was not gone when --timeout 3m0s ran out"},
		{name: "timeout, never dropped", stop: expiring, exit: exitTimeout, kind: "wait_timeout", status: "RUNNING",
			message: "cluster " + id + " was not gone when --timeout 10m0s ran out: last status RUNNING, after ",
			hint:    "the cluster is still RUNNING, so no drop of it seems to be under way (unless describe lags behind one): zcdrop drop --if-exists " + id + " drops it; to wait again: zcdrop wait " + id},
		{name: "interrupted", dropFirst: true, exit: exitInterrupted, kind: "wait_interrupted", status: "DELETING",
			stop: func() (context.Context, func(*mock.Server)) {
				ctx, cancel := context.WithCancelCause(context.Background())
				return ctx, func(*mock.Server) { cancel(interrupted) }
			},
			message: "the wait for cluster " + id + " was interrupted (interrupt signal received): last status DELETING, after ",
			hint:    "to wait again: zcdrop wait " + id},
		{name: "describe refused", dropFirst: true, exit: exitAuth, kind: "wait_failed", status: "DELETING",
			stop: func() (context.Context, func(*mock.Server)) {
				return context.Background(), func(m *mock.Server) {
					if err := m.InjectFault(mock.Fault{Kind: mock.FaultStatus, StatusCode: 401, Times: 1}); err != nil {
						t.Error(err)
					}
				}
			},
			message: "waiting for cluster " + id + " failed: api error 21119 (http 401): The apikey is illegal. (request id ",
			hint:    "describe could not say whether the cluster is gone yet; to wait again: zcdrop wait " + id},
	}
	for _, tt := range tests {
		for _, output := range []string{"text", "json"} {
			t.Run(tt.name+", "+output, func(t *testing.T) {
				fastWaits(t)
				fakeLiveTerminal(t, false)
				ctx, atSecondPoll := tt.stop()
				// The server's goroutine hands the mock over: the test
				// reads its cluster once the wait is over.
				var srv atomic.Pointer[mock.Server]
				base := waitMock(t, func(n int64, m *mock.Server) {
					srv.Store(m)
					if n == 2 {
						atSecondPoll(m)
					}
				}, mock.WithDeleteDelay(time.Hour))
				if tt.dropFirst {
					if code, _, stderr := runWithKey(t, context.Background(), dropKey, "drop", "--yes", "--attempts", "1", "--base-url", base, id); code != exitOK {
						t.Fatalf("drop: exit %d, stderr %q", code, stderr)
					}
				}
				args := append(append([]string{"wait", "--validate", "off", "--output", output}, tt.flags...), "--base-url", base, id)
				code, stdout, stderr := runWithKey(t, ctx, dropKey, args...)
				if code != tt.exit {
					t.Errorf("exit %d, want %d; stdout %q stderr %q", code, tt.exit, stdout, stderr)
				}
				if c, _ := srv.Load().Cluster(id); !tt.dropFirst && c.Status != mock.StatusRunning {
					t.Errorf("cluster is %s after the wait, want RUNNING: wait sent a drop", c.Status)
				}
				if output == "text" {
					// The progress line of the first poll, the error, and
					// the hint; nothing on stdout.
					lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
					if stdout != "" || len(lines) != 3 || !strings.HasPrefix(lines[0], "cluster "+id+": "+tt.status+" after ") || !strings.HasPrefix(lines[1], "zcdrop wait: ") ||
						!strings.Contains(lines[1], tt.message) || !strings.HasPrefix(lines[2], "hint: ") || !strings.Contains(lines[2], tt.hint) {
						t.Errorf("stdout %q, stderr %q; want nothing on stdout, and on stderr the first poll's line, %q and the hint %q", stdout, stderr, tt.message, tt.hint)
					}
					return
				}
				got := decodeWaitJSON(t, stdout)
				if got.ClusterID != id || got.Outcome != "" || got.Error == nil || got.Error.Kind != tt.kind ||
					!strings.Contains(got.Error.Message, tt.message) || !strings.Contains(got.Error.Hint, tt.hint) ||
					got.Wait.Status != tt.status || *got.Wait.Gone || *got.Wait.NotFound || got.Wait.Polls < 2 {
					t.Errorf("stdout %s; want the wait stopped on %s after 2 polls or more, no drop's outcome, and an error of kind %s", stdout, tt.status, tt.kind)
				}
				if stderr != "" {
					t.Errorf("stderr %q, want nothing on a pipe with --output json", stderr)
				}
			})
		}
	}
}

// TestWaitHelpSaysItSendsNoDrop: wait --help says that it sends no drop,
// and names its exit codes for a timeout and an interruption.
func TestWaitHelpSaysItSendsNoDrop(t *testing.T) {
	code, _, help := runCLI(t, "wait", "--help")
	for _, want := range []string{
		"\nIt sends no drop: it only watches",
		"\n  6  not yet gone when --timeout ran out\n",
		"\n  130  interrupted (Ctrl-C, SIGTERM) while waiting\n",
		"-timeout duration\n    \tgive up waiting after this long (exit 6) (default 10m0s)\n",
	} {
		if code != exitOK || !strings.Contains(help, want) {
			t.Errorf("wait --help lacks %q:\n%s", want, help)
		}
	}
	if strings.Contains(help, "-attempts") || strings.Contains(help, "-yes") {
		t.Errorf("wait --help offers a flag that it has no use for:\n%s", help)
	}
}
