package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zcdrop/zcdrop/mock"
)

func TestConformanceExitCodes(t *testing.T) {
	// Each negative cassette holds one interaction, and each fails.
	entries, err := os.ReadDir(negativeCorpus)
	if err != nil {
		t.Fatal(err)
	}
	negatives := len(entries)
	notCassette := filepath.Join(t.TempDir(), "notes.yaml")
	if err := os.WriteFile(notCassette, []byte("just: some yaml\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "missing")
	// A name that would forge a line and color the terminal, were it printed
	// raw.
	hostileName := filepath.Join(t.TempDir(), "notes\n\x1b[31mPASS.yaml")
	if err := os.WriteFile(hostileName, []byte("just: some yaml\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		args       []string
		want       int
		wantStdout string // a substring; "" means stdout must be empty
		wantStderr string // a substring; "" means stderr must be empty
	}{
		{"shipped corpus conforms", []string{shippedCorpus}, exitOK,
			"20 interactions: 20 passed, 0 failed\n", ""},
		{"negative corpus fails", []string{negativeCorpus}, exitFailed,
			fmt.Sprintf("%d interactions: 0 passed, %[1]d failed\n", negatives), ""},
		{"one failure fails the run", []string{shippedCorpus, negativeCorpus + "/echo-differs.yaml"}, exitFailed,
			"21 interactions: 20 passed, 1 failed\n", ""},
		{"missing path", []string{shippedCorpus, missing}, exitUsage,
			"", missing + ": no such file or directory"},
		{"yaml that is not a cassette", []string{notCassette}, exitUsage,
			"", notCassette + `: unsupported cassette format: no "version" key`},
		{"a second document", []string{shippedCorpus, unreadableCorpus + "/second-document.yaml"}, exitUsage,
			"", "second-document.yaml: holds more than one YAML document"},
		{"a version that is no integer", []string{unreadableCorpus + "/version-float.yaml"}, exitUsage,
			"", `version-float.yaml: unsupported cassette format: "version" is not an integer (a !!float)`},
		{"a file name that escapes", []string{hostileName}, exitUsage,
			"", `notes\n\x1b[31mPASS.yaml: unsupported cassette format`},
		{"file that is not yaml", []string{"conformance.go"}, exitUsage,
			"", "conformance.go: not a go-vcr cassette"},
		{"bad format", []string{"--format", "xml", shippedCorpus}, exitUsage,
			"", `unknown report format "xml" (want text, json, junit, github, sarif or html)`},
		{"no paths", nil, exitUsage,
			"", "zcdrop conformance: needs at least one cassette file or directory"},
		{"flag after a path", []string{shippedCorpus, "--format", "json"}, exitUsage,
			"", `zcdrop conformance: flags must come before PATH; "--format" came after it`},
		{"unknown flag", []string{"--lenient", shippedCorpus}, exitUsage,
			"", "flag provided but not defined: -lenient"},
		{"help", []string{"-h"}, exitOK,
			"", "Usage: zcdrop conformance [--format text|json|junit|github|sarif|html] [--coverage] [--min-coverage N] [--strict] [--ignore-undeclared] [--base-path PATH] PATH..."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, append([]string{"conformance"}, tt.args...)...)
			if code != tt.want {
				t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.want, stdout, stderr)
			}
			checkOutput(t, "stdout", stdout, tt.wantStdout)
			checkOutput(t, "stderr", stderr, tt.wantStderr)
		})
	}
}

func TestConformanceTextFormat(t *testing.T) {
	code, stdout, _ := runCLI(t, "conformance", negativeCorpus+"/wrong-method-post.yaml", shippedCorpus+"/drop-free.yaml")
	if code != exitFailed {
		t.Fatalf("exit code %d, want %d", code, exitFailed)
	}
	// As a compiler: the finding at its file and line; the pass counted.
	want := negativeCorpus + "/wrong-method-post.yaml:21: request method: method POST is not allowed on /v2/clusters/in01-6183d6bac30f801/drop; the response was not checked\n" +
		"2 interactions: 1 passed, 1 failed\n"
	if stdout != want {
		t.Errorf("got:\n%s\nwant:\n%s", stdout, want)
	}
}

