package specdrift

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"

	"github.com/zcdrop/zcdrop/internal/specedit"
	"github.com/zcdrop/zcdrop/internal/termsafe"
)

// hostile is a recorded message written to break out: of a terminal (ANSI
// escapes, a bidi override), of its line (CR, LF, NUL), and of a YAML
// string (": ", " #", quotes, a flow mapping, a backslash).
const hostile = "\x1b[31mOK\x1b[0m: #not a comment\n- {code: 1}\r\n\"quoted\" 'single' \u202eesrever\\ back\x00"

// hostileMeaning is hostile as a patch proposes it: one line of what can
// be shown, every break a space.
const hostileMeaning = `[31mOK[0m: #not a comment - {code: 1} "quoted" 'single' esrever\ back`

// driftedSpec returns a copy of openapi.yaml and the report of traffic
// that shows two new codes, one with a hostile message, and a known one.
func driftedSpec(t *testing.T) (*Spec, *Report, string) {
	t.Helper()
	path := copySpec(t)
	spec := loadSpec(t, path)
	dir := t.TempDir()
	cassette := writeCassette(t, dir, "new-codes.yaml",
		jsonExchange(200, `{"code":96100,"message":"Quota exceeded."}`),
		jsonExchange(200, `{"code":96099,"message":"`+strings.NewReplacer("\x1b", `\u001b`, "\n", `\n`, "\r", `\r`, `"`, `\"`, `\`, `\\`, "\x00", `\u0000`).Replace(hostile)+`"}`,
			"Date", "Tue, 06 May 2025 08:00:00 GMT"),
		jsonExchange(200, `{"code":96018,"message":"Cluster not exist or you don't have permission."}`))
	r, err := Check(context.Background(), spec, Options{}, cassette)
	if err != nil {
		t.Fatal(err)
	}
	return spec, r, cassette
}

// TestPatchAppendsNewCodes: the patch appends exactly the new codes, in
// the list's flow style, after its last entry, with their provenance; the
// rest of the file is byte for byte the same; the patched spec loads and
// validates, its examples included; and a hostile message ends up one
// safe line in the spec and never raw in the report.
func TestPatchAppendsNewCodes(t *testing.T) {
	spec, r, cassette := driftedSpec(t)
	if r.Findings[1].Message != hostile {
		t.Fatalf("the cassette did not carry the hostile message: %q", r.Findings[1].Message)
	}
	p, err := spec.Patch(r)
	if err != nil {
		t.Fatal(err)
	}
	want := []Addition{
		{Code: 96099, Meaning: hostileMeaning, Source: "recorded: requestid 0a1b2c3d on 2025-05-06 (" + filepath.ToSlash(cassette) + " interaction 1)"},
		{Code: 96100, Meaning: "Quota exceeded.", Source: "recorded: requestid 0a1b2c3d on unknown (" + filepath.ToSlash(cassette) + " interaction 0)"},
	}
	if !slices.Equal(p.Added, want) {
		t.Fatalf("added:\n  %+v\nwant:\n  %+v", p.Added, want)
	}

	// The new lines follow the list's last entry, and are all that changed.
	oldLines, newLines := strings.SplitAfter(string(p.Old), "\n"), strings.SplitAfter(string(p.New), "\n")
	last := slices.IndexFunc(oldLines, func(l string) bool { return strings.Contains(l, "- {code: 40003,") })
	if last < 0 || len(newLines) != len(oldLines)+2 {
		t.Fatalf("the patch has %d lines, want the spec's %d and 2", len(newLines), len(oldLines))
	}
	added := newLines[last+1 : last+3]
	if rest := slices.Concat(newLines[:last+1], newLines[last+3:]); strings.Join(rest, "") != string(p.Old) {
		t.Error("the patch changes the spec outside the inserted lines")
	}
	for i, line := range added {
		if !strings.HasPrefix(line, "            - {code: ") || strings.Count(line, "\n") != 1 || termsafe.String(strings.TrimSuffix(line, "\n")) != strings.TrimSuffix(line, "\n") {
			t.Errorf("inserted line %d is not one safe line of the list: %q", i, line)
		}
	}
	var entries []struct {
		Code    int64  `yaml:"code"`
		Meaning string `yaml:"meaning"`
		Source  string `yaml:"source"`
	}
	if err := yaml.Unmarshal([]byte("["+strings.Join(trimItems(added), ",")+"]"), &entries); err != nil {
		t.Fatalf("the inserted lines are not YAML: %v", err)
	}
	for i, e := range entries {
		if e.Code != want[i].Code || e.Meaning != want[i].Meaning || e.Source != want[i].Source {
			t.Errorf("entry %d reads back as %+v, want %+v", i, e, want[i])
		}
	}

	// The table of codes in the description is the person's: the patch
	// leaves it and names its last row, found here by reading the text.
	table := slices.IndexFunc(oldLines, func(l string) bool { return strings.Contains(l, errorCodesKey+":") })
	for table > 0 && !strings.HasPrefix(strings.TrimSpace(oldLines[table]), "| 4") {
		table--
	}
	if p.TableLine != table+1 {
		t.Errorf("TableLine %d, want %d, the table's last row: %q", p.TableLine, table+1, oldLines[table])
	}

	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(p.New)
	if err != nil {
		t.Fatalf("the patched spec does not load: %.200v", err)
	}
	if err := doc.Validate(context.Background(), openapi3.EnableExamplesValidation()); err != nil {
		t.Fatalf("the patched spec is invalid: %.200v", err)
	}

	var text bytes.Buffer
	if err := WriteText(&text, r); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(text.String(), "\n"), "\n")
	if len(lines) != len(r.Findings)+1 {
		t.Errorf("the text report has %d lines, want one per finding and a summary:\n%s", len(lines), text.String())
	}
	for _, l := range lines {
		if termsafe.String(l) != l {
			t.Errorf("the text report prints raw control characters: %q", l)
		}
	}
}

