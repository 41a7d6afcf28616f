// Package mock is a reference Zilliz Cloud control plane for the Drop Cluster
// operation (DELETE /v2/clusters/{clusterId}/drop) and the Describe Cluster
// operation (GET /v2/clusters/{clusterId}), which serve one cluster state
// machine. It answers as the real API does, business errors on HTTP 200
// included, and every answer it sends conforms to openapi.yaml unless a
// Fault deliberately breaks it.
//
// # Use
//
// A Server is an http.Handler. Build one with New and serve it with net/http:
//
//	srv, err := mock.New(
//		mock.WithAPIKey("mock-key-0123456789"),   // a key for the mock only, 16 bytes or more
//		mock.WithClusters("in01-6183d6bac30f801"), // RUNNING until dropped
//	)
//	ts := httptest.NewServer(srv) // or &http.Server{Handler: srv}
//
// In a test, mocktest.NewServer(t, opts...) does both and closes the server
// when the test ends. From a shell, `zcdrop mock` serves one. Its API keys are
// the mock's own: never give it a real Zilliz Cloud key.
//
// A Server bounds what it reads of a request, but not how long a client
// takes to send it: an http.Server that faces other programs needs
// ReadHeaderTimeout, ReadTimeout, WriteTimeout (longer than WithLatency) and
// IdleTimeout, as `zcdrop mock` sets them.
//
// # Clusters
//
// A seeded cluster is RUNNING. A successful drop makes it DELETING for the
// delete delay (WithDeleteDelay, DefaultDeleteDelay), then DELETED for the
// purge delay (WithPurgeDelay, DefaultPurgeDelay), then purged: describe and
// drop answer 96018 (cluster not found), as for an ID that was never seeded.
// Only the first drop of a cluster succeeds; a drop of a DELETING, DELETED
// or purged cluster answers 96018, even when many race. The status is
// derived from the clock (WithClock) whenever it is asked for: no timer
// runs, so a test that moves its clock sees each step at once.
// Server.Cluster reports it, with StatusPurged, the mock's own status, for a
// purged cluster.
//
// # Answers
//
// A request meets these checks in turn, and the first that fails answers:
//
//   - a path that is neither /v2/clusters/{clusterId}/drop nor
//     /v2/clusters/{clusterId}: 404; a method other than the path's
//     operation's (DELETE to drop, GET to describe): 405, with Allow naming
//     that method;
//   - a missing or unknown Bearer key: 401 with code 21119;
//   - the key's rate limit for the operation (WithRateLimit): 429 with
//     Retry-After: 1;
//   - an empty cluster ID: code 96025; one that breaks the spec's pattern or
//     length, or holds a dot segment or an encoded slash: code 96036; a query
//     string, a request body or an Accept header sent twice: 400, with a
//     message that names the operation;
//   - a cluster outside the key's scope: code 96016; a cluster that does not
//     exist (never seeded, or purged): code 96018, and for a drop, a cluster
//     dropped before: code 96018.
//
// Business errors (the 96xxx codes) come on HTTP 200, as on the real API.
// Other errors carry the error envelope with the HTTP status as its code.
// Every answer has a requestid header. A successful describe holds the
// cluster's ID, status and plan.
//
// # Options
//
// WithClusters and WithAPIKey seed clusters and keys. WithRateLimit,
// WithDeleteDelay, WithPurgeDelay and WithLatency tune the answers;
// WithClock lets a test move time. WithFault queues a fault. WithLogger logs
// one line per request.
//
// # Faults
//
// A Fault replaces or damages the next answers, whatever their path:
// FaultStatus answers the error status in Fault.StatusCode,
// FaultBadGatewayHTML a gateway's HTML page, FaultTruncatedJSON half a body
// with a matching Content-Length, and FaultAbortMidBody half a body and a
// closed connection. The last two let a drop take effect and lose only its
// answer. Server.InjectFault queues one while the Server is serving.
//
// # Logging
//
// WithLogger(l) logs each answer at Info level with the attributes method,
// path, status, code (the envelope's code, 0 for a success, absent when the
// body is not a JSON envelope) and latency. No line holds the Authorization
// header or a seeded key.
//
// # Layout
//
// The Server implements the strict server interface generated from
// openapi.yaml (api.StrictServerInterface), as oapi-codegen's strict-server
// examples do. DropCluster and DescribeCluster return typed answers, and so
// does the strict middleware around them (api.StrictMiddlewareFunc), one
// implementation for both operations, which validates each request against
// the spec, looks its key up once, spends the operation's rate limit and
// refuses what breaks the spec; the generated code writes every one of
// those answers through the operation's own response types. What acts on
// every request, whatever its path (request IDs, logging, latency, faults),
// is http middleware around the generated handler, whose router answers 404
// and 405 with the envelope.
//
// Between the http middleware and the generated handler sits a fast path
// for the request that clients send most: a conforming drop or describe of
// a seeded cluster with a seeded key. It proves such a request conforming
// with a few comparisons, decides through the same functions as the
// operations and the strict middleware (the rate limit, the scope, the
// state machine), and writes a success from a template that the generated
// code encoded once, in New; it declines every other request, untouched,
// for the generated handler to answer. Its answers are the generated
// handler's, byte for byte, which the package's tests hold it to; it spares
// a conforming request most of what the generated handler costs.
// BenchmarkMock and scripts/bench-mock.sh (under wrk) compare the mock with
// a bare net/http handler writing the same answer.
package mock
