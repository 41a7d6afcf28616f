package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// TestClusterIDHoldingTheKeyIsRefused: a cluster ID that holds the key (a
// script that swapped its arguments) is refused with exit 2 and sends
// nothing, and no output quotes the key (runWithKey fails the test if it
// does). zcdrop wait printed it whole in its error line and in its hint
// ("to wait again: zcdrop wait KEY"), after sending it in a request's path.
func TestClusterIDHoldingTheKeyIsRefused(t *testing.T) {
	for _, args := range [][]string{
		{"drop", "--yes"},
		{"drop", "--yes", "--wait", "--if-exists"},
		{"drop", "--dry-run"},
		{"describe"},
		{"wait"},
	} {
		for _, format := range []string{"text", "json"} {
			t.Run(strings.Join(args, " ")+"/"+format, func(t *testing.T) {
				base, _, n := describeMock(t)
				all := append(append([]string{}, args...), "--output", format, "--base-url", base, dropKey)
				code, stdout, stderr := runWithKey(t, context.Background(), dropKey, all...)
				if code != exitUsage || n.gets.Load()+n.deletes.Load() != 0 {
					t.Errorf("exit %d after %d request(s); want exit %d and nothing sent\nstdout: %s\nstderr: %s", code, n.gets.Load()+n.deletes.Load(), exitUsage, stdout, stderr)
				}
				if format != "json" {
					return
				}
				var got struct {
					Error *struct {
						Kind string `json:"kind"`
					} `json:"error"`
				}
				if err := json.Unmarshal([]byte(stdout), &got); err != nil || got.Error == nil || got.Error.Kind != "invalid_cluster_id" {
					t.Errorf("stdout %q (%v), want an error of kind invalid_cluster_id", stdout, err)
				}
			})
		}
	}
}
