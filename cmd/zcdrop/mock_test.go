package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/zcdrop/zcdrop/api"
)

func TestMockServesUntilCancelled(t *testing.T) {
	baseURL, printed, stop := startMock(t, "-q", "--addr", "127.0.0.1:0", "--api-key", mockKey, "--cluster", mockCluster, "--cluster", "in03-2c4e6a8b0d1f3e5")
	if !strings.HasPrefix(baseURL, "http://127.0.0.1:") || strings.HasSuffix(baseURL, ":0") {
		t.Errorf("base URL %q does not name the port actually listened on", baseURL)
	}

	res := dropThroughClient(t, baseURL, mockKey)
	if res.StatusCode() != http.StatusOK || res.JSON200 == nil {
		t.Fatalf("drop: HTTP %d %s", res.StatusCode(), res.Body)
	}
	ok, err := res.JSON200.AsDropClusterSuccess()
	if err != nil || ok.Data.ClusterId != mockCluster || res.HTTPResponse.Header.Get("requestid") == "" {
		t.Errorf("drop answered %s (requestid %q)", res.Body, res.HTTPResponse.Header.Get("requestid"))
	}
	if res := dropThroughClient(t, baseURL, "mock-key-other-0123456789"); res.StatusCode() != http.StatusUnauthorized {
		t.Errorf("unknown key: HTTP %d, want 401", res.StatusCode())
	}

	code, rest, stderr := stop()
	if code != exitOK || stderr != "" {
		t.Errorf("exit %d, stderr %q; want 0 and, with -q, nothing", code, stderr)
	}
	if !strings.Contains(rest, "zcdrop mock: stopped") {
		t.Errorf("no stop message in %q", rest)
	}
	out := strings.Join(printed, "\n") + "\n" + rest
	sum := sha256.Sum256([]byte(mockKey))
	fingerprint := "API key: SHA-256 fingerprint " + hex.EncodeToString(sum[:])[:8] + " (the key itself is not shown;"
	for _, want := range []string{fingerprint, "cluster: " + mockCluster + " (Dedicated, RUNNING)", "cluster: in03-2c4e6a8b0d1f3e5 (Free, RUNNING)",
		"after a drop: DELETING for 10s, DELETED for 1m0s, then not found (96018)"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, mockKey) {
		t.Errorf("the banner shows the key:\n%s", out)
	}
	if _, err := http.Get(baseURL); err == nil {
		t.Error("the mock still answers after it stopped")
	}
}

func TestMockLogsEachRequest(t *testing.T) {
	tests := []struct {
		name     string
		flags    []string
		key      string
		describe bool     // describe mockCluster rather than drop it
		want     []string // in the one log line; nil: no line at all
	}{
		{name: "success", key: mockKey, want: []string{"level=INFO", "msg=request", "method=DELETE", "path=/v2/clusters/" + mockCluster + "/drop", "status=200", "code=0", "latency="}},
		{name: "describe", key: mockKey, describe: true, want: []string{"level=INFO", "method=GET", "path=/v2/clusters/" + mockCluster + " ", "status=200", "code=0", "latency="}},
		{name: "unknown key", key: "mock-key-other-0123456789", want: []string{"method=DELETE", "status=401", "code=21119", "latency="}},
		{name: "error status", flags: []string{"--fail-status", "503"}, key: mockKey, want: []string{"status=503", "code=503", "latency="}},
		{name: "quiet", flags: []string{"-q"}, key: mockKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"--addr", "127.0.0.1:0", "--api-key", mockKey, "--cluster", mockCluster}, tt.flags...)
			baseURL, _, stop := startMock(t, args...)
			if tt.describe {
				describeThroughClient(t, baseURL, tt.key)
			} else {
				dropThroughClient(t, baseURL, tt.key)
			}
			code, _, stderr := stop()
			if code != exitOK {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
			if tt.want == nil {
				if stderr != "" {
					t.Errorf("with -q, stderr %q; want nothing", stderr)
				}
				return
			}
			if len(lines) != 1 {
				t.Fatalf("%d log lines for one request, want 1:\n%s", len(lines), stderr)
			}
			for _, want := range tt.want {
				if !strings.Contains(lines[0], want) {
					t.Errorf("log line lacks %q: %s", want, lines[0])
				}
			}
			if strings.Contains(stderr, mockKey) {
				t.Errorf("the log holds the key: %s", stderr)
			}
		})
	}
}

