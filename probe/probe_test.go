package probe_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zcdrop/zcdrop/conformance"
	"github.com/zcdrop/zcdrop/mock"
)

const (
	canaryKey       = "zc-LEAK-CANARY-7f3a9c2e"
	seededDedicated = "in01-6183d6bac30f801"
	seededFree      = "in03-2c4e6a8b0d1f3e5"
)

// countingServer serves h on loopback and records when each request arrived.
type countingServer struct {
	*httptest.Server
	mu       sync.Mutex
	arrivals []time.Time
}

func newCountingServer(t *testing.T, h http.Handler) *countingServer {
	t.Helper()
	cs := &countingServer{}
	cs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cs.mu.Lock()
		cs.arrivals = append(cs.arrivals, time.Now())
		cs.mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(cs.Close)
	return cs
}

func (cs *countingServer) requests() []time.Time {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return append([]time.Time(nil), cs.arrivals...)
}

// newMock returns the reference server, knowing canaryKey and two RUNNING
// clusters, behind a countingServer.
func newMock(t *testing.T) (*countingServer, *mock.Server) {
	t.Helper()
	m, err := mock.New(mock.WithAPIKey(canaryKey), mock.WithClusters(seededDedicated, seededFree))
	if err != nil {
		t.Fatal(err)
	}
	return newCountingServer(t, m), m
}

