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
	"github.com/zcdrop/zcdrop/internal/regularfile"
	"github.com/zcdrop/zcdrop/internal/vcr"
)

// Recorder is an http.RoundTripper that sends each request through its base
// transport and records the exchange; Stop saves what it recorded as a go-vcr
// v4 cassette (format version 2), with every secret redacted. Use it as the
// Base of a Transport to validate what it records. It is safe for concurrent
// use, and lists exchanges in the order in which their answers were read
// whole. Two requests in flight together may be listed in another order
// than the one in which the server answered them, so that the gate's
// lifecycle rules, which take a cassette's order for the server's, may
// find a sequence impossible that the server never produced: to record a
// cassette for them, let no two requests about one cluster be in flight
// together.
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
// A request is recorded before it is sent, and one that cannot be recorded
// (a body over DefaultMaxBodyBytes, a form that does not parse) is refused
// unsent. A response body is read whole before the caller sees it, up to
// DefaultMaxBodyBytes; a larger one is passed on whole and left out of the
// cassette, so that the caller judges it as it would without a Recorder.
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
		return nil, fmt.Errorf("conformance: record: %w; not sent", err)
	}
	if reqBody != nil {
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	recorded, err := vcr.NewRequest(req, reqBody)
	if err != nil {
		return nil, fmt.Errorf("conformance: record: %w; not sent", err)
	}
	start := time.Now()
	res, err := r.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	d := time.Since(start)
	resBody, err := io.ReadAll(io.LimitReader(res.Body, r.limit+1))
	if err != nil {
		res.Body.Close()
		return nil, err
	}
	if int64(len(resBody)) > r.limit {
		// Too large to record: the caller still gets every byte.
		res.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(resBody), res.Body), res.Body}
		return res, nil
	}
	res.Body.Close()
	r.mu.Lock()
	r.interactions = append(r.interactions, &vcr.Interaction{ID: len(r.interactions), Request: recorded, Response: vcr.NewResponse(res, resBody, d)})
	r.mu.Unlock()
	res.Body = io.NopCloser(bytes.NewReader(resBody))
	return res, nil
}

// Len returns how many exchanges the Recorder has recorded so far. An
// exchange it could not record (a body over the cap) is not counted.
func (r *Recorder) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.interactions)
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
// path. The new file is created as os.Create creates one, so the umask
// applies; a regular file it replaces keeps its mode.
func writeFileAtomic(path string, data []byte) error {
	f, err := regularfile.CreateBeside(path)
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		if old, serr := os.Lstat(path); serr == nil && old.Mode().IsRegular() {
			err = f.Chmod(old.Mode().Perm())
		}
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
	}
	return err
}
