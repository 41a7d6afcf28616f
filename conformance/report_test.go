package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/zcdrop/zcdrop/internal/termsafe"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// reportInput is a pass, a fail with one violation whose message quotes
// characters that JSON and XML must escape, and a fail with two.
var reportInput = []string{
	"testdata/cassettes/drop-dedicated.yaml",
	"testdata/negative/html-on-200.yaml",
	"testdata/negative/wrong-method-post.yaml",
}

func reportResults(t *testing.T) []Result {
	t.Helper()
	results, err := newTestValidator(t).CheckCassettes(context.Background(), reportInput...)
	if err != nil {
		t.Fatal(err)
	}
	return results
}

// goldenInput is reportInput and two more failures: one that shares its
// finding with html-on-200.yaml, so that the reports group them, and a
// recorded cookie, which the HTML report must show redacted.
var goldenInput = append(slices.Clone(reportInput),
	"testdata/negative/describe-html-on-200.yaml",
	"testdata/negative/credential-cookie.yaml")

// corpusReport is a report on a corpus as --strict --min-coverage 80
// would give it, made by hand since this package's tests do not set the warnings and
// the coverage: three interactions that pass, all answered 401, one of
// them with a notice, warned about, and failed under --strict.
func corpusReport() (*Verdict, []Result) {
	const file = "testdata/recorded/probe-invalid-key.yaml"
	results := []Result{
		{File: file, ID: 0, Line: 11, Method: "DELETE", URL: "https://api.cloud.zilliz.com/v2/clusters/in01-zcdropprobe000/drop", StatusCode: 401, OK: true, Violations: []Violation{}},
		{File: file, ID: 1, Line: 40, Method: "GET", URL: "https://api.cloud.zilliz.com/v2/clusters/in01-zcdropprobe000", StatusCode: 401, OK: true, Violations: []Violation{}},
		{File: "testdata/recorded/other-path.yaml", ID: 0, Line: 8, Method: "GET", URL: "https://api.cloud.zilliz.com/v1/clusters", StatusCode: 401, OK: true, Violations: []Violation{},
			Notices: []Violation{{Kind: KindRequest, Pointer: PointerPath, Message: "no operation in the spec matches path /v1/clusters; the exchange was not checked", Line: 14}}},
	}
	items := []CoverageItem{
		{Kind: "operation", Operation: "dropCluster", Name: "DELETE /v2/clusters/{clusterId}/drop", Count: 1},
		{Kind: "status", Operation: "dropCluster", Name: "200"},
		{Kind: "status", Operation: "dropCluster", Name: "401", Count: 1},
		{Kind: "body", Operation: "dropCluster", Name: "success"},
		{Kind: "error-code", Operation: "dropCluster", Name: "96018"},
		{Kind: "operation", Operation: "describeCluster", Name: "GET /v2/clusters/{clusterId}", Count: 1},
		{Kind: "status", Operation: "describeCluster", Name: "200"},
		{Kind: "status", Operation: "describeCluster", Name: "401", Count: 1},
	}
	v := &Verdict{
		Summary:  Summarize(results),
		Warnings: []Warning{{Code: "only-401", Message: "all 3 interactions were answered HTTP 401, so nothing was checked but the answer to an unauthorized request; was the traffic recorded with a valid API key?"}},
		Coverage: &Coverage{Items: items, Exercised: 4, Percent: 50, Minimum: 80},
		Failed:   true,
	}
	return v, results
}

// goldenName is the golden file of format f for the report called name.
func goldenName(name string, f Format) string {
	ext := map[Format]string{FormatText: "txt", FormatJSON: "json", FormatJUnit: "junit.xml",
		FormatGitHub: "github.txt", FormatSARIF: "sarif", FormatHTML: "html"}[f]
	return filepath.Join("testdata", "golden", name+"."+ext)
}

// checkGolden compares got with the golden file, which -update rewrites.
func checkGolden(t *testing.T, golden string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs (run go test -update after checking the change):\n got:\n%s\nwant:\n%s", golden, got, want)
	}
}

