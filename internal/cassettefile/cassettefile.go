// Package cassettefile reads a corpus of go-vcr v4 cassettes and HAR 1.2
// files, told apart by their content, as the conformance gate reads its
// inputs: from files or directories walked for *.yaml, *.yml and *.har,
// each distinct file once, regular files only, within a budget per file
// and per corpus. It is the gate's reader, shared with
// the tools that read the same inputs (zcdrop spec drift), so that both
// accept and refuse the same files. The budget's values, and why, are the
// conformance package's (MaxCassetteBytes and its kin).
package cassettefile

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/zcdrop/zcdrop/internal/har"
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
	// Stream reads a cassette larger than FileBytes as a stream (see
	// Each), within the corpus budget, instead of refusing it.
	Stream bool
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
// from. A path is a cassette file, or a directory whose *.yaml, *.yml and *.har
// files are read in lexical order. It stops at the first error, visit's
// included, and returns ctx's error as soon as ctx is done. It reads whole
// cassettes only, so lim.Stream is not used: a file larger than
// lim.FileBytes is refused.
func ReadCorpus(ctx context.Context, lim Limits, paths []string, visit func(file string, data []byte, c *vcr.Cassette) error) error {
	var bytes int64
	interactions := 0
	return eachDistinctFile(ctx, paths, func(f corpusFile) error {
		c, text, _, err := readCassette(ctx, lim, f)
		if err != nil {
			return err
		}
		bytes += int64(len(text))
		interactions += len(c.Interactions)
		if err := lim.overCorpus(f.path, bytes, interactions); err != nil {
			return err
		}
		return visit(f.path, []byte(text), c)
	})
}

// overCorpus returns the *Error for file when the corpus read so far, file
// included, is over lim.
func (lim Limits) overCorpus(file string, bytes int64, interactions int) error {
	switch {
	case bytes > lim.CorpusBytes:
		return &Error{File: file, Err: fmt.Errorf("the cassettes read so far, this one included, are larger than %d bytes (%d MiB), the most one run reads", lim.CorpusBytes, lim.CorpusBytes>>20)}
	case interactions > lim.CorpusInteractions:
		return &Error{File: file, Err: fmt.Errorf("the cassettes read so far, this one included, hold more than %d interactions, the most one run checks", lim.CorpusInteractions)}
	}
	return nil
}

// Part is a run of consecutive interactions of one cassette, in the order
// recorded: the whole cassette, or a chunk of one read as a stream.
type Part struct {
	// File is the cassette's path.
	File string
	// First is true for the part that starts its cassette.
	First bool
	// Offset is the index in its cassette of the part's first interaction.
	Offset int
	// Interactions are the part's interactions; Pos[i] is where
	// Interactions[i] starts in Text, the text of File they were read from
	// (all of it, or the chunk of a stream), for vcr.LocateFields.
	Interactions []*vcr.Interaction
	Pos          []vcr.Pos
	Text         string
}

// Chunks of a cassette read as a stream: a chunk closes at whichever
// comes first, so that a worker's share is worth handing out and the
// chunks in hand stay small. Small cassettes go to the workers in batches
// of batchFiles.
const (
	chunkItems = 64
	chunkBytes = 64 << 10
	batchFiles = 16
)

