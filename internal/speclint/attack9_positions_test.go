package speclint

import (
	"runtime"
	"strings"
	"testing"
)

// The linter locates every member and item of a document. A pull request's
// spec may hold a long key over many items, or long keys nested deep: the
// place of each must cost what the item costs, not the length of its whole
// path, or a file of a few kilobytes costs gigabytes (a 1.2 MB file of
// 3,000 nested 400-byte keys took 1.8 GB, and the 4 MiB one the CLI reads
// more than the machine has). What is past a budget is refused, with a
// zc000 that says so.
func TestLintCostGrowsWithTheFileNotItsPaths(t *testing.T) {
	long := strings.Repeat("k", 32<<10)
	tests := []struct {
		name string
		doc  string
	}{
		{"a long key over many items", "x-" + long + ": [" + strings.Repeat("1,", 2000) + "1]\n"},
		{"long keys nested deep", "x-deep: " + strings.Repeat("{"+long[:100]+": ", 2000) + "1" + strings.Repeat("}", 2000) + "\n"},
		// The rules name each schema by its pointer, so nested schemas are
		// the same shape where the rules walk.
		{"schemas nested deep under long names", "components:\n  schemas:\n    Deep: " +
			strings.Repeat("{type: object, properties: {"+long[:100]+": ", 2000) + "{type: string}" + strings.Repeat("}}", 2000) + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte("openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\npaths: {}\n" + tt.doc)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			problems, err := Lint(t.Context(), "spec.yaml", data, Config{})
			if err != nil {
				t.Fatal(err)
			}
			runtime.ReadMemStats(&after)
			// Each is past the budget of the pointers, and says so.
			said := false
			for _, p := range problems {
				said = said || p.Rule == RuleValid && strings.Contains(p.Message, "too deep")
			}
			if !said {
				t.Errorf("no zc000 says why the document was not checked; problems: %v", problems)
			}
			// kin-openapi and the YAML decoder take some hundreds of bytes
			// per byte of input; the paths of this input take thousands.
			if spent, limit := after.TotalAlloc-before.TotalAlloc, uint64(400*len(data)); spent > limit {
				t.Errorf("Lint allocated %d MB for a %d KB document; want at most %d MB", spent>>20, len(data)>>10, limit>>20)
			}
		})
	}
}
