package specdiff

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestSpec(t *testing.T) {
	tests := []struct {
		name  string
		edits func(t *testing.T) []edit
		// wantErr is the oasdiff check that must report an ERR; "" means
		// no change may be ERR.
		wantErr string
		// wantID is a check that must report the change at any level.
		wantID string
		// oldEdits are applied to the old copy, for a change that takes
		// something away from what the old spec had.
		oldEdits []edit
	}{
		{
			name: "removing a response property",
			edits: func(t *testing.T) []edit {
				return []edit{
					{old: "required: [clusterId, prompt]", new: "required: [clusterId]"},
					removeBlock(t, "        prompt:\n", "    ErrorEnvelope:\n"),
				}
			},
			wantErr: "response-required-property-removed",
		},
		{
			name: "adding a required parameter",
			edits: func(*testing.T) []edit {
				return []edit{{
					old: "        - $ref: '#/components/parameters/Accept'\n",
					new: "        - $ref: '#/components/parameters/Accept'\n        - {name: X-Project, in: header, required: true, schema: {type: string}}\n",
				}}
			},
			wantErr: "new-required-request-parameter",
		},
		{
			name: "changing the path",
			edits: func(*testing.T) []edit {
				return []edit{{old: "  /v2/clusters/{clusterId}/drop:\n", new: "  /v2/clusters/{clusterId}/delete:\n"}}
			},
			wantErr: "api-path-removed-without-deprecation",
		},
		{
			name: "narrowing the clusterId pattern",
			edits: func(*testing.T) []edit {
				return []edit{{old: `pattern: '^in([0-9]{2})?-[a-z0-9]+$'`, new: `pattern: '^in[0-9]{2}-[a-z0-9]+$'`}}
			},
			wantErr: "request-parameter-pattern-changed",
		},
		{
			// The old copy has an optional property that the new one
			// lacks: oasdiff says INFO, and a client that reads it gets
			// nothing where it got a value.
			name:     "removing an optional response property",
			edits:    func(*testing.T) []edit { return nil },
			oldEdits: []edit{addOptionalStatus},
			wantErr:  "response-optional-property-removed",
		},
		{
			name:     "an optional response property becoming write-only",
			edits:    func(*testing.T) []edit { return []edit{addWriteOnlyStatus} },
			oldEdits: []edit{addOptionalStatus},
			wantErr:  "response-optional-property-became-write-only",
		},
		{
			name:   "adding an optional response property",
			edits:  func(*testing.T) []edit { return []edit{addOptionalStatus} },
			wantID: "response-optional-property-added",
		},
		{
			name: "adding an error code",
			edits: func(*testing.T) []edit {
				line := "            - {code: 40003, meaning: operation not available in the cluster's current state, source: v1 error-code page}\n"
				return []edit{{old: line, new: line + "            - {code: 96099, meaning: a code first seen in a test, source: specdiff test}\n"}}
			},
		},
		{
			name:  "no edit",
			edits: func(*testing.T) []edit { return nil },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := Document{Name: "old.yaml", Data: spec(t, tt.oldEdits...)}
			new := Document{Name: "new.yaml", Data: spec(t, tt.edits(t)...)}
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
	narrow := edit{old: `pattern: '^in([0-9]{2})?-[a-z0-9]+$'`, new: `pattern: '^in[0-9]{2}-[a-z0-9]+$'`}
	for _, name := range []string{"openapi.yaml", "my specs/open api%41 <b>&#1.yaml", "c:/specs/openapi.yaml"} {
		t.Run(name, func(t *testing.T) {
			old := Document{Name: name + "@HEAD", Data: spec(t)}
			new := Document{Name: name, Data: spec(t, narrow)}
			changes, err := Spec(old, new)
			if err != nil {
				t.Fatal(err)
			}
			if len(changes) == 0 {
				t.Fatal("no change")
			}
			c := changes[0]
			if !strings.HasPrefix(c.Source, name+":") || c.Operation != "DELETE" || c.Path != "/v2/clusters/{clusterId}/drop" {
				t.Errorf("change %+v: want a source in %s and DELETE /v2/clusters/{clusterId}/drop", c, name)
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
