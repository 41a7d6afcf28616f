// Package cassettefile reads a corpus of go-vcr v4 cassettes as the
// conformance gate reads its inputs: from files or directories walked for
// *.yaml and *.yml, each distinct file once, regular files only, within a
// budget per cassette and per corpus. It is the gate's reader, shared with
// the tools that read the same inputs (zcdrop spec drift), so that both
// accept and refuse the same files. The budget's values, and why, are the
// conformance package's (MaxCassetteBytes and its kin).
package cassettefile

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/zcdrop/zcdrop/internal/redact"
	"github.com/zcdrop/zcdrop/internal/regularfile"
	"github.com/zcdrop/zcdrop/internal/vcr"
)

// Limits is the budget of one read: of each cassette, and of the corpus.
// Past it, a file or the corpus is unreadable (*Error), never read in part.
type Limits struct {
	// FileBytes caps the size of one cassette file.
	FileBytes int64
	// TextBytes caps the bytes of every string one cassette decodes to,
	// a string that an alias repeats counted once per use (see
	// vcr.Limits.MaxTextBytes).
	TextBytes int64
	// AliasNodes caps the YAML nodes that one cassette's aliases add as it
	// is decoded, so that a small file cannot expand to a huge one (see
	// vcr.Limits.MaxAliasNodes).
	AliasNodes int
	// CorpusBytes caps the bytes of all cassette files read.
	CorpusBytes int64
	// CorpusInteractions caps the interactions of all cassettes read.
	CorpusInteractions int
}

// Error is returned when an input cannot be read as go-vcr v4 cassettes:
// the path does not exist, a file is not a regular file, is over the
// budget, is not one YAML document or not a format version 2 cassette, a
// cassette holds no interactions, or a directory holds no cassettes.
type Error struct {
	// File is the path at fault: a cassette file, or the path or directory
	// that was given.
	File string
	// Err says what was wrong with it. What it quotes of the file has
	// each token that looks like a key masked (see redact.HasKeyToken).
	Err error
}

// Error names the file and says what was wrong with it.
func (e *Error) Error() string { return e.File + ": " + e.Err.Error() }

// Unwrap returns Err, so that errors.Is sees fs.ErrNotExist for a missing path.
func (e *Error) Unwrap() error { return e.Err }

// ReadCorpus reads the cassettes at paths in order, each distinct file
// once, within lim, and hands each to visit with the bytes it was parsed
// from. A path is a cassette file, or a directory whose *.yaml and *.yml
// files are read in lexical order. It stops at the first error, visit's
// included, and returns ctx's error as soon as ctx is done.
func ReadCorpus(ctx context.Context, lim Limits, paths []string, visit func(file string, data []byte, c *vcr.Cassette) error) error {
	type read struct {
		data []byte
		c    *vcr.Cassette
	}
	// One worker reads ahead of visit by one file at most, so that no
	// more than a few parsed cassettes are alive at once.
	return Each(ctx, lim, paths, 1,
		func(_ context.Context, _ string, data []byte, c *vcr.Cassette) (read, error) {
			return read{data, c}, nil
		},
		func(file string, r read) error { return visit(file, r.data, r.c) })
}

// Each reads the cassettes at paths as ReadCorpus does, on up to workers
// goroutines at once, and hands each to work there as soon as it is read.
// It hands work's results to emit in the order that ReadCorpus reads the
// files, and applies the corpus budget in that order too, so that what it
// emits, and the error it returns, do not depend on which file was read
// first: the first error in that order wins, a file's own before the
// corpus budget that it crosses, and that before work's. Only a few files
// are in hand at once (about twice workers), so that a corpus is never
// held whole. Each stops at the first error, emit's included, and returns
// ctx's error as soon as ctx is done; the ctx that work gets is done then
// too.
func Each[T any](ctx context.Context, lim Limits, paths []string, workers int,
	work func(ctx context.Context, file string, data []byte, c *vcr.Cassette) (T, error),
	emit func(file string, result T) error) error {
	files, err := distinctFiles(ctx, paths)
	if err != nil {
		return err
	}
	workers = max(1, min(workers, len(files)))
	// No worker outlives Each: the deferred cancel runs first, and stops
	// them, and then Each waits for them.
	var wg sync.WaitGroup
	defer wg.Wait()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	type outcome struct {
		bytes        int64
		interactions int
		result       T
		readErr      error // the file's own, before the budget
		workErr      error // work's, after the budget
	}
	type job struct {
		file string
		done chan outcome
	}
	// pending holds the jobs handed out, in order, for the loop below;
	// its capacity bounds how far the workers run ahead of emit.
	pending := make(chan *job, workers)
	jobs := make(chan *job)
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(jobs)
		defer close(pending)
		for _, f := range files {
			j := &job{file: f, done: make(chan outcome, 1)}
			for _, ch := range []chan *job{pending, jobs} {
				select {
				case ch <- j:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				c, data, err := readCassette(ctx, lim, j.file)
				if err != nil {
					j.done <- outcome{readErr: err}
					continue
				}
				o := outcome{bytes: int64(len(data)), interactions: len(c.Interactions)}
				o.result, o.workErr = work(ctx, j.file, data, c)
				j.done <- o
			}
		}()
	}

	var bytes int64
	interactions := 0
	for j := range pending {
		var o outcome
		select {
		case o = <-j.done:
		case <-ctx.Done():
		}
		if err := ctx.Err(); err != nil {
			// Both may be ready; select picks either.
			return err
		}
		if o.readErr != nil {
			return o.readErr
		}
		bytes += o.bytes
		interactions += o.interactions
		switch {
		case bytes > lim.CorpusBytes:
			return &Error{File: j.file, Err: fmt.Errorf("the cassettes read so far, this one included, are larger than %d bytes (%d MiB), the most one run reads", lim.CorpusBytes, lim.CorpusBytes>>20)}
		case interactions > lim.CorpusInteractions:
			return &Error{File: j.file, Err: fmt.Errorf("the cassettes read so far, this one included, hold more than %d interactions, the most one run checks", lim.CorpusInteractions)}
		case o.workErr != nil:
			return o.workErr
		}
		if err := emit(j.file, o.result); err != nil {
			return err
		}
	}
	// pending closes early, and quietly, when ctx is done.
	return ctx.Err()
}

