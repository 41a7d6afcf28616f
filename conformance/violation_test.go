package conformance

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// Each Pointer constant is what the Validator reports for its location: the
// mock and the CLI branch on them, and the JSON report carries them, so a
// constant that no longer names what the Validator says would break them
// silently.
func TestPointersAreWhatTheValidatorReports(t *testing.T) {
	v := newTestValidator(t)
	const drop = "https://api.cloud.zilliz.com/v2/clusters/in01-6183d6bac30f801/drop"
	success := &Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: []byte(`{"code":0,"data":{"clusterId":"in01-6183d6bac30f801","prompt":"p"}}`)}
	tests := []struct {
		pointer, method, url, body string
		auth                       bool
		response                   *Response
	}{
		{pointer: PointerAuthorization, method: http.MethodDelete, url: drop},
		{pointer: PointerContentType, method: http.MethodDelete, url: drop, auth: true,
			response: &Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: success.Body}},
		{pointer: PointerClusterID, method: http.MethodDelete, url: "https://api.cloud.zilliz.com/v2/clusters/in01-NOT-LOWER/drop", auth: true},
		{pointer: PointerQuery, method: http.MethodDelete, url: drop + "?force=1", auth: true, response: success},
		{pointer: PointerMethod, method: http.MethodPost, url: drop, auth: true},
		{pointer: PointerPath, method: http.MethodDelete, url: "https://api.cloud.zilliz.com/v3/clusters/x/drop", auth: true},
		{pointer: PointerBody, method: http.MethodDelete, url: drop, body: `{"force":true}`, auth: true, response: success},
	}
	for _, tt := range tests {
		t.Run(tt.pointer, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.url, strings.NewReader(tt.body))
			req.Header.Set("Accept", "application/json")
			if tt.auth {
				req.Header.Set("Authorization", "Bearer REDACTED")
			}
			if tt.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			var body []byte
			if tt.body != "" {
				body = []byte(tt.body)
			}
			vs := v.Validate(context.Background(), Exchange{Request: req, RequestBody: body, Response: tt.response})
			if !slices.ContainsFunc(vs, func(x Violation) bool { return x.Pointer == tt.pointer }) {
				t.Errorf("no violation at %q: %v", tt.pointer, vs)
			}
		})
	}
	t.Run(PointerURL, func(t *testing.T) {
		req := httptest.NewRequest(http.MethodDelete, "https://user:pass@api.cloud.zilliz.com/v2/clusters/in01-6183d6bac30f801/drop", nil)
		vs := checkRecordedSecrets(req)
		if len(vs) != 1 || vs[0].Pointer != PointerURL {
			t.Errorf("credentials in a recorded URL: %v, want one violation at %q", vs, PointerURL)
		}
	})
}
