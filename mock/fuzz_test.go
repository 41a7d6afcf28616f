package mock

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/zcdrop/zcdrop/conformance"
)

// FuzzServeHTTP sends arbitrary request targets and methods, as net/http
// would parse them, and checks that the mock never panics and always answers
// with a requestid and a status and body that the spec declares.
func FuzzServeHTTP(f *testing.F) {
	for _, target := range []string{
		dropPath(dedicatedID),
		dropPath(""),
		dropPath(".."),
		dropPath("%2e%2e"),
		dropPath("in01-a%2F..%2Fb"),
		dropPath("in01-a%00"),
		dropPath(dedicatedID) + "?clusterId=x",
		"//v2/clusters/" + dedicatedID + "/drop",
		"/v2/clusters/" + dedicatedID + "/drop/",
		"/v2/clusters/../../drop",
		"/",
		"*",
	} {
		f.Add(target, byte(0), true)
	}
	for _, target := range []string{
		describePath(dedicatedID),
		describePath(""),
		describePath(".."),
		describePath("%2e%2e"),
		describePath("in01-a%2F..%2Fb"),
		describePath(dedicatedID) + "?clusterId=x",
		describePath(dedicatedID) + "/",
		"/v2/clusters",
	} {
		f.Add(target, byte(1), true) // GET
	}
	f.Add(dropPath(dedicatedID), byte(1), true)
	f.Add(dropPath(dedicatedID), byte(0), false)

	srv, err := New(seeded(WithRateLimit(0))...)
	if err != nil {
		f.Fatal(err)
	}
	v, err := testValidator()
	if err != nil {
		f.Fatal(err)
	}
	methods := []string{http.MethodDelete, http.MethodGet, http.MethodPost, http.MethodPut, http.MethodOptions, "PATCH", "BREW"}
	f.Fuzz(func(t *testing.T, target string, method byte, withKey bool) {
		u, err := url.ParseRequestURI(target)
		if err != nil {
			t.Skip("net/http refuses this target before any handler runs")
		}
		req := httptest.NewRequestWithContext(t.Context(), methods[int(method)%len(methods)], "/", nil)
		req.URL, req.RequestURI = u, target
		if withKey {
			req.Header.Set("Authorization", bearer(keyAll))
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)

		if rec.Header().Get("requestid") == "" {
			t.Error("no requestid header")
		}
		res := &conformance.Response{StatusCode: rec.Code, Header: rec.Header(), Body: bytes.Clone(rec.Body.Bytes())}
		// A conforming request is judged with its answer; the answer to one
		// that breaks the spec is judged alone.
		vs := v.Validate(t.Context(), conformance.Exchange{Request: req})
		if len(vs) == 0 {
			vs = v.Validate(t.Context(), conformance.Exchange{Request: req, Response: res})
		} else {
			vs = answerAloneViolations(t.Context(), v, req.Method, res)
		}
		if len(vs) > 0 {
			t.Errorf("%s %q: answer HTTP %d %s breaks the spec: %v", req.Method, target, rec.Code, rec.Body, vs)
		}
	})
}
