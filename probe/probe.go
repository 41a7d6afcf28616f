// Package probe checks the live Zilliz Cloud Drop Cluster API against
// openapi.yaml with requests that cannot delete anything, and can record what
// the API answered as go-vcr cassettes for the conformance gate.
//
//	results, err := probe.Run(ctx, probe.Config{BaseURL: zcdrop.ServerGlobal, APIKey: key})
//	conformance.WriteReport(os.Stdout, conformance.FormatText, results)
//
// It sits above both the front door (package zcdrop), which sends each probe,
// and package conformance, which judges it; the `zcdrop probe` command and
// `make conformance-live` are its users.
package probe

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/zcdrop/zcdrop"
	"github.com/zcdrop/zcdrop/conformance"
	"github.com/zcdrop/zcdrop/internal/clock"
	"github.com/zcdrop/zcdrop/internal/redact"
)

// MinInterval is the least time Run leaves between two requests, and its
// default. The documented limit is 20 requests per second; like the official
// Terraform provider, the probes stay at 10.
const MinInterval = 100 * time.Millisecond

// Config says where and how Run probes.
type Config struct {
	// BaseURL is the control plane: zcdrop.ServerGlobal, zcdrop.ServerChina,
	// or a test server. It must be https, except on a loopback host.
	BaseURL string
	// APIKey is the real key. It authenticates every probe but invalid-key,
	// and it is never printed, returned in an error or saved.
	APIKey string
	// RecordDir, when set, is where each answered probe is saved as the
	// go-vcr cassette probe-<name>.yaml, with its keys redacted, replacing
	// any older one. It is created if need be.
	RecordDir string
	// DropClusterID adds the drop probe, which REALLY DROPS this cluster. It
	// is refused unless ConfirmDrop is set too.
	DropClusterID string
	// ConfirmDrop confirms DropClusterID. Either without the other is
	// refused before anything is sent.
	ConfirmDrop bool
	// Interval is the least time between two requests: zero means
	// MinInterval, and less is refused.
	Interval time.Duration
	// Transport sends the requests; nil means a copy of
	// http.DefaultTransport that keeps no connection open between probes:
	// net/http's standard logger quotes bytes that arrive on an idle
	// connection, and a hostile server could so echo the key into a log.
	// A Transport of your own should do the same, or route package log
	// away. The probes validate and, when recording, record on top of it,
	// and never follow a redirect.
	Transport http.RoundTripper
	// Sleep waits between two probes; nil waits for real. Tests pass a fake
	// clock's Sleep. It must return ctx's error when ctx ends first.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Error is returned by Run when a probe got no answer, or none it can use: the network
// failed, the answer broke off, ctx ended, or the server answered 429 or
// 5XX, which says nothing about what the probe tests. The probes after it
// were not run. A probe that got a whole answer has its Result among Run's
// results, and its cassette when recording.
type Error struct {
	// Probe names the probe: not-found, invalid-key or drop.
	Probe string
	// BaseURL is where the probe was sent.
	BaseURL string
	// StatusCode is the status of the answer, when one began to arrive: one
	// that says nothing (429 or 5XX), or one whose body broke off. It is 0
	// when no answer arrived at all.
	StatusCode int
	// Err is why the answer was not usable. It never quotes the key.
	Err error
}

// Error names the probe, where it went, and the cause: "the not-found probe
// got no answer from https://…: dial tcp …".
func (e *Error) Error() string {
	what := "no answer"
	if e.StatusCode != 0 {
		what = "no usable answer"
	}
	return fmt.Sprintf("the %s probe got %s from %s: %v", e.Probe, what, e.BaseURL, e.Err)
}

// Unwrap returns Err, so that errors.Is sees context.DeadlineExceeded.
func (e *Error) Unwrap() error { return e.Err }

// Run checks the live Drop Cluster API with requests that cannot delete
// anything, and returns one conformance.Result per probe, in this order:
//
//   - not-found drops a well-formed cluster ID that cannot exist, and
//     expects HTTP 200 with business error 96018 or 96036. A success is a
//     violation: the API claims to have dropped a cluster that is not there.
//   - invalid-key drops such an ID with a made-up key, and expects HTTP 401
//     with the error envelope (code 21119 today).
//   - drop, only with DropClusterID and ConfirmDrop, drops that cluster for
//     real and expects success (code 0); the Validator checks that the answer
//     echoes the ID.
//
// Each exchange is checked by a conformance.Validator, and a probe's unmet
// expectation is one more violation, of kind semantic. Probes never retry,
// never follow redirects, and leave at least cfg.Interval between requests.
// A Result's File is the cassette's path when recording, else
// "probe:<name>".
//
// Run returns an error, and sends nothing, when cfg is invalid. It returns
// an *Error, with the Results so far, when a probe gets no usable answer,
// and an error when a cassette cannot be saved.
func Run(ctx context.Context, cfg Config) ([]conformance.Result, error) {
	probes, err := plan(cfg)
	if err != nil {
		return nil, err
	}
	v, err := conformance.NewValidator()
	if err != nil {
		return nil, err
	}
	interval := cfg.Interval
	if interval == 0 {
		interval = MinInterval
	}
	sleep := cfg.Sleep
	if sleep == nil {
		sleep = clock.Real.Sleep
	}
	if cfg.Transport == nil {
		t := &http.Transport{Proxy: http.ProxyFromEnvironment}
		if d, ok := http.DefaultTransport.(*http.Transport); ok {
			t = d.Clone()
		}
		t.DisableKeepAlives = true
		cfg.Transport = t
	}
	var results []conformance.Result
	for i, p := range probes {
		if i > 0 {
			if err := sleep(ctx, interval); err != nil {
				return results, &Error{Probe: p.name, BaseURL: cfg.BaseURL, Err: err}
			}
		}
		r, err := p.run(ctx, v, cfg)
		if r.StatusCode != 0 {
			results = append(results, r) // Answered: reported even when err is not nil.
		}
		if err != nil {
			return results, err
		}
	}
	return results, nil
}

// probe is one request and what it must get back.
type probe struct {
	name      string
	key       string
	clusterID string
	// expect returns a violation when the outcome is not what the probe
	// expects. res is nil when err is not.
	expect func(res *zcdrop.DropResult, err error, status int) *conformance.Violation
}

// plan checks cfg and lays out the probes, so that a bad configuration is
// refused before anything is sent.
func plan(cfg Config) ([]probe, error) {
	switch {
	case cfg.APIKey == "":
		return nil, errors.New("probe: no API key")
	case cfg.BaseURL == "":
		return nil, errors.New("probe: no base URL")
	case cfg.DropClusterID != "" && !cfg.ConfirmDrop:
		return nil, fmt.Errorf("probe: refusing to drop cluster %s without ConfirmDrop; nothing sent", cfg.DropClusterID)
	case cfg.ConfirmDrop && cfg.DropClusterID == "":
		return nil, errors.New("probe: ConfirmDrop without DropClusterID; nothing sent")
	case cfg.Interval != 0 && cfg.Interval < MinInterval:
		return nil, fmt.Errorf("probe: interval %s is below %s, the most the documented rate limit allows", cfg.Interval, MinInterval)
	}
	// zcdrop.New checks the URL and the key; its client is not used.
	if _, err := zcdrop.New(cfg.APIKey, zcdrop.WithBaseURL(cfg.BaseURL)); err != nil {
		return nil, fmt.Errorf("probe: %w", err)
	}
	probes := []probe{
		{name: "not-found", key: cfg.APIKey, clusterID: impossibleClusterID(), expect: expectNotFound},
		{name: "invalid-key", key: "zcdrop-probe-invalid-key-" + randomHex(16), clusterID: impossibleClusterID(), expect: expectInvalidKey},
	}
	if cfg.DropClusterID != "" {
		if err := zcdrop.ValidateClusterID(cfg.DropClusterID); err != nil {
			return nil, fmt.Errorf("probe: %w; nothing sent", err)
		}
		probes = append(probes, probe{name: "drop", key: cfg.APIKey, clusterID: cfg.DropClusterID, expect: expectDropped})
	}
	if cfg.RecordDir != "" {
		if err := checkRecordDir(cfg.RecordDir, probes); err != nil {
			return nil, fmt.Errorf("probe: %w; nothing sent", err)
		}
	}
	return probes, nil
}

// checkRecordDir makes sure every cassette can be written before anything is
// sent: a drop whose recording then fails has still happened.
func checkRecordDir(dir string, probes []probe) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("record directory: %w", err)
	}
	f, err := os.CreateTemp(dir, ".zcdrop-probe-*")
	if err != nil {
		return fmt.Errorf("record directory %s is not writable: %w", dir, err)
	}
	f.Close()
	if err := os.Remove(f.Name()); err != nil {
		return fmt.Errorf("record directory: %w", err)
	}
	for _, p := range probes {
		path := filepath.Join(dir, "probe-"+p.name+".yaml")
		if info, err := os.Stat(path); err == nil && !info.Mode().IsRegular() {
			return fmt.Errorf("cannot record to %s: it is not a regular file", path)
		}
	}
	return nil
}

