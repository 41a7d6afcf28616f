//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSelftestRefusesASpecThatIsNoFile: --spec /dev/zero ran out of memory
// and a FIFO hung selftest; a spec file over the cap was read whole. Each is
// now an unreadable --spec, said at once.
func TestSelftestRefusesASpecThatIsNoFile(t *testing.T) {
	dir := t.TempDir()
	fifo := makeFIFO(t, dir, "fifo.yaml")
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
			code, stdout, stderr := runGuarded(t, 10*time.Second, "selftest", "--spec", tt.path)
			if code != exitUsage || stdout != "" || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit code %d, stdout %q, stderr %q; want %d and %q", code, stdout, stderr, exitUsage, tt.want)
			}
		})
	}
}
