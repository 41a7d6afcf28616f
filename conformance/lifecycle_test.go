package conformance

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zcdrop/zcdrop/internal/vcr"
)

// The clusters of the lifecycle tests.
const (
	clusterA = "in01-6183d6bac30f801"
	clusterB = "in05-2c4e6a8b0d1f3e5"
)

// step is one exchange of a hand-built cassette.
type step struct {
	method  string
	cluster string
	status  int    // HTTP status
	body    string // the response body
	extra   http.Header
}

func dropped(id string) step {
	return step{method: http.MethodDelete, cluster: id, status: 200,
		body: `{"code":0,"data":{"clusterId":"` + id + `","prompt":"The cluster has been deleted."}}`}
}

func described(id, status string) step {
	return step{method: http.MethodGet, cluster: id, status: 200,
		body: `{"code":0,"data":{"clusterId":"` + id + `","status":"` + status + `"}}`}
}

func dropAnswered(id string, status int, code int) step {
	return step{method: http.MethodDelete, cluster: id, status: status,
		body: fmt.Sprintf(`{"code":%d,"message":"Cluster not exist or you don't have permission."}`, code)}
}

func describeAnswered(id string, status int, code int) step {
	s := dropAnswered(id, status, code)
	s.method = http.MethodGet
	return s
}

func dropNotFound(id string) step     { return dropAnswered(id, 200, 96018) }
func describeNotFound(id string) step { return describeAnswered(id, 200, 96018) }

// writeSteps writes steps as a cassette, interaction i with id ids(i), and
// returns its path.
func writeSteps(t *testing.T, dir, name string, id func(int) int, steps ...step) string {
	t.Helper()
	c := &vcr.Cassette{Version: vcr.FormatVersion}
	for i, s := range steps {
		url := "https://api.cloud.zilliz.com/v2/clusters/" + s.cluster
		if s.method == http.MethodDelete {
			url += "/drop"
		}
		header := http.Header{"Authorization": {"Bearer REDACTED"}, "Accept": {"application/json"}}
		for k, v := range s.extra {
			header[k] = v
		}
		c.Interactions = append(c.Interactions, &vcr.Interaction{
			ID: id(i),
			Request: vcr.Request{Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Host: "api.cloud.zilliz.com",
				Headers: header, URL: url, Method: s.method},
			Response: vcr.Response{Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, ContentLength: int64(len(s.body)),
				Body: s.body, Headers: http.Header{"Content-Type": {"application/json"}},
				Status: fmt.Sprintf("%d %s", s.status, http.StatusText(s.status)), Code: s.status},
		})
	}
	data, err := vcr.Encode(c)
	if err != nil {
		t.Fatal(err)
	}
	return writeFile(t, dir, name, string(data))
}

func sameID(i int) int { return i }

// lifeWant is a lifecycle violation that interaction at must carry.
type lifeWant struct {
	at      int
	pointer string
	message string // a substring
}

// The beginnings of the rules' messages.
const (
	secondDrop     = "a second successful drop of the cluster that interaction #%d dropped, and no describe since has reported DELETED"
	runningAgain   = "reports RUNNING, but interaction #%d, the last describe of this cluster before it, reported DELETING"
	foundAgain     = "a success for a cluster that interaction #%d, a describe, found not to exist (96018); once not found, a cluster is never found again by the same key"
	dropAfterGone  = "a successful drop of a cluster that interaction #%d, a drop, found not to exist or already dropped (96018)"
	pointerCode    = "/code"
	pointerStatus  = "/data/status"
	echoElsewhere  = `{"code":0,"data":{"clusterId":"in01-000000000000000","prompt":"x"}}`
	credentialLike = "Bearer Zx9QmT4vK2pL8rW6yN3bJ7hD5sF1gC0a"
)

