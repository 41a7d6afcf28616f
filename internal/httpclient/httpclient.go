// Package httpclient builds the one kind of *http.Client that zcdrop sends
// keys through: one that never follows a redirect.
package httpclient

import "net/http"

// NoRedirects returns a client that sends through rt (http.DefaultTransport
// when nil) and never follows a redirect: Go would resend the Authorization
// header to wherever a 3XX points. The redirect itself is returned to the
// caller, to be judged as the answer it is.
func NoRedirects(rt http.RoundTripper) *http.Client {
	return &http.Client{
		Transport:     rt,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
