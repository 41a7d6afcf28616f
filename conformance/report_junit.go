package conformance

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"strings"

	"github.com/zcdrop/zcdrop/internal/termsafe"
)

// The JUnit schema as CI systems (Jenkins, GitLab, GitHub Actions reporters)
// read it: testsuites, testsuite and testcase with a failure child. The
// first two are written by junitWriter as each testcase is.
type junitTestCase struct {
	XMLName   xml.Name `xml:"testcase"`
	ClassName string   `xml:"classname,attr"`
	Name      string   `xml:"name,attr"`
	// File and Line place the testcase, as pytest and many CI readers
	// (GitLab, the JUnit report actions of GitHub) read them.
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Failure   *junitFailure `xml:"failure"`
	SystemOut *junitOutput  `xml:"system-out"`
}

type junitOutput struct {
	Text string `xml:",cdata"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"` // Keeps the line breaks readable in CI logs.
}

const junitSuiteName = "zcdrop conformance"

// xmlText escapes s as the text report does, and also the two characters
// that XML forbids and termsafe leaves, U+FFFE and U+FFFF. encoding/xml
// would turn what XML forbids into U+FFFD in an attribute, losing it, and
// writes it raw into CDATA, where it breaks the document.
func xmlText(s string) string {
	return xmlForbidden.Replace(termsafe.String(s))
}

var xmlForbidden = strings.NewReplacer("\ufffe", `\ufffe`, "\uffff", `\uffff`)

// junitWriter writes the report for CI systems, which show its names and
// messages to people: they are escaped as in the text report, which also
// keeps the XML well-formed whatever bytes they held. It is laid out as
// xml.MarshalIndent would lay out the whole document.
//
// Each interaction is a testcase, placed by file and line, failing with
// its violations; its notices are its system-out. What concerns the
// corpus as a whole (its warnings, its coverage) is one more testcase,
// "corpus", which fails when the gate failed with no interaction failing
// (--strict, --min-coverage), so that CI shows why it failed.
type junitWriter struct {
	n      int
	corpus *junitTestCase
}

func (*junitWriter) observe(Result) {}

func (j *junitWriter) begin(w *bufio.Writer, v *Verdict) error {
	s := v.Summary
	tests, failures := s.Total, s.Failed
	j.corpus = junitCorpusCase(v)
	if j.corpus != nil {
		tests++
		if j.corpus.Failure != nil {
			failures++
		}
	}
	_, err := fmt.Fprintf(w, "%s<testsuites name=%q tests=\"%d\" failures=\"%d\">\n  <testsuite name=%q tests=\"%d\" failures=\"%d\" errors=\"0\">",
		xml.Header, junitSuiteName, tests, failures, junitSuiteName, tests, failures)
	return err
}

// junitCorpusCase returns the testcase of the corpus as a whole, or nil
// when there is nothing to say of it.
func junitCorpusCase(v *Verdict) *junitTestCase {
	failed := v.Failed && v.Summary.Failed == 0
	if len(v.Warnings) == 0 && v.Coverage == nil && !failed {
		return nil
	}
	var b strings.Builder
	var reasons []string
	for _, warn := range v.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", warn.Message)
		reasons = append(reasons, warn.Message)
	}
	if v.Coverage != nil {
		writeCoverageText(&b, v.Coverage, "")
		reasons = append(reasons, coverageHeadline(v.Coverage))
	}
	tc := &junitTestCase{ClassName: junitSuiteName, Name: "corpus"}
	if !failed {
		tc.SystemOut = &junitOutput{xmlTextLines(b.String())}
		return tc
	}
	tc.Failure = &junitFailure{
		Message: xmlText("the gate failed on the corpus as a whole: " + strings.Join(reasons, "; ")),
		Type:    "corpus",
		Text:    xmlTextLines(b.String()),
	}
	return tc
}

// xmlTextLines escapes each line of s as xmlText does, and keeps the
// line breaks.
func xmlTextLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = xmlText(l)
	}
	return strings.Join(lines, "\n")
}

func (j *junitWriter) result(w *bufio.Writer, r Result) error {
	j.n++
	tc := junitTestCase{
		ClassName: xmlText(r.File),
		Name:      xmlText(fmt.Sprintf("#%d %s %s", r.ID, r.Method, r.URL)),
		File:      xmlText(r.File),
		Line:      r.Line,
	}
	if !r.OK {
		lines := make([]string, len(r.Violations))
		placed := make([]string, len(r.Violations))
		for i, v := range r.Violations {
			lines[i] = xmlText(v.String())
			placed[i] = xmlText(violationLocation(r, v).String()+": ") + lines[i]
		}
		tc.Failure = &junitFailure{
			Message: strings.Join(lines, "; "),
			Type:    "conformance",
			Text:    fmt.Sprintf("HTTP %d\n%s\n", r.StatusCode, strings.Join(placed, "\n")),
		}
	}
	if len(r.Notices) > 0 {
		var b strings.Builder
		for _, v := range r.Notices {
			fmt.Fprintf(&b, "%s: notice: %s\n", xmlText(violationLocation(r, v).String()), xmlText(v.String()))
		}
		tc.SystemOut = &junitOutput{b.String()}
	}
	return j.write(w, &tc)
}

// write writes tc as the next element of the suite.
func (j *junitWriter) write(w *bufio.Writer, tc *junitTestCase) error {
	out, err := xml.MarshalIndent(tc, "    ", "  ")
	if err != nil {
		return fmt.Errorf("conformance: encode junit report: %w", err)
	}
	w.WriteByte('\n')
	_, err = w.Write(out)
	return err
}

func (j *junitWriter) end(w *bufio.Writer, _ *Verdict) error {
	if j.corpus != nil {
		if err := j.write(w, j.corpus); err != nil {
			return err
		}
		j.n++
	}
	if j.n > 0 {
		w.WriteString("\n  ")
	}
	_, err := w.WriteString("</testsuite>\n</testsuites>\n")
	return err
}

// violationLocation is where v, a finding of r, is.
func violationLocation(r Result, v Violation) findingLocation {
	line := v.Line
	if line == 0 {
		line = r.Line
	}
	return findingLocation{File: r.File, Line: line, ID: r.ID}
}
