package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"os"
	"path/filepath"
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

func TestWriteReportGolden(t *testing.T) {
	results := reportResults(t)
	for _, tt := range []struct {
		format Format
		golden string
	}{
		{FormatText, "report.txt"},
		{FormatJSON, "report.json"},
		{FormatJUnit, "report.junit.xml"},
	} {
		t.Run(string(tt.format), func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteReport(&buf, tt.format, results); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "golden", tt.golden)
			if *update {
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got := buf.String(); got != string(want) {
				t.Errorf("%s differs (run go test -update after checking the change):\n got:\n%s\nwant:\n%s", golden, got, want)
			}
		})
	}
}

func TestWriteReportText(t *testing.T) {
	tests := []struct {
		name    string
		results []Result
		want    string
	}{
		{"none", nil, "0 interactions: 0 passed, 0 failed\n"},
		{"one pass", []Result{{File: "a.yaml", ID: 3, Method: "DELETE", URL: "https://h/v2/clusters/in01-a/drop", StatusCode: 200, OK: true}},
			"PASS  a.yaml  #3  DELETE https://h/v2/clusters/in01-a/drop  200\n1 interaction: 1 passed, 0 failed\n"},
		{"one fail", []Result{{File: "a.yaml", Method: "DELETE", URL: "u", StatusCode: 302,
			Violations: []Violation{{Kind: KindResponse, Message: "status is not supported"}, {Kind: KindSemantic, Pointer: "/data/clusterId", Message: "differs"}}}},
			"FAIL  a.yaml  #0  DELETE u  302\n      response: status is not supported\n      semantic /data/clusterId: differs\n1 interaction: 0 passed, 1 failed\n"},
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

func TestWriteReportJSON(t *testing.T) {
	tests := []struct {
		name    string
		results []Result
		want    string
	}{
		// Results built by hand, not by CheckCassettes, may hold nil slices.
		{"no results", nil, `{"interactions":[],"summary":{"total":0,"passed":0,"failed":0}}`},
		{"nil violations", []Result{{File: "a.yaml", ID: 1, Method: "DELETE", URL: "u", StatusCode: 200, OK: true}},
			`{"interactions":[{"file":"a.yaml","id":1,"method":"DELETE","url":"u","status":200,"ok":true,"violations":[]}],"summary":{"total":1,"passed":1,"failed":0}}`},
		{"violation", []Result{{File: "a.yaml", Method: "DELETE", URL: "u", StatusCode: 200,
			Violations: []Violation{{Kind: KindResponse, Pointer: "/code", Message: `"<x>"`}}}},
			`{"interactions":[{"file":"a.yaml","id":0,"method":"DELETE","url":"u","status":200,"ok":false,"violations":[{"kind":"response","pointer":"/code","message":"\"<x>\""}]}],"summary":{"total":1,"passed":0,"failed":1}}`},
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
		if tc.ClassName != r.File {
			t.Errorf("case %d: classname %q, want %q", i, tc.ClassName, r.File)
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
		{"xml", "", false},
		{"JSON", "", false},
		{"", "", false},
	} {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseFormat(tt.in)
			if got != tt.want || (err == nil) != tt.ok {
				t.Errorf("got %q, %v; want %q and ok=%v", got, err, tt.want, tt.ok)
			}
			if err != nil && !strings.Contains(err.Error(), "want text, json or junit") {
				t.Errorf("error %q does not list the formats", err)
			}
		})
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteReportErrors(t *testing.T) {
	for _, f := range []Format{FormatText, FormatJSON, FormatJUnit, "yaml"} {
		t.Run(string(f), func(t *testing.T) {
			if err := WriteReport(failingWriter{}, f, reportResults(t)); err == nil {
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
	if len(lines) != 3 {
		t.Errorf("got %d lines, want 3 (the interaction, its violation, the summary):\n%s", len(lines), out)
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
	for _, want := range []string{`dir/a\nPASS  fake.yaml  #0\x1b[2K\r\x1b]52;c;ZXZpbA==\a\xff\u202e\x00`, `DEL\x1b[8mETE`, `message a\nPASS`} {
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
		if n := strings.Count(text.String(), "\n"); n != 3 {
			t.Fatalf("%d lines, want 3: %q", n, text.String())
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