// trimItems returns the flow mappings of block list lines.
func trimItems(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = strings.TrimPrefix(strings.TrimSpace(l), "- ")
	}
	return out
}

// TestPatchDiffAppliesWithGit: the diff names a/openapi.yaml and
// b/openapi.yaml, and git apply turns a copy of the spec into exactly the
// patched file.
func TestPatchDiffAppliesWithGit(t *testing.T) {
	spec, r, _ := driftedSpec(t)
	p, err := spec.Patch(r)
	if err != nil {
		t.Fatal(err)
	}
	// Three lines of context each side of the two new lines, which follow
	// the list's last entry.
	last := slices.IndexFunc(strings.SplitAfter(string(p.Old), "\n"), func(l string) bool { return strings.Contains(l, "- {code: 40003,") }) + 1
	diff := p.Diff()
	head := fmt.Sprintf("--- a/openapi.yaml\n+++ b/openapi.yaml\n@@ -%d,6 +%[1]d,8 @@\n", last-2)
	if !bytes.HasPrefix(diff, []byte(head)) || bytes.Count(diff, []byte("\n ")) != 6 || bytes.Count(diff, []byte("\n+ ")) != 2 {
		t.Fatalf("the diff is not one hunk of 3+3 lines of context around 2 new lines, headed\n%s\ngot:\n%s", head, diff)
	}
	repo := gitRepo(t, map[string][]byte{"openapi.yaml": p.Old})
	gitApply(t, repo, diff)
	if got, err := os.ReadFile(filepath.Join(repo, "openapi.yaml")); err != nil || !bytes.Equal(got, p.New) {
		t.Errorf("git apply gave another file than the patch (%v)", err)
	}
}

// gitRepo makes a git repository holding files, or skips without git.
func gitRepo(t *testing.T, files map[string][]byte) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git on PATH to apply the diff with")
	}
	dir := t.TempDir()
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := exec.Command("git", "-C", dir, "init", "-q").CombinedOutput(); err != nil {
		t.Fatalf("git init: %v: %s", err, out)
	}
	return dir
}

// gitApply checks, then applies, diff in repo.
func gitApply(t *testing.T, repo string, diff []byte) {
	t.Helper()
	for _, args := range [][]string{{"apply", "--check", "-"}, {"apply", "-"}} {
		cmd := exec.Command("git", append([]string{"-C", repo}, args...)...)
		cmd.Stdin = bytes.NewReader(diff)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %s: %v: %s\ndiff:\n%s", strings.Join(args, " "), err, out, diff)
		}
	}
}

