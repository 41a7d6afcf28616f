package specdiff

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/zcdrop/zcdrop/internal/specedit"
)

func TestSpec(t *testing.T) {
	tests := []struct {
		name  string
		edits []specedit.Edit
		// wantErr is the oasdiff check that must report an ERR; "" means
		// no change may be ERR.
		wantErr string
		// wantID is a check that must report the change at any level.
		wantID string
		// oldEdits are applied to the old copy, for a change that takes
		// something away from what the old spec had.
		oldEdits []specedit.Edit
	}{
		{
			name: "removing a response property",
			edits: []specedit.Edit{
				specedit.Replace(dropData, "required: [clusterId, prompt]", "required: [clusterId]"),
				specedit.Remove(specedit.Path("components", "schemas", "DropClusterData", "properties", "prompt")),
			},
			wantErr: "response-required-property-removed",
		},
		{
			name:    "adding a required parameter",
			edits:   []specedit.Edit{specedit.Append(specedit.Operation("dropCluster", "parameters"), "        - {name: X-Project, in: header, required: true, schema: {type: string}}\n")},
			wantErr: "new-required-request-parameter",
		},
		{
			name:    "changing the path",
			edits:   []specedit.Edit{specedit.Replace(specedit.Path("paths", "/v2/clusters/{clusterId}/drop"), "  /v2/clusters/{clusterId}/drop:\n", "  /v2/clusters/{clusterId}/delete:\n")},
			wantErr: "api-path-removed-without-deprecation",
		},
		{
			name:    "narrowing the clusterId pattern",
			edits:   []specedit.Edit{narrowClusterID},
			wantErr: "request-parameter-pattern-changed",
		},
		{
			// The old copy has an optional property that the new one
			// lacks: oasdiff says INFO, and a client that reads it gets
			// nothing where it got a value.
			name:     "removing an optional response property",
			oldEdits: []specedit.Edit{addOptionalStatus},
			wantErr:  "response-optional-property-removed",
		},
		{
			name:     "an optional response property becoming write-only",
			edits:    []specedit.Edit{addWriteOnlyStatus},
			oldEdits: []specedit.Edit{addOptionalStatus},
			wantErr:  "response-optional-property-became-write-only",
		},
		{
			name:   "adding an optional response property",
			edits:  []specedit.Edit{addOptionalStatus},
			wantID: "response-optional-property-added",
		},
		{
			name:  "adding an error code",
			edits: []specedit.Edit{specedit.Append(specedit.Path("components", "schemas", "ErrorEnvelope", "properties", "code", "x-zilliz-error-codes"), "            - {code: 96099, meaning: a code first seen in a test, source: specdiff test}\n")},
		},
		{
			name: "no edit",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := Document{Name: "old.yaml", Data: spec(t, tt.oldEdits...)}
			new := Document{Name: "new.yaml", Data: spec(t, tt.edits...)}
			changes, err := Spec(old, new)
			if err != nil {
				t.Fatal(err)
			}
			var errs, ids []string
			for _, c := range changes {
				ids = append(ids, c.ID)
				if c.Severity == SeverityError {
					errs = append(errs, c.ID)
				}
			}
			switch {
			case tt.wantErr == "" && len(errs) > 0:
				t.Errorf("ERR from %v, want none; changes: %+v", errs, changes)
			case tt.wantErr != "" && !slices.Contains(errs, tt.wantErr):
				t.Errorf("no ERR from %s; changes: %+v", tt.wantErr, changes)
			}
			if tt.wantID != "" && !slices.Contains(ids, tt.wantID) {
				t.Errorf("no change from %s; changes: %+v", tt.wantID, changes)
			}
			if tt.name == "no edit" && len(changes) != 0 {
				t.Errorf("the spec differs from itself: %+v", changes)
			}
		})
	}
}

// A change carries where it is, in the document that has it, under the
// name the caller gave, as given: kin-openapi records a document's name as
// a URL, which would show "my specs/a.yaml" as "my%20specs/a.yaml".
func TestSpecSource(t *testing.T) {
	// Both operations take the clusterId parameter whose pattern this
	// narrows, so each gets its change, at the parameter's one pattern.
	wantOperations := []string{"DELETE /v2/clusters/{clusterId}/drop", "GET /v2/clusters/{clusterId}"}
	for _, name := range []string{"openapi.yaml", "my specs/open api%41 <b>&#1.yaml", "c:/specs/openapi.yaml"} {
		t.Run(name, func(t *testing.T) {
			old := Document{Name: name + "@HEAD", Data: spec(t)}
			new := Document{Name: name, Data: spec(t, narrowClusterID)}
			changes, err := Spec(old, new)
			if err != nil {
				t.Fatal(err)
			}
			var operations []string
			for _, c := range changes {
				if c.ID != "request-parameter-pattern-changed" {
					continue
				}
				operations = append(operations, c.Operation+" "+c.Path)
				if !strings.HasPrefix(c.Source, name+":") {
					t.Errorf("change %+v: want a source in %s", c, name)
				}
			}
			slices.Sort(operations)
			if !slices.Equal(operations, wantOperations) {
				t.Errorf("the pattern changed for %q, want %q; changes: %+v", operations, wantOperations, changes)
			}
		})
	}
}

func TestSpecBadInput(t *testing.T) {
	good := Document{Name: "good.yaml", Data: spec(t)}
	tests := []struct {
		name string
		data string
		want string
	}{
		{"not YAML", "openapi: [3.0.3\n", "bad.yaml: "},
		{"not OpenAPI", "title: a list of groceries\n", `bad.yaml: not an OpenAPI 3 document`},
		{"Swagger 2", "swagger: '2.0'\ninfo: {title: x, version: '1'}\npaths: {}\n", `bad.yaml: not an OpenAPI 3 document`},
		{"an external reference", "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /a:\n    $ref: 'other.yaml#/paths/~1a'\n", "bad.yaml: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := Document{Name: "bad.yaml", Data: []byte(tt.data)}
			for _, pair := range [][2]Document{{bad, good}, {good, bad}} {
				_, err := Spec(pair[0], pair[1])
				var le *LoadError
				if !errors.As(err, &le) || le.Name != "bad.yaml" || !strings.HasPrefix(err.Error(), tt.want) {
					t.Errorf("Spec: error %v, want a *LoadError starting %q", err, tt.want)
				}
				if err != nil && strings.Count(err.Error(), "\n") > 0 {
					t.Errorf("error spans lines: %q", err)
				}
			}
		})
	}
}
