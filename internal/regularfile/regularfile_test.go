//go:build unix

package regularfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

func TestRead(t *testing.T) {
	dir := t.TempDir()
	regular := filepath.Join(dir, "regular")
	if err := os.WriteFile(regular, []byte("0123456789"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(regular, link); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	zero := filepath.Join(dir, "zero")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path string
		limit      int64
		want       string // the content; "" when an error is wanted
		wantKind   string // a *NotRegularError of this kind
		tooLarge   bool
		notExist   bool
	}{
		{name: "regular file", path: regular, limit: 10, want: "0123456789"},
		{name: "link to a regular file", path: link, limit: 10, want: "0123456789"},
		{name: "over the limit", path: regular, limit: 9, tooLarge: true},
		{name: "directory", path: dir, limit: 10, wantKind: "a directory"},
		{name: "FIFO", path: fifo, limit: 10, wantKind: "a named pipe (FIFO)"},
		{name: "link to /dev/zero", path: zero, limit: 10, wantKind: "a character device"},
		{name: "missing", path: filepath.Join(dir, "missing"), limit: 10, notExist: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			type result struct {
				b   []byte
				err error
			}
			done := make(chan result, 1)
			go func() {
				b, err := Read(tt.path, tt.limit)
				done <- result{b, err}
			}()
			var r result
			select {
			case r = <-done:
			case <-time.After(10 * time.Second): // a hang guard, not a speed target
				t.Fatal("Read blocked")
			}
			var notRegular *NotRegularError
			var tooLarge *TooLargeError
			switch {
			case tt.want != "":
				if r.err != nil || string(r.b) != tt.want {
					t.Errorf("got %q, %v; want %q", r.b, r.err, tt.want)
				}
			case tt.wantKind != "":
				if !errors.As(r.err, &notRegular) || notRegular.Kind != tt.wantKind {
					t.Errorf("got %v, want a *NotRegularError for %s", r.err, tt.wantKind)
				}
			case tt.tooLarge:
				if !errors.As(r.err, &tooLarge) || tooLarge.Limit != tt.limit {
					t.Errorf("got %v, want a *TooLargeError at %d", r.err, tt.limit)
				}
			case tt.notExist:
				if !errors.Is(r.err, fs.ErrNotExist) {
					t.Errorf("got %v, want fs.ErrNotExist", r.err)
				}
			}
		})
	}
}
