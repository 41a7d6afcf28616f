package cassettefile

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/zcdrop/zcdrop/internal/vcr"
)

// writeCorpus writes n cassettes named c000.yaml on under a new directory,
// the i-th broken when broken(i), and returns the directory and the files.
func writeCorpus(t *testing.T, n int, broken func(int) bool) (string, []string) {
	t.Helper()
	dir := t.TempDir()
	var files []string
	for i := range n {
		f := filepath.Join(dir, fmt.Sprintf("c%03d.yaml", i))
		data := cassette
		if broken(i) {
			data = "version: 2\n"
		}
		if err := os.WriteFile(f, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	return dir, files
}

// TestEachKeepsTheOrderOfTheFiles: whatever the workers, results come in
// the order of the files, and the first error in that order is the one
// returned: a file's own, the corpus budget, or work's.
func TestEachKeepsTheOrderOfTheFiles(t *testing.T) {
	lim := roomy
	lim.CorpusInteractions = 1000
	lim.CorpusBytes = 1 << 30
	size := int64(len(cassette))
	tests := []struct {
		name    string
		lim     func(Limits) Limits
		broken  func(int) bool
		failAt  int // work fails on this file, -1 for none
		wantN   int // results emitted
		wantErr string
	}{
		{"all read", func(l Limits) Limits { return l }, func(int) bool { return false }, -1, 64, ""},
		{"a broken file", func(l Limits) Limits { return l }, func(i int) bool { return i == 40 || i == 50 }, -1, 40, "c040.yaml: cassette holds no interactions"},
		{"over the interactions", func(l Limits) Limits { l.CorpusInteractions = 30; return l }, func(i int) bool { return i == 50 }, -1, 30, "c030.yaml: the cassettes read so far, this one included, hold more than 30"},
		{"over the bytes", func(l Limits) Limits { l.CorpusBytes = 20*size + 1; return l }, func(int) bool { return false }, 25, 20, "c020.yaml: the cassettes read so far, this one included, are larger than"},
		{"work fails", func(l Limits) Limits { return l }, func(i int) bool { return i == 50 }, 33, 33, "work failed on c033.yaml"},
	}
	for _, tt := range tests {
		for _, workers := range []int{1, 2, 7} {
			t.Run(fmt.Sprintf("%s/%d workers", tt.name, workers), func(t *testing.T) {
				dir, files := writeCorpus(t, 64, tt.broken)
				var got []string
				err := Each(context.Background(), tt.lim(lim), []string{dir}, workers,
					func(_ context.Context, file string, _ []byte, c *vcr.Cassette) (string, error) {
						if file == files[max(tt.failAt, 0)] && tt.failAt >= 0 {
							return "", fmt.Errorf("work failed on %s", filepath.Base(file))
						}
						return file, nil
					},
					func(file, r string) error {
						if file != r {
							t.Errorf("emitted %s with the result of %s", file, r)
						}
						got = append(got, file)
						return nil
					})
				if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
					t.Errorf("got error %v, want %q", err, tt.wantErr)
				}
				if !slices.Equal(got, files[:tt.wantN]) {
					t.Errorf("emitted %d files, out of order or too many; want the first %d in order", len(got), tt.wantN)
				}
			})
		}
	}
}

// TestEachStopsWhenCtxIsDone: a cancellation mid-corpus returns ctx's
// error and emits nothing more, and work sees its ctx done.
func TestEachStopsWhenCtxIsDone(t *testing.T) {
	dir, _ := writeCorpus(t, 64, func(int) bool { return false })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	emitted := 0
	lim := roomy
	lim.CorpusInteractions = 1000
	err := Each(ctx, lim, []string{dir}, 2,
		func(ctx context.Context, _ string, _ []byte, _ *vcr.Cassette) (int, error) { return 0, nil },
		func(string, int) error {
			if emitted++; emitted == 10 {
				cancel()
			}
			return nil
		})
	if !errors.Is(err, context.Canceled) || emitted != 10 {
		t.Errorf("got %v after %d files, want context.Canceled right after the tenth", err, emitted)
	}
}