// TestWriteReportGolden: every format, over failing cassettes and over a
// corpus with warnings, notices and coverage, writes its golden file.
func TestWriteReportGolden(t *testing.T) {
	checked, err := newTestValidator(t).CheckCassettes(context.Background(), goldenInput...)
	if err != nil {
		t.Fatal(err)
	}
	corpusVerdict, corpusResults := corpusReport()
	for _, f := range formats {
		t.Run(string(f)+"/cassettes", func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteReport(&buf, f, checked); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, goldenName("report", f), buf.Bytes())
		})
		t.Run(string(f)+"/corpus", func(t *testing.T) {
			var buf bytes.Buffer
			if err := writeResults(&buf, f, corpusVerdict, corpusResults); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, goldenName("report-corpus", f), buf.Bytes())
		})
	}
}

// TestGateWritesEveryFormat: Gate, whose Results go through its spool,
// writes in every format what WriteReport writes of CheckCassettes's
// Results, the HTML report's exchanges included.
func TestGateWritesEveryFormat(t *testing.T) {
	v := newTestValidator(t)
	results, err := v.CheckCassettes(context.Background(), goldenInput...)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range formats {
		t.Run(string(f), func(t *testing.T) {
			var want, got bytes.Buffer
			if err := WriteReport(&want, f, results); err != nil {
				t.Fatal(err)
			}
			if _, err := v.Gate(context.Background(), &got, GateOptions{Format: f}, goldenInput...); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Errorf("Gate wrote\n%s\nWriteReport\n%s", got.String(), want.String())
			}
		})
	}
}

// TestReportShowsTheCorpus: every format shows the warnings, the notices
// and the coverage of a Verdict that has them.
func TestReportShowsTheCorpus(t *testing.T) {
	v, results := corpusReport()
	const (
		warning  = "all 3 interactions were answered HTTP 401"
		notice   = "no operation in the spec matches path /v1/clusters"
		headline = "coverage: 4 of 8 spec items exercised (50.0%"
	)
	for _, tt := range []struct {
		format Format
		want   []string
	}{
		{FormatText, []string{"warning: " + warning, "other-path.yaml:14: notice: request path: " + notice, headline + "), below the minimum of 80%\n", "96018                                 never\n"}},
		{FormatJSON, []string{`"code": "only-401"`, `"message": "` + notice, `"percent": 50`, `"exercised": 4`, `"minimum": 80`}},
		{FormatJUnit, []string{`<testcase classname="zcdrop conformance" name="corpus">`, `type="corpus"`, "warning: " + warning, "<system-out><![CDATA[testdata/recorded/other-path.yaml:14: notice: request path: " + notice, headline + "), below the minimum of 80%\n"}},
		{FormatGitHub, []string{"::warning title=zcdrop conformance%3A only-401::" + warning, "::notice file=testdata/recorded/other-path.yaml,line=14,", "::group::" + headline + "25), below the minimum of 80%25\n", "200                                   never\n", "1\n::endgroup::\n"}},
		{FormatSARIF, []string{`"toolExecutionNotifications": [`, `"text": "` + warning, `"level": "note"`, `"percent": 50`}},
		{FormatHTML, []string{`<section id="warnings">`, warning, `<section id="notices">`, notice, "<p>" + headline + "), below the minimum of 80%</p>", `<tr class="never"><td>error-code</td>`}},
	} {
		t.Run(string(tt.format), func(t *testing.T) {
			var buf bytes.Buffer
			if err := writeResults(&buf, tt.format, v, results); err != nil {
				t.Fatal(err)
			}
			for _, want := range tt.want {
				if !strings.Contains(buf.String(), want) {
					t.Errorf("the report lacks %q:\n%s", want, buf.String())
				}
			}
		})
	}
}