// TestPatchRefuses: a spec whose list a patch cannot append to safely gets
// no patch, and one without new codes a patch that adds nothing.
func TestPatchRefuses(t *testing.T) {
	good, err := os.ReadFile(repoSpec)
	if err != nil {
		t.Fatal(err)
	}
	var withoutList, flowList []string
	for _, l := range strings.SplitAfter(string(good), "\n") {
		switch {
		case strings.Contains(l, "x-zilliz-error-codes:"):
			flowList = append(flowList, strings.Replace(l, "x-zilliz-error-codes:", "x-zilliz-error-codes: [{code: 1, meaning: m, source: s}]", 1))
		case strings.Contains(l, "- {code: "):
		default:
			withoutList = append(withoutList, l)
			flowList = append(flowList, l)
		}
	}
	twoLists := specedit.Apply(t, string(good), specedit.Append(specedit.Path("components", "schemas", "ErrorEnvelope", "properties", "message"),
		"          x-zilliz-error-codes:\n            - {code: 1, meaning: m, source: s}\n"))
	tests := []struct {
		name, spec, want string
	}{
		{"no list", strings.Join(withoutList, ""), "holds 0 x-zilliz-error-codes lists"},
		{"two lists", twoLists, "holds 2 x-zilliz-error-codes lists"},
		{"a flow list", strings.Join(flowList, ""), "flow style"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "openapi.yaml")
			if err := os.WriteFile(path, []byte(tt.spec), 0o644); err != nil {
				t.Fatal(err)
			}
			spec := loadSpec(t, path)
			r := &Report{Findings: []Finding{{Class: ClassErrorCode, Code: 96099, Message: "m", Count: 1}}}
			p, err := spec.Patch(r)
			if p != nil || err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v and %v, want no patch and an error saying %q", p, err, tt.want)
			}
		})
	}
	t.Run("nothing new", func(t *testing.T) {
		spec := loadSpec(t, copySpec(t))
		p, err := spec.Patch(&Report{Findings: []Finding{{Class: ClassHeader, Header: "X-A", Count: 1}}})
		if err != nil || len(p.Added) != 0 || !bytes.Equal(p.New, p.Old) || p.Diff() != nil {
			t.Fatalf("got %+v and %v, want a patch that adds nothing", p, err)
		}
	})
}

// TestAppendCodes: the text insertion on small files, at the end of a
// file with and without a final newline, with CRLF line ends, after a
// block entry; git apply agrees with each diff. An insertion that would
// land inside a multi-line value is refused.
func TestAppendCodes(t *testing.T) {
	adds := []Addition{{Code: 7, Meaning: "m: #x", Source: "s"}}
	tests := []struct {
		name, in, want string // want "" for a refusal
	}{
		{"middle", "a:\n  x-zilliz-error-codes:\n    - {code: 1}\n  other: x\n",
			"a:\n  x-zilliz-error-codes:\n    - {code: 1}\n    - {code: 7, meaning: \"m: #x\", source: \"s\"}\n  other: x\n"},
		{"end of file", "x-zilliz-error-codes:\n  - {code: 1}\n",
			"x-zilliz-error-codes:\n  - {code: 1}\n  - {code: 7, meaning: \"m: #x\", source: \"s\"}\n"},
		{"end of file without a newline", "x-zilliz-error-codes:\n  - {code: 1}",
			"x-zilliz-error-codes:\n  - {code: 1}\n  - {code: 7, meaning: \"m: #x\", source: \"s\"}\n"},
		{"crlf", "x-zilliz-error-codes:\r\n  - {code: 1}\r\nother: x\r\n",
			"x-zilliz-error-codes:\r\n  - {code: 1}\r\n  - {code: 7, meaning: \"m: #x\", source: \"s\"}\r\nother: x\r\n"},
		{"after a block entry", "x-zilliz-error-codes:\n  - code: 1\n    meaning: m\nother: x\n",
			"x-zilliz-error-codes:\n  - code: 1\n    meaning: m\n  - {code: 7, meaning: \"m: #x\", source: \"s\"}\nother: x\n"},
		{"inside a literal block", "x-zilliz-error-codes:\n  - code: 1\n    meaning: |\n      one\n      two\nother: x\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := appendCodes([]byte(tt.in), adds)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("got %q, want a refusal", got)
				}
				return
			}
			if err != nil || string(got) != tt.want {
				t.Fatalf("got %q, %v\nwant %q", got, err, tt.want)
			}
			repo := gitRepo(t, map[string][]byte{"codes.yaml": []byte(tt.in)})
			gitApply(t, repo, unifiedDiff("codes.yaml", []byte(tt.in), got))
			if applied, err := os.ReadFile(filepath.Join(repo, "codes.yaml")); err != nil || !bytes.Equal(applied, got) {
				t.Errorf("git apply gave %q, want %q", applied, got)
			}
		})
	}
}

