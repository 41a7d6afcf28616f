package conformance

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/zcdrop/zcdrop/internal/redact"
)

// Mode says what a Transport does with a violation. The zero Mode is not a
// mode: a Transport refuses to send with it, so that a forgotten field never
// turns checks off.
type Mode int

const (
	// ModeEnforce never sends a violating request, and turns a violating
	// response into a *ViolationError.
	ModeEnforce Mode = iota + 1
	// ModeObserve leaves traffic untouched and reports each exchange's
	// verdict through Transport.Report.
	ModeObserve
	// ModeOff sends traffic through unchecked and reports nothing: the
	// CLI's --validate off.
	ModeOff
)

// String returns the mode's name as the CLI spells it: enforce, observe or
// off.
func (m Mode) String() string {
	switch m {
	case ModeEnforce:
		return "enforce"
	case ModeObserve:
		return "observe"
	case ModeOff:
		return "off"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// ParseMode returns the Mode that String spells s, or an error naming the
// modes there are.
func ParseMode(s string) (Mode, error) {
	for _, m := range []Mode{ModeEnforce, ModeObserve, ModeOff} {
		if m.String() == s {
			return m, nil
		}
	}
	return 0, fmt.Errorf("conformance: unknown mode %q (want enforce, observe or off)", s)
}

// DefaultMaxBodyBytes is the body size a Transport buffers when MaxBodyBytes
// is zero. Drop Cluster bodies are a few hundred bytes.
const DefaultMaxBodyBytes = 1 << 20

// Transport is an http.RoundTripper that validates every exchange against
// the spec. Plug it into the front door with zcdrop.WithTransport, which
// keeps the client's no-redirect policy:
//
//	c, err := zcdrop.New(key, zcdrop.WithTransport(&conformance.Transport{Validator: v, Mode: conformance.ModeEnforce}))
//
// Bodies are buffered, up to MaxBodyBytes, and restored, so the caller reads
// exactly what the server sent.
type Transport struct {
	// Validator checks each exchange. Required, but in ModeOff.
	Validator *Validator
	// Mode is ModeEnforce, ModeObserve or ModeOff. Required.
	Mode Mode
	// Base sends the requests; nil means http.DefaultTransport.
	Base http.RoundTripper
	// Report, when set, receives the verdict on every exchange, including
	// the ones that conform (Result.OK), in ModeEnforce and ModeObserve;
	// ModeOff reports nothing.
	Report func(Result)
	// MaxBodyBytes caps the buffered body; zero means DefaultMaxBodyBytes.
	// In ModeEnforce a larger response is an error; in ModeObserve it is
	// reported and passed on whole.
	MaxBodyBytes int64
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	if t.Mode == ModeOff {
		return base.RoundTrip(req) // It closes the body, as it must.
	}
	if req.Body != nil {
		// A RoundTripper must close the request body, whatever happens.
		defer req.Body.Close()
	}
	if t.Mode != ModeEnforce && t.Mode != ModeObserve {
		return nil, fmt.Errorf("conformance: Transport has %v, not ModeEnforce, ModeObserve or ModeOff", t.Mode)
	}
	if t.Validator == nil {
		return nil, errors.New("conformance: Transport has no Validator")
	}
	limit := t.MaxBodyBytes
	if limit <= 0 {
		limit = DefaultMaxBodyBytes
	}
	reqBody, err := readRequestBody(req, limit)
	if err != nil {
		return nil, fmt.Errorf("conformance: %w", err)
	}
	ctx := req.Context()
	result := Result{Method: req.Method}
	// The URL as reports show it, key and credentials hidden: made only
	// for a report or an error, since hiding the key costs a few dozen
	// allocations (every encoding of it) that a conforming exchange
	// without a Report need not pay.
	shownURL := func() string { return redact.New(messageSecret(req.Header)).URL(req.URL.String()) }

	// In ModeEnforce the request is checked before it is sent, and once
	// only: a request that the fast path proves is not checked again with
	// its response (proved).
	var proved *fastRequest
	if t.Mode == ModeEnforce {
		if fr, ok := t.Validator.fastCheckRequest(Exchange{Request: req, RequestBody: reqBody}); ok {
			proved = &fr
		} else if vs := t.Validator.Validate(ctx, Exchange{Request: req, RequestBody: reqBody}); len(vs) > 0 {
			result.Violations, result.URL = vs, shownURL()
			t.report(result, nil)
			return nil, &ViolationError{Method: req.Method, URL: result.URL, Violations: vs}
		}
	}

	// A request without a body is sent as it came: there is nothing to
	// restore, and a RoundTripper leaves its request untouched anyway.
	out := req
	if reqBody != nil {
		out = req.Clone(ctx)
		out.Body = io.NopCloser(bytes.NewReader(reqBody))
		out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(reqBody)), nil }
	}
	res, err := base.RoundTrip(out)
	if err != nil {
		if t.Mode == ModeObserve {
			result.Violations = t.Validator.Validate(ctx, Exchange{Request: req, RequestBody: reqBody})
			t.report(result, shownURL)
		}
		return nil, err
	}
	result.StatusCode = res.StatusCode

	body, readErr := io.ReadAll(io.LimitReader(res.Body, limit+1))
	tooLarge := readErr == nil && int64(len(body)) > limit
	if t.Mode == ModeEnforce && (readErr != nil || tooLarge) {
		res.Body.Close()
		if readErr != nil {
			return nil, fmt.Errorf("conformance: read response body: %w", readErr)
		}
		return nil, fmt.Errorf("conformance: response body exceeds %d bytes; not validated", limit)
	}
	switch {
	case readErr != nil:
		// Hand the caller what arrived, then the same error: nothing is lost
		// and nothing is invented.
		res.Body.Close()
		res.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), errReader{readErr}))
		result.Violations = []Violation{{Kind: KindResponse, Message: "body could not be read whole; not validated"}}
	case tooLarge:
		res.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(body), res.Body), res.Body}
		result.Violations = []Violation{{Kind: KindResponse, Message: fmt.Sprintf("body exceeds %d bytes; not validated", limit)}}
	default:
		res.Body.Close()
		res.Body = io.NopCloser(bytes.NewReader(body))
		result.Violations, _, result.Exercised = t.Validator.validateProved(ctx, Exchange{
			Request:     req,
			RequestBody: reqBody,
			Response:    &Response{StatusCode: res.StatusCode, Header: res.Header, Body: body},
		}, proved)
	}
	t.report(result, shownURL)
	if t.Mode == ModeEnforce && len(result.Violations) > 0 {
		return nil, &ViolationError{Method: req.Method, URL: shownURL(), StatusCode: res.StatusCode, Violations: result.Violations}
	}
	return res, nil
}

// report hands r to t.Report, if there is one, with its URL made by
// shownURL when r has none yet.
func (t *Transport) report(r Result, shownURL func() string) {
	if t.Report == nil {
		return
	}
	r.OK = len(r.Violations) == 0
	if r.Violations == nil {
		r.Violations = []Violation{}
	}
	if shownURL != nil {
		r.URL = shownURL()
	}
	t.Report(r)
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
