package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/zcdrop/zcdrop/internal/specedit"
	"github.com/zcdrop/zcdrop/internal/speclint"
)

// repoSpec is the repository's spec, which these tests only read: each
// edit is made on a copy.
const repoSpec = "../../openapi.yaml"

// specCopy writes the repository's spec, with each edit made, to a new
// file named name in a temporary directory, and returns its path. An edit
// that finds nothing fails the test.
func specCopy(t *testing.T, name string, edits ...specedit.Edit) string {
	t.Helper()
	data, err := os.ReadFile(repoSpec)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(specedit.Apply(t, string(data), edits...)), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// statusRequired is the scenario: status added to the success
// data, and made required, which the shipped success examples lack.
var statusRequired = specedit.Replace(specedit.Path("components", "schemas", "DropClusterData"),
	"      required: [clusterId, prompt]\n      properties:\n",
	"      required: [clusterId, prompt, status]\n      properties:\n        status:\n          type: string\n",
)

// lookbehind gives the clusterId pattern a lookbehind, which Go's RE2
// lacks.
var lookbehind = specedit.Replace(specedit.Path("components", "parameters", "ClusterId", "schema"),
	"pattern: '^in([0-9]{2})?-[a-z0-9]+$'", "pattern: '^in([0-9]{2})?-(?<=-)[a-z0-9]+$'")

// problemLine is the shape of every line of the text output.
var problemLine = regexp.MustCompile(`^(.+):(\d+):(\d+): error (zc\d{3}): (.+)$`)

func TestSpecLintTheRealSpecIsClean(t *testing.T) {
	for _, args := range [][]string{
		{"spec", "lint", repoSpec},
		{"spec", "lint", "--format", "json", repoSpec},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, stdout, stderr := runCLI(t, args...)
			if code != exitOK {
				t.Fatalf("exit %d, want 0:\n%s%s", code, stdout, stderr)
			}
			if want := map[bool]string{false: "", true: "[]\n"}[args[2] == "--format"]; stdout != want {
				t.Errorf("stdout %q, want %q", stdout, want)
			}
			checkOutput(t, "stderr", stderr, "spec lint: ../../openapi.yaml breaks none of the 13 rules\n")
		})
	}
}

func TestSpecLintDefaultsToOpenAPIYAML(t *testing.T) {
	dir := filepath.Dir(specCopy(t, "openapi.yaml"))
	t.Chdir(dir)
	code, stdout, stderr := runCLI(t, "spec", "lint")
	if code != exitOK || stdout != "" || stderr != "spec lint: openapi.yaml breaks none of the 13 rules\n" {
		t.Errorf("exit %d, stdout %q, stderr %q; want 0, nothing, and openapi.yaml named", code, stdout, stderr)
	}
}

