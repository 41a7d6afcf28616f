// Package redact is the one place in zcdrop that knows how to hide a secret:
// in a string, a body, a header, a URL and an error. Every other package
// calls it, so that the rule for what is hidden, and the word that replaces
// it, are written once.
package redact

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Placeholder replaces every secret. Recordings say "Bearer REDACTED", and
// the gate accepts that as a present key.
const Placeholder = "REDACTED"

// Secrets hides a fixed set of secrets. The zero value and nil hide nothing
// but Authorization values. It is safe for concurrent use.
type Secrets struct {
	replacer *strings.Replacer
}

// New returns the Secrets that hide each of secrets. Empty strings, and the
// placeholder itself, are ignored.
func New(secrets ...string) *Secrets {
	var olds []string
	for _, s := range secrets {
		if s != "" && s != Placeholder && !slices.Contains(olds, s) {
			olds = append(olds, s)
		}
	}
	if len(olds) == 0 {
		return &Secrets{}
	}
	// strings.Replacer tries its patterns in argument order, so the longest
	// goes first: a secret that contains another is replaced whole.
	slices.SortStableFunc(olds, func(a, b string) int { return len(b) - len(a) })
	pairs := make([]string, 0, 2*len(olds))
	for _, s := range olds {
		pairs = append(pairs, s, Placeholder)
	}
	return &Secrets{replacer: strings.NewReplacer(pairs...)}
}

// String returns v with every secret replaced.
func (s *Secrets) String(v string) string {
	if s == nil || s.replacer == nil {
		return v
	}
	return s.replacer.Replace(v)
}

// Bytes returns b with every secret replaced; b itself is not modified.
func (s *Secrets) Bytes(b []byte) []byte {
	if s == nil || s.replacer == nil {
		return b
	}
	return []byte(s.replacer.Replace(string(b)))
}

// Header returns a copy of h in which every Authorization value keeps only
// its scheme (see Authorization) and every secret, in names and values, is
// replaced. It never modifies h, which may be the very map of a request
// that the program still holds. A nil h stays nil.
func (s *Secrets) Header(h http.Header) http.Header {
	return s.values(h, func(name string) bool { return strings.EqualFold(name, "Authorization") })
}

// Values returns a copy of m, a form or query, with every secret in names
// and values replaced. Unlike Header, it cuts no field to the placeholder:
// a field named "authorization" is no header. A nil m stays nil.
func (s *Secrets) Values(m url.Values) url.Values {
	return s.values(m, func(string) bool { return false })
}

// values copies a multi-map with every secret replaced, and each value of a
// name that isAuthorization accepts cut to its scheme.
func (s *Secrets) values(m map[string][]string, isAuthorization func(string) bool) map[string][]string {
	if m == nil {
		return nil
	}
	out := make(map[string][]string, len(m))
	for name, values := range m {
		auth := isAuthorization(name)
		vs := make([]string, len(values))
		for i, v := range values {
			if auth {
				v = Authorization(v)
			}
			vs[i] = s.String(v)
		}
		out[s.String(name)] = vs
	}
	return out
}

// Authorization hides the credential of an Authorization header value and
// keeps its scheme: "Bearer sk-123" becomes "Bearer REDACTED", so that a
// reader still sees which scheme was used. A value without a scheme becomes
// the placeholder alone.
func Authorization(v string) string {
	if scheme, _, ok := strings.Cut(v, " "); ok {
		return scheme + " " + Placeholder
	}
	return Placeholder
}

// IsRedactedAuthorization reports whether an Authorization value carries no
// credential but the placeholder, as a recording made through this package
// does.
func IsRedactedAuthorization(v string) bool {
	_, token, _ := strings.Cut(v, " ")
	return strings.TrimSpace(token) == Placeholder
}

// URL renders raw for a report: a user and password, and every query value,
// become the placeholder, since the operations zcdrop checks take no query
// and any there may be a secret. A raw that does not parse is returned with
// only the secrets replaced.
func (s *Secrets) URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return s.String(raw)
	}
	if u.User != nil {
		u.User = url.User(Placeholder)
	}
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			q[k] = []string{Placeholder}
		}
		u.RawQuery = q.Encode()
	}
	return s.String(u.String())
}

// Error returns err with every secret hidden from its message. An err that
// quotes no secret is returned as it is. A *url.Error stays a *url.Error,
// with its URL and cause redacted, as go-github cleans it, so that
// errors.As finds it and its Timeout method still answers.
//
// Any other error that quotes a secret is replaced by one that errors.Is
// still matches against its whole chain, so that errors.Is(err,
// context.DeadlineExceeded) holds of a redacted timeout. It neither unwraps
// nor answers errors.As: every error behind it may print the secret, and
// nothing may hand one to a caller who then prints it.
func (s *Secrets) Error(err error) error {
	if err == nil || s == nil || s.replacer == nil {
		return err
	}
	msg := err.Error()
	clean := s.String(msg)
	if clean == msg {
		return err
	}
	if ue, ok := err.(*url.Error); ok {
		return &url.Error{Op: ue.Op, URL: s.String(ue.URL), Err: s.Error(ue.Err)}
	}
	return &redactedError{msg: clean, err: err}
}

// redactedError is an error whose message had a secret in it. It does not
// unwrap and does not answer errors.As, so that no code that walks the
// chain (some loggers print every link) or extracts from it ever meets the
// original message; Is, which hands nothing back, still reaches the whole
// chain.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }

// Is reports whether any error in the original chain matches target.
func (e *redactedError) Is(target error) bool { return errors.Is(e.err, target) }

// Timeout reports what the original error reports, so that a *url.Error
// whose cause was redacted still answers its Timeout method as before.
func (e *redactedError) Timeout() bool {
	t, ok := e.err.(interface{ Timeout() bool })
	return ok && t.Timeout()
}