func TestConformanceJSONFormat(t *testing.T) {
	code, stdout, stderr := runCLI(t, "conformance", "--format", "json", shippedCorpus, negativeCorpus+"/missing-authorization.yaml")
	if code != exitFailed {
		t.Fatalf("exit code %d, want %d; stderr: %s", code, exitFailed, stderr)
	}
	var report struct {
		Failed   bool
		Reasons  []struct{ Code, Message string }
		Findings []struct {
			Kind, Pointer, Message string
			Count                  int
			Locations              []struct {
				File     string
				Line, ID int
			}
		}
		Interactions []struct {
			File       string
			ID         *int
			Line       int
			Method     string
			URL        string
			StatusCode int `json:"status"`
			OK         bool
			Violations []struct{ Kind, Pointer, Message string }
		}
		Summary struct{ Total, Passed, Failed int }
	}
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&report); err != nil {
		t.Fatalf("not the JSON report: %v\n%s", err, stdout)
	}
	if dec.More() {
		t.Errorf("more than one JSON document:\n%s", stdout)
	}
	if s := report.Summary; s.Total != 21 || s.Passed != 20 || s.Failed != 1 || len(report.Interactions) != 21 {
		t.Fatalf("summary %+v with %d interactions, want 21 total, 20 passed, 1 failed", s, len(report.Interactions))
	}
	last := report.Interactions[20]
	if last.OK || last.File != negativeCorpus+"/missing-authorization.yaml" || last.ID == nil || last.Line < 2 || last.Method != "DELETE" ||
		last.StatusCode != 200 || !strings.HasSuffix(last.URL, "/drop") || len(last.Violations) != 1 ||
		last.Violations[0].Kind != "semantic" || last.Violations[0].Pointer != "header/Authorization" {
		t.Errorf("last interaction %+v, want the failed missing-authorization one", last)
	}
	if !report.Failed || len(report.Reasons) != 1 || report.Reasons[0].Code != "violations" || len(report.Findings) != 1 || report.Findings[0].Count != 1 ||
		report.Findings[0].Pointer != "header/Authorization" || len(report.Findings[0].Locations) != 1 ||
		report.Findings[0].Locations[0].File != last.File || report.Findings[0].Locations[0].Line < last.Line {
		t.Errorf("findings %+v, want the missing Authorization at its line", report.Findings)
	}
	// The passing interactions say "violations": [], not null.
	if !strings.Contains(stdout, `"violations": []`) || strings.Contains(stdout, "null") {
		t.Errorf("passing interactions must list no violations as []:\n%s", stdout)
	}
}