func TestSpecLintPrintsOneLinePerProblem(t *testing.T) {
	// The scenario: make test printed 44,185 lines of schema for
	// it. Here it is one line for each success example that lacks status.
	path := specCopy(t, "openapi.yaml", statusRequired)
	code, stdout, stderr := runCLI(t, "spec", "lint", path)
	if code != exitFailed {
		t.Fatalf("exit %d, want 1:\n%s%s", code, stdout, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("want 3 lines, got %d:\n%s", len(lines), stdout)
	}
	for i, name := range []string{"DroppedDedicated", "DroppedServerless", "DroppedFree"} {
		m := problemLine.FindStringSubmatch(lines[i])
		if m == nil || m[1] != path || m[4] != "zc005" {
			t.Errorf("line %d is not %s:LINE:COL: error zc005: ...: %q", i+1, path, lines[i])
			continue
		}
		want := `example "` + name + `" (used by dropCluster 200 application/json ` + strings.ToLower(name[:1]) + name[1:] + `) does not match its schema: /data: property "status" is missing`
		if !strings.HasPrefix(m[5], want) || strings.Contains(m[5], "Schema:") || len(m[5]) > 300 {
			t.Errorf("line %d says %q, want one short line starting %q", i+1, m[5], want)
		}
	}
	checkOutput(t, "stderr", stderr, "spec lint: 3 errors, 0 warnings in "+path+"\n")
}

func TestSpecLintJSON(t *testing.T) {
	path := specCopy(t, "openapi.yaml", statusRequired)
	code, stdout, stderr := runCLI(t, "spec", "lint", "--format", "json", path)
	if code != exitFailed {
		t.Fatalf("exit %d, want 1:\n%s%s", code, stdout, stderr)
	}
	var problems []map[string]any
	if err := json.Unmarshal([]byte(stdout), &problems); err != nil {
		t.Fatalf("stdout is not a JSON array: %v\n%s", err, stdout)
	}
	if len(problems) != 3 {
		t.Fatalf("want 3 problems, got %d:\n%s", len(problems), stdout)
	}
	for _, p := range problems {
		for _, key := range []string{"file", "line", "column", "severity", "rule", "message", "pointer"} {
			if _, ok := p[key]; !ok {
				t.Errorf("problem without %q: %v", key, p)
			}
		}
		if p["file"] != path || p["rule"] != "zc005" || p["severity"] != "error" || p["line"].(float64) < 1 {
			t.Errorf("got %v", p)
		}
	}
	if got := problems[0]["pointer"]; got != "/components/examples/DroppedDedicated/value/data" {
		t.Errorf("the first problem's pointer is %v", got)
	}
	// A pattern is quoted as written, not HTML-escaped.
	path = specCopy(t, "openapi.yaml", lookbehind)
	code, stdout, _ = runCLI(t, "spec", "lint", "--format", "json", path)
	if code != exitFailed || !strings.Contains(stdout, `(?<=-)`) {
		t.Errorf("exit %d; want 1 and the pattern as written:\n%s", code, stdout)
	}
}

func TestSpecLintWiresTheClient(t *testing.T) {
	// zc010 and zc012 need what the client knows: its hosts, and its
	// sentinels. 40003 has one now, or the real spec would not be clean.
	tests := []struct {
		name string
		edit specedit.Edit
		want string
		// wantExit is without --strict; with it, every problem fails.
		wantExit   int
		wantStderr string
	}{
		{
			// A warning: the spec is right, and the client is behind.
			name:       "a code without a sentinel",
			edit:       specedit.Append(specedit.Path("components", "schemas", "ErrorEnvelope", "properties", "code", "x-zilliz-error-codes"), "            - {code: 96099, meaning: a code the client does not know, source: a recording}\n"),
			want:       `warning zc012: code 96099 ("a code the client does not know") has no sentinel in package zcdrop (errors.go, codeSentinels)`,
			wantExit:   exitOK,
			wantStderr: "spec lint: 0 errors, 1 warning in ",
		},
		{
			name:       "a host missing",
			edit:       specedit.Replace(specedit.Path("servers"), "  - url: https://api.cloud.zilliz.com.cn\n", "  - url: https://api.example.com\n"),
			want:       ": error zc010: servers does not list https://api.cloud.zilliz.com.cn, a documented host",
			wantExit:   exitFailed,
			wantStderr: "spec lint: 1 error, 0 warnings in ",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := specCopy(t, "openapi.yaml", tt.edit)
			code, stdout, stderr := runCLI(t, "spec", "lint", path)
			if code != tt.wantExit || strings.Count(stdout, "\n") != 1 || !strings.Contains(stdout, tt.want) || !strings.Contains(stderr, tt.wantStderr) {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d, one line with %q, and %q", code, stdout, stderr, tt.wantExit, tt.want, tt.wantStderr)
			}
			if code, _, _ := runCLI(t, "spec", "lint", "--strict", path); code != exitFailed {
				t.Errorf("--strict: exit %d, want 1", code)
			}
		})
	}
}

