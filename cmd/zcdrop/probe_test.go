package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zcdrop/zcdrop/mock"
	"github.com/zcdrop/zcdrop/probe"
)

func TestProbeRecordsWithoutLeakingKey(t *testing.T) {
	keyFile := writeKeyFile(t, canaryKey+"\n")
	tests := []struct {
		name string
		env  string
		args []string
	}{
		{"key from ZILLIZ_API_KEY", canaryKey, nil},
		{"key from --api-key-file", "", []string{"--api-key-file", keyFile}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("ZILLIZ_API_KEY", tt.env)
			clk := fakeSleep(t)
			srv, m, requests := probeMock(t)
			dir := t.TempDir()
			args := append([]string{"probe", "--base-url", srv.URL, "--record", dir, "--format", "json"}, tt.args...)
			code, stdout, stderr := runCLI(t, args...)
			if code != exitOK {
				t.Fatalf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", code, exitOK, stdout, stderr)
			}
			var report struct {
				Interactions []struct {
					File       string
					StatusCode int `json:"status"`
					OK         bool
				}
				Summary struct{ Total, Passed, Failed int }
			}
			if err := json.Unmarshal([]byte(stdout), &report); err != nil {
				t.Fatalf("not the JSON report: %v\n%s", err, stdout)
			}
			wantFiles := []string{filepath.Join(dir, "probe-not-found.yaml"), filepath.Join(dir, "probe-invalid-key.yaml")}
			if report.Summary.Total != 2 || report.Summary.Passed != 2 || len(report.Interactions) != 2 {
				t.Fatalf("report %+v, want 2 probes passed", report)
			}
			wantStatus := []int{200, 401} // A business error, then a rejected key.
			for i, f := range wantFiles {
				if got := report.Interactions[i]; got.File != f || got.StatusCode != wantStatus[i] || !got.OK {
					t.Errorf("probe %d reported as %+v, want %q, status %d, OK", i, got, f, wantStatus[i])
				}
				if _, err := os.Stat(f); err != nil {
					t.Errorf("cassette not written: %v", err)
				}
			}
			if n := requests.Load(); n != 2 {
				t.Errorf("%d requests reached the mock, want 2", n)
			}
			if got := clk.Sleeps(); !slices.Equal(got, []time.Duration{probe.MinInterval}) {
				t.Errorf("waited %v between the probes, want %v", got, probe.MinInterval)
			}

			// The gate accepts what was recorded, unchanged.
			gateCode, gateOut, gateErr := runCLI(t, "conformance", dir)
			if gateCode != exitOK || !strings.Contains(gateOut, "2 interactions: 2 passed, 0 failed") {
				t.Errorf("zcdrop conformance %s: exit %d\n%s%s", dir, gateCode, gateOut, gateErr)
			}
			assertNoKey(t, dir, map[string]string{"stdout": stdout, "stderr": stderr, "gate stdout": gateOut, "gate stderr": gateErr})
			assertRunning(t, m)
		})
	}
}

func TestProbeDropNeedsDoubleOptIn(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStderr string
	}{
		{"--drop-cluster alone", []string{"--drop-cluster", seededDedicated}, exitUsage,
			"refusing to drop cluster in01-6183d6bac30f801: --drop-cluster deletes data and needs --i-understand-this-deletes-data too. Nothing sent."},
		{"--i-understand-this-deletes-data alone", []string{"--i-understand-this-deletes-data"}, exitUsage,
			"--i-understand-this-deletes-data needs --drop-cluster ID. Nothing sent."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("ZILLIZ_API_KEY", canaryKey)
			srv, m, requests := probeMock(t)
			dir := t.TempDir()
			code, stdout, stderr := runCLI(t, append([]string{"probe", "--base-url", srv.URL, "--record", dir}, tt.args...)...)
			if code != tt.wantCode {
				t.Errorf("exit code %d, want %d", code, tt.wantCode)
			}
			checkOutput(t, "stdout", stdout, "")
			checkOutput(t, "stderr", stderr, tt.wantStderr)
			if n := requests.Load(); n != 0 {
				t.Errorf("%d requests reached the mock, want none", n)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("%d files recorded, want none", len(entries))
			}
			assertRunning(t, m)
		})
	}
}

