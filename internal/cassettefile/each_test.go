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

	"github.com/zcdrop/zcdrop/internal/har"
	"github.com/zcdrop/zcdrop/internal/vcr"
)

// longCassette returns a cassette of n interactions in the layout go-vcr
// writes, and the line each starts on.
func longCassette(t *testing.T, n int) ([]byte, []int) {
	t.Helper()
	c := &vcr.Cassette{Version: vcr.FormatVersion}
	for i := range n {
		in := &vcr.Interaction{ID: i}
		in.Request.Method = "DELETE"
		in.Request.URL = fmt.Sprintf("https://api.cloud.zilliz.com/v2/clusters/in01-%d/drop", i)
		in.Response.Code = 200
		in.Response.Body = "{}"
		c.Interactions = append(c.Interactions, in)
	}
	data, err := vcr.Encode(c)
	if err != nil {
		t.Fatal(err)
	}
	_, pos, ok := vcr.DecodeFast(string(data), vcr.Limits{MaxTextBytes: 1 << 30})
	if !ok {
		t.Fatal("vcr.Encode wrote what DecodeFast does not read")
	}
	lines := make([]int, len(pos))
	for i, p := range pos {
		lines[i] = p.Line
	}
	return data, lines
}

// TestEachStreamsALargeCassette: with Stream set, a cassette over
// FileBytes comes in Parts, in order, each interaction once with its line,
// between whole cassettes before and after it, and the budget counts
// across its Parts; without Stream, it is refused as too large.
func TestEachStreamsALargeCassette(t *testing.T) {
	data, lines := longCassette(t, 1000)
	dir := t.TempDir()
	for name, content := range map[string][]byte{"a.yaml": []byte(cassette), "b.yaml": data, "c.yaml": []byte(cassette)} {
		if err := os.WriteFile(filepath.Join(dir, name), content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	lim := Limits{FileBytes: 4 << 10, TextBytes: 1 << 20, CorpusBytes: 1 << 30, CorpusInteractions: 10_000, Stream: true}
	for _, workers := range []int{1, 2, 7} {
		t.Run(fmt.Sprintf("%d workers", workers), func(t *testing.T) {
			var ids, gotLines []int
			var files []string
			parts := 0
			err := Each(context.Background(), lim, []string{dir}, workers,
				func(_ context.Context, p Part) (Part, error) { return p, nil },
				func(p Part, _ Part) error {
					parts++
					if p.First != (len(files) == 0 || files[len(files)-1] != p.File) {
						t.Errorf("part %d of %s: First is %v", parts, p.File, p.First)
					}
					for i, in := range p.Interactions {
						files = append(files, p.File)
						if in.ID != p.Offset+i {
							t.Errorf("%s: interaction %d at offset %d+%d", p.File, in.ID, p.Offset, i)
						}
						if filepath.Base(p.File) == "b.yaml" {
							ids = append(ids, in.ID)
							gotLines = append(gotLines, p.Pos[i].Line)
						}
						if !strings.HasPrefix(strings.TrimSpace(p.Text[p.Pos[i].Offset:]), "- id: ") {
							t.Errorf("%s: interaction %d: its offset does not open it in the part's text", p.File, in.ID)
						}
					}
					return nil
				})
			if err != nil {
				t.Fatal(err)
			}
			if len(ids) != 1000 || !slices.IsSorted(ids) || ids[999] != 999 || !slices.Equal(gotLines, lines) {
				t.Errorf("streamed %d interactions of b.yaml, want 0..999 in order on their lines", len(ids))
			}
			if parts < 4 || filepath.Base(files[0]) != "a.yaml" || filepath.Base(files[len(files)-1]) != "c.yaml" {
				t.Errorf("%d parts, first %s, last %s; want a.yaml, b.yaml in parts, c.yaml", parts, files[0], files[len(files)-1])
			}
		})
	}
	t.Run("budget across parts", func(t *testing.T) {
		lim := lim
		lim.CorpusInteractions = 600
		emitted := 0
		err := Each(context.Background(), lim, []string{dir}, 2,
			func(_ context.Context, p Part) (int, error) { return len(p.Interactions), nil },
			func(_ Part, n int) error { emitted += n; return nil })
		if err == nil || !strings.Contains(err.Error(), "b.yaml: the cassettes read so far, this one included, hold more than 600") || emitted > 600 {
			t.Errorf("err = %v after %d interactions, want b.yaml over 600", err, emitted)
		}
	})
	t.Run("without Stream", func(t *testing.T) {
		lim := lim
		lim.Stream = false
		err := Each(context.Background(), lim, []string{dir}, 2,
			func(context.Context, Part) (int, error) { return 0, nil },
			func(Part, int) error { return nil })
		if err == nil || !strings.Contains(err.Error(), "b.yaml: is larger than 4096 bytes") {
			t.Errorf("err = %v, want b.yaml too large", err)
		}
	})
}

// TestEachNamesTheLineAStreamBreaksAt: a large cassette that stops being
// YAML part-way is refused at the first line of the chunk that holds the
// fault, with what came before that chunk emitted and nothing after.
func TestEachNamesTheLineAStreamBreaksAt(t *testing.T) {
	data, lines := longCassette(t, 1000)
	// The 700th interaction's method opens a quote it never closes.
	at := lines[700] - 1
	text := strings.Split(string(data), "\n")
	for i := at; i < len(text); i++ {
		if strings.HasPrefix(strings.TrimSpace(text[i]), "method: DELETE") {
			text[i] = strings.Replace(text[i], "DELETE", `"DELETE`, 1)
			break
		}
	}
	file := filepath.Join(t.TempDir(), "long.yaml")
	if err := os.WriteFile(file, []byte(strings.Join(text, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	lim := Limits{FileBytes: 4 << 10, TextBytes: 1 << 20, CorpusBytes: 1 << 30, CorpusInteractions: 10_000, Stream: true}
	emitted := 0
	err := Each(context.Background(), lim, []string{file}, 2,
		func(_ context.Context, p Part) (int, error) { return len(p.Interactions), nil },
		func(_ Part, n int) error { emitted += n; return nil })
	// Chunks hold chunkItems interactions: the 700th is in the one that
	// starts with the 640th.
	first := 700 / chunkItems * chunkItems
	want := fmt.Sprintf(`long.yaml: is larger than 4096 bytes (0 MiB), so it is read an interaction at a time, which needs "version: 2", then "interactions:" and its items in block style: line %d: the interactions from here on do not read`, lines[first])
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v, want %q", err, want)
	}
	if emitted != first {
		t.Errorf("emitted %d interactions, want the %d before the chunk that holds the fault", emitted, first)
	}
}

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
					func(_ context.Context, p Part) (string, error) {
						if p.File == files[max(tt.failAt, 0)] && tt.failAt >= 0 {
							return "", fmt.Errorf("work failed on %s", filepath.Base(p.File))
						}
						return p.File, nil
					},
					func(p Part, r string) error {
						if p.File != r || !p.First {
							t.Errorf("emitted %s (first %v) with the result of %s", p.File, p.First, r)
						}
						got = append(got, p.File)
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
		func(context.Context, Part) (int, error) { return 0, nil },
		func(Part, int) error {
			if emitted++; emitted == 10 {
				cancel()
			}
			return nil
		})
	if !errors.Is(err, context.Canceled) || emitted != 10 {
		t.Errorf("got %v after %d files, want context.Canceled right after the tenth", err, emitted)
	}
}

// harOf returns the interactions of cassette data written as a HAR file.
func harOf(t *testing.T, data []byte) []byte {
	t.Helper()
	c, err := vcr.DecodeStrict(data, vcr.Limits{MaxTextBytes: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	var buf strings.Builder
	w := har.NewWriter(&buf, "test")
	for _, in := range c.Interactions {
		if err := w.Write(in); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return []byte(buf.String())
}

// TestEachReadsHAR: a HAR file, under whatever name, is read by its
// content as its entries, in order, each at the line its entry starts on:
// a small one whole, one over FileBytes as a stream; a HAR file without
// entries is refused, as a cassette without interactions is.
func TestEachReadsHAR(t *testing.T) {
	long, _ := longCassette(t, 300)
	dir := t.TempDir()
	files := map[string][]byte{
		"a.har":       harOf(t, []byte(cassette)),
		"b.yaml":      harOf(t, long), // A HAR file by its content.
		"c.yml":       []byte(cassette),
		"notes.json":  []byte("{}"), // Not walked.
		"z-empty.har": []byte(`{"log":{"version":"1.2","creator":{"name":"x","version":"1"},"entries":[]}}`),
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	lim := Limits{FileBytes: 4 << 10, TextBytes: 1 << 20, CorpusBytes: 1 << 30, CorpusInteractions: 10_000, Stream: true}
	type seen struct {
		file string
		id   int
		line int
	}
	var got []seen
	err := Each(context.Background(), lim, []string{dir}, 2,
		func(_ context.Context, p Part) (Part, error) { return p, nil },
		func(p Part, _ Part) error {
			for i, in := range p.Interactions {
				got = append(got, seen{filepath.Base(p.File), in.ID, p.Pos[i].Line})
			}
			return nil
		})
	if err == nil || !strings.Contains(err.Error(), "z-empty.har: HAR file holds no entries") {
		t.Errorf("err = %v, want z-empty.har refused", err)
	}
	if len(got) != 302 || got[0].file != "a.har" || got[1].file != "b.yaml" || got[300].file != "b.yaml" || got[301].file != "c.yml" {
		t.Fatalf("read %d interactions (%v ...), want a.har's, b.yaml's 300, c.yml's", len(got), got[:min(3, len(got))])
	}
	// Entries start on their own lines, in order, after the document's
	// head; a cassette's interaction on line 3.
	for i := 2; i < 301; i++ {
		if got[i].id != got[i-1].id+1 || got[i].line <= got[i-1].line {
			t.Fatalf("b.yaml: entry %d at line %d after entry %d at line %d", got[i].id, got[i].line, got[i-1].id, got[i-1].line)
		}
	}
	if got[0].line < 2 || got[301].line != 3 {
		t.Errorf("a.har's entry at line %d, c.yml's interaction at line %d; want past the head, and 3", got[0].line, got[301].line)
	}
}

// TestEachFindsFilesAsItReads: a path that names nothing is an error in
// its place among the paths: after the files of the paths before it, and
// before anything of the paths after it.
func TestEachFindsFilesAsItReads(t *testing.T) {
	dir, files := writeCorpus(t, 5, func(int) bool { return false })
	missing := filepath.Join(t.TempDir(), "missing")
	lim := roomy
	for _, tt := range []struct {
		name  string
		paths []string
		wantN int
	}{
		{"after", []string{dir, missing}, 5},
		{"before", []string{missing, dir}, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			err := Each(context.Background(), lim, tt.paths, 2,
				func(_ context.Context, p Part) (string, error) { return p.File, nil },
				func(_ Part, f string) error { got = append(got, f); return nil })
			if err == nil || !strings.Contains(err.Error(), missing+": no such file or directory") {
				t.Errorf("err = %v, want the missing path named", err)
			}
			if !slices.Equal(got, files[:tt.wantN]) {
				t.Errorf("emitted %v, want the first %d of %v", got, tt.wantN, files)
			}
		})
	}
}

// TestStreamHARStopsWithCtx: a HAR file read as a stream stops reading
// when ctx is done, even where its bytes are no entries (a hostile file
// may put most of them elsewhere), and hands nothing on.
func TestStreamHARStopsWithCtx(t *testing.T) {
	doc := `{"log":{"version":"1.2","creator":{"name":"x","version":"1"},"pages":[` +
		strings.Repeat("0,", 1<<20) + `0],"entries":[]}}`
	src := &countingReader{ctx: context.Background(), r: strings.NewReader(doc)}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	sent := false
	ok := streamHAR(ctx, roomy, "big.har", src, func(*piece) bool { sent = true; return true })
	if ok || sent || src.n > 64<<10 {
		t.Errorf("streamHAR returned %v, sent %v, after reading %d of %d bytes; want it stopped, nothing sent, almost nothing read", ok, sent, src.n, len(doc))
	}
}

// TestEachTellsHARAfterWhiteSpace: white space before a HAR document's
// "{", however long, does not make it read as a cassette.
func TestEachTellsHARAfterWhiteSpace(t *testing.T) {
	dir := t.TempDir()
	doc := append([]byte(strings.Repeat(" \n", 1000)), harOf(t, []byte(cassette))...)
	if err := os.WriteFile(filepath.Join(dir, "ws.har"), doc, 0o644); err != nil {
		t.Fatal(err)
	}
	n := 0
	err := Each(context.Background(), roomy, []string{dir}, 1,
		func(_ context.Context, p Part) (int, error) { return len(p.Interactions), nil },
		func(_ Part, k int) error { n += k; return nil })
	if err != nil || n != 1 {
		t.Errorf("read %d interactions: %v; want the HAR file's one", n, err)
	}
}
