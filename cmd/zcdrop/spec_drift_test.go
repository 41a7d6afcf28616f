package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// driftFixture is a copy of openapi.yaml and cassettes copied from the
// shipped corpus, one of them edited to carry a code the spec does not
// list, all in a new directory.
type driftFixture struct {
	dir, spec, clean, drifted string
}

func newDriftFixture(t *testing.T) driftFixture {
	t.Helper()
	dir := t.TempDir()
	f := driftFixture{dir: dir, spec: filepath.Join(dir, "openapi.yaml"),
		clean: filepath.Join(dir, "clean.yaml"), drifted: filepath.Join(dir, "drifted.yaml")}
	copyEdited(t, "../../openapi.yaml", f.spec, nil)
	copyEdited(t, shippedCorpus+"/drop-dedicated.yaml", f.clean, nil)
	copyEdited(t, shippedCorpus+"/business-errors.yaml", f.drifted, strings.NewReplacer(
		`{"code":96018,"message":"Cluster not exist or you don''t have permission."}`, `{"code":96099,"message":"Quota exceeded."}`,
		"content_length: 74", "content_length: 42"))
	return f
}

// copyEdited copies the file from to the new file to, through edit.
func copyEdited(t *testing.T, from, to string, edit *strings.Replacer) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edited := edit.Replace(string(data))
		if edited == string(data) {
			t.Fatalf("the edit of %s changed nothing", from)
		}
		data = []byte(edited)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// interactionStart returns the line where the first interaction of the
// cassette at path starts.
func interactionStart(t *testing.T, path string) int {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "- id: 0") {
			return i + 1
		}
	}
	t.Fatalf("%s has no interaction 0", path)
	return 0
}

func TestSpecDriftExitCodes(t *testing.T) {
	f := newDriftFixture(t)
	notOpenAPI := filepath.Join(f.dir, "notes.yaml")
	if err := os.WriteFile(notOpenAPI, []byte("just: yaml\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(f.dir, "missing")
	// The interactions of business-errors.yaml but the first are known.
	first := fmt.Sprintf(`error-code 96099 "Quota exceeded.": 1× first at %s:%d (interaction 0)`, f.drifted, interactionStart(t, f.drifted))
	tests := []struct {
		name       string
		args       []string
		want       int
		wantStdout string // a substring; "" means stdout must be empty
		wantStderr string // a substring; "" means stderr must be empty
	}{
		{"no drift", []string{"--spec", f.spec, f.clean}, exitOK, "no drift in 1 interaction from 1 cassette\n", ""},
		{"drift", []string{"--spec", f.spec, f.clean, f.drifted}, exitFailed, first + "\n1 finding in 8 interactions from 2 cassettes\n", ""},
		{"a directory", []string{"--spec", f.spec, f.dir}, exitUsage, "", "notes.yaml: unsupported cassette format"},
		{"missing path", []string{"--spec", f.spec, missing}, exitUsage, "", missing + ": no such file or directory"},
		{"missing spec", []string{"--spec", missing, f.clean}, exitUsage, "", missing + ": no such file or directory"},
		{"spec that is not OpenAPI", []string{"--spec", notOpenAPI, f.clean}, exitUsage, "", notOpenAPI + ": not an OpenAPI document"},
		{"spec that is a directory", []string{"--spec", f.dir, f.clean}, exitUsage, "", f.dir + ": is a directory, not a regular file"},
		{"bad format", []string{"--format", "xml", f.clean}, exitUsage, "", `unknown report format "xml" (want text or json)`},
		{"no paths", []string{"--spec", f.spec}, exitUsage, "", "needs at least one cassette file or directory"},
		{"flag after a path", []string{"--spec", f.spec, f.clean, "--format", "json"}, exitUsage, "", `flags must come before PATH; "--format" came after it`},
		{"empty patch", []string{"--patch", "", f.clean}, exitUsage, "", "--patch needs a FILE to create, or - for a diff on stdout"},
		{"help", []string{"--help"}, exitOK, "", "Usage: zcdrop spec drift [--spec FILE] [--format text|json] [--base-path PATH] [--patch FILE|-] PATH..."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, append([]string{"spec", "drift"}, tt.args...)...)
			if code != tt.want {
				t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.want, stdout, stderr)
			}
			for _, out := range []struct{ name, got, want string }{{"stdout", stdout, tt.wantStdout}, {"stderr", stderr, tt.wantStderr}} {
				if (out.want == "" && out.got != "") || !strings.Contains(out.got, out.want) {
					t.Errorf("%s:\n%s\nwant it to hold %q", out.name, out.got, out.want)
				}
			}
		})
	}
}

