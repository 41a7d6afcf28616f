package mock

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/zcdrop/zcdrop/conformance"
)

// Each test's exchanges go through validatingTransport, which checks request
// and response against openapi.yaml and fails the test on any violation that
// the test did not ask for.
type expectation int

const (
	expectConforming expectation = iota
	// expectBadRequest marks a request that is deliberately non-conforming
	// (no key, a malformed ID): it must break the spec, and the answer must
	// still conform.
	expectBadRequest
	// expectBadResponse marks a deliberately damaged answer (a truncated
	// body): its violations come back as a *conformance.ViolationError.
	expectBadResponse
)

type expectationKey struct{}

func withExpectation(ctx context.Context, e expectation) context.Context {
	return context.WithValue(ctx, expectationKey{}, e)
}

type validatingTransport struct {
	t    testing.TB
	v    *conformance.Validator
	base http.RoundTripper
}

// newValidatingClient returns a client whose every exchange is validated.
func newValidatingClient(t testing.TB) *http.Client {
	t.Helper()
	v, err := conformance.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	base := &http.Transport{}
	t.Cleanup(base.CloseIdleConnections)
	return &http.Client{Transport: &validatingTransport{t: t, v: v, base: base}}
}

func (vt *validatingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var reqBody []byte
	if req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		if reqBody, err = io.ReadAll(body); err != nil {
			return nil, err
		}
	}
	res, err := vt.base.RoundTrip(req)
	if err != nil {
		return nil, err // A closed connection; the test asserts it.
	}
	resBody, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("read response body: %w", err)
	}
	res.Body = io.NopCloser(bytes.NewReader(resBody))

	ctx := req.Context()
	want, _ := ctx.Value(expectationKey{}).(expectation)
	response := &conformance.Response{Status: res.StatusCode, Header: res.Header, Body: resBody}
	reqViolations := vt.v.Validate(ctx, conformance.Exchange{Request: req, RequestBody: reqBody})
	resViolations := responseViolations(ctx, vt.t, vt.v, req, reqBody, reqViolations, response)

	switch {
	case want == expectBadRequest && len(reqViolations) == 0:
		vt.t.Errorf("%s %s: the request was meant to break the spec but conforms", req.Method, req.URL)
	case want != expectBadRequest && len(reqViolations) > 0:
		vt.t.Errorf("%s %s: request breaks the spec: %v", req.Method, req.URL, reqViolations)
	}
	if len(resViolations) > 0 {
		if want == expectBadResponse {
			return nil, &conformance.ViolationError{Method: req.Method, URL: req.URL.String(), Status: res.StatusCode, Violations: resViolations}
		}
		vt.t.Errorf("%s %s: response %d breaks the spec: %v", req.Method, req.URL, res.StatusCode, resViolations)
	} else if want == expectBadResponse {
		vt.t.Errorf("%s %s: the response was meant to break the spec but conforms", req.Method, req.URL)
	}
	return res, nil
}

// responseViolations returns what is wrong with the response alone: the
// violations of the whole exchange that are not the request's. When the
// request matches no operation (an unknown path, a wrong method, an empty
// ID), the Validator cannot judge the answer against it, so the answer is
// judged as the answer to a conforming drop: every status the mock sends is
// one that the operation declares.
func responseViolations(ctx context.Context, t testing.TB, v *conformance.Validator, req *http.Request, reqBody []byte,
	reqViolations []conformance.Violation, res *conformance.Response) []conformance.Violation {
	all := v.Validate(ctx, conformance.Exchange{Request: req, RequestBody: reqBody, Response: res})
	unrouted := slices.ContainsFunc(all, func(x conformance.Violation) bool {
		return x.Kind == conformance.KindRequest && (x.Pointer == "method" || x.Pointer == "path")
	})
	if unrouted {
		standIn, err := http.NewRequestWithContext(ctx, http.MethodDelete, "http://127.0.0.1/v2/clusters/in01-0000000000000aa/drop", nil)
		if err != nil {
			t.Fatal(err)
		}
		standIn.Header.Set("Authorization", "Bearer REDACTED")
		return v.Validate(ctx, conformance.Exchange{Request: standIn, Response: res})
	}
	return slices.DeleteFunc(all, func(x conformance.Violation) bool {
		return slices.Contains(reqViolations, x)
	})
}

// fakeClock is the Server's clock in tests: time moves only when told to.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