func TestMockFaultFlags(t *testing.T) {
	tests := []struct {
		name          string
		flags         []string
		describeFirst int   // how many describes come before the drops; their answers are not checked
		wantStatus    []int // the first drops' answers, in order: an HTTP status, or a business code on HTTP 200
		wantHTMLAt0   bool
	}{
		{name: "fail-status", flags: []string{"--fail-status", "503", "--fail-times", "2"}, wantStatus: []int{503, 503, 200}},
		{name: "html-502", flags: []string{"--html-502", "1"}, wantStatus: []int{502, 200}, wantHTMLAt0: true},
		{name: "fault order", flags: []string{"--html-502", "1", "--fail-status", "500"}, wantStatus: []int{500, 502, 200}},
		{name: "rate-limit", flags: []string{"--rate-limit", "1"}, wantStatus: []int{200, 429}},
		{name: "rate-limit counts describes apart", flags: []string{"--rate-limit", "1"}, describeFirst: 3, wantStatus: []int{200, 429}},
		{name: "faults hit describes", flags: []string{"--fail-status", "500", "--html-502", "1"}, describeFirst: 2, wantStatus: []int{200, 96018}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"--addr", "127.0.0.1:0", "--api-key", mockKey, "--cluster", mockCluster}, tt.flags...)
			baseURL, _, stop := startMock(t, args...)
			for range tt.describeFirst {
				describeThroughClient(t, baseURL, mockKey)
			}
			for i, want := range tt.wantStatus {
				res := dropThroughClient(t, baseURL, mockKey)
				if got := answerCode(res); got != want {
					t.Errorf("answer %d: HTTP %d code %d, want %d", i+1, res.StatusCode(), got, want)
				}
				if i == 0 && tt.wantHTMLAt0 && res.ContentType() != "text/html" {
					t.Errorf("answer 1: Content-Type %q, want text/html", res.ContentType())
				}
			}
			if code, _, stderr := stop(); code != exitOK {
				t.Errorf("exit %d, stderr %q", code, stderr)
			}
		})
	}
}

func TestMockTruncateAndAbortFlags(t *testing.T) {
	baseURL, _, stop := startMock(t, "--addr", "127.0.0.1:0", "--api-key", mockKey, "--cluster", mockCluster,
		"--truncate-json", "1", "--abort-mid-body", "1")
	client, err := api.NewClientWithResponses(baseURL)
	if err != nil {
		t.Fatal(err)
	}
	auth := func(_ context.Context, req *http.Request) error {
		req.Header.Set("Authorization", "Bearer "+mockKey)
		return nil
	}
	if _, err := client.DropClusterWithResponse(t.Context(), mockCluster, nil, auth); err == nil || !strings.Contains(err.Error(), "unexpected end of JSON input") {
		t.Errorf("truncated body: err %v, want a JSON decoding error", err)
	}
	if _, err := client.DropClusterWithResponse(t.Context(), mockCluster, nil, auth); err == nil || !strings.Contains(err.Error(), "unexpected EOF") {
		t.Errorf("aborted body: err %v, want an unexpected EOF", err)
	}
	if code, _, stderr := stop(); code != exitOK {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

func TestMockUsageErrors(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{name: "no key", args: []string{"--cluster", mockCluster}, wantCode: exitUsage, wantErr: "--api-key is required"},
		{name: "bad cluster", args: []string{"--api-key", mockKey, "--cluster", "in01-../x"}, wantCode: exitUsage, wantErr: "does not match"},
		{name: "bad fail status", args: []string{"--api-key", mockKey, "--fail-status", "200"}, wantCode: exitUsage, wantErr: "not from 400 to 599"},
		{name: "fail-times alone", args: []string{"--api-key", mockKey, "--fail-times", "3"}, wantCode: exitUsage, wantErr: "needs --fail-status"},
		{name: "negative delete delay", args: []string{"--api-key", mockKey, "--delete-delay", "-1s"}, wantCode: exitUsage, wantErr: "delete delay -1s is negative"},
		{name: "negative purge delay", args: []string{"--api-key", mockKey, "--purge-delay", "-1s"}, wantCode: exitUsage, wantErr: "purge delay -1s is negative"},
		{name: "purge delay not a duration", args: []string{"--api-key", mockKey, "--purge-delay", "soon"}, wantCode: exitUsage, wantErr: `invalid value "soon" for flag -purge-delay`},
		{name: "negative fault count", args: []string{"--api-key", mockKey, "--html-502", "-1"}, wantCode: exitUsage, wantErr: "at least 1"},
		{name: "unknown flag", args: []string{"--api-key", mockKey, "--nope"}, wantCode: exitUsage, wantErr: "not defined"},
		{name: "extra argument", args: []string{"--api-key", mockKey, "serve"}, wantCode: exitUsage, wantErr: `unexpected argument "serve"`},
		{name: "bad address", args: []string{"--api-key", mockKey, "--addr", "127.0.0.1:99999"}, wantCode: exitNetwork, wantErr: "invalid port"},
		{name: "help", args: []string{"--help"}, wantCode: exitOK, wantErr: "Usage: zcdrop mock"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(t.Context(), append([]string{"mock"}, tt.args...), strings.NewReader(""), &stdout, &stderr)
			if code != tt.wantCode || !strings.Contains(stderr.String(), tt.wantErr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr.String(), tt.wantCode, tt.wantErr)
			}
			if stdout.Len() != 0 {
				t.Errorf("printed %q before failing", stdout.String())
			}
		})
	}
}