func TestWriteReportText(t *testing.T) {
	fail := func(file string, line int, vs ...Violation) Result {
		return Result{File: file, Line: line, Method: "DELETE", URL: "u", StatusCode: 200, Violations: vs}
	}
	differs := Violation{Kind: KindSemantic, Pointer: "/data/clusterId", Message: "differs", Line: 12}
	tests := []struct {
		name    string
		results []Result
		want    string
	}{
		{"none", nil, "0 interactions: 0 passed, 0 failed\n"},
		{"a pass is counted, not listed", []Result{{File: "a.yaml", ID: 3, Method: "DELETE", URL: "https://h/v2/clusters/in01-a/drop", StatusCode: 200, OK: true}},
			"1 interaction: 1 passed, 0 failed\n"},
		{"a finding at its line, or its interaction's", []Result{fail("a.yaml", 7, Violation{Kind: KindResponse, Message: "status is not supported"}, differs)},
			"a.yaml:7: response: status is not supported\na.yaml:12: semantic /data/clusterId: differs\n1 interaction: 0 passed, 1 failed\n"},
		{"identical findings on one line", []Result{fail("a.yaml", 7, differs), fail("b.yaml", 3, differs), fail("c.yaml", 0, differs)},
			"a.yaml:12: semantic /data/clusterId: differs (3 interactions; also at b.yaml:12, c.yaml:12)\n3 interactions: 0 passed, 3 failed\n"},
		{"a finding twice in one interaction counts once", []Result{fail("a.yaml", 7, differs, differs), fail("b.yaml", 3, differs)},
			"a.yaml:12: semantic /data/clusterId: differs (2 interactions; also at b.yaml:12)\n2 interactions: 0 passed, 2 failed\n"},
		{"live traffic has no file", []Result{{ID: 4, Method: "DELETE", URL: "u", StatusCode: 200, Violations: []Violation{{Kind: KindResponse, Message: "m"}}}},
			"#4: response: m\n1 interaction: 0 passed, 1 failed\n"},
		{"notices do not fail", []Result{{File: "a.yaml", Line: 2, OK: true, Notices: []Violation{{Kind: KindRequest, Pointer: PointerPath, Message: "not in the spec"}}}},
			"a.yaml:2: notice: request path: not in the spec\n1 interaction: 1 passed, 0 failed\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteReport(&buf, FormatText, tt.results); err != nil {
				t.Fatal(err)
			}
			if buf.String() != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", buf.String(), tt.want)
			}
		})
	}
}

// TestReportGroupsWithinBounds: a finding made by many interactions keeps
// its first few locations and counts the rest; past maxFindingGroups
// distinct findings, the rest are counted, not kept, and the report says
// so, in text and in JSON, whose interactions still hold every one.
func TestReportGroupsWithinBounds(t *testing.T) {
	var results []Result
	for i := range 12 {
		results = append(results, Result{File: fmt.Sprintf("f%02d.yaml", i), Line: 1, ID: i,
			Violations: []Violation{{Kind: KindResponse, Pointer: "/code", Message: "same"}}})
	}
	for i := range maxFindingGroups + 7 {
		results = append(results, Result{File: "many.yaml", Line: i + 1, ID: i,
			Violations: []Violation{{Kind: KindResponse, Message: fmt.Sprintf("distinct %d", i)}}})
	}
	var text bytes.Buffer
	if err := WriteReport(&text, FormatText, results); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(text.String(), "\n"), "\n")
	if want := maxFindingGroups + 2; len(lines) != want {
		t.Fatalf("%d lines, want %d: a group per distinct finding, the ungrouped ones, the summary", len(lines), want)
	}
	if want := "f00.yaml:1: response /code: same (12 interactions; also at f01.yaml:1, f02.yaml:1, f03.yaml:1, f04.yaml:1 and 7 more)"; lines[0] != want {
		t.Errorf("first line\n%s\nwant\n%s", lines[0], want)
	}
	if want := "and 8 more occurrences of findings beyond the first 1000 distinct ones (--format json lists every one)"; lines[len(lines)-2] != want {
		t.Errorf("last finding line\n%s\nwant\n%s", lines[len(lines)-2], want)
	}

	var js bytes.Buffer
	if err := WriteReport(&js, FormatJSON, results); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Findings          []findingGroup
		UngroupedFindings int `json:"ungrouped_findings"`
		Interactions      []Result
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Findings) != maxFindingGroups || doc.UngroupedFindings != 8 || len(doc.Interactions) != len(results) {
		t.Fatalf("%d findings, %d ungrouped, %d interactions; want %d, 8 and %d", len(doc.Findings), doc.UngroupedFindings, len(doc.Interactions), maxFindingGroups, len(results))
	}
	if g := doc.Findings[0]; g.Count != 12 || len(g.Locations) != maxGroupLocations || g.Locations[4].File != "f04.yaml" {
		t.Errorf("first group %+v, want 12 interactions and the first %d locations", g, maxGroupLocations)
	}
	if last := doc.Interactions[len(doc.Interactions)-1]; last.Violations[0].Message != fmt.Sprintf("distinct %d", maxFindingGroups+6) {
		t.Errorf("the last interaction is %+v, want every one listed", last)
	}
}

