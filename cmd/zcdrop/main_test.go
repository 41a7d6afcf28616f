package main

// This file holds the helpers that every test of the command shares: the
// canary keys, the in-process run wrappers, key files, the counting mock
// servers and other fakes (a terminal, a round trip), and the checks on
// output. Tests of main.go itself follow them.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zcdrop/zcdrop"
	"github.com/zcdrop/zcdrop/api"
	"github.com/zcdrop/zcdrop/internal/clock/clocktest"
	"github.com/zcdrop/zcdrop/internal/termsafe"
	"github.com/zcdrop/zcdrop/mock"
)

// Canary keys: each is distinctive, so that a test can prove it never
// leaks into output or a file.
const (
	dropKey   = "zc-DROP-CANARY-5b2e91d0c4"
	canaryKey = "zc-LEAK-CANARY-7f3a9c2e"
	mockKey   = "mock-key-cli-0123456789"
)

// Clusters seeded in the mock servers.
const (
	seededDedicated = "in01-6183d6bac30f801"
	seededFree      = "in03-2c4e6a8b0d1f3e5"
	mockCluster     = seededDedicated
)

const (
	shippedCorpus  = "../../conformance/testdata/cassettes"
	negativeCorpus = "../../conformance/testdata/negative"
)

// runCLI runs zcdrop in-process and returns its exit code and output.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

// runGuarded runs the CLI as runCLI does, on its own goroutine, and fails
// the test if it has not returned within limit: a hang guard for inputs
// that once blocked for good, not a speed target.
func runGuarded(t *testing.T, limit time.Duration, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	type outcome struct {
		code           int
		stdout, stderr string
	}
	done := make(chan outcome, 1)
	go func() {
		var out, errOut bytes.Buffer
		code := run(ctx, args, strings.NewReader(""), &out, &errOut)
		done <- outcome{code, out.String(), errOut.String()}
	}()
	select {
	case o := <-done:
		return o.code, o.stdout, o.stderr
	case <-time.After(limit):
		t.Fatalf("zcdrop %s still running after %s", strings.Join(args, " "), limit)
		return 0, "", ""
	}
}

// runDropCLI runs `zcdrop drop` in-process with stdin and returns its exit
// code and output. It fails the test if dropKey appears in either stream.
func runDropCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), append([]string{"drop"}, args...), strings.NewReader(stdin), &out, &errOut)
	for name, s := range map[string]string{"stdout": out.String(), "stderr": errOut.String()} {
		if strings.Contains(s, dropKey) {
			t.Errorf("the API key appears on %s:\n%s", name, s)
		}
	}
	return code, out.String(), errOut.String()
}

// checkOutput fails when got does not contain want, or, for an empty want,
// when got is not empty.
func checkOutput(t *testing.T, name, got, want string) {
	t.Helper()
	switch {
	case want == "" && got != "":
		t.Errorf("%s: want nothing, got:\n%s", name, got)
	case !strings.Contains(got, want):
		t.Errorf("%s: want it to contain %q, got:\n%s", name, want, got)
	}
}

// writeKeyFile writes content to a fresh file, as --api-key-file reads it,
// and returns its path.
func writeKeyFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// countingMock serves a reference control plane built from opts on
// loopback, and counts the requests that reach it.
func countingMock(t *testing.T, opts ...mock.Option) (*httptest.Server, *mock.Server, *atomic.Int64) {
	t.Helper()
	m, err := mock.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		m.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, m, &n
}

// dropMock starts a reference server that accepts dropKey for every cluster
// and a scoped key for one, and counts the requests that reach it.
func dropMock(t *testing.T, opts ...mock.Option) (string, *mock.Server, *atomic.Int64) {
	t.Helper()
	srv, m, n := countingMock(t, append([]mock.Option{
		mock.WithAPIKey(dropKey),
		mock.WithAPIKey("scoped-key-0123456789", "in05-8a6e4c5d1f2b3a4"),
		mock.WithClusters(seededDedicated, "in05-8a6e4c5d1f2b3a4", seededFree),
	}, opts...)...)
	return srv.URL, m, n
}

