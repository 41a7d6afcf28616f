package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/zcdrop/zcdrop/mock"
)

// shutdownGrace bounds how long `zcdrop mock` waits for answers in flight
// once it has been told to stop.
const shutdownGrace = 5 * time.Second

// serverTimeouts bound how long `zcdrop mock` gives a client, so that one
// that drips its request, or holds an idle connection, cannot keep a
// connection for good.
type serverTimeouts struct {
	readHeader time.Duration // to send a request's headers
	read       time.Duration // to send the whole request, body included
	write      time.Duration // to write an answer, once --latency has passed
	idle       time.Duration // for a kept-alive connection's next request
}

// mockTimeouts are the timeouts of `zcdrop mock`, as its --help states them.
// Tests shorten them, so that they wait milliseconds, not seconds.
var mockTimeouts = serverTimeouts{readHeader: 10 * time.Second, read: 30 * time.Second, write: 30 * time.Second, idle: 2 * time.Minute}

// apply sets the timeouts on hs, whose answers wait latency first.
func (to serverTimeouts) apply(hs *http.Server, latency time.Duration) {
	hs.ReadHeaderTimeout = to.readHeader
	hs.ReadTimeout = to.read
	hs.IdleTimeout = to.idle
	// net/http starts the write deadline once the headers are read: the
	// body, then the latency, come before the answer is written.
	hs.WriteTimeout = to.read + latency + to.write
}

// clusterList collects the repeatable --cluster flag.
type clusterList []string

func (l *clusterList) String() string { return strings.Join(*l, ",") }

func (l *clusterList) Set(id string) error {
	*l = append(*l, id)
	return nil
}

var mockHelp = help{
	usage: "zcdrop mock --api-key KEY --cluster ID [--cluster ID ...] [flags]",
	description: fmt.Sprintf(`Serves a mock Zilliz Cloud control plane for Drop Cluster
(DELETE /v2/clusters/ID/drop) and Describe Cluster (GET /v2/clusters/ID)
until it is interrupted, and prints the base URL it listens on. It accepts
--api-key alone, a key for this mock only, which it shows as a fingerprint
(the first 8 hex digits of its SHA-256), and knows the clusters seeded with
--cluster. Faults apply in the order --fail-status, --html-502,
--truncate-json, --abort-mid-body, to requests of either operation.

A seeded cluster is RUNNING. The first drop of it succeeds; the cluster is
then DELETING for --delete-delay, DELETED for --purge-delay, and then gone:
describe and drop answer code 96018 (cluster not found). Any later drop
answers 96018 too. The rate limit counts each operation apart.

A client has %s to send a request's headers and %s to send the whole
request; an answer has %s to be written once --latency has passed; an idle
connection is closed after %s. A slow or silent client loses its connection.

Each request is logged on stderr, one line with its method, path, status,
code (the envelope's, 0 for a success) and latency; -q turns the log off.
`, mockTimeouts.readHeader, mockTimeouts.read, mockTimeouts.write, mockTimeouts.idle),
	exitCodes: `  0  stopped when interrupted
  1  could not shut down cleanly
  2  usage error
  5  could not listen, or serving failed
`,
}