// impossibleClusterID returns a well-formed cluster ID that no cluster can
// have. Real IDs are a prefix such as "in01-" and 15 lowercase hex
// characters; "zcdropprobe" holds letters outside a-f, so this ID can never
// collide with one, whatever the random part. The random part keeps every
// run's ID fresh, so that no server or cache can answer it from memory.
func impossibleClusterID() string {
	return "in01-zcdropprobe" + randomHex(4)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails.
	return hex.EncodeToString(b)
}

// run sends the probe's one request and judges the answer.
func (p probe) run(ctx context.Context, v *conformance.Validator, cfg Config) (conformance.Result, error) {
	base := cfg.Transport
	file := "probe:" + p.name
	var rec *conformance.Recorder
	if cfg.RecordDir != "" {
		// Both keys are secrets to scrub: the made-up one is harmless, but
		// nothing that went into an Authorization header is saved.
		var err error
		rec, err = conformance.NewRecorder(cfg.RecordDir, "probe-"+p.name, base, cfg.APIKey, p.key)
		if err != nil {
			return conformance.Result{}, fmt.Errorf("probe %s: %w", p.name, err)
		}
		base = rec
		file = filepath.Join(cfg.RecordDir, "probe-"+p.name+".yaml")
	}
	// The Validator knows only the key the probe sent, and the server may
	// echo the other one (the real key, to the invalid-key probe): every
	// Result is scrubbed of both before anything can report it.
	secrets := redact.New(cfg.APIKey, p.key)
	var got *conformance.Result
	client, err := zcdrop.New(p.key,
		zcdrop.WithBaseURL(cfg.BaseURL),
		// A redirect is judged as it is (the spec declares none), never
		// followed: WithTransport keeps the no-redirect policy.
		zcdrop.WithTransport(&conformance.Transport{Validator: v, Mode: conformance.ModeObserve, Base: base,
			Report: func(r conformance.Result) { r = redactResult(secrets, r); got = &r }}),
		zcdrop.WithUserAgent("zcdrop-probe"),
		zcdrop.WithRetry(1, 0),
		// A probe judges one exchange. After an answer that broke off, the
		// client would ask Describe Cluster what became of the drop: a
		// second request, whose answer would stand in for the broken one
		// (a probe of a broken answer would pass as a confirmed drop) and
		// would be the one recorded and judged. Off, the broken answer is
		// reported as it came.
		zcdrop.WithOutcomeCheck(false),
	)
	if err != nil {
		return conformance.Result{}, fmt.Errorf("probe %s: %w", p.name, err)
	}
	res, err := client.DropCluster(ctx, p.clusterID)
	var apiErr *zcdrop.APIError
	var unexpected *zcdrop.UnexpectedResponseError
	answered := err == nil || errors.As(err, &apiErr) || errors.As(err, &unexpected)
	if got == nil || got.StatusCode == 0 || !answered {
		// No answer, or one that broke off: the same with and without a
		// recorder, which reads the body first and reports a break as a
		// transport error.
		status := 0
		if got != nil {
			status = got.StatusCode
		}
		// The front door has redacted what it returns; what cause takes from
		// it is redacted once more here, so that no key can reach the error
		// whatever path it took.
		return conformance.Result{}, &Error{Probe: p.name, BaseURL: cfg.BaseURL, StatusCode: status, Err: secrets.Error(cause(err, status))}
	}
	r := *got
	r.File = file
	switch {
	case rec != nil && rec.Len() == 0:
		// The answer was too large to record. No cassette is written, and
		// an older one goes, so that the gate never judges a stale answer
		// in this one's place.
		r.File = "probe:" + p.name
		if err := os.Remove(file); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return r, fmt.Errorf("probe %s: its answer was too large to record, and the older %s could not be removed: %w", p.name, file, err)
		}
	case rec != nil:
		if err := rec.Stop(); err != nil {
			r.File = "probe:" + p.name
			what := "its answer"
			if p.name == "drop" && res != nil {
				what = "cluster " + p.clusterID + " WAS dropped"
			}
			return r, fmt.Errorf("probe %s: %s (HTTP %d), but %s was not saved: %w", p.name, what, r.StatusCode, file, err)
		}
	}
	if r.StatusCode == http.StatusTooManyRequests || r.StatusCode >= 500 {
		return r, &Error{Probe: p.name, BaseURL: cfg.BaseURL, StatusCode: r.StatusCode,
			Err: fmt.Errorf("HTTP %d, which says nothing about what the probe tests; try again later", r.StatusCode)}
	}
	if x := p.expect(res, err, r.StatusCode); x != nil {
		r.Violations = append(r.Violations, *x)
		r.OK = false
	}
	return r, nil
}

