package har

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/zcdrop/zcdrop/internal/redact"
	"github.com/zcdrop/zcdrop/internal/vcr"
)

// Each reads the HAR document from r, one entry at a time within lim, and
// calls fn with each entry's interaction, numbered by its index in
// log.entries, and the 1-based line of the "{" that starts the entry. It
// holds one entry at a time, however large the file.
//
// It returns fn's first error as it is, and stops there. Any other error is
// an *Error, for a file that is not one HAR 1.1 or 1.2 document or is over
// lim. Since a file is read as it streams, fn may have been called for the
// entries before a fault that comes later in the file, such as trailing
// data or a duplicate "log.version": the caller must then take the file as
// unreadable, as the gate does, and judge none of it.
//
// A UTF-8 byte order mark before the document is skipped.
func Each(r io.Reader, lim Limits, fn func(line int, in *vcr.Interaction) error) error {
	br := bufio.NewReaderSize(r, readChunk)
	if b, err := br.Peek(len(bom)); err == nil && bytes.Equal(b, bom) {
		_, _ = br.Discard(len(bom)) // Peeked: it cannot fail.
	}
	src := &source{r: br, fileMax: lim.FileBytes, valueMax: lim.FileBytes}
	rd := &reader{dec: json.NewDecoder(src), src: src, lim: lim, fn: fn}
	return rd.document()
}

// bom is the UTF-8 byte order mark, which some Windows tools write before
// JSON.
var bom = []byte{0xEF, 0xBB, 0xBF}

// readChunk caps what one Read hands the Decoder, so that it reads ahead of
// the value it decodes by no more than this. It is also the white space
// that may come before a value without counting against its budget: the
// Decoder is handed a value's budget and this much more, and the value's
// own bytes are held to the budget once it is read.
const readChunk = 64 << 10

// What source's Read returns past the budget; reader words them.
var (
	errFileTooLarge  = errors.New("file over budget")
	errValueTooLarge = errors.New("value over budget")
)

// source hands the file to the Decoder within the budget, and keeps the
// bytes that the Decoder holds but has not yet passed, to count lines and to
// find where a syntax error is.
type source struct {
	r        *bufio.Reader
	pos      int64 // bytes handed to the Decoder
	fileMax  int64
	valueMax int64  // Read hands out no byte at or past it
	window   []byte // the bytes handed out from winStart on
	winStart int64
	lines    int  // newlines before winStart
	overFile bool // Read has met the file's budget
}

// Read implements io.Reader for the Decoder.
func (s *source) Read(p []byte) (int, error) {
	limit := min(s.fileMax, s.valueMax)
	if s.pos >= limit {
		// The end of the file is no fault, even right at the budget.
		if _, err := s.r.Peek(1); err != nil {
			return 0, err
		}
		if s.pos >= s.fileMax {
			s.overFile = true
			return 0, errFileTooLarge
		}
		return 0, errValueTooLarge
	}
	p = p[:min(len(p), readChunk, int(min(limit-s.pos, readChunk)))]
	n, err := s.r.Read(p)
	s.window = append(s.window, p[:n]...)
	s.pos += int64(n)
	return n, err
}

// advance drops the window's bytes before off, counting their lines. Offsets
// only grow.
func (s *source) advance(off int64) {
	n := min(max(off-s.winStart, 0), int64(len(s.window)))
	s.lines += bytes.Count(s.window[:n], []byte{'\n'})
	s.window = s.window[n:]
	s.winStart += n
}

// lineAt returns the 1-based line of offset off, which is no smaller than
// any offset asked about before.
func (s *source) lineAt(off int64) int {
	s.advance(off)
	return s.lines + 1
}

// valueStart returns the offset of the value that the Decoder reads from
// off on, past white space and the comma before it.
func (s *source) valueStart(off int64) int64 {
	b := s.window[min(max(off-s.winStart, 0), int64(len(s.window))):]
	i := 0
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r' || b[i] == ',') {
		i++
	}
	return off + int64(i)
}

