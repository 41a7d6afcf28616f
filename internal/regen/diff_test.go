package regen

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/zcdrop/zcdrop/internal/specdiff"
	"github.com/zcdrop/zcdrop/internal/specedit"
)

func TestDiff(t *testing.T) {
	const showSpec, showConfig = "git show HEAD:openapi.yaml", "git show HEAD:api/oapi-codegen.yaml"
	spec := realSpec(t)
	narrowed := edited(t, spec, specedit.Replace(specedit.Path("components", "parameters", "ClusterId", "schema"), `pattern: '^in([0-9]{2})?-[a-z0-9]+$'`, `pattern: '^in01-[a-z0-9]+$'`))
	config, err := os.ReadFile("../../api/oapi-codegen.yaml")
	if err != nil {
		t.Fatal(err)
	}
	atBase := map[string]answer{showSpec: printed(string(spec)), showConfig: printed(string(config))}
	none := func(old, new specdiff.Input) ([]specdiff.GoAPIChange, error) { return nil, nil }
	statusRequired := func(old, new specdiff.Input) ([]specdiff.GoAPIChange, error) {
		return []specdiff.GoAPIChange{{Severity: specdiff.SeverityError, Name: "DropClusterData.Status", Message: "changed from *string to string"}}, nil
	}
	tests := []struct {
		name                   string
		spec                   []byte // openapi.yaml now; nil: a directory there
		answers                map[string]answer
		goAPI                  comparerFunc
		specVerdict, goVerdict verdict
		specAbout, goAbout     string
		specLines, goLines     []string
		changed                []string // the names classified as changed incompatibly
	}{
		{
			name: "no change", spec: spec, answers: atBase, goAPI: none,
			specVerdict: verdictOK, specAbout: "0 ERR, 0 WARN, 0 INFO against openapi.yaml@HEAD",
			goVerdict: verdictOK, goAbout: "0 incompatible and 0 compatible change(s)",
		},
		{
			// The spec's own verdict: oasdiff calls a narrower pattern ERR,
			// while the Go API is the same. Both operations take the
			// clusterId parameter, so each has its ERR, at the one pattern.
			name: "a narrower clusterId pattern", spec: narrowed, answers: atBase, goAPI: none,
			specVerdict: verdictBreaking, specAbout: "2 ERR, 0 WARN, 1 INFO against openapi.yaml@HEAD",
			specLines: []string{
				": ERR   request-parameter-pattern-changed: changed the pattern of the `path` request parameter `clusterId`",
				": ERR   request-parameter-pattern-changed: changed the pattern of the `path` request parameter `clusterId`",
				"INFO  api-version-not-bumped: ",
			},
			goVerdict: verdictOK, goAbout: "0 incompatible and 0 compatible change(s)",
		},
		{
			name: "an incompatible Go API", spec: spec, answers: atBase, goAPI: statusRequired,
			specVerdict: verdictOK, specAbout: "0 ERR",
			goVerdict: verdictBreaking, goAbout: "1 incompatible and 0 compatible change(s) to the exported names of api/",
			goLines: []string{"ERR   DropClusterData.Status: changed from *string to string"},
			changed: []string{"DropClusterData.Status"},
		},
		{
			name: "the Go API cannot be compared", spec: spec, answers: atBase,
			goAPI: func(old, new specdiff.Input) ([]specdiff.GoAPIChange, error) {
				return nil, &specdiff.TypeCheckError{Name: "openapi.yaml", Errors: []string{"x.go:1:1: undefined: y"}}
			},
			specVerdict: verdictOK, specAbout: "0 ERR",
			goVerdict: verdictFail, goAbout: "the Go API could not be compared: the Go code generated from openapi.yaml does not type-check: x.go:1:1: undefined: y",
		},
		{
			name: "no openapi.yaml at the base", spec: spec,
			answers:     map[string]answer{showSpec: exit(128, "fatal: path 'openapi.yaml' does not exist in 'HEAD'\n")},
			specVerdict: verdictFail, specAbout: "git show HEAD:openapi.yaml: exit status 128: fatal: path 'openapi.yaml' does not exist in 'HEAD'",
			goVerdict: verdictNotRun, goAbout: "no openapi.yaml at HEAD",
		},
		{
			name: "a spec at the base too large to read", spec: spec,
			answers:     map[string]answer{showSpec: {res: Result{Stdout: "openapi: 3.0.3\n…", Cut: true}}},
			specVerdict: verdictFail, specAbout: "git show HEAD:openapi.yaml: larger than 4194304 bytes",
			goVerdict: verdictNotRun, goAbout: "no openapi.yaml at HEAD",
		},
		{
			name: "openapi.yaml is unreadable", answers: atBase,
			specVerdict: verdictFail, specAbout: "openapi.yaml: is a directory",
			goVerdict: verdictNotRun, goAbout: "openapi.yaml is unreadable",
		},
		{
			name: "not an OpenAPI document at the base", spec: spec,
			answers:     map[string]answer{showSpec: printed("{{{"), showConfig: printed(string(config))},
			goAPI:       none,
			specVerdict: verdictFail, specAbout: "openapi.yaml@HEAD",
			goVerdict: verdictOK,
		},
		{
			name: "no generator configuration at the base", spec: spec,
			answers:     map[string]answer{showSpec: printed(string(spec)), showConfig: exit(128, "fatal: path 'api/oapi-codegen.yaml' does not exist in 'HEAD'\n")},
			specVerdict: verdictOK, specAbout: "0 ERR",
			goVerdict: verdictFail, goAbout: "git show HEAD:api/oapi-codegen.yaml: exit status 128",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := repoDir(t, spec)
			path := filepath.Join(dir, "openapi.yaml")
			if tt.spec == nil {
				if err := os.Remove(path); err != nil {
					t.Fatal(err)
				}
				if err := os.Mkdir(path, 0o755); err != nil {
					t.Fatal(err)
				}
			} else {
				writeFile(t, path, tt.spec)
			}
			cfg := Config{Dir: dir, Base: "HEAD", Runner: &fakeRunner{t: t, answers: tt.answers}}
			if tt.goAPI != nil {
				cfg.GoAPI = tt.goAPI
			}
			spec, goAPI, names := cfg.diff(t.Context())
			checkStep(t, spec, tt.specVerdict, tt.specAbout, tt.specLines)
			checkStep(t, goAPI, tt.goVerdict, tt.goAbout, tt.goLines)
			if !slices.Equal(names[nameChanged], tt.changed) {
				t.Errorf("changed names %q, want %q", names[nameChanged], tt.changed)
			}
		})
	}
}

// Without api/oapi-codegen.yaml there is no Go API to compare: the error
// names the file.
func TestDiffWithoutGeneratorConfig(t *testing.T) {
	dir := repoDir(t, realSpec(t))
	if err := os.Remove(filepath.Join(dir, "api", "oapi-codegen.yaml")); err != nil {
		t.Fatal(err)
	}
	answers := map[string]answer{"git show HEAD:openapi.yaml": printed(string(realSpec(t))), "git show HEAD:api/oapi-codegen.yaml": printed("package: api\n")}
	cfg := Config{Dir: dir, Base: "HEAD", Runner: &fakeRunner{t: t, answers: answers}, GoAPI: comparerFunc(func(old, new specdiff.Input) ([]specdiff.GoAPIChange, error) {
		return nil, errors.New("not reached")
	})}
	_, goAPI, _ := cfg.diff(t.Context())
	checkStep(t, goAPI, verdictFail, filepath.Join(dir, "api", "oapi-codegen.yaml")+": no such file or directory", nil)
}
