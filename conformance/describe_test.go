package conformance

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/zcdrop/zcdrop/api"
)

// TestValidateDescribe: the checks that the schema cannot state apply to
// Describe Cluster where they mean the same as for the drop, an open
// status conforms, and nothing said of a describe speaks of a drop.
func TestValidateDescribe(t *testing.T) {
	v := newTestValidator(t)
	const url = "https://api.cloud.zilliz.com/v2/clusters/in01-6183d6bac30f801"
	auth := map[string]string{"Authorization": "Bearer REDACTED"}
	success := func(status string) string {
		return `{"code":0,"data":{"clusterId":"in01-6183d6bac30f801","status":"` + status + `"}}`
	}
	tests := []struct {
		name string
		body string
		want []Violation // exact list; nil means the exchange conforms
	}{
		{name: "running", body: success("RUNNING")},
		{name: "deleting", body: success("DELETING")},
		{name: "deleted", body: success("DELETED")},
		{name: "a status nobody has listed", body: success("HIBERNATING_2031")},
		{name: "a lower-case status", body: success("deleting")},
		{name: "documented fields beside", body: `{"code":0,"data":{"clusterId":"in01-6183d6bac30f801","status":"RUNNING","clusterName":"c","cuSize":1,"new":true}}`},
		{name: "not found", body: `{"code":96018,"message":"Cluster not exist or you don't have permission."}`},
		{name: "empty status", body: success(""),
			want: []Violation{{Kind: KindResponse, Pointer: "/data/status", Message: "minimum string length is 1 (closest oneOf branch: DescribeClusterSuccess)"}}},
		{name: "status missing", body: `{"code":0,"data":{"clusterId":"in01-6183d6bac30f801"}}`,
			want: []Violation{{Kind: KindResponse, Pointer: "/data/status", Message: `property "status" is missing (closest oneOf branch: DescribeClusterSuccess)`}}},
		{name: "echo differs", body: `{"code":0,"data":{"clusterId":"in01-000000000000000","status":"RUNNING"}}`,
			want: []Violation{{Kind: KindSemantic, Pointer: "/data/clusterId", Message: `echoes cluster "in01-000000000000000", but the request described "in01-6183d6bac30f801"`}}},
		{name: "code case variant", body: `{"code":96018,"message":"m","Code":0,"data":{"clusterId":"in01-6183d6bac30f801","status":"RUNNING"}}`,
			want: []Violation{{Kind: KindSemantic, Pointer: "/Code", Message: `differs from "code" only in case; a reader that ignores case may take it for "code"`}}},
		{name: "status case variant", body: `{"code":0,"data":{"clusterId":"in01-6183d6bac30f801","status":"RUNNING","Status":"DELETED"}}`,
			want: []Violation{{Kind: KindSemantic, Pointer: "/data/Status", Message: `differs from "status" only in case; a reader that ignores case may take it for "status"`}}},
		{name: "clusterId case variant", body: `{"code":0,"data":{"clusterId":"in01-6183d6bac30f801","clusterID":"in01-000000000000000","status":"RUNNING"}}`,
			want: []Violation{{Kind: KindSemantic, Pointer: "/data/clusterID", Message: `differs from "clusterId" only in case; a reader that ignores case may take it for "clusterId"`}}},
		{name: "status twice", body: `{"code":0,"data":{"clusterId":"in01-6183d6bac30f801","status":"DELETING","status":"RUNNING"}}`,
			want: []Violation{{Kind: KindResponse, Pointer: "/data/status", Message: "appears more than once; readers disagree on which one counts"}}},
		{name: "code as a float", body: `{"code":0.0,"data":{"clusterId":"in01-6183d6bac30f801","status":"RUNNING"}}`,
			want: []Violation{{Kind: KindResponse, Pointer: "/code", Message: "is not written as an integer; the client reads only an integer literal, so it calls this answer unexpected"}}},
		{name: "code 0 without data", body: `{"code":0}`,
			want: []Violation{{Kind: KindResponse, Pointer: "/data", Message: `property "data" is missing (closest oneOf branch: DescribeClusterSuccess)`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := v.Validate(context.Background(), Exchange{Request: newRequest(t, "GET", url, auth), Response: jsonResponse(200, tt.body)})
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v\nwant %v", got, tt.want)
			}
			for _, x := range got {
				if strings.Contains(strings.ToLower(x.Message), "drop") {
					t.Errorf("a describe's violation speaks of a drop: %s", x)
				}
			}
		})
	}
}

// TestValidateDropKeepsItsKeys: the keys of a describe's data are not the
// drop's: a drop's data may hold a "Status" of any case, which its client
// does not read.
func TestValidateDropKeepsItsKeys(t *testing.T) {
	v := newTestValidator(t)
	const url = "https://api.cloud.zilliz.com/v2/clusters/in01-6183d6bac30f801/drop"
	req := newRequest(t, "DELETE", url, map[string]string{"Authorization": "Bearer REDACTED"})
	body := `{"code":0,"data":{"clusterId":"in01-6183d6bac30f801","prompt":"x","Prompt":"y","status":"RUNNING","Status":"DELETED"}}`
	got := v.Validate(context.Background(), Exchange{Request: req, Response: jsonResponse(200, body)})
	want := []Violation{{Kind: KindSemantic, Pointer: "/data/Prompt", Message: `differs from "prompt" only in case; a reader that ignores case may take it for "prompt"`}}
	if !slices.Equal(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
}

// TestDataKeysFollowTheSpec: every operation of the embedded spec has its
// entry in dataKeys, and the entry is the required properties of its
// success's data, so that a spec edit that adds an operation, or changes
// what a success must hold, fails here until the Validator knows it.
func TestDataKeysFollowTheSpec(t *testing.T) {
	doc, err := api.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			id := op.OperationID
			seen[id] = true
			want, ok := dataKeys[id]
			if !ok {
				t.Errorf("%s %s: operation %q has no entry in dataKeys", method, path, id)
				continue
			}
			res := op.Responses.Status(200)
			if res == nil || res.Value.Content.Get("application/json") == nil {
				t.Errorf("%s: no application/json answer for HTTP 200", id)
				continue
			}
			var required []string
			for _, branch := range res.Value.Content.Get("application/json").Schema.Value.OneOf {
				if data := branch.Value.Properties["data"]; data != nil {
					required = append(required, data.Value.Required...)
				}
			}
			if !slices.Equal(slices.Sorted(slices.Values(required)), slices.Sorted(slices.Values(want))) {
				t.Errorf("%s: the success's data requires %v, dataKeys says %v", id, required, want)
			}
		}
	}
	for _, id := range slices.Sorted(maps.Keys(dataKeys)) {
		if !seen[id] {
			t.Errorf("dataKeys has %q, which the spec does not declare", id)
		}
	}
	for _, id := range []string{opDropCluster, opDescribeCluster} {
		if !seen[id] {
			t.Errorf("the lifecycle rules read %q, which the spec does not declare", id)
		}
	}
}
