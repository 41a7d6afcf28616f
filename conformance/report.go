package conformance

import (
	"bufio"
	"fmt"
	"io"
	"slices"
)

// Format is the shape of a report written by WriteReport and Gate.
type Format string

// The report formats. Every one shows the findings, the notices, the
// warnings on the corpus and its coverage (when the Verdict has them) and
// the summary; each writes what comes from files and servers so that it
// can neither forge a piece of the report nor act on what shows it.
const (
	// FormatText is for people, as a compiler's errors are: a line for
	// each distinct finding, "file:line: kind pointer: message", identical
	// findings of several interactions on one line with their count and
	// first few other locations; then "warning: ..." lines, the notices
	// ("file:line: notice: ..."), the coverage table, and the summary,
	// "N interactions: P passed, F failed". Passing interactions are
	// counted, not listed.
	FormatText Format = "text"
	// FormatJSON is for programs: one document,
	//
	//	{"failed": bool, "summary": Summary,
	//	 "warnings": [Warning...], "coverage": Coverage,
	//	 "findings": [{"kind", "pointer", "message", "count",
	//	               "locations": [{"file", "line", "id"}...]}...],
	//	 "ungrouped_findings": N,
	//	 "notices": [...as findings], "ungrouped_notices": N,
	//	 "interactions": [Result...]}
	//
	// "warnings", "coverage", "notices" and the ungrouped counts are
	// there when not empty. "findings" groups identical findings
	// (kind, pointer and message) in the order first found, each with
	// the number of interactions and the first five locations; after
	// 1,000 distinct findings the rest are counted in
	// "ungrouped_findings". "interactions" lists every Result, every
	// occurrence of a finding with it; it comes last, as it is streamed.
	FormatJSON Format = "json"
	// FormatJUnit is JUnit XML for CI systems (GitLab, Jenkins): one
	// testcase per interaction, with file and line attributes, a failure
	// for each that breaks the spec, and its notices as system-out; and a
	// testcase "corpus" for the warnings and the coverage, failing when
	// the gate failed with no interaction failing.
	FormatJUnit Format = "junit"
	// FormatGitHub is GitHub Actions workflow commands: an ::error
	// annotation at the file and line of each distinct finding (GitHub
	// shows ten of a type per step, so identical findings are one), an
	// ::warning for each warning on the corpus, an ::notice for each
	// distinct notice, the coverage in a folded group, and the summary
	// line. Paths are shown as given: run the gate from the repository's
	// root with relative paths for the annotations to land on the files.
	FormatGitHub Format = "github"
	// FormatSARIF is SARIF 2.1.0 for code-scanning dashboards: one run of
	// the tool zcdrop, a rule per Kind, a result per finding (level
	// error) and per notice (note) at its file (the path as given) and
	// line; the warnings are the invocation's notifications, and the
	// summary and coverage the run's properties.
	FormatSARIF Format = "sarif"
	// FormatHTML is one self-contained HTML page to publish as a CI
	// artifact: the summary, the warnings, the coverage, the findings
	// grouped by kind at their file:line, the notices, and each failing
	// interaction with its request and response as recorded, redacted.
	FormatHTML Format = "html"
)

// formats lists the formats in the order ParseFormat's error names them.
var formats = []Format{FormatText, FormatJSON, FormatJUnit, FormatGitHub, FormatSARIF, FormatHTML}

// ParseFormat returns the Format named s, or an error naming the formats
// there are.
func ParseFormat(s string) (Format, error) {
	if f := Format(s); slices.Contains(formats, f) {
		return f, nil
	}
	return "", unknownFormatError(s)
}

func unknownFormatError(name string) error {
	return fmt.Errorf("conformance: unknown report format %q (want text, json, junit, github, sarif or html)", name)
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
	v := &Verdict{Summary: Summarize(results)}
	v.decide(false)
	return writeResults(w, f, v, results)
}

// writeResults writes results, whose verdict is v, to w in format f.
func writeResults(w io.Writer, f Format, v *Verdict, results []Result) error {
	rw, err := newReportWriter(f)
	if err != nil {
		return err
	}
	for _, r := range results {
		rw.observe(r)
	}
	i := 0
	return writeReport(w, rw, v, func() (Result, bool, error) {
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
	case FormatGitHub:
		return &githubWriter{}, nil
	case FormatSARIF:
		return &sarifWriter{}, nil
	case FormatHTML:
		return &htmlWriter{}, nil
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