func TestProbeRecordsConformingRedactedCassettes(t *testing.T) {
	srv, m := newMock(t)
	dir := filepath.Join(t.TempDir(), "new", "cassettes") // Probe creates it.
	results, err := conformance.Probe(context.Background(), conformance.ProbeConfig{
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
		if r.File != w.file || r.Status != w.status || !r.OK || r.Method != http.MethodDelete {
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
		if st, _ := m.ClusterStatus(id); st != mock.StatusRunning {
			t.Errorf("cluster %s is %s after probing, want RUNNING", id, st)
		}
	}
}

func TestProbeWithoutRecording(t *testing.T) {
	srv, _ := newMock(t)
	results, err := conformance.Probe(context.Background(), conformance.ProbeConfig{BaseURL: srv.URL, APIKey: canaryKey})
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 2 || results[0].File != "probe:not-found" || results[1].File != "probe:invalid-key" {
		t.Errorf("results = %+v, want probe:not-found and probe:invalid-key", results)
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
		cfg  conformance.ProbeConfig
		want string
	}{
		{"no key", conformance.ProbeConfig{BaseURL: srv.URL}, "no API key"},
		{"no base URL", conformance.ProbeConfig{APIKey: canaryKey}, "no base URL"},
		{"plain http off loopback", conformance.ProbeConfig{BaseURL: "http://api.cloud.zilliz.com", APIKey: canaryKey}, "plain http is allowed only on loopback hosts"},
		{"drop without confirmation", conformance.ProbeConfig{BaseURL: srv.URL, APIKey: canaryKey, DropClusterID: seededDedicated}, "refusing to drop cluster in01-6183d6bac30f801 without ConfirmDrop; nothing sent"},
		{"confirmation without drop", conformance.ProbeConfig{BaseURL: srv.URL, APIKey: canaryKey, ConfirmDrop: true}, "ConfirmDrop without DropClusterID; nothing sent"},
		{"a drop ID that changes the path", conformance.ProbeConfig{BaseURL: srv.URL, APIKey: canaryKey, DropClusterID: "..", ConfirmDrop: true}, "nothing sent"},
		{"too fast", conformance.ProbeConfig{BaseURL: srv.URL, APIKey: canaryKey, Interval: time.Millisecond}, "interval 1ms is below 100ms"},
		{"record dir is a file", conformance.ProbeConfig{BaseURL: srv.URL, APIKey: canaryKey, RecordDir: notADir}, "record directory"},
		{"cassette path is a directory", conformance.ProbeConfig{BaseURL: srv.URL, APIKey: canaryKey, RecordDir: blocked, DropClusterID: seededDedicated, ConfirmDrop: true},
			"probe-drop.yaml: it is not a regular file; nothing sent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			results, err := conformance.Probe(context.Background(), tt.cfg)
			var pe *conformance.ProbeError
			switch {
			case err == nil || !strings.Contains(err.Error(), tt.want):
				t.Errorf("Probe = %v, want an error containing %q", err, tt.want)
			case errors.As(err, &pe):
				t.Errorf("Probe = %v, want a configuration error, not a *ProbeError", err)
			case strings.Contains(err.Error(), canaryKey):
				t.Errorf("error quotes the key: %v", err)
			}
			if results != nil {
				t.Errorf("results = %+v, want none", results)
			}
		})
	}
	if n := len(srv.requests()); n != 0 {
		t.Errorf("%d requests reached the server, want none", n)
	}
	if st, _ := m.ClusterStatus(seededDedicated); st != mock.StatusRunning {
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
			results, err := conformance.Probe(context.Background(), conformance.ProbeConfig{
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
			if st, _ := m.ClusterStatus(seededDedicated); st != tt.wantState {
				t.Errorf("cluster %s is %s, want %s", seededDedicated, st, tt.wantState)
			}
			if st, _ := m.ClusterStatus(seededFree); st != mock.StatusRunning {
				t.Errorf("cluster %s is %s, want RUNNING", seededFree, st)
			}
		})
	}
}

func TestProbePacesRequests(t *testing.T) {
	srv, _ := newMock(t)
	const interval = 150 * time.Millisecond
	if _, err := conformance.Probe(context.Background(), conformance.ProbeConfig{
		BaseURL: srv.URL, APIKey: canaryKey, DropClusterID: seededDedicated, ConfirmDrop: true, Interval: interval,
	}); err != nil {
		t.Fatal(err)
	}
	arrivals := srv.requests()
	if len(arrivals) != 3 {
		t.Fatalf("%d requests, want 3 (no retries)", len(arrivals))
	}
	for i := 1; i < len(arrivals); i++ {
		if gap := arrivals[i].Sub(arrivals[i-1]); gap < interval {
			t.Errorf("requests %d and %d came %s apart, want at least %s", i-1, i, gap, interval)
		}
	}
}

func TestProbeJudgesAnswers(t *testing.T) {
	// A control plane that says yes to everything fails both probes.
	yes := newCountingServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/v2/clusters/"), "/drop")
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"code":0,"data":{"clusterId":"`+id+`","prompt":"dropped"}}`)
	}))
	results, err := conformance.Probe(context.Background(), conformance.ProbeConfig{BaseURL: yes.URL, APIKey: canaryKey})
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

func TestProbeWithoutAnswer(t *testing.T) {
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	dir := t.TempDir()
	results, err := conformance.Probe(context.Background(), conformance.ProbeConfig{BaseURL: gone.URL, APIKey: canaryKey, RecordDir: dir})
	var pe *conformance.ProbeError
	if !errors.As(err, &pe) || pe.Probe != "not-found" {
		t.Fatalf("Probe = %v, want a *ProbeError for not-found", err)
	}
	if strings.Contains(err.Error(), canaryKey) {
		t.Errorf("error quotes the key: %v", err)
	}
	if len(results) != 0 {
		t.Errorf("results = %+v, want none", results)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("an unanswered probe left %d files, want none", len(entries))
	}
}

func TestProbeStopsWhenContextEnds(t *testing.T) {
	srv, _ := newMock(t)
	ctx, cancel := context.WithCancel(context.Background())
	// End the context while Probe waits, a minute, between its first two
	// requests: well after the first has been answered on loopback.
	go func() {
		for len(srv.requests()) == 0 {
			time.Sleep(time.Millisecond)
		}
		time.Sleep(300 * time.Millisecond)
		cancel()
	}()
	results, err := conformance.Probe(ctx, conformance.ProbeConfig{BaseURL: srv.URL, APIKey: canaryKey, Interval: time.Minute})
	var pe *conformance.ProbeError
	if !errors.As(err, &pe) || pe.Probe != "invalid-key" || !errors.Is(err, context.Canceled) {
		t.Fatalf("Probe = %v, want a *ProbeError for invalid-key wrapping context.Canceled", err)
	}
	if len(results) != 1 || len(srv.requests()) != 1 {
		t.Errorf("%d results and %d requests, want 1 of each", len(results), len(srv.requests()))
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
	results, err := conformance.Probe(context.Background(), conformance.ProbeConfig{BaseURL: v1.URL, APIKey: canaryKey})
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
		errText string
	}{
		{name: "server error", fault: mock.Fault{Kind: mock.FaultStatus, Status: 503, Times: 1}, results: 1, errText: "the server answered HTTP 503"},
		{name: "gateway page", fault: mock.Fault{Kind: mock.FaultBadGatewayHTML, Times: 1}, record: true, results: 1, errText: "the server answered HTTP 502"},
		{name: "broken body", fault: mock.Fault{Kind: mock.FaultAbortMidBody, Times: 1}, results: 0, errText: "got no usable answer"},
		{name: "broken body while recording", fault: mock.Fault{Kind: mock.FaultAbortMidBody, Times: 1}, record: true, results: 0, errText: "got no usable answer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := mock.New(mock.WithAPIKey(canaryKey), mock.WithClusters(seededDedicated), mock.WithFault(tt.fault))
			if err != nil {
				t.Fatal(err)
			}
			srv := newCountingServer(t, m)
			cfg := conformance.ProbeConfig{BaseURL: srv.URL, APIKey: canaryKey}
			if tt.record {
				cfg.RecordDir = t.TempDir()
			}
			results, err := conformance.Probe(context.Background(), cfg)
			var pe *conformance.ProbeError
			if !errors.As(err, &pe) || pe.Probe != "not-found" || !strings.Contains(err.Error(), tt.errText) {
				t.Fatalf("got %v, want a *ProbeError for not-found containing %q", err, tt.errText)
			}
			if len(results) != tt.results {
				t.Errorf("%d results, want %d", len(results), tt.results)
			}
			if n := len(srv.requests()); n != 1 {
				t.Errorf("%d requests, want 1: the probes stop at an unusable answer and never retry", n)
			}
		})
	}
}
