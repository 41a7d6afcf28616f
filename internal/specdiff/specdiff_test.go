package specdiff

import (
	"os"
	"strings"
	"testing"
)

// The tests edit copies of the repository's openapi.yaml, in memory or in
// t.TempDir(); the real file is only read.

const (
	specPath   = "../../openapi.yaml"
	configPath = "../../api/oapi-codegen.yaml"
)

// edit is one change to the spec's text: replace old, which must occur
// exactly once, by new.
type edit struct{ old, new string }

// spec returns the repository's openapi.yaml with edits applied, failing
// the test if an edit does not apply: a test whose edit silently missed
// would compare the spec with itself and prove nothing.
func spec(t *testing.T, edits ...edit) []byte {
	t.Helper()
	data, err := os.ReadFile(specPath)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for _, e := range edits {
		if n := strings.Count(text, e.old); n != 1 {
			t.Fatalf("edit: %q occurs %d times in %s, want once", e.old, n, specPath)
		}
		text = strings.Replace(text, e.old, e.new, 1)
	}
	return []byte(text)
}

// removeBlock returns the edit that removes the lines from the one starting
// with first up to, not including, the one starting with next.
func removeBlock(t *testing.T, first, next string) edit {
	t.Helper()
	data, err := os.ReadFile(specPath)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	i := strings.Index(text, first)
	if i < 0 {
		t.Fatalf("edit: %q is not in %s", first, specPath)
	}
	j := strings.Index(text[i:], next)
	if j < 0 {
		t.Fatalf("edit: %q does not follow %q in %s", next, first, specPath)
	}
	return edit{old: text[i : i+j+len(next)], new: next}
}

// The spec's edits that the tests share.
var (
	// addOptionalStatus adds an optional string property to the success
	// data, before the schema that follows it.
	addOptionalStatus = edit{
		old: "    ErrorEnvelope:\n      description: |\n",
		new: "        status:\n          description: Where the drop is.\n          type: string\n    ErrorEnvelope:\n      description: |\n",
	}
	// addWriteOnlyStatus adds the same property as write-only: a server
	// never sends it in a response.
	addWriteOnlyStatus = edit{
		old: addOptionalStatus.old,
		new: strings.Replace(addOptionalStatus.new, "type: string\n", "type: string\n          writeOnly: true\n", 1),
	}
	// requireStatus makes that property required.
	requireStatus = edit{old: "required: [clusterId, prompt]", new: "required: [clusterId, prompt, status]"}
)