func TestSpecLintEscapesWhatTheFileSays(t *testing.T) {
	// The file's name and the spec's own text reach a terminal only
	// escaped; JSON carries them raw.
	path := specCopy(t, "spec\x1b[2J.yaml", specedit.Replace(specedit.Operation("dropCluster"),
		"      operationId: dropCluster\n      summary: Drop a cluster\n", "      operationId: \"drop\\e]0;owned\\aCluster\"\n"))
	code, stdout, stderr := runCLI(t, "spec", "lint", path)
	if code != exitFailed || strings.Count(stdout, "\n") != 1 {
		t.Fatalf("exit %d, want 1 and one problem:\n%s%s", code, stdout, stderr)
	}
	if hasRawControl(stdout) || hasRawControl(stderr) {
		t.Errorf("raw control characters in the output:\n%q\n%q", stdout, stderr)
	}
	if want := `spec\x1b[2J.yaml:`; !strings.Contains(stdout, want) {
		t.Errorf("stdout %q, want the file name escaped, %q", stdout, want)
	}
	if want := `: error zc002: operation drop\x1b]0;owned\aCluster has no summary`; !strings.Contains(stdout, want) {
		t.Errorf("stdout %q, want the escaped %q", stdout, want)
	}
	code, stdout, _ = runCLI(t, "spec", "lint", "--format", "json", path)
	if code != exitFailed || !strings.Contains(stdout, `"message": "operation drop\u001b]0;owned\u0007Cluster has no summary"`) {
		t.Errorf("JSON does not carry the raw text, encoded: %s", stdout)
	}
}

func TestSpecLintRefusesBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	notYAML := write("not.yaml", "openapi: [3.0.3\n")
	notOpenAPI := write("config.yaml", "name: zcdrop\n")
	huge := write("huge.yaml", "")
	if err := os.Truncate(huge, maxSpecFileBytes+1); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.yaml")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"missing file", []string{missing}, "zcdrop spec lint: " + missing + ": no such file or directory"},
		{"a directory", []string{dir}, "zcdrop spec lint: " + dir + ": is a directory, not a regular file"},
		{"too large", []string{huge}, huge + ": is larger than 4194304 bytes (4 MiB), the most a spec file may be"},
		{"not YAML", []string{notYAML}, "zcdrop spec lint: " + notYAML + ": not YAML or JSON: "},
		{"not OpenAPI", []string{notOpenAPI}, "zcdrop spec lint: " + notOpenAPI + ": not an OpenAPI document: it has no openapi field"},
		{"bad format", []string{"--format", "xml", repoSpec}, `zcdrop spec lint: --format must be text or json, not "xml"`},
		{"two files", []string{repoSpec, repoSpec}, "zcdrop spec lint: want exactly one FILE, got 2 arguments"},
		{"a flag after FILE", []string{repoSpec, "--format", "json"}, `zcdrop spec lint: flags must come before FILE; "--format" came after it`},
		{"an unknown flag", []string{"--pedantic", repoSpec}, "flag provided but not defined: -pedantic"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, append([]string{"spec", "lint"}, tt.args...)...)
			if code != exitUsage || stdout != "" || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2 and %q", code, stdout, stderr, tt.want)
			}
		})
	}
}

func TestSpecLintHelp(t *testing.T) {
	shape := regexp.MustCompile(`(?s)^Usage: zcdrop spec lint \[--format text\|json\] \[--strict\] \[FILE\]\n\n\S[^\n]+\n.*\n\nExit codes:\n(  \d  [^\n]+\n)+\nFlags:\n  -format`)
	for _, flag := range []string{"--help", "-h"} {
		t.Run(flag, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "spec", "lint", flag)
			if code != exitOK || stdout != "" {
				t.Errorf("exit %d, stdout %q; want 0 and the help on stderr", code, stdout)
			}
			if !shape.MatchString(stderr) {
				t.Errorf("help does not have the shape usage, description, exit codes, flags:\n%s", stderr)
			}
			for _, r := range speclint.Rules() {
				if !strings.Contains(stderr, "\n  "+r.ID+"  "+r.Summary) {
					t.Errorf("help has no line for %s", r.ID)
				}
			}
		})
	}
}