// syntaxErrorAt returns where the value that starts at start breaks JSON's
// syntax: the Decoder's own offsets count from where it began to scan,
// which the caller cannot see, so the value is scanned again, alone.
func (s *source) syntaxErrorAt(start int64) int64 {
	b := s.window[min(max(start-s.winStart, 0), int64(len(s.window))):]
	var raw json.RawMessage
	var se *json.SyntaxError
	if err := json.NewDecoder(bytes.NewReader(b)).Decode(&raw); errors.As(err, &se) && se.Offset > 0 {
		return start + se.Offset - 1
	}
	return s.pos
}

// reader walks a HAR document with the Decoder's Token method, down to the
// entries, which it decodes one at a time.
type reader struct {
	dec *json.Decoder
	src *source
	lim Limits
	fn  func(line int, in *vcr.Interaction) error
}

// failAt is an *Error outside every entry.
func (rd *reader) failAt(off int64, path, format string, args ...any) *Error {
	return &Error{Line: rd.src.lineAt(off), Entry: -1, Path: path, Err: fmt.Errorf(format, args...)}
}

// token returns the next token, each within the budget of a value. At the
// end of the input it returns io.EOF, for the caller to word.
func (rd *reader) token() (json.Token, error) {
	off := rd.dec.InputOffset()
	rd.src.advance(off)
	rd.src.valueMax = off + rd.lim.EntryBytes + readChunk
	tok, err := rd.dec.Token()
	if err != nil {
		return nil, rd.readError(err, off, -1, 0)
	}
	return tok, nil
}

// more reports whether the object or array being read has another member
// or item, within the budget of a value. When it has none, or the input
// breaks off, the next token says which.
func (rd *reader) more() bool {
	off := rd.dec.InputOffset()
	rd.src.advance(off)
	rd.src.valueMax = off + rd.lim.EntryBytes + readChunk
	return rd.dec.More()
}

// closing reads the token that ends an object or array, which more has
// found, or the error that it met.
func (rd *reader) closing(path string, want json.Delim) error {
	tok, err := rd.token()
	if err != nil {
		return rd.endsEarly(err)
	}
	if tok != want {
		// More found no member or item, nor an error, so this is its end.
		return rd.failAt(rd.dec.InputOffset(), path, "want %q, got %s", string(want), tokenKind(tok))
	}
	return nil
}

// readError words an error of the Decoder or of the file, met reading from
// off on, within entry (at entryLine), or outside entries for -1.
func (rd *reader) readError(err error, off int64, entry, entryLine int) error {
	var se *json.SyntaxError
	e := &Error{Entry: entry, EntryLine: entryLine, Err: err}
	switch {
	case errors.Is(err, io.EOF) && entry < 0:
		return io.EOF
	case errors.Is(err, io.EOF):
		// Not one byte of the entry came.
		return rd.failAt(rd.src.pos, "", "the file ends before the HAR document does")
	case errors.Is(err, io.ErrUnexpectedEOF):
		e.Line, e.Err = rd.src.lineAt(rd.src.pos), errors.New("the file ends before the HAR document does")
	case errors.Is(err, errFileTooLarge):
		e.Line = rd.src.lineAt(rd.src.pos)
		e.Err = fmt.Errorf("the file is larger than %d bytes (%d MiB), the most a HAR file may be", rd.lim.FileBytes, rd.lim.FileBytes>>20)
	case errors.Is(err, errValueTooLarge):
		e.Line = rd.src.lineAt(rd.src.valueStart(off))
		what := "a value"
		if entry >= 0 {
			what = "the entry"
		}
		e.Err = fmt.Errorf("%s is larger than %d bytes, the most one entry may be", what, rd.lim.EntryBytes)
	case errors.As(err, &se):
		// Token's offsets are the Decoder's own but for its errors inside
		// a value, which is one line long; an entry's may be anywhere.
		at := rd.dec.InputOffset()
		if entry >= 0 {
			at = rd.src.syntaxErrorAt(rd.src.valueStart(off))
		}
		e.Line, e.Err = rd.src.lineAt(at), fmt.Errorf("not JSON: %s", se.Error())
	default:
		e.Line = rd.src.lineAt(rd.src.pos)
	}
	return e
}