func TestConformanceJUnitFormat(t *testing.T) {
	code, stdout, stderr := runCLI(t, "conformance", "--format=junit", shippedCorpus, negativeCorpus+"/truncated-json.yaml")
	if code != exitFailed {
		t.Fatalf("exit code %d, want %d; stderr: %s", code, exitFailed, stderr)
	}
	var doc struct {
		XMLName  xml.Name `xml:"testsuites"`
		Tests    int      `xml:"tests,attr"`
		Failures int      `xml:"failures,attr"`
		Suites   []struct {
			Cases []struct {
				ClassName string `xml:"classname,attr"`
				Name      string `xml:"name,attr"`
				Failure   *struct {
					Message string `xml:"message,attr"`
					Type    string `xml:"type,attr"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("not XML: %v\n%s", err, stdout)
	}
	if doc.Tests != 21 || doc.Failures != 1 || len(doc.Suites) != 1 || len(doc.Suites[0].Cases) != 21 {
		t.Fatalf("got tests=%d failures=%d suites=%d, want 21, 1 and one suite of 21 cases", doc.Tests, doc.Failures, len(doc.Suites))
	}
	failed := doc.Suites[0].Cases[20]
	if failed.ClassName != negativeCorpus+"/truncated-json.yaml" || failed.Failure == nil ||
		failed.Failure.Type != "conformance" || !strings.Contains(failed.Failure.Message, "body is not valid JSON") {
		t.Errorf("last testcase %+v, want the truncated-json failure", failed)
	}
	if !strings.HasPrefix(failed.Name, "#0 DELETE https://") {
		t.Errorf("testcase name %q, want #ID METHOD URL", failed.Name)
	}
}

// unreadableCorpus holds cassettes that go-vcr reads and the gate refuses.
const unreadableCorpus = "../../conformance/testdata/unreadable"

// slowCorpus writes files cassettes of n interactions each, which take the
// gate a few seconds to check, and returns their directory.
func slowCorpus(t *testing.T, files, n int) string {
	t.Helper()
	base, err := os.ReadFile(filepath.Join(shippedCorpus, "drop-dedicated.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	_, interaction, ok := strings.Cut(string(base), "interactions:\n")
	if !ok {
		t.Fatal("the dedicated cassette has no interactions")
	}
	var b strings.Builder
	b.WriteString("version: 2\ninteractions:\n")
	for range n {
		b.WriteString(interaction)
	}
	dir := t.TempDir()
	for i := range files {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("c%02d.yaml", i)), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestConformanceStopsWhenInterrupted: Ctrl-C (the signal context of main)
// stops the gate mid-corpus, with no report and exit code 2, a few checks
// after the interrupt rather than after the 40,000 interactions.
func TestConformanceStopsWhenInterrupted(t *testing.T) {
	dir := slowCorpus(t, 16, 2500)
	// The interrupt closes ctx.Done, as signal.NotifyContext does, at a
	// fixed point of the work rather than after some time, so that no
	// clock decides whether the run stops there or goes on to the end.
	// That point is the hundredth time the checks ask ctx for a value
	// (the base path, for every interaction): values are the one thing a
	// derived context always asks its parent for, while Err and Done
	// need not be, and the gate does derive its own.
	ctx, cancel := context.WithCancel(t.Context())
	interrupt := &cancelAfter{Context: ctx, cancel: cancel}
	interrupt.left.Store(100)
	done := make(chan [3]string, 1)
	go func() {
		var out, errOut bytes.Buffer
		code := run(interrupt, []string{"conformance", dir}, strings.NewReader(""), &out, &errOut)
		done <- [3]string{fmt.Sprint(code), out.String(), errOut.String()}
	}()
	select {
	case o := <-done:
		if left := interrupt.left.Load(); left > 0 {
			t.Fatalf("no interrupt came: the checks asked ctx for a value %d times in all (exit code %s, %d bytes of report); this test needs another point to interrupt at",
				100-left, o[0], len(o[1]))
		}
		if o[0] != fmt.Sprint(exitUsage) || o[1] != "" || !strings.Contains(o[2], "zcdrop conformance: interrupted; no verdict") {
			t.Errorf("exit code %s, stdout (%d bytes) %q, stderr %q; want %d, no report, and a line saying it was interrupted",
				o[0], len(o[1]), head(o[1], 2048), head(o[2], 2048), exitUsage)
		}
		if left := interrupt.left.Load(); left < -1000 {
			t.Errorf("went on for %d more checks after the interrupt", -left)
		}
	case <-time.After(30 * time.Second): // a hang guard, not a speed target
		t.Fatal("still running 30s after the interrupt")
	}
}

// cancelAfter is a context that cancels itself, closing its Done, when it
// has been asked for a value a given number of times: an interrupt at a
// fixed point of the work.
type cancelAfter struct {
	context.Context
	cancel context.CancelFunc
	left   atomic.Int64
}

func (c *cancelAfter) Value(key any) any {
	if c.left.Add(-1) == 0 {
		c.cancel()
	}
	return c.Context.Value(key)
}

// head is s cut to at most n bytes, so that a failure quotes the start of a
// report and not all of it.
func head(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// TestConformanceBasePath: probes recorded through a proxy at /zilliz
// conform, and the gate says so when told the base path; without it, their
// path is not the spec's.
func TestConformanceBasePath(t *testing.T) {
	fakeSleep(t)
	m, err := mock.New(mock.WithAPIKey(canaryKey), mock.WithClusters(seededDedicated))
	if err != nil {
		t.Fatal(err)
	}
	proxy := httptest.NewServer(http.StripPrefix("/zilliz", m))
	t.Cleanup(proxy.Close)
	t.Setenv("ZILLIZ_API_KEY", canaryKey)
	dir := t.TempDir()
	if code, stdout, stderr := runCLI(t, "probe", "--base-url", proxy.URL+"/zilliz", "--record", dir); code != exitOK {
		t.Fatalf("probe through the proxy: exit %d\n%s%s", code, stdout, stderr)
	}
	tests := []struct {
		name string
		args []string
		exit int
		want string
	}{
		{name: "without --base-path", args: []string{"conformance", dir}, exit: exitFailed, want: "no operation in the spec matches path /zilliz/v2/"},
		{name: "with --base-path", args: []string{"conformance", "--base-path", "/zilliz", dir}, exit: exitOK, want: "2 interactions: 2 passed, 0 failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			if code != tt.exit || !strings.Contains(stdout, tt.want) {
				t.Errorf("exit %d, want %d with %q\nstdout:\n%s\nstderr:\n%s", code, tt.exit, tt.want, stdout, stderr)
			}
		})
	}
}
