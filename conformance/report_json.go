package conformance

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// jsonWriter writes the report for programs, one document laid out as
// json.MarshalIndent would lay it out whole (see FormatJSON). Everything
// but the interactions is known before the first of them is written, so
// it comes first: a reader that stops early still has the verdict.
type jsonWriter struct {
	reportFindings
	n   int
	buf bytes.Buffer
}

// jsonHead is the part of the JSON report before its interactions.
type jsonHead struct {
	Failed            bool            `json:"failed"`
	Reasons           []Reason        `json:"reasons,omitempty"`
	Summary           Summary         `json:"summary"`
	Warnings          []Warning       `json:"warnings,omitempty"`
	Coverage          *Coverage       `json:"coverage,omitempty"`
	Findings          []*findingGroup `json:"findings"`
	UngroupedFindings int             `json:"ungrouped_findings,omitempty"`
	Notices           []*findingGroup `json:"notices,omitempty"`
	UngroupedNotices  int             `json:"ungrouped_notices,omitempty"`
}

func (j *jsonWriter) begin(w *bufio.Writer, v *Verdict) error {
	head := jsonHead{
		Failed:            v.Failed,
		Reasons:           v.Reasons,
		Summary:           v.Summary,
		Warnings:          v.Warnings,
		Coverage:          v.Coverage,
		Findings:          j.failures.groups,
		UngroupedFindings: j.failures.ungrouped,
		Notices:           j.notices.groups,
		UngroupedNotices:  j.notices.ungrouped,
	}
	if head.Findings == nil {
		head.Findings = []*findingGroup{} // Readers index into it; null would break them.
	}
	if err := j.marshal(head, ""); err != nil {
		return err
	}
	// The head is the document's object but its last member, the
	// interactions, which follow as they come.
	w.Write(bytes.TrimSuffix(j.buf.Bytes(), []byte("\n}\n")))
	_, err := w.WriteString(",\n  \"interactions\": [")
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

func (j *jsonWriter) end(w *bufio.Writer, _ *Verdict) error {
	if j.n > 0 {
		w.WriteString("\n  ")
	}
	_, err := w.WriteString("]\n}\n")
	return err
}

// encode writes v indented below prefix, without the line break that
// json.Encoder ends with.
func (j *jsonWriter) encode(w *bufio.Writer, v any, prefix string) error {
	if err := j.marshal(v, prefix); err != nil {
		return err
	}
	_, err := w.Write(bytes.TrimSuffix(j.buf.Bytes(), []byte("\n")))
	return err
}

// marshal encodes v into j.buf, indented below prefix.
func (j *jsonWriter) marshal(v any, prefix string) error {
	j.buf.Reset()
	if err := encodeJSON(&j.buf, v, prefix); err != nil {
		return fmt.Errorf("conformance: encode json report: %w", err)
	}
	return nil
}

// encodeJSON writes v to w as the JSON and SARIF reports lay it out.
func encodeJSON(w io.Writer, v any, prefix string) error {
	enc := json.NewEncoder(w)
	enc.SetIndent(prefix, "  ")
	enc.SetEscapeHTML(false) // Messages quote HTML content types and pages.
	return enc.Encode(v)
}
