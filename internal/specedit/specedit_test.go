package specedit

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
)

// spec has what makes plain text edits ambiguous: two operations with the
// same responses, the one listed first not the one the tests edit.
const spec = `openapi: 3.0.3
paths:
  /things/{id}:
    get:
      operationId: describeThing
      responses:
        '401':
          description: No.
          content:
            application/json:
              example: {code: 1}
  /things/{id}/drop:
    delete:
      operationId: dropThing
      parameters:
        - $ref: '#/components/parameters/Id'
      responses:
        '200':
          description: Yes.
        '401':
          description: No.
          content:
            application/json:
              example: {code: 1}
            # A comment about text/html, at its key's indentation.
            text/html:
              example: <p>No.</p>
components:
  schemas:
# A comment at the left margin, inside the schemas.
    Data:
      type: object
      required: [id]
      properties:
        id:
          type: string
          example: a
        # What follows id.

        note:
          type: string
          description: |
            A note.

            # Not a comment: a line of the description.
  parameters:
    Id:
      name: id
      schema:
        type: string
        example: a
      example: a
tags:
- name: Things
- name: Others
servers: [{url: 'https://example.com'}]
`

func TestEdits(t *testing.T) {
	tests := []struct {
		name  string
		edits []Edit
		want  string // the changed lines as "-old" and "+new", in order
	}{
		{
			name:  "within an operation, not where the text first occurs",
			edits: []Edit{Replace(Operation("dropThing", "responses", "401"), "              example: {code: 1}\n", "              example: {code: 2}\n")},
			want:  "-              example: {code: 1}\n+              example: {code: 2}\n",
		},
		{
			name:  "within an operation's block, by its quoted key",
			edits: []Edit{Replace(Operation("dropThing", "responses", "401"), "description: No.", "description: Never.")},
			want:  "-          description: No.\n+          description: Never.\n",
		},
		{
			name:  "a path from the root",
			edits: []Edit{Replace(Path("components", "schemas", "Data"), "required: [id]", "required: [id, note]")},
			want:  "-      required: [id]\n+      required: [id, note]\n",
		},
		{
			// The schema's example ends with the text, but does not
			// start with it.
			name:  "indentation matches only at the start of a line",
			edits: []Edit{Replace(Path("components", "parameters", "Id"), "      example: a\n", "      example: b\n")},
			want:  "-      example: a\n+      example: b\n",
		},
		{
			name:  "edits apply in turn, each to what the last made",
			edits: []Edit{Replace(Operation("dropThing"), "operationId: dropThing", "operationId: deleteThing"), Replace(Operation("deleteThing"), "      parameters:\n", "      parameters: # of deleteThing\n")},
			want:  "-      operationId: dropThing\n-      parameters:\n+      operationId: deleteThing\n+      parameters: # of deleteThing\n",
		},
		{
			// Before the comment that belongs to text/html, not after it.
			name:  "append to a mapping",
			edits: []Edit{Append(Operation("dropThing", "responses", "401", "content", "application/json"), "              schema: {type: object}\n")},
			want:  "+              schema: {type: object}\n",
		},
		{
			name:  "append to a list written at its key's indentation",
			edits: []Edit{Append(Path("tags"), "- name: More\n")},
			want:  "+- name: More\n",
		},
		{
			// The description's last line looks like a comment, but is
			// deeper than note: it is note's.
			name:  "append after a block scalar",
			edits: []Edit{Append(Path("components", "schemas", "Data", "properties"), "        extra:\n          type: string\n")},
			want:  "+        extra:\n+          type: string\n",
		},
		{
			// The comment at the left margin does not end the schemas.
			name:  "append to a mapping with a comment inside",
			edits: []Edit{Append(Path("components", "schemas"), "    More:\n      type: object\n")},
			want:  "+    More:\n+      type: object\n",
		},
		{
			// The comment and blank line after id belong to note.
			name:  "remove a block",
			edits: []Edit{Remove(Path("components", "schemas", "Data", "properties", "id"))},
			want:  "-        id:\n-          type: string\n-          example: a\n",
		},
		{
			name:  "remove the last block",
			edits: []Edit{Remove(Path("servers"))},
			want:  "-servers: [{url: 'https://example.com'}]\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Apply(t, spec, tt.edits...)
			if d := lineDiff(spec, got); d != tt.want {
				t.Errorf("changed lines:\n%s\nwant:\n%s", d, tt.want)
			}
		})
	}
	// Where each appended line went, which lineDiff does not show.
	for _, tt := range []struct {
		edit  Edit
		after string
	}{
		{tests[5].edits[0], "              example: {code: 1}\n              schema: {type: object}\n            # A comment"},
		{tests[6].edits[0], "- name: Others\n- name: More\nservers:"},
		{tests[7].edits[0], "            # Not a comment: a line of the description.\n        extra:\n          type: string\n  parameters:"},
		{tests[8].edits[0], "# Not a comment: a line of the description.\n    More:\n      type: object\n  parameters:"},
	} {
		if got := Apply(t, spec, tt.edit); !strings.Contains(got, tt.after) {
			t.Errorf("appended lines are not where they belong, want %q in:\n%s", tt.after, got)
		}
	}
}