// distinctFiles resolves paths to the cassette files they name, in order,
// each file once however it is named. A file that cannot be stated is kept,
// for readCassette to say why.
func distinctFiles(ctx context.Context, paths []string) ([]string, error) {
	var files []string
	for _, p := range paths {
		found, err := cassetteFiles(ctx, p)
		if err != nil {
			return nil, err
		}
		files = append(files, found...)
	}
	out := files[:0]
	seen := map[fileID][]os.FileInfo{}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		info, err := os.Stat(f)
		if err != nil {
			out = append(out, f)
			continue
		}
		// Files that are one are of one size and time; os.SameFile tells
		// apart the few that share both.
		id := fileID{info.Size(), info.ModTime().UnixNano()}
		if slices.ContainsFunc(seen[id], func(s os.FileInfo) bool { return os.SameFile(s, info) }) {
			continue
		}
		seen[id] = append(seen[id], info)
		out = append(out, f)
	}
	return out, nil
}

// fileID narrows the search for a file already seen.
type fileID struct {
	size    int64
	modTime int64
}

// cassetteFiles resolves path to the cassette files it names: itself when it
// is not a directory, its *.yaml and *.yml files, in lexical order, when it
// is one. What each file is, is left to readCassette, which says so.
func cassetteFiles(ctx context.Context, path string) ([]string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, &Error{File: path, Err: pathCause(err)}
	}
	if !info.IsDir() {
		return []string{path}, nil
	}
	var files []string
	// WalkDir visits entries in lexical order, which makes reports stable.
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return &Error{File: p, Err: pathCause(err)}
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		// Every entry with a cassette's name counts, links and special files
		// too: skipping them would skip cassettes silently. readCassette
		// refuses what is not a regular file.
		if !d.IsDir() && isCassetteName(p) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, &Error{File: path, Err: errors.New("directory holds no *.yaml or *.yml cassettes")}
	}
	return files, nil
}

func isCassetteName(p string) bool {
	ext := strings.ToLower(filepath.Ext(p))
	return ext == ".yaml" || ext == ".yml"
}

// pathCause drops the operation and path that *fs.PathError repeats, since
// Error names the file already.
func pathCause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// readCassette reads and parses the cassette at file, within lim and as
// vcr.DecodeStrict reads it: one YAML document, of format version 2
// written as an integer. It refuses a cassette without interactions, and
// returns ctx's error as soon as ctx is done. It also returns the bytes
// of the file.
func readCassette(ctx context.Context, lim Limits, file string) (*vcr.Cassette, []byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	type decoded struct {
		c    *vcr.Cassette
		data []byte
		err  error
	}
	// Reading and parsing are the steps that cannot stop half-way: a link
	// may name a regular file whose read blocks for good (/proc/kmsg). They
	// run aside, so that a cancellation returns at once; what they go on to
	// spend is bounded by the budget.
	done := make(chan decoded, 1)
	go func() {
		data, err := readRegularFile(lim, file)
		if err != nil {
			done <- decoded{nil, nil, err}
			return
		}
		vlim := vcr.Limits{MaxAliasNodes: lim.AliasNodes, MaxTextBytes: lim.TextBytes}
		// The layout go-vcr writes reads fast, to the same cassette; the
		// rest, and every error, is DecodeStrict's.
		if c, ok := vcr.DecodeFast(data, vlim); ok {
			done <- decoded{c, data, nil}
			return
		}
		c, err := vcr.DecodeStrict(data, vlim)
		// The parser quotes the file (a mapping key defined twice, a value
		// of the wrong type), and a recording may hold a key that nobody
		// redacted: what looks like one is masked, as in every report.
		done <- decoded{c, data, redact.MaskKeyTokensError(err)}
	}()
	var d decoded
	select {
	case d = <-done:
	case <-ctx.Done():
		return nil, nil, ctx.Err()
	}
	switch {
	case d.err != nil:
		return nil, nil, &Error{File: file, Err: d.err}
	case len(d.c.Interactions) == 0:
		return nil, nil, &Error{File: file, Err: errors.New("cassette holds no interactions")}
	}
	return d.c, d.data, nil
}

// readRegularFile reads file, which must be a regular file (or a link to
// one) of at most lim.FileBytes; anything else is refused by its kind,
// before it is opened (see package regularfile).
func readRegularFile(lim Limits, file string) ([]byte, error) {
	data, err := regularfile.Read(file, lim.FileBytes)
	var notRegular *regularfile.NotRegularError
	var tooLarge *regularfile.TooLargeError
	switch {
	case errors.As(err, &notRegular):
		return nil, fmt.Errorf("%w; the gate reads regular files only", err)
	case errors.As(err, &tooLarge):
		return nil, fmt.Errorf("is larger than %d bytes (%d MiB), the most a cassette may be", lim.FileBytes, lim.FileBytes>>20)
	case err != nil:
		return nil, pathCause(err)
	}
	return data, nil
}
