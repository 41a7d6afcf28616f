package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zcdrop/zcdrop"
	"github.com/zcdrop/zcdrop/mock"
)

// fastWaits makes drop --wait poll as fast as it can, give up after two
// failed polls in a row, and send without the client's rate limit, for the
// rest of the test: the reference server's pollClock, not the real one,
// moves the cluster on, so that nothing waits for real.
func fastWaits(t *testing.T) {
	t.Helper()
	origPolling, origClient := waitPolling, dropClientOptions
	waitPolling = []zcdrop.WaitOption{
		zcdrop.WithPollInterval(time.Nanosecond, time.Nanosecond),
		zcdrop.WithPollJitter(0),
		zcdrop.WithPollFailures(2, time.Nanosecond, time.Nanosecond),
	}
	dropClientOptions = []zcdrop.Option{zcdrop.WithRateLimit(0, 0)}
	t.Cleanup(func() { waitPolling, dropClientOptions = origPolling, origClient })
}

// fakeLiveTerminal makes drop take its stderr for a terminal that can
// redraw a line (true) or for a pipe (false), for the rest of the test.
func fakeLiveTerminal(t *testing.T, live bool) {
	t.Helper()
	orig := isLiveTerminal
	isLiveTerminal = func(io.Writer) bool { return live }
	t.Cleanup(func() { isLiveTerminal = orig })
}

