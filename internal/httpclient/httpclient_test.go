package httpclient

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// countingTransport counts the requests it sends.
type countingTransport struct {
	n atomic.Int64
}

func (c *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return http.DefaultTransport.RoundTrip(req)
}

func TestNoRedirects(t *testing.T) {
	var elsewhere atomic.Int64
	target := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { elsewhere.Add(1) }))
	t.Cleanup(target.Close)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL+"/elsewhere", http.StatusFound)
	}))
	t.Cleanup(srv.Close)

	rt := &countingTransport{}
	tests := []struct {
		name  string
		rt    http.RoundTripper
		count *atomic.Int64 // requests rt must have sent; nil for none to check
	}{
		{name: "given transport", rt: rt, count: &rt.n},
		{name: "nil means the default transport", rt: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NoRedirects(tt.rt)
			if c.Transport != tt.rt {
				t.Errorf("Transport = %v, want %v", c.Transport, tt.rt)
			}
			req, err := http.NewRequest(http.MethodDelete, srv.URL+"/drop", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer canary")
			res, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusFound || res.Header.Get("Location") != target.URL+"/elsewhere" {
				t.Errorf("got %d to %q, want the 302 itself", res.StatusCode, res.Header.Get("Location"))
			}
			if tt.count != nil && tt.count.Load() != 1 {
				t.Errorf("the transport sent %d requests, want 1", tt.count.Load())
			}
		})
	}
	if n := elsewhere.Load(); n != 0 {
		t.Errorf("the redirect was followed %d times", n)
	}
}