func TestUsageListsMock(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(t.Context(), []string{"help"}, strings.NewReader(""), &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(stdout.String(), "zcdrop mock --api-key KEY") {
		t.Errorf("usage does not mention zcdrop mock:\n%s", stdout.String())
	}
}

// shortMockTimeouts makes `zcdrop mock` give clients to for the rest of the
// test, so that a test of the timeouts waits for milliseconds.
func shortMockTimeouts(t *testing.T, to serverTimeouts) {
	t.Helper()
	orig := mockTimeouts
	mockTimeouts = to
	t.Cleanup(func() { mockTimeouts = orig })
}

// TestMockDropsSlowClients: a client that drips its request, or keeps an
// idle connection, loses it to the mock's timeouts, instead of holding it
// for as long as it likes.
func TestMockDropsSlowClients(t *testing.T) {
	shortMockTimeouts(t, serverTimeouts{readHeader: 200 * time.Millisecond, read: 300 * time.Millisecond, write: 300 * time.Millisecond, idle: 200 * time.Millisecond})
	request := "DELETE /v2/clusters/" + mockCluster + "/drop HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + mockKey + "\r\n"
	tests := []struct {
		name  string
		start string // sent at once
		drip  bool   // then one byte every few milliseconds, for as long as the connection lasts
	}{
		{name: "headers dripped", start: request, drip: true},
		{name: "body dripped", start: request + "Content-Length: 100000\r\n\r\n", drip: true},
		{name: "idle after an answer", start: request + "\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			baseURL, _, stop := startMock(t, "-q", "--addr", "127.0.0.1:0", "--api-key", mockKey, "--cluster", mockCluster)
			defer stop()
			conn, err := net.Dial("tcp", strings.TrimPrefix(baseURL, "http://"))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			start := time.Now()
			// The client's own limit: far beyond the mock's timeouts.
			_ = conn.SetDeadline(start.Add(5 * time.Second))
			if _, err := io.WriteString(conn, tt.start); err != nil {
				t.Fatal(err)
			}
			closed := make(chan error, 1)
			go func() {
				_, err := io.Copy(io.Discard, conn) // Until the mock hangs up.
				closed <- err
			}()
			tick := time.NewTicker(20 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case err := <-closed:
					if ne, ok := errors.AsType[net.Error](err); ok && ne.Timeout() {
						t.Fatalf("the mock kept the connection open for %s", time.Since(start).Round(time.Millisecond))
					}
					if d := time.Since(start); d > 2*time.Second {
						t.Errorf("the mock hung up after %s, want about its timeouts (300ms)", d.Round(time.Millisecond))
					}
					return
				case <-tick.C:
					if tt.drip {
						_, _ = io.WriteString(conn, "x") // Fails once the mock has hung up.
					}
				}
			}
		})
	}
}

// TestMockWriteTimeoutAllowsForLatency: an answer held back by --latency is
// still written, though the latency is longer than the time to write it.
func TestMockWriteTimeoutAllowsForLatency(t *testing.T) {
	shortMockTimeouts(t, serverTimeouts{readHeader: 100 * time.Millisecond, read: 100 * time.Millisecond, write: 100 * time.Millisecond, idle: 100 * time.Millisecond})
	baseURL, _, stop := startMock(t, "-q", "--addr", "127.0.0.1:0", "--api-key", mockKey, "--cluster", mockCluster, "--latency", "400ms")
	defer stop()
	if res := dropThroughClient(t, baseURL, mockKey); res.StatusCode() != http.StatusOK {
		t.Errorf("HTTP %d after --latency 400ms, want 200", res.StatusCode())
	}
}

