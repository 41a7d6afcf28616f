package conformance

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"gopkg.in/dnaeon/go-vcr.v4/pkg/recorder"

	"github.com/zcdrop/zcdrop"
)

// MinProbeInterval is the least time Probe leaves between two requests, and
// its default. The documented limit is 20 requests per second; like the
// official Terraform provider, Probe stays at 10.
const MinProbeInterval = 100 * time.Millisecond

// ProbeConfig says where and how Probe probes.
type ProbeConfig struct {
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
	// MinProbeInterval, and less is refused.
	Interval time.Duration
}

// ProbeError is returned by Probe when a probe got no usable answer: the
// network failed, the answer broke off, ctx ended, or the server answered
// 429 or 5XX, which says nothing about what the probe tests. The probes
// after it were not run. A probe that got a whole answer has its Result
// among Probe's results, and its cassette when recording.
type ProbeError struct {
	// Probe names the probe: not-found, invalid-key or drop.
	Probe string
	// Err is why the answer was not usable. It never quotes the key.
	Err error
}

// Error names the probe and the cause.
func (e *ProbeError) Error() string {
	return fmt.Sprintf("conformance: probe %s got no usable answer: %v", e.Probe, e.Err)
}

// Unwrap returns Err, so that errors.Is sees context.DeadlineExceeded.
func (e *ProbeError) Unwrap() error { return e.Err }

