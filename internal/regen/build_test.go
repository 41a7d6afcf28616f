package regen

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/zcdrop/zcdrop/internal/specedit"
)

func TestLint(t *testing.T) {
	spec := realSpec(t)
	tests := []struct {
		name      string
		spec      []byte // nil: no openapi.yaml
		verdict   verdict
		about     string
		wantLines []string // a substring of each line, in order
	}{
		{name: "the spec", spec: spec, verdict: verdictOK, about: "openapi.yaml breaks none of the"},
		{
			name:    "an operation without a summary",
			spec:    edited(t, spec, specedit.Replace(dropCluster, "      summary: Drop a cluster\n", "")),
			verdict: verdictFail, about: "1 problem(s) in openapi.yaml:",
			wantLines: []string{"error zc002: operation dropCluster has no summary"},
		},
		{name: "no spec", verdict: verdictFail, about: "openapi.yaml: no such file or directory"},
		{name: "not YAML", spec: []byte("{{{"), verdict: verdictFail, about: "openapi.yaml: not YAML"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.spec != nil {
				writeFile(t, filepath.Join(dir, "openapi.yaml"), tt.spec)
			}
			s := Config{Dir: dir}.lint(t.Context())
			checkStep(t, s, tt.verdict, tt.about, tt.wantLines)
		})
	}
}

// checkStep checks a step's verdict, that its about line has about, and
// that its lines have wantLines, one each, in order.
func checkStep(t *testing.T, s step, v verdict, about string, wantLines []string) {
	t.Helper()
	if s.verdict != v || !strings.Contains(s.about, about) {
		t.Errorf("%s: %s %q, want %s and %q", s.name, s.verdict, s.about, v, about)
	}
	if len(s.lines) != len(wantLines) {
		t.Errorf("%s: lines %q, want %d like %q", s.name, s.lines, len(wantLines), wantLines)
		return
	}
	for i, want := range wantLines {
		if !strings.Contains(s.lines[i], want) {
			t.Errorf("%s: line %d is %q, want %q in it", s.name, i, s.lines[i], want)
		}
	}
}

func TestGenerate(t *testing.T) {
	const gen, numstat = "go generate ./...", "git diff --numstat HEAD -- api/"
	tests := []struct {
		name      string
		answers   map[string]answer
		verdict   verdict
		about     string
		wantLines []string
	}{
		{
			name:    "oapi-codegen refuses the spec",
			answers: map[string]answer{gen: exit(1, "error generating code: error creating operation definitions: duplicate operationId\ngen.go:3: running \"go\": exit status 1\n")},
			verdict: verdictFail, about: "api/ could not be generated: exit status 1",
			wantLines: []string{"duplicate operationId", `gen.go:3: running "go": exit status 1`},
		},
		{
			name:    "no go command",
			answers: map[string]answer{gen: {err: os.ErrNotExist}},
			verdict: verdictFail, about: "api/ could not be generated: file does not exist",
		},
		{
			name:    "api/ changed",
			answers: map[string]answer{gen: {}, numstat: printed("66\t63\tapi/api.gen.go\n")},
			verdict: verdictOK, about: "api/ regenerated: 1 file(s) differ from HEAD",
			wantLines: []string{"api/api.gen.go (+66 -63)"},
		},
		{
			name:    "api/ unchanged",
			answers: map[string]answer{gen: {}, numstat: printed("")},
			verdict: verdictOK, about: "api/ regenerated, and is the same as at HEAD",
		},
		{
			name:    "no such ref",
			answers: map[string]answer{gen: {}, numstat: exit(128, "fatal: bad revision 'HEAD'\n")},
			verdict: verdictOK, about: "git cannot say what changed against HEAD: exit status 128",
			wantLines: []string{"fatal: bad revision"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &fakeRunner{t: t, answers: tt.answers}
			s := Config{Base: "HEAD", Runner: r}.generate(t.Context())
			checkStep(t, s, tt.verdict, tt.about, tt.wantLines)
		})
	}
}

func TestBuild(t *testing.T) {
	const all, tool = "go build ./...", "go build -o " + cli + " ./cmd/zcdrop"
	// What go build prints when a regeneration renamed the operation: the
	// lines are kept as they are, for they name the sites to fix.
	compiler := "# github.com/zcdrop/zcdrop\n./client.go:127:21: c.api.DropClusterWithResponse undefined (type *api.ClientWithResponses has no field or method DropClusterWithResponse)\n./response.go:40:34: undefined: api.DropClusterResponse\n"
	tests := []struct {
		name      string
		generated bool
		answers   map[string]answer
		verdict   verdict
		about     string
		wantLines []string
		wantRan   []string
	}{
		{
			name:    "api/ was not generated",
			verdict: verdictNotRun, about: "api/ was not generated",
		},
		{
			name:      "the tree breaks",
			generated: true,
			answers:   map[string]answer{all: exit(1, compiler)},
			verdict:   verdictFail, about: "these are the sites that break:",
			wantLines: strings.Split(strings.TrimSpace(compiler), "\n"),
			wantRan:   []string{all},
		},
		{
			name:      "go build cannot run",
			generated: true,
			answers:   map[string]answer{all: {err: os.ErrNotExist}},
			verdict:   verdictFail, about: "go build could not run: file does not exist",
			wantRan: []string{all},
		},
		{
			name:      "the CLI does not build",
			generated: true,
			answers:   map[string]answer{all: {}, tool: exit(1, "go: no space left on device\n")},
			verdict:   verdictFail, about: "the CLI does not build: exit status 1",
			wantLines: []string{"go: no space left on device"},
			wantRan:   []string{all, tool},
		},
		{
			name:      "it builds",
			generated: true,
			answers:   map[string]answer{all: {}, tool: {}},
			verdict:   verdictOK, about: "every package compiles against the regenerated api/",
			wantRan: []string{all, tool},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &fakeRunner{t: t, answers: tt.answers}
			s := Config{Base: "HEAD", Runner: r, cli: cli}.build(t.Context(), tt.generated)
			checkStep(t, s, tt.verdict, tt.about, tt.wantLines)
			if tt.wantLines != nil && !slices.Equal(s.lines, tt.wantLines) {
				t.Errorf("the compiler's lines are not kept as they are: %q", s.lines)
			}
			if !slices.Equal(r.ran, tt.wantRan) {
				t.Errorf("ran %q, want %q", r.ran, tt.wantRan)
			}
		})
	}
}