func TestSpecDriftJSONFormat(t *testing.T) {
	f := newDriftFixture(t)
	code, stdout, stderr := runCLI(t, "spec", "drift", "--format", "json", "--spec", f.spec, f.drifted)
	if code != exitFailed || stderr != "" {
		t.Fatalf("exit %d, stderr %q; want 1 and nothing", code, stderr)
	}
	var report struct {
		Findings []struct {
			Class   string `json:"class"`
			Code    int64  `json:"code"`
			Message string `json:"message"`
			Count   int    `json:"count"`
			First   struct {
				File        string `json:"file"`
				Line        int    `json:"line"`
				Interaction int    `json:"interaction"`
				RequestID   string `json:"requestId"`
			} `json:"first"`
		} `json:"findings"`
		Cassettes    int `json:"cassettes"`
		Interactions int `json:"interactions"`
	}
	if err := json.Unmarshal([]byte(stdout), &report); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, stdout)
	}
	if len(report.Findings) != 1 || report.Cassettes != 1 || report.Interactions != 7 {
		t.Fatalf("got %+v, want one finding in 7 interactions of 1 cassette", report)
	}
	got := report.Findings[0]
	if got.Class != "error-code" || got.Code != 96099 || got.Message != "Quota exceeded." || got.Count != 1 ||
		got.First.File != f.drifted || got.First.Line != interactionStart(t, f.drifted) || got.First.Interaction != 0 ||
		got.First.RequestID != "0000000000000000000000005eed00c8" {
		t.Errorf("got %+v", got)
	}
}

// TestSpecDriftPatchFile: --patch FILE writes the proposed spec to a new
// file, and refuses a file or a link already there; the spec itself is
// never touched.
func TestSpecDriftPatchFile(t *testing.T) {
	f := newDriftFixture(t)
	before, err := os.ReadFile(f.spec)
	if err != nil {
		t.Fatal(err)
	}
	proposed := filepath.Join(f.dir, "proposed.yaml")
	code, stdout, stderr := runCLI(t, "spec", "drift", "--spec", f.spec, "--patch", proposed, f.drifted)
	if code != exitFailed || !strings.Contains(stdout, "error-code 96099") || !strings.Contains(stderr, "--patch: wrote "+proposed+": the spec with 96099 appended") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s\nwant 1, the finding, and the file written", code, stdout, stderr)
	}
	// The description's table of codes is left to a person, who is told
	// where it is and given the row.
	wantTable := fmt.Sprintf("zcdrop spec drift: --patch: %s:%d: the table of codes in the description beside x-zilliz-error-codes is not edited;", f.spec, lastCodeRow(t, f.spec))
	if !strings.Contains(stderr, wantTable) || !strings.Contains(stderr, "\n    | 96099 | Quota exceeded. |\n") {
		t.Errorf("stderr:\n%s\nwant %q and the row", stderr, wantTable)
	}
	written, err := os.ReadFile(proposed)
	if err != nil {
		t.Fatal(err)
	}
	wantLine := `            - {code: 96099, meaning: "Quota exceeded.", source: "recorded: requestid 0000000000000000000000005eed00c8 on unknown (` + f.drifted + ` interaction 0)"}` + "\n"
	if !bytes.Contains(written, []byte(wantLine)) || len(written) != len(before)+len(wantLine) {
		t.Errorf("the proposed spec lacks, or holds more than, the line\n%s", wantLine)
	}
	if after, _ := os.ReadFile(f.spec); !bytes.Equal(after, before) {
		t.Error("the spec itself was changed")
	}

	link := filepath.Join(f.dir, "link.yaml")
	target := filepath.Join(f.dir, "target.yaml")
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("cannot make a link here: %v", err)
	}
	for _, to := range []string{proposed, f.spec, link} {
		code, _, stderr := runCLI(t, "spec", "drift", "--spec", f.spec, "--patch", to, f.drifted)
		if code != exitUsage || !strings.Contains(stderr, to+": already exists") {
			t.Errorf("--patch %s: exit %d, stderr %q; want 2 and a refusal", to, code, stderr)
		}
	}
	if again, _ := os.ReadFile(proposed); !bytes.Equal(again, written) {
		t.Error("the existing proposed file was overwritten")
	}
	if _, err := os.Lstat(target); !os.IsNotExist(err) {
		t.Errorf("the planted link was followed: its target exists (%v)", err)
	}
}

