package basepath

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestWithAndFrom(t *testing.T) {
	tests := map[string]string{
		"/zilliz":   "/zilliz",
		"/zilliz/":  "/zilliz",
		"zilliz":    "/zilliz",
		"/a/b/":     "/a/b",
		"":          "",
		"/":         "",
		"//":        "",
		"/v2/proxy": "/v2/proxy",
	}
	for prefix, want := range tests {
		if got := From(With(context.Background(), prefix)); got != want {
			t.Errorf("From(With(%q)) = %q, want %q", prefix, got, want)
		}
	}
	if got := From(context.Background()); got != "" {
		t.Errorf("an unmarked context says %q", got)
	}
}

// TestStrip routes a request on the path below the base path, escapes and
// all, and leaves alone a request that is not below it.
func TestStrip(t *testing.T) {
	tests := []struct {
		url, prefix, wantPath, wantRaw string
		same                           bool
	}{
		{url: "https://h/zilliz/v2/clusters/in01-a/drop", prefix: "/zilliz", wantPath: "/v2/clusters/in01-a/drop"},
		{url: "https://h/zilliz/v2/a%2Fb/drop", prefix: "/zilliz", wantPath: "/v2/a/b/drop", wantRaw: "/v2/a%2Fb/drop"},
		{url: "https://h/v2/clusters/in01-a/drop", prefix: "", same: true},
		{url: "https://h/zillizz/v2/clusters/in01-a/drop", prefix: "/zilliz", same: true},
		{url: "https://h/other/v2/clusters/in01-a/drop", prefix: "/zilliz", same: true},
	}
	for _, tt := range tests {
		req := httptest.NewRequest(http.MethodDelete, tt.url, nil)
		got := Strip(req, tt.prefix)
		if tt.same {
			if got != req {
				t.Errorf("Strip(%s, %q) changed the request", tt.url, tt.prefix)
			}
			continue
		}
		if got == req || got.URL == req.URL {
			t.Errorf("Strip(%s, %q) did not copy the request", tt.url, tt.prefix)
		}
		if got.URL.Path != tt.wantPath || got.URL.RawPath != tt.wantRaw && tt.wantRaw != "" {
			t.Errorf("Strip(%s, %q): path %q raw %q, want %q %q", tt.url, tt.prefix, got.URL.Path, got.URL.RawPath, tt.wantPath, tt.wantRaw)
		}
		if req.URL.Path == got.URL.Path {
			t.Errorf("Strip(%s) changed the original request's URL", tt.url)
		}
	}
}
