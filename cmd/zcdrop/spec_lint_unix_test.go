//go:build unix

package main

import (
	"strings"
	"testing"
	"time"
)

// TestSpecLintRefusesAFIFO: a FIFO would block its reader until a writer
// came; spec lint refuses it unread, at once.
func TestSpecLintRefusesAFIFO(t *testing.T) {
	fifo := makeFIFO(t, t.TempDir(), "openapi.yaml")
	code, stdout, stderr := runGuarded(t, 10*time.Second, "spec", "lint", fifo)
	want := fifo + ": is a named pipe (FIFO), not a regular file"
	if code != exitUsage || stdout != "" || !strings.Contains(stderr, want) {
		t.Errorf("exit code %d, stdout %q, stderr %q; want %d and %q", code, stdout, stderr, exitUsage, want)
	}
}
