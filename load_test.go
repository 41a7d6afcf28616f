package zcdrop_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/zcdrop/zcdrop"
	"github.com/zcdrop/zcdrop/conformance"
	"github.com/zcdrop/zcdrop/internal/clock/clocktest"
	"github.com/zcdrop/zcdrop/mock"
	"github.com/zcdrop/zcdrop/mock/mocktest"
)

// The load: loadGoroutines goroutines drop a cluster and wait until it is
// gone, through one real Client, against the reference mock. A quarter of
// them drop a cluster of their own; the rest share loadShared clusters,
// 10 or 20 goroutines to each, and drop it at once. Half the goroutines
// drop with EnsureDropped, the other half with DropCluster. The client's
// rate limit and the mock's are off, and both run on one fake clock, so
// that the waits between polls cost no real time. Every goroutine's wait
// moves that clock on, so that it runs fast: with 200 goroutines sleeping
// on it, it takes the clusters through DELETING (30s), DELETED (30s) and
// the purge within a few polls each, and the waits end on both.
const (
	loadKey        = "zc-LOAD-KEY-0123456789abcdef"
	loadGoroutines = 200
	loadAlone      = loadGoroutines / 4
	loadShared     = 10
)

// loadClusters returns every cluster of the load, of each plan, and the
// one that each goroutine drops.
func loadClusters() (clusters, targets []string) {
	prefixes := []string{"in01-", "in03-", "in05-"}
	for i := range loadAlone + loadShared {
		clusters = append(clusters, fmt.Sprintf("%sload%010d", prefixes[i%len(prefixes)], i))
	}
	for g := range loadGoroutines {
		if g%4 == 0 {
			targets = append(targets, clusters[g/4])
		} else {
			targets = append(targets, clusters[loadAlone+g%loadShared])
		}
	}
	return clusters, targets
}

// loadRig is one round of the load: a fresh mock whose clusters are all
// RUNNING, a Client of it, the wire between them that counts the requests,
// and a conformance.Transport in ModeObserve that checks every exchange
// on its own. No Recorder is gated: one shared by concurrent requests
// lists exchanges as their answers arrive, so that the lifecycle rules
// would read sequences that the server never produced
// (conformance/lifecycle_mock_test.go gates a recording of the mock's
// concurrent traffic, serialized per cluster).
type loadRig struct {
	client   *zcdrop.Client
	mock     *mock.Server
	wire     *wire
	clusters []string
	targets  []string
	close    func()

	mu         sync.Mutex
	exchanges  int
	violations []string
}

func newLoadRig(tb testing.TB, v *conformance.Validator) *loadRig {
	tb.Helper()
	clusters, targets := loadClusters()
	clk := clocktest.New(faultEpoch)
	ts, m := mocktest.NewServer(tb,
		mock.WithAPIKey(loadKey),
		mock.WithClusters(clusters...),
		mock.WithRateLimit(0),
		mock.WithClock(clk.Now),
		mock.WithDeleteDelay(30*time.Second),
		mock.WithPurgeDelay(30*time.Second),
	)
	// One connection for each goroutine, kept between its requests.
	base := &http.Transport{MaxIdleConnsPerHost: loadGoroutines}
	l := &loadRig{mock: m, wire: &wire{base: base}, clusters: clusters, targets: targets}
	l.close = func() {
		base.CloseIdleConnections()
		ts.Close()
	}
	tb.Cleanup(l.close)
	gate := &conformance.Transport{Validator: v, Mode: conformance.ModeObserve, Base: l.wire, Report: l.report}
	c, err := zcdrop.New(loadKey, zcdrop.WithBaseURL(ts.URL), zcdrop.WithTransport(gate), zcdrop.WithRateLimit(0, 0))
	if err != nil {
		tb.Fatal(err)
	}
	zcdrop.SetClock(c, clk)
	l.client = c
	return l
}

// report counts an exchange that the gate checked, and keeps its
// violations.
func (l *loadRig) report(r conformance.Result) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.exchanges++
	if !r.OK {
		l.violations = append(l.violations, fmt.Sprintf("%s %s (http %d): %v", r.Method, r.URL, r.StatusCode, r.Violations))
	}
}

// loadTally is what the goroutines of one round saw.
type loadTally struct {
	mu sync.Mutex
	// How each cluster's drops ended, by cluster: "dropped" by this call
	// (OutcomeDropped or OutcomeConfirmed), "already_gone" (EnsureDropped)
	// or "not found" (DropCluster's ErrClusterNotFound).
	ends  map[string]map[string]int
	polls int
	// How the waits ended: DELETED, or not found.
	deleted, notFound int
	// errs holds every other end, of a drop or a wait.
	errs []string
}

func (t *loadTally) add(cluster, end string, w *zcdrop.WaitResult) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.ends[cluster] == nil {
		t.ends[cluster] = map[string]int{}
	}
	t.ends[cluster][end]++
	t.polls += w.Polls
	if w.NotFound {
		t.notFound++
	} else {
		t.deleted++
	}
}