// waitMock serves the reference control plane, knowing dropKey and
// seededDedicated, on a pollClock: a second passes at each describe.
// onDescribe, when set, sees the number of each describe as it arrives,
// and the server, before it answers.
func waitMock(t *testing.T, onDescribe func(n int64, m *mock.Server), opts ...mock.Option) string {
	t.Helper()
	var clk pollClock
	m, err := mock.New(append([]mock.Option{mock.WithAPIKey(dropKey), mock.WithClusters(seededDedicated), mock.WithClock(clk.now)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(clk.counting(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && onDescribe != nil {
			onDescribe(clk.polls.Load(), m)
		}
		m.ServeHTTP(w, r)
	})))
	t.Cleanup(srv.Close)
	return srv.URL
}

// runDropCtx runs `zcdrop drop` in-process with ctx, no stdin, and the key
// in the environment.
func runDropCtx(t *testing.T, ctx context.Context, args ...string) (int, string, string) {
	t.Helper()
	t.Setenv("ZILLIZ_API_KEY", dropKey)
	var out, errOut bytes.Buffer
	code := run(ctx, append([]string{"drop", "--yes"}, args...), strings.NewReader(""), &out, &errOut)
	if strings.Contains(out.String()+errOut.String(), dropKey) {
		t.Errorf("the API key appears in the output:\n%s%s", out.String(), errOut.String())
	}
	return code, out.String(), errOut.String()
}

// waitJSON is what drop --wait --output json prints.
type waitJSON struct {
	ClusterID string `json:"clusterId"`
	Outcome   string `json:"outcome"`
	Status    string `json:"status"`
	RequestID string `json:"requestId"`
	Wait      *struct {
		Status         string   `json:"status"`
		NotFound       *bool    `json:"notFound"`
		Gone           *bool    `json:"gone"`
		Polls          int      `json:"polls"`
		ElapsedSeconds *float64 `json:"elapsedSeconds"`
		RequestID      string   `json:"requestId"`
	} `json:"wait"`
	Error *struct {
		Kind    string `json:"kind"`
		Message string `json:"message"`
		Hint    string `json:"hint"`
	} `json:"error"`
}

func decodeWaitJSON(t *testing.T, stdout string) waitJSON {
	t.Helper()
	var got waitJSON
	dec := json.NewDecoder(strings.NewReader(stdout))
	if err := dec.Decode(&got); err != nil || dec.More() {
		t.Fatalf("stdout is not one JSON document (%v):\n%s", err, stdout)
	}
	if got.Wait == nil || got.Wait.NotFound == nil || got.Wait.Gone == nil || got.Wait.ElapsedSeconds == nil {
		t.Fatalf("stdout has no whole \"wait\": %s", stdout)
	}
	return got
}

// TestDropWait: drop --wait polls describe until the cluster is DELETED or
// gone, after any outcome, and says so: on stderr, a live line on a
// terminal and one line per change on a pipe; on stdout, the verdict, or
// with --output json the final state in one document.
func TestDropWait(t *testing.T) {
	const id = seededDedicated
	deletedAfterTwo := []mock.Option{mock.WithDeleteDelay(2 * time.Second), mock.WithPurgeDelay(time.Hour)}
	tests := []struct {
		name    string
		flags   []string
		opts    []mock.Option
		live    bool
		warmups int
		// stdout and stderr must match these; "" means empty.
		stdout, stderr string
	}{
		{name: "pipe", opts: deletedAfterTwo,
			stdout: `^dropped cluster ` + id + ` \(request id \w+\): The cluster has been deleted\..*\ncluster ` + id + ` is gone: DELETED after 2 polls in \S+ \(request id \w+\)\n$`,
			stderr: `^cluster ` + id + `: DELETING after \S+\ncluster ` + id + `: DELETED after \S+\n$`},
		{name: "pipe, purged before DELETED is seen", opts: []mock.Option{mock.WithDeleteDelay(2 * time.Second), mock.WithPurgeDelay(0)},
			stdout: `\ncluster ` + id + ` is gone: not found after 2 polls in \S+ \(request id \w+\)\n$`,
			stderr: `^cluster ` + id + `: DELETING after \S+\ncluster ` + id + `: not found after \S+\n$`},
		// The live line redraws itself (a return and an erase of the line)
		// with the status and the time spent, and is erased at the end.
		{name: "terminal", opts: deletedAfterTwo, live: true,
			stdout: `\ncluster ` + id + ` is gone: DELETED after 2 polls`,
			stderr: `^\r\x1b\[2Kwaiting for cluster ` + id + ` to go \(0s\)\r\x1b\[2Kwaiting for cluster ` + id + ` to go: DELETING \(\d+s\)\r\x1b\[2Kwaiting for cluster ` + id + ` to go: DELETED \(\d+s\)\r\x1b\[2K$`},
		{name: "json", flags: []string{"--output", "json"}, opts: deletedAfterTwo,
			stdout: `^\{"clusterId":"` + id + `","prompt":"The cluster has been deleted\.[^"]*","requestId":"\w+","outcome":"dropped","wait":\{"status":"DELETED","notFound":false,"gone":true,"polls":2,"elapsedSeconds":[0-9.]+,"requestId":"\w+"\}\}\n$`},
		{name: "json on a terminal", flags: []string{"--output", "json"}, opts: deletedAfterTwo, live: true,
			stdout: `"outcome":"dropped","wait":\{"status":"DELETED"`,
			stderr: `to go: DELETED \(\d+s\)\r\x1b\[2K$`},
		// A lost answer that describe confirms is waited for as well.
		{name: "confirmed, then waited for", opts: append([]mock.Option{mock.WithFault(mock.Fault{Kind: mock.FaultTruncatedJSON, Times: 1})}, deletedAfterTwo...),
			stdout: `^dropped cluster ` + id + ` \(request id \w+\): the drop's answer was lost; confirmed by describe: DELETING\ncluster ` + id + ` is gone: DELETED after 1 poll in `,
			stderr: `^cluster ` + id + `: DELETED after \S+\n$`},
		{name: "already gone, then waited for", flags: []string{"--if-exists"}, warmups: 1, opts: []mock.Option{mock.WithDeleteDelay(0), mock.WithPurgeDelay(0)},
			stdout: `^cluster ` + id + ` does not exist \(request id \w+\): already gone, or the ID or region is wrong; nothing to drop\ncluster ` + id + ` is gone: not found after 1 poll in `,
			stderr: `^cluster ` + id + `: not found after \S+\n$`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fastWaits(t)
			fakeLiveTerminal(t, tt.live)
			base := waitMock(t, nil, tt.opts...)
			args := append(append([]string{"--wait", "--attempts", "1", "--validate", "off"}, tt.flags...), "--base-url", base, id)
			for range tt.warmups {
				runDropCtx(t, context.Background(), args...)
			}
			code, stdout, stderr := runDropCtx(t, context.Background(), args...)
			if code != exitOK {
				t.Errorf("exit %d, want 0; stderr %q", code, stderr)
			}
			for _, x := range []struct{ name, got, want string }{{"stdout", stdout, tt.stdout}, {"stderr", stderr, tt.stderr}} {
				if (x.want == "" && x.got != "") || !regexp.MustCompile(x.want).MatchString(x.got) {
					t.Errorf("%s %q, want it to match %q", x.name, x.got, x.want)
				}
			}
			if !tt.live && hasRawControl(stdout+stderr) {
				t.Errorf("output on a pipe holds what acts on a terminal: %q", stdout+stderr)
			}
		})
	}
}

// expiringContext is a context whose deadline passes when expire is
// called: the test's way to have --timeout run out at a chosen poll,
// without waiting for it. A context derived from it ends with
// context.DeadlineExceeded, as one whose own deadline passed.
type expiringContext struct {
	context.Context
	done chan struct{}
	once sync.Once
}

