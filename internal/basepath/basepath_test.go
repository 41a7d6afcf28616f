package basepath

import (
	"context"
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
