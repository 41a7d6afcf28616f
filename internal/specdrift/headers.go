package specdrift

// genericHeaders are the response headers that drift never asks the spec
// to declare: HTTP's own framing and connection headers, and those that
// servers, load balancers and CDNs add to every answer whatever the API
// (dates, caching, security hardening, CORS). They say nothing about the
// operation, and declaring them would only make the spec noisy; a header
// not listed here is reported when the response does not declare it. Names
// are canonical (http.CanonicalHeaderKey).
var genericHeaders = map[string]bool{
	// Framing and the connection (RFC 9110, 9112).
	"Content-Type":      true,
	"Content-Length":    true,
	"Content-Encoding":  true,
	"Transfer-Encoding": true,
	"Trailer":           true,
	"Connection":        true,
	"Keep-Alive":        true,
	"Upgrade":           true,
	"Proxy-Connection":  true,
	"Alt-Svc":           true,
	// Every origin server sends these.
	"Date":   true,
	"Server": true,
	"Vary":   true,
	// Caching, set by servers and caches alike.
	"Cache-Control": true,
	"Pragma":        true,
	"Expires":       true,
	"Age":           true,
	"Via":           true,
	// Security hardening, set by gateways in front of any API.
	"Strict-Transport-Security": true,
	"X-Content-Type-Options":    true,
	"X-Frame-Options":           true,
	"X-Xss-Protection":          true,
	"Content-Security-Policy":   true,
	"Referrer-Policy":           true,
	// CORS, set by gateways for browsers.
	"Access-Control-Allow-Origin":      true,
	"Access-Control-Allow-Credentials": true,
	"Access-Control-Allow-Headers":     true,
	"Access-Control-Allow-Methods":     true,
	"Access-Control-Expose-Headers":    true,
	"Access-Control-Max-Age":           true,
}
