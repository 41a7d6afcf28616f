package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zcdrop/zcdrop/internal/redact"
)

// TestConformanceHidesTheEnvironmentsKey: with ZILLIZ_API_KEY set, the
// gate prints no copy of that key, in a finding that quotes a recording
// or in an error that quotes a file, though the key looks like no key; a
// key split across the report's writes is hidden too. Without it set, the
// same runs print the value, which only the environment marks as secret.
func TestConformanceHidesTheEnvironmentsKey(t *testing.T) {
	const key = "demo-key-0123456789"
	dir := t.TempDir()
	data, err := os.ReadFile(filepath.Join(shippedCorpus, "drop-dedicated.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	quoting := strings.Replace(string(data), "Content-Type:\n                - application/json", "Content-Type:\n                - application/x-"+key, 1)
	if quoting == string(data) {
		t.Fatal("the edit did not apply")
	}
	cassette := filepath.Join(dir, "ct.yaml")
	har := filepath.Join(dir, "v.har")
	for p, content := range map[string]string{cassette: quoting, har: `{"log":{"version":"` + key + `","entries":[]}}`} {
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, set := range []bool{false, true} {
		if set {
			t.Setenv("ZILLIZ_API_KEY", key)
		} else {
			t.Setenv("ZILLIZ_API_KEY", "")
		}
		for _, args := range [][]string{{cassette}, {"--format", "json", cassette}, {har}} {
			code, stdout, stderr := runCLI(t, append([]string{"conformance"}, args...)...)
			if code != exitFailed && code != exitUsage {
				t.Errorf("%v: exit %d, want a failure", args, code)
			}
			printed := strings.Contains(stdout+stderr, key)
			if printed == set {
				t.Errorf("key in the environment %v, %v printed it %v:\n%s%s", set, args, printed, stdout, stderr)
			}
		}
	}
}

// TestLineRedactorSeesASplitKey: a key written in two pieces, and one in
// a last line without a line break, are hidden.
func TestLineRedactorSeesASplitKey(t *testing.T) {
	const key = "demo-key-0123456789"
	var out strings.Builder
	w := &lineRedactor{w: &out, secrets: redact.New(key)}
	for _, piece := range []string{"a demo-key-01", "23456789 here\nlast ", key} {
		if _, err := w.Write([]byte(piece)); err != nil {
			t.Fatal(err)
		}
	}
	if strings.Contains(out.String(), "last") {
		t.Errorf("wrote %q before the line ended", out.String())
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); strings.Contains(got, "0123456789") || strings.Count(got, "REDACTED") != 2 || !strings.HasSuffix(got, "last REDACTED") {
		t.Errorf("wrote %q, want both copies hidden and the last line whole", got)
	}
}