// runMock serves the reference control plane until ctx ends, then shuts down
// cleanly. It prints the base URL it listens on, so that --addr with port 0
// is usable.
func runMock(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("mock", mockHelp, stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "listen on `host:port`; port 0 picks a free port")
	key := fs.String("api-key", "", "the API `key` the mock accepts (required); a key for this mock only, never a real Zilliz Cloud key")
	var clusters clusterList
	fs.Var(&clusters, "cluster", "seed a RUNNING cluster with this `ID`; repeat for more; the plan follows the prefix")
	rateLimit := fs.Int("rate-limit", mock.DefaultRateLimit, "requests per second per key and operation; 0 turns the limit off")
	deleteDelay := fs.Duration("delete-delay", mock.DefaultDeleteDelay, "how long a dropped cluster stays DELETING before it is DELETED")
	purgeDelay := fs.Duration("purge-delay", mock.DefaultPurgeDelay, "how long a cluster stays DELETED before it is gone (code 96018); 0 skips DELETED")
	latency := fs.Duration("latency", 0, "delay every answer by this `duration`")
	failStatus := fs.Int("fail-status", 0, "answer the next --fail-times requests with this HTTP `status` (400 to 599) and the error envelope (401: code 21119, as the real API)")
	failTimes := fs.Int("fail-times", 1, "how many requests --fail-status hits")
	html502 := fs.Int("html-502", 0, "answer the next `N` requests with an HTML 502 page, as a gateway does")
	truncate := fs.Int("truncate-json", 0, "process the next `N` requests, but send only half of each JSON body")
	abort := fs.Int("abort-mid-body", 0, "process the next `N` requests, then close the connection halfway through each body")
	quiet := fs.Bool("q", false, "log no requests on stderr")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		printError(stderr, "mock", "unexpected argument %q", fs.Arg(0))
		return exitUsage
	}
	if *key == "" {
		printError(stderr, "mock", "--api-key is required")
		return exitUsage
	}
	if *failStatus == 0 && isFlagSet(fs, "fail-times") {
		printError(stderr, "mock", "--fail-times needs --fail-status")
		return exitUsage
	}

	opts := []mock.Option{
		mock.WithAPIKey(*key),
		mock.WithClusters(clusters...),
		mock.WithRateLimit(*rateLimit),
		mock.WithDeleteDelay(*deleteDelay),
		mock.WithPurgeDelay(*purgeDelay),
		mock.WithLatency(*latency),
	}
	logHandler := slog.NewTextHandler(stderr, nil)
	if !*quiet {
		opts = append(opts, mock.WithLogger(slog.New(logHandler)))
	}
	if *failStatus != 0 {
		opts = append(opts, mock.WithFault(mock.Fault{Kind: mock.FaultStatus, StatusCode: *failStatus, Times: *failTimes}))
	}
	for _, f := range []mock.Fault{
		{Kind: mock.FaultBadGatewayHTML, Times: *html502},
		{Kind: mock.FaultTruncatedJSON, Times: *truncate},
		{Kind: mock.FaultAbortMidBody, Times: *abort},
	} {
		if f.Times != 0 {
			opts = append(opts, mock.WithFault(f))
		}
	}
	srv, err := mock.New(opts...)
	if err != nil {
		printError(stderr, "mock", "%v", err)
		return exitUsage
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		printError(stderr, "mock", "%v", err)
		return exitNetwork
	}
	hs := &http.Server{
		Handler: srv,
		// Requests see ctx, so that a --latency wait ends when the mock stops.
		BaseContext: func(net.Listener) context.Context { return ctx },
		// The server's own errors go where the requests are logged, quoted
		// as slog quotes a value, so that nothing a client sent reaches the
		// terminal raw; run sends the standard logger nowhere.
		ErrorLog: slog.NewLogLogger(logHandler, slog.LevelError),
	}
	mockTimeouts.apply(hs, *latency)
	// The banner is written before serving starts, so that it shows the
	// seeded state even if a client is quick, and printed after, so that a
	// slow reader of stdout never holds up serving.
	var banner strings.Builder
	fmt.Fprintf(&banner, "zcdrop mock: serving Drop Cluster and Describe Cluster on http://%s\n", ln.Addr())
	// The key is a flag's value, so the user knows it; a fingerprint tells
	// which key it is without putting it in a terminal's scrollback or a
	// CI log.
	fmt.Fprintf(&banner, "API key: SHA-256 fingerprint %s (the key itself is not shown; it is accepted by this mock only, and is not a Zilliz Cloud key)\n", fingerprint(*key))
	for _, id := range clusters {
		c, _ := srv.Cluster(id)
		fmt.Fprintf(&banner, "cluster: %s (%s, %s)\n", c.ID, c.Plan, c.Status)
	}
	fmt.Fprintf(&banner, "after a drop: DELETING for %s, DELETED for %s, then not found (96018)\n", *deleteDelay, *purgeDelay)
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	fmt.Fprint(stdout, banner.String())

	select {
	case err := <-served:
		printError(stderr, "mock", "%v", err)
		return exitNetwork
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		printError(stderr, "mock", "shut down: %v", err)
		return exitFailed
	}
	<-served // http.ErrServerClosed, by Shutdown's contract.
	fmt.Fprintln(stdout, "zcdrop mock: stopped")
	return exitOK
}

// fingerprint is the first 8 hex digits of key's SHA-256: enough to tell
// two keys apart, and nothing to log in with.
func fingerprint(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:4])
}
