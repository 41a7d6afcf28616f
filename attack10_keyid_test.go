package zcdrop

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestClusterIDHoldingTheKeyIsRefused: an ID that holds the client's key
// (a script that swapped its arguments: zcdrop wait "$ZILLIZ_API_KEY") is
// refused before anything is sent, and no error quotes it. Sent, the key
// sat in the request's path, which servers and proxies log, and every
// error that names the cluster ("describe cluster KEY: ...", a WaitError)
// printed it whole, against the Client's promise that the key is hidden
// wherever it occurs in what the client reports.
func TestClusterIDHoldingTheKeyIsRefused(t *testing.T) {
	// A key that ValidateClusterID takes for a cluster ID.
	const key = "in01-zc0key0canary0d41d8cd98f00b204"
	calls := []struct {
		name string
		call func(c *Client, id string) error
	}{
		{name: "DropCluster", call: func(c *Client, id string) error { _, err := c.DropCluster(context.Background(), id); return err }},
		{name: "EnsureDropped", call: func(c *Client, id string) error { _, err := c.EnsureDropped(context.Background(), id); return err }},
		{name: "DescribeCluster", call: func(c *Client, id string) error { _, err := c.DescribeCluster(context.Background(), id); return err }},
		{name: "WaitDropped", call: func(c *Client, id string) error {
			_, err := c.WaitDropped(context.Background(), id, WithPollFailures(1, 1, 1))
			return err
		}},
		{name: "DropRequestForDisplay", call: func(c *Client, id string) error {
			_, err := c.DropRequestForDisplay(context.Background(), id)
			return err
		}},
	}
	for _, id := range []string{key, key + "-2"} {
		for _, tt := range calls {
			t.Run(tt.name+"/"+id, func(t *testing.T) {
				// Every answer is lost, so that an error names the cluster
				// if a request goes out.
				srv, n, _ := server(t, lostReply(abortBody))
				c, err := New(key, WithBaseURL(srv.URL), WithRetry(1, 0))
				if err != nil {
					t.Fatal(err)
				}
				err = tt.call(c, id)
				if !errors.Is(err, ErrInvalidClusterID) || strings.Contains(err.Error(), key) || n.Load() != 0 {
					t.Errorf("got %v after %d request(s); want ErrInvalidClusterID, without the key, and nothing sent", err, n.Load())
				}
			})
		}
	}
}
