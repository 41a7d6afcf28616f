package conformance

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/zcdrop/zcdrop/internal/regularfile"
	"github.com/zcdrop/zcdrop/internal/vcr"
)

// The budget of one cassette. The gate reads cassettes from pull requests,
// so a file may be written to exhaust it: a huge file, aliases that repeat
// one body a thousand times, a FIFO or a device. Past the budget a file is
// unreadable (*CassetteError), never checked in part. A cassette of Drop
// Cluster traffic is a few kilobytes, and one that holds the largest bodies
// the Recorder keeps (DefaultMaxBodyBytes each way) still fits.
const (
	// MaxCassetteBytes caps the size of a cassette file: 4 MiB. Parsing
	// YAML costs up to about a hundred times the file's size in memory for
	// a file made of nothing but tiny nodes, so this cap also bounds the
	// parser's memory, to some 400 MiB at worst.
	MaxCassetteBytes = 4 << 20
	// MaxCassetteTextBytes caps the text a cassette decodes to: 16 MiB,
	// counting every string once per use, so that an alias (*name) counts
	// as often as it is used. Without aliases, YAML's escapes can make text
	// up to one and a half times as long as the file.
	MaxCassetteTextBytes = 16 << 20
	// MaxCassetteAliasNodes caps the YAML nodes that aliases add to a
	// cassette: 10,000. go-vcr writes no aliases; a hand-written cassette
	// may share its headers through one.
	MaxCassetteAliasNodes = 10_000
)

// The budget of a corpus: every cassette that one CheckCassettes call, or
// one NewReplayer, reads. A cassette's budget alone would let a pull
// request multiply it: forty links to one 4 MiB cassette of 30,000 tiny
// interactions cost the gate 2.6 GB and 36 s. Past either cap the corpus
// is unreadable (*CassetteError naming the file that crossed it), never
// checked in part. A file that several paths name counts once.
const (
	// MaxCorpusBytes caps the bytes of all cassette files read: 64 MiB,
	// sixteen cassettes at MaxCassetteBytes.
	MaxCorpusBytes = 64 << 20
	// MaxCorpusInteractions caps the interactions of all cassettes read:
	// 100,000. The gate keeps a Result for each, so this bounds the
	// report as much as the work; a Drop Cluster corpus holds dozens.
	MaxCorpusInteractions = 100_000
)

// corpusLimits is the budget of a corpus; the exported constants above in
// use, smaller ones in tests.
type corpusLimits struct {
	bytes        int64
	interactions int
}

// readCorpus reads the cassettes at paths (see cassetteFiles) in order,
// each distinct file once, within lim, and hands each to visit. It stops at
// the first error, visit's included.
func readCorpus(ctx context.Context, lim corpusLimits, paths []string, visit func(file string, c *vcr.Cassette) error) error {
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
		c, n, err := readCassette(ctx, f)
		if err != nil {
			return err
		}
		bytes += int64(n)
		interactions += len(c.Interactions)
		switch {
		case bytes > lim.bytes:
			return &CassetteError{File: f, Err: fmt.Errorf("the cassettes read so far, this one included, are larger than %d bytes (%d MiB), the most one run reads", lim.bytes, lim.bytes>>20)}
		case interactions > lim.interactions:
			return &CassetteError{File: f, Err: fmt.Errorf("the cassettes read so far, this one included, hold more than %d interactions, the most one run checks", lim.interactions)}
		}
		if err := visit(f, c); err != nil {
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
		return nil, &CassetteError{File: path, Err: pathCause(err)}
	}
	if !info.IsDir() {
		return []string{path}, nil
	}
	var files []string
	// WalkDir visits entries in lexical order, which makes reports stable.
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return &CassetteError{File: p, Err: pathCause(err)}
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
		return nil, &CassetteError{File: path, Err: errors.New("directory holds no *.yaml or *.yml cassettes")}
	}
	return files, nil
}

func isCassetteName(p string) bool {
	ext := strings.ToLower(filepath.Ext(p))
	return ext == ".yaml" || ext == ".yml"
}

// pathCause drops the operation and path that *fs.PathError repeats, since
// CassetteError names the file already.
func pathCause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// readCassette reads and parses the cassette at file, within the budget
// above and as vcr.DecodeStrict reads it: one YAML document, of format
// version 2 written as an integer. It refuses a cassette without
// interactions, and returns ctx's error as soon as ctx is done. It also
// returns the size of the file.
func readCassette(ctx context.Context, file string) (*vcr.Cassette, int, error) {
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	type decoded struct {
		c   *vcr.Cassette
		n   int
		err error
	}
	// Reading and parsing are the steps that cannot stop half-way: a link
	// may name a regular file whose read blocks for good (/proc/kmsg). They
	// run aside, so that a cancellation returns at once; what they go on to
	// spend is bounded by the budget.
	done := make(chan decoded, 1)
	go func() {
		data, err := readRegularFile(file)
		if err != nil {
			done <- decoded{nil, 0, err}
			return
		}
		c, err := vcr.DecodeStrict(data, vcr.Limits{MaxAliasNodes: MaxCassetteAliasNodes, MaxTextBytes: MaxCassetteTextBytes})
		done <- decoded{c, len(data), err}
	}()
	var d decoded
	select {
	case d = <-done:
	case <-ctx.Done():
		return nil, 0, ctx.Err()
	}
	switch {
	case d.err != nil:
		return nil, 0, &CassetteError{File: file, Err: d.err}
	case len(d.c.Interactions) == 0:
		return nil, 0, &CassetteError{File: file, Err: errors.New("cassette holds no interactions")}
	}
	return d.c, d.n, nil
}

// readRegularFile reads file, which must be a regular file (or a link to
// one) of at most MaxCassetteBytes; anything else is refused by its kind,
// before it is opened (see package regularfile).
func readRegularFile(file string) ([]byte, error) {
	data, err := regularfile.Read(file, MaxCassetteBytes)
	var notRegular *regularfile.NotRegularError
	var tooLarge *regularfile.TooLargeError
	switch {
	case errors.As(err, &notRegular):
		return nil, fmt.Errorf("%w; the gate reads regular files only", err)
	case errors.As(err, &tooLarge):
		return nil, fmt.Errorf("is larger than %d bytes (%d MiB), the most a cassette may be", MaxCassetteBytes, MaxCassetteBytes>>20)
	case err != nil:
		return nil, pathCause(err)
	}
	return data, nil
}
