package mock

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/zcdrop/zcdrop/conformance"
	"github.com/zcdrop/zcdrop/internal/redact"
)

// testValidator is shared by every test: building one validates the whole
// spec.
var testValidator = sync.OnceValues(conformance.NewValidator)

// testClient talks to a mock on a loopback httptest.Server. Conforming
// requests go through the project's conformance.Transport in ModeEnforce, so
// that an answer that breaks the spec comes back as an error and fails the
// test.
type testClient struct {
	baseURL   string
	validator *conformance.Validator
	enforcing *http.Client // through conformance.Transport in ModeEnforce
	plain     *http.Client // for the requests that ModeEnforce refuses to send
}

// startMock starts a Server configured by opts on a loopback
// httptest.Server, as mocktest.NewServer does (which these tests, inside
// package mock, cannot import), and returns a client for it.
func startMock(t *testing.T, opts ...Option) (*testClient, *Server) {
	t.Helper()
	srv, err := New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return newTestClient(t, ts), srv
}

func newTestClient(t testing.TB, ts *httptest.Server) *testClient {
	t.Helper()
	v, err := testValidator()
	if err != nil {
		t.Fatal(err)
	}
	plain := ts.Client() // Its connections close with ts.
	return &testClient{
		baseURL:   ts.URL,
		validator: v,
		enforcing: &http.Client{Transport: &conformance.Transport{Validator: v, Mode: conformance.ModeEnforce, Base: plain.Transport}},
		plain:     plain,
	}
}

// call is one request to the mock.
type call struct {
	method string      // "" sends DELETE; GET with describePath describes
	path   string      // request path, sent as it is
	auth   string      // the Authorization header; "" sends none
	body   string      // request body
	header http.Header // extra request headers
	// breaksSpec marks a deliberately non-conforming request (no key, a
	// malformed ID, a request body, a wrong method or path). ModeEnforce must
	// refuse to send it; it then goes out on a plain client, and only its
	// answer is judged.
	breaksSpec bool
}

func (c call) request(ctx context.Context, baseURL string) (*http.Request, error) {
	method := c.method
	if method == "" {
		method = http.MethodDelete
	}
	var body io.Reader
	if c.body != "" {
		body = strings.NewReader(c.body)
	}
	req, err := http.NewRequestWithContext(ctx, method, baseURL+c.path, body)
	if err != nil {
		return nil, err
	}
	if c.auth != "" {
		req.Header.Set("Authorization", c.auth)
	}
	for k, vs := range c.header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	return req, nil
}

// answer is what a test reads back from the mock.
type answer struct {
	status        int
	header        http.Header
	code          int64
	message       string
	clusterID     string
	prompt        string // a drop's
	clusterStatus string // a describe's
}

// do sends c and decodes the answer. Any violation of the spec is an error:
// in a conforming exchange, ModeEnforce's *conformance.ViolationError; for a
// request that breaks the spec, one that says what is wrong with the answer.
// It is safe for concurrent use.
func (tc *testClient) do(ctx context.Context, c call) (answer, error) {
	req, err := c.request(ctx, tc.baseURL)
	if err != nil {
		return answer{}, err
	}
	res, err := tc.enforcing.Do(req)
	if !c.breaksSpec {
		if err != nil {
			return answer{}, err
		}
		a, _, err := readAnswer(res)
		return a, err
	}

	var refused *conformance.ViolationError
	if !errors.As(err, &refused) || refused.StatusCode != 0 {
		if err == nil {
			res.Body.Close()
		}
		return answer{}, fmt.Errorf("%s %s is meant to break the spec, but ModeEnforce did not refuse it: %v", req.Method, c.path, err)
	}
	if req, err = c.request(ctx, tc.baseURL); err != nil {
		return answer{}, err
	}
	if res, err = tc.plain.Do(req); err != nil {
		return answer{}, err
	}
	a, raw, err := readAnswer(res)
	if err != nil {
		return a, err
	}
	if vs := answerAloneViolations(ctx, tc.validator, req.Method, &conformance.Response{StatusCode: a.status, Header: a.header, Body: raw}); len(vs) > 0 {
		return a, fmt.Errorf("answer HTTP %d to %s %s breaks the spec: %v", a.status, req.Method, c.path, vs)
	}
	return a, nil
}

// readAnswer reads and closes res's body, and decodes it when it is JSON.
func readAnswer(res *http.Response) (answer, []byte, error) {
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return answer{}, nil, err
	}
	a := answer{status: res.StatusCode, header: res.Header}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		var decoded struct {
			Code    int64  `json:"code"`
			Message string `json:"message"`
			Data    struct {
				ClusterID string `json:"clusterId"`
				Prompt    string `json:"prompt"`
				Status    string `json:"status"`
			} `json:"data"`
		}
		if err := json.Unmarshal(raw, &decoded); err != nil {
			return a, raw, fmt.Errorf("decode %s: %w", raw, err)
		}
		a.code, a.message = decoded.Code, decoded.Message
		a.clusterID, a.prompt, a.clusterStatus = decoded.Data.ClusterID, decoded.Data.Prompt, decoded.Data.Status
	}
	return a, raw, nil
}

// answerAloneViolations returns what is wrong with res as an answer to a
// request of method that breaks the spec. Such an exchange cannot be judged
// whole: the Validator does not check the answer to a request that matches
// no operation (a wrong method or path), so res is judged as the answer to a
// conforming stand-in: a describe for a GET, a drop for any other method.
// Every answer the mock sends must be one that the operation declares, and
// none may report the stand-in's cluster as dropped or described.
func answerAloneViolations(ctx context.Context, v *conformance.Validator, method string, res *conformance.Response) []conformance.Violation {
	const standInID = "in01-0000000000000aa"
	standIn := httptest.NewRequestWithContext(ctx, http.MethodDelete, dropPath(standInID), nil)
	if method == http.MethodGet {
		standIn = httptest.NewRequestWithContext(ctx, http.MethodGet, describePath(standInID), nil)
	}
	standIn.Header.Set("Authorization", "Bearer "+redact.Placeholder)
	return v.Validate(ctx, conformance.Exchange{Request: standIn, Response: res})
}