func newExpiringContext() *expiringContext {
	return &expiringContext{Context: context.Background(), done: make(chan struct{})}
}

func (c *expiringContext) Done() <-chan struct{} { return c.done }

func (c *expiringContext) Err() error {
	select {
	case <-c.done:
		return context.DeadlineExceeded
	default:
		return nil
	}
}

func (c *expiringContext) expire() { c.once.Do(func() { close(c.done) }) }

// TestDropWaitStops: a wait that stops before the cluster is gone says
// that the drop happened, why the wait stopped, the last status and how to
// wait again (zcdrop wait, which sends no drop), with its own exit code: 6
// when --timeout ran out (10m with --wait unless set), 130 when a signal
// interrupted it, and describe's failure's otherwise.
func TestDropWaitStops(t *testing.T) {
	const id = seededDedicated
	interrupted := errors.New("interrupt signal received")
	expiring := func() (context.Context, func(*mock.Server)) {
		ctx := newExpiringContext()
		return ctx, func(*mock.Server) { ctx.expire() }
	}
	failing := func(f mock.Fault) func() (context.Context, func(*mock.Server)) {
		return func() (context.Context, func(*mock.Server)) {
			return context.Background(), func(m *mock.Server) {
				if err := m.InjectFault(f); err != nil {
					t.Error(err)
				}
			}
		}
	}
	tests := []struct {
		name  string
		flags []string
		// stop returns the context that the command runs with, and what
		// happens when the second describe arrives, before the server
		// answers it.
		stop func() (ctx context.Context, atSecondPoll func(*mock.Server))
		exit int
		kind string
		// polls is how many describes were sent, when that is known: a
		// context that ends while a poll is answered may see the answer,
		// and poll once more, or not.
		polls  int
		status string // the last status seen
		// message and hint must contain these.
		message, hint string
	}{
		{name: "timeout", stop: expiring, exit: exitTimeout, kind: "wait_timeout", status: "DELETING",
			message: "cluster " + id + " was dropped (outcome dropped), but was not gone when --timeout 10m0s ran out: last status DELETING, after ",
			hint:    "the drop happened, and the cluster goes on being dropped; to wait again: zcdrop wait " + id},
		{name: "timeout as set", flags: []string{"--timeout", "3m"}, stop: expiring, exit: exitTimeout, kind: "wait_timeout", status: "DELETING",
			message: "was not gone when --timeout 3m0s ran out"},
		{name: "interrupted", exit: exitInterrupted, kind: "wait_interrupted", status: "DELETING",
			stop: func() (context.Context, func(*mock.Server)) {
				ctx, cancel := context.WithCancelCause(context.Background())
				return ctx, func(*mock.Server) { cancel(interrupted) }
			},
			message: "cluster " + id + " was dropped (outcome dropped); the wait was interrupted (interrupt signal received): last status DELETING, after ",
			hint:    "to wait again: zcdrop wait " + id},
		// The key is refused while waiting: asking again cannot mend that.
		{name: "describe refused", stop: failing(mock.Fault{Kind: mock.FaultStatus, StatusCode: 401, Times: 1}),
			exit: exitAuth, kind: "wait_failed", polls: 2, status: "DELETING",
			message: "cluster " + id + " was dropped (outcome dropped), but waiting for it failed: api error 21119 (http 401): The apikey is illegal. (request id ",
			hint:    "the drop happened, but describe could not say whether the cluster is gone yet; to wait again: zcdrop wait " + id},
		// fastWaits gives up after two failed polls in a row.
		{name: "describe keeps failing", stop: failing(mock.Fault{Kind: mock.FaultStatus, StatusCode: 500, Times: 2}),
			exit: exitNetwork, kind: "wait_failed", polls: 3, status: "DELETING",
			message: "but waiting for it failed: "},
	}
	for _, tt := range tests {
		for _, output := range []string{"text", "json"} {
			t.Run(tt.name+", "+output, func(t *testing.T) {
				fastWaits(t)
				fakeLiveTerminal(t, false)
				ctx, atSecondPoll := tt.stop()
				base := waitMock(t, func(n int64, m *mock.Server) {
					if n == 2 {
						atSecondPoll(m)
					}
				}, mock.WithDeleteDelay(time.Hour))
				args := append(append([]string{"--wait", "--attempts", "1", "--validate", "off", "--output", output}, tt.flags...), "--base-url", base, id)
				code, stdout, stderr := runDropCtx(t, ctx, args...)
				if code != tt.exit {
					t.Errorf("exit %d, want %d; stdout %q stderr %q", code, tt.exit, stdout, stderr)
				}
				if output == "text" {
					if !strings.HasPrefix(stdout, "dropped cluster "+id+" (request id ") || strings.Count(stdout, "\n") != 1 {
						t.Errorf("stdout %q, want the drop's line alone", stdout)
					}
					// The progress line of the first poll, the error, and
					// the hint.
					lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
					assertNoDropToCheck(t, lines[len(lines)-1])
					if len(lines) != 3 || !strings.HasPrefix(lines[0], "cluster "+id+": DELETING after ") || !strings.HasPrefix(lines[1], "zcdrop drop: cluster "+id+" was ") ||
						!strings.Contains(lines[1], tt.message) || !strings.HasPrefix(lines[2], "hint: ") || !strings.Contains(lines[2], tt.hint) {
						t.Errorf("stderr %q, want the first poll's line, %q and the hint %q", stderr, tt.message, tt.hint)
					}
					return
				}
				got := decodeWaitJSON(t, stdout)
				if got.Error != nil {
					assertNoDropToCheck(t, got.Error.Hint)
				}
				if got.Outcome != "dropped" || got.RequestID == "" || got.Error == nil || got.Error.Kind != tt.kind ||
					!strings.Contains(got.Error.Message, tt.message) || !strings.Contains(got.Error.Hint, tt.hint) ||
					got.Wait.Status != tt.status || *got.Wait.Gone || *got.Wait.NotFound || (tt.polls != 0 && got.Wait.Polls != tt.polls) || got.Wait.Polls < 2 {
					t.Errorf("stdout %s; want the drop, outcome dropped, the wait stopped on %s after %d polls, and an error of kind %s", stdout, tt.status, tt.polls, tt.kind)
				}
				if stderr != "" {
					t.Errorf("stderr %q, want nothing on a pipe with --output json", stderr)
				}
			})
		}
	}
}

