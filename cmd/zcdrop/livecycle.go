package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"github.com/zcdrop/zcdrop/conformance"
	"github.com/zcdrop/zcdrop/mock"
)

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
	ts := httptest.NewServer(srv)
	defer ts.Close() // Close is idempotent: this one is for the early returns.
	dir, err := os.MkdirTemp("", "zcdrop-selftest-cassettes-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	keyFiles, cleanup, err := writeKeys(key)
	if err != nil {
		return "", err
	}
	defer cleanup()

	var out, errOut bytes.Buffer
	code := run(ctx, []string{"probe", "--base-url", ts.URL, "--api-key-file", keyFiles[key], "--record", dir}, strings.NewReader(""), &out, &errOut)
	ts.Close() // From here on, nothing may need the server.
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
	return replayOffline(ctx, dir, key, results, len(files))
}

// replayOffline replays every recorded interaction through a Replayer, the
// server being gone, and checks that each answers as recorded and that the
// replayer served them all.
func replayOffline(ctx context.Context, dir, key string, results []conformance.Result, cassettes int) (string, error) {
	replayer, err := conformance.NewReplayer(dir)
	if err != nil {
		return "", err
	}
	defer replayer.Close()
	err = replayEach(ctx, replayer.Client(), key, results)
	if err := errors.Join(err, replayer.Report().Err()); err != nil {
		return "", err
	}
	return fmt.Sprintf("probe --record against the mock wrote %d cassettes without the key, destroyed nothing, passed the gate, and replayed offline", cassettes), nil
}

func replayEach(ctx context.Context, client *http.Client, key string, results []conformance.Result) error {
	for _, r := range results {
		req, err := http.NewRequestWithContext(ctx, r.Method, r.URL, nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Accept", "application/json")
		res, err := client.Do(req)
		if err != nil {
			return fmt.Errorf("replay: %w", err)
		}
		res.Body.Close()
		if res.StatusCode != r.StatusCode {
			return fmt.Errorf("replay of %s answered %d, recorded %d", r.URL, res.StatusCode, r.StatusCode)
		}
	}
	return nil
}
