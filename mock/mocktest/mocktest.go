// Package mocktest starts the reference control plane of package mock in
// tests, as net/http/httptest starts servers. It imports package testing, so
// that package mock, which the zcdrop command links, does not.
package mocktest

import (
	"net/http/httptest"
	"testing"

	"github.com/zcdrop/zcdrop/mock"
)

// NewServer starts a mock.Server configured by opts on a loopback
// httptest.Server, and closes it when the test and its subtests end. It
// fails the test at once if an option is invalid. Point the code under test
// at the returned server's URL, and inspect or steer the mock through the
// *mock.Server.
func NewServer(t testing.TB, opts ...mock.Option) (*httptest.Server, *mock.Server) {
	t.Helper()
	s, err := mock.New(opts...)
	if err != nil {
		t.Fatalf("mocktest.NewServer: %v", err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return ts, s
}