// Probe checks the live Drop Cluster API with requests that cannot delete
// anything, and returns one Result per probe, in this order:
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
// Each exchange is checked by the Validator, and a probe's unmet
// expectation is one more violation, of kind semantic. Probes never retry,
// never follow redirects, and leave at least cfg.Interval between requests.
// A Result's File is the cassette's path when recording, else
// "probe:<name>".
//
// Probe returns an error, and sends nothing, when cfg is invalid. It returns
// a *ProbeError, with the Results so far, when a probe gets no answer, and
// an error when a cassette cannot be saved.
func Probe(ctx context.Context, cfg ProbeConfig) ([]Result, error) {
	probes, err := planProbes(cfg)
	if err != nil {
		return nil, err
	}
	v, err := NewValidator()
	if err != nil {
		return nil, err
	}
	interval := cfg.Interval
	if interval == 0 {
		interval = MinProbeInterval
	}
	var results []Result
	for i, p := range probes {
		if i > 0 {
			if err := sleep(ctx, interval); err != nil {
				return results, &ProbeError{Probe: p.name, Err: err}
			}
		}
		r, err := p.run(ctx, v, cfg)
		if r.Status != 0 {
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
	expect func(res *zcdrop.DropResult, err error, status int) *Violation
}

// planProbes checks cfg and lays out the probes, so that a bad
// configuration is refused before anything is sent.
func planProbes(cfg ProbeConfig) ([]probe, error) {
	switch {
	case cfg.APIKey == "":
		return nil, errors.New("conformance: probe: no API key")
	case cfg.BaseURL == "":
		return nil, errors.New("conformance: probe: no base URL")
	case cfg.DropClusterID != "" && !cfg.ConfirmDrop:
		return nil, fmt.Errorf("conformance: probe: refusing to drop cluster %s without ConfirmDrop; nothing sent", cfg.DropClusterID)
	case cfg.ConfirmDrop && cfg.DropClusterID == "":
		return nil, errors.New("conformance: probe: ConfirmDrop without DropClusterID; nothing sent")
	case cfg.Interval != 0 && cfg.Interval < MinProbeInterval:
		return nil, fmt.Errorf("conformance: probe: interval %s is below %s, the most the documented rate limit allows", cfg.Interval, MinProbeInterval)
	}
	// zcdrop.New checks the URL and the key; its client is not used.
	if _, err := zcdrop.New(cfg.APIKey, zcdrop.WithBaseURL(cfg.BaseURL)); err != nil {
		return nil, fmt.Errorf("conformance: probe: %w", err)
	}
	probes := []probe{
		{name: "not-found", key: cfg.APIKey, clusterID: impossibleClusterID(), expect: expectNotFound},
		{name: "invalid-key", key: "zcdrop-probe-invalid-key-" + randomHex(16), clusterID: impossibleClusterID(), expect: expectInvalidKey},
	}
	if cfg.DropClusterID != "" {
		if err := zcdrop.ValidateClusterID(cfg.DropClusterID); err != nil {
			return nil, fmt.Errorf("conformance: probe: %w; nothing sent", err)
		}
		probes = append(probes, probe{name: "drop", key: cfg.APIKey, clusterID: cfg.DropClusterID, expect: expectDropped})
	}
	if cfg.RecordDir != "" {
		if err := checkRecordDir(cfg.RecordDir, probes); err != nil {
			return nil, fmt.Errorf("conformance: probe: %w; nothing sent", err)
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
func (p probe) run(ctx context.Context, v *Validator, cfg ProbeConfig) (Result, error) {
	var base http.RoundTripper = http.DefaultTransport
	file := "probe:" + p.name
	var rec *recorder.Recorder
	if cfg.RecordDir != "" {
		var err error
		// Both keys are secrets to scrub: the made-up one is harmless, but
		// nothing that went into an Authorization header is saved.
		rec, err = NewRecorder(cfg.RecordDir, "probe-"+p.name, cfg.APIKey, p.key)
		if err != nil {
			return Result{}, fmt.Errorf("conformance: probe %s: %w", p.name, err)
		}
		base = rec
		file = filepath.Join(cfg.RecordDir, "probe-"+p.name+".yaml")
	}
	var got *Result
	hc := &http.Client{
		Transport: &Transport{Validator: v, Mode: Observe, Base: base, Report: func(r Result) { got = &r }},
		// A redirect is judged as it is (the spec declares none), never followed.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	client, err := zcdrop.New(p.key,
		zcdrop.WithBaseURL(cfg.BaseURL),
		zcdrop.WithHTTPClient(hc),
		zcdrop.WithUserAgent("zcdrop-probe"),
		zcdrop.WithRetry(1, 0),
	)
	if err != nil {
		return Result{}, fmt.Errorf("conformance: probe %s: %w", p.name, err)
	}
	res, err := client.DropCluster(ctx, p.clusterID)
	var apiErr *zcdrop.APIError
	var unexpected *zcdrop.UnexpectedResponseError
	answered := err == nil || errors.As(err, &apiErr) || errors.As(err, &unexpected)
	if got == nil || got.Status == 0 || !answered {
		// No answer, or one that broke off: the same with and without a
		// recorder, which reads the body first and reports a break as a
		// transport error.
		if err == nil {
			err = errors.New("the transport reported no response")
		}
		return Result{}, &ProbeError{Probe: p.name, Err: err}
	}
	r := *got
	r.File = file
	if rec != nil {
		if err := rec.Stop(); err != nil {
			r.File = "probe:" + p.name
			what := "its answer"
			if p.name == "drop" && res != nil {
				what = "cluster " + p.clusterID + " WAS dropped"
			}
			return r, fmt.Errorf("conformance: probe %s: %s (HTTP %d), but %s was not saved: %w", p.name, what, r.Status, file, err)
		}
	}
	if r.Status == http.StatusTooManyRequests || r.Status >= 500 {
		return r, &ProbeError{Probe: p.name, Err: fmt.Errorf("the server answered HTTP %d, which says nothing about what the probe tests; try again later", r.Status)}
	}
	if x := p.expect(res, err, r.Status); x != nil {
		r.Violations = append(r.Violations, *x)
		r.OK = false
	}
	return r, nil
}

func expectNotFound(res *zcdrop.DropResult, err error, status int) *Violation {
	var apiErr *zcdrop.APIError
	if errors.As(err, &apiErr) && apiErr.HTTPStatus == http.StatusOK && (apiErr.Code == 96018 || apiErr.Code == 96036) {
		return nil
	}
	msg := "probe not-found expected a business error (96018 or 96036), got " + outcome(err, status)
	if res != nil {
		msg += ": the API claims to have dropped a cluster that cannot exist"
	}
	return &Violation{Kind: KindSemantic, Pointer: "/code", Message: msg}
}

func expectInvalidKey(_ *zcdrop.DropResult, err error, status int) *Violation {
	var apiErr *zcdrop.APIError
	// Any envelope on a 401 will do: v2 answers 21119 today, v1 answered
	// 80001, and the gate, not the probe, judges the envelope's shape.
	if errors.As(err, &apiErr) && apiErr.HTTPStatus == http.StatusUnauthorized {
		return nil
	}
	msg := "probe invalid-key expected HTTP 401 with the error envelope (21119 today), got " + outcome(err, status)
	if err == nil {
		msg += ": the API accepted a made-up key"
	}
	return &Violation{Kind: KindSemantic, Pointer: "/code", Message: msg}
}

func expectDropped(_ *zcdrop.DropResult, err error, status int) *Violation {
	if err == nil {
		return nil
	}
	return &Violation{Kind: KindSemantic, Pointer: "/code", Message: "probe drop expected success (code 0), got " + outcome(err, status)}
}

// outcome describes what a probe got, without quoting the body.
func outcome(err error, status int) string {
	var apiErr *zcdrop.APIError
	switch {
	case err == nil:
		return "success"
	case errors.As(err, &apiErr):
		return fmt.Sprintf("code %d with HTTP %d", apiErr.Code, apiErr.HTTPStatus)
	default:
		return fmt.Sprintf("HTTP %d without the error envelope", status)
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
