package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/zcdrop/zcdrop/internal/specedit"
)

// The tests of "zcdrop spec diff" compare copies of openapi.yaml, edited in
// t.TempDir(). The Go API is generated with the repository's
// api/oapi-codegen.yaml, in the module of this directory.

const (
	diffRepoSpec   = "../../openapi.yaml"
	diffRepoConfig = "../../api/oapi-codegen.yaml"
)

// dropDataProperties is where the tests add properties to the success
// data.
var dropDataProperties = specedit.Path("components", "schemas", "DropClusterData", "properties")

// Edits shared by the tests.
var (
	diffAddStatus     = specedit.Append(dropDataProperties, "        status:\n          description: Where the drop is.\n          type: string\n")
	diffRequireStatus = specedit.Replace(specedit.Path("components", "schemas", "DropClusterData"), "required: [clusterId, prompt]", "required: [clusterId, prompt, status]")
	diffMovePath      = specedit.Replace(specedit.Path("paths", "/v2/clusters/{clusterId}/drop"), "  /v2/clusters/{clusterId}/drop:\n", "  /v2/clusters/{clusterId}/delete:\n")
)

// writeDiffSpec writes a copy of openapi.yaml with edits applied to a new file
// named name, and returns its path. An edit that does not apply fails the
// test: it would compare the spec with itself.
func writeDiffSpec(t *testing.T, name string, edits ...specedit.Edit) string {
	t.Helper()
	data, err := os.ReadFile(diffRepoSpec)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(specedit.Apply(t, string(data), edits...)), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

var diffConfigs = []string{"--old-config", diffRepoConfig, "--new-config", diffRepoConfig}

// diffNeedsGo skips a test of the Go API where there is no go command to
// generate and type-check it.
func diffNeedsGo(t *testing.T, args []string) {
	t.Helper()
	if slices.Contains(args, "--spec-only") {
		return
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on PATH, which generates and type-checks the Go API")
	}
}

// diffLine is a line of the text report: a change, at a source in OLD
// ("old"), in NEW ("new") or nowhere ("").
type diffLine struct{ in, text string }

// diffSourceRE matches the source that starts a spec change's line,
// "path:line:col: ", and captures the path.
var diffSourceRE = regexp.MustCompile(`^(.+):[0-9]+:[0-9]+: `)

// splitSource returns the file that line's change is in, and the line
// without its source; "" when it has none.
func splitSource(line string) (file, text string) {
	m := diffSourceRE.FindStringSubmatch(line)
	if m == nil {
		return "", line
	}
	return m[1], line[len(m[0]):]
}

func TestSpecDiff(t *testing.T) {
	tests := []struct {
		name              string
		oldEdits, edits   []specedit.Edit
		flags             []string
		wantCode          int
		wantLines         []diffLine // lines that stdout must have
		wantNoLinePrefix  string     // no line may start with this, after its source
		wantSummarySuffix string
	}{
		{
			name:     "a moved path",
			edits:    []specedit.Edit{diffMovePath},
			flags:    []string{"--spec-only"},
			wantCode: exitFailed,
			// The path is gone from NEW, so the change is where OLD had it.
			wantLines: []diffLine{{"old", "ERR   api-path-removed-without-deprecation: API path removed without deprecation [DELETE /v2/clusters/{clusterId}/drop]"}},
			// The summary says the Go API was left out.
			wantSummarySuffix: "(3 in the spec, Go API not compared (--spec-only)): BREAKING",
		},
		{
			name:  "an optional property added",
			edits: []specedit.Edit{diffAddStatus},
			flags: diffConfigs,
			wantLines: []diffLine{
				{"new", "INFO  response-optional-property-added: added the optional property `oneOf[#/components/schemas/DropClusterSuccess]/data/status` to the response with the `200` status [DELETE /v2/clusters/{clusterId}/drop]"},
				{"", "INFO  goapi: DropClusterData.Status: added"},
			},
			wantSummarySuffix: ": 0 ERR, 0 WARN, 2 INFO (1 in the spec, 1 in the Go API): nothing breaking",
		},
		{
			// Harmless on the wire, breaking in Go: ERR from the Go API
			// alone.
			name:              "an optional property made required",
			oldEdits:          []specedit.Edit{diffAddStatus},
			edits:             []specedit.Edit{diffAddStatus, diffRequireStatus},
			flags:             diffConfigs,
			wantCode:          exitFailed,
			wantLines:         []diffLine{{"", "ERR   goapi: DropClusterData.Status: changed from *string to string"}},
			wantNoLinePrefix:  "ERR   response",
			wantSummarySuffix: "in the Go API): BREAKING",
		},
		{
			name:              "no change",
			flags:             diffConfigs,
			wantNoLinePrefix:  "INFO",
			wantSummarySuffix: ": 0 ERR, 0 WARN, 0 INFO (0 in the spec, 0 in the Go API): nothing breaking",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := writeDiffSpec(t, "old.yaml", tt.oldEdits...)
			new := writeDiffSpec(t, "new.yaml", tt.edits...)
			args := append(append([]string{"spec", "diff"}, tt.flags...), old, new)
			diffNeedsGo(t, args)
			code, stdout, stderr := runCLI(t, args...)
			if code != tt.wantCode || stderr != "" {
				t.Fatalf("exit %d, want %d; stderr:\n%s\nstdout:\n%s", code, tt.wantCode, stderr, stdout)
			}
			lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
			files := map[string]string{"old": old, "new": new, "": ""}
			for _, want := range tt.wantLines {
				found := slices.ContainsFunc(lines, func(l string) bool {
					file, text := splitSource(l)
					return file == files[want.in] && text == want.text
				})
				if !found {
					t.Errorf("no line %q with a source in %q, in:\n%s", want.text, files[want.in], stdout)
				}
			}
			for _, l := range lines {
				if _, text := splitSource(l); tt.wantNoLinePrefix != "" && strings.HasPrefix(text, tt.wantNoLinePrefix) {
					t.Errorf("line %q, want none starting %q", l, tt.wantNoLinePrefix)
				}
			}
			summary := lines[len(lines)-1]
			if !strings.HasPrefix(summary, old+" -> "+new+": ") || !strings.HasSuffix(summary, tt.wantSummarySuffix) {
				t.Errorf("summary %q: want %q -> %q ... %q", summary, old, new, tt.wantSummarySuffix)
			}
		})
	}
}