func violationsOf(t *testing.T, path string) []Result {
	t.Helper()
	results, err := newTestValidator(t).CheckCassettes(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return results
}

// checkLifecycle fails unless each interaction carries exactly the
// lifecycle violations want says, and no other.
func checkLifecycle(t *testing.T, results []Result, want []lifeWant) {
	t.Helper()
	byIndex := map[int][]lifeWant{}
	for _, w := range want {
		byIndex[w.at] = append(byIndex[w.at], w)
	}
	for i, r := range results {
		w := byIndex[i]
		if len(r.Violations) != len(w) || r.OK != (len(w) == 0) {
			t.Errorf("interaction %d (%s %s): got OK %v, %v; want %d lifecycle violations %v", i, r.Method, r.URL, r.OK, r.Violations, len(w), w)
			continue
		}
		for j, x := range r.Violations {
			if x.Kind != KindSemantic || x.Pointer != w[j].pointer || !strings.Contains(x.Message, w[j].message) {
				t.Errorf("interaction %d: got %q, want semantic %s containing %q", i, x, w[j].pointer, w[j].message)
			}
		}
	}
}

func TestLifecycleRules(t *testing.T) {
	tests := []struct {
		name  string
		steps []step
		want  []lifeWant
	}{
		// Rule 1.
		{name: "a second successful drop",
			steps: []step{dropped(clusterA), dropped(clusterA)},
			want:  []lifeWant{{1, pointerCode, fmt.Sprintf(secondDrop, 0)}}},
		{name: "a second successful drop after a lagging RUNNING",
			steps: []step{dropped(clusterA), described(clusterA, "RUNNING"), dropped(clusterA)},
			want:  []lifeWant{{2, pointerCode, fmt.Sprintf(secondDrop, 0)}}},
		{name: "a second successful drop while DELETING",
			steps: []step{dropped(clusterA), described(clusterA, "DELETING"), dropped(clusterA)},
			want:  []lifeWant{{2, pointerCode, fmt.Sprintf(secondDrop, 0)}}},
		{name: "a second successful drop after a drop's 96018",
			steps: []step{dropped(clusterA), dropNotFound(clusterA), dropped(clusterA)},
			want:  []lifeWant{{2, pointerCode, fmt.Sprintf(secondDrop, 0)}}},
		{name: "every drop after the first is reported against the first",
			steps: []step{dropped(clusterA), dropped(clusterA), dropped(clusterA)},
			want:  []lifeWant{{1, pointerCode, fmt.Sprintf(secondDrop, 0)}, {2, pointerCode, fmt.Sprintf(secondDrop, 0)}}},
		// Rule 2.
		{name: "RUNNING after DELETING",
			steps: []step{described(clusterA, "DELETING"), described(clusterA, "RUNNING")},
			want:  []lifeWant{{1, pointerStatus, fmt.Sprintf(runningAgain, 0)}}},
		{name: "RUNNING after a drop and DELETING",
			steps: []step{described(clusterA, "RUNNING"), dropped(clusterA), described(clusterA, "RUNNING"), described(clusterA, "DELETING"), described(clusterA, "RUNNING")},
			want:  []lifeWant{{4, pointerStatus, fmt.Sprintf(runningAgain, 3)}}},
		{name: "RUNNING after DELETING and a drop's 96018",
			steps: []step{described(clusterA, "DELETING"), dropNotFound(clusterA), described(clusterA, "RUNNING")},
			want:  []lifeWant{{2, pointerStatus, fmt.Sprintf(runningAgain, 0)}}},
		{name: "RUNNING twice after DELETING: the first RUNNING teaches nothing",
			steps: []step{described(clusterA, "DELETING"), described(clusterA, "RUNNING"), described(clusterA, "RUNNING")},
			want:  []lifeWant{{1, pointerStatus, fmt.Sprintf(runningAgain, 0)}, {2, pointerStatus, fmt.Sprintf(runningAgain, 0)}}},
		{name: "RUNNING after the last of two DELETING",
			steps: []step{described(clusterA, "DELETING"), described(clusterA, "DELETING"), described(clusterA, "RUNNING")},
			want:  []lifeWant{{2, pointerStatus, fmt.Sprintf(runningAgain, 1)}}},
		// Rule 3.
		{name: "a describe after a describe's 96018",
			steps: []step{describeNotFound(clusterA), described(clusterA, "DELETED")},
			want:  []lifeWant{{1, pointerCode, fmt.Sprintf(foundAgain, 0)}}},
		{name: "a drop after a describe's 96018",
			steps: []step{describeNotFound(clusterA), dropped(clusterA)},
			want:  []lifeWant{{1, pointerCode, fmt.Sprintf(foundAgain, 0)}}},
		{name: "RUNNING after a purge",
			steps: []step{dropped(clusterA), described(clusterA, "DELETED"), describeNotFound(clusterA), described(clusterA, "RUNNING")},
			want:  []lifeWant{{3, pointerCode, fmt.Sprintf(foundAgain, 2)}}},
		{name: "a drop after a drop's 96018",
			steps: []step{dropNotFound(clusterA), dropped(clusterA)},
			want:  []lifeWant{{1, pointerCode, fmt.Sprintf(dropAfterGone, 0)}}},
		{name: "a drop after a drop's 96018 and a lagging RUNNING",
			steps: []step{dropNotFound(clusterA), described(clusterA, "RUNNING"), dropped(clusterA)},
			want:  []lifeWant{{2, pointerCode, fmt.Sprintf(dropAfterGone, 0)}}},
		{name: "two rules at once",
			steps: []step{dropped(clusterA), describeNotFound(clusterA), dropped(clusterA)},
			want:  []lifeWant{{2, pointerCode, fmt.Sprintf(foundAgain, 1)}, {2, pointerCode, fmt.Sprintf(secondDrop, 0)}}},
		{name: "rules fire per cluster among others",
			steps: []step{dropped(clusterA), dropped(clusterB), described(clusterB, "DELETING"), dropped(clusterA), described(clusterB, "RUNNING")},
			want:  []lifeWant{{3, pointerCode, fmt.Sprintf(secondDrop, 0)}, {4, pointerStatus, fmt.Sprintf(runningAgain, 2)}}},

		// The neighbours that can happen.
		{name: "RUNNING right after a drop: describe lags",
			steps: []step{described(clusterA, "RUNNING"), dropped(clusterA), described(clusterA, "RUNNING"), described(clusterA, "DELETING")}},
		{name: "the whole life",
			steps: []step{described(clusterA, "RUNNING"), dropped(clusterA), dropNotFound(clusterA), described(clusterA, "DELETING"),
				described(clusterA, "DELETING"), described(clusterA, "DELETED"), describeNotFound(clusterA), dropNotFound(clusterA), describeNotFound(clusterA)}},
		{name: "DELETED then RUNNING: a restore",
			steps: []step{dropped(clusterA), described(clusterA, "DELETING"), described(clusterA, "DELETED"), described(clusterA, "RUNNING")}},
		{name: "a drop after DELETED: a restore",
			steps: []step{dropped(clusterA), described(clusterA, "DELETED"), dropped(clusterA), described(clusterA, "DELETING")}},
		{name: "a drop after a drop's 96018 and DELETED: a restore",
			steps: []step{dropNotFound(clusterA), described(clusterA, "DELETED"), dropped(clusterA)}},
		{name: "a status nobody has placed between DELETING and RUNNING",
			steps: []step{dropped(clusterA), described(clusterA, "DELETING"), described(clusterA, "RESTORING"), described(clusterA, "RUNNING"), dropped(clusterA)}},
		{name: "a status nobody has listed between two drops",
			steps: []step{dropped(clusterA), described(clusterA, "HIBERNATING_2031"), dropped(clusterA)}},
		{name: "a drop's 96018, then DELETING or RUNNING: the answer to a second drop",
			steps: []step{dropNotFound(clusterA), described(clusterA, "RUNNING"), described(clusterA, "DELETING"), described(clusterA, "DELETED")}},
		{name: "96018 then a success for another cluster",
			steps: []step{describeNotFound(clusterA), dropNotFound(clusterA), dropped(clusterB), described(clusterB, "RUNNING")}},
		{name: "two drops of two clusters",
			steps: []step{dropped(clusterA), dropped(clusterB)}},
		{name: "interleaved clusters",
			steps: []step{described(clusterA, "RUNNING"), dropped(clusterB), described(clusterA, "RUNNING"), described(clusterB, "DELETING"),
				dropped(clusterA), described(clusterB, "DELETED"), described(clusterA, "RUNNING"), describeNotFound(clusterB), described(clusterA, "DELETING")}},
		{name: "other business codes say nothing",
			steps: []step{describeAnswered(clusterA, 200, 96016), dropAnswered(clusterA, 200, 96016), dropped(clusterA), describeAnswered(clusterA, 200, 80020), described(clusterA, "DELETING")}},
		{name: "96018 on another status than 200 says nothing",
			steps: []step{describeAnswered(clusterA, 404, 96018), dropAnswered(clusterA, 404, 96018), dropped(clusterA)}},
		{name: "failures say nothing",
			steps: []step{dropped(clusterA), dropAnswered(clusterA, 500, 500), describeAnswered(clusterA, 429, 429), dropAnswered(clusterA, 401, 21119)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			results := violationsOf(t, writeSteps(t, t.TempDir(), "c.yaml", sameID, tt.steps...))
			if len(results) != len(tt.steps) {
				t.Fatalf("got %d results, want %d", len(results), len(tt.steps))
			}
			checkLifecycle(t, results, tt.want)
		})
	}
}

// TestLifecycleSkipsViolations: an interaction that breaks another rule is
// neither judged by the lifecycle rules nor learned from.
func TestLifecycleSkipsViolations(t *testing.T) {
	echo := dropped(clusterA)
	echo.body = echoElsewhere
	leaky := dropped(clusterA)
	leaky.extra = http.Header{"X-Debug": {credentialLike}}
	tests := []struct {
		name  string
		steps []step
		want  [][]string // per interaction, substrings of its violations in order
	}{
		{name: "a success that echoes another cluster is no drop",
			steps: []step{echo, dropped(clusterA)},
			want:  [][]string{{"echoes cluster"}, nil}},
		{name: "a drop with a credential is not judged",
			steps: []step{dropped(clusterA), leaky},
			want:  [][]string{nil, {"holds what looks like a credential"}}},
		{name: "nor learned from",
			steps: []step{leaky, dropped(clusterA)},
			want:  [][]string{{"holds what looks like a credential"}, nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			results := violationsOf(t, writeSteps(t, t.TempDir(), "c.yaml", sameID, tt.steps...))
			for i, r := range results {
				if len(r.Violations) != len(tt.want[i]) {
					t.Errorf("interaction %d: got %v, want %q", i, r.Violations, tt.want[i])
					continue
				}
				for j, x := range r.Violations {
					if !strings.Contains(x.Message, tt.want[i][j]) {
						t.Errorf("interaction %d: got %q, want it to contain %q", i, x, tt.want[i][j])
					}
				}
			}
		})
	}
}

// TestLifecycleNamesByID: a message names the earlier interaction by the
// id its cassette gives it, not by its place.
func TestLifecycleNamesByID(t *testing.T) {
	results := violationsOf(t, writeSteps(t, t.TempDir(), "c.yaml", func(i int) int { return 40 + 2*i },
		described(clusterB, "RUNNING"), dropped(clusterA), dropped(clusterA)))
	checkLifecycle(t, results, []lifeWant{{2, pointerCode, fmt.Sprintf(secondDrop, 42)}})
	if results[2].ID != 44 {
		t.Errorf("the result's ID is %d, want 44", results[2].ID)
	}
}

// TestLifecyclePerCassette: each cassette is a sequence of its own; two
// files that each drop a cluster once pass, whether given one by one or as
// a directory, and the second drop in one file fails.
func TestLifecyclePerCassette(t *testing.T) {
	dir := t.TempDir()
	first := writeSteps(t, dir, "a.yaml", sameID, described(clusterA, "DELETING"), dropped(clusterA), describeNotFound(clusterB))
	second := writeSteps(t, dir, "b.yaml", sameID, dropped(clusterA), described(clusterA, "RUNNING"), dropped(clusterB))
	v := newTestValidator(t)
	for _, paths := range [][]string{{first, second}, {dir}, {second, first}} {
		results, err := v.CheckCassettes(context.Background(), paths...)
		if err != nil {
			t.Fatal(err)
		}
		if s := Summarize(results); s.Total != 6 || s.Failed != 0 {
			t.Errorf("%v: got %+v, want 6 passed", paths, s)
			for _, r := range results {
				if !r.OK {
					t.Logf("%s #%d: %v", filepath.Base(r.File), r.ID, r.Violations)
				}
			}
		}
	}

	// The same interactions in one file break rules 1, 2 and 3.
	both := writeSteps(t, dir, "both/c.yaml", sameID, described(clusterA, "DELETING"), dropped(clusterA), describeNotFound(clusterB),
		dropped(clusterA), described(clusterA, "RUNNING"), dropped(clusterB))
	checkLifecycle(t, violationsOf(t, both), []lifeWant{
		{3, pointerCode, fmt.Sprintf(secondDrop, 1)},
		{4, pointerStatus, fmt.Sprintf(runningAgain, 0)},
		{5, pointerCode, fmt.Sprintf(foundAgain, 2)},
	})
}
