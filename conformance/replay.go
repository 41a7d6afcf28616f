package conformance

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/zcdrop/zcdrop/internal/httpclient"
	"github.com/zcdrop/zcdrop/internal/termsafe"
	"github.com/zcdrop/zcdrop/internal/vcr"
)

// Replayer serves recorded Drop Cluster traffic to a client under test, and
// never the network. It has the shape of an httptest.Server: point the code
// under test at Client, Close it when done, and read Report to learn what it
// served. In a test, conformancetest.NewReplayer does all three.
//
// It serves the go-vcr v4 cassettes in its directory (walked for *.yaml and
// *.yml files, as CheckCassettes walks them) as go-vcr's recorder does in
// recorder.ModeReplayOnly, and never asks the network, as
// recorder.ModeRecordOnce would for a request that no cassette holds.
//
// A request is matched, as go-vcr's default matcher matches it, on
// everything but its Authorization and User-Agent headers, since recordings
// say "Bearer REDACTED" and clients differ in their user agent. The
// cassettes are tried in lexical order, and each interaction answers once,
// so that the same request made twice gets the answers in the order they
// were recorded. Every exchange is validated as it is replayed.
type Replayer struct {
	dir    string
	client *http.Client

	mu           sync.Mutex
	closed       bool
	interactions []*replayable
	served       []Result
	unmatched    []string
}

// replayable is a recorded interaction and whether it has answered yet.
type replayable struct {
	in   *vcr.Interaction
	used bool
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
// request, one to a line. What cassettes and requests supplied passes
// through termsafe.String, since the error is printed for people.
func (r ReplayReport) Err() error {
	var b strings.Builder
	for _, res := range r.Served {
		if res.OK {
			continue
		}
		fmt.Fprintf(&b, "\nreplayed %s %s (HTTP %d) breaks openapi.yaml:", termsafe.String(res.Method), termsafe.String(res.URL), res.StatusCode)
		for _, v := range res.Violations {
			b.WriteString("\n\t")
			b.WriteString(termsafe.String(v.String()))
		}
	}
	for _, u := range r.Unmatched {
		fmt.Fprintf(&b, "\nno unused interaction matches %s; record it with conformance.NewRecorder, or add it to a cassette", termsafe.String(u))
	}
	if b.Len() == 0 {
		return nil
	}
	return fmt.Errorf("conformance: replay of %s:%s", r.Dir, b.String())
}

// NewReplayer loads every cassette in dir, each distinct file once. It
// returns a *CassetteError when dir does not exist, holds no cassette, holds
// one that cannot be read, or is over the corpus budget (MaxCorpusBytes,
// MaxCorpusInteractions).
func NewReplayer(dir string) (*Replayer, error) {
	v, err := NewValidator()
	if err != nil {
		return nil, err
	}
	// The Replayer reads cassettes as the gate does, so that it serves what
	// the gate would check; there is no caller's context to stop it.
	ctx := context.Background()
	r := &Replayer{dir: dir}
	err = readCorpus(ctx, corpusLimits{MaxCorpusBytes, MaxCorpusInteractions}, []string{dir}, func(_ string, c *vcr.Cassette) error {
		for _, in := range c.Interactions {
			if in != nil {
				r.interactions = append(r.interactions, &replayable{in: in})
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
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

// Close stops replaying: every later request fails. The cassettes are only
// read, never written, so there is nothing to save.
func (r *Replayer) Close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.interactions = nil
	r.closed = true
}

// Report returns what the Replayer has served so far.
func (r *Replayer) Report() ReplayReport {
	r.mu.Lock()
	defer r.mu.Unlock()
	return ReplayReport{Dir: r.dir, Served: append([]Result(nil), r.served...), Unmatched: append([]string(nil), r.unmatched...)}
}

// replayTransport answers each request from the first unused interaction
// that matches it.
type replayTransport struct{ r *Replayer }

// RoundTrip implements http.RoundTripper.
func (t replayTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	body, err := readRequestBody(req, DefaultMaxBodyBytes)
	if err != nil {
		return nil, fmt.Errorf("conformance: replay: %w", err)
	}
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	what := req.Method + " " + reportURL(req.URL.String())
	r := t.r
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil, fmt.Errorf("conformance: replay of %s is closed; %s not answered", r.dir, what)
	}
	for _, x := range r.interactions {
		if !x.used && x.in.Request.Matches(req, body) {
			x.used = true
			return x.in.Response.HTTPResponse(req), nil
		}
	}
	r.unmatched = append(r.unmatched, what)
	return nil, fmt.Errorf("conformance: replay: no unused interaction in %s matches %s; record it with conformance.NewRecorder, or add it to a cassette", r.dir, what)
}
