package conformance_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zcdrop/zcdrop/conformance"
	"github.com/zcdrop/zcdrop/internal/vcr"
	"github.com/zcdrop/zcdrop/mock"
	"github.com/zcdrop/zcdrop/mock/mocktest"
)

// oneAtATimePerCluster lets no two requests about one cluster be in flight
// together, from the moment one is sent until the Recorder beneath has
// recorded its answer, while requests about different clusters run
// concurrently. The lifecycle rules take a cassette's order for the order
// in which the server answered; a Recorder shared by concurrent requests
// lists exchanges as their answers arrive, which for two requests about one
// cluster in flight together need not be the server's order (see
// conformance.Recorder). With this, the recorded order of each cluster's
// exchanges is the server's.
type oneAtATimePerCluster struct {
	base  http.RoundTripper
	locks sync.Map // cluster ID -> *sync.Mutex
}

func (p *oneAtATimePerCluster) RoundTrip(req *http.Request) (*http.Response, error) {
	id := strings.TrimSuffix(strings.TrimPrefix(req.URL.Path, "/v2/clusters/"), "/drop")
	mu, _ := p.locks.LoadOrStore(id, &sync.Mutex{})
	mu.(*sync.Mutex).Lock()
	defer mu.(*sync.Mutex).Unlock()
	return p.base.RoundTrip(req)
}

// answer is what one exchange with the mock said, as the test reads it.
type answer struct {
	cluster string
	drop    bool
	code    int
	status  string // a describe's success
}

// TestMockTrafficPassesLifecycleRules records the reference mock's traffic
// under concurrent load, goroutines dropping and describing the same and
// different clusters while the mock's clock moves them through DELETING,
// DELETED and the purge, and checks that the gate finds every exchange
// conforming and the sequence of each cluster possible. The recording is
// then shown to hold what each rule reads: a copy of one of its own
// interactions, put where the rule forbids it, fails.
func TestMockTrafficPassesLifecycleRules(t *testing.T) {
	const (
		key         = "mock-key-lifecycle-load-0123456789"
		workers     = 12
		perWorker   = 20
		tickEvery   = 6 // exchanges between moves of the mock's clock
		tick        = time.Second
		deleteDelay = 8 * time.Second
		purgeDelay  = 8 * time.Second
		neverSeeded = "in01-0000000000000000"
	)
	seeded := []string{"in01-6183d6bac30f801", "in01-6183d6bac30f802", "in03-2c4e6a8b0d1f3e5", "in05-2c4e6a8b0d1f3e6", "in-ondemand7"}
	clusters := append(append([]string{}, seeded...), neverSeeded)

	var elapsed atomic.Int64
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	ts, _ := mocktest.NewServer(t,
		mock.WithClusters(seeded...),
		mock.WithAPIKey(key),
		mock.WithRateLimit(0),
		mock.WithClock(func() time.Time { return start.Add(time.Duration(elapsed.Load())) }),
		mock.WithDeleteDelay(deleteDelay),
		mock.WithPurgeDelay(purgeDelay),
	)
	dir := t.TempDir()
	rec, err := conformance.NewRecorder(dir, "load", ts.Client().Transport, key)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: &oneAtATimePerCluster{base: rec}}

	var (
		sent    atomic.Int64
		mu      sync.Mutex
		answers []answer
		wg      sync.WaitGroup
	)
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := range perWorker {
				// Each worker walks the clusters from its own place, and
				// drops on every third step, after two describes, so that
				// every cluster is described RUNNING, and then dropped and
				// described by many workers at once.
				id := clusters[(w+i)%len(clusters)]
				drop := i%3 == 2
				a, err := exchange(client, ts.URL, key, id, drop)
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				answers = append(answers, a)
				mu.Unlock()
				if sent.Add(1)%tickEvery == 0 {
					elapsed.Add(int64(tick))
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if err := rec.Stop(); err != nil {
		t.Fatal(err)
	}
	cassette := filepath.Join(dir, "load.yaml")

	// The load went through the whole life of the clusters, of one at
	// least from RUNNING to the purge, and each was dropped exactly once.
	seen := map[string]int{}
	lives := map[string]map[string]bool{}
	successes := map[string]int{}
	for _, a := range answers {
		what := fmt.Sprintf("describe %d", a.code)
		switch {
		case a.drop:
			what = fmt.Sprintf("drop %d", a.code)
			if a.code == 0 {
				successes[a.cluster]++
			}
		case a.code == 0:
			what = "describe " + a.status
		}
		seen[what]++
		if lives[a.cluster] == nil {
			lives[a.cluster] = map[string]bool{}
		}
		lives[a.cluster][what] = true
	}
	life := []string{"describe RUNNING", "drop 0", "drop 96018", "describe DELETING", "describe DELETED", "describe 96018"}
	for _, want := range life {
		if seen[want] == 0 {
			t.Errorf("the load saw no %q; it saw %v", want, seen)
		}
	}
	whole := slices.ContainsFunc(seeded, func(id string) bool {
		return !slices.ContainsFunc(life, func(w string) bool { return !lives[id][w] })
	})
	if !whole {
		t.Errorf("no cluster went through its whole life %v: %v", life, lives)
	}
	for _, id := range seeded {
		if successes[id] != 1 {
			t.Errorf("cluster %s was dropped successfully %d times, want once", id, successes[id])
		}
	}
	if rec.Len() != workers*perWorker {
		t.Errorf("recorded %d exchanges, want %d", rec.Len(), workers*perWorker)
	}

	v, err := conformance.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	results, err := v.CheckCassettes(context.Background(), cassette)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if !r.OK {
			t.Errorf("#%d %s %s: %v", r.ID, r.Method, r.URL, r.Violations)
		}
	}
	if len(results) != workers*perWorker {
		t.Errorf("checked %d interactions, want %d", len(results), workers*perWorker)
	}

	t.Run("each rule has material in the recording", func(t *testing.T) {
		checkTampered(t, v, cassette)
	})
}

