// Command barehttp is the baseline of scripts/bench-mock.sh: a bare net/http
// handler that writes one answer, prepared once, to every request, as fast
// as net/http lets a handler answer. The script gives it the mock's answer
// to the request that it measures both with, so that the ratio of their
// requests per second is what the mock costs beyond writing its answer.
//
// Usage:
//
//	barehttp -body FILE [-content-type TYPE] [-addr HOST:PORT]
//
// It answers HTTP 200 with the Content-Type given, a requestid header as
// long as the mock's (32 hex digits), and the body of FILE, and prints the
// base URL it listens on. It serves with the timeouts of `zcdrop mock`, so
// that both servers do the same work per connection. Only the script builds
// it.
package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/zcdrop/zcdrop/internal/regularfile"
)

// maxBody bounds the answer it reads; the mock's are a few hundred bytes.
const maxBody = 64 << 10

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the exit: 2 for a usage error or an unreadable body
// file, 1 when serving fails.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("barehttp", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:0", "listen on `host:port`; port 0 picks a free port")
	bodyFile := fs.String("body", "", "the `file` whose bytes every answer's body is (required)")
	contentType := fs.String("content-type", "application/json", "the answers' Content-Type")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *bodyFile == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "barehttp: usage: barehttp -body FILE [-content-type TYPE] [-addr HOST:PORT]")
		return 2
	}
	body, err := readBody(*bodyFile)
	if err != nil {
		fmt.Fprintf(stderr, "barehttp: %v\n", err)
		return 2
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "barehttp: %v\n", err)
		return 1
	}
	contentTypes := []string{*contentType}
	requestIDs := []string{"0123456789abcdef0123456789abcdef"}
	hs := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			h := w.Header()
			h["Content-Type"] = contentTypes
			h["Requestid"] = requestIDs
			_, _ = w.Write(body)
		}),
		// As `zcdrop mock` sets them with no --latency (cmd/zcdrop/mock.go).
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	fmt.Fprintf(stdout, "barehttp: serving on http://%s\n", ln.Addr())
	if err := hs.Serve(ln); err != nil {
		fmt.Fprintf(stderr, "barehttp: %v\n", err)
	}
	return 1
}

// readBody reads the answer's body from a regular file of at most maxBody
// bytes.
func readBody(name string) ([]byte, error) {
	body, err := regularfile.Read(name, maxBody)
	switch {
	case err != nil:
		return nil, fmt.Errorf("-body %s: %w", name, err)
	case len(body) == 0:
		return nil, fmt.Errorf("-body %s: is empty", name)
	}
	return body, nil
}