// TestStatusLine: the live line redraws itself at each change and at each
// tick, with the time spent, and is erased at the end; plain lines say
// each change once. A status that the server chose is escaped in both.
func TestStatusLine(t *testing.T) {
	const id = seededDedicated
	hostile := zcdrop.ClusterStatus("ODD\x1b]52;c;ZXZpbA==\x07\n")
	changes := []zcdrop.StatusChange{
		{Status: zcdrop.StatusDeleting, Elapsed: 40 * time.Millisecond},
		{Status: hostile, Unknown: true, Elapsed: 1500 * time.Millisecond},
		{NotFound: true, Elapsed: 62*time.Second + 340*time.Millisecond},
	}
	const escaped = `ODD\x1b]52;c;ZXZpbA==\a\n (a status openapi.yaml does not list; still waiting)`
	t.Run("plain", func(t *testing.T) {
		var buf bytes.Buffer
		l := newStatusLine(&buf, id, false, time.Now)
		for _, ch := range changes {
			l.change(ch)
		}
		l.erase()
		want := "cluster " + id + ": DELETING after 0s\n" +
			"cluster " + id + ": " + escaped + " after 1.5s\n" +
			"cluster " + id + ": not found after 1m2.3s\n"
		if buf.String() != want {
			t.Errorf("got:\n%q\nwant:\n%q", buf.String(), want)
		}
	})
	t.Run("live", func(t *testing.T) {
		var buf lockedBuffer
		var mu sync.Mutex
		now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		clock := func() time.Time {
			mu.Lock()
			defer mu.Unlock()
			return now
		}
		advance := func(d time.Duration) {
			mu.Lock()
			defer mu.Unlock()
			now = now.Add(d)
		}
		l := newStatusLine(&buf, id, true, clock)
		ticks := make(chan time.Time)
		stop := l.redrawOn(ticks)
		l.change(changes[0])
		advance(2 * time.Second)
		// The second tick is taken once the first one's redraw is done,
		// and stop returns once the second one's is.
		ticks <- time.Time{}
		ticks <- time.Time{}
		stop()
		l.change(changes[1])
		advance(time.Minute)
		l.change(changes[2])
		l.erase()
		const erase = "\r\x1b[2K"
		want := erase + "waiting for cluster " + id + " to go (0s)" +
			erase + "waiting for cluster " + id + " to go: DELETING (0s)" +
			erase + "waiting for cluster " + id + " to go: DELETING (2s)" +
			erase + "waiting for cluster " + id + " to go: DELETING (2s)" +
			erase + "waiting for cluster " + id + " to go: " + escaped + " (2s)" +
			erase + "waiting for cluster " + id + " to go: not found (1m2s)" +
			erase
		if got := buf.String(); got != want {
			t.Errorf("got:\n%q\nwant:\n%q", got, want)
		}
	})
}
