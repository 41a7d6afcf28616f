//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestConformanceFIFO: a FIFO named *.yaml in a corpus hung the gate for
// good, deaf to Ctrl-C. It is now unreadable input, said at once.
func TestConformanceFIFO(t *testing.T) {
	dir := t.TempDir()
	good, err := os.ReadFile(filepath.Join(shippedCorpus, "drop-dedicated.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a.yaml"), good, 0o644); err != nil {
		t.Fatal(err)
	}
	fifo := makeFIFO(t, dir, "b.yaml")
	code, stdout, stderr := runGuarded(t, 5*time.Second, "conformance", dir)
	if code != exitUsage || stdout != "" || !strings.Contains(stderr, fifo+": is a named pipe (FIFO), not a regular file") {
		t.Errorf("exit code %d, stdout %q, stderr %q; want %d and the FIFO named", code, stdout, stderr, exitUsage)
	}
}