func TestWriteReportJSON(t *testing.T) {
	tests := []struct {
		name    string
		results []Result
		want    string
	}{
		// Results built by hand, not by CheckCassettes, may hold nil slices.
		{"no results", nil, `{"failed":false,"summary":{"total":0,"passed":0,"failed":0},"findings":[],"interactions":[]}`},
		{"nil violations", []Result{{File: "a.yaml", ID: 1, Method: "DELETE", URL: "u", StatusCode: 200, OK: true}},
			`{"failed":false,"summary":{"total":1,"passed":1,"failed":0},"findings":[],"interactions":[{"file":"a.yaml","id":1,"method":"DELETE","url":"u","status":200,"ok":true,"violations":[]}]}`},
		{"violation", []Result{{File: "a.yaml", Line: 3, Method: "DELETE", URL: "u", StatusCode: 200,
			Violations: []Violation{{Kind: KindResponse, Pointer: "/code", Message: `"<x>"`}}}},
			`{"failed":true,"reasons":[{"code":"violations","message":"1 of 1 interaction breaks the spec"}],"summary":{"total":1,"passed":0,"failed":1},` +
				`"findings":[{"kind":"response","pointer":"/code","message":"\"<x>\"","count":1,"locations":[{"file":"a.yaml","line":3,"id":0}]}],` +
				`"interactions":[{"file":"a.yaml","id":0,"line":3,"method":"DELETE","url":"u","status":200,"ok":false,"violations":[{"kind":"response","pointer":"/code","message":"\"<x>\""}]}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteReport(&buf, FormatJSON, tt.results); err != nil {
				t.Fatal(err)
			}
			var compact bytes.Buffer
			if err := json.Compact(&compact, buf.Bytes()); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, buf.String())
			}
			if compact.String() != tt.want {
				t.Errorf("got  %s\nwant %s", compact.String(), tt.want)
			}
		})
	}
}

// The JUnit shape as a CI system reads it, declared apart from the writer's
// types so that a mistake in those does not hide itself.
type junitDoc struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Cases    []struct {
			ClassName string `xml:"classname,attr"`
			Name      string `xml:"name,attr"`
			File      string `xml:"file,attr"`
			Line      int    `xml:"line,attr"`
			SystemOut string `xml:"system-out"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func TestWriteReportJUnitIsWellFormed(t *testing.T) {
	results := reportResults(t)
	var buf bytes.Buffer
	if err := WriteReport(&buf, FormatJUnit, results); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), `<?xml version="1.0" encoding="UTF-8"?>`) {
		t.Errorf("no XML declaration:\n%s", buf.String())
	}
	var doc junitDoc
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("not well-formed: %v\n%s", err, buf.String())
	}
	if doc.Tests != 3 || doc.Failures != 2 || len(doc.Suites) != 1 {
		t.Fatalf("got testsuites tests=%d failures=%d with %d suites, want 3, 2 and 1", doc.Tests, doc.Failures, len(doc.Suites))
	}
	suite := doc.Suites[0]
	if suite.Name == "" || suite.Tests != 3 || suite.Failures != 2 || len(suite.Cases) != 3 {
		t.Fatalf("got testsuite %q tests=%d failures=%d with %d cases, want a name, 3, 2 and 3", suite.Name, suite.Tests, suite.Failures, len(suite.Cases))
	}
	for i, tc := range suite.Cases {
		r := results[i]
		if tc.ClassName != r.File || tc.File != r.File || tc.Line != r.Line || r.Line == 0 {
			t.Errorf("case %d: classname %q, file %q, line %d; want %q, %[5]q and %d", i, tc.ClassName, tc.File, tc.Line, r.File, r.Line)
		}
		if want := "#0 " + r.Method + " " + r.URL; tc.Name != want {
			t.Errorf("case %d: name %q, want %q", i, tc.Name, want)
		}
		if r.OK != (tc.Failure == nil) {
			t.Errorf("case %d: OK is %v but failure is %v", i, r.OK, tc.Failure)
			continue
		}
		if tc.Failure == nil {
			continue
		}
		if tc.Failure.Type != "conformance" {
			t.Errorf("case %d: failure type %q, want conformance", i, tc.Failure.Type)
		}
		for _, v := range r.Violations {
			if !strings.Contains(tc.Failure.Message, v.String()) || !strings.Contains(tc.Failure.Text, v.String()) {
				t.Errorf("case %d: failure %+v does not list %q", i, tc.Failure, v)
			}
		}
	}
}

