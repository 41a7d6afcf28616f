package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zcdrop/zcdrop/probe"
)

func TestSelftestPasses(t *testing.T) {
	clk := fakeSleep(t)
	code, stdout, stderr := runCLI(t, "selftest", "--spec", "../../openapi.yaml")
	if code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "spec       PASS  ../../openapi.yaml is valid OpenAPI 3.0.3") {
		t.Errorf("no spec verdict in:\n%s", stdout)
	}
	for _, sc := range scenarios {
		if !strings.Contains(stdout, "scenario   PASS  "+sc.name) {
			t.Errorf("no PASS line for %q in:\n%s", sc.name, stdout)
		}
	}
	for _, want := range []string{
		"scenario   PASS  drop and wait      client: dropped, then DELETING -> DELETED in 2 polls; cli: exit 0, outcome dropped, waited until DELETED\n",
		"scenario   PASS  unknown outcome    client: outcome confirmed by describe: DELETING (request id ",
		"; cli: exit 0, outcome confirmed\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("no %q in:\n%s", want, stdout)
		}
	}
	if want := fmt.Sprintf("%d scenarios against the reference server on loopback, spec checked on both sides: %d passed, 0 failed", len(scenarios), len(scenarios)); len(scenarios) < 10 || !strings.Contains(stdout, want) {
		t.Errorf("no summary in:\n%s", stdout)
	}
	if !strings.Contains(stdout, "live cycle PASS  probe --record against the mock wrote 2 cassettes without the key, destroyed nothing, passed the gate, and replayed offline") {
		t.Errorf("no live-cycle verdict in:\n%s", stdout)
	}
	if got := clk.Sleeps(); !slices.Equal(got, []time.Duration{probe.MinInterval}) {
		t.Errorf("the live cycle's probes waited %v, want %v through the fake clock", got, probe.MinInterval)
	}
}

func TestSelftestCatchesAStaleSpec(t *testing.T) {
	spec, err := os.ReadFile("../../openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	edited := filepath.Join(t.TempDir(), "openapi.yaml")
	changed := strings.Replace(string(spec), "summary: Drop a cluster", "summary: Drop a cluster at once", 1)
	if err := os.WriteFile(edited, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "selftest", "--spec", edited)
	if code != exitFailed || !strings.Contains(stderr, "differs from "+edited+": run 'make generate'") {
		t.Errorf("exit %d, stderr %q; want exit 1 and a stale-spec message", code, stderr)
	}

	broken := filepath.Join(t.TempDir(), "broken.yaml")
	if err := os.WriteFile(broken, []byte(strings.Replace(string(spec), "code: 21119\n        message:", "code: '21119'\n        message:", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runCLI(t, "selftest", "--spec", broken)
	if code != exitFailed || !strings.Contains(stderr, "is not a valid OpenAPI document") {
		t.Errorf("exit %d, stderr %q; want exit 1 for an example that breaks its schema", code, stderr)
	}
	// One line that names the example and the failing field, never
	// kin-openapi's dump of the whole schema.
	if !strings.Contains(stderr, "example illegalApiKey") || !strings.Contains(stderr, "/code: value must be an integer") ||
		strings.Contains(stderr, "Schema:") || strings.Count(stderr, "\n") > 2 {
		t.Errorf("stderr %q; want one line naming example illegalApiKey and /code", stderr)
	}
}

// TestSelftestEscapesTheSpecFileName: a file name is text that the file
// system chose, and reaches the terminal escaped, in a verdict and in an
// error alike.
func TestSelftestEscapesTheSpecFileName(t *testing.T) {
	spec, err := os.ReadFile("../../openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	fakeSleep(t)
	dir := filepath.Join(t.TempDir(), "spec\nspec       PASS  fake\x1b]52;c;ZXZpbA==\x07")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		content string
		exit    int
	}{
		{name: "valid", content: string(spec), exit: exitOK},
		{name: "stale", content: strings.Replace(string(spec), "summary: Drop a cluster", "summary: Drop a cluster at once", 1), exit: exitFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(dir, tt.name+".yaml")
			if err := os.WriteFile(file, []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			code, stdout, stderr := runCLI(t, "selftest", "--spec", file)
			if code != tt.exit || hasRawControl(stdout+stderr) || strings.Count("\n"+stdout, "\nspec       PASS") > 1 {
				t.Errorf("exit %d, want %d, and the file name escaped:\nstdout:\n%q\nstderr:\n%q", code, tt.exit, stdout, stderr)
			}
			if !strings.Contains(stdout+stderr, `spec\nspec       PASS  fake\x1b]52;c;ZXZpbA==\a/`+tt.name+".yaml") {
				t.Errorf("the file name is not there, escaped:\n%s%s", stdout, stderr)
			}
		})
	}
}
