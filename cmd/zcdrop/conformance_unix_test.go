//go:build unix

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
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
	fifo := filepath.Join(dir, "b.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	// A gate stuck opening the FIFO is let go when the test ends.
	t.Cleanup(func() {
		if f, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			f.Close()
		}
	})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	type outcome struct {
		code           int
		stdout, stderr string
	}
	done := make(chan outcome, 1)
	go func() {
		var out, errOut bytes.Buffer
		code := run(ctx, []string{"conformance", dir}, strings.NewReader(""), &out, &errOut)
		done <- outcome{code, out.String(), errOut.String()}
	}()
	select {
	case o := <-done:
		if o.code != exitUsage || o.stdout != "" || !strings.Contains(o.stderr, fifo+": is a named pipe (FIFO), not a regular file") {
			t.Errorf("exit code %d, stdout %q, stderr %q; want %d and the FIFO named", o.code, o.stdout, o.stderr, exitUsage)
		}
	case <-time.After(5 * time.Second):
		cancel()
		t.Fatal("the gate hangs on a FIFO")
	}
}