func TestParseFormat(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Format
		ok   bool
	}{
		{"text", FormatText, true},
		{"json", FormatJSON, true},
		{"junit", FormatJUnit, true},
		{"github", FormatGitHub, true},
		{"sarif", FormatSARIF, true},
		{"html", FormatHTML, true},
		{"xml", "", false},
		{"JSON", "", false},
		{"", "", false},
	} {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseFormat(tt.in)
			if got != tt.want || (err == nil) != tt.ok {
				t.Errorf("got %q, %v; want %q and ok=%v", got, err, tt.want, tt.ok)
			}
			if err != nil && !strings.Contains(err.Error(), "want text, json, junit, github, sarif or html") {
				t.Errorf("error %q does not list the formats", err)
			}
		})
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteReportErrors(t *testing.T) {
	results := reportResults(t)
	for _, f := range append(slices.Clone(formats), "yaml") {
		t.Run(string(f), func(t *testing.T) {
			if err := WriteReport(failingWriter{}, f, results); err == nil {
				t.Error("want an error")
			}
		})
	}
}

// hostileResult is a failed interaction whose every string was chosen by a
// hostile file system, cassette author or server: a file name with a
// newline and a fake verdict, escapes that clear the screen and set the
// clipboard, invalid UTF-8, a bidirectional override, bytes XML forbids,
// and "]]>", which ends a CDATA section.
func hostileResult() Result {
	evil := "a\nPASS  fake.yaml  #0\x1b[2K\r\x1b]52;c;ZXZpbA==\x07\xff\u202e\x00\ufffe]]>"
	return Result{File: "dir/" + evil + ".yaml", ID: 1, Method: "DEL\x1b[8mETE", URL: "https://h/" + evil, StatusCode: 200,
		Violations: []Violation{{Kind: KindResponse, Pointer: "/data/" + evil, Message: "message " + evil}}}
}

// TestWriteReportTextEscapes: every file- and server-supplied string of the
// text report passes through termsafe, so a report cannot forge a line or
// act on the terminal that shows it.
func TestWriteReportTextEscapes(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteReport(&buf, FormatText, []Result{hostileResult()}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 2 {
		t.Errorf("got %d lines, want 2 (the finding, the summary):\n%s", len(lines), out)
	}
	for _, l := range lines {
		if strings.HasPrefix(l, "PASS") {
			t.Errorf("a forged line: %q", l)
		}
		for _, r := range l {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == 0x202e || r == utf8.RuneError {
				t.Errorf("raw %U in %q", r, l)
			}
		}
	}
	for _, want := range []string{`dir/a\nPASS  fake.yaml  #0\x1b[2K\r\x1b]52;c;ZXZpbA==\a\xff\u202e\x00`, `/data/a\nPASS`, `message a\nPASS`} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %s:\n%s", want, out)
		}
	}
}

// TestWriteReportJSONCarriesRawValues: JSON carries what was recorded, as
// its encoding escapes it.
func TestWriteReportJSONCarriesRawValues(t *testing.T) {
	want := hostileResult()
	var buf bytes.Buffer
	if err := WriteReport(&buf, FormatJSON, []Result{want}); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(buf.String(), "\x1b\x00\x07\r") {
		t.Errorf("raw control bytes in JSON:\n%q", buf.String())
	}
	var got struct{ Interactions []Result }
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	// encoding/json writes invalid UTF-8 as U+FFFD; everything else comes back.
	fix := func(s string) string { return strings.ToValidUTF8(s, "\ufffd") }
	if g := got.Interactions[0]; g.File != fix(want.File) || g.Method != want.Method || g.URL != fix(want.URL) ||
		g.Violations[0].Message != fix(want.Violations[0].Message) {
		t.Errorf("got %+v, want %+v", g, want)
	}
}

