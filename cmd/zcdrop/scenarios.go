package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"time"

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
	// outcome is a success's outcome; "" stands for OutcomeDropped.
	outcome zcdrop.Outcome
	// wait has the client, after the drop, wait with WaitDropped, and the
	// CLI drop with --wait, until the cluster is DELETED or gone. The
	// reference server then runs on a pollClock.
	wait bool
	// observe has the client and the CLI observe the spec rather than
	// enforce it. Under enforce, an answer cut in half is a violation,
	// the gate's verdict, and the call fails with it; the outcome check
	// settles the answers that the front door itself cannot read.
	observe bool
	// exit is the CLI's expected exit code.
	exit int
}

// mode is the conformance mode that sc's client and CLI run in.
func (sc scenario) mode() conformance.Mode {
	if sc.observe {
		return conformance.ModeObserve
	}
	return conformance.ModeEnforce
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
	// The cluster is DELETING for two polls' worth of the pollClock, then
	// DELETED: the wait sees both.
	{name: "drop and wait", key: selftestKey, cluster: selftestCluster, wait: true,
		mock: []mock.Option{mock.WithDeleteDelay(2 * time.Second), mock.WithPurgeDelay(time.Hour)}, exit: exitOK},
	// The drop takes effect, and its answer is cut in half: the client
	// asks describe, which finds the cluster DELETING.
	{name: "unknown outcome", key: selftestKey, cluster: selftestCluster, outcome: zcdrop.OutcomeConfirmed, observe: true,
		mock: []mock.Option{mock.WithFault(mock.Fault{Kind: mock.FaultTruncatedJSON, Times: 1})}, exit: exitOK},
}

// pollClock is the reference server's clock in a scenario that waits: it
// moves on by a second at each describe, before the answer, so that a
// cluster dropped with a delete delay of n seconds is DELETING at the first
// n-1 polls and DELETED from the nth, however fast the polls come, and the
// scenario's verdict never depends on the machine's speed.
type pollClock struct{ polls atomic.Int64 }

// pollEpoch is when a pollClock starts.
var pollEpoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func (c *pollClock) now() time.Time {
	return pollEpoch.Add(time.Duration(c.polls.Load()) * time.Second)
}

// counting moves the clock on at each describe that reaches next.
func (c *pollClock) counting(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			c.polls.Add(1)
		}
		next.ServeHTTP(w, r)
	})
}

// serve starts a fresh reference server for sc on a loopback socket. The
// caller closes it.
func (sc scenario) serve() (*httptest.Server, error) {
	opts := append([]mock.Option{
		mock.WithAPIKey(selftestKey),
		mock.WithAPIKey(selftestScopedKey, selftestOther),
		mock.WithClusters(selftestCluster, selftestOther),
	}, sc.mock...)
	if !sc.wait {
		srv, err := mock.New(opts...)
		if err != nil {
			return nil, err
		}
		return httptest.NewServer(srv), nil
	}
	var clk pollClock
	srv, err := mock.New(append(opts, mock.WithClock(clk.now))...)
	if err != nil {
		return nil, err
	}
	return httptest.NewServer(clk.counting(srv)), nil
}

// wantOutcome is the outcome that a success of sc must have.
func (sc scenario) wantOutcome() zcdrop.Outcome {
	if sc.outcome == "" {
		return zcdrop.OutcomeDropped
	}
	return sc.outcome
}

// viaClient runs sc through the client, with the spec enforced (or, for a
// scenario that says so, observed) on both the request and the response.
func (sc scenario) viaClient(ctx context.Context, v *conformance.Validator) (string, error) {
	ts, err := sc.serve()
	if err != nil {
		return "no server", err
	}
	defer ts.Close()
	c, err := zcdrop.New(sc.key, zcdrop.WithBaseURL(ts.URL),
		zcdrop.WithTransport(&conformance.Transport{Validator: v, Mode: sc.mode()}),
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
	case sc.want == nil && err == nil && res.Outcome != sc.wantOutcome():
		return "outcome " + string(res.Outcome), fmt.Errorf("client: outcome %q, want %q", res.Outcome, sc.wantOutcome())
	case sc.want == nil && err == nil && sc.wait:
		return waitViaClient(ctx, c, res)
	case sc.want == nil && err == nil && res.Outcome == zcdrop.OutcomeConfirmed:
		return fmt.Sprintf("outcome confirmed by describe: %s (request id %s)", res.Status, res.RequestID), nil
	case sc.want == nil && err == nil:
		return fmt.Sprintf("dropped %s (request id %s)", res.ClusterID, res.RequestID), nil
	case sc.want != nil && errors.Is(err, sc.want):
		return describeErr(err), nil
	}
	return describeErr(err), fmt.Errorf("client: want %v, got %v", sc.want, err)
}

