package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"

	"github.com/zcdrop/zcdrop"
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
// client with a ModeEnforce transport, and through `zcdrop drop`, each against
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
		mock: []mock.Option{mock.WithFault(mock.Fault{Kind: mock.FaultStatus, StatusCode: 500, Times: 1})}, want: zcdrop.ErrServer, exit: exitNetwork},
	{name: "gateway HTML page", key: selftestKey, cluster: selftestCluster,
		mock: []mock.Option{mock.WithFault(mock.Fault{Kind: mock.FaultBadGatewayHTML, Times: 1})}, want: zcdrop.ErrServer, exit: exitNetwork},
}

// serve starts a fresh reference server for sc on a loopback socket. The
// caller closes it.
func (sc scenario) serve() (*httptest.Server, error) {
	opts := append([]mock.Option{
		mock.WithAPIKey(selftestKey),
		mock.WithAPIKey(selftestScopedKey, selftestOther),
		mock.WithClusters(selftestCluster, selftestOther),
	}, sc.mock...)
	srv, err := mock.New(opts...)
	if err != nil {
		return nil, err
	}
	return httptest.NewServer(srv), nil
}

// viaClient runs sc through the client, with the spec enforced on both the
// request and the response.
func (sc scenario) viaClient(ctx context.Context, v *conformance.Validator) (string, error) {
	ts, err := sc.serve()
	if err != nil {
		return "no server", err
	}
	defer ts.Close()
	c, err := zcdrop.New(sc.key, zcdrop.WithBaseURL(ts.URL),
		zcdrop.WithTransport(&conformance.Transport{Validator: v, Mode: conformance.ModeEnforce}),
		zcdrop.WithRetry(1, 0))
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

// viaCLI runs sc through `zcdrop drop --validate enforce`, in-process.
func (sc scenario) viaCLI(ctx context.Context, keyFile string) (string, error) {
	ts, err := sc.serve()
	if err != nil {
		return "no server", err
	}
	defer ts.Close()
	args := []string{"drop", "--yes", "--attempts", "1", "--validate", "enforce", "--output", "json", "--base-url", ts.URL, "--api-key-file", keyFile, sc.cluster}
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