func TestSpecDiffFormats(t *testing.T) {
	old := writeDiffSpec(t, "old.yaml")
	new := writeDiffSpec(t, "new.yaml", diffMovePath, diffAddStatus)
	labels := []string{"--old-label", "openapi.yaml@main", "--new-label", "openapi.yaml"}

	t.Run("json", func(t *testing.T) {
		args := append(append(append([]string{"spec", "diff", "--format", "json"}, labels...), diffConfigs...), old, new)
		diffNeedsGo(t, args)
		code, stdout, stderr := runCLI(t, args...)
		if code != exitFailed || stderr != "" {
			t.Fatalf("exit %d, stderr %q; want 1 and nothing", code, stderr)
		}
		var report struct {
			Old, New string
			Spec     []struct{ Severity, ID, Text, Operation, Path, Source string }
			GoAPI    []struct{ Severity, Name, Message string } `json:"goapi"`
			Summary  struct {
				ERR, WARN, INFO int
				GoAPICompared   bool `json:"goapiCompared"`
			}
		}
		if err := json.Unmarshal([]byte(stdout), &report); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, stdout)
		}
		if report.Old != "openapi.yaml@main" || report.New != "openapi.yaml" {
			t.Errorf("old %q, new %q: want the labels", report.Old, report.New)
		}
		var removed bool
		for _, c := range report.Spec {
			if c.ID == "api-path-removed-without-deprecation" {
				removed = c.Severity == "ERR" && c.Operation == "DELETE" && c.Path == "/v2/clusters/{clusterId}/drop" && strings.HasPrefix(c.Source, "openapi.yaml@main:")
			}
		}
		if !removed {
			t.Errorf("no ERR api-path-removed-without-deprecation located in openapi.yaml@main: %+v", report.Spec)
		}
		if len(report.GoAPI) != 1 || report.GoAPI[0] != (struct{ Severity, Name, Message string }{"INFO", "DropClusterData.Status", "added"}) {
			t.Errorf("goapi %+v, want DropClusterData.Status added", report.GoAPI)
		}
		if report.Summary.ERR != 1 || !report.Summary.GoAPICompared {
			t.Errorf("summary %+v, want 1 ERR and the Go API compared", report.Summary)
		}
	})

	t.Run("markdown", func(t *testing.T) {
		args := append(append(append([]string{"spec", "diff", "--format", "markdown"}, labels...), diffConfigs...), old, new)
		diffNeedsGo(t, args)
		code, stdout, stderr := runCLI(t, args...)
		if code != exitFailed || stderr != "" {
			t.Fatalf("exit %d, stderr %q; want 1 and nothing", code, stderr)
		}
		for _, want := range []string{
			"### Spec changes: `openapi.yaml@main` → `openapi.yaml`\n\n| Severity | Check | Change | Operation | Source |\n|---|---|---|---|---|\n",
			"| ERR | `api-path-removed-without-deprecation` | API path removed without deprecation | DELETE /v2/clusters/{clusterId}/drop | openapi.yaml@main:",
			"### Go API changes: `github.com/zcdrop/zcdrop/api`\n\n| Severity | Name | Change |\n|---|---|---|\n| INFO | `DropClusterData.Status` | added |\n",
			"**Summary:** openapi.yaml@main -> openapi.yaml: 1 ERR,",
		} {
			checkOutput(t, "stdout", stdout, want)
		}
	})

	// Names and patterns are quoted as they are, as spec lint's and spec
	// drift's JSON quote them: no \u003c for <.
	t.Run("json without HTML escapes", func(t *testing.T) {
		code, stdout, stderr := runCLI(t, "spec", "diff", "--format", "json", "--spec-only", "--new-label", "a<b>&c.yaml", old, new)
		if code != exitFailed || stderr != "" {
			t.Fatalf("exit %d, stderr %q; want 1 and nothing", code, stderr)
		}
		checkOutput(t, "stdout", stdout, `"new": "a<b>&c.yaml"`)
		checkOutput(t, "stdout", stdout, `"source": "a<b>&c.yaml:`)
	})

	t.Run("markdown, spec only", func(t *testing.T) {
		code, stdout, _ := runCLI(t, "spec", "diff", "--format", "markdown", "--spec-only", old, old)
		if code != exitOK {
			t.Fatalf("exit %d, want 0", code)
		}
		checkOutput(t, "stdout", stdout, "No changes.\n\n### Go API changes: `github.com/zcdrop/zcdrop/api`\n\nNot compared (--spec-only).\n")
	})
}

