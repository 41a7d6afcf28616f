// Package basepath carries, in a request's context, the path of the base URL
// that a request was built from, so that the Validator can route the request
// on the rest of its path. It is its own package so that the front door can
// mark its requests without linking the Validator's dependencies (kin-openapi
// and its router) into every program that drops a cluster.
package basepath

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

type key struct{}

// With marks the requests made with ctx as built from a base URL whose path
// is prefix. A trailing slash of prefix is ignored, a missing leading one is
// added, and an empty prefix, or "/", marks nothing.
func With(ctx context.Context, prefix string) context.Context {
	prefix = strings.TrimRight(prefix, "/")
	if prefix == "" {
		return ctx
	}
	if !strings.HasPrefix(prefix, "/") {
		prefix = "/" + prefix
	}
	return context.WithValue(ctx, key{}, prefix)
}

// From returns the base path that ctx marks, or "".
func From(ctx context.Context) string {
	prefix, _ := ctx.Value(key{}).(string)
	return prefix
}

// Strip returns req, or a shallow copy of it whose URL lacks prefix (a
// normalized base path, as From returns it), so that it routes on the path
// below the base URL. A request whose path does not start with prefix and
// a "/" is returned as it is.
func Strip(req *http.Request, prefix string) *http.Request {
	if prefix == "" {
		return req
	}
	rest, ok := strings.CutPrefix(req.URL.EscapedPath(), prefix)
	if !ok || !strings.HasPrefix(rest, "/") {
		return req
	}
	path, err := url.PathUnescape(rest)
	if err != nil {
		return req
	}
	u := *req.URL
	u.Path, u.RawPath = path, rest
	out := *req
	out.URL = &u
	return &out
}
