package mock

import (
	"net/http/httptest"
	"testing"
)

// NewTestServer starts a Server configured by opts on a loopback
// httptest.Server, and closes it when the test and its subtests end. It fails
// the test at once if an option is invalid. Point the code under test at the
// returned server's URL, and inspect or steer the mock through the *Server.
func NewTestServer(t testing.TB, opts ...Option) (*httptest.Server, *Server) {
	t.Helper()
	s, err := New(opts...)
	if err != nil {
		t.Fatalf("mock.NewTestServer: %v", err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return ts, s
}
