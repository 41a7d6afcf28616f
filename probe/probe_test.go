package probe_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zcdrop/zcdrop/conformance"
	"github.com/zcdrop/zcdrop/internal/clock/clocktest"
	"github.com/zcdrop/zcdrop/mock"
	"github.com/zcdrop/zcdrop/probe"
)

const (
	canaryKey       = "zc-LEAK-CANARY-7f3a9c2e"
	seededDedicated = "in01-6183d6bac30f801"
	seededFree      = "in03-2c4e6a8b0d1f3e5"
)

// countingServer serves h on loopback and counts the requests that reach it.
type countingServer struct {
	*httptest.Server
	n atomic.Int64
}

func newCountingServer(t *testing.T, h http.Handler) *countingServer {
	t.Helper()
	cs := &countingServer{}
	cs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cs.n.Add(1)
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(cs.Close)
	return cs
}

func (cs *countingServer) requests() int { return int(cs.n.Load()) }

// newMock returns the reference server, knowing canaryKey and two RUNNING
// clusters, behind a countingServer.
func newMock(t *testing.T, opts ...mock.Option) (*countingServer, *mock.Server) {
	t.Helper()
	m, err := mock.New(append([]mock.Option{mock.WithAPIKey(canaryKey), mock.WithClusters(seededDedicated, seededFree)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return newCountingServer(t, m), m
}

// clusterStatus returns the mock's status of the seeded cluster id.
func clusterStatus(t *testing.T, m *mock.Server, id string) mock.Status {
	t.Helper()
	c, ok := m.Cluster(id)
	if !ok {
		t.Fatalf("the mock has no cluster %s", id)
	}
	return c.Status
}

// run runs the probes with a fake clock, so that no test waits for real
// between probes, and returns the waits they asked for.
func run(ctx context.Context, cfg probe.Config) ([]conformance.Result, []time.Duration, error) {
	clk := clocktest.New(time.Unix(0, 0))
	cfg.Sleep = clk.Sleep
	results, err := probe.Run(ctx, cfg)
	return results, clk.Sleeps(), err
}

// countingTransport counts the requests it sends through http.DefaultTransport.
type countingTransport struct{ n atomic.Int64 }

// RoundTrip implements http.RoundTripper.
func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return http.DefaultTransport.RoundTrip(r)
}

func TestProbeRecordsConformingRedactedCassettes(t *testing.T) {
	srv, m := newMock(t)
	dir := filepath.Join(t.TempDir(), "new", "cassettes") // Run creates it.
	results, _, err := run(context.Background(), probe.Config{
		BaseURL: srv.URL, APIKey: canaryKey, RecordDir: dir,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		file   string
		status int
	}{
		{filepath.Join(dir, "probe-not-found.yaml"), http.StatusOK},
		{filepath.Join(dir, "probe-invalid-key.yaml"), http.StatusUnauthorized},
	}
	if len(results) != len(want) {
		t.Fatalf("got %d results, want %d: %+v", len(results), len(want), results)
	}
	for i, w := range want {
		r := results[i]
		if r.File != w.file || r.StatusCode != w.status || !r.OK || r.Method != http.MethodDelete {
			t.Errorf("result %d = %+v, want a conforming DELETE from %s with HTTP %d", i, r, w.file, w.status)
		}
		if !strings.Contains(r.URL, "/v2/clusters/in01-zcdropprobe") {
			t.Errorf("result %d probed %s, want an impossible in01-zcdropprobe ID", i, r.URL)
		}
		saved, err := os.ReadFile(w.file)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(saved), canaryKey) {
			t.Errorf("%s holds the key:\n%s", w.file, saved)
		}
		for _, s := range []string{"Bearer REDACTED", "Requestid:"} {
			if !strings.Contains(string(saved), s) {
				t.Errorf("%s lacks %q:\n%s", w.file, s, saved)
			}
		}
	}

	// The gate accepts the recordings as they are.
	v, err := conformance.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	checked, err := v.CheckCassettes(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if s := conformance.Summarize(checked); s.Total != 2 || s.Failed != 0 {
		t.Errorf("the gate says %+v about the recordings, want 2 passed", s)
	}

	// Nothing was dropped.
	for _, id := range []string{seededDedicated, seededFree} {
		if st := clusterStatus(t, m, id); st != mock.StatusRunning {
			t.Errorf("cluster %s is %s after probing, want RUNNING", id, st)
		}
	}
}

func TestProbeWithoutRecording(t *testing.T) {
	srv, _ := newMock(t)
	results, _, err := run(context.Background(), probe.Config{BaseURL: srv.URL, APIKey: canaryKey})
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 2 || results[0].File != "probe:not-found" || results[1].File != "probe:invalid-key" {
		t.Errorf("results = %+v, want probe:not-found and probe:invalid-key", results)
	}
}

func TestProbeSendsThroughConfigTransport(t *testing.T) {
	for _, record := range []bool{false, true} {
		name := "without recording"
		if record {
			name = "while recording"
		}
		t.Run(name, func(t *testing.T) {
			srv, _ := newMock(t)
			transport := &countingTransport{}
			cfg := probe.Config{BaseURL: srv.URL, APIKey: canaryKey, Transport: transport}
			if record {
				cfg.RecordDir = t.TempDir()
			}
			results, _, err := run(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if len(results) != 2 || transport.n.Load() != 2 || srv.requests() != 2 {
				t.Errorf("%d results, %d requests through Config.Transport, %d at the server; want 2 of each",
					len(results), transport.n.Load(), srv.requests())
			}
		})
	}
}

func TestProbeRefusesBadConfig(t *testing.T) {
	srv, m := newMock(t)
	notADir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notADir, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	// A directory where the drop's cassette must go: refused before the
	// drop is sent, since a drop that cannot be recorded has still happened.
	blocked := t.TempDir()
	if err := os.Mkdir(filepath.Join(blocked, "probe-drop.yaml"), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		cfg  probe.Config
		want string
	}{
		{"no key", probe.Config{BaseURL: srv.URL}, "no API key"},
		{"no base URL", probe.Config{APIKey: canaryKey}, "no base URL"},
		{"plain http off loopback", probe.Config{BaseURL: "http://api.cloud.zilliz.com", APIKey: canaryKey}, "plain http is allowed only on loopback hosts"},
		{"drop without confirmation", probe.Config{BaseURL: srv.URL, APIKey: canaryKey, DropClusterID: seededDedicated}, "refusing to drop cluster in01-6183d6bac30f801 without ConfirmDrop; nothing sent"},
		{"confirmation without drop", probe.Config{BaseURL: srv.URL, APIKey: canaryKey, ConfirmDrop: true}, "ConfirmDrop without DropClusterID; nothing sent"},
		{"a drop ID that changes the path", probe.Config{BaseURL: srv.URL, APIKey: canaryKey, DropClusterID: "..", ConfirmDrop: true}, "nothing sent"},
		{"too fast", probe.Config{BaseURL: srv.URL, APIKey: canaryKey, Interval: time.Millisecond}, "interval 1ms is below 100ms"},
		{"record dir is a file", probe.Config{BaseURL: srv.URL, APIKey: canaryKey, RecordDir: notADir}, "record directory"},
		{"cassette path is a directory", probe.Config{BaseURL: srv.URL, APIKey: canaryKey, RecordDir: blocked, DropClusterID: seededDedicated, ConfirmDrop: true},
			"probe-drop.yaml: it is not a regular file; nothing sent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			results, sleeps, err := run(context.Background(), tt.cfg)
			var pe *probe.Error
			switch {
			case err == nil || !strings.Contains(err.Error(), tt.want):
				t.Errorf("Run = %v, want an error containing %q", err, tt.want)
			case errors.As(err, &pe):
				t.Errorf("Run = %v, want a configuration error, not a *probe.Error", err)
			case strings.Contains(err.Error(), canaryKey):
				t.Errorf("error quotes the key: %v", err)
			}
			if results != nil || len(sleeps) != 0 {
				t.Errorf("results = %+v after waiting %v, want none and no wait", results, sleeps)
			}
		})
	}
	if n := srv.requests(); n != 0 {
		t.Errorf("%d requests reached the server, want none", n)
	}
	if st := clusterStatus(t, m, seededDedicated); st != mock.StatusRunning {
		t.Errorf("cluster is %s, want RUNNING", st)
	}
}

func TestProbeDrop(t *testing.T) {
	tests := []struct {
		name      string
		id        string
		wantOK    bool
		wantMsg   string // the drop probe's violation, when it fails
		wantState mock.Status
	}{
		{"a seeded cluster is dropped", seededDedicated, true, "", mock.StatusDeleting},
		{"an unknown cluster fails the probe", "in01-0123456789abcde", false,
			"semantic /code: probe drop expected success (code 0), got code 96018 with HTTP 200", mock.StatusRunning},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, m := newMock(t)
			dir := t.TempDir()
			results, _, err := run(context.Background(), probe.Config{
				BaseURL: srv.URL, APIKey: canaryKey, RecordDir: dir, DropClusterID: tt.id, ConfirmDrop: true,
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(results) != 3 {
				t.Fatalf("got %d results, want 3", len(results))
			}
			drop := results[2]
			if drop.File != filepath.Join(dir, "probe-drop.yaml") || !strings.HasSuffix(drop.URL, "/v2/clusters/"+tt.id+"/drop") {
				t.Errorf("drop result = %+v", drop)
			}
			if drop.OK != tt.wantOK {
				t.Errorf("drop OK = %v, want %v: %v", drop.OK, tt.wantOK, drop.Violations)
			}
			if tt.wantMsg != "" && (len(drop.Violations) != 1 || drop.Violations[0].String() != tt.wantMsg) {
				t.Errorf("drop violations = %v, want [%s]", drop.Violations, tt.wantMsg)
			}
			if st := clusterStatus(t, m, seededDedicated); st != tt.wantState {
				t.Errorf("cluster %s is %s, want %s", seededDedicated, st, tt.wantState)
			}
			if st := clusterStatus(t, m, seededFree); st != mock.StatusRunning {
				t.Errorf("cluster %s is %s, want RUNNING", seededFree, st)
			}
		})
	}
}

func TestProbePacesRequests(t *testing.T) {
	tests := []struct {
		name     string
		interval time.Duration // Config.Interval
		drop     bool
		probes   int           // how many probes run
		want     time.Duration // each wait between two probes
	}{
		{name: "the default interval", probes: 2, want: probe.MinInterval},
		{name: "a longer interval, three probes", interval: 150 * time.Millisecond, drop: true, probes: 3, want: 150 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := newMock(t)
			cfg := probe.Config{BaseURL: srv.URL, APIKey: canaryKey, Interval: tt.interval}
			if tt.drop {
				cfg.DropClusterID, cfg.ConfirmDrop = seededDedicated, true
			}
			// Each wait notes how many requests were sent before it, so
			// that the test sees the waits fall between the probes.
			clk := clocktest.New(time.Unix(0, 0))
			var sentBefore []int
			cfg.Sleep = func(ctx context.Context, d time.Duration) error {
				sentBefore = append(sentBefore, srv.requests())
				return clk.Sleep(ctx, d)
			}
			results, err := probe.Run(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			n := len(results)
			if n != tt.probes {
				t.Fatalf("%d probes ran, want %d", n, tt.probes)
			}
			if srv.requests() != n {
				t.Fatalf("%d requests for %d probes, want one each (no retries)", srv.requests(), n)
			}
			var wantSleeps []time.Duration
			var wantSentBefore []int
			for i := 1; i < n; i++ {
				wantSleeps = append(wantSleeps, tt.want)
				wantSentBefore = append(wantSentBefore, i)
			}
			if got := clk.Sleeps(); !slices.Equal(got, wantSleeps) {
				t.Errorf("waited %v, want %v", got, wantSleeps)
			}
			if !slices.Equal(sentBefore, wantSentBefore) {
				t.Errorf("waited after %v requests, want after %v", sentBefore, wantSentBefore)
			}
		})
	}
}

func TestProbeJudgesAnswers(t *testing.T) {
	// A control plane that says yes to everything fails both probes.
	yes := newCountingServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/v2/clusters/"), "/drop")
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"code":0,"data":{"clusterId":"`+id+`","prompt":"dropped"}}`)
	}))
	results, _, err := run(context.Background(), probe.Config{BaseURL: yes.URL, APIKey: canaryKey})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"semantic /code: probe not-found expected a business error (96018 or 96036), got success: the API claims to have dropped a cluster that cannot exist",
		"semantic /code: probe invalid-key expected HTTP 401 with the error envelope (21119 today), got success: the API accepted a made-up key",
	}
	if len(results) != len(want) {
		t.Fatalf("got %d results, want %d", len(results), len(want))
	}
	for i, w := range want {
		if results[i].OK || len(results[i].Violations) != 1 || results[i].Violations[0].String() != w {
			t.Errorf("result %d: OK=%v violations %v, want [%s]", i, results[i].OK, results[i].Violations, w)
		}
	}
}

// closedAddr returns a loopback address on which nothing listens.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

// stackedPrefixes are what the layers below a probe put in front of the
// cause; a *probe.Error already names the probe and the server.
var stackedPrefixes = []string{"zcdrop:", "conformance:", `Delete "`, "drop cluster"}

func TestProbeWithoutAnswer(t *testing.T) {
	for _, record := range []bool{false, true} {
		name := "nothing listening"
		if record {
			name = "nothing listening, while recording"
		}
		t.Run(name, func(t *testing.T) {
			base := "http://" + closedAddr(t)
			cfg := probe.Config{BaseURL: base, APIKey: canaryKey}
			if record {
				cfg.RecordDir = t.TempDir()
			}
			results, sleeps, err := run(context.Background(), cfg)
			var pe *probe.Error
			if !errors.As(err, &pe) || pe.Probe != "not-found" || pe.BaseURL != base {
				t.Fatalf("Run = %v, want a *probe.Error for not-found at %s", err, base)
			}
			msg := err.Error()
			if want := "the not-found probe got no answer from " + base + ": "; !strings.HasPrefix(msg, want) {
				t.Errorf("error %q, want it to start with %q", msg, want)
			}
			for _, p := range stackedPrefixes {
				if strings.Contains(msg, p) {
					t.Errorf("error %q holds the stacked prefix %q", msg, p)
				}
			}
			if strings.Contains(msg, canaryKey) {
				t.Errorf("error quotes the key: %v", err)
			}
			if len(results) != 0 || len(sleeps) != 0 {
				t.Errorf("results = %+v after waiting %v, want none: the probes stop at the first", results, sleeps)
			}
			if record {
				if entries, _ := os.ReadDir(cfg.RecordDir); len(entries) != 0 {
					t.Errorf("an unanswered probe left %d files, want none", len(entries))
				}
			}
		})
	}
}

func TestProbeStopsWhenContextEnds(t *testing.T) {
	srv, _ := newMock(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The context ends while Run waits between its first two probes.
	clk := clocktest.New(time.Unix(0, 0))
	var asked []time.Duration
	sleep := func(ctx context.Context, d time.Duration) error {
		asked = append(asked, d)
		cancel()
		return clk.Sleep(ctx, d)
	}
	results, err := probe.Run(ctx, probe.Config{BaseURL: srv.URL, APIKey: canaryKey, Interval: time.Minute, Sleep: sleep})
	var pe *probe.Error
	if !errors.As(err, &pe) || pe.Probe != "invalid-key" || !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v, want a *probe.Error for invalid-key wrapping context.Canceled", err)
	}
	if len(results) != 1 || srv.requests() != 1 {
		t.Errorf("%d results and %d requests, want 1 of each", len(results), srv.requests())
	}
	if !slices.Equal(asked, []time.Duration{time.Minute}) || len(clk.Sleeps()) != 0 {
		t.Errorf("asked to wait %v and waited %v; want one wait of a minute, cut short", asked, clk.Sleeps())
	}
}

func TestProbeAcceptsAnyEnvelopeOn401(t *testing.T) {
	// A v1-era control plane: 96018 for unknown clusters, 80001 for a bad key.
	v1 := newCountingServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Header.Get("Authorization") != "Bearer "+canaryKey {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"code":80001,"message":"token illegal"}`)
			return
		}
		io.WriteString(w, `{"code":96018,"message":"Cluster not exist or you don't have permission."}`)
	}))
	results, _, err := run(context.Background(), probe.Config{BaseURL: v1.URL, APIKey: canaryKey})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if !r.OK {
			t.Errorf("%s: %v, want it to conform", r.File, r.Violations)
		}
	}
	if len(results) != 2 {
		t.Errorf("%d results, want 2", len(results))
	}
}

func TestProbeUnusableAnswers(t *testing.T) {
	tests := []struct {
		name   string
		fault  mock.Fault
		record bool
		// results is how many Results come back: a whole answer is reported
		// even when it makes the probe inconclusive.
		results int
		status  int // the status of the answer, when one began to arrive
		errText string
	}{
		{name: "server error", fault: mock.Fault{Kind: mock.FaultStatus, StatusCode: 503, Times: 1}, results: 1, status: 503,
			errText: "HTTP 503, which says nothing about what the probe tests"},
		{name: "gateway page", fault: mock.Fault{Kind: mock.FaultBadGatewayHTML, Times: 1}, record: true, results: 1, status: 502,
			errText: "HTTP 502, which says nothing about what the probe tests"},
		{name: "broken body", fault: mock.Fault{Kind: mock.FaultAbortMidBody, Times: 1}, status: 200,
			errText: "the answer (HTTP 200) broke off, so whether the request took effect is unknown: unexpected EOF"},
		// The recorder reads the body before the front door sees a status.
		{name: "broken body while recording", fault: mock.Fault{Kind: mock.FaultAbortMidBody, Times: 1}, record: true,
			errText: "unexpected EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := newMock(t, mock.WithFault(tt.fault))
			cfg := probe.Config{BaseURL: srv.URL, APIKey: canaryKey}
			if tt.record {
				cfg.RecordDir = t.TempDir()
			}
			results, _, err := run(context.Background(), cfg)
			var pe *probe.Error
			if !errors.As(err, &pe) || pe.Probe != "not-found" {
				t.Fatalf("got %v, want a *probe.Error for not-found", err)
			}
			msg := err.Error()
			want := "the not-found probe got no answer from " + srv.URL + ": " + tt.errText
			if tt.status != 0 {
				want = "the not-found probe got no usable answer from " + srv.URL + ": " + tt.errText
			}
			if !strings.HasPrefix(msg, want) || pe.StatusCode != tt.status {
				t.Errorf("error %q with status %d, want it to start with %q, status %d", msg, pe.StatusCode, want, tt.status)
			}
			for _, p := range stackedPrefixes {
				if strings.Contains(msg, p) {
					t.Errorf("error %q holds the stacked prefix %q", msg, p)
				}
			}
			if len(results) != tt.results {
				t.Errorf("%d results, want %d", len(results), tt.results)
			}
			if n := srv.requests(); n != 1 {
				t.Errorf("%d requests, want 1: the probes stop at an unusable answer and never retry", n)
			}
		})
	}
}

// TestProbeReportsNeverQuoteTheKey: a server that echoes the real key in
// its answer to the invalid-key probe, which carries only the made-up key,
// gets the real key into no report, whether the answer is used or not.
func TestProbeReportsNeverQuoteTheKey(t *testing.T) {
	echo := `{"code":0,"data":{"clusterId":"` + canaryKey + `","` + canaryKey + `":1,"` + canaryKey + `":2}}`
	for _, status := range []int{http.StatusOK, http.StatusBadRequest, http.StatusServiceUnavailable} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			srv := newCountingServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				if r.Header.Get("Authorization") == "Bearer "+canaryKey {
					io.WriteString(w, `{"code":96018,"message":"cluster not exist"}`)
					return
				}
				w.WriteHeader(status)
				io.WriteString(w, echo)
			}))
			results, _, err := run(context.Background(), probe.Config{BaseURL: srv.URL, APIKey: canaryKey})
			if err != nil && strings.Contains(err.Error(), canaryKey) {
				t.Errorf("the error quotes the key: %v", err)
			}
			if len(results) != 2 {
				t.Fatalf("got %d results (%v), want 2", len(results), err)
			}
			for _, format := range []conformance.Format{conformance.FormatText, conformance.FormatJSON, conformance.FormatJUnit} {
				var out strings.Builder
				if err := conformance.WriteReport(&out, format, results); err != nil {
					t.Fatal(err)
				}
				if strings.Contains(out.String(), canaryKey) {
					t.Errorf("the %v report quotes the key:\n%s", format, out.String())
				}
			}
		})
	}
}

// lockedBuffer is a strings.Builder that the standard logger may write to
// from any goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestProbeLeavesNoConnectionIdle: a server that sends bytes past the
// Content-Length gets them quoted by net/http's standard logger
// ("Unsolicited response received on idle HTTP channel") if the connection
// is kept idle; the probes keep none, so the key it echoes there is never
// logged.
func TestProbeLeavesNoConnectionIdle(t *testing.T) {
	var logged lockedBuffer
	log.SetOutput(&logged)
	t.Cleanup(func() { log.SetOutput(os.Stderr) })
	var handlers sync.WaitGroup
	srv := newCountingServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handlers.Add(1)
		defer handlers.Done()
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close()
		body := `{"code":96018,"message":"cluster not exist"}`
		fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%sHTTP/1.1 200 OK %s\r\n", len(body), body, canaryKey)
		if err := buf.Flush(); err != nil {
			t.Error(err)
			return
		}
		// The client closes the connection once it is done with it: after
		// logging, if it logs.
		_, _ = io.Copy(io.Discard, conn)
	}))
	_, _, err := run(context.Background(), probe.Config{BaseURL: srv.URL, APIKey: canaryKey})
	if err != nil {
		t.Fatal(err)
	}
	handlers.Wait()
	if got := logged.String(); strings.Contains(got, canaryKey) {
		t.Errorf("the standard logger got the key:\n%s", got)
	}
}
