package vcr

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// testLimits is a budget large enough for every cassette of the corpus.
var testLimits = Limits{MaxAliasNodes: 100, MaxTextBytes: 1 << 20}

// TestDecodeStrictReadsWhatDecodeReads: the strict reading refuses more,
// but never reads a cassette that both accept differently.
func TestDecodeStrictReadsWhatDecodeReads(t *testing.T) {
	files := corpus(t)
	for _, file := range files {
		t.Run(file, func(t *testing.T) {
			data, lenient := decodeFile(t, file)
			strict, err := DecodeStrict(data, testLimits)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(strict, lenient) {
				t.Errorf("strict:\n%+v\nDecode:\n%+v", strict, lenient)
			}
		})
	}
}

// A hand-written cassette may share its headers through an anchor; within
// the budget, aliases read as Decode and go-vcr read them.
func TestDecodeStrictAcceptsAliasesWithinBudget(t *testing.T) {
	data := []byte(`version: 2
interactions:
  - id: 0
    request: {method: DELETE, url: "https://h/x", headers: &h {Accept: [application/json]}}
    response: {code: 200, body: &b '{"code":0}', headers: *h}
  - id: 1
    request: {method: DELETE, url: "https://h/y", headers: *h}
    response: {code: 200, body: *b, headers: *h}
`)
	lenient, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	strict, err := DecodeStrict(data, testLimits)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(strict, lenient) {
		t.Errorf("strict:\n%+v\nDecode:\n%+v", strict, lenient)
	}
	if got := strict.Interactions[1].Response.Body; got != `{"code":0}` {
		t.Errorf("aliased body %q", got)
	}
}

func TestDecodeStrictRefuses(t *testing.T) {
	const good = "version: 2\ninteractions:\n  - id: 0\n    response: {code: 200, body: ok}\n"
	aliases := "version: 2\ninteractions:\n  - &i {id: 0, response: {code: 200, headers: {A: [x, y]}}}\n" +
		strings.Repeat("  - *i\n", 40)
	big := strings.Repeat("x", 1000)
	text := "version: 2\ninteractions:\n  - {id: 0, response: {code: 200, body: &b " + big + "}}\n" +
		strings.Repeat("  - {id: 1, response: {code: 200, body: *b}}\n", 20)
	tests := []struct {
		name, data string
		lim        Limits
		want       string
		version    bool // the error is ErrUnsupportedFormat
	}{
		{"second document", good + "---\nversion: 2\n", testLimits, "holds more than one YAML document", false},
		{"second document that does not parse", good + "---\nx: [\n", testLimits, "holds more than one YAML document", false},
		{"no document", "# nothing here\n", testLimits, "holds no YAML document", false},
		{"empty file", "", testLimits, "holds no YAML document", false},
		{"missing version", "interactions: []\n", testLimits, `no "version" key`, true},
		{"null version", "version: ~\ninteractions: []\n", testLimits, `"version" is null`, true},
		{"float version", "version: 2.0\ninteractions: []\n", testLimits, `"version" is not an integer (a !!float)`, true},
		{"string version", "version: \"2\"\ninteractions: []\n", testLimits, `"version" is not an integer (a !!str)`, true},
		{"list version", "version: [2]\ninteractions: []\n", testLimits, `"version" is not an integer (a sequence)`, true},
		{"version 1", "version: 1\ninteractions: []\n", testLimits, `want go-vcr v4 format "version: 2"`, true},
		{"duplicate key", "version: 2\nversion: 2\n", testLimits, `mapping key "version" already defined`, false},
		{"not a mapping", "[1]\n", testLimits, "cannot construct !!seq", false},
		{"alias budget", aliases, Limits{MaxAliasNodes: 100, MaxTextBytes: 1 << 20},
			"aliases add more than 100 YAML nodes, the most a cassette may use", false},
		{"text budget", text, Limits{MaxAliasNodes: 100, MaxTextBytes: 10_000},
			"cassette decodes to more than 10000 bytes of text, the most a cassette may hold", false},
		{"no aliases allowed", text, Limits{MaxTextBytes: 1 << 20},
			"aliases add more than 0 YAML nodes", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := DecodeStrict([]byte(tt.data), tt.lim)
			if err == nil {
				t.Fatalf("read %+v, want an error saying %q", c, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %q, want it to say %q", err, tt.want)
			}
			if errors.Is(err, ErrUnsupportedFormat) != tt.version {
				t.Errorf("errors.Is(%v, ErrUnsupportedFormat) = %v, want %v", err, !tt.version, tt.version)
			}
		})
	}
	// Each refusal above is the budget's, not the input's: the same input
	// reads within a larger budget.
	for _, data := range []string{aliases, text} {
		if _, err := DecodeStrict([]byte(data), Limits{MaxAliasNodes: 1000, MaxTextBytes: 1 << 20}); err != nil {
			t.Errorf("within the budget: %v", err)
		}
	}
	if _, err := Decode([]byte("version: 2.0\ninteractions: []\n")); err != nil {
		t.Errorf("Decode reads a float version as go-vcr does; got %v", err)
	}
}

// FuzzDecodeStrict: whatever the bytes, DecodeStrict returns a cassette or
// an error, never panics, and never returns a cassette over its budget or
// one that Decode reads differently.
func FuzzDecodeStrict(f *testing.F) {
	for _, file := range []string{"cassettes/drop-dedicated.yaml", "negative/wrong-types.yaml"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "conformance", "testdata", file))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, seed := range []string{
		"version: 2\n---\nversion: 2\n",
		"version: ~\n",
		"version: 2.0\n",
		"interactions: []\n",
		"version: 2\ninteractions:\n  - &i {id: 0}\n  - *i\n  - *i\n",
		"version: 2\na: &a [x, x]\nb: &b [*a, *a]\ninteractions: [{response: {body: *b}}]\n",
	} {
		f.Add([]byte(seed))
	}
	lim := Limits{MaxAliasNodes: 50, MaxTextBytes: 4096}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := DecodeStrict(data, lim)
		if err != nil {
			return
		}
		if n := textBytes(c, lim.MaxTextBytes); n > lim.MaxTextBytes {
			t.Fatalf("read %d bytes of text, over the budget of %d", n, lim.MaxTextBytes)
		}
		lenient, err := Decode(data)
		if err != nil {
			t.Fatalf("DecodeStrict reads what Decode refuses: %v", err)
		}
		if !reflect.DeepEqual(c, lenient) {
			t.Fatalf("strict %+v, Decode %+v", c, lenient)
		}
	})
}

// TestDecodeStrictRefusesWhatGoVCRReads: each cassette of the gate's
// unreadable corpus is one that go-vcr, and Decode with it, reads without a
// word. The gate refuses it on purpose, through DecodeStrict; Decode keeps
// agreeing with go-vcr.
func TestDecodeStrictRefusesWhatGoVCRReads(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "conformance", "testdata", "unreadable", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no unreadable corpus (%v)", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, ours := decodeFile(t, file)
			theirs := loadGoVCR(t, "c", data)
			if ours.Version != theirs.Version || len(ours.Interactions) != len(theirs.Interactions) {
				t.Errorf("Decode reads version %d with %d interactions, go-vcr %d with %d",
					ours.Version, len(ours.Interactions), theirs.Version, len(theirs.Interactions))
			}
			if _, err := DecodeStrict(data, testLimits); err == nil {
				t.Error("DecodeStrict reads it")
			}
		})
	}
}