// Each reads the cassettes at paths as ReadCorpus does, and hands their
// interactions to work, a Part at a time, on up to workers goroutines at
// once. A cassette of at most lim.FileBytes is one Part. When lim.Stream
// is set, a larger one (up to the corpus budget) is read as a stream, in
// block style, and cut into Parts of a few dozen
// interactions, so that it is never held whole. Each hands work's results
// to emit in the order of the files and of their interactions, and applies
// the corpus budget in that order too, so that what it emits, and the
// error it returns, do not depend on which Part was read first: the first
// error in that order wins, a file's own before the corpus budget that it
// crosses, and that before work's. Only a few Parts are in hand at once
// (about twice workers). Each stops at the first error, emit's included,
// and returns ctx's error as soon as ctx is done; the ctx that work gets
// is done then too.
func Each[T any](ctx context.Context, lim Limits, paths []string, workers int,
	work func(ctx context.Context, p Part) (T, error),
	emit func(p Part, result T) error) error {
	workers = max(1, workers)
	// No worker outlives Each: the deferred cancel runs first, and stops
	// them, and then Each waits for them.
	var wg sync.WaitGroup
	defer wg.Wait()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	type outcome struct {
		file    string
		part    Part
		bytes   int64
		result  T
		readErr error // the file's own, before the budget
		workErr error // work's, after the budget
	}
	// A job is a batch of whole cassettes to read, or a piece of one
	// streamed: batches spare a hand-over between goroutines for each small
	// file, which costs more than reading one on a virtual machine.
	type job struct {
		batch  []corpusFile
		file   corpusFile
		first  bool
		offset int
		piece  *piece
		done   chan []outcome
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
		send := func(j *job) bool {
			j.done = make(chan []outcome, 1)
			for _, ch := range []chan *job{pending, jobs} {
				select {
				case ch <- j:
				case <-ctx.Done():
					return false
				}
			}
			return true
		}
		var batch []corpusFile
		flush := func() bool {
			if len(batch) == 0 {
				return true
			}
			j := &job{batch: batch}
			batch = nil
			return send(j)
		}
		// The files are found as they are read: a path that names none
		// is an error in its place, after the files before it.
		walkErr := eachDistinctFile(ctx, paths, func(f corpusFile) error {
			if !lim.Stream || f.size <= lim.FileBytes {
				if batch = append(batch, f); len(batch) == batchFiles && !flush() {
					return errStopped
				}
				return nil
			}
			if !flush() {
				return errStopped
			}
			// A stream is cut here, in order; a cassette's chunks are
			// decoded on the workers. It ends at its first error, which
			// ends Each.
			offset, first := 0, true
			if !streamPieces(ctx, lim, f.path, func(pc *piece) bool {
				j := &job{file: f, first: first, offset: offset, piece: pc}
				offset += pc.items()
				first = false
				return send(j) && pc.err == nil
			}) {
				return errStopped
			}
			return nil
		})
		if !flush() {
			return
		}
		if walkErr != nil && !errors.Is(walkErr, errStopped) {
			send(&job{first: true, piece: &piece{err: walkErr}})
		}
	}()
	// run reads the Part of f (a piece of it, when pc is set) and works on
	// it.
	run := func(f corpusFile, first bool, offset int, pc *piece) outcome {
		p, bytes, err := readPart(ctx, lim, f, pc)
		if err != nil {
			return outcome{file: f.path, readErr: err}
		}
		p.First, p.Offset = first, offset
		o := outcome{file: f.path, part: p, bytes: bytes}
		o.result, o.workErr = work(ctx, p)
		return o
	}
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				if j.batch == nil {
					j.done <- []outcome{run(j.file, j.first, j.offset, j.piece)}
					continue
				}
				out := make([]outcome, 0, len(j.batch))
				for _, f := range j.batch {
					o := run(f, true, 0, nil)
					out = append(out, o)
					if o.readErr != nil || o.workErr != nil {
						break // What comes after an error is never emitted.
					}
				}
				j.done <- out
			}
		}()
	}

	var bytes int64
	interactions := 0
	for j := range pending {
		var out []outcome
		select {
		case out = <-j.done:
		case <-ctx.Done():
		}
		if err := ctx.Err(); err != nil {
			// Both may be ready; select picks either.
			return err
		}
		for _, o := range out {
			if err := ctx.Err(); err != nil {
				return err // emit may have cancelled it.
			}
			if o.readErr != nil {
				return o.readErr
			}
			bytes += o.bytes
			interactions += len(o.part.Interactions)
			if err := lim.overCorpus(o.file, bytes, interactions); err != nil {
				return err
			}
			if o.workErr != nil {
				return o.workErr
			}
			if err := emit(o.part, o.result); err != nil {
				return err
			}
		}
	}
	// pending closes early, and quietly, when ctx is done.
	return ctx.Err()
}