func (t *loadTally) fail(format string, args ...any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.errs = append(t.errs, fmt.Sprintf(format, args...))
}

// run lets every goroutine drop its cluster and wait until it is gone.
func (l *loadRig) run(ctx context.Context) *loadTally {
	tally := &loadTally{ends: map[string]map[string]int{}}
	var wg sync.WaitGroup
	for g, id := range l.targets {
		wg.Go(func() {
			ensure := g%2 == 1
			var res *zcdrop.DropResult
			var err error
			if ensure {
				res, err = l.client.EnsureDropped(ctx, id)
			} else {
				res, err = l.client.DropCluster(ctx, id)
			}
			var end string
			switch {
			case err == nil && (res.Outcome == zcdrop.OutcomeDropped || res.Outcome == zcdrop.OutcomeConfirmed):
				end = "dropped"
			case err == nil && ensure && res.Outcome == zcdrop.OutcomeAlreadyGone:
				end = string(res.Outcome)
			case !ensure && errors.Is(err, zcdrop.ErrClusterNotFound):
				end = "not found"
			default:
				tally.fail("goroutine %d (EnsureDropped %v) %s: %+v, %v", g, ensure, id, res, err)
				return
			}
			w, err := l.client.WaitDropped(ctx, id)
			if err != nil || (w.Status != zcdrop.StatusDeleted && !w.NotFound) {
				tally.fail("goroutine %d: wait for %s: %+v, %v", g, id, w, err)
				return
			}
			tally.add(id, end, w)
		})
	}
	wg.Wait()
	return tally
}

// check lists what is wrong with the round: an error; a cluster not
// dropped by exactly one call, or whose other drops did not all find it
// gone; a request that the counts do not account for; a violation; a
// cluster that the mock did not drop.
func (l *loadRig) check(tally *loadTally) []string {
	problems := append([]string(nil), tally.errs...)
	perCluster := map[string]int{}
	for _, id := range l.targets {
		perCluster[id]++
	}
	for _, id := range l.clusters {
		ends := tally.ends[id]
		if ends["dropped"] != 1 || ends["dropped"]+ends["already_gone"]+ends["not found"] != perCluster[id] {
			problems = append(problems, fmt.Sprintf("%s: dropped by %d goroutines (%v); want dropped by exactly 1, and each of the other %d finding it gone",
				id, perCluster[id], ends, perCluster[id]-1))
		}
		if cl, ok := l.mock.Cluster(id); !ok || cl.Status == mock.StatusRunning {
			problems = append(problems, fmt.Sprintf("%s: the mock says %+v, %v", id, cl, ok))
		}
	}
	// No fault, no limit: every drop is one request, every poll another.
	if got, want := l.wire.counts(), fmt.Sprintf("%d drops, %d describes", loadGoroutines, tally.polls); got != want {
		problems = append(problems, fmt.Sprintf("sent %s, want %s", got, want))
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if want := loadGoroutines + tally.polls; l.exchanges != want {
		problems = append(problems, fmt.Sprintf("the gate checked %d exchanges, want %d", l.exchanges, want))
	}
	problems = append(problems, l.violations...)
	sort.Strings(problems)
	return problems
}

// TestLoadDropAndWait: under the load, every drop is accounted for
// exactly once, per cluster one "dropped by this call" and the rest
// "already gone" or "not found", every wait ends with the cluster
// DELETED or not found, every request is counted, and every exchange
// conforms to the spec.
func TestLoadDropAndWait(t *testing.T) {
	v, err := conformance.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	l := newLoadRig(t, v)
	ctx, cancel := context.WithTimeout(t.Context(), hangGuard)
	defer cancel()
	start := time.Now()
	tally := l.run(ctx)
	took := time.Since(start)
	problems := l.check(tally)
	const most = 20
	for i, p := range problems {
		if i == most {
			t.Errorf("... and %d more", len(problems)-most)
			break
		}
		t.Error(p)
	}
	t.Logf("%d drops and %d polls of %d clusters in %v; %d waits ended on DELETED, %d on not found",
		loadGoroutines, tally.polls, len(l.clusters), took, tally.deleted, tally.notFound)
}

// BenchmarkDropAndWaitLoad reports the load's throughput: drops a second,
// each with its wait, through the gate, against a fresh mock each round,
// whose setup is not timed.
func BenchmarkDropAndWaitLoad(b *testing.B) {
	v, err := conformance.NewValidator()
	if err != nil {
		b.Fatal(err)
	}
	var exchanges int
	for range b.N {
		b.StopTimer()
		l := newLoadRig(b, v)
		b.StartTimer()
		tally := l.run(b.Context())
		b.StopTimer()
		l.close()
		if problems := l.check(tally); len(problems) > 0 {
			b.Fatalf("%d problems, the first: %s", len(problems), problems[0])
		}
		exchanges += loadGoroutines + tally.polls
		b.StartTimer()
	}
	b.ReportMetric(float64(b.N*loadGoroutines)/b.Elapsed().Seconds(), "drops/s")
	b.ReportMetric(float64(exchanges)/b.Elapsed().Seconds(), "exchanges/s")
}
