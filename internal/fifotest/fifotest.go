//go:build unix

// Package fifotest makes named pipes that watch their readers, for the
// tests that prove a spec or a cassette under review makes no reader open
// a file it names: a FIFO would block such a reader for good, and the test
// sees the open. It is imported by tests only.
package fifotest

import (
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
)

// Watch makes a named pipe "fifo" in dir and reports, on the channel it
// returns, when something first opens it to read; every reader gets "{}".
// release stops the watch once the readers are done, and returns when the
// watcher is gone. Where FIFOs cannot be made, the test is skipped.
func Watch(t testing.TB, dir string) (path string, opened <-chan struct{}, release func()) {
	t.Helper()
	path = filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	ch := make(chan struct{})
	var once sync.Once
	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			// Opening to write waits for a reader: the code under test,
			// or release.
			f, err := os.OpenFile(path, os.O_WRONLY, 0)
			if err != nil {
				return
			}
			if stop.Load() {
				f.Close()
				return
			}
			once.Do(func() { close(ch) })
			_, _ = f.WriteString("{}")
			f.Close()
		}
	})
	release = func() {
		stop.Store(true)
		r, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
		if err != nil {
			t.Fatal(err)
		}
		wg.Wait()
		r.Close()
	}
	return path, ch, release
}