// failingWriter refuses every write, as a closed pipe does.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

// A report that cannot be written is an error, exit 2, in every format:
// exit 0 would pass a CI step whose report was lost.
func TestSpecDiffWriteError(t *testing.T) {
	old := writeDiffSpec(t, "old.yaml")
	for _, format := range []string{"text", "json", "markdown"} {
		t.Run(format, func(t *testing.T) {
			var stderr strings.Builder
			code := runSpecDiff(context.Background(), []string{"--format", format, "--spec-only", old, old}, failingWriter{}, &stderr)
			if code != exitUsage || stderr.String() != "zcdrop spec diff: write report: broken pipe\n" {
				t.Errorf("exit %d, stderr %q; want 2 and the write error", code, stderr.String())
			}
		})
	}
}

// What a spec names reaches the terminal escaped.
func TestSpecDiffEscapes(t *testing.T) {
	old := writeDiffSpec(t, "old.yaml")
	new := writeDiffSpec(t, "new.yaml", specedit.Append(dropDataProperties, "        \"st\\e[2Jatus\":\n          type: string\n"))
	code, stdout, stderr := runCLI(t, "spec", "diff", "--spec-only", "--new-label", "new\x1b]0;title\x07.yaml", old, new)
	if code != exitOK {
		t.Fatalf("exit %d, want 0; stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "response-optional-property-added") || !strings.Contains(stdout, `st\x1b[2Jatus`) {
		t.Errorf("no escaped property in:\n%s", stdout)
	}
	if hasRawControl(stdout) {
		t.Errorf("raw control bytes on stdout: %q", stdout)
	}
}

func TestSpecDiffBadInput(t *testing.T) {
	good := writeDiffSpec(t, "good.yaml")
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	notOpenAPI := write("groceries.yaml", "milk: 2\n")
	notYAML := write("broken.yaml", "openapi: [3.0.3\n")
	huge := write("huge.yaml", "openapi: 3.0.3\n"+strings.Repeat("#", maxSpecFileBytes))
	missing := filepath.Join(dir, "missing.yaml")
	tests := []struct {
		name string
		args []string
		want string // on stderr
	}{
		{"no operands", nil, "want OLD and NEW, two spec files, got 0 arguments"},
		{"one operand", []string{good}, "got 1 arguments"},
		{"a flag after the operands", []string{good, good, "--spec-only"}, `flags must come before OLD and NEW; "--spec-only" came after them`},
		{"an unknown format", []string{"--format", "html", good, good}, `--format must be text, json or markdown, not "html"`},
		{"a missing file", []string{"--spec-only", missing, good}, "zcdrop spec diff: OLD: " + missing + ": no such file or directory\n"},
		{"a directory", []string{"--spec-only", good, dir}, "zcdrop spec diff: NEW: " + dir + ": is a directory, not a regular file\n"},
		{"a huge file", []string{"--spec-only", good, huge}, "is larger than 4194304 bytes (4 MiB), the most a spec file may be"},
		{"not OpenAPI", []string{"--spec-only", notOpenAPI, good}, "zcdrop spec diff: " + notOpenAPI + ": not an OpenAPI 3 document"},
		{"not YAML, with a label", []string{"--spec-only", "--new-label", "openapi.yaml", good, notYAML}, "zcdrop spec diff: openapi.yaml: failed to unmarshal data"},
		// Outside the repository root, the default config is not there.
		{"no generator config", []string{good, good}, "zcdrop spec diff: the Go API cannot be compared: api/oapi-codegen.yaml: no such file or directory; give --spec-only to compare the specs alone\n"},
		{"a missing new config", []string{"--old-config", diffRepoConfig, "--new-config", missing, good, good}, "the Go API cannot be compared: " + missing + ": no such file or directory"},
		{"a config oapi-codegen refuses", []string{"--old-config", diffRepoConfig, "--new-config", notOpenAPI, good, good}, "the Go API cannot be compared: generate Go code from " + good + " with " + notOpenAPI + ": exit status 1: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if strings.HasPrefix(tt.name, "a config oapi-codegen refuses") {
				diffNeedsGo(t, tt.args)
			}
			code, stdout, stderr := runCLI(t, append([]string{"spec", "diff"}, tt.args...)...)
			if code != exitUsage || stdout != "" {
				t.Errorf("exit %d, stdout %q; want 2 and nothing", code, stdout)
			}
			checkOutput(t, "stderr", stderr, tt.want)
			// One line, then, for a usage error, a blank line and the usage.
			if first, _, _ := strings.Cut(stderr, "\n\n"); strings.Contains(strings.TrimSuffix(first, "\n"), "\n") {
				t.Errorf("the error is not one line:\n%s", stderr)
			}
		})
	}
}