func TestMockHelpStatesTheTimeouts(t *testing.T) {
	_, _, help := runCLI(t, "mock", "--help")
	for _, want := range []string{"10s to send a request's headers", "30s to send the whole request", "idle connection is closed after 2m"} {
		if !strings.Contains(strings.Join(strings.Fields(help), " "), want) {
			t.Errorf("mock --help lacks %q:\n%s", want, help)
		}
	}
}

// describeThroughClient describes mockCluster at baseURL with key through
// the generated client, which checks nothing, so that the test sees the raw
// answer.
func describeThroughClient(t *testing.T, baseURL, key string) *api.DescribeClusterResponse {
	t.Helper()
	client, err := api.NewClientWithResponses(baseURL)
	if err != nil {
		t.Fatal(err)
	}
	res, err := client.DescribeClusterWithResponse(t.Context(), mockCluster, nil, func(_ context.Context, req *http.Request) error {
		req.Header.Set("Authorization", "Bearer "+key)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// answerCode is the business code of a drop's HTTP 200 answer that is not a
// success, and the HTTP status of any other answer.
func answerCode(res *api.DropClusterResponse) int {
	if res.JSON200 != nil {
		if failed, err := res.JSON200.AsErrorEnvelope(); err == nil && failed.Code != 0 {
			return int(failed.Code)
		}
	}
	return res.StatusCode()
}

// describedStatus is what a describe answered: the cluster's status, or
// "code N" for a business error.
func describedStatus(t *testing.T, res *api.DescribeClusterResponse) string {
	t.Helper()
	if res.JSON200 == nil {
		t.Fatalf("describe: HTTP %d %s", res.StatusCode(), res.Body)
	}
	if failed, err := res.JSON200.AsErrorEnvelope(); err == nil && failed.Code != 0 {
		return fmt.Sprintf("code %d", failed.Code)
	}
	ok, err := res.JSON200.AsDescribeClusterSuccess()
	if err != nil || ok.Data.ClusterId != mockCluster {
		t.Fatalf("describe: %s, %v", res.Body, err)
	}
	return ok.Data.Status
}

// TestMockLifecycleFlags: --delete-delay and --purge-delay decide what a
// describe says right after a drop. Delays of zero, or far longer than the
// test, make the answer certain without waiting.
func TestMockLifecycleFlags(t *testing.T) {
	tests := []struct {
		name  string
		flags []string
		want  string
	}{
		{name: "defaults", want: "DELETING"},
		{name: "no delete delay", flags: []string{"--delete-delay", "0"}, want: "DELETED"},
		{name: "no delays", flags: []string{"--delete-delay", "0", "--purge-delay", "0"}, want: "code 96018"},
		{name: "no purge delay", flags: []string{"--delete-delay", "1h", "--purge-delay", "0"}, want: "DELETING"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"-q", "--addr", "127.0.0.1:0", "--api-key", mockKey, "--cluster", mockCluster}, tt.flags...)
			baseURL, _, stop := startMock(t, args...)
			defer stop()
			if got := describedStatus(t, describeThroughClient(t, baseURL, mockKey)); got != "RUNNING" {
				t.Errorf("before the drop: %s, want RUNNING", got)
			}
			if got := answerCode(dropThroughClient(t, baseURL, mockKey)); got != http.StatusOK {
				t.Fatalf("drop: %d, want a success", got)
			}
			if got := describedStatus(t, describeThroughClient(t, baseURL, mockKey)); got != tt.want {
				t.Errorf("after the drop: %s, want %s", got, tt.want)
			}
			if got := answerCode(dropThroughClient(t, baseURL, mockKey)); got != 96018 {
				t.Errorf("second drop: %d, want 96018", got)
			}
		})
	}
}

func TestMockHelpStatesTheLifecycle(t *testing.T) {
	_, _, help := runCLI(t, "mock", "--help")
	flat := strings.Join(strings.Fields(help), " ")
	for _, want := range []string{
		"Describe Cluster (GET /v2/clusters/ID)",
		"DELETING for --delete-delay, DELETED for --purge-delay, and then gone: describe and drop answer code 96018",
		"-delete-delay duration how long a dropped cluster stays DELETING before it is DELETED (default 10s)",
		"-purge-delay duration how long a cluster stays DELETED before it is gone (code 96018); 0 skips DELETED (default 1m0s)",
		"requests per second per key and operation",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("mock --help lacks %q:\n%s", want, help)
		}
	}
}
