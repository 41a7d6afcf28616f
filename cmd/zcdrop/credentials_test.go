// The special files that --api-key-file must refuse (/dev/zero, a FIFO) are
// Unix's.

//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestAPIKeyFileRefusesWhatIsNotAKeyFile: --api-key-file reads a regular
// file of at most maxKeyFileBytes, or a link to one. Anything else is refused
// at once, by name and kind, without reading it: /dev/zero would never end, a
// FIFO would block until a writer came.
func TestAPIKeyFileRefusesWhatIsNotAKeyFile(t *testing.T) {
	dir := t.TempDir()
	fifo := makeFIFO(t, dir, "fifo")
	regular := writeKeyFile(t, dropKey+"\n")
	link := filepath.Join(dir, "link")
	if err := os.Symlink(regular, link); err != nil {
		t.Fatal(err)
	}
	oversized := writeKeyFile(t, strings.Repeat("k", maxKeyFileBytes+1))
	atCap := writeKeyFile(t, strings.Repeat("k", maxKeyFileBytes-1)+"\n")
	tests := []struct {
		name    string
		path    string
		wantKey string // "" when refused
		wantErr []string
	}{
		{name: "/dev/zero", path: "/dev/zero", wantErr: []string{"/dev/zero", "is a character device, not a regular file"}},
		{name: "FIFO", path: fifo, wantErr: []string{fifo, "is a named pipe (FIFO), not a regular file"}},
		{name: "directory", path: dir, wantErr: []string{dir, "is a directory, not a regular file"}},
		{name: "oversized", path: oversized, wantErr: []string{oversized, "larger than 4096 bytes"}},
		{name: "missing", path: filepath.Join(dir, "missing"), wantErr: []string{"read --api-key-file", "no such file"}},
		{name: "regular file", path: regular, wantKey: dropKey},
		{name: "link to a regular file", path: link, wantKey: dropKey},
		{name: "at the cap", path: atCap, wantKey: strings.Repeat("k", maxKeyFileBytes-1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			done := make(chan struct{})
			var key string
			var err error
			go func() {
				defer close(done)
				key, err = apiKey(tt.path)
			}()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatalf("apiKey(%s) still reading after 5s", tt.path)
			}
			if tt.wantKey != "" {
				if err != nil || key != tt.wantKey {
					t.Errorf("got a key of %d bytes, err %v; want the key", len(key), err)
				}
				return
			}
			if err == nil {
				t.Fatalf("got a key of %d bytes, want a refusal", len(key))
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
		})
	}
}

func TestAPIKeyFileCapIsInTheHelp(t *testing.T) {
	for _, cmd := range []string{"drop", "probe"} {
		t.Run(cmd, func(t *testing.T) {
			_, _, help := runCLI(t, cmd, "--help")
			if !strings.Contains(help, "a regular file of at most 4 KiB") {
				t.Errorf("%s --help does not state the key file's limits:\n%s", cmd, help)
			}
		})
	}
}
