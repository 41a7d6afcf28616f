package conformance

import (
	"bufio"
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
)

// spoolMemory is how many bytes of encoded Results a spool keeps in
// memory before it moves them to a temporary file: a few thousand
// Results, so that a small corpus never touches the disk and a large one
// costs no more memory than a small one.
const spoolMemory = 256 << 10

// GateOptions says how Gate judges a corpus and reports on it.
type GateOptions struct {
	// Format is the report's format.
	Format Format
	// Coverage adds to the Verdict, and to the report, what the corpus
	// exercised of the spec.
	Coverage bool
	// MinCoverage fails the gate when the corpus exercised less than this
	// percentage of the spec's items; 0 asks nothing. It implies Coverage.
	MinCoverage float64
	// Strict turns the Verdict's warnings into failures, and reports
	// properties outside the schema as violations (Validator.Strict).
	Strict bool
	// IgnoreUndeclared makes traffic that the spec does not declare (a
	// request whose path matches no operation: a browser's or a proxy's
	// other traffic in a HAR file) a notice instead of a violation. The
	// host is not judged: the gate routes on the path alone, so that
	// traffic recorded against a mock or through a proxy is checked.
	IgnoreUndeclared bool
}

// Verdict is what Gate concluded of a corpus.
type Verdict struct {
	// Summary counts the interactions that passed and failed.
	Summary Summary `json:"summary"`
	// Warnings say why a corpus that passed proves little (an empty one,
	// one without a success, one of nothing but 401s); Strict makes them
	// failures.
	Warnings []Warning `json:"warnings,omitempty"`
	// Coverage is what the corpus exercised of the spec, nil unless asked
	// for.
	Coverage *Coverage `json:"coverage,omitempty"`
	// Failed says the gate failed: an interaction broke the spec, a
	// warning under Strict, or coverage below MinCoverage.
	Failed bool `json:"failed"`
	// Reasons say why it failed, one for each of those; none when it
	// passed.
	Reasons []Reason `json:"reasons,omitempty"`
}

// Gate checks the cassettes at paths as CheckCassettes does, and writes
// the report of their Results to w in opts.Format once every input has
// been read: the report is written whole or not at all, so that a report
// on disk or in a CI system always holds a verdict. The Results wait in
// between in a spool, in memory while they are few and in a temporary
// file (removed before Gate returns) beyond that, so that neither the
// gate nor its report holds a corpus: its memory does not grow with the
// corpus. It returns the Verdict, and, like CheckCassettes, a
// *CassetteError for an unreadable input.
//
// The Verdict always carries the corpus's warnings; under opts.Strict
// they fail it, and the Validator is v.Strict(). With opts.Coverage or
// opts.MinCoverage, it carries the coverage too, and a coverage below
// opts.MinCoverage fails it. An opts.MinCoverage that is not a percentage
// is an error, before anything is read.
func (v *Validator) Gate(ctx context.Context, w io.Writer, opts GateOptions, paths ...string) (Verdict, error) {
	if !(opts.MinCoverage >= 0 && opts.MinCoverage <= 100) { // NaN too.
		return Verdict{}, fmt.Errorf("conformance: minimum coverage %v is not a percentage from 0 to 100", opts.MinCoverage)
	}
	rw, err := newReportWriter(opts.Format)
	if err != nil {
		return Verdict{}, err
	}
	if opts.Strict {
		v = v.Strict()
	}
	var coverage *CoverageCounter
	if opts.Coverage || opts.MinCoverage > 0 {
		coverage = v.NewCoverageCounter()
	}
	var warnings warningCounter
	sp := &spool{}
	defer sp.close()
	var verdict Verdict
	s := &verdict.Summary
	err = v.CheckCassettesFunc(ctx, paths, func(r Result) error {
		if opts.IgnoreUndeclared {
			noticeUndeclared(&r)
		}
		s.Total++
		if r.OK {
			s.Passed++
		} else {
			s.Failed++
		}
		warnings.observe(r)
		if coverage != nil {
			coverage.Observe(r)
		}
		rw.observe(r)
		if sel, ok := rw.(selectiveWriter); ok && !sel.wants(r) {
			return nil // Its report writes nothing of r.
		}
		return sp.add(r)
	})
	if err != nil {
		return Verdict{}, err
	}
	verdict.Warnings = warnings.warnings()
	if coverage != nil {
		verdict.Coverage = coverage.Coverage()
		verdict.Coverage.Minimum = opts.MinCoverage
	}
	verdict.decide(opts.Strict)
	next, err := sp.replay()
	if err != nil {
		return Verdict{}, err
	}
	if err := writeReport(w, rw, &verdict, next); err != nil {
		return Verdict{}, fmt.Errorf("conformance: write report: %w", err)
	}
	return verdict, nil
}

// Reason is why a gate failed.
type Reason struct {
	// Code names the reason for programs: ReasonViolations,
	// ReasonCoverage or ReasonStrictWarning.
	Code string `json:"code"`
	// Message says it for people.
	Message string `json:"message"`
}

