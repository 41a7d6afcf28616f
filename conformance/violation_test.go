package conformance

import "testing"

// The pointers are part of the JSON report and of what the mock and the CLI
// match on, so their spelling is pinned here, where a change has to be made
// on purpose.
func TestPointerSpellings(t *testing.T) {
	for _, tt := range []struct {
		got, want string
	}{
		{PointerAuthorization, "header/Authorization"},
		{PointerContentType, "header/Content-Type"},
		{PointerClusterID, "path/clusterId"},
		{PointerQuery, "query"},
		{PointerMethod, "method"},
		{PointerPath, "path"},
		{PointerBody, "body"},
		{PointerURL, "url"},
	} {
		t.Run(tt.want, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("pointer %q, want %q", tt.got, tt.want)
			}
		})
	}
}
