package conformance

import (
	"bytes"
	"strings"
	"testing"

	"github.com/zcdrop/zcdrop/internal/termsafe"
)

// githubCommand is a workflow command as GitHub's runner reads it.
type githubCommand struct {
	name  string
	props map[string]string
	data  string
}

// readGitHub reads out as GitHub's runner does: a line whose text, leading
// spaces trimmed, starts with "::" and has a second "::" is a command,
// "::name key=value,...::data", its properties and data unescaped; any
// other line is log text. It fails the test on a line of log text that
// the runner's older parser would read as a command, which it finds by
// "##[" anywhere in a line.
func readGitHub(t *testing.T, out string) (cmds []githubCommand, plain []string) {
	t.Helper()
	props := strings.NewReplacer("%0D", "\r", "%0A", "\n", "%3A", ":", "%2C", ",", "%25", "%")
	data := strings.NewReplacer("%0D", "\r", "%0A", "\n", "%25", "%")
	for line := range strings.Lines(out) {
		line = strings.TrimSuffix(line, "\n")
		if strings.Contains(line, "##[") {
			t.Errorf("a line the runner reads as a legacy command: %q", line)
		}
		trimmed := strings.TrimLeft(line, " \t")
		info, rest, ok := strings.Cut(strings.TrimPrefix(trimmed, "::"), "::")
		if !strings.HasPrefix(trimmed, "::") || !ok {
			plain = append(plain, line)
			continue
		}
		name, list, _ := strings.Cut(info, " ")
		c := githubCommand{name: name, props: map[string]string{}, data: data.Replace(rest)}
		for p := range strings.SplitSeq(list, ",") {
			if k, v, ok := strings.Cut(p, "="); ok {
				c.props[k] = props.Replace(v)
			}
		}
		cmds = append(cmds, c)
	}
	return cmds, plain
}

func TestWriteReportGitHub(t *testing.T) {
	same := Violation{Kind: KindResponse, Pointer: "header/Content-Type", Message: `"text/html" is not declared`}
	results := []Result{
		{File: "a.yaml", Line: 8, ID: 0, Violations: []Violation{{Kind: same.Kind, Pointer: same.Pointer, Message: same.Message, Line: 29}}},
		{File: "b.yaml", Line: 9, ID: 0, Violations: []Violation{same}},
		{File: "c.yaml", Line: 3, ID: 2, OK: true, Notices: []Violation{{Kind: KindRequest, Pointer: PointerPath, Message: "not in the spec"}}},
		{ID: 5, Violations: []Violation{{Kind: KindSemantic, Message: "live"}}},
	}
	v := &Verdict{Summary: Summarize(results), Failed: true,
		Warnings: []Warning{{Code: "no-success", Message: "no success was checked"}},
		Coverage: &Coverage{Items: []CoverageItem{{Kind: "status", Operation: "dropCluster", Name: "200", Count: 1}, {Kind: "status", Operation: "dropCluster", Name: "5XX"}}, Exercised: 1, Percent: 50}}
	var buf bytes.Buffer
	if err := writeResults(&buf, FormatGitHub, v, results); err != nil {
		t.Fatal(err)
	}
	cmds, plain := readGitHub(t, buf.String())
	want := []githubCommand{
		{"error", map[string]string{"file": "a.yaml", "line": "29", "title": "zcdrop: response header/Content-Type"}, `"text/html" is not declared (2 interactions; also at b.yaml:9)`},
		{"error", map[string]string{"title": "zcdrop: semantic"}, "live"},
		{"warning", map[string]string{"title": "zcdrop conformance: no-success"}, "no success was checked"},
		{"notice", map[string]string{"file": "c.yaml", "line": "3", "title": "zcdrop: request path"}, "not in the spec"},
		{"group", map[string]string{}, "coverage: 1 of 2 spec items exercised (50.0%)"},
		{"endgroup", map[string]string{}, ""},
	}
	if len(cmds) != len(want) {
		t.Fatalf("%d commands, want %d:\n%s", len(cmds), len(want), buf.String())
	}
	for i, c := range cmds {
		w := want[i]
		if c.name != w.name || c.data != w.data || len(c.props) != len(w.props) {
			t.Errorf("command %d: %+v, want %+v", i, c, w)
			continue
		}
		for k, v := range w.props {
			if c.props[k] != v {
				t.Errorf("command %d: %s=%q, want %q", i, k, c.props[k], v)
			}
		}
	}
	if got := plain[len(plain)-1]; got != "4 interactions: 1 passed, 3 failed" {
		t.Errorf("last line %q, want the summary", got)
	}
	if len(plain) != 4 || !strings.Contains(plain[0], "KIND") || !strings.Contains(plain[2], "5XX") || !strings.HasSuffix(plain[2], "never") {
		t.Errorf("log text %q, want the coverage table's head and two rows, and the summary", plain)
	}
}