// The codes of Reason.
const (
	// ReasonViolations is an interaction that breaks the spec.
	ReasonViolations = "violations"
	// ReasonCoverage is coverage below GateOptions.MinCoverage.
	ReasonCoverage = "coverage"
	// ReasonStrictWarning is a Warning under GateOptions.Strict.
	ReasonStrictWarning = "strict-warning"
)

// decide sets v's Failed and Reasons from its summary, its warnings
// (failures when strict) and its coverage against its minimum.
func (v *Verdict) decide(strict bool) {
	v.Reasons = nil
	if n := v.Summary.Failed; n > 0 {
		noun := "interactions break"
		if n == 1 {
			noun = "interaction breaks"
		}
		v.Reasons = append(v.Reasons, Reason{Code: ReasonViolations,
			Message: fmt.Sprintf("%d of %d %s the spec", n, v.Summary.Total, noun)})
	}
	if strict {
		for _, w := range v.Warnings {
			v.Reasons = append(v.Reasons, Reason{Code: ReasonStrictWarning, Message: "strict mode fails on a warning: " + w.Message})
		}
	}
	if c := v.Coverage; c != nil && c.Percent < c.Minimum {
		v.Reasons = append(v.Reasons, Reason{Code: ReasonCoverage, Message: fmt.Sprintf("coverage %s is below the minimum of %s",
			percent(c.Percent), minimumText(c))})
	}
	v.Failed = len(v.Reasons) > 0
}

// selectiveWriter is a reportWriter whose result writes nothing of some
// Results: Gate keeps only those it wants for the second pass, so that a
// report that lists findings, not interactions, spools no passes.
type selectiveWriter interface {
	wants(r Result) bool
}

// noticeUndeclared makes r's finding that its path matches no operation
// a notice; r then passes unless something else is wrong with it.
func noticeUndeclared(r *Result) {
	kept := r.Violations[:0]
	for _, v := range r.Violations {
		if v.Pointer == PointerPath {
			r.Notices = append(r.Notices, v)
		} else {
			kept = append(kept, v)
		}
	}
	r.Violations = kept
	r.OK = len(kept) == 0
}

// spool keeps Results in order, gob-encoded, for a report written once
// all of them are known.
type spool struct {
	mem  bytes.Buffer
	file *os.File
	disk *bufio.Writer
	enc  *gob.Encoder
}

// add appends r.
func (sp *spool) add(r Result) error {
	if sp.enc == nil {
		sp.enc = gob.NewEncoder(sp)
	}
	if err := sp.enc.Encode(&r); err != nil {
		return fmt.Errorf("conformance: keep a result for the report: %w", err)
	}
	return nil
}

// Write is where the encoder writes: memory, until spoolMemory is
// reached, and then the temporary file, which takes what memory held.
func (sp *spool) Write(p []byte) (int, error) {
	if sp.file == nil && sp.mem.Len()+len(p) <= spoolMemory {
		return sp.mem.Write(p)
	}
	if sp.file == nil {
		// CreateTemp makes a new file of a random name, O_EXCL, so a link
		// planted in the temporary directory is never followed.
		f, err := os.CreateTemp("", "zcdrop-results-*")
		if err != nil {
			return 0, fmt.Errorf("a temporary file for the results (set TMPDIR to a writable directory): %w", err)
		}
		// Unlinked at once where the system allows it, so that nothing is
		// left behind if the process is killed; close removes it elsewhere.
		os.Remove(f.Name())
		sp.file, sp.disk = f, bufio.NewWriterSize(f, 64<<10)
		if _, err := sp.mem.WriteTo(sp.disk); err != nil {
			return 0, err
		}
		sp.mem = bytes.Buffer{}
	}
	return sp.disk.Write(p)
}

// replay returns a reader of the Results added, in order.
func (sp *spool) replay() (func() (Result, bool, error), error) {
	var src io.Reader = &sp.mem
	if sp.file != nil {
		if err := sp.disk.Flush(); err != nil {
			return nil, fmt.Errorf("conformance: keep the results for the report: %w", err)
		}
		if _, err := sp.file.Seek(0, io.SeekStart); err != nil {
			return nil, fmt.Errorf("conformance: read back the results for the report: %w", err)
		}
		src = bufio.NewReaderSize(sp.file, 64<<10)
	}
	dec := gob.NewDecoder(src)
	return func() (Result, bool, error) {
		var r Result
		switch err := dec.Decode(&r); {
		case errors.Is(err, io.EOF):
			return Result{}, false, nil
		case err != nil:
			return Result{}, false, fmt.Errorf("conformance: read back the results for the report: %w", err)
		}
		return r, true, nil
	}, nil
}

// close removes the temporary file, if there is one.
func (sp *spool) close() {
	if sp.file != nil {
		sp.file.Close()
		os.Remove(sp.file.Name())
	}
}
