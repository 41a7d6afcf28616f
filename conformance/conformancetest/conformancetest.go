// Package conformancetest holds the test helpers of package conformance, as
// net/http/httptest holds those of net/http. It imports package testing, so
// that package conformance, which programs link, does not.
package conformancetest

import (
	"net/http"
	"testing"

	"github.com/zcdrop/zcdrop/conformance"
)

// NewReplayer returns a client that answers from the go-vcr cassettes in dir,
// never from the network, validating every exchange (see
// conformance.Replayer). It fails the test at once when dir cannot be
// replayed. When the test ends, it fails the test for every replayed
// exchange that breaks openapi.yaml and every request that no cassette
// answered, listing each.
func NewReplayer(t testing.TB, dir string) *http.Client {
	t.Helper()
	r, err := conformance.NewReplayer(dir)
	if err != nil {
		t.Fatalf("conformancetest.NewReplayer: %v", err)
	}
	t.Cleanup(func() {
		r.Close()
		if err := r.Report().Err(); err != nil {
			t.Error(err)
		}
	})
	return r.Client()
}
