package regen

import (
	"strings"
	"testing"
)

func TestSummarize(t *testing.T) {
	ok := func(name, about string) step { return step{name: name, verdict: verdictOK, about: about} }
	tests := []struct {
		name      string
		steps     []step
		names     goNames
		wantClean bool
		want      string
	}{
		{
			name:      "clean",
			steps:     []step{ok("spec lint", "openapi.yaml breaks none of the 13 rules"), {name: "Go API", verdict: verdictOK, about: "0 incompatible and 1 compatible change(s)", lines: []string{"INFO  DropClusterData.Status: added"}}},
			names:     goNames{nameAdded: {"DropClusterData.Status"}},
			wantClean: true,
			want: `zcdrop spec regen: openapi.yaml against HEAD

spec lint    ok       openapi.yaml breaks none of the 13 rules
Go API       ok       0 incompatible and 1 compatible change(s)
    INFO  DropClusterData.Status: added

api/: exported names: 1 added, 0 removed, 0 changed incompatibly
    added: DropClusterData.Status

verdict: clean. Next: review api/ with git diff, run make test, and commit openapi.yaml with api/.
`,
		},
		{
			// BREAKING comes first in the verdict and in what to do, each
			// in the steps' order, and every class of name is counted.
			name: "breaking and failing",
			steps: []step{
				{name: "spec lint", verdict: verdictFail, about: "1 problem(s) in openapi.yaml:", lines: []string{"openapi.yaml:287:9: error zc005: example"}},
				ok("go generate", "api/ regenerated"),
				{name: "spec diff", verdict: verdictBreaking, about: "1 ERR"},
				{name: "Go API", verdict: verdictBreaking, about: "3 incompatible"},
				{name: "gate", verdict: verdictFail, about: "1 of 15"},
				{name: "mock", verdict: verdictNotRun, about: "nothing was built to run it"},
			},
			names: goNames{
				nameRemoved:           {"DropClusterResponse"},
				nameChanged:           {"DropClusterData.Status"},
				nameAddedToInterface:  {"ClientInterface.DeleteCluster", "ServerInterface.DeleteCluster"},
				nameAdded:             {"DeleteClusterResponse"},
				nameChangedCompatibly: {"Handler"},
			},
			want: `zcdrop spec regen: openapi.yaml against HEAD

spec lint    FAIL     1 problem(s) in openapi.yaml:
    openapi.yaml:287:9: error zc005: example
go generate  ok       api/ regenerated
spec diff    BREAKING 1 ERR
Go API       BREAKING 3 incompatible
gate         FAIL     1 of 15
mock         not run  nothing was built to run it

api/: exported names: 1 added, 1 removed, 1 changed incompatibly, 2 added to an interface (breaks implementations), 1 changed compatibly
    removed: DropClusterResponse
    changed: DropClusterData.Status
    added to an interface (breaks implementations): ClientInterface.DeleteCluster, ServerInterface.DeleteCluster
    added: DeleteClusterResponse
    changed compatibly: Handler

verdict: BREAKING (spec diff, Go API); FAIL (spec lint, gate)
next:
  - ` + advice["spec diff"] + `
  - ` + advice["Go API"] + `
  - ` + advice["spec lint"] + `
  - ` + advice["gate"] + `
  then run make regen again (nothing was committed; api/ now matches openapi.yaml)
`,
		},
		{
			// What a tool or a file printed is escaped: a cassette's
			// violation cannot drive the terminal.
			name: "go generate failed, with terminal escapes in its output",
			steps: []step{
				{name: "go generate", verdict: verdictFail, about: "api/ could not be generated: exit status 1", lines: []string{"error: \x1b]0;pwned\x07 bad spec"}},
				{name: "go build", verdict: verdictNotRun, about: "api/ was not generated"},
			},
			want: `zcdrop spec regen: openapi.yaml against HEAD

go generate  FAIL     api/ could not be generated: exit status 1
    error: \x1b]0;pwned\a bad spec
go build     not run  api/ was not generated

api/: exported names: 0 added, 0 removed, 0 changed incompatibly

verdict: FAIL (go generate)
next:
  - ` + advice["go generate"] + `
  then run make regen again (nothing was committed; go generate did not regenerate api/)
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			clean := summarize(&out, "HEAD", tt.steps, tt.names)
			if clean != tt.wantClean {
				t.Errorf("clean = %v, want %v", clean, tt.wantClean)
			}
			if out.String() != tt.want {
				t.Errorf("summary:\n%s\nwant:\n%s", out.String(), tt.want)
			}
		})
	}
}

// Every step that can fail or break has advice, and the summary names
// steps as the steps name themselves.
func TestAdviceForEveryStep(t *testing.T) {
	for _, name := range []string{"spec lint", "go generate", "go build", "spec diff", "Go API", "gate", "mock"} {
		if !strings.HasPrefix(advice[name], name+": ") {
			t.Errorf("advice for %q: %q", name, advice[name])
		}
	}
}
