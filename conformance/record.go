package conformance

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/zcdrop/zcdrop/internal/redact"
	"github.com/zcdrop/zcdrop/internal/vcr"
)

// Recorder is an http.RoundTripper that sends each request through its base
// transport and records the exchange; Stop saves what it recorded as a go-vcr
// v4 cassette (format version 2), with every secret redacted. Use it as the
// Base of a Transport to validate what it records. It is safe for concurrent
// use.
//
// Cassettes are written in go-vcr's own format, which go-vcr's recorder
// replays, but without importing go-vcr, whose cassette package links
// package testing into every program that uses it.
type Recorder struct {
	base    http.RoundTripper
	path    string
	secrets *redact.Secrets
	limit   int64

	mu           sync.Mutex
	interactions []*vcr.Interaction
}

// NewRecorder returns a Recorder that sends each request through base
// (http.DefaultTransport when nil) and records it for the cassette
// dir/name.yaml, which Stop replaces. Before the cassette is saved, every
// occurrence of any of secrets is replaced and every Authorization header
// says "Bearer REDACTED": pass every key the traffic carries.
//
// A response body is read whole before the caller sees it, up to
// DefaultMaxBodyBytes; a larger one is not recorded, and the request fails.
func NewRecorder(dir, name string, base http.RoundTripper, secrets ...string) (*Recorder, error) {
	if dir == "" {
		return nil, errors.New("conformance: NewRecorder: empty directory")
	}
	if name == "" || name != filepath.Base(name) || name == "." || name == ".." {
		return nil, fmt.Errorf("conformance: NewRecorder: cassette name %q must be a plain file name", name)
	}
	if base == nil {
		base = http.DefaultTransport
	}
	return &Recorder{
		base:    base,
		path:    filepath.Join(dir, name+".yaml"),
		secrets: redact.New(secrets...),
		limit:   DefaultMaxBodyBytes,
	}, nil
}

// RoundTrip implements http.RoundTripper: it sends req and records the
// exchange. The caller reads exactly the body that was recorded.
func (r *Recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	reqBody, err := readRequestBody(req, r.limit)
	if err != nil {
		return nil, fmt.Errorf("conformance: record: %w", err)
	}
	if reqBody != nil {
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	start := time.Now()
	res, err := r.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	d := time.Since(start)
	resBody, err := io.ReadAll(io.LimitReader(res.Body, r.limit+1))
	res.Body.Close()
	if err != nil {
		return nil, err
	}
	if int64(len(resBody)) > r.limit {
		return nil, fmt.Errorf("conformance: record: response body exceeds %d bytes; not recorded", r.limit)
	}
	in, err := vcr.NewInteraction(req, reqBody, res, resBody, d)
	if err != nil {
		return nil, fmt.Errorf("conformance: record: %w", err)
	}
	r.mu.Lock()
	in.ID = len(r.interactions)
	r.interactions = append(r.interactions, in)
	r.mu.Unlock()
	res.Body = io.NopCloser(bytes.NewReader(resBody))
	return res, nil
}

// Stop saves the cassette, an empty one included, so call it only when
// something was recorded. The file is written beside its final name and
// then renamed into place, so that a reader never sees half a cassette and a
// link planted at that name is replaced, never followed.
func (r *Recorder) Stop() error {
	r.mu.Lock()
	c := &vcr.Cassette{Version: vcr.FormatVersion, Interactions: make([]*vcr.Interaction, len(r.interactions))}
	for i, in := range r.interactions {
		scrubbed := *in
		scrubbed.Redact(r.secrets)
		c.Interactions[i] = &scrubbed
	}
	r.mu.Unlock()
	data, err := vcr.Encode(c)
	if err != nil {
		return fmt.Errorf("conformance: save %s: %w", r.path, err)
	}
	if err := writeFileAtomic(r.path, data); err != nil {
		return fmt.Errorf("conformance: save %s: %w", r.path, err)
	}
	return nil
}

// writeFileAtomic writes data to a new file beside path and renames it over
// path.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
	}
	return err
}