// waitPollInterval is how far apart the client's polls are in the
// scenarios that wait: the pollClock moves the server's time, so that
// nothing needs to wait for real.
const waitPollInterval = time.Millisecond

// waitViaClient waits with WaitDropped for the cluster that res dropped,
// and checks that it saw it go from DELETING to DELETED.
func waitViaClient(ctx context.Context, c *zcdrop.Client, res *zcdrop.DropResult) (string, error) {
	var seen []string
	wr, err := c.WaitDropped(ctx, res.ClusterID, zcdrop.WithPollInterval(waitPollInterval, waitPollInterval),
		zcdrop.WithStatusCallback(func(ch zcdrop.StatusChange) { seen = append(seen, string(ch.Status)) }))
	msg := "dropped, then " + strings.Join(seen, " -> ")
	switch {
	case err != nil:
		return msg, fmt.Errorf("client: WaitDropped: %w", err)
	case strings.Join(seen, " ") != "DELETING DELETED" || wr.Status != zcdrop.StatusDeleted:
		return msg, fmt.Errorf("client: WaitDropped saw %q and ended on %q, want DELETING then DELETED", seen, wr.Status)
	}
	return fmt.Sprintf("%s in %d polls", msg, wr.Polls), nil
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

// viaCLI runs sc through `zcdrop drop --validate enforce` (or observe, for a
// scenario that says so), in-process.
func (sc scenario) viaCLI(ctx context.Context, keyFile string) (string, error) {
	ts, err := sc.serve()
	if err != nil {
		return "no server", err
	}
	defer ts.Close()
	args := []string{"drop", "--yes", "--attempts", "1", "--validate", sc.mode().String(), "--output", "json", "--base-url", ts.URL, "--api-key-file", keyFile, sc.cluster}
	for range sc.warmups {
		run(ctx, args, strings.NewReader(""), io.Discard, io.Discard)
	}
	if sc.wait {
		args = slices.Insert(args, 1, "--wait")
	}
	var out, errOut bytes.Buffer
	code := run(ctx, args, strings.NewReader(""), &out, &errOut)
	msg := fmt.Sprintf("exit %d", code)
	if code != sc.exit {
		return msg, fmt.Errorf("cli: exit %d, want %d; stdout %s stderr %s", code, sc.exit, strings.TrimSpace(out.String()), strings.TrimSpace(errOut.String()))
	}
	if code != exitOK {
		return msg, nil
	}
	var got struct {
		Outcome string `json:"outcome"`
		Wait    *struct {
			Status string `json:"status"`
			Gone   bool   `json:"gone"`
		} `json:"wait"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		return msg, fmt.Errorf("cli: stdout is not JSON: %w: %s", err, strings.TrimSpace(out.String()))
	}
	msg += fmt.Sprintf(", outcome %s", got.Outcome)
	switch {
	case got.Outcome != string(sc.wantOutcome()):
		return msg, fmt.Errorf("cli: outcome %q, want %q", got.Outcome, sc.wantOutcome())
	case sc.wait && (got.Wait == nil || !got.Wait.Gone || got.Wait.Status != string(zcdrop.StatusDeleted)):
		return msg, fmt.Errorf("cli: --wait printed %s, want the cluster gone, DELETED", strings.TrimSpace(out.String()))
	case sc.wait:
		msg += ", waited until " + got.Wait.Status
	}
	return msg, nil
}
