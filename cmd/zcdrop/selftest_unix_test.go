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

// TestSelftestRefusesASpecThatIsNoFile: --spec /dev/zero ran out of memory
// and a FIFO hung selftest; a spec file over the cap was read whole. Each is
// now an unreadable --spec, said at once.
func TestSelftestRefusesASpecThatIsNoFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	t.Cleanup(func() {
		if f, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			f.Close()
		}
	})
	huge := filepath.Join(dir, "huge.yaml")
	if err := os.WriteFile(huge, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	// Sparse: as large as a spec may not be, at no cost to the disk.
	if err := os.Truncate(huge, maxSpecFileBytes+1); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, path, want string }{
		{"device", "/dev/zero", "/dev/zero: is a character device, not a regular file"},
		{"fifo", fifo, fifo + ": is a named pipe (FIFO), not a regular file"},
		{"too large", huge, huge + ": is larger than 4194304 bytes (4 MiB), the most a spec file may be"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			type outcome struct {
				code           int
				stdout, stderr string
			}
			done := make(chan outcome, 1)
			go func() {
				var out, errOut bytes.Buffer
				code := run(ctx, []string{"selftest", "--spec", tt.path}, strings.NewReader(""), &out, &errOut)
				done <- outcome{code, out.String(), errOut.String()}
			}()
			select {
			case o := <-done:
				if o.code != exitUsage || o.stdout != "" || !strings.Contains(o.stderr, tt.want) {
					t.Errorf("exit code %d, stdout %q, stderr %q; want %d and %q", o.code, o.stdout, o.stderr, exitUsage, tt.want)
				}
			case <-time.After(10 * time.Second):
				cancel()
				t.Fatal("selftest hangs on --spec " + tt.path)
			}
		})
	}
}
