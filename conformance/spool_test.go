package conformance

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGateWritesWhatWriteReportWrites: for every format, over
// the report's input and over a cassette large enough to be read as a
// stream and for its Results to go through a temporary file,
// Gate writes what WriteReport writes of CheckCassettes's
// Results, and returns their Summary.
func TestGateWritesWhatWriteReportWrites(t *testing.T) {
	v := newTestValidator(t)
	large := t.TempDir()
	if n := writeBenchCorpus(t, large, 5000, layoutOneFile); n <= MaxCassetteBytes {
		t.Fatalf("the large cassette takes %d bytes, want more than MaxCassetteBytes, to be streamed", n)
	}
	negative, err := filepath.Glob("testdata/negative/*.yaml")
	if err != nil || len(negative) == 0 {
		t.Fatalf("no negative corpus: %v", err)
	}
	for name, paths := range map[string][]string{
		"report input":       reportInput,
		"large and negative": append([]string{large}, negative...),
	} {
		results, err := v.CheckCassettes(context.Background(), paths...)
		if err != nil {
			t.Fatal(err)
		}
		if name == "large and negative" && (len(results) != 5000+len(negative) || !results[4999].OK || results[4999].ID != 4999) {
			t.Fatalf("%d results, want the 5000 streamed ones to pass, in order, and the negative ones", len(results))
		}
		formats := []Format{FormatText, FormatJSON, FormatJUnit}
		if name != "report input" {
			formats = formats[1:2] // The richest; a large corpus is slow under -race.
		}
		for _, f := range formats {
			t.Run(name+"/"+string(f), func(t *testing.T) {
				var want, got bytes.Buffer
				if err := WriteReport(&want, f, results); err != nil {
					t.Fatal(err)
				}
				verdict, err := v.Gate(context.Background(), &got, GateOptions{Format: f}, paths...)
				if err != nil {
					t.Fatal(err)
				}
				if s := Summarize(results); verdict.Summary != s || verdict.Failed != (s.Failed > 0) {
					t.Errorf("verdict %+v, want summary %+v", verdict, s)
				}
				if got.String() != want.String() {
					t.Errorf("Gate wrote %d bytes, WriteReport %d; they differ", got.Len(), want.Len())
				}
			})
		}
	}
}

// TestGateWritesNothingWithoutAVerdict: an unreadable input
// after two thousand Results, or a temporary directory that cannot be
// written once the Results outgrow memory, leaves the report unwritten;
// a small corpus needs no temporary file at all.
func TestGateWritesNothingWithoutAVerdict(t *testing.T) {
	v := newTestValidator(t)
	dir := t.TempDir()
	writeBenchCorpus(t, dir, 2000, layoutOneFile) // Over spoolMemory's Results.
	bad := filepath.Join(dir, "zz-bad.yaml")
	if err := os.WriteFile(bad, []byte("version: 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	_, err := v.Gate(context.Background(), &out, GateOptions{Format: FormatJSON}, dir)
	var ce *CassetteError
	if !errors.As(err, &ce) || ce.File != bad || out.Len() != 0 {
		t.Errorf("got %v and %d bytes of report, want a *CassetteError for %s and no report", err, out.Len(), bad)
	}

	t.Setenv("TMPDIR", filepath.Join(t.TempDir(), "missing"))
	if err := os.Remove(bad); err != nil {
		t.Fatal(err)
	}
	_, err = v.Gate(context.Background(), &out, GateOptions{Format: FormatJSON}, dir)
	if err == nil || !strings.Contains(err.Error(), "set TMPDIR to a writable directory") || out.Len() != 0 {
		t.Errorf("got %v and %d bytes of report, want the temporary file's error and no report", err, out.Len())
	}
	// The text report lists findings, not interactions: it keeps no pass.
	if _, err := v.Gate(context.Background(), &out, GateOptions{Format: FormatText}, dir); err != nil || !strings.Contains(out.String(), "2000 interactions: 2000 passed") {
		t.Errorf("the text report of a large corpus: %v, %q; it needs no temporary file", err, out.String())
	}
	out.Reset()
	if _, err := v.Gate(context.Background(), &out, GateOptions{Format: FormatJSON}, reportInput...); err != nil || out.Len() == 0 {
		t.Errorf("a small corpus: %v, %d bytes; it needs no temporary file", err, out.Len())
	}
}