// TestWriteReportJUnitStaysWellFormed: whatever bytes a name or a message
// holds, the JUnit report parses, and says what the text report says.
func TestWriteReportJUnitStaysWellFormed(t *testing.T) {
	var every strings.Builder
	for b := range 256 {
		every.WriteByte(byte(b))
	}
	every.WriteString("\ufffe\uffff\U0010ffff]]>")
	all := every.String()
	for name, r := range map[string]Result{
		"hostile":    hostileResult(),
		"every byte": {File: all, Method: all, URL: all, Violations: []Violation{{Kind: KindSemantic, Pointer: all, Message: all}}},
	} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteReport(&buf, FormatJUnit, []Result{r}); err != nil {
				t.Fatal(err)
			}
			var doc junitDoc
			if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
				t.Fatalf("not well-formed: %v\n%q", err, buf.String())
			}
			// As the text report escapes them, and the two characters that
			// XML forbids and termsafe leaves as they are.
			escape := func(s string) string {
				return strings.NewReplacer("\ufffe", `\ufffe`, "\uffff", `\uffff`).Replace(termsafe.String(s))
			}
			tc := doc.Suites[0].Cases[0]
			if tc.ClassName != escape(r.File) || tc.Failure == nil || !strings.Contains(tc.Failure.Text, escape(r.Violations[0].Message)) {
				t.Errorf("got %+v, want the names and messages escaped as the text report escapes them", tc)
			}
		})
	}
}

// FuzzWriteReport: whatever the strings, the text report holds no byte that
// acts on a terminal but its line ends, and the JUnit report parses.
func FuzzWriteReport(f *testing.F) {
	h := hostileResult()
	f.Add(h.File, h.Method, h.URL, h.Violations[0].Message)
	f.Add("a.yaml", "DELETE", "https://h/x", "ok")
	f.Fuzz(func(t *testing.T, file, method, url, message string) {
		rs := []Result{{File: file, Method: method, URL: url, Violations: []Violation{{Kind: KindResponse, Pointer: message, Message: message}}}}
		var text, junit bytes.Buffer
		if err := WriteReport(&text, FormatText, rs); err != nil {
			t.Fatal(err)
		}
		for _, r := range strings.ReplaceAll(text.String(), "\n", "") {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == utf8.RuneError {
				t.Fatalf("raw %U in %q", r, text.String())
			}
		}
		if n := strings.Count(text.String(), "\n"); n != 2 {
			t.Fatalf("%d lines, want 2: %q", n, text.String())
		}
		if err := WriteReport(&junit, FormatJUnit, rs); err != nil {
			t.Fatal(err)
		}
		var doc junitDoc
		if err := xml.Unmarshal(junit.Bytes(), &doc); err != nil {
			t.Fatalf("not well-formed: %v\n%q", err, junit.String())
		}
	})
}

func TestCoverageHeadline(t *testing.T) {
	items := make([]CoverageItem, 2000)
	share := 0.29 // A variable: the product below is a float's, not a constant's.
	for _, tt := range []struct {
		exercised        int
		percent, minimum float64
		want             string
	}{
		{1000, 50, 0, "coverage: 1000 of 2000 spec items exercised (50.0%)"},
		{1999, 99.95, 0, "coverage: 1999 of 2000 spec items exercised (99.9%)"},
		{2000, 100, 100, "coverage: 2000 of 2000 spec items exercised (100.0%), at least the minimum of 100%"},
		{1, 0.05, 0, "coverage: 1 of 2000 spec items exercised (<0.1%)"},
		{580, share * 100, 0, "coverage: 580 of 2000 spec items exercised (29.0%)"}, // 28.999999999999996
		{0, 0, 0, "coverage: 0 of 2000 spec items exercised (0.0%)"},
		{1250, 62.5, 62.5, "coverage: 1250 of 2000 spec items exercised (62.5%), at least the minimum of 62.5%"},
		{1249, 62.45, 62.5, "coverage: 1249 of 2000 spec items exercised (62.4%), below the minimum of 62.5%"},
	} {
		t.Run(tt.want, func(t *testing.T) {
			c := &Coverage{Items: items, Exercised: tt.exercised, Percent: tt.percent, Minimum: tt.minimum}
			if got := coverageHeadline(c); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}