func TestProbeDropWithDoubleOptIn(t *testing.T) {
	t.Setenv("ZILLIZ_API_KEY", canaryKey)
	clk := fakeSleep(t)
	srv, m, requests := probeMock(t)
	dir := t.TempDir()
	code, stdout, stderr := runCLI(t, "probe", "--base-url", srv.URL, "--record", dir,
		"--drop-cluster", seededDedicated, "--i-understand-this-deletes-data")
	if code != exitOK {
		t.Fatalf("exit code %d, want %d\n%s%s", code, exitOK, stdout, stderr)
	}
	// The text report counts passes without listing them; the drop's
	// cassette is judged by the gate below.
	if want := "3 interactions: 3 passed, 0 failed\n"; stdout != want {
		t.Errorf("stdout %q, want %q", stdout, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "probe-drop.yaml")); err != nil {
		t.Errorf("the drop was not recorded: %v", err)
	}
	if n := requests.Load(); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
	if got, want := clk.Sleeps(), []time.Duration{probe.MinInterval, probe.MinInterval}; !slices.Equal(got, want) {
		t.Errorf("waited %v between the probes, want %v", got, want)
	}
	if c, _ := m.Cluster(seededDedicated); c.Status != mock.StatusDeleting {
		t.Errorf("dropped cluster is %s, want DELETING", c.Status)
	}
	if c, _ := m.Cluster(seededFree); c.Status != mock.StatusRunning {
		t.Errorf("the other cluster is %s, want RUNNING", c.Status)
	}
	gateCode, gateOut, _ := runCLI(t, "conformance", dir)
	if gateCode != exitOK || !strings.Contains(gateOut, "3 interactions: 3 passed, 0 failed") {
		t.Errorf("zcdrop conformance: exit %d\n%s", gateCode, gateOut)
	}
	assertNoKey(t, dir, map[string]string{"stdout": stdout, "stderr": stderr})
}

func TestProbeExitCodes(t *testing.T) {
	clk := fakeSleep(t)
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	// A control plane that says yes to everything: both probes must fail.
	yes := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/v2/clusters/"), "/drop")
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"code":0,"data":{"clusterId":"`+id+`","prompt":"dropped"}}`)
	}))
	defer yes.Close()
	srv, m, _ := probeMock(t)

	tests := []struct {
		name       string
		env        string // ZILLIZ_API_KEY
		args       []string
		want       int
		wantStdout string // a substring; "" means stdout must be empty
		wantStderr string // a substring; "" means stderr must be empty
	}{
		{"conforms", canaryKey, []string{"--base-url", srv.URL}, exitOK,
			"2 interactions: 2 passed, 0 failed", ""},
		{"junit report", canaryKey, []string{"--base-url", srv.URL, "--format", "junit"}, exitOK,
			`<testcase classname="probe:invalid-key" name="#0 DELETE ` + srv.URL + `/v2/clusters/in01-zcdropprobe`, ""},
		{"a wrong key fails not-found", "not-the-key-0123456789", []string{"--base-url", srv.URL}, exitFailed,
			"probe not-found expected a business error (96018 or 96036), got code 21119 with HTTP 401", ""},
		{"success on a cluster that cannot exist", canaryKey, []string{"--base-url", yes.URL}, exitFailed,
			"probe not-found expected a business error (96018 or 96036), got success: the API claims to have dropped a cluster that cannot exist", ""},
		{"no answer", canaryKey, []string{"--base-url", gone.URL}, exitNetwork,
			"", "zcdrop probe: the not-found probe got no answer from " + gone.URL + ": "},
		{"no answer, json", canaryKey, []string{"--base-url", gone.URL, "--format", "json"}, exitNetwork,
			`"total": 0`, "got no answer from " + gone.URL + ": "},
		{"no answer, junit", canaryKey, []string{"--base-url", gone.URL, "--format", "junit"}, exitNetwork,
			`<testsuites name="zcdrop conformance" tests="0"`, "got no answer from " + gone.URL + ": "},
		{"zero timeout", canaryKey, []string{"--base-url", srv.URL, "--timeout", "0s"}, exitUsage,
			"", "--timeout must be positive, not 0s"},
		{"no key", "", []string{"--base-url", srv.URL}, exitUsage,
			"", "no API key: set ZILLIZ_API_KEY"},
		{"plain http off loopback", canaryKey, []string{"--base-url", "http://api.cloud.zilliz.com"}, exitUsage,
			"", "plain http is allowed only on loopback hosts"},
		{"unknown region", canaryKey, []string{"--region", "eu"}, exitUsage,
			"", `--region must be global or cn, not "eu"`},
		{"bad format", canaryKey, []string{"--base-url", srv.URL, "--format", "xml"}, exitUsage,
			"", `unknown report format "xml"`},
		{"arguments", canaryKey, []string{"--base-url", srv.URL, seededDedicated}, exitUsage,
			"", "takes no arguments"},
		{"--api-key is not a flag", canaryKey, []string{"--api-key", canaryKey}, exitUsage,
			"", "flag provided but not defined: -api-key"},
		{"help", canaryKey, []string{"-h"}, exitOK,
			"", "THIS DELETES DATA"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("ZILLIZ_API_KEY", tt.env)
			code, stdout, stderr := runCLI(t, append([]string{"probe"}, tt.args...)...)
			if code != tt.want {
				t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.want, stdout, stderr)
			}
			checkOutput(t, "stdout", stdout, tt.wantStdout)
			checkOutput(t, "stderr", stderr, tt.wantStderr)
			assertNoKey(t, "", map[string]string{"stdout": stdout, "stderr": stderr})
		})
	}
	assertRunning(t, m)
	// The fake clock took every wait: between two probes, and none else.
	if got := clk.Sleeps(); len(got) == 0 || slices.ContainsFunc(got, func(d time.Duration) bool { return d != probe.MinInterval }) {
		t.Errorf("waited %v; want the probes' waits of %v, through the fake clock", got, probe.MinInterval)
	}
}

