//go:build unix

package regularfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
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
	// ReadKnown skips the Stat before the open, which the Stat after it
	// stands in for: it refuses and reads what Read does.
	reads := map[string]func(string, int64) ([]byte, error){"Read": Read, "ReadKnown": ReadKnown}
	for _, tt := range tests {
		for readName, read := range reads {
			t.Run(readName+"/"+tt.name, func(t *testing.T) {
				type result struct {
					b   []byte
					err error
				}
				done := make(chan result, 1)
				go func() {
					b, err := read(tt.path, tt.limit)
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
}

// TestReadAllGrows: readAll returns all that r holds whatever the size it
// starts with, as io.ReadAll does, for a file that grew since it was
// stated.
func TestReadAllGrows(t *testing.T) {
	want := strings.Repeat("0123456789", 1000)
	for _, size := range []int64{1, 512, 9999, 10000, 10001, 1 << 20} {
		got, err := readAll(strings.NewReader(want), size)
		if err != nil || string(got) != want {
			t.Errorf("size %d: read %d bytes, %v; want %d", size, len(got), err, len(want))
		}
	}
}

// TestCreateBeside: each call makes a new, empty regular file beside path,
// named for it, and never path itself.
func TestCreateBeside(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.yaml")
	seen := map[string]bool{}
	for range 3 {
		f, err := CreateBeside(path)
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
		info, err := os.Lstat(f.Name())
		if err != nil || !info.Mode().IsRegular() || info.Size() != 0 {
			t.Fatalf("%s: %v, %v; want a new empty regular file", f.Name(), info, err)
		}
		if filepath.Dir(f.Name()) != dir || !strings.HasPrefix(filepath.Base(f.Name()), ".out.yaml.") || seen[f.Name()] {
			t.Errorf("created %s, want a new .out.yaml.* beside %s", f.Name(), path)
		}
		seen[f.Name()] = true
	}
	if _, err := os.Lstat(path); !os.IsNotExist(err) {
		t.Errorf("path itself exists: %v", err)
	}
}
