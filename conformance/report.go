package conformance

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/zcdrop/zcdrop/internal/termsafe"
)

// Format is the shape of a report written by WriteReport.
type Format string

// The report formats.
const (
	// FormatText is for people: one line per interaction, its violations
	// indented beneath it, then a summary line.
	FormatText Format = "text"
	// FormatJSON is for programs: one document,
	// {"interactions":[Result...],"summary":Summary}.
	FormatJSON Format = "json"
	// FormatJUnit is JUnit XML for CI systems: one testcase per interaction,
	// with a failure for each interaction that breaks the spec.
	FormatJUnit Format = "junit"
)

// ParseFormat returns the Format named s, or an error naming the formats
// there are.
func ParseFormat(s string) (Format, error) {
	switch f := Format(s); f {
	case FormatText, FormatJSON, FormatJUnit:
		return f, nil
	}
	return "", unknownFormatError(s)
}

func unknownFormatError(name string) error {
	return fmt.Errorf("conformance: unknown report format %q (want text, json or junit)", name)
}

// Summary counts the verdicts in a report.
type Summary struct {
	// Total is the number of interactions checked.
	Total int `json:"total"`
	// Passed counts the interactions without violations.
	Passed int `json:"passed"`
	// Failed counts the interactions with at least one violation.
	Failed int `json:"failed"`
}

// Summarize counts results that pass and fail.
func Summarize(results []Result) Summary {
	s := Summary{Total: len(results)}
	for _, r := range results {
		if r.OK {
			s.Passed++
		} else {
			s.Failed++
		}
	}
	return s
}

// WriteReport writes results to w in format f. It returns an error for an
// unknown format, or when w fails.
func WriteReport(w io.Writer, f Format, results []Result) error {
	switch f {
	case FormatText:
		return writeText(w, results)
	case FormatJSON:
		return writeJSON(w, results)
	case FormatJUnit:
		return writeJUnit(w, results)
	}
	return unknownFormatError(string(f))
}

func verdict(r Result) string {
	if r.OK {
		return "PASS"
	}
	return "FAIL"
}

// writeText writes the report for people. File names, methods, URLs and
// violations come from files and servers, and pass through termsafe.String,
// so that none can forge a line of the report or act on a terminal.
func writeText(w io.Writer, results []Result) error {
	var b strings.Builder
	for _, r := range results {
		fmt.Fprintf(&b, "%s  %s  #%d  %s %s  %d\n", verdict(r), termsafe.String(r.File), r.ID,
			termsafe.String(r.Method), termsafe.String(r.URL), r.StatusCode)
		for _, v := range r.Violations {
			fmt.Fprintf(&b, "      %s\n", termsafe.String(v.String()))
		}
	}
	s := Summarize(results)
	noun := "interactions"
	if s.Total == 1 {
		noun = "interaction"
	}
	fmt.Fprintf(&b, "%d %s: %d passed, %d failed\n", s.Total, noun, s.Passed, s.Failed)
	_, err := io.WriteString(w, b.String())
	return err
}

type jsonReport struct {
	Interactions []Result `json:"interactions"`
	Summary      Summary  `json:"summary"`
}

func writeJSON(w io.Writer, results []Result) error {
	// Readers of the report index into these lists; null would break them.
	rs := make([]Result, len(results))
	for i, r := range results {
		if r.Violations == nil {
			r.Violations = []Violation{}
		}
		rs[i] = r
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // Messages quote HTML content types and pages.
	return enc.Encode(jsonReport{Interactions: rs, Summary: Summarize(results)})
}

// The JUnit schema as CI systems (Jenkins, GitLab, GitHub Actions reporters)
// read it: testsuites, testsuite and testcase with a failure child.
type junitTestSuites struct {
	XMLName  xml.Name         `xml:"testsuites"`
	Name     string           `xml:"name,attr"`
	Tests    int              `xml:"tests,attr"`
	Failures int              `xml:"failures,attr"`
	Suites   []junitTestSuite `xml:"testsuite"`
}

type junitTestSuite struct {
	Name     string          `xml:"name,attr"`
	Tests    int             `xml:"tests,attr"`
	Failures int             `xml:"failures,attr"`
	Errors   int             `xml:"errors,attr"`
	Cases    []junitTestCase `xml:"testcase"`
}

type junitTestCase struct {
	ClassName string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Failure   *junitFailure `xml:"failure"`
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

// writeJUnit writes the report for CI systems, which show its names and
// messages to people: they are escaped as in the text report, which also
// keeps the XML well-formed whatever bytes they held.
func writeJUnit(w io.Writer, results []Result) error {
	s := Summarize(results)
	suite := junitTestSuite{Name: junitSuiteName, Tests: s.Total, Failures: s.Failed}
	for _, r := range results {
		tc := junitTestCase{ClassName: xmlText(r.File), Name: xmlText(fmt.Sprintf("#%d %s %s", r.ID, r.Method, r.URL))}
		if !r.OK {
			lines := make([]string, len(r.Violations))
			for i, v := range r.Violations {
				lines[i] = xmlText(v.String())
			}
			tc.Failure = &junitFailure{
				Message: strings.Join(lines, "; "),
				Type:    "conformance",
				Text:    fmt.Sprintf("HTTP %d\n%s\n", r.StatusCode, strings.Join(lines, "\n")),
			}
		}
		suite.Cases = append(suite.Cases, tc)
	}
	doc := junitTestSuites{Name: junitSuiteName, Tests: s.Total, Failures: s.Failed, Suites: []junitTestSuite{suite}}
	out, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return fmt.Errorf("conformance: encode junit report: %w", err)
	}
	_, err = fmt.Fprintf(w, "%s%s\n", xml.Header, out)
	return err
}
