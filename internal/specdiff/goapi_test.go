package specdiff

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/zcdrop/zcdrop/internal/specedit"
)

// generator runs oapi-codegen in this repository's module, at the version
// its go.mod pins.
var generator = Generator{ModuleDir: "../..", PackagePath: "github.com/zcdrop/zcdrop/api"}

// needGo skips a test that runs the go command where there is none.
func needGo(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on PATH, which generates and type-checks the Go API")
	}
}

func config(t *testing.T) Document {
	t.Helper()
	data, err := os.ReadFile(configPath)
	if err != nil {
		t.Fatal(err)
	}
	return Document{Name: "api/oapi-codegen.yaml", Data: data}
}

// The Go API report is about the code users get only if Generate writes
// what go generate wrote to api/.
func TestGenerateIsGoGenerate(t *testing.T) {
	needGo(t)
	want, err := os.ReadFile("../../api/api.gen.go")
	if err != nil {
		t.Fatal(err)
	}
	got, err := generator.Generate(t.Context(), Input{Spec: Document{Name: "openapi.yaml", Data: spec(t)}, Config: config(t)})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		// A stale api/ fails here too; make check-generated says which.
		t.Errorf("the code generated from openapi.yaml differs from api/api.gen.go (%d bytes, want %d): first difference at line %d", len(got), len(want), firstDifferentLine(got, want))
	}
}

func firstDifferentLine(a, b []byte) int {
	la, lb := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	for i := range min(len(la), len(lb)) {
		if !bytes.Equal(la[i], lb[i]) {
			return i + 1
		}
	}
	return min(len(la), len(lb)) + 1
}

func TestCompare(t *testing.T) {
	needGo(t)
	tests := []struct {
		name             string
		oldEdits, edits  []specedit.Edit
		wantErr, wantInf []string // names that must be ERR, and INFO
		wantNone         bool
	}{
		{
			// JSON200 moves from DropClusterResponse to DeleteClusterResponse,
			// and every program that named the old type breaks.
			name:    "renaming the operation",
			edits:   []specedit.Edit{specedit.Replace(dropOperation, "operationId: dropCluster", "operationId: deleteCluster")},
			wantErr: []string{"DropClusterResponse", "(*ClientWithResponses).DropClusterWithResponse", "ClientWithResponsesInterface.DropClusterWithResponse", "DropClusterParams"},
			wantInf: []string{"DeleteClusterResponse", "(*ClientWithResponses).DeleteClusterWithResponse"},
		},
		{
			// The spec diff calls this harmless (a response gains a
			// guarantee); in Go, *string becomes string.
			name:     "making an optional property required",
			oldEdits: []specedit.Edit{addOptionalStatus},
			edits:    []specedit.Edit{addOptionalStatus, requireStatus},
			wantErr:  []string{"DropClusterData.Status"},
		},
		{
			name:    "adding an optional property",
			edits:   []specedit.Edit{addOptionalStatus},
			wantInf: []string{"DropClusterData.Status"},
		},
		{
			name:     "no edit",
			wantNone: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := Input{Spec: Document{Name: "old.yaml", Data: spec(t, tt.oldEdits...)}, Config: config(t)}
			new := Input{Spec: Document{Name: "new.yaml", Data: spec(t, tt.edits...)}, Config: config(t)}
			changes, err := generator.Compare(t.Context(), old, new)
			if err != nil {
				t.Fatal(err)
			}
			bySeverity := map[Severity][]string{}
			for _, c := range changes {
				bySeverity[c.Severity] = append(bySeverity[c.Severity], c.Name)
			}
			for _, name := range tt.wantErr {
				if !slices.Contains(bySeverity[SeverityError], name) {
					t.Errorf("%s is not ERR; changes: %+v", name, changes)
				}
			}
			for _, name := range tt.wantInf {
				if !slices.Contains(bySeverity[SeverityInfo], name) {
					t.Errorf("%s is not INFO; changes: %+v", name, changes)
				}
			}
			if len(tt.wantErr) == 0 && len(bySeverity[SeverityError]) > 0 {
				t.Errorf("ERR for %v, want none", bySeverity[SeverityError])
			}
			if tt.wantNone && len(changes) > 0 {
				t.Errorf("the Go API differs from itself: %+v", changes)
			}
		})
	}
}

