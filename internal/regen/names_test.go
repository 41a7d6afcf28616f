package regen

import (
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/zcdrop/zcdrop/internal/specdiff"
	"github.com/zcdrop/zcdrop/internal/specedit"
)

func change(severity specdiff.Severity, name, message string) specdiff.GoAPIChange {
	return specdiff.GoAPIChange{Severity: severity, Name: name, Message: message}
}

// TestClassify sorts apidiff's own messages (these are from renaming the
// operation, and from making DropClusterData.Status required) by what they
// say happened.
func TestClassify(t *testing.T) {
	const errS, info = specdiff.SeverityError, specdiff.SeverityInfo
	tests := []struct {
		name    string
		changes []specdiff.GoAPIChange
		want    goNames
	}{
		{
			name: "renaming the operation",
			changes: []specdiff.GoAPIChange{
				change(errS, "(*Client).DropCluster", "removed"),
				change(errS, "ClientInterface.DeleteCluster", "added"),
				change(errS, "ClientInterface.DropCluster", "method set of *ClientWithResponses: removed"),
				change(errS, "ClientInterface.DropCluster", "removed"),
				change(errS, "DropClusterResponse", "removed"),
				change(errS, "ServerInterface.DeleteCluster", "added"),
				change(info, "(*Client).DeleteCluster", "added"),
				change(info, "ClientInterface.DeleteCluster", "added"),
				change(info, "DeleteClusterResponse", "added"),
			},
			want: goNames{
				nameRemoved:          {"(*Client).DropCluster", "ClientInterface.DropCluster", "DropClusterResponse"},
				nameAddedToInterface: {"ClientInterface.DeleteCluster", "ServerInterface.DeleteCluster"},
				nameAdded:            {"(*Client).DeleteCluster", "DeleteClusterResponse"},
			},
		},
		{
			name:    "a pointer that became a value",
			changes: []specdiff.GoAPIChange{change(errS, "DropClusterData.Status", "changed from *string to string")},
			want:    goNames{nameChanged: {"DropClusterData.Status"}},
		},
		{
			name: "compatible changes",
			changes: []specdiff.GoAPIChange{
				change(info, "DropClusterData.Status", "added"),
				change(info, "Handler", "changed from func to var"),
			},
			want: goNames{nameAdded: {"DropClusterData.Status"}, nameChangedCompatibly: {"Handler"}},
		},
		{name: "none", want: goNames{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := classify(tt.changes)
			for k := range nameClasses {
				if !slices.Equal(got[k], tt.want[k]) {
					t.Errorf("%s: %q, want %q", nameClassLabels[k], got[k], tt.want[k])
				}
			}
		})
	}
}

// TestClassifyRenamedOperation classifies what apidiff says of the Go API
// when the operation is renamed, as spec diff runs it: every name once, the
// interfaces' new methods as breaking, and the old ones as removed.
func TestClassifyRenamedOperation(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on PATH, which generates the Go API")
	}
	config, err := os.ReadFile("../../api/oapi-codegen.yaml")
	if err != nil {
		t.Fatal(err)
	}
	spec := realSpec(t)
	in := func(name string, spec []byte) specdiff.Input {
		return specdiff.Input{Spec: specdiff.Document{Name: name, Data: spec}, Config: specdiff.Document{Name: "api/oapi-codegen.yaml", Data: config}}
	}
	g := specdiff.Generator{ModuleDir: "../..", PackagePath: "github.com/zcdrop/zcdrop/api"}
	changes, err := g.Compare(t.Context(), in("old.yaml", spec), in("new.yaml", edited(t, spec, specedit.Replace(dropCluster, "operationId: dropCluster", "operationId: deleteCluster"))))
	if err != nil {
		t.Fatal(err)
	}
	names := classify(changes)
	class := map[string]string{}
	for k := range nameClasses {
		for _, n := range names[k] {
			if was, ok := class[n]; ok {
				t.Errorf("%s is both %s and %s", n, was, nameClassLabels[k])
			}
			class[n] = nameClassLabels[k]
		}
	}
	for name, want := range map[string]string{
		"ClientInterface.DeleteCluster":                          nameClassLabels[nameAddedToInterface],
		"ClientWithResponsesInterface.DeleteClusterWithResponse": nameClassLabels[nameAddedToInterface],
		"ClientInterface.DropCluster":                            nameClassLabels[nameRemoved],
		"(*ClientWithResponses).DropClusterWithResponse":         nameClassLabels[nameRemoved],
		"DropClusterResponse":                                    nameClassLabels[nameRemoved],
		"(*Client).DeleteCluster":                                nameClassLabels[nameAdded],
		"DeleteClusterResponse":                                  nameClassLabels[nameAdded],
	} {
		if class[name] != want {
			t.Errorf("%s is %q, want %q", name, class[name], want)
		}
	}
	if len(names[nameChanged]) > 0 {
		t.Errorf("renaming is no incompatible change of a name that stays: %q", names[nameChanged])
	}
	// The summary says so in its own words.
	var out strings.Builder
	summarize(&out, "HEAD", nil, names)
	if !strings.Contains(out.String(), "added to an interface (breaks implementations): ClientInterface.DeleteCluster, ") {
		t.Errorf("summary:\n%s", out.String())
	}
}