// probeMock serves the reference control plane, knowing canaryKey and two
// RUNNING clusters, and counts the requests that reach it.
func probeMock(t *testing.T) (*httptest.Server, *mock.Server, *atomic.Int64) {
	t.Helper()
	return countingMock(t, mock.WithAPIKey(canaryKey), mock.WithClusters(seededDedicated, seededFree))
}

// assertNoKey fails when canaryKey is in any output or in any file under dir.
func assertNoKey(t *testing.T, dir string, outputs map[string]string) {
	t.Helper()
	for name, out := range outputs {
		if strings.Contains(out, canaryKey) {
			t.Errorf("%s holds the key:\n%s", name, out)
		}
	}
	if dir == "" {
		return
	}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if strings.Contains(string(b), canaryKey) {
			t.Errorf("%s holds the key:\n%s", p, b)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// assertRunning fails unless both seeded clusters are still RUNNING.
func assertRunning(t *testing.T, m *mock.Server) {
	t.Helper()
	for _, id := range []string{seededDedicated, seededFree} {
		if c, ok := m.Cluster(id); !ok || c.Status != mock.StatusRunning {
			t.Errorf("cluster %s is %q, want RUNNING", id, c.Status)
		}
	}
}

// startMock runs `zcdrop mock args...` through run() and returns its base
// URL, the lines it printed before serving, and a function that stops it and
// returns its exit code and everything it printed.
func startMock(t *testing.T, args ...string) (baseURL string, printed []string, stop func() (int, string, string)) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	var stderr bytes.Buffer
	exit := make(chan int, 1)
	go func() {
		exit <- run(ctx, append([]string{"mock"}, args...), strings.NewReader(""), pw, &stderr)
		pw.Close()
	}()
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	for line := range lines {
		printed = append(printed, line)
		if url, ok := strings.CutPrefix(line, "zcdrop mock: serving Drop Cluster and Describe Cluster on "); ok {
			baseURL = url
			break
		}
	}
	if baseURL == "" {
		cancel()
		t.Fatalf("zcdrop mock exited with %d before serving: %q, stderr %q", <-exit, printed, stderr.String())
	}
	return baseURL, printed, func() (int, string, string) {
		cancel()
		var rest []string
		for line := range lines {
			rest = append(rest, line)
		}
		code := <-exit
		return code, strings.Join(rest, "\n"), stderr.String()
	}
}

// dropThroughClient drops mockCluster at baseURL with key through the
// generated client, which checks nothing, so that the test sees the raw
// answer.
func dropThroughClient(t *testing.T, baseURL, key string) *api.DropClusterResponse {
	t.Helper()
	client, err := api.NewClientWithResponses(baseURL)
	if err != nil {
		t.Fatal(err)
	}
	res, err := client.DropClusterWithResponse(t.Context(), mockCluster, nil, func(_ context.Context, req *http.Request) error {
		req.Header.Set("Authorization", "Bearer "+key)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// noPrompt answers every drop with a success that lacks its prompt: the
// client can use it, the spec does not allow it.
func noPrompt(t *testing.T) string {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("DELETE /v2/clusters/{id}/drop", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"code":0,"data":{"clusterId":%q}}`, r.PathValue("id"))
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts.URL
}

// fakeTerminal makes isTerminal answer terminal for the rest of the test,
// so that drop's confirmation does not depend on where the tests run.
func fakeTerminal(t *testing.T, terminal bool) {
	t.Helper()
	orig := isTerminal
	isTerminal = func(io.Reader) bool { return terminal }
	t.Cleanup(func() { isTerminal = orig })
}

// fakeSleep makes the waits between probes return at once for the rest of
// the test, and returns the clock that records them.
func fakeSleep(t *testing.T) *clocktest.Clock {
	t.Helper()
	clk := clocktest.New(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	orig := probeSleep
	probeSleep = clk.Sleep
	t.Cleanup(func() { probeSleep = orig })
	return clk
}

// fakeBackoff makes drops retry at once, and returns the waits that
// zcdrop.DefaultBackoff would have asked for.
func fakeBackoff(t *testing.T) *[]time.Duration {
	t.Helper()
	var waits []time.Duration
	orig := dropBackoff
	dropBackoff = func(attempt int, res *http.Response, now time.Time) time.Duration {
		waits = append(waits, zcdrop.DefaultBackoff(attempt, res, now))
		return 0
	}
	t.Cleanup(func() { dropBackoff = orig })
	return &waits
}

// hasRawControl reports whether any line of s holds what termsafe.String
// would escape: a byte or character that acts on a terminal.
func hasRawControl(s string) bool {
	for line := range strings.SplitSeq(s, "\n") {
		if termsafe.String(line) != line {
			return true
		}
	}
	return false
}

// roundTripFunc answers a request without a network.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// commandsInUsage are the commands that `zcdrop help` lists, in its order,
// but help itself and spec, whose --help lists its own commands (see
// spec_test.go).
func commandsInUsage(t *testing.T) []string {
	t.Helper()
	var cmds []string
	for line := range strings.Lines(usage) {
		fields := strings.Fields(line)
		if len(fields) < 2 || fields[0] != "zcdrop" || !strings.HasPrefix(line, "  ") {
			continue
		}
		if cmd := fields[1]; cmd != "help" && cmd != "spec" {
			cmds = append(cmds, cmd)
		}
	}
	if len(cmds) == 0 {
		t.Fatal("usage lists no command")
	}
	return cmds
}

func TestHelpShape(t *testing.T) {
	// Every command's --help: the usage line, a description, the exit codes,
	// then the flags, in that order.
	shape := regexp.MustCompile(`(?s)^Usage: zcdrop (\S+) [^\n]*\n\n\S[^\n]+\n.*\n\nExit codes:\n(  \d+  [^\n]+\n)+\nFlags:\n  \S`)
	for _, cmd := range commandsInUsage(t) {
		for _, flag := range []string{"--help", "-h"} {
			t.Run(cmd+" "+flag, func(t *testing.T) {
				code, stdout, stderr := runCLI(t, cmd, flag)
				if code != exitOK || stdout != "" {
					t.Errorf("exit %d, stdout %q; want 0 and the help on stderr", code, stdout)
				}
				m := shape.FindStringSubmatch(stderr)
				if m == nil || m[1] != cmd {
					t.Errorf("help does not have the shape usage, description, exit codes, flags:\n%s", stderr)
				}
			})
		}
	}
}

func TestErrorPrefixesNeverStack(t *testing.T) {
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	api, _, _ := probeMock(t) // It knows canaryKey, and not in01-0000000000000aa.
	html := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<html><body>welcome to the proxy</body></html>")
	}))
	t.Cleanup(html.Close)
	tests := []struct {
		name string
		args []string
		want string // the error line, from its start
		hint string // for drop's failures after sending: the hint's start
	}{
		{name: "probe: bad format", args: []string{"probe", "--format", "xml"}, want: `zcdrop probe: unknown report format "xml"`},
		{name: "probe: plain http off loopback", args: []string{"probe", "--base-url", "http://example.com"}, want: `zcdrop probe: base URL "http://example.com": plain http`},
		{name: "probe: no answer", args: []string{"probe", "--base-url", gone.URL}, want: "zcdrop probe: the not-found probe got no answer from " + gone.URL},
		{name: "conformance: bad format", args: []string{"conformance", "--format", "xml", shippedCorpus}, want: `zcdrop conformance: unknown report format "xml"`},
		{name: "drop: invalid ID", args: []string{"drop", "--yes", "in01-../x"}, want: `zcdrop drop: invalid cluster ID`},
		{name: "drop: zero attempts", args: []string{"drop", "--yes", "--attempts", "0", "in01-abc"}, want: "zcdrop drop: WithRetry"},
		{name: "drop: refused by the spec", args: []string{"drop", "--yes", "--validate", "enforce", "--base-url", gone.URL, "in01-BAD"},
			want: "zcdrop drop: request DELETE " + gone.URL + "/v2/clusters/in01-BAD/drop refused before sending: request path/clusterId: ",
			hint: "hint: the ID does not match openapi.yaml's pattern, so it was not sent"},
		{name: "drop: nothing listens", args: []string{"drop", "--yes", "--base-url", gone.URL, "in01-abc"},
			want: "zcdrop drop: dial tcp " + strings.TrimPrefix(gone.URL, "http://") + ": ",
			hint: "hint: could not reach the control plane, so nothing was sent"},
		{name: "drop: API error", args: []string{"drop", "--yes", "--attempts", "1", "--base-url", api.URL, "in01-0000000000000aa"},
			want: "zcdrop drop: api error 96018 (http 200): ",
			hint: "hint: the cluster is already gone"},
		// A success's status with a page for an answer: the drop may have
		// happened, and describe, which gets the page too, cannot tell.
		// One attempt, so that describe does not wait to ask again.
		{name: "drop: unexpected response", args: []string{"drop", "--yes", "--attempts", "1", "--validate", "off", "--base-url", html.URL, "in01-abc"},
			want: `zcdrop drop: unexpected response (http 200, content-type "text/html"): not a JSON body; body starts "<html>`,
			hint: "hint: the answer was cut short or garbled (a proxy or gateway may be in the way), so the drop may have happened"},
		{name: "mock: bad cluster", args: []string{"mock", "--api-key", mockKey, "--cluster", "in01-../x"}, want: "zcdrop mock: WithClusters"},
	}
	stacked := regexp.MustCompile(`zcdrop \w+: (zcdrop|conformance|probe|mock): `)
	prefixed := regexp.MustCompile(`(^|: )(zcdrop|conformance|probe|mock): `)
	namesURLOnce := func(t *testing.T, name, s string) {
		t.Helper()
		for line := range strings.Lines(s) {
			if strings.Count(line, "http://") > 1 {
				t.Errorf("%s names a URL more than once: %q", name, line)
			}
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("ZILLIZ_API_KEY", canaryKey)
			code, _, stderr := runCLI(t, tt.args...)
			if code == exitOK || !strings.HasPrefix(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want a failure starting %q", code, stderr, tt.want)
			}
			if stacked.MatchString(stderr) {
				t.Errorf("stderr stacks prefixes: %q", stderr)
			}
			namesURLOnce(t, "stderr", stderr)
			if _, hint, _ := strings.Cut(stderr, "\n"); !strings.HasPrefix(hint, tt.hint) {
				t.Errorf("stderr %q; want the error line, then %q", stderr, tt.hint)
			}
			if tt.args[0] != "drop" {
				return
			}
			// The JSON message is the same error, and carries no prefix.
			code, stdout, _ := runCLI(t, append([]string{"drop", "--output", "json"}, tt.args[1:]...)...)
			var got struct{ Error struct{ Message string } }
			if err := json.Unmarshal([]byte(stdout), &got); err != nil || code == exitOK || got.Error.Message == "" {
				t.Fatalf("--output json: exit %d, stdout %q (%v); want a JSON error", code, stdout, err)
			}
			if prefixed.MatchString(got.Error.Message) {
				t.Errorf("the JSON message carries a package prefix: %q", got.Error.Message)
			}
			namesURLOnce(t, "the JSON message", got.Error.Message)
		})
	}
}

func TestTrimPackagePrefixes(t *testing.T) {
	tests := []struct{ in, want string }{
		{"probe: zcdrop: WithBaseURL: bad", "WithBaseURL: bad"},
		{"conformance: unknown report format", "unknown report format"},
		{"mock: WithClusters: x", "WithClusters: x"},
		{"the not-found probe got no answer", "the not-found probe got no answer"},
		{"no API key: set ZILLIZ_API_KEY", "no API key: set ZILLIZ_API_KEY"},
		{"read file: zcdrop: x", "read file: zcdrop: x"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := trimPackagePrefixes(tt.in); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPackageDocMatchesUsage(t *testing.T) {
	// go doc ./cmd/zcdrop is the manual of a command that is not running:
	// it must say what `zcdrop help` says about every command, the
	// environment and the exit codes.
	f, err := parser.ParseFile(token.NewFileSet(), "main.go", nil, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil {
		t.Fatal(err)
	}
	flat := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	doc := flat(f.Doc.Text())
	sections := map[string]*[]string{}
	var section *[]string
	for line := range strings.Lines(usage) {
		switch {
		case strings.TrimSpace(line) == "":
			section = nil
		case !strings.HasPrefix(line, " "):
			section = new([]string)
			sections[strings.TrimSpace(line)] = section
		case section != nil:
			*section = append(*section, line)
		}
	}
	for _, name := range []string{"Environment:", "Exit codes:"} {
		t.Run(name, func(t *testing.T) {
			lines := sections[name]
			if lines == nil || len(*lines) == 0 {
				t.Fatalf("usage has no %q section", name)
			}
			if want := flat(strings.Join(*lines, "")); !strings.Contains(doc, want) {
				t.Errorf("the package doc lacks usage's %s\n%s\nin:\n%s", name, want, f.Doc.Text())
			}
		})
	}
	t.Run("Usage:", func(t *testing.T) {
		lines := sections["Usage:"]
		if lines == nil || len(*lines) == 0 {
			t.Fatal("usage has no Usage: section")
		}
		for _, line := range *lines {
			cmd, _, _ := strings.Cut(strings.TrimSpace(line), "  ") // The command, without what it does.
			if cmd != "zcdrop help" && !strings.Contains(doc, flat(cmd)) {
				t.Errorf("the package doc lacks %q", cmd)
			}
		}
	})
}

// lockedBuffer is a bytes.Buffer that a goroutine of net/http may write to
// while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestStandardLoggerNeverPrintsTheWire: net/http's Transport logs through
// the standard logger "Unsolicited response received on idle HTTP channel
// starting with ...", quoting bytes that a server sent past a complete
// answer. A server that echoes the key there must get it nowhere: not on
// the command's stderr, and not through the standard logger.
func TestStandardLoggerNeverPrintsTheWire(t *testing.T) {
	fakeSleep(t)
	var served atomic.Int64
	hungUp := make(chan struct{}, 16)
	mux := http.NewServeMux()
	mux.HandleFunc("DELETE /v2/clusters/{id}/drop", func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close()
		served.Add(1)
		body := fmt.Sprintf(`{"code":0,"data":{"clusterId":%q,"prompt":"ok"}}`, r.PathValue("id"))
		// A complete answer, then bytes that no request asked for.
		fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
		fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nX-Echo: %s\x1b]52;c;ZXZpbA==\x07\x1b[2K\r\n\r\n", dropKey)
		_ = buf.Flush()
		_, _ = io.Copy(io.Discard, conn) // Until the client hangs up, having seen the extra bytes.
		hungUp <- struct{}{}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	tests := []struct {
		name string
		args []string
		exit int
	}{
		{name: "drop", args: []string{"drop", "--yes", "--validate", "off", "--base-url", srv.URL, seededDedicated}, exit: exitOK},
		// The probes expect no success, but the exit code is not the point.
		{name: "probe", args: []string{"probe", "--base-url", srv.URL}, exit: exitFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdlog lockedBuffer
			orig := log.Writer()
			log.SetOutput(&stdlog) // Where the logger writes unless run moves it.
			t.Cleanup(func() { log.SetOutput(orig) })
			t.Setenv("ZILLIZ_API_KEY", dropKey)
			var stderr strings.Builder
			for range 2 { // The second run finds the first's connection kept alive, or its log line written.
				var errOut bytes.Buffer
				code := run(t.Context(), tt.args, strings.NewReader(""), io.Discard, &errOut)
				if code != tt.exit {
					t.Fatalf("exit %d, want %d; stderr %q", code, tt.exit, errOut.String())
				}
				stderr.WriteString(errOut.String())
			}
			// A client hangs up once it has logged the extra bytes.
			for i := range served.Swap(0) {
				select {
				case <-hungUp:
				case <-time.After(5 * time.Second):
					t.Fatalf("the client hung up on %d connections, not all", i)
				}
			}
			for name, out := range map[string]string{"stderr": stderr.String(), "the standard logger": stdlog.String()} {
				if strings.Contains(out, dropKey) || strings.ContainsAny(out, "\x1b\x07\r") {
					t.Errorf("%s holds the key or raw control bytes: %q", name, out)
				}
			}
		})
	}
}
