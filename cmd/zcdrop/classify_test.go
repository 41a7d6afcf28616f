package main

import (
	"testing"

	"github.com/zcdrop/zcdrop"
)

// TestClassifyBusinessCodes: each known code of an HTTP 200 error envelope
// gets its sentinel's kind and exit code.
func TestClassifyBusinessCodes(t *testing.T) {
	for _, tt := range []struct {
		code int
		kind string
		exit int
	}{
		{96018, "not_found", exitNotFound},
		{21119, "unauthorized", exitAuth},
		{96016, "permission_denied", exitAuth},
		{96036, "invalid_cluster_id", exitUsage},
		{96021, "unsupported_plan", exitFailed},
		{40003, "invalid_state", exitFailed},
		{12345, "api_error", exitFailed},
	} {
		r := classify(&zcdrop.APIError{StatusCode: 200, Code: tt.code, Message: "m"})
		if r.Kind != tt.kind || r.exit != tt.exit {
			t.Errorf("code %d: kind %q exit %d, want %q exit %d", tt.code, r.Kind, r.exit, tt.kind, tt.exit)
		}
		if tt.kind != "api_error" && r.Hint == "" {
			t.Errorf("code %d: no hint", tt.code)
		}
	}
}