// endsEarly words io.EOF from token where the document is not over.
func (rd *reader) endsEarly(err error) error {
	if errors.Is(err, io.EOF) {
		return rd.failAt(rd.src.pos, "", "the file ends before the HAR document does")
	}
	return err
}

// document reads the whole document.
func (rd *reader) document() error {
	tok, err := rd.token()
	switch {
	case errors.Is(err, io.EOF):
		return rd.failAt(0, "", "the file holds no JSON; a HAR file is an object with a \"log\" member")
	case err != nil:
		return err
	case tok != json.Delim('{'):
		return rd.failAt(rd.dec.InputOffset(), "", "not a HAR file: it holds %s, not an object with a \"log\" member", tokenKind(tok))
	}
	if rd.lim.Depth < 1 {
		return rd.failAt(rd.dec.InputOffset(), "", "nests deeper than %d levels", rd.lim.Depth)
	}
	hasLog := false
	err = rd.members("", func(name string) error {
		if name != "log" {
			return rd.skip(name, 1)
		}
		hasLog = true
		return rd.log()
	})
	if err != nil {
		return err
	}
	if !hasLog {
		return rd.failAt(rd.dec.InputOffset(), "", "not a HAR file: the object has no \"log\" member")
	}
	off := rd.dec.InputOffset()
	switch _, err := rd.token(); {
	case errors.Is(err, io.EOF):
		return nil
	case rd.src.overFile:
		return err // What follows is past the budget, white space or not.
	}
	return rd.failAt(rd.src.valueStart(off), "", "more follows the HAR document; a HAR file is one JSON object")
}

// maxMembers caps the members of one object.
const maxMembers = 10_000

// members reads the members of the object whose "{" was just read, calling
// member for each name with the Decoder at the value, up to the "}". A name
// given twice is an error, and so are more than maxMembers names.
func (rd *reader) members(path string, member func(name string) error) error {
	seen := map[string]bool{}
	for rd.more() {
		off := rd.dec.InputOffset()
		tok, err := rd.token()
		if err != nil {
			return rd.endsEarly(err)
		}
		name, _ := tok.(string) // The Decoder gives names as strings.
		if len(seen) == maxMembers {
			// Each name is kept to find one given twice: a file of
			// millions of names would cost many times its size.
			return rd.failAt(rd.src.valueStart(off), path, "has more than %d members, more than any HAR object holds", maxMembers)
		}
		if seen[name] {
			return rd.failAt(rd.src.valueStart(off), path, "member %q is given twice; readers disagree on which one counts", redact.MaskKeyName(name))
		}
		seen[name] = true
		if err := member(name); err != nil {
			return err
		}
	}
	return rd.closing(path, '}')
}

// log reads log, the document's one member that matters.
func (rd *reader) log() error {
	tok, err := rd.token()
	switch {
	case err != nil:
		return rd.endsEarly(err)
	case tok != json.Delim('{'):
		return rd.failAt(rd.dec.InputOffset(), "log", "want an object, got %s", tokenKind(tok))
	case rd.lim.Depth < 2:
		return rd.failAt(rd.dec.InputOffset(), "log", "nests deeper than %d levels", rd.lim.Depth)
	}
	hasEntries := false
	err = rd.members("log", func(name string) error {
		switch name {
		case "version":
			return rd.version()
		case "entries":
			hasEntries = true
			return rd.entries()
		}
		return rd.skip("log."+name, 2)
	})
	if err != nil {
		return err
	}
	if !hasEntries {
		return rd.failAt(rd.dec.InputOffset(), "log", "has no \"entries\" member")
	}
	return nil
}