// readPart reads the interactions of a job's Part: the whole cassette at
// f, or a piece of one streamed. It also returns the bytes read.
func readPart(ctx context.Context, lim Limits, f corpusFile, pc *piece) (Part, int64, error) {
	file := f.path
	switch {
	case pc == nil:
		c, text, pos, err := readCassette(ctx, lim, f)
		if err != nil {
			return Part{}, 0, err
		}
		return Part{File: file, Interactions: c.Interactions, Pos: pos, Text: text}, int64(len(text)), nil
	case pc.err != nil:
		return Part{}, 0, pc.err
	case pc.chunk == nil:
		return Part{File: file, Interactions: pc.entries, Pos: pc.pos}, pc.bytes, nil
	}
	ins, pos, err := pc.chunk.Decode(vcr.Limits{MaxAliasNodes: lim.AliasNodes, MaxTextBytes: lim.TextBytes})
	if err != nil {
		return Part{}, 0, streamError(lim, file, err)
	}
	return Part{File: file, Interactions: ins, Pos: pos, Text: pc.chunk.Text()}, int64(pc.chunk.Len()), nil
}

// piece is a piece of a file read as a stream: a chunk of a cassette,
// its interactions yet to be decoded, or interactions of a HAR file,
// decoded as it streamed; or the error where the next piece would be.
type piece struct {
	chunk   *vcr.Chunk
	entries []*vcr.Interaction
	pos     []vcr.Pos
	bytes   int64
	err     error
}

// items counts the interactions of pc.
func (pc *piece) items() int {
	if pc.chunk != nil {
		return pc.chunk.Items
	}
	return len(pc.entries)
}

// streamPieces reads the file at file, larger than lim.FileBytes, as a
// stream, and hands each piece of it to send in order; on an error it
// hands that instead, and stops. It returns false when send does. A HAR
// file (har.Looks) is read as HAR, a piece of entries at a time; any other
// as a cassette (see vcr.Stream).
func streamPieces(ctx context.Context, lim Limits, file string, send func(pc *piece) bool) bool {
	f, err := regularfile.Open(file, lim.CorpusBytes)
	if err != nil {
		return send(&piece{err: &Error{File: file, Err: fileCause(lim.CorpusBytes, err)}})
	}
	defer f.Close()
	// A file that grows as it is read stops at the corpus budget, which
	// then refuses it.
	// The buffer holds what har.Looks is shown.
	r := bufio.NewReaderSize(io.LimitReader(f, lim.CorpusBytes+1), har.SniffBytes)
	if prefix, _ := r.Peek(har.SniffBytes); har.Looks(prefix) {
		return streamHAR(ctx, lim, file, r, send)
	}
	s, err := vcr.NewStream(r, int(lim.FileBytes))
	if err != nil {
		return send(&piece{err: streamError(lim, file, err)})
	}
	for {
		if ctx.Err() != nil {
			return false
		}
		c, err := s.Next(chunkItems, chunkBytes)
		switch {
		case err == io.EOF:
			return true
		case err != nil:
			return send(&piece{err: streamError(lim, file, err)})
		}
		if !send(&piece{chunk: &c}) {
			return false
		}
	}
}

// errStopped stops har.Each, and the walk of the corpus, when sending a
// job does.
var errStopped = errors.New("stopped")

// streamHAR reads the HAR file at file from r, handing send a piece of
// chunkItems entries at a time; the file's bytes count with its first.
func streamHAR(ctx context.Context, lim Limits, file string, r io.Reader, send func(pc *piece) bool) bool {
	cr := &countingReader{ctx: ctx, r: r}
	var pc piece
	sent := int64(0)
	flush := func() bool {
		pc.bytes, sent = cr.n-sent, cr.n
		full := pc
		pc = piece{}
		return send(&full)
	}
	n := 0
	err := har.Each(cr, harLimits(lim), func(line int, in *vcr.Interaction) error {
		if ctx.Err() != nil {
			return errStopped
		}
		n++
		pc.entries = append(pc.entries, in)
		pc.pos = append(pc.pos, vcr.Pos{Line: line, Offset: -1})
		if len(pc.entries) == chunkItems && !flush() {
			return errStopped
		}
		return nil
	})
	switch {
	case errors.Is(err, errStopped) || ctx.Err() != nil:
		return false
	case err != nil:
		return send(&piece{err: &Error{File: file, Err: err}})
	case n == 0:
		return send(&piece{err: &Error{File: file, Err: errNoEntries}})
	case len(pc.entries) > 0:
		return flush()
	}
	return true
}