// TestCodeTableLine: the last row of a Markdown table of codes in a
// literal description beside the list is found at its line; anything
// else is no table.
func TestCodeTableLine(t *testing.T) {
	const list = "  x-zilliz-error-codes:\n    - {code: 1}\n"
	tests := []struct {
		name, in string
		want     int
	}{
		{"a table", "code:\n  description: |\n    Known:\n\n    | code | meaning |\n    |---|---|\n    | 1 | one |\n    | 2 / 3 | two |\n\n    More.\n" + list, 8},
		{"after blank lines", "code:\n  description: |\n\n\n    | 1 | one |\n" + list, 5},
		{"after the list", "code:\n" + list + "  description: |\n    | 1 | one |\n", 5},
		{"with keep chomping", "code:\n  description: |+\n    | 1 | one |\n\n" + list, 3},
		{"a header but no row", "code:\n  description: |\n    | code | meaning |\n    |---|---|\n" + list, 0},
		{"no table", "code:\n  description: |\n    Codes: 1, 2.\n" + list, 0},
		{"folded", "code:\n  description: >\n    | 1 | one |\n" + list, 0},
		{"plain", "code:\n  description: \"| 1 | one |\"\n" + list, 0},
		{"no description", "code:\n" + list, 0},
		{"a table elsewhere", "description: |\n  | 1 | one |\ncode:\n" + list, 0},
		{"two lists", "code:\n  description: |\n    | 1 | one |\n" + list + "other:\n" + list, 0},
		{"not YAML", "code: [\n", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := codeTableLine([]byte(tt.in)); got != tt.want {
				t.Errorf("codeTableLine = %d, want %d, in:\n%s", got, tt.want, tt.in)
			}
		})
	}
}

// TestAdditionTableRow: a row cannot break out of its cell: a pipe and a
// backslash are escaped, as GitHub's Markdown reads them.
func TestAdditionTableRow(t *testing.T) {
	tests := []struct {
		add  Addition
		want string
	}{
		{Addition{Code: 96100, Meaning: "Quota exceeded."}, "| 96100 | Quota exceeded. |"},
		{Addition{Code: 1, Meaning: `a|b\|c\`}, `| 1 | a\|b\\\|c\\ |`},
		{Addition{Code: 96099, Meaning: hostileMeaning}, `| 96099 | [31mOK[0m: #not a comment - {code: 1} "quoted" 'single' esrever\\ back |`},
	}
	for _, tt := range tests {
		if got := tt.add.TableRow(); got != tt.want {
			t.Errorf("TableRow(%q) = %q, want %q", tt.add.Meaning, got, tt.want)
		}
	}
}

// TestPatchWriteFile: the patched spec goes to a new file only; an
// existing file and a planted link are left as they were.
func TestPatchWriteFile(t *testing.T) {
	p := &Patch{New: []byte("patched\n")}
	dir := t.TempDir()
	fresh := filepath.Join(dir, "proposed.yaml")
	if err := p.WriteFile(fresh); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(fresh); string(got) != "patched\n" {
		t.Errorf("wrote %q, want the patched spec", got)
	}
	existing := filepath.Join(dir, "existing.yaml")
	if err := os.WriteFile(existing, []byte("mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, "target.yaml")
	link := filepath.Join(dir, "link.yaml")
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("cannot make a link here: %v", err)
	}
	for _, path := range []string{existing, link} {
		err := p.WriteFile(path)
		if err == nil || !strings.Contains(err.Error(), "already exists") {
			t.Errorf("WriteFile(%s) = %v, want a refusal", path, err)
		}
	}
	if got, _ := os.ReadFile(existing); string(got) != "mine\n" {
		t.Errorf("the existing file now holds %q", got)
	}
	if _, err := os.Lstat(target); !os.IsNotExist(err) {
		t.Errorf("the link was followed: its target exists (%v)", err)
	}
}

// TestPrintable: what cannot be shown is dropped, breaks become spaces,
// and a long message is cut.
func TestPrintable(t *testing.T) {
	tests := []struct{ in, want string }{
		{hostile, hostileMeaning},
		{"  a\u2028b\u0085c\td  ", "a b c d"},
		{"\ufeffBOM\ufffe\xff", "BOM"},
		{strings.Repeat("é", 300), strings.Repeat("é", 199) + "…"},
	}
	for _, tt := range tests {
		if got := printable(tt.in, maxShownMessage); got != tt.want {
			t.Errorf("printable(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