// TestWriteReportGitHubSaysWhatItCannotShow: past ten distinct findings,
// which GitHub shows as annotations, the log says that it lists them all.
func TestWriteReportGitHubSaysWhatItCannotShow(t *testing.T) {
	for _, n := range []int{githubAnnotationsShown, githubAnnotationsShown + 1} {
		var results []Result
		for i := range n {
			results = append(results, Result{File: "a.yaml", Line: i + 1, Violations: []Violation{{Kind: KindResponse, Message: strings.Repeat("x", i+1)}}})
		}
		var buf bytes.Buffer
		if err := WriteReport(&buf, FormatGitHub, results); err != nil {
			t.Fatal(err)
		}
		says := strings.Contains(buf.String(), "GitHub shows the first 10 as annotations, and this log lists them all")
		if says != (n > githubAnnotationsShown) {
			t.Errorf("%d findings: the log says GitHub hides some: %v", n, says)
		}
	}
}

// TestWriteReportGitHubEscapes: a file name, a pointer, a message, a
// warning or a coverage item can neither end its command nor start one:
// each command holds what the text report would show, and nothing but the
// report's own lines is a command.
func TestWriteReportGitHubEscapes(t *testing.T) {
	forge := "x\n::error file=forged.yaml,line=1::forged\r\n##[error]forged %0A::warning::forged, a:b"
	r := hostileResult()
	r.Violations[0].Message += forge
	r.File += forge
	v := &Verdict{Summary: Summarize([]Result{r}), Failed: true,
		Warnings: []Warning{{Code: "only-401" + forge, Message: "w" + forge}},
		Coverage: &Coverage{Items: []CoverageItem{{Kind: "::error::forged", Operation: "##[warning]op", Name: "  ::notice::n"}}}}
	var buf bytes.Buffer
	if err := writeResults(&buf, FormatGitHub, v, []Result{r}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, c := range out {
		if c < 0x20 && c != '\n' || c == 0x7f || c == 0x202e {
			t.Errorf("raw %U in the report:\n%q", c, out)
		}
	}
	cmds, plain := readGitHub(t, out)
	var names []string
	for _, c := range cmds {
		names = append(names, c.name)
	}
	if got := strings.Join(names, " "); got != "error warning group endgroup" {
		t.Fatalf("commands %q, want error warning group endgroup:\n%s", got, out)
	}
	defuse := strings.NewReplacer("##[", `##\[`).Replace
	if got, want := cmds[0].props["file"], defuse(termsafe.String(r.File)); got != want {
		t.Errorf("file %q, want %q", got, want)
	}
	if got, want := cmds[0].data, defuse(termsafe.String(r.Violations[0].Message)); got != want {
		t.Errorf("message %q, want %q", got, want)
	}
	if got, want := cmds[1].data, defuse(termsafe.String(v.Warnings[0].Message)); got != want {
		t.Errorf("warning %q, want %q", got, want)
	}
	if len(plain) != 3 || !strings.HasPrefix(plain[1], `  \::error::forged`) || strings.Contains(plain[1], "##[") {
		t.Errorf("log text %q, want the coverage row, defused, and the summary", plain)
	}
}
