package conformance

import (
	"bufio"
	"bytes"
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
	rw, err := newReportWriter(f)
	if err != nil {
		return err
	}
	for _, r := range results {
		rw.observe(r)
	}
	s := Summarize(results)
	i := 0
	return writeReport(w, rw, &Verdict{Summary: s, Failed: s.Failed > 0}, func() (Result, bool, error) {
		if i == len(results) {
			return Result{}, false, nil
		}
		i++
		return results[i-1], true, nil
	})
}

// newReportWriter returns the writer of format f.
func newReportWriter(f Format) (reportWriter, error) {
	switch f {
	case FormatText:
		return &textWriter{}, nil
	case FormatJSON:
		return &jsonWriter{}, nil
	case FormatJUnit:
		return &junitWriter{}, nil
	}
	return nil, unknownFormatError(string(f))
}

// writeReport writes with rw the report of the Results that next yields
// in order, whose verdict is v, to w as they come: a report of any length
// is written in the memory of one Result.
func writeReport(w io.Writer, rw reportWriter, v *Verdict, next func() (Result, bool, error)) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := rw.begin(bw, v); err != nil {
		return err
	}
	for {
		r, ok, err := next()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		if err := rw.result(bw, r); err != nil {
			return err
		}
	}
	if err := rw.end(bw, v); err != nil {
		return err
	}
	return bw.Flush()
}

// reportWriter writes one format of report in two passes over the
// Results: observe sees each as it is checked (to gather what the report
// shows before the Results, such as findings grouped across them), and
// then, the verdict known, begin writes the head, result each Result in
// order, and end the tail.
type reportWriter interface {
	observe(r Result)
	begin(w *bufio.Writer, v *Verdict) error
	result(w *bufio.Writer, r Result) error
	end(w *bufio.Writer, v *Verdict) error
}

func verdict(r Result) string {
	if r.OK {
		return "PASS"
	}
	return "FAIL"
}

// textWriter writes the report for people. File names, methods, URLs and
// violations come from files and servers, and pass through termsafe.String,
// so that none can forge a line of the report or act on a terminal.
type textWriter struct{}

func (textWriter) observe(Result) {}

func (textWriter) begin(*bufio.Writer, *Verdict) error { return nil }

func (textWriter) result(w *bufio.Writer, r Result) error {
	fmt.Fprintf(w, "%s  %s  #%d  %s %s  %d\n", verdict(r), termsafe.String(r.File), r.ID,
		termsafe.String(r.Method), termsafe.String(r.URL), r.StatusCode)
	for _, v := range r.Violations {
		fmt.Fprintf(w, "      %s\n", termsafe.String(v.String()))
	}
	return nil
}

func (textWriter) end(w *bufio.Writer, v *Verdict) error {
	s := v.Summary
	noun := "interactions"
	if s.Total == 1 {
		noun = "interaction"
	}
	_, err := fmt.Fprintf(w, "%d %s: %d passed, %d failed\n", s.Total, noun, s.Passed, s.Failed)
	return err
}

// jsonWriter writes the report for programs, one document,
// {"interactions":[Result...],"summary":Summary}, laid out as
// json.MarshalIndent would lay it out whole.
type jsonWriter struct {
	n   int
	buf bytes.Buffer
}

func (*jsonWriter) observe(Result) {}

func (*jsonWriter) begin(w *bufio.Writer, _ *Verdict) error {
	_, err := w.WriteString("{\n  \"interactions\": [")
	return err
}

func (j *jsonWriter) result(w *bufio.Writer, r Result) error {
	// Readers of the report index into these lists; null would break them.
	if r.Violations == nil {
		r.Violations = []Violation{}
	}
	if j.n > 0 {
		w.WriteByte(',')
	}
	j.n++
	w.WriteString("\n    ")
	return j.encode(w, r, "    ")
}

func (j *jsonWriter) end(w *bufio.Writer, v *Verdict) error {
	s := v.Summary
	if j.n > 0 {
		w.WriteString("\n  ")
	}
	w.WriteString("],\n  \"summary\": ")
	if err := j.encode(w, s, "  "); err != nil {
		return err
	}
	_, err := w.WriteString("\n}\n")
	return err
}

// encode writes v indented below prefix, without the line break that
// json.Encoder ends with.
func (j *jsonWriter) encode(w *bufio.Writer, v any, prefix string) error {
	j.buf.Reset()
	enc := json.NewEncoder(&j.buf)
	enc.SetIndent(prefix, "  ")
	enc.SetEscapeHTML(false) // Messages quote HTML content types and pages.
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("conformance: encode json report: %w", err)
	}
	_, err := w.Write(bytes.TrimSuffix(j.buf.Bytes(), []byte("\n")))
	return err
}

// The JUnit schema as CI systems (Jenkins, GitLab, GitHub Actions reporters)
// read it: testsuites, testsuite and testcase with a failure child. The
// first two are written by junitWriter as each testcase is.
type junitTestCase struct {
	XMLName   xml.Name      `xml:"testcase"`
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

// junitWriter writes the report for CI systems, which show its names and
// messages to people: they are escaped as in the text report, which also
// keeps the XML well-formed whatever bytes they held. It is laid out as
// xml.MarshalIndent would lay out the whole document.
type junitWriter struct{ n int }

func (*junitWriter) observe(Result) {}

func (*junitWriter) begin(w *bufio.Writer, v *Verdict) error {
	s := v.Summary
	_, err := fmt.Fprintf(w, "%s<testsuites name=%q tests=\"%d\" failures=\"%d\">\n  <testsuite name=%q tests=\"%d\" failures=\"%d\" errors=\"0\">",
		xml.Header, junitSuiteName, s.Total, s.Failed, junitSuiteName, s.Total, s.Failed)
	return err
}

func (j *junitWriter) result(w *bufio.Writer, r Result) error {
	j.n++
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
	out, err := xml.MarshalIndent(tc, "    ", "  ")
	if err != nil {
		return fmt.Errorf("conformance: encode junit report: %w", err)
	}
	w.WriteByte('\n')
	_, err = w.Write(out)
	return err
}

func (j *junitWriter) end(w *bufio.Writer, _ *Verdict) error {
	if j.n > 0 {
		w.WriteString("\n  ")
	}
	_, err := w.WriteString("</testsuite>\n</testsuites>\n")
	return err
}
