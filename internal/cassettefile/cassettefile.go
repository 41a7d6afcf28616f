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
	var files []string
	for _, p := range paths {
		found, err := cassetteFiles(ctx, p)
		if err != nil {
			return err
		}
		files = append(files, found...)
	}
	var seen []os.FileInfo
	var bytes int64
	interactions := 0
	for _, f := range files {
		// A file that cannot be stated is kept, for readCassette to say
		// why; one already read is skipped, however it was named.
		if info, err := os.Stat(f); err == nil {
			if slices.ContainsFunc(seen, func(s os.FileInfo) bool { return os.SameFile(s, info) }) {
				continue
			}
			seen = append(seen, info)
		}
		c, data, err := readCassette(ctx, lim, f)
		if err != nil {
			return err
		}
		bytes += int64(len(data))
		interactions += len(c.Interactions)
		switch {
		case bytes > lim.CorpusBytes:
			return &Error{File: f, Err: fmt.Errorf("the cassettes read so far, this one included, are larger than %d bytes (%d MiB), the most one run reads", lim.CorpusBytes, lim.CorpusBytes>>20)}
		case interactions > lim.CorpusInteractions:
			return &Error{File: f, Err: fmt.Errorf("the cassettes read so far, this one included, hold more than %d interactions, the most one run checks", lim.CorpusInteractions)}
		}
		if err := visit(f, data, c); err != nil {
			return err
		}
	}
	return nil
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
		c, err := vcr.DecodeStrict(data, vcr.Limits{MaxAliasNodes: lim.AliasNodes, MaxTextBytes: lim.TextBytes})
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