// lastCodeRow returns the line of the last row of the spec's table of codes,
// "| 40003 | ... |", the last line before x-zilliz-error-codes that starts a
// table row with a digit.
func lastCodeRow(t *testing.T, path string) int {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	row := 0
	for i, line := range strings.Split(string(data), "\n") {
		if strings.Contains(line, "x-zilliz-error-codes:") {
			return row
		}
		if l := strings.TrimLeft(line, " "); strings.HasPrefix(l, "| ") && len(l) > 2 && l[2] >= '0' && l[2] <= '9' {
			row = i + 1
		}
	}
	t.Fatalf("%s has no x-zilliz-error-codes", path)
	return 0
}

// TestSpecDriftPatchDiff: --patch - prints only the diff on stdout, the
// report on stderr, and git apply accepts the diff.
func TestSpecDriftPatchDiff(t *testing.T) {
	f := newDriftFixture(t)
	code, stdout, stderr := runCLI(t, "spec", "drift", "--spec", f.spec, "--patch", "-", f.drifted)
	if code != exitFailed || !strings.HasPrefix(stdout, "--- a/openapi.yaml\n+++ b/openapi.yaml\n@@ ") ||
		!strings.Contains(stderr, "error-code 96099") || !strings.Contains(stderr, "--patch: the diff appends 96099") ||
		!strings.Contains(stderr, "\n    | 96099 | Quota exceeded. |\n") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s\nwant 1, the diff alone on stdout, the report on stderr", code, stdout, stderr)
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git on PATH to apply the diff with")
	}
	repo := t.TempDir()
	copyEdited(t, f.spec, filepath.Join(repo, "openapi.yaml"), nil)
	for _, args := range [][]string{{"init", "-q"}, {"apply", "--check", "-"}} {
		cmd := exec.Command("git", append([]string{"-C", repo}, args...)...)
		cmd.Stdin = strings.NewReader(stdout)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %s: %v: %s", strings.Join(args, " "), err, out)
		}
	}

	// Without new codes, there is nothing to propose and no diff.
	code, stdout, stderr = runCLI(t, "spec", "drift", "--spec", f.spec, "--patch", "-", f.clean)
	if code != exitOK || stdout != "" || !strings.Contains(stderr, "no new error code; nothing to propose") {
		t.Errorf("exit %d, stdout %q, stderr %q; want 0, no diff, and why", code, stdout, stderr)
	}
}

// TestSpecDriftTextCannotLie: a recorded message that would act on a
// terminal or forge a line is escaped in the report.
func TestSpecDriftTextCannotLie(t *testing.T) {
	f := newDriftFixture(t)
	hostile := filepath.Join(f.dir, "hostile.yaml")
	copyEdited(t, f.drifted, hostile, strings.NewReplacer(`"Quota exceeded."`, `"\u001b[31mOK\nno drift in 0 interactions from 0 cassettes\u202e"`))
	code, stdout, stderr := runCLI(t, "spec", "drift", "--spec", f.spec, hostile)
	if code != exitFailed || stderr != "" {
		t.Fatalf("exit %d, stderr %q; want 1 and nothing", code, stderr)
	}
	if hasRawControl(stdout) || strings.Count(stdout, "\n") != 2 || !strings.Contains(stdout, `\x1b[31mOK\nno drift`) {
		t.Errorf("the report is not two lines with the message escaped:\n%s", stdout)
	}
}
