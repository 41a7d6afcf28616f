// Package conformance checks Drop Cluster traffic against openapi.yaml, the
// spec embedded in package api. Every check goes through one Validator, so
// that a spec edit reaches them all through go generate.
//
// Checking an exchange:
//
//	v, err := conformance.NewValidator()
//	violations := v.Validate(ctx, conformance.Exchange{Request: req, Response: &conformance.Response{…}})
//
// Each Violation says where the exchange breaks the spec (Kind, and a JSON
// pointer or one of the Pointer constants) and what is wrong, and never
// quotes the value that failed, which may be a secret.
//
// Live traffic: a Transport validates every exchange of an http.Client. In
// ModeEnforce it refuses to send a violating request and turns a violating
// response into a *ViolationError; in ModeObserve it reports each verdict
// through Transport.Report; ModeOff checks nothing. Plug it into the front
// door with zcdrop.WithTransport. A request built from a base URL with a
// path (a proxy at https://host/zilliz) is routed on the path below it when
// its context says so (WithBasePath), as the front door's requests do.
//
// Recorded traffic: CheckCassettes judges every interaction of go-vcr v4
// cassettes (format version 2) and WriteReport writes the verdicts as text,
// JSON or JUnit; this is the gate that `zcdrop conformance` runs in CI. It
// reads cassettes as the hostile input that a pull request may hold:
// regular files only, within a budget (MaxCassetteBytes and the rest), one
// at a time, stopping when ctx ends; and it fails a recording that holds a
// credential anywhere, or whose lengths do not match its bodies. A
// Recorder records live traffic as such cassettes, with every secret
// redacted, and a Replayer serves them to a client under test, never the
// network (conformancetest.NewReplayer wraps it for tests).
//
// Cassettes are read and written in go-vcr's format without importing
// go-vcr, whose cassette package links package testing into every program;
// programs that record with go-vcr's own recorder scrub their cassettes with
// govcr.RedactHook. The package depends on package api and its libraries
// alone, never on the front door.
package conformance