// lineDiff returns the lines between the common first and last lines of a
// and b: those of a as "-" lines, then those of b as "+" lines.
func lineDiff(a, b string) string {
	al, bl := strings.SplitAfter(a, "\n"), strings.SplitAfter(b, "\n")
	for len(al) > 0 && len(bl) > 0 && al[0] == bl[0] {
		al, bl = al[1:], bl[1:]
	}
	for len(al) > 0 && len(bl) > 0 && al[len(al)-1] == bl[len(bl)-1] {
		al, bl = al[:len(al)-1], bl[:len(bl)-1]
	}
	var out strings.Builder
	for _, l := range al {
		out.WriteString("-" + l)
	}
	for _, l := range bl {
		out.WriteString("+" + l)
	}
	return out.String()
}

func TestEditsThatDoNotApply(t *testing.T) {
	twice := strings.Replace(spec, "operationId: describeThing", "operationId: dropThing", 1)
	tests := []struct {
		name string
		text string
		edit Edit
		want string
	}{
		{"text only elsewhere", spec, Replace(Operation("dropThing", "responses", "200"), "example: {code: 1}", "x"),
			`"example: {code: 1}" does not occur within operation dropThing > responses > 200 (lines 18-19)`},
		{"indentation that starts no line", spec, Replace(Path("components", "schemas", "Data", "properties", "id"), "  example: a", "x"),
			`"  example: a" does not occur within components > schemas > Data > properties > id (lines 35-37)`},
		{"no such key", spec, Replace(Path("components", "schemas", "Datum"), "a", "b"),
			`components > schemas > Datum is not in the spec: components > schemas has no key "Datum"`},
		{"no such key at the root", spec, Remove(Path("info")),
			`info is not in the spec: the document's root has no key "info"`},
		{"no such key below an operation", spec, Remove(Operation("dropThing", "responses", "404")),
			`operation dropThing > responses > 404 is not in the spec: operation dropThing > responses has no key "404"`},
		{"no such operation", spec, Remove(Operation("listThings")),
			`operation listThings is not in the spec: no operation has operationId "listThings"`},
		{"an ambiguous operation", twice, Remove(Operation("dropThing")),
			`operation dropThing is ambiguous: 2 operations have operationId "dropThing"`},
		{"inside a flow collection", spec, Remove(Path("servers", "url")),
			`servers > url is not in the spec: servers has no key "url"`},
		{"a key of a flow mapping", spec, Remove(Operation("dropThing", "responses", "401", "content", "application/json", "example", "code")),
			"operation dropThing > responses > 401 > content > application/json > example > code is inside a flow collection, on one line: name the block that holds it"},
		{"not YAML", "openapi: [3\n", Remove(Path("openapi")),
			"openapi cannot be found: the text is not YAML: "},
		{"an empty document", "# nothing\n", Remove(Path("openapi")),
			"openapi cannot be found: the text holds no YAML document"},
		{"no scope", spec, Replace(Scope{}, "a", "b"), "the scope names no block: give Path keys or an Operation"},
		{"nothing to find", spec, Replace(Path("openapi"), "", "b"), "the text to find is empty"},
		{"lines without a newline", spec, Append(Path("tags"), "- name: More"),
			`the lines appended to tags do not end with a newline: "- name: More"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.edit.apply(tt.text)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("got %q, %v; want one line starting %q", got, err, tt.want)
			}
		})
	}
}

// fatalTB records what a test helper's Fatalf says, and stops its
// goroutine as testing.T's does.
type fatalTB struct {
	testing.TB
	said string
}

func (f *fatalTB) Helper() {}

func (f *fatalTB) Fatalf(format string, args ...any) {
	f.said = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// fatal runs f with a fatalTB, and returns what it said, "" for nothing.
func fatal(f func(testing.TB)) string {
	tb := &fatalTB{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(tb)
	}()
	<-done
	return tb.said
}

func TestApplyAndLineOfFailTheTest(t *testing.T) {
	said := fatal(func(tb testing.TB) {
		Apply(tb, spec, Replace(Path("openapi"), "3.0.3", "3.1.0"), Remove(Path("info")))
	})
	if want := `specedit: edit 2 of 2: info is not in the spec: the document's root has no key "info"`; said != want {
		t.Errorf("Apply said %q, want %q", said, want)
	}
	said = fatal(func(tb testing.TB) { LineOf(tb, spec, Operation("dropThing"), "get:") })
	if want := `specedit: "get:" does not occur within operation dropThing (lines 13-27)`; said != want {
		t.Errorf("LineOf said %q, want %q", said, want)
	}
	if said := fatal(func(tb testing.TB) { Apply(tb, spec, Remove(Path("servers"))) }); said != "" {
		t.Errorf("Apply of an edit that applies said %q", said)
	}
}

func TestLineOf(t *testing.T) {
	tests := []struct {
		in   Scope
		at   string
		want int
	}{
		{Operation("describeThing"), "    get:", 4},
		{Operation("dropThing"), "    delete:", 13},
		{Operation("dropThing", "responses", "401"), "          description: No.", 21},
		{Operation("describeThing", "responses", "401"), "          description: No.", 8},
		{Operation("dropThing", "responses", "401", "content"), "text/html:", 26},
		{Path("components", "schemas", "Data", "properties", "note"), "# Not a comment", 45},
		{Path("components", "parameters", "Id"), "      example: a", 52},
	}
	for _, tt := range tests {
		t.Run(tt.in.String()+" "+tt.at, func(t *testing.T) {
			if got := LineOf(t, spec, tt.in, tt.at); got != tt.want {
				t.Errorf("LineOf = %d, want %d", got, tt.want)
			}
		})
	}
}

// The scopes the repository's tests use resolve in the real spec, each to
// one block that starts with its key; the spec's two operations repeat
// their responses, so an operation's scope is what tells them apart.
func TestScopesOfTheRealSpec(t *testing.T) {
	data, err := os.ReadFile("../../openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	tests := []struct {
		in        Scope
		firstLine string
	}{
		{Operation("dropCluster"), "    delete:\n"},
		{Operation("describeCluster"), "    get:\n"},
		{Operation("dropCluster", "responses", "401"), "        '401':\n"},
		{Path("components", "schemas", "DropClusterData"), "    DropClusterData:\n"},
	}
	for _, tt := range tests {
		t.Run(tt.in.String(), func(t *testing.T) {
			start, end, err := tt.in.block(text)
			if err != nil {
				t.Fatal(err)
			}
			if block := text[start:end]; !strings.HasPrefix(block, tt.firstLine) || !strings.HasSuffix(block, "\n") {
				t.Errorf("the block starts %q, want %q", block[:min(len(block), 40)], tt.firstLine)
			}
		})
	}
	drop, _, _ := Operation("dropCluster").block(text)
	describe, _, _ := Operation("describeCluster").block(text)
	if drop == describe {
		t.Error("both operations resolve to the same block")
	}
}
