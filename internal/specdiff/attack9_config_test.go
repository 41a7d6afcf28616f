package specdiff

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// An oapi-codegen configuration comes from a pull request, or from git at
// BASE, as much as the spec does. oapi-codegen reads a user template that
// is one line as a file, or else fetches it as a URL; it reads an overlay
// and, in the old configuration style, a directory of templates. None of
// that may happen: Generate refuses such a configuration before the
// generator runs, and names the key.
func TestGenerateRefusesConfigThatNamesFiles(t *testing.T) {
	needGo(t)
	var fetched atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetched.Add(1)
		_, _ = w.Write([]byte("MARKER_FETCHED"))
	}))
	defer srv.Close()

	dir := t.TempDir()
	write := func(name, content string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	secret := write("secret.txt", "MARKER_LOCAL_FILE\n")
	overlay := write("overlay.yaml", `overlay: 1.0.0
info: {title: x, version: "1"}
actions:
  - target: $.paths.*.delete
    update: {operationId: markerOverlayOp}
`)
	templates := filepath.Join(dir, "templates")
	if err := os.Mkdir(templates, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(templates, "imports.tmpl"), []byte("MARKER_TEMPLATES_DIR\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	base := string(config(t).Data)
	tests := []struct {
		name, config, key string
	}{
		{"user template as a URL", base + "output-options:\n  user-templates:\n    client.tmpl: " + srv.URL + "/tmpl\n", "user-templates"},
		{"user template as a file", base + "output-options:\n  user-templates:\n    imports.tmpl: " + secret + "\n", "user-templates"},
		{"user template behind an alias", base + "output-options:\n  include-tags: [&t " + secret + "]\n  user-templates:\n    imports.tmpl: *t\n", "user-templates"},
		{"user template under a key that is no string", base + "output-options:\n  user-templates:\n    1: " + srv.URL + "/tmpl\n", "user-templates"},
		{"overlay", base + "output-options:\n  overlay:\n    path: " + overlay + "\n", "overlay"},
		{"old style templates directory", "package: api\ngenerate: [types, client]\noutput: api.gen.go\ntemplates: " + templates + "\n", "templates"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := fetched.Load()
			_, err := generator.Generate(t.Context(), Input{
				Spec:   Document{Name: "openapi.yaml", Data: spec(t)},
				Config: Document{Name: "oapi-codegen.yaml", Data: []byte(tt.config)},
			})
			if n := fetched.Load() - before; n > 0 {
				t.Errorf("the generator fetched the configuration's URL %d time(s)", n)
			}
			if err == nil {
				t.Fatalf("Generate accepted a configuration whose %s names a file or URL", tt.key)
			}
			if msg := err.Error(); strings.Contains(msg, "MARKER") || !strings.Contains(msg, tt.key) {
				t.Errorf("error = %q; want a refusal that names %s and quotes nothing it read", msg, tt.key)
			}
			var ge *GenerateError
			if errors.As(err, &ge) && ge.Output != "" {
				t.Errorf("the generator ran on the configuration: %q", ge.Output)
			}
		})
	}
}

// An inline user template, of more than one line, is text that
// oapi-codegen reads as it is: it names nothing, and is accepted.
func TestGenerateAcceptsInlineUserTemplate(t *testing.T) {
	cfg, err := generatorConfig(config(t).Data, "/tmp/out.gen.go")
	if err != nil {
		t.Fatal(err)
	}
	inline := string(config(t).Data) + "output-options:\n  user-templates:\n    x.tmpl: |\n      // line one\n      // line two\n"
	if _, err := generatorConfig([]byte(inline), "/tmp/out.gen.go"); err != nil {
		t.Errorf("an inline template was refused: %v", err)
	}
	if !strings.Contains(string(cfg), "output: /tmp/out.gen.go") {
		t.Errorf("the configuration's output is not the temporary file:\n%s", cfg)
	}
}
