package mocktest_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/zcdrop/zcdrop/mock"
	"github.com/zcdrop/zcdrop/mock/mocktest"
)

func TestNewServerClosesWhenTheTestEnds(t *testing.T) {
	const id = "in05-8a6e4c5d1f2b3a4"
	var baseURL string
	t.Run("user's test", func(t *testing.T) {
		ts, srv := mocktest.NewServer(t, mock.WithAPIKey("mock-key-0123456789"), mock.WithClusters(id))
		baseURL = ts.URL
		if got := drop(t, ts.Client(), ts.URL, "mock-key-0123456789", id); got != id {
			t.Errorf("the drop answered for cluster %q, want %q", got, id)
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

// drop drops cluster id through hc and returns the cluster ID of the
// successful answer; anything else fails the test.
func drop(t *testing.T, hc *http.Client, baseURL, key, id string) string {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodDelete, baseURL+"/v2/clusters/"+id+"/drop", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body struct {
		Code int64 `json:"code"`
		Data struct {
			ClusterID string `json:"clusterId"`
		} `json:"data"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK || body.Code != 0 {
		t.Fatalf("drop: HTTP %d code %d, want HTTP 200 code 0", res.StatusCode, body.Code)
	}
	return body.Data.ClusterID
}