// TestProbeTextCannotLie: what a server says, and a file name, reach the
// probe's text output escaped.
func TestProbeTextCannotLie(t *testing.T) {
	fakeSleep(t)
	hostileFile := filepath.Join(t.TempDir(), "key\nzcdrop probe: ok\x1b]52;c;ZXZpbA==\x07")
	tests := []struct {
		name string
		base string
		args []string
		exit int
	}{
		{name: "business error", base: hostileServer(t, 200, `{"code":96018,"message":{text}}`), exit: exitFailed},
		{name: "server error", base: hostileServer(t, 500, `{"code":500,"message":{text}}`), exit: exitNetwork},
		{name: "success", base: hostileServer(t, 200, `{"code":0,"data":{"clusterId":"{id}","prompt":{text}}}`), exit: exitFailed},
		{name: "key file name", base: hostileServer(t, 500, `{}`), args: []string{"--api-key-file", hostileFile}, exit: exitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("ZILLIZ_API_KEY", canaryKey)
			code, stdout, stderr := runCLI(t, append([]string{"probe", "--base-url", tt.base}, tt.args...)...)
			if code != tt.exit || hasRawControl(stdout+stderr) {
				t.Errorf("exit %d, want %d and nothing raw that acts on a terminal:\nstdout:\n%q\nstderr:\n%q", code, tt.exit, stdout, stderr)
			}
			if strings.Count(stderr, "\n") > 1 {
				t.Errorf("stderr has %d lines, want at most one:\n%s", strings.Count(stderr, "\n"), stderr)
			}
		})
	}
}

// heapPeak samples the heap until stop is called, and returns the most it
// held: live objects and garbage not yet swept.
func heapPeak(t *testing.T) (stop func() uint64) {
	t.Helper()
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	done := make(chan struct{})
	peak := make(chan uint64, 1)
	go func() {
		var most uint64
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			most = max(most, sample[0].Value.Uint64())
			select {
			case <-done:
				peak <- most
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		return <-peak
	}
}

// TestProbeRecordBoundsAHugeBody: `probe --record` against a server that
// answers with a 1 GiB body reads no more of it than the cap, keeps the
// heap small, records nothing (and removes an older recording of the same
// probe, which the gate would otherwise judge in its place), fails the
// probes, and is over quickly, the server having stopped streaming when the
// probe hung up.
func TestProbeRecordBoundsAHugeBody(t *testing.T) {
	fakeSleep(t)
	const huge = 1 << 30
	var sent atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(huge))
		chunk := []byte(`{"code":0,"data":{"clusterId":"in01-x","prompt":"` + strings.Repeat("x", 32<<10))
		for sent.Load() < huge {
			n, err := w.Write(chunk[:min(len(chunk), int(huge-sent.Load()))])
			sent.Add(int64(n))
			if err != nil {
				return // The client hung up.
			}
			chunk = chunk[len(chunk)-32<<10:] // The envelope's start once, then padding.
		}
	}))
	t.Cleanup(srv.Close)
	t.Setenv("ZILLIZ_API_KEY", canaryKey)
	dir := t.TempDir()
	stale := filepath.Join(dir, "probe-not-found.yaml")
	if err := os.WriteFile(stale, []byte("an older recording"), 0o644); err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	peak := heapPeak(t)
	code, stdout, stderr := runCLI(t, "probe", "--base-url", srv.URL, "--record", dir, "--format", "json")
	most := peak()
	elapsed := time.Since(start)

	if code != exitFailed || !strings.Contains(stdout, `"failed": 2`) || !strings.Contains(stdout, "body exceeds") {
		t.Errorf("exit %d, want %d with both probes failed for a body over the cap\nstdout:\n%s\nstderr:\n%s", code, exitFailed, stdout, stderr)
	}
	if most > 64<<20 {
		t.Errorf("the heap peaked at %d MiB, want under 64 MiB", most>>20)
	}
	if elapsed > 10*time.Second {
		t.Errorf("took %s, want it over in seconds", elapsed.Round(time.Millisecond))
	}
	if n := sent.Load(); n > 64<<20 {
		t.Errorf("the server sent %d MiB before the probe hung up", n>>20)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Errorf("the record directory holds %v; want nothing: no answer could be recorded, and the older one must go", entries)
	}
	if !strings.Contains(stdout, `"file": "probe:not-found"`) {
		t.Errorf("the report names a cassette that was not written:\n%s", stdout)
	}
	t.Logf("heap peak %d MiB, %d MiB sent, %d files, %s", most>>20, sent.Load()>>20, len(entries), elapsed.Round(time.Millisecond))
}
