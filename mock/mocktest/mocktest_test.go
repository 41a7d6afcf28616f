package mocktest_test

import (
	"net/http"
	"testing"

	"github.com/zcdrop/zcdrop/mock"
)

func TestNewTestServerClosesWhenTheTestEnds(t *testing.T) {
	const id = "in05-8a6e4c5d1f2b3a4"
	var baseURL string
	t.Run("user's test", func(t *testing.T) {
		ts, srv := mocktest.NewServer(t, mock.WithAPIKey("mock-key"), mock.WithClusters(id))
		baseURL = ts.URL
		if got := dropCluster(t.Context(), ts.URL, "mock-key", id); got != "dropped "+id {
			t.Errorf("automation says %q", got)
		}
		if c, _ := srv.Cluster(id); c.Plan != mock.PlanServerless || c.Status != mock.StatusDeleting {
			t.Errorf("cluster is %+v, want a DELETING serverless cluster", c)
		}
	})
	if res, err := http.Get(baseURL); err == nil {
		res.Body.Close()
		t.Error("the test server still answers after its test ended")
	}
}
