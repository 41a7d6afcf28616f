package conformance

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/zcdrop/zcdrop/internal/vcr"
)

// writeOneAnswer writes one generated drop, whose answer's body is body,
// as a cassette in a new directory, and returns its path.
func writeOneAnswer(t *testing.T, status int, body string) string {
	t.Helper()
	in := generatedInteraction(0)
	in.Response.Code, in.Response.Body, in.Response.ContentLength = status, body, int64(len(body))
	data, err := vcr.Encode(&vcr.Cassette{Version: vcr.FormatVersion, Interactions: []*vcr.Interaction{in}})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestGateStrict: GateOptions.Strict reports undeclared properties, and a
// corpus that passes otherwise fails on them.
func TestGateStrict(t *testing.T) {
	id := "in01-000000000000000"
	extra := writeOneAnswer(t, 200, `{"code":0,"data":{"clusterId":"`+id+`","prompt":"p","region":"r"}}`)
	v := newTestValidator(t)
	for _, strict := range []bool{false, true} {
		verdict, err := v.Gate(context.Background(), io.Discard, GateOptions{Format: FormatText, Strict: strict}, extra)
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		if strict {
			want = 1
		}
		if verdict.Failed != strict || verdict.Summary.Failed != want || len(verdict.Warnings) != 0 {
			t.Errorf("strict %v: verdict %+v", strict, verdict)
		}
	}
	results, err := v.Strict().CheckCassettes(context.Background(), extra)
	if err != nil || len(results) != 1 || len(results[0].Violations) != 1 ||
		results[0].Violations[0].String() != undeclared(KindResponse, "/data/region").String() {
		t.Errorf("strict mode over the cassette: %+v, %v", results, err)
	}
}