// version checks log.version: HAR 1.2, or 1.1, which an empty version
// means. This reads both alike.
func (rd *reader) version() error {
	tok, err := rd.token()
	if err != nil {
		return rd.endsEarly(err)
	}
	switch v := tok.(type) {
	case nil:
		return nil
	case string:
		if v == "" || v == "1.1" || v == "1.2" {
			return nil
		}
		return rd.failAt(rd.dec.InputOffset(), "log.version", "is %s; this reads HAR 1.1 and 1.2", quote(v))
	}
	return rd.failAt(rd.dec.InputOffset(), "log.version", "want a string, got %s", tokenKind(tok))
}

// entries reads log.entries, one entry at a time, and hands each to fn.
func (rd *reader) entries() error {
	tok, err := rd.token()
	switch {
	case err != nil:
		return rd.endsEarly(err)
	case tok == nil:
		return nil // null: no entries.
	case tok != json.Delim('['):
		return rd.failAt(rd.dec.InputOffset(), "log.entries", "want an array, got %s", tokenKind(tok))
	case rd.lim.Depth < 3:
		return rd.failAt(rd.dec.InputOffset(), "log.entries", "nests deeper than %d levels", rd.lim.Depth)
	}
	var raw json.RawMessage // Reused: what is read from it is copied.
	for i := 0; rd.more(); i++ {
		off := rd.dec.InputOffset()
		if i >= rd.lim.Entries {
			return rd.failAt(rd.src.valueStart(off), "log.entries", "holds more than %d entries, the most one file may", rd.lim.Entries)
		}
		if err := rd.dec.Decode(&raw); err != nil {
			start := rd.src.valueStart(off)
			return rd.readError(err, off, i, rd.src.lineAt(start))
		}
		start := rd.dec.InputOffset() - int64(len(raw))
		line := rd.src.lineAt(start)
		if int64(len(raw)) > rd.lim.EntryBytes {
			return &Error{Line: line, Entry: i, EntryLine: line,
				Err: fmt.Errorf("the entry is larger than %d bytes, the most one entry may be", rd.lim.EntryBytes)}
		}
		in, err := rd.entry(raw, i, line)
		if err != nil {
			return err
		}
		if err := rd.fn(line, in); err != nil {
			return err
		}
	}
	return rd.closing("log.entries", ']')
}

// entry reads entry i, which starts at line, from its bytes.
func (rd *reader) entry(raw []byte, i, line int) (*vcr.Interaction, error) {
	p := parser{b: raw, depth: 3, maxDepth: rd.lim.Depth}
	var e Entry
	fail := func(at int, path string, err error) error {
		return &Error{Line: line + bytes.Count(raw[:min(at, len(raw))], []byte{'\n'}), Entry: i, EntryLine: line, Path: path, Err: err}
	}
	if perr := p.entry(&e); perr != nil {
		return nil, fail(perr.at, perr.path, perr.err)
	}
	in, ferr := e.interaction(i)
	if ferr != nil {
		at := p.contentTextAt
		if ferr.path == "request.postData.text" {
			at = p.postTextAt
		}
		return nil, fail(at, ferr.path, ferr.err)
	}
	return in, nil
}

// skip moves past the value of a member that HAR defines but the gate does
// not read, or that HAR does not define, at depth levels already open.
func (rd *reader) skip(path string, depth int) error {
	open := 0
	for {
		tok, err := rd.token()
		if err != nil {
			return rd.endsEarly(err)
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			open++
			if depth+open > rd.lim.Depth {
				return rd.failAt(rd.dec.InputOffset(), path, "nests deeper than %d levels", rd.lim.Depth)
			}
		case json.Delim('}'), json.Delim(']'):
			open--
		}
		if open == 0 {
			return nil
		}
	}
}

// tokenKind names the JSON kind of a token.
func tokenKind(tok json.Token) string {
	switch tok.(type) {
	case json.Delim:
		if tok == json.Delim('[') {
			return "an array"
		}
		return "an object"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return "a number"
}
