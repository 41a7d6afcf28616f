// Package conformance checks Drop Cluster and Describe Cluster traffic
// against openapi.yaml, the spec embedded in package api. Every check goes through one Validator, so
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
// cassettes (format version 2) and of HAR 1.2 files, told apart by their
// content, and WriteReport writes the verdicts in a Format (text, JSON,
// JUnit, GitHub annotations, SARIF, HTML). Gate does both as `zcdrop
// conformance` does in CI, in memory that does not grow with the corpus,
// and returns a Verdict: each finding at the line of its file, warnings for
// a corpus that passes while proving little, and, with GateOptions, what
// the corpus covered of the spec (Coverage), strict checks
// (Validator.Strict) and undeclared traffic as notices. It reads its
// inputs as the hostile input that a pull request may hold: regular files
// only, within a budget (MaxCassetteBytes and the rest), a few parts of
// files at a time, stopping when ctx ends; and it fails a recording that
// holds a credential anywhere, or whose lengths do not match its bodies. A
// Recorder records live traffic as such cassettes, with every secret
// redacted, and a Replayer serves them to a client under test, never the
// network (conformancetest.NewReplayer wraps it for tests).
//
// # Lifecycle rules
//
// Single exchanges can each conform while their sequence is impossible.
// CheckCassettes reads each cassette as one sequence of its own, in the
// order its interactions are recorded, per cluster ID (the clusterId path
// parameter as the server reads it), and reports an interaction that
// makes the sequence impossible with a KindSemantic violation that names
// the earlier interaction by its id. An interaction counts only when it
// passes every other check and its answer is HTTP 200 with a JSON
// envelope: a success (code 0) or a business error, of which only 96018
// (cluster not found) counts. An interaction that fails any check, these
// rules included, teaches them nothing, so that every later one is judged
// against what could have happened.
//
//  1. A successful drop of a cluster that an earlier interaction dropped
//     successfully, unless a describe between them reported a status
//     other than RUNNING and DELETING: DELETED, from which alone a
//     restore from the recycle bin starts, or a status whose place in a
//     restore nobody has documented (RESTORING, or one nobody has listed).
//  2. A describe that reports RUNNING when the last successful describe of
//     the same cluster before it reported DELETING. Describe may lag
//     behind a drop, so RUNNING right after a successful drop is no
//     violation, but it never goes back from DELETING; RUNNING after
//     DELETED is a restore, and no violation either.
//  3. A success for a cluster that an earlier interaction found not to
//     exist: any success, a drop's or a describe's, after a describe
//     answered 96018; and a successful drop after a drop answered 96018,
//     unless a describe between them reported a status other than RUNNING
//     and DELETING, as in rule 1. A drop's 96018 is also the answer to a
//     second drop, so a describe that finds the cluster DELETING, DELETED
//     or even RUNNING (lagging) after one is no violation.
//
// The rules assume what a recording cannot show, and a sequence that
// breaks an assumption can be reported although it happened:
//
//   - the interactions are recorded in the order in which the server
//     answered them. That holds when no two requests about one cluster
//     were in flight together; a Recorder shared by concurrent requests
//     lists exchanges in the order their answers arrived, which for two
//     requests in flight together need not be the server's;
//   - one API key, whose permissions did not change, made every request:
//     96018 says "Cluster not exist or you don't have permission", and
//     recordings redact keys, so that the gate cannot tell two keys apart;
//   - no one restored the cluster (a console-only flow) between two
//     interactions without a describe between them reporting DELETED.
//
// The deprecated v1 code 80020 ("does not exist or no permission") is not
// read, nor is any answer other than HTTP 200.
//
// Cassettes are read and written in go-vcr's format without importing
// go-vcr, whose cassette package links package testing into every program;
// programs that record with go-vcr's own recorder scrub their cassettes with
// govcr.RedactHook. The package depends on package api and its libraries
// alone, never on the front door.
package conformance
