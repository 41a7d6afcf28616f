// Package govcr serves programs that record their traffic with go-vcr's own
// recorder (gopkg.in/dnaeon/go-vcr.v4): RedactHook scrubs what it saves of
// secrets exactly as conformance.NewRecorder does, so that the cassettes
// pass the gate. It is a package of its own because go-vcr's cassette
// package imports package testing, which package conformance keeps out of
// the programs that link it.
package govcr

import (
	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/recorder"

	"github.com/zcdrop/zcdrop/internal/redact"
	"github.com/zcdrop/zcdrop/internal/vcr"
)

// RedactHook returns a go-vcr hook that scrubs an interaction of secrets:
// every Authorization header keeps its scheme and becomes "Bearer REDACTED",
// and every occurrence of any of secrets in the request's URL, host, form,
// headers, trailers and body, and in the response's status, headers,
// trailers and body, is replaced. Empty secrets are ignored. Other headers,
// the requestid header among them, are kept.
//
// Register it as a recorder.BeforeSaveHook, so that the program sees the
// real values and only the saved copy is scrubbed:
//
//	recorder.New(name, recorder.WithHook(govcr.RedactHook(key), recorder.BeforeSaveHook))
func RedactHook(secrets ...string) recorder.HookFunc {
	s := redact.New(secrets...)
	return func(i *cassette.Interaction) error {
		in := vcr.Interaction{ID: i.ID, Request: vcr.Request(i.Request), Response: vcr.Response(i.Response)}
		in.Redact(s)
		i.Request, i.Response = cassette.Request(in.Request), cassette.Response(in.Response)
		return nil
	}
}
