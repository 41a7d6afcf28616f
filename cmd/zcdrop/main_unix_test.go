//go:build unix

package main

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// makeFIFO makes a named pipe in dir, for the tests of what must refuse
// one without blocking, and lets go, when the test ends, whatever is still
// stuck opening it. It is the one CLI test helper that is Unix's alone, so
// it sits beside main_test.go rather than in it.
func makeFIFO(t *testing.T, dir, name string) string {
	t.Helper()
	fifo := filepath.Join(dir, name)
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	t.Cleanup(func() {
		if f, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			f.Close()
		}
	})
	return fifo
}
