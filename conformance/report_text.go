package conformance

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"text/tabwriter"

	"github.com/zcdrop/zcdrop/internal/termsafe"
)

// textWriter writes the report for people, as a compiler writes its
// errors: a line for each distinct finding at the file and line where it
// was made, then the warnings, the notices, the coverage and the summary.
// Interactions that pass are counted, not listed: a gate over thousands
// of them would bury its findings, and the JSON, JUnit and HTML reports
// list every interaction. File names, pointers and messages come from
// files and servers, and pass through termsafe.String, so that none can
// forge a line of the report or act on a terminal.
type textWriter struct{ reportFindings }

func (t *textWriter) begin(w *bufio.Writer, v *Verdict) error {
	writeTextFindings(w, &t.failures, "", "findings")
	for _, warn := range v.Warnings {
		fmt.Fprintf(w, "warning: %s\n", termsafe.String(warn.Message))
	}
	writeTextFindings(w, &t.notices, "notice: ", "notices")
	if v.Coverage != nil {
		writeCoverageText(w, v.Coverage, "")
	}
	return nil
}

// writeTextFindings writes a line for each group of f, each message after
// prefix, and what was left ungrouped.
func writeTextFindings(w io.Writer, f *findings, prefix, what string) {
	for _, g := range f.groups {
		fmt.Fprintf(w, "%s: %s%s", textLocation(g.Locations[0]), prefix, termsafe.String(g.violation().String()))
		if others := g.others(textLocation); others != "" {
			fmt.Fprintf(w, " %s", others)
		}
		fmt.Fprintln(w)
	}
	if line := f.ungroupedLine(what); line != "" {
		fmt.Fprintf(w, "%s (--format json lists every one)\n", line)
	}
}

func textLocation(l findingLocation) string { return termsafe.String(l.String()) }

func (*textWriter) result(*bufio.Writer, Result) error { return nil }

func (*textWriter) end(w *bufio.Writer, v *Verdict) error {
	_, err := fmt.Fprintln(w, summaryLine(v.Summary))
	// The summary line counts the interactions that failed; what else
	// failed the gate is said after it, so that the last lines of a CI
	// log say why it is red.
	for _, r := range v.Reasons {
		if r.Code != ReasonViolations {
			_, err = fmt.Fprintf(w, "failed: %s\n", termsafe.String(r.Message))
		}
	}
	return err
}

// summaryLine is the last line of the text report: "N interactions: P
// passed, F failed".
func summaryLine(s Summary) string {
	noun := "interactions"
	if s.Total == 1 {
		noun = "interaction"
	}
	return fmt.Sprintf("%d %s: %d passed, %d failed", s.Total, noun, s.Passed, s.Failed)
}

// coverageHeadline says how much of the spec a corpus exercised, and how
// that compares with the minimum asked for, if one was.
func coverageHeadline(c *Coverage) string {
	s := fmt.Sprintf("coverage: %d of %d spec items exercised (%s)", c.Exercised, len(c.Items), percent(c.Percent))
	minimum := minimumText(c)
	switch {
	case c.Minimum <= 0:
	case c.Percent < c.Minimum:
		s += ", below the minimum of " + minimum
	default:
		s += ", at least the minimum of " + minimum
	}
	return s
}

// minimumText renders the minimum coverage asked for, as it was given.
func minimumText(c *Coverage) string {
	return strconv.FormatFloat(c.Minimum, 'f', -1, 64) + "%"
}

// percent renders p with one decimal, cut rather than rounded: a corpus
// that missed one item of two thousand did not exercise 100%, nor one
// below a minimum reach it. The tiny slack keeps a float such as
// 28.999999999999996 (29 of 100) at 29.0.
func percent(p float64) string {
	if p > 0 && p < 0.1 {
		return "<0.1%"
	}
	return strconv.FormatFloat(math.Floor(p*10+1e-9)/10, 'f', 1, 64) + "%"
}

// writeCoverageText writes c as a table, each row after indent: the
// items in the spec's order, each with the interactions that exercised
// it, or "never".
func writeCoverageText(w io.Writer, c *Coverage, indent string) {
	fmt.Fprintln(w, coverageHeadline(c))
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintf(tw, "%s  %s\t%s\t%s\t%s\n", indent, "KIND", "OPERATION", "ITEM", "INTERACTIONS")
	for _, it := range c.Items {
		count := strconv.Itoa(it.Count)
		if it.Count == 0 {
			count = "never"
		}
		fmt.Fprintf(tw, "%s  %s\t%s\t%s\t%s\n", indent, termsafe.String(it.Kind), termsafe.String(it.Operation), termsafe.String(it.Name), count)
	}
	tw.Flush()
}

// wants nothing: the text report is written from what observe gathered.
func (*textWriter) wants(Result) bool { return false }