// redactResult returns r with secrets hidden from its URL and from every
// violation's pointer and message, which may quote what the server sent.
func redactResult(secrets *redact.Secrets, r conformance.Result) conformance.Result {
	r.URL = secrets.String(r.URL)
	vs := make([]conformance.Violation, len(r.Violations))
	for i, v := range r.Violations {
		v.Pointer, v.Message = secrets.String(v.Pointer), secrets.String(v.Message)
		vs[i] = v
	}
	r.Violations = vs
	return r
}

// cause is what went wrong in transit, without the prefixes that each layer
// above it added: "dial tcp 127.0.0.1:1: connect: connection refused", not
// `zcdrop: drop cluster …: Delete "…": dial tcp …`. Error names the probe and
// the server already. status is the answer's HTTP status when one arrived
// before the body broke off, else 0.
func cause(err error, status int) error {
	if err == nil {
		return errors.New("the transport reported no response")
	}
	if ue, ok := errors.AsType[*url.Error](err); ok {
		return ue.Err
	}
	if status == 0 {
		return err
	}
	// The front door read the status, then the body broke off; its error
	// says so behind its own prefix. What broke is at the end of the
	// chain: a network error, or ctx's, and never something the server
	// sent, so it holds no echoed key.
	root := err
	for next := errors.Unwrap(root); next != nil; next = errors.Unwrap(root) {
		root = next
	}
	return fmt.Errorf("the answer (HTTP %d) broke off, so whether the request took effect is unknown: %w", status, root)
}

