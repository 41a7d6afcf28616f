package conformance

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/recorder"
)

// TB is the part of testing.TB that NewReplayer uses. *testing.T,
// *testing.B and *testing.F satisfy it.
type TB interface {
	// Helper marks the caller as a test helper.
	Helper()
	// Errorf reports a failure and lets the test go on.
	Errorf(format string, args ...any)
	// Cleanup registers a function to run when the test ends.
	Cleanup(func())
}

// NewReplayer returns an *http.Client that answers from the go-vcr v4
// cassettes in dir (walked for *.yaml and *.yml files, as CheckCassettes
// walks them) and never from the network: each cassette is served by a
// recorder in recorder.ModeReplayOnly, never ModeRecordOnce, which would call
// the live API for a request that no cassette holds.
//
// A request is matched on everything but its Authorization and User-Agent
// headers, since recordings say "Bearer REDACTED" and clients differ in their
// user agent. The cassettes are tried in lexical order, and each interaction
// answers once, so that the same request made twice gets the answers in the
// order they were recorded.
//
// Every exchange is validated as it is replayed; one that breaks the spec
// fails the test through t.Errorf, with its violations listed. A request that
// no unused interaction matches fails the test with its method, its URL and
// dir, and the client returns the same error. A dir that does not exist or
// holds no cassette fails the test at once, and every request through the
// client then returns that error.
//
// It takes TB rather than testing.TB so that package conformance does not
// import package testing into the programs that use it, and so that an
// Example, which has no *testing.T, can pass its own.
func NewReplayer(t TB, dir string) *http.Client {
	t.Helper()
	v, err := NewValidator()
	var rt *replayTransport
	if err == nil {
		rt, err = newReplayTransport(dir, func(err error) { t.Errorf("%v", err) })
	}
	if err != nil {
		err = fmt.Errorf("NewReplayer: %w", err)
		t.Errorf("%v", err)
		return &http.Client{Transport: failingTransport{err}}
	}
	t.Cleanup(func() {
		for _, rec := range rt.recorders {
			if err := rec.Stop(); err != nil {
				t.Errorf("conformance: stop replaying %s: %v", dir, err)
			}
		}
	})
	return &http.Client{
		Transport: &Transport{Validator: v, Mode: Observe, Base: rt, Report: func(r Result) {
			if !r.OK {
				t.Errorf("%s", replayViolations(dir, r))
			}
		}},
		// A replayed redirect is checked as it was recorded, never followed.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// replayTransport answers each request from the first recorder whose
// cassette holds an unused interaction that matches it.
type replayTransport struct {
	dir       string
	recorders []*recorder.Recorder
	fail      func(error)
}

// newReplayTransport loads every cassette in dir; fail reports a request
// that none of them answers.
func newReplayTransport(dir string, fail func(error)) (*replayTransport, error) {
	files, err := cassetteFiles(dir)
	if err != nil {
		return nil, err
	}
	matcher := cassette.NewDefaultMatcher(cassette.WithIgnoreAuthorization(), cassette.WithIgnoreUserAgent())
	rt := &replayTransport{dir: dir, fail: fail}
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
		rt.recorders = append(rt.recorders, rec)
	}
	return rt, nil
}

// RoundTrip implements http.RoundTripper.
func (rt *replayTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	for _, rec := range rt.recorders {
		res, err := rec.RoundTrip(req)
		if errors.Is(err, cassette.ErrInteractionNotFound) {
			continue
		}
		return res, err
	}
	err := fmt.Errorf("conformance: replay: no unused interaction in %s matches %s %s; record it with conformance.NewRecorder, or add it to a cassette",
		rt.dir, req.Method, req.URL.Redacted())
	rt.fail(err)
	return nil, err
}

// replayViolations describes a replayed exchange that breaks the spec.
func replayViolations(dir string, r Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "conformance: replayed %s %s (from %s, HTTP %d) breaks openapi.yaml:", r.Method, r.URL, dir, r.Status)
	for _, v := range r.Violations {
		b.WriteString("\n\t")
		b.WriteString(v.String())
	}
	return b.String()
}

// failingTransport answers every request with the error that kept a
// replayer from starting.
type failingTransport struct{ err error }

func (f failingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		req.Body.Close()
	}
	return nil, f.err
}
