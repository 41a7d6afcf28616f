//go:build unix

package speclint

import (
	"strings"
	"testing"

	"github.com/zcdrop/zcdrop/internal/fifotest"
)

// openAPI31 is a small OpenAPI 3.1 document whose response schema holds
// keywords, so that its example is validated as JSON Schema 2020-12.
const openAPI31 = `openapi: 3.1.0
info: {title: t, version: "1"}
paths:
  /x:
    get:
      operationId: x
      summary: s
      description: d
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
KEYWORDS                type: object
              example: {a: 1}
`

// JSON Schema's $schema, $id and $dynamicRef are URIs, and the validator
// that kin-openapi uses for OpenAPI 3.1 loads those with the file scheme
// from the disk: a spec under review could make spec lint read any file,
// or block for good on a FIFO or a terminal. Lint must read nothing but
// the bytes it is given, and report such a keyword at its line.
func TestLintReadsNoFileThatJSONSchemaKeywordsName(t *testing.T) {
	tests := []struct {
		name     string
		keywords string // each line indented as the schema's members; FIFO is the pipe's path
		line     int
	}{
		{"$schema", "$schema: \"file://FIFO\"\n", 15},
		{"$schema, upper-case scheme", "$schema: \"FILE://FIFO\"\n", 15},
		{"$id and a relative $dynamicRef", "$id: \"file://DIR/\"\n$dynamicRef: \"fifo\"\n", 15},
		{"$id in a property", "properties: {p: {$id: \"file://DIR/\", $dynamicRef: \"fifo\"}}\n", 15},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			fifo, opened, release := fifotest.Watch(t, dir)
			var kw strings.Builder
			for line := range strings.Lines(tt.keywords) {
				kw.WriteString("                " + line)
			}
			spec := strings.NewReplacer("FIFO", fifo, "DIR", dir).Replace(strings.Replace(openAPI31, "KEYWORDS", kw.String(), 1))
			type result struct {
				problems []Problem
				err      error
			}
			done := make(chan result, 1)
			go func() {
				problems, err := Lint(t.Context(), "spec.yaml", []byte(spec), Config{})
				done <- result{problems, err}
			}()
			var r result
			select {
			case <-opened:
				t.Errorf("Lint opened %s, which the spec's %s names", fifo, tt.name)
				r = <-done
			case r = <-done:
			}
			release()
			if r.err != nil {
				t.Fatal(r.err)
			}
			found := false
			for _, p := range r.problems {
				if p.Rule == RuleValid && p.Line == tt.line && strings.Contains(p.Message, "file") {
					found = true
				}
			}
			if !found {
				t.Errorf("no zc000 at line %d for the file the spec names; problems: %v", tt.line, r.problems)
			}
		})
	}
}

// A URI of another scheme is not loaded, and stays allowed.
func TestLintAllowsJSONSchemaKeywordsOfOtherSchemes(t *testing.T) {
	kw := "                $schema: \"https://json-schema.org/draft/2020-12/schema\"\n                $id: \"urn:example:x\"\n"
	problems, err := Lint(t.Context(), "spec.yaml", []byte(strings.Replace(openAPI31, "KEYWORDS", kw, 1)), Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		if p.Rule == RuleValid {
			t.Errorf("unexpected zc000: %+v", p)
		}
	}
}