// When the Go API cannot be compared, the error says which input, and why,
// on one line.
func TestCompareFailures(t *testing.T) {
	needGo(t)
	good := Input{Spec: Document{Name: "old.yaml", Data: spec(t)}, Config: config(t)}
	withConfig := func(text string) Input {
		return Input{Spec: Document{Name: "new.yaml", Data: spec(t)}, Config: Document{Name: "new-config.yaml", Data: []byte(text)}}
	}
	tests := []struct {
		name      string
		generator Generator
		new       Input
		wantType  any
		want      string
	}{
		{
			name:      "a config that is not YAML",
			generator: generator,
			new:       withConfig("package: [\n"),
			wantType:  new(*GenerateError),
			want:      "generate Go code from new.yaml with new-config.yaml: not YAML",
		},
		{
			name:      "a config that is a list",
			generator: generator,
			new:       withConfig("- package\n"),
			wantType:  new(*GenerateError),
			want:      "not an oapi-codegen configuration",
		},
		{
			name:      "a config that oapi-codegen refuses",
			generator: generator,
			new:       withConfig(string(config(t).Data) + "no-such-option: true\n"),
			wantType:  new(*GenerateError),
			want:      "field no-such-option not found",
		},
		{
			name:      "code that does not type-check",
			generator: generator,
			new:       withConfig(string(config(t).Data) + "output-options:\n  user-templates:\n    constants.tmpl: |\n      var Broken int = \"not an int\"\n"),
			wantType:  new(*TypeCheckError),
			want:      "the Go code generated from new.yaml does not type-check: new.yaml (generated):",
		},
		{
			// oapi-codegen would read the file; the spec is refused first.
			name:      "a spec that refers to another file",
			generator: generator,
			new:       Input{Spec: Document{Name: "new.yaml", Data: spec(t, specedit.Replace(specedit.Operation("dropCluster", "responses", "200"), "$ref: '#/components/schemas/DropClusterResult'", "$ref: 'other.yaml#/DropClusterResult'"))}, Config: config(t)},
			wantType:  new(*LoadError),
			want:      `new.yaml: encountered disallowed external reference: "other.yaml#/DropClusterResult"`,
		},
		{
			name:      "no module that pins the generator",
			generator: Generator{ModuleDir: t.TempDir(), PackagePath: generator.PackagePath},
			new:       Input{Spec: Document{Name: "new.yaml", Data: spec(t)}, Config: config(t)},
			wantType:  new(*GenerateError),
			want:      "go.mod file not found",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.generator.Compare(context.Background(), good, tt.new)
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.As(err, tt.wantType) {
				t.Errorf("error %T, want %T", err, tt.wantType)
			}
			if !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q: want one line with %q", err, tt.want)
			}
		})
	}
}

func TestSplitName(t *testing.T) {
	tests := []struct{ message, name, rest string }{
		{"DropClusterData.Prompt: removed", "DropClusterData.Prompt", "removed"},
		{"(*Client).DropCluster: changed from func() to func(int)", "(*Client).DropCluster", "changed from func() to func(int)"},
		{"ClientInterface.DropCluster, method set of *ClientWithResponses: removed", "ClientInterface.DropCluster", "method set of *ClientWithResponses: removed"},
		{"package removed", "", "package removed"},
	}
	for _, tt := range tests {
		t.Run(tt.message, func(t *testing.T) {
			if name, rest := splitName(tt.message); name != tt.name || rest != tt.rest {
				t.Errorf("splitName = %q, %q; want %q, %q", name, rest, tt.name, tt.rest)
			}
		})
	}
}
