package zcdrop_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/zcdrop/zcdrop/internal/specdiff"
	"github.com/zcdrop/zcdrop/internal/specedit"
)

// The consumer guard: testdata/consumer is a program as users write them
// against api/, and it must compile. A regeneration that renames JSON200,
// changes the union's accessors or turns a field into a pointer breaks it
// here, in make test, before it breaks programs elsewhere.

const consumerPkg = "./testdata/consumer"

// consumerBroken is the sentence the guard adds to the compiler's lines.
const consumerBroken = "the regeneration broke programs that import api/ (testdata/consumer stands for them); see `make breaking` for what changed in the Go API"

// buildConsumer builds testdata/consumer, with the go command's -overlay
// file overlay unless it is "", and returns nil, or an error holding the
// compiler's lines and consumerBroken.
func buildConsumer(t *testing.T, overlay string) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	args := []string{"build", "-o", filepath.Join(t.TempDir(), "consumer")}
	if overlay != "" {
		args = append(args, "-overlay", overlay)
	}
	out, err := exec.CommandContext(ctx, "go", append(args, consumerPkg)...).CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("go build %s did not finish: %s", consumerPkg, out)
	}
	if err == nil {
		return nil
	}
	var lines []string
	for line := range strings.Lines(string(out)) {
		// "# package" heads the compiler's lines; they say the rest.
		if line = strings.TrimRight(line, "\n"); line != "" && !strings.HasPrefix(line, "# ") {
			lines = append(lines, line)
		}
	}
	return errors.New(strings.Join(append(lines, consumerBroken), "\n"))
}

func TestConsumerGuard(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on PATH, so the consumer cannot be built")
	}
	if err := buildConsumer(t, ""); err != nil {
		t.Fatal(err)
	}
}

// The guard fails, quoting the compiler, on a consumer that no longer
// compiles: against a regeneration that breaks it, and with a field name
// the package never had. Each replaces a file for the go command only,
// through -overlay; the repository's files are only read.
func TestConsumerGuardFails(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on PATH, so the consumer cannot be built")
	}
	tests := []struct {
		name string
		// file is the repository file replaced, and replacement its
		// content for the build.
		file        string
		replacement func(t *testing.T) []byte
		// want is in the compiler's line.
		want string
	}{
		{
			// prompt optional: DropClusterData.Prompt becomes *string.
			name:        "a regeneration that makes prompt optional",
			file:        "api/api.gen.go",
			replacement: regenerated(specedit.Replace(specedit.Path("components", "schemas", "DropClusterData"), "required: [clusterId, prompt]", "required: [clusterId]")),
			want:        "data.Prompt (variable of type *string)",
		},
		{
			// The operation renamed: DropClusterResponse and its
			// JSON200 move to DeleteClusterResponse.
			name:        "a regeneration that renames the operation",
			file:        "api/api.gen.go",
			replacement: regenerated(specedit.Replace(specedit.Operation("dropCluster"), "operationId: dropCluster", "operationId: deleteCluster")),
			want:        "undefined: api.DropClusterResponse",
		},
		{
			name: "a consumer with a field api never had",
			file: "testdata/consumer/main.go",
			replacement: func(t *testing.T) []byte {
				return edited(t, "testdata/consumer/main.go", edit{"= res.JSON200", "= res.JSON2OO"})
			},
			want: "res.JSON2OO undefined",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			overlay := writeOverlay(t, tt.file, tt.replacement(t))
			err := buildConsumer(t, overlay)
			if err == nil {
				t.Fatal("the consumer built")
			}
			msg := err.Error()
			lines := strings.Split(msg, "\n")
			// An overlaid main.go is named by its replacement's path.
			if !compilerLine.MatchString(lines[0]) || !strings.Contains(msg, tt.want) {
				t.Errorf("the guard's message does not start with the compiler's file:line or lacks %q:\n%s", tt.want, msg)
			}
			if lines[len(lines)-1] != consumerBroken {
				t.Errorf("the guard's message does not end with what to do:\n%s", msg)
			}
		})
	}
}

// compilerLine is how the compiler starts a line about the consumer.
var compilerLine = regexp.MustCompile(`^\S*main\.go:\d+:\d+: `)

// edit replaces old, which must occur exactly once, by new.
type edit struct{ old, new string }

// edited returns the repository file at path with e applied.
func edited(t *testing.T, path string, e edit) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(data), e.old); n != 1 {
		t.Fatalf("edit: %q occurs %d times in %s, want once", e.old, n, path)
	}
	return []byte(strings.Replace(string(data), e.old, e.new, 1))
}

// regenerated returns api/api.gen.go as go generate would write it from
// openapi.yaml with e applied.
func regenerated(e specedit.Edit) func(t *testing.T) []byte {
	return func(t *testing.T) []byte {
		t.Helper()
		config, err := os.ReadFile("api/oapi-codegen.yaml")
		if err != nil {
			t.Fatal(err)
		}
		spec, err := os.ReadFile("openapi.yaml")
		if err != nil {
			t.Fatal(err)
		}
		g := specdiff.Generator{PackagePath: module + "/api"}
		code, err := g.Generate(t.Context(), specdiff.Input{
			Spec:   specdiff.Document{Name: "openapi.yaml (edited)", Data: []byte(specedit.Apply(t, string(spec), e))},
			Config: specdiff.Document{Name: "api/oapi-codegen.yaml", Data: config},
		})
		if err != nil {
			t.Fatal(err)
		}
		return code
	}
}

// writeOverlay writes content to a temporary file and an -overlay file that
// puts it in place of the repository file at path, for the go command only.
func writeOverlay(t *testing.T, path string, content []byte) string {
	t.Helper()
	dir := t.TempDir()
	replacement := filepath.Join(dir, filepath.Base(path))
	if err := os.WriteFile(replacement, content, 0o600); err != nil {
		t.Fatal(err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	overlay, err := json.Marshal(map[string]map[string]string{"Replace": {abs: replacement}})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "overlay.json")
	if err := os.WriteFile(file, overlay, 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}
