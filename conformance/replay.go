package conformance

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/recorder"

	"github.com/zcdrop/zcdrop/internal/httpclient"
)

// Replayer serves recorded Drop Cluster traffic to a client under test, and
// never the network. It has the shape of an httptest.Server: point the code
// under test at Client, Close it when done, and read Report to learn what it
// served. In a test, conformancetest.NewReplayer does all three.
//
// Each go-vcr v4 cassette in its directory (walked for *.yaml and *.yml
// files, as CheckCassettes walks them) is served by a recorder in
// recorder.ModeReplayOnly, never ModeRecordOnce, which would call the live
// API for a request that no cassette holds.
//
// A request is matched on everything but its Authorization and User-Agent
// headers, since recordings say "Bearer REDACTED" and clients differ in their
// user agent. The cassettes are tried in lexical order, and each interaction
// answers once, so that the same request made twice gets the answers in the
// order they were recorded. Every exchange is validated as it is replayed.
type Replayer struct {
	dir       string
	client    *http.Client
	recorders []*recorder.Recorder

	mu        sync.Mutex
	served    []Result
	unmatched []string
}

// ReplayReport says what a Replayer served.
type ReplayReport struct {
	// Dir is the directory the cassettes came from.
	Dir string
	// Served holds the verdict on every exchange answered from a cassette,
	// in the order they were served.
	Served []Result
	// Unmatched lists, as "METHOD URL", every request that no unused
	// interaction matched; the client got an error for each.
	Unmatched []string
}

// Err returns nil when every exchange served conforms and every request was
// matched, or else one error that lists each violation and each unmatched
// request.
func (r ReplayReport) Err() error {
	var b strings.Builder
	for _, res := range r.Served {
		if res.OK {
			continue
		}
		fmt.Fprintf(&b, "\nreplayed %s %s (HTTP %d) breaks openapi.yaml:", res.Method, res.URL, res.StatusCode)
		for _, v := range res.Violations {
			b.WriteString("\n\t")
			b.WriteString(v.String())
		}
	}
	for _, u := range r.Unmatched {
		fmt.Fprintf(&b, "\nno unused interaction matches %s; record it with conformance.NewRecorder, or add it to a cassette", u)
	}
	if b.Len() == 0 {
		return nil
	}
	return fmt.Errorf("conformance: replay of %s:%s", r.Dir, b.String())
}

// NewReplayer loads every cassette in dir. It returns a *CassetteError when
// dir does not exist, holds no cassette, or holds one that cannot be read.
func NewReplayer(dir string) (*Replayer, error) {
	v, err := NewValidator()
	if err != nil {
		return nil, err
	}
	files, err := cassetteFiles(dir)
	if err != nil {
		return nil, err
	}
	matcher := cassette.NewDefaultMatcher(cassette.WithIgnoreAuthorization(), cassette.WithIgnoreUserAgent())
	r := &Replayer{dir: dir}
	for _, f := range files {
		data, _, err := readCassette(f)
		if err != nil {
			return nil, err
		}
		rec, err := recorder.New(f,
			recorder.WithMode(recorder.ModeReplayOnly),
			recorder.WithFS(bytesFS(data)),
			recorder.WithMatcher(matcher),
			recorder.WithSkipRequestLatency(true),
			recorder.WithDebugWriter(silent{}),
		)
		if err != nil {
			return nil, &CassetteError{File: f, Err: err}
		}
		r.recorders = append(r.recorders, rec)
	}
	// A replayed redirect is checked as it was recorded, never followed.
	r.client = httpclient.NoRedirects(&Transport{Validator: v, Mode: ModeObserve, Base: replayTransport{r}, Report: func(res Result) {
		if res.StatusCode == 0 {
			// No cassette answered: the client got the error, and
			// replayTransport lists an unmatched request in Unmatched.
			return
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		r.served = append(r.served, res)
	}})
	return r, nil
}

// Client returns the client that answers from the cassettes. Its requests
// never reach the network.
func (r *Replayer) Client() *http.Client { return r.client }

// Close stops replaying. The cassettes are only read, never written.
func (r *Replayer) Close() error {
	var errs []error
	for _, rec := range r.recorders {
		if err := rec.Stop(); err != nil {
			errs = append(errs, fmt.Errorf("conformance: stop replaying %s: %w", r.dir, err))
		}
	}
	return errors.Join(errs...)
}

// Report returns what the Replayer has served so far.
func (r *Replayer) Report() ReplayReport {
	r.mu.Lock()
	defer r.mu.Unlock()
	return ReplayReport{Dir: r.dir, Served: append([]Result(nil), r.served...), Unmatched: append([]string(nil), r.unmatched...)}
}

// replayTransport answers each request from the first recorder whose
// cassette holds an unused interaction that matches it.
type replayTransport struct{ r *Replayer }

// RoundTrip implements http.RoundTripper.
func (t replayTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	for _, rec := range t.r.recorders {
		res, err := rec.RoundTrip(req)
		if errors.Is(err, cassette.ErrInteractionNotFound) {
			continue
		}
		return res, err
	}
	what := req.Method + " " + req.URL.Redacted()
	t.r.mu.Lock()
	t.r.unmatched = append(t.r.unmatched, what)
	t.r.mu.Unlock()
	return nil, fmt.Errorf("conformance: replay: no unused interaction in %s matches %s; record it with conformance.NewRecorder, or add it to a cassette", t.r.dir, what)
}
