package conformancetest_test

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zcdrop/zcdrop/conformance/conformancetest"
)

const (
	corpus       = "../testdata/cassettes"
	echoDiffers  = "../testdata/negative/echo-differs.yaml"
	dedicatedURL = "https://api.cloud.zilliz.com/v2/clusters/in01-6183d6bac30f801/drop"
	unknownURL   = "https://api.cloud.zilliz.com/v2/clusters/in01-ffffffffffffff/drop"
	canaryKey    = "zc-LEAK-CANARY-5b1d0e77"
)

// drop sends a Drop Cluster request through c as zcdrop does, and returns
// the status, or 0 when the client failed.
func drop(t *testing.T, c *http.Client, url string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodDelete, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer "+canaryKey)
	res, err := c.Do(req)
	if err != nil {
		return 0
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	return res.StatusCode
}

func TestNewReplayerPassesAConformingReplay(t *testing.T) {
	client := conformancetest.NewReplayer(t, corpus)
	if got := drop(t, client, dedicatedURL); got != http.StatusOK {
		t.Errorf("got HTTP %d, want 200 from the cassette", got)
	}
}

// The child process that TestNewReplayer starts runs TestReplayerCase with
// these variables: a failure there fails the child, not this test, which
// then reads what the child reported. No stand-in for testing.TB is needed.
const (
	dirEnv = "ZCDROP_CONFORMANCETEST_DIR"
	urlEnv = "ZCDROP_CONFORMANCETEST_URL"
)

// TestReplayerCase is the body of one case of TestNewReplayer; run alone,
// it has nothing to do.
func TestReplayerCase(t *testing.T) {
	dir, url := os.Getenv(dirEnv), os.Getenv(urlEnv)
	if dir == "" || url == "" {
		t.Skip("run by TestNewReplayer in a child process")
	}
	client := conformancetest.NewReplayer(t, dir)
	fmt.Printf("status %d\n", drop(t, client, url))
	fmt.Println("body finished")
}

func TestNewReplayer(t *testing.T) {
	violating := t.TempDir()
	b, err := os.ReadFile(echoDiffers)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(violating, "echo-differs.yaml"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "missing")

	tests := []struct {
		name, dir    string
		url          string
		wantStatus   int      // 0: the request must fail
		wantFailures []string // each must be in the child's output; none means the test passes
		wantStopped  bool     // the helper ends the test at once
	}{
		{name: "conforming", dir: corpus, url: dedicatedURL, wantStatus: http.StatusOK},
		{name: "violating", dir: violating, url: dedicatedURL, wantStatus: http.StatusOK,
			wantFailures: []string{"replayed DELETE " + dedicatedURL + " (HTTP 200) breaks openapi.yaml:", "semantic /data/clusterId: echoes cluster"}},
		{name: "unmatched", dir: corpus, url: unknownURL, wantFailures: []string{"no unused interaction matches DELETE " + unknownURL}},
		{name: "missing", dir: missing, url: dedicatedURL, wantStopped: true,
			wantFailures: []string{"conformancetest.NewReplayer: conformance: " + missing + ": no such file or directory"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestReplayerCase$", "-test.v", "-test.count=1")
			cmd.Env = append(os.Environ(), dirEnv+"="+tt.dir, urlEnv+"="+tt.url)
			b, err := cmd.CombinedOutput()
			out := string(b)
			failed := err != nil
			if failed != (len(tt.wantFailures) > 0) {
				t.Errorf("the test failed: %v, want %v:\n%s", failed, len(tt.wantFailures) > 0, out)
			}
			if finished := strings.Contains(out, "body finished"); finished == tt.wantStopped {
				t.Errorf("test body finished: %v, want %v:\n%s", finished, !tt.wantStopped, out)
			}
			if !tt.wantStopped && !strings.Contains(out, fmt.Sprintf("status %d\n", tt.wantStatus)) {
				t.Errorf("want HTTP %d:\n%s", tt.wantStatus, out)
			}
			for _, want := range tt.wantFailures {
				if !strings.Contains(out, want) {
					t.Errorf("the failure does not say %q:\n%s", want, out)
				}
			}
			if strings.Contains(out, canaryKey) {
				t.Errorf("the output quotes the key:\n%s", out)
			}
		})
	}
}