// errNoEntries refuses a HAR file without entries, which proves nothing,
// as a cassette without interactions does.
var errNoEntries = errors.New("HAR file holds no entries")

// harLimits is the budget of a HAR file within lim: the corpus's, and an
// entry of at most a cassette's size.
func harLimits(lim Limits) har.Limits {
	hl := har.DefaultLimits()
	hl.FileBytes = min(hl.FileBytes, lim.CorpusBytes)
	// JSON escapes make an entry longer than the cassette that says the
	// same: twice a cassette's cap, within the HAR default.
	hl.EntryBytes = min(hl.EntryBytes, 2*lim.FileBytes)
	hl.Entries = min(hl.Entries, lim.CorpusInteractions)
	return hl
}

// countingReader counts the bytes read through it, and stops with ctx:
// a HAR file's reader checks nothing between its entries, where a hostile
// file may put most of its bytes.
type countingReader struct {
	ctx context.Context
	r   io.Reader
	n   int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// streamError is the *Error of a cassette read as a stream.
func streamError(lim Limits, file string, err error) error {
	var le *vcr.LayoutError
	if errors.As(err, &le) {
		err = fmt.Errorf("is larger than %d bytes (%d MiB), so it is read an interaction at a time, which needs \"version: 2\", then \"interactions:\" and its items in block style: %w", lim.FileBytes, lim.FileBytes>>20, redact.MaskKeyTokensError(err))
	}
	return &Error{File: file, Err: err}
}

// eachDistinctFile resolves paths to the cassette files they name, in
// order, each file once however it is named, and hands each to fn as it
// is found, so that reading can begin before a large directory has been
// stated whole. A file that cannot be stated is handed over all the same,
// for readCassette to say why. It stops at the first error, fn's included.
func eachDistinctFile(ctx context.Context, paths []string, fn func(f corpusFile) error) error {
	seen := map[fileID][]os.FileInfo{}
	seenIDs := map[fileIdentity]struct{}{}
	for _, p := range paths {
		files, err := cassetteFiles(ctx, p)
		if err != nil {
			return err
		}
		for _, f := range files {
			if err := ctx.Err(); err != nil {
				return err
			}
			info, err := os.Stat(f)
			if err != nil {
				if err := fn(corpusFile{path: f, size: -1}); err != nil {
					return err
				}
				continue
			}
			if key, ok := identity(info); ok {
				// Where the system names a file by device and inode, that
				// name alone is kept, not the FileInfo of each file.
				if _, dup := seenIDs[key]; dup {
					continue
				}
				seenIDs[key] = struct{}{}
			} else {
				// Files that are one are of one size and time; os.SameFile
				// tells apart the few that share both.
				id := fileID{info.Size(), info.ModTime().UnixNano()}
				if slices.ContainsFunc(seen[id], func(s os.FileInfo) bool { return os.SameFile(s, info) }) {
					continue
				}
				seen[id] = append(seen[id], info)
			}
			if err := fn(corpusFile{f, info.Size(), info.Mode().IsRegular()}); err != nil {
				return err
			}
		}
	}
	return nil
}

// corpusFile is a file of the corpus, and its size when it was found, -1
// when it could not be stated; regular says it was a regular file then.
type corpusFile struct {
	path    string
	size    int64
	regular bool
}

// fileID narrows the search for a file already seen.
type fileID struct {
	size    int64
	modTime int64
}

// cassetteFiles resolves path to the cassette files it names: itself when it
// is not a directory, its *.yaml, *.yml and *.har files, in lexical order, when it
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
		return nil, &Error{File: path, Err: errors.New("directory holds no *.yaml, *.yml or *.har files")}
	}
	return files, nil
}

