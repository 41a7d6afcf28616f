package conformance

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// Mode says what a Transport does with a violation.
type Mode int

const (
	// Enforce never sends a violating request, and turns a violating response
	// into a *ViolationError.
	Enforce Mode = iota + 1
	// Observe leaves traffic untouched and reports each exchange's verdict
	// through Transport.Report.
	Observe
)

// DefaultMaxBodyBytes is the body size a Transport buffers when MaxBodyBytes
// is zero. Drop Cluster bodies are a few hundred bytes.
const DefaultMaxBodyBytes = 1 << 20

// Transport is an http.RoundTripper that validates every exchange against
// the spec. Plug it into the generated client with api.WithHTTPClient, or
// into zcdrop.New with zcdrop.WithHTTPClient:
//
//	hc := &http.Client{Transport: &conformance.Transport{Validator: v, Mode: conformance.Enforce}}
//
// Bodies are buffered, up to MaxBodyBytes, and restored, so the caller reads
// exactly what the server sent.
type Transport struct {
	// Validator checks each exchange. Required.
	Validator *Validator
	// Mode is Enforce or Observe. Required.
	Mode Mode
	// Base sends the requests; nil means http.DefaultTransport.
	Base http.RoundTripper
	// Report, when set, receives the verdict on every exchange, in both
	// modes, including the ones that conform (Result.OK).
	Report func(Result)
	// MaxBodyBytes caps the buffered body; zero means DefaultMaxBodyBytes.
	// In Enforce mode a larger response is an error; in Observe mode it is
	// reported and passed on whole.
	MaxBodyBytes int64
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		// A RoundTripper must close the request body, whatever happens.
		defer req.Body.Close()
	}
	if t.Validator == nil {
		return nil, errors.New("conformance: Transport has no Validator")
	}
	if t.Mode != Enforce && t.Mode != Observe {
		return nil, fmt.Errorf("conformance: Transport mode %d is neither Enforce nor Observe", t.Mode)
	}
	limit := t.MaxBodyBytes
	if limit <= 0 {
		limit = DefaultMaxBodyBytes
	}
	var reqBody []byte
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(io.LimitReader(req.Body, limit+1))
		if err != nil {
			return nil, fmt.Errorf("conformance: read request body: %w", err)
		}
		if int64(len(b)) > limit {
			return nil, fmt.Errorf("conformance: request body exceeds %d bytes", limit)
		}
		reqBody = b
	}
	ctx := req.Context()
	result := Result{Method: req.Method, URL: req.URL.Redacted()}

	if t.Mode == Enforce {
		if vs := t.Validator.Validate(ctx, Exchange{Request: req, RequestBody: reqBody}); len(vs) > 0 {
			result.Violations = vs
			t.report(result)
			return nil, &ViolationError{Method: req.Method, URL: result.URL, Violations: vs}
		}
	}

	out := req.Clone(ctx)
	if reqBody != nil {
		out.Body = io.NopCloser(bytes.NewReader(reqBody))
		out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(reqBody)), nil }
	}
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	res, err := base.RoundTrip(out)
	if err != nil {
		if t.Mode == Observe {
			result.Violations = t.Validator.Validate(ctx, Exchange{Request: req, RequestBody: reqBody})
			t.report(result)
		}
		return nil, err
	}
	result.Status = res.StatusCode

	body, readErr := io.ReadAll(io.LimitReader(res.Body, limit+1))
	tooLarge := readErr == nil && int64(len(body)) > limit
	if t.Mode == Enforce && (readErr != nil || tooLarge) {
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
		result.Violations = t.Validator.Validate(ctx, Exchange{
			Request:     req,
			RequestBody: reqBody,
			Response:    &Response{Status: res.StatusCode, Header: res.Header, Body: body},
		})
	}
	t.report(result)
	if t.Mode == Enforce && len(result.Violations) > 0 {
		return nil, &ViolationError{Method: req.Method, URL: result.URL, Status: res.StatusCode, Violations: result.Violations}
	}
	return res, nil
}

func (t *Transport) report(r Result) {
	r.OK = len(r.Violations) == 0
	if r.Violations == nil {
		r.Violations = []Violation{}
	}
	if t.Report != nil {
		t.Report(r)
	}
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
