package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/zcdrop/zcdrop"
	"github.com/zcdrop/zcdrop/api"
	"github.com/zcdrop/zcdrop/conformance"
	"github.com/zcdrop/zcdrop/mock"
)

// The identities of the self-test's reference servers. They are the mock's
// own and reach nothing else.
const (
	selftestKey       = "selftest-key-0123456789"
	selftestScopedKey = "selftest-scoped-key-0123456789"
	selftestCluster   = "in01-5e1f7e57c1a5e01"
	selftestOther     = "in05-5e1f7e57c1a5e02"
)

// scenario is one behaviour of the control plane, checked twice: through the
// client with an Enforce transport, and through `zcdrop drop`, each against
// its own fresh reference server on a loopback socket.
type scenario struct {
	name string
	// mock configures the reference server beyond the standard key and
	// clusters.
	mock []mock.Option
	// key and cluster are what the drop uses; warmup drops run first.
	key, cluster string
	warmups      int
	// want is the sentinel the client's error must match (nil: success, and
	// then refused means the client must refuse before sending).
	want    error
	refused bool
	// exit is the CLI's expected exit code.
	exit int
}

var scenarios = []scenario{
	{name: "success", key: selftestKey, cluster: selftestCluster, exit: exitOK},
	{name: "already dropped", key: selftestKey, cluster: selftestCluster, warmups: 1, want: zcdrop.ErrClusterNotFound, exit: exitNotFound},
	{name: "bad key", key: "not-a-key-of-this-server", cluster: selftestCluster, want: zcdrop.ErrUnauthorized, exit: exitAuth},
	{name: "no scope", key: selftestScopedKey, cluster: selftestCluster, want: zcdrop.ErrPermissionDenied, exit: exitAuth},
	{name: "malformed ID", key: selftestKey, cluster: "in01-NOT-LOWERCASE", refused: true, exit: exitUsage},
	{name: "rate limited", key: selftestKey, cluster: "in01-0000000000000aa", warmups: 1,
		mock: []mock.Option{mock.WithRateLimit(1)}, want: zcdrop.ErrRateLimited, exit: exitNetwork},
	{name: "server fault", key: selftestKey, cluster: selftestCluster,
		mock: []mock.Option{mock.WithFault(mock.Fault{Kind: mock.FaultStatus, Status: 500, Times: 1})}, want: zcdrop.ErrServer, exit: exitNetwork},
	{name: "gateway HTML page", key: selftestKey, cluster: selftestCluster,
		mock: []mock.Option{mock.WithFault(mock.Fault{Kind: mock.FaultBadGatewayHTML, Times: 1})}, want: zcdrop.ErrServer, exit: exitNetwork},
}

// runSelftest is `make conformance`'s check of the project against itself:
// the spec file, then every scenario through the client and the CLI against
// the reference server, with the spec enforced on both sides, then the live
// workflow (probe, record, gate, replay) with the server standing in for
// Zilliz Cloud.
func runSelftest(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("zcdrop selftest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	specFile := fs.String("spec", "", "also check this openapi.yaml, and that the embedded spec matches it")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() != 0 {
		fmt.Fprintf(stderr, "zcdrop selftest: unexpected arguments %q\n", fs.Args())
		return exitUsage
	}
	if *specFile != "" {
		if _, err := os.Stat(*specFile); err != nil {
			fmt.Fprintf(stderr, "zcdrop selftest: --spec: %v\n", err)
			return exitUsage
		}
		msg, err := checkSpecFile(ctx, *specFile)
		if err != nil {
			fmt.Fprintf(stderr, "zcdrop selftest: %v\n", err)
			return exitFailed
		}
		fmt.Fprintf(stdout, "spec       PASS  %s\n", msg)
	}
	v, err := conformance.NewValidator()
	if err != nil {
		fmt.Fprintf(stderr, "zcdrop selftest: %v\n", err)
		return exitFailed
	}
	keys := make([]string, 0, len(scenarios))
	for _, sc := range scenarios {
		keys = append(keys, sc.key)
	}
	keyFile, cleanup, err := writeKeys(keys...)
	if err != nil {
		fmt.Fprintf(stderr, "zcdrop selftest: %v\n", err)
		return exitFailed
	}
	defer cleanup()

	failed := 0
	for _, sc := range scenarios {
		clientMsg, clientErr := sc.viaClient(ctx, v)
		cliMsg, cliErr := sc.viaCLI(ctx, keyFile[sc.key])
		verdict := "PASS"
		if clientErr != nil || cliErr != nil {
			verdict = "FAIL"
			failed++
		}
		fmt.Fprintf(stdout, "scenario   %s  %-18s client: %s; cli: %s\n", verdict, sc.name, clientMsg, cliMsg)
		for _, e := range []error{clientErr, cliErr} {
			if e != nil {
				fmt.Fprintf(stdout, "           %v\n", e)
			}
		}
	}
	fmt.Fprintf(stdout, "selftest: %d scenarios against the reference server on loopback, spec enforced on both sides: %d passed, %d failed\n",
		len(scenarios), len(scenarios)-failed, failed)
	msg, err := liveCycle(ctx, v)
	if err != nil {
		fmt.Fprintf(stdout, "live cycle FAIL  %v\n", err)
		failed++
	} else {
		fmt.Fprintf(stdout, "live cycle PASS  %s\n", msg)
	}
	if failed > 0 {
		return exitFailed
	}
	return exitOK
}

