package conformance

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGateIgnoreUndeclared: traffic to a path that no operation matches
// fails the gate, and under IgnoreUndeclared is a notice that fails
// nothing, while whatever else is wrong with it still fails; a corpus of
// nothing but such traffic warns that nothing was checked.
func TestGateIgnoreUndeclared(t *testing.T) {
	v := newTestValidator(t)
	good := readFile(t, dedicatedCassette)
	undeclared := strings.ReplaceAll(good, "/v2/clusters/in01-6183d6bac30f801/drop", "/static/app.js")
	dir := t.TempDir()
	for name, content := range map[string]string{
		"a-good.yaml":       good,
		"b-undeclared.yaml": undeclared,
		"c-undeclared-with-a-key.yaml": strings.Replace(undeclared, "Bearer REDACTED",
			"Bearer aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gI", 1),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		name            string
		paths           []string
		ignore          bool
		failed, notices int
		warning         string
	}{
		{"undeclared fails", []string{dir}, false, 2, 0, ""},
		{"undeclared is a notice, a key still fails", []string{dir}, true, 1, 2, ""},
		{"nothing declared", []string{filepath.Join(dir, "b-undeclared.yaml")}, true, 0, 1, WarningEmpty},
	} {
		t.Run(tt.name, func(t *testing.T) {
			notices := 0
			verdict, err := v.Gate(context.Background(), io.Discard, GateOptions{Format: FormatJSON, IgnoreUndeclared: tt.ignore}, tt.paths...)
			if err != nil {
				t.Fatal(err)
			}
			results, err := v.CheckCassettes(context.Background(), tt.paths...)
			if err != nil {
				t.Fatal(err)
			}
			for i := range results {
				if tt.ignore {
					noticeUndeclared(&results[i])
				}
				notices += len(results[i].Notices)
				for _, n := range results[i].Notices {
					if n.Pointer != PointerPath {
						t.Errorf("a notice for %s: %v", n.Pointer, n)
					}
				}
			}
			if verdict.Summary.Failed != tt.failed || notices != tt.notices || verdict.Failed != (tt.failed > 0) {
				t.Errorf("failed %d (gate failed %v), %d notices; want %d and %d", verdict.Summary.Failed, verdict.Failed, notices, tt.failed, tt.notices)
			}
			if tt.warning != "" && (len(verdict.Warnings) != 1 || verdict.Warnings[0].Code != tt.warning) {
				t.Errorf("warnings %+v, want %q", verdict.Warnings, tt.warning)
			}
		})
	}
}