func isCassetteName(p string) bool {
	ext := strings.ToLower(filepath.Ext(p))
	return ext == ".yaml" || ext == ".yml" || ext == ".har"
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
// returns ctx's error as soon as ctx is done. It also returns the text of
// the file, and where each interaction starts in it.
func readCassette(ctx context.Context, lim Limits, f corpusFile) (*vcr.Cassette, string, []vcr.Pos, error) {
	file := f.path
	if err := ctx.Err(); err != nil {
		return nil, "", nil, err
	}
	var d decoded
	if f.regular && f.size > 0 {
		// A regular file that says it holds bytes is read to its end, and
		// a read of one stops: no need for a goroutine aside.
		d = decodeFile(lim, f)
	} else {
		// Reading and parsing are the steps that cannot stop half-way: a
		// link may name a regular file of size 0 whose read blocks for
		// good (/proc/kmsg), or what was stated may have been swapped.
		// They run aside, so that a cancellation returns at once; what
		// they go on to spend is bounded by the budget.
		done := make(chan decoded, 1)
		go func() { done <- decodeFile(lim, f) }()
		select {
		case d = <-done:
		case <-ctx.Done():
			return nil, "", nil, ctx.Err()
		}
	}
	switch {
	case d.err != nil:
		return nil, "", nil, &Error{File: file, Err: d.err}
	case len(d.c.Interactions) == 0:
		return nil, "", nil, &Error{File: file, Err: errors.New("cassette holds no interactions")}
	}
	return d.c, d.text, d.pos, nil
}

// decoded is a file as readCassette reads it.
type decoded struct {
	c    *vcr.Cassette
	text string
	pos  []vcr.Pos
	err  error
}

// decodeFile reads and decodes the cassette or HAR file f.
func decodeFile(lim Limits, f corpusFile) decoded {
	data, err := readRegularFile(lim, f)
	if err != nil {
		return decoded{err: err}
	}
	if har.Looks(data) {
		// The text is kept for its size; an offset of -1 tells
		// vcr.LocateFields that no YAML in it places the entries.
		c, pos, err := readHAR(lim, data)
		return decoded{c: c, text: string(data), pos: pos, err: err}
	}
	vlim := vcr.Limits{MaxAliasNodes: lim.AliasNodes, MaxTextBytes: lim.TextBytes}
	// The layout go-vcr writes reads fast, to the same cassette; the rest,
	// and every error, is DecodeStrict's.
	text := string(data)
	if c, pos, ok := vcr.DecodeFast(text, vlim); ok {
		return decoded{c, text, pos, nil}
	}
	c, err := vcr.DecodeStrict(data, vlim)
	if err != nil {
		// The parser quotes the file (a mapping key defined twice, a value
		// of the wrong type), and a recording may hold a key that nobody
		// redacted: what looks like one is masked, as in every report.
		return decoded{err: redact.MaskKeyTokensError(err)}
	}
	return decoded{c, text, vcr.ItemPositions(data), nil}
}

// readHAR reads data, a HAR file, as a cassette of its entries, each at
// the line where it starts.
func readHAR(lim Limits, data []byte) (*vcr.Cassette, []vcr.Pos, error) {
	c := &vcr.Cassette{Version: vcr.FormatVersion}
	var pos []vcr.Pos
	err := har.Each(bytes.NewReader(data), harLimits(lim), func(line int, in *vcr.Interaction) error {
		c.Interactions = append(c.Interactions, in)
		pos = append(pos, vcr.Pos{Line: line, Offset: -1})
		return nil
	})
	switch {
	case err != nil:
		return nil, nil, err
	case len(c.Interactions) == 0:
		return nil, nil, errNoEntries
	}
	return c, pos, nil
}

// readRegularFile reads file, which must be a regular file (or a link to
// one) of at most lim.FileBytes; anything else is refused by its kind,
// before it is opened (see package regularfile).
func readRegularFile(lim Limits, f corpusFile) ([]byte, error) {
	read := regularfile.Read
	if f.regular {
		read = regularfile.ReadKnown
	}
	data, err := read(f.path, lim.FileBytes)
	if err != nil {
		return nil, fileCause(lim.FileBytes, err)
	}
	return data, nil
}

// fileCause words an error of package regularfile for a file whose limit
// was limit.
func fileCause(limit int64, err error) error {
	var notRegular *regularfile.NotRegularError
	var tooLarge *regularfile.TooLargeError
	switch {
	case errors.As(err, &notRegular):
		return fmt.Errorf("%w; the gate reads regular files only", err)
	case errors.As(err, &tooLarge):
		return fmt.Errorf("is larger than %d bytes (%d MiB), the most a cassette may be", limit, limit>>20)
	}
	return pathCause(err)
}