func expectNotFound(res *zcdrop.DropResult, err error, status int) *conformance.Violation {
	var apiErr *zcdrop.APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusOK && (apiErr.Code == 96018 || apiErr.Code == 96036) {
		return nil
	}
	msg := "probe not-found expected a business error (96018 or 96036), got " + outcome(err, status)
	if res != nil {
		msg += ": the API claims to have dropped a cluster that cannot exist"
	}
	return &conformance.Violation{Kind: conformance.KindSemantic, Pointer: "/code", Message: msg}
}

func expectInvalidKey(_ *zcdrop.DropResult, err error, status int) *conformance.Violation {
	var apiErr *zcdrop.APIError
	// Any envelope on a 401 will do: v2 answers 21119 today, v1 answered
	// 80001, and the gate, not the probe, judges the envelope's shape.
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusUnauthorized {
		return nil
	}
	msg := "probe invalid-key expected HTTP 401 with the error envelope (21119 today), got " + outcome(err, status)
	if err == nil {
		msg += ": the API accepted a made-up key"
	}
	return &conformance.Violation{Kind: conformance.KindSemantic, Pointer: "/code", Message: msg}
}

func expectDropped(_ *zcdrop.DropResult, err error, status int) *conformance.Violation {
	if err == nil {
		return nil
	}
	return &conformance.Violation{Kind: conformance.KindSemantic, Pointer: "/code", Message: "probe drop expected success (code 0), got " + outcome(err, status)}
}

// outcome describes what a probe got, without quoting the body.
func outcome(err error, status int) string {
	var apiErr *zcdrop.APIError
	switch {
	case err == nil:
		return "success"
	case errors.As(err, &apiErr):
		return fmt.Sprintf("code %d with HTTP %d", apiErr.Code, apiErr.StatusCode)
	default:
		return fmt.Sprintf("HTTP %d without the error envelope", status)
	}
}
