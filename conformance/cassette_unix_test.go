//go:build unix

package conformance

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// mkfifo makes a named pipe at path. A reader that opens it blocks until a
// writer comes; the cleanup comes as one, so that a reader stuck in open
// does not outlive a failed test.
func mkfifo(t *testing.T, path string) string {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	t.Cleanup(func() {
		if f, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			f.Close()
		}
	})
	return path
}

// within runs f and fails the test if it has not returned after d.
func within[T any](t *testing.T, d time.Duration, f func() T) T {
	t.Helper()
	done := make(chan T, 1)
	go func() { done <- f() }()
	select {
	case v := <-done:
		return v
	case <-time.After(d):
		t.Fatalf("still running after %v", d)
		panic("unreachable")
	}
}

// TestCheckCassettesSpecialFiles: a FIFO named *.yaml hung the gate for
// good, and a link to /dev/zero grew its memory until it died. The gate
// reads regular files only, and says what else it was given.
func TestCheckCassettesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	good := writeFile(t, dir, "good/a.yaml", readFile(t, dedicatedCassette))
	fifo := mkfifo(t, filepath.Join(dir, "pipe.yaml"))
	writeFile(t, dir, "corpus/a.yaml", readFile(t, dedicatedCassette))
	inDir := mkfifo(t, filepath.Join(dir, "corpus", "b.yaml"))
	zero := symlink(t, "/dev/zero", filepath.Join(dir, "zero.yaml"))
	sock := filepath.Join(dir, "s.yaml")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Skipf("no unix sockets here: %v", err)
	}
	defer l.Close()
	tests := []struct {
		name, path, file, want string
	}{
		{"fifo", fifo, fifo, "is a named pipe (FIFO), not a regular file; the gate reads regular files only"},
		{"fifo in a directory", filepath.Dir(inDir), inDir, "is a named pipe (FIFO), not a regular file"},
		{"link to /dev/zero", zero, zero, "is a character device, not a regular file"},
		{"socket", sock, sock, "is a socket, not a regular file"},
	}
	v := newTestValidator(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := within(t, 5*time.Second, func() error {
				results, err := v.CheckCassettes(context.Background(), good, tt.path)
				if results != nil {
					t.Errorf("got %d results with an unreadable input, want none", len(results))
				}
				return err
			})
			var ce *CassetteError
			if !errors.As(err, &ce) || ce.File != tt.file || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want a *CassetteError naming %s and saying %q", err, tt.file, tt.want)
			}
		})
	}
}

// TestNewReplayerSpecialFiles: the Replayer reads cassettes as the gate
// does.
func TestNewReplayerSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a.yaml", readFile(t, dedicatedCassette))
	fifo := mkfifo(t, filepath.Join(dir, "pipe.yaml"))
	err := within(t, 5*time.Second, func() error {
		r, err := NewReplayer(dir)
		if r != nil {
			r.Close()
		}
		return err
	})
	var ce *CassetteError
	if !errors.As(err, &ce) || ce.File != fifo || !strings.Contains(err.Error(), "is a named pipe (FIFO), not a regular file") {
		t.Errorf("got %v, want a *CassetteError naming the FIFO", err)
	}
}

// TestCheckCassettesStopsDuringABlockingRead: a link to a regular file whose
// read blocks (/proc/kmsg, readable by root) hung the gate for good, deaf to
// cancellation, since the read ran outside what a cancellation stops.
func TestCheckCassettesStopsDuringABlockingRead(t *testing.T) {
	const blocking = "/proc/kmsg"
	f, err := os.Open(blocking)
	if err != nil {
		t.Skipf("no regular file here whose read blocks: %v", err)
	}
	f.Close()
	dir := t.TempDir()
	if err := os.Symlink(blocking, filepath.Join(dir, "a.yaml")); err != nil {
		t.Fatal(err)
	}
	v := newTestValidator(t)
	// The read has begun when the deadline comes: nothing else takes time.
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	err = within(t, 5*time.Second, func() error {
		_, err := v.CheckCassettes(ctx, dir)
		return err
	})
	// On Linux the read is refused at once, since it would wait; where
	// the read waits, the cancellation stops it.
	if !errors.Is(err, context.DeadlineExceeded) && !strings.Contains(fmt.Sprint(err), "is a file whose reads wait for data") {
		t.Errorf("got %v, want the context's error or the file refused", err)
	}
}