// liveCycle proves the live workflow with the reference server standing in
// for Zilliz Cloud: `zcdrop probe --record` against it, the key nowhere in
// what was written, every seeded cluster still there, the recordings passing
// the gate, and a replay of them with the server gone.
func liveCycle(ctx context.Context, v *conformance.Validator) (string, error) {
	const key = "selftest-live-key-5f0c2a91"
	srv, err := mock.New(mock.WithAPIKey(key), mock.WithClusters(selftestCluster, selftestOther))
	if err != nil {
		return "", err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	hs := &http.Server{Handler: srv}
	go func() { _ = hs.Serve(ln) }()
	base := "http://" + ln.Addr().String()
	dir, err := os.MkdirTemp("", "zcdrop-selftest-cassettes-")
	if err != nil {
		_ = hs.Close()
		return "", err
	}
	defer os.RemoveAll(dir)
	keyFiles, cleanup, err := writeKeys(key)
	if err != nil {
		_ = hs.Close()
		return "", err
	}
	defer cleanup()

	var out, errOut bytes.Buffer
	code := run(ctx, []string{"probe", "--base-url", base, "--api-key-file", keyFiles[key], "--record", dir}, strings.NewReader(""), &out, &errOut)
	_ = hs.Close() // From here on, nothing may need the server.
	if code != exitOK {
		return "", fmt.Errorf("zcdrop probe: exit %d: %s %s", code, strings.TrimSpace(out.String()), strings.TrimSpace(errOut.String()))
	}
	for _, id := range []string{selftestCluster, selftestOther} {
		if c, _ := srv.Cluster(id); c.Status != mock.StatusRunning {
			return "", fmt.Errorf("after the probes, cluster %s is %s: a probe destroyed something", id, c.Status)
		}
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		return "", fmt.Errorf("zcdrop probe --record wrote no cassette in %s", dir)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		if bytes.Contains(b, []byte(key)) {
			return "", fmt.Errorf("%s holds the API key", filepath.Base(f))
		}
	}
	if bytes.Contains(out.Bytes(), []byte(key)) || bytes.Contains(errOut.Bytes(), []byte(key)) {
		return "", errors.New("zcdrop probe printed the API key")
	}
	results, err := v.CheckCassettes(ctx, dir)
	if err != nil {
		return "", err
	}
	if s := conformance.Summarize(results); s.Failed > 0 {
		return "", fmt.Errorf("the recorded cassettes fail the gate: %d of %d", s.Failed, s.Total)
	}
	replayer, err := conformance.NewReplayer(dir)
	if err != nil {
		return "", err
	}
	client := replayer.Client()
	for _, r := range results {
		req, err := http.NewRequestWithContext(ctx, r.Method, r.URL, nil)
		if err != nil {
			return "", err
		}
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Accept", "application/json")
		res, err := client.Do(req)
		if err != nil {
			return "", fmt.Errorf("replay: %w", err)
		}
		res.Body.Close()
		if res.StatusCode != r.StatusCode {
			return "", fmt.Errorf("replay of %s answered %d, recorded %d", r.URL, res.StatusCode, r.StatusCode)
		}
	}
	if err := errors.Join(replayer.Close(), replayer.Report().Err()); err != nil {
		return "", err
	}
	return fmt.Sprintf("probe --record against the mock wrote %d cassettes without the key, destroyed nothing, passed the gate, and replayed offline", len(files)), nil
}

// serve starts a fresh reference server for sc on a loopback socket.
func (sc scenario) serve() (string, func(), error) {
	opts := append([]mock.Option{
		mock.WithAPIKey(selftestKey),
		mock.WithAPIKey(selftestScopedKey, selftestOther),
		mock.WithClusters(selftestCluster, selftestOther),
	}, sc.mock...)
	srv, err := mock.New(opts...)
	if err != nil {
		return "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	hs := &http.Server{Handler: srv}
	go func() { _ = hs.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = hs.Close() }, nil
}

func (sc scenario) viaClient(ctx context.Context, v *conformance.Validator) (string, error) {
	base, stop, err := sc.serve()
	if err != nil {
		return "no server", err
	}
	defer stop()
	hc := &http.Client{Transport: &conformance.Transport{Validator: v, Mode: conformance.ModeEnforce}}
	c, err := zcdrop.New(sc.key, zcdrop.WithBaseURL(base), zcdrop.WithHTTPClient(hc), zcdrop.WithRetry(1, 0))
	if err != nil {
		return "no client", err
	}
	for range sc.warmups {
		_, _ = c.DropCluster(ctx, sc.cluster)
	}
	res, err := c.DropCluster(ctx, sc.cluster)
	var violation *conformance.ViolationError
	switch {
	case sc.refused:
		if errors.As(err, &violation) && violation.StatusCode == 0 {
			return "refused before sending", nil
		}
		return "sent", fmt.Errorf("client: want the request refused before sending, got %v", err)
	case sc.want == nil && err == nil:
		return fmt.Sprintf("dropped %s (request id %s)", res.ClusterID, res.RequestID), nil
	case sc.want != nil && errors.Is(err, sc.want):
		return describeErr(err), nil
	}
	return describeErr(err), fmt.Errorf("client: want %v, got %v", sc.want, err)
}

func describeErr(err error) string {
	var apiErr *zcdrop.APIError
	if errors.As(err, &apiErr) {
		return fmt.Sprintf("http %d code %d", apiErr.StatusCode, apiErr.Code)
	}
	var unexpected *zcdrop.UnexpectedResponseError
	if errors.As(err, &unexpected) {
		return fmt.Sprintf("http %d %s", unexpected.StatusCode, unexpected.ContentType)
	}
	return "error"
}

func (sc scenario) viaCLI(ctx context.Context, keyFile string) (string, error) {
	base, stop, err := sc.serve()
	if err != nil {
		return "no server", err
	}
	defer stop()
	args := []string{"drop", "--yes", "--attempts", "1", "--validate", "enforce", "--output", "json", "--base-url", base, "--api-key-file", keyFile, sc.cluster}
	for range sc.warmups {
		run(ctx, args, strings.NewReader(""), io.Discard, io.Discard)
	}
	var out, errOut bytes.Buffer
	code := run(ctx, args, strings.NewReader(""), &out, &errOut)
	msg := fmt.Sprintf("exit %d", code)
	if code != sc.exit {
		return msg, fmt.Errorf("cli: exit %d, want %d; stdout %s stderr %s", code, sc.exit, strings.TrimSpace(out.String()), strings.TrimSpace(errOut.String()))
	}
	return msg, nil
}

// writeKeys writes each key to a file of its own, because the CLI takes
// keys only from the environment or a file, and returns the files by key.
func writeKeys(keys ...string) (map[string]string, func(), error) {
	dir, err := os.MkdirTemp("", "zcdrop-selftest-")
	if err != nil {
		return nil, nil, err
	}
	cleanup := func() { _ = os.RemoveAll(dir) }
	files := map[string]string{}
	for i, key := range keys {
		if _, ok := files[key]; ok {
			continue
		}
		p := filepath.Join(dir, fmt.Sprintf("key-%d", i))
		if err := os.WriteFile(p, []byte(key+"\n"), 0o600); err != nil {
			cleanup()
			return nil, nil, err
		}
		files[key] = p
	}
	return files, cleanup, nil
}

// checkSpecFile validates the spec file, its examples included, and checks
// that the spec embedded in api/ was generated from it.
func checkSpecFile(ctx context.Context, path string) (string, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(path)
	if err != nil {
		return "", fmt.Errorf("load %s: %w", path, err)
	}
	if err := doc.Validate(ctx, openapi3.EnableExamplesValidation()); err != nil {
		return "", fmt.Errorf("%s is not a valid OpenAPI document: %w", path, err)
	}
	embedded, err := api.GetSpec()
	if err != nil {
		return "", fmt.Errorf("load embedded spec: %w", err)
	}
	a, err := doc.MarshalJSON()
	if err != nil {
		return "", err
	}
	b, err := embedded.MarshalJSON()
	if err != nil {
		return "", err
	}
	if !bytes.Equal(a, b) {
		return "", fmt.Errorf("the spec embedded in api/ differs from %s: run 'make generate'", path)
	}
	return fmt.Sprintf("%s is valid OpenAPI %s, examples included, and api/ embeds it", path, doc.OpenAPI), nil
}