// exchange drops or describes cluster id through client, and reads what
// the mock answered.
func exchange(client *http.Client, base, key, id string, drop bool) (answer, error) {
	method, url := http.MethodGet, base+"/v2/clusters/"+id
	if drop {
		method, url = http.MethodDelete, url+"/drop"
	}
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		return answer{}, err
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Accept", "application/json")
	res, err := client.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return answer{}, err
	}
	if res.StatusCode != http.StatusOK {
		return answer{}, fmt.Errorf("%s %s: HTTP %d: %s", method, url, res.StatusCode, body)
	}
	var env struct {
		Code int `json:"code"`
		Data struct {
			Status string `json:"status"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return answer{}, fmt.Errorf("%s %s: %v", method, url, err)
	}
	return answer{cluster: id, drop: drop, code: env.Code, status: env.Data.Status}, nil
}

// checkTampered copies interactions of the recorded cassette to where each
// lifecycle rule forbids them, one rule at a time, and checks that the
// gate fails exactly the copy, naming the interaction that forbids it: the
// recording holds what the rules read, so that its passing proves them.
func checkTampered(t *testing.T, v *conformance.Validator, cassette string) {
	data, err := os.ReadFile(cassette)
	if err != nil {
		t.Fatal(err)
	}
	decode := func() *vcr.Cassette {
		c, err := vcr.DecodeStrict(data, vcr.Limits{MaxTextBytes: conformance.MaxCassetteTextBytes})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	kind := func(in *vcr.Interaction) (cluster string, drop bool, code int, status string) {
		var env struct {
			Code int `json:"code"`
			Data struct {
				Status string `json:"status"`
			} `json:"data"`
		}
		if err := json.Unmarshal([]byte(in.Response.Body), &env); err != nil {
			t.Fatal(err)
		}
		path := strings.TrimPrefix(in.Request.URL[strings.Index(in.Request.URL, "/v2/"):], "/v2/clusters/")
		return strings.TrimSuffix(path, "/drop"), in.Request.Method == http.MethodDelete, env.Code, env.Data.Status
	}
	tests := []struct {
		name string
		// after finds the interaction after which copy is put; copy finds
		// the interaction to copy, of the same cluster.
		after, copy func(in *vcr.Interaction) bool
		message     string
	}{
		{name: "rule 1: a drop's success copied right after it",
			after:   func(in *vcr.Interaction) bool { _, d, c, _ := kind(in); return d && c == 0 },
			copy:    func(in *vcr.Interaction) bool { _, d, c, _ := kind(in); return d && c == 0 },
			message: "a second successful drop of the cluster that interaction #%d dropped"},
		{name: "rule 2: a RUNNING copied after a DELETING",
			after:   func(in *vcr.Interaction) bool { _, d, c, s := kind(in); return !d && c == 0 && s == "DELETING" },
			copy:    func(in *vcr.Interaction) bool { _, d, c, s := kind(in); return !d && c == 0 && s == "RUNNING" },
			message: "reports RUNNING, but interaction #%d, the last describe of this cluster before it, reported DELETING"},
		{name: "rule 3: a DELETED copied after the purge",
			after: func(in *vcr.Interaction) bool {
				id, d, c, _ := kind(in)
				return !d && c == 96018 && id != "in01-0000000000000000"
			},
			copy:    func(in *vcr.Interaction) bool { _, d, c, s := kind(in); return !d && c == 0 && s == "DELETED" },
			message: "a success for a cluster that interaction #%d, a describe, found not to exist (96018)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := decode()
			at := -1
			var copied *vcr.Interaction
			for i, in := range c.Interactions {
				if !tt.after(in) {
					continue
				}
				cluster, _, _, _ := kind(in)
				for _, other := range c.Interactions {
					if id, _, _, _ := kind(other); id == cluster && tt.copy(other) {
						dup := *other
						at, copied = i, &dup
						break
					}
				}
				if copied != nil {
					break
				}
			}
			if copied == nil {
				t.Fatal("the recording holds no pair of interactions of one cluster to build the copy from")
			}
			// What follows the copy cannot change its verdict: leave it out.
			copied.ID = len(c.Interactions)
			c.Interactions = append(c.Interactions[:at+1:at+1], copied)
			out, err := vcr.Encode(c)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "tampered.yaml")
			if err := os.WriteFile(path, out, 0o644); err != nil {
				t.Fatal(err)
			}
			results, err := v.CheckCassettes(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			want := fmt.Sprintf(tt.message, c.Interactions[at].ID)
			for _, r := range results {
				switch {
				case r.ID == copied.ID && (r.OK || !strings.Contains(fmt.Sprint(r.Violations), want)):
					t.Errorf("the copy #%d: got %v, want a violation containing %q", r.ID, r.Violations, want)
				case r.ID != copied.ID && !r.OK:
					t.Errorf("#%d, not the copy, fails: %v", r.ID, r.Violations)
				}
			}
		})
	}
}
