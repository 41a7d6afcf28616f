package vcr

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"
)

// Stream reads a cassette a few interactions at a time, so that a cassette
// of any length is never held whole: it cuts the file into Chunks at the
// lines that start an interaction, which Chunk.Decode then reads, on any
// goroutine. It reads a cassette whose head is "version: 2" and then
// "interactions:" (after comments, "---" and a byte order mark), followed
// by the interactions as a block sequence, each item starting at one
// indentation, as go-vcr writes them; what is inside an item may be any
// block-style YAML (block scalars, quoted strings, comments, CRLF line
// ends). A file laid out otherwise is a *LayoutError at its line.
type Stream struct {
	r *bufio.Reader
	// maxItem caps the bytes of one interaction.
	maxItem int
	// line is the number of the next line to read, from 1.
	line int
	// dash is the indentation of the interactions' dashes.
	dash int
	// next is the line that starts the next interaction, read already;
	// nextLine its number. It is nil at the end of the interactions.
	next     []byte
	nextLine int
	// buf is where a chunk is gathered, reused from chunk to chunk: the
	// chunk's text is a copy of it.
	buf []byte
}

// LayoutError says why a file is not a cassette in the layout that go-vcr
// writes, and where.
type LayoutError struct {
	// Line is the line at fault, from 1.
	Line int
	// Reason says what was found there.
	Reason string
}

// Error names the line and the reason.
func (e *LayoutError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Reason) }

// Chunk is a run of whole interactions of a Stream, as text.
type Chunk struct {
	text string
	line int
	dash int
	// Items is the number of interactions in the chunk.
	Items int
}

// Len is the chunk's size in bytes.
func (c Chunk) Len() int { return len(c.text) }

// NewStream reads the head of the cassette r (comments, "---", "version: 2"
// and "interactions:", in that order) up to its first interaction. An
// interaction longer than maxItem bytes is a *LayoutError.
func NewStream(r io.Reader, maxItem int) (*Stream, error) {
	s := &Stream{r: bufio.NewReaderSize(r, 64<<10), maxItem: maxItem, line: 1}
	want := []string{"version: 2", "interactions:"}
	if bom, err := s.r.Peek(3); err == nil && string(bom) == "\ufeff" {
		s.r.Discard(3)
	}
	for {
		line, n, err := s.readLine(nil)
		if err == io.EOF {
			if len(want) > 0 {
				return nil, &LayoutError{Line: n, Reason: fmt.Sprintf("the file ends before %q", want[0])}
			}
			return nil, &LayoutError{Line: n, Reason: "the file ends before its first interaction"}
		}
		if err != nil {
			return nil, err
		}
		text := strings.TrimRight(string(line), "\r\n")
		switch {
		case len(want) == 0 && (strings.TrimSpace(text) == "" || strings.HasPrefix(strings.TrimSpace(text), "#")):
			// Blank lines and comments before the first interaction.
		case len(want) == 0:
			content := strings.TrimLeft(text, " ")
			s.dash = len(text) - len(content)
			if s.dash == 0 || !strings.HasPrefix(content, "- ") {
				return nil, &LayoutError{Line: n, Reason: "want the first interaction, an indented \"- \" item"}
			}
			s.next, s.nextLine = line, n
			return s, nil
		case text == want[0]:
			want = want[1:]
		case len(want) == 2 && (text == "" || text[0] == '#' || text == "---"):
			// The head of comments, and the document's start.
		default:
			return nil, &LayoutError{Line: n, Reason: fmt.Sprintf("want %q", want[0])}
		}
	}
}

// readLine appends the next line, its line break included, to buf, within
// the budget of one interaction, and returns it with its number.
func (s *Stream) readLine(buf []byte) ([]byte, int, error) {
	n := s.line
	start := len(buf)
	for {
		frag, err := s.r.ReadSlice('\n')
		buf = append(buf, frag...)
		if len(buf)-start > s.maxItem {
			return nil, n, &LayoutError{Line: n, Reason: fmt.Sprintf("a line is longer than %d bytes, the most an interaction may be", s.maxItem)}
		}
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err == io.EOF && len(buf) > start:
			s.line++
			return buf, n, nil
		case err != nil:
			return nil, n, err
		}
		s.line++
		return buf, n, nil
	}
}

// Next cuts the next chunk: whole interactions, at least one, until the
// chunk holds maxItems of them or maxBytes of text. It returns io.EOF after
// the last interaction, and a *LayoutError when what follows an interaction
// is neither another one nor the end of the file.
func (s *Stream) Next(maxItems, maxBytes int) (Chunk, error) {
	if s.next == nil {
		return Chunk{}, io.EOF
	}
	c := Chunk{line: s.nextLine, dash: s.dash}
	buf := append(s.buf[:0], s.next...)
	defer func() { s.buf = buf[:0] }()
	itemStart := 0
	for {
		line, n, err := s.readLine(buf)
		if err == io.EOF {
			s.next = nil
			break
		}
		if err != nil {
			return Chunk{}, err
		}
		l := line[len(buf):]
		content := bytes.TrimLeft(l, " ")
		indent := len(l) - len(content)
		// A comment belongs to the interaction it is in, whatever its
		// indentation: it is no boundary.
		blank := len(bytes.TrimSpace(l)) == 0 || content[0] == '#'
		switch {
		case !blank && indent == s.dash && bytes.HasPrefix(content, []byte("- ")):
			// The next interaction: the chunk ends before it when full.
			c.Items++
			if c.Items >= maxItems || len(buf) >= maxBytes {
				s.next, s.nextLine = append(s.next[:0], l...), n
				c.text = string(buf)
				return c, nil
			}
			itemStart = len(buf)
		case !blank && indent < s.dash:
			return Chunk{}, &LayoutError{Line: n, Reason: "want another interaction or the end of the file after the interactions (in the layout go-vcr writes, \"interactions\" is the last key)"}
		}
		buf = line
		if len(buf)-itemStart > s.maxItem {
			return Chunk{}, &LayoutError{Line: c.line + bytes.Count(buf[:itemStart], []byte("\n")), Reason: fmt.Sprintf("an interaction is longer than %d bytes, the most one may be", s.maxItem)}
		}
	}
	c.Items++
	c.text = string(buf)
	return c, nil
}

// Text is the chunk's text, which the offsets of Decode's Pos are in.
func (c Chunk) Text() string { return c.text }

// Decode reads the interactions of c, and where each starts in c's Text:
// through the fast parser when c is in the layout go-vcr writes (see
// DecodeFast), else through DecodeStrict, within lim, as the items of a
// cassette of their own. An interaction that neither reads is a
// *LayoutError at the chunk's first line, with DecodeStrict's reason.
// (An alias to an anchor of another chunk does not resolve.)
func (c Chunk) Decode(lim Limits) ([]*Interaction, []Pos, error) {
	p := &fastParser{s: c.text, firstLine: c.line}
	ins := make([]*Interaction, 0, c.Items)
	pos := make([]Pos, 0, c.Items)
	ok := p.sequence(c.dash-1, func(itemIndent int, first string) bool {
		in := &Interaction{}
		ins = append(ins, in)
		pos = append(pos, p.itemPos())
		return p.itemMapping(itemIndent, first, p.fields(in.set))
	})
	if ok && p.pos == len(p.s) {
		return ins, pos, nil
	}
	return c.decodeStrict(lim)
}

// yamlLine is how the YAML parser names a line in its errors.
var yamlLine = regexp.MustCompile(`\bline [0-9]+`)

// chunkHead makes a chunk's text a cassette of its own; it adds two lines.
const chunkHead = "version: 2\ninteractions:\n"

// decodeStrict reads c as DecodeStrict reads a cassette of c's items.
func (c Chunk) decodeStrict(lim Limits) ([]*Interaction, []Pos, error) {
	doc := []byte(chunkHead + c.text)
	cas, err := DecodeStrict(doc, lim)
	if err != nil {
		// The parser counts lines in doc; the reader, in the file.
		reason := yamlLine.ReplaceAllStringFunc(err.Error(), func(m string) string {
			n, _ := strconv.Atoi(m[len("line "):])
			return "line " + strconv.Itoa(n+c.line-3)
		})
		return nil, nil, &LayoutError{Line: c.line, Reason: "the interactions from here on do not read: " + reason}
	}
	if len(cas.Interactions) != c.Items {
		return nil, nil, &LayoutError{Line: c.line, Reason: fmt.Sprintf("the %d interactions from here on read as %d", c.Items, len(cas.Interactions))}
	}
	pos := ItemPositions(doc)
	for i := range pos {
		pos[i].Line += c.line - 3
		pos[i].Offset -= len(chunkHead)
	}
	return cas.Interactions, pos, nil
}

// ItemPositions returns where each interaction of the cassette data
// starts, as far as YAML tells it: DecodeFast returns them for the layout
// it reads, and a caller that read data with DecodeStrict asks here. data
// must be a cassette that DecodeStrict has read within its budget;
// ItemPositions builds its YAML tree without expanding an alias, so it
// costs no more. It returns nil when data has no list of interactions.
func ItemPositions(data []byte) []Pos {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil || len(root.Content) != 1 {
		return nil
	}
	top := root.Content[0]
	if top.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(top.Content); i += 2 {
		if top.Content[i].Value != "interactions" {
			continue
		}
		list := top.Content[i+1]
		if list.Kind == yaml.AliasNode && list.Alias != nil {
			list = list.Alias
		}
		if list.Kind != yaml.SequenceNode {
			return nil
		}
		pos := make([]Pos, len(list.Content))
		line, offset := 1, 0
		for j, item := range list.Content {
			// Items come in order; the offset of each line is counted once.
			for line < item.Line && offset < len(data) {
				next := bytes.IndexByte(data[offset:], '\n')
				if next < 0 {
					offset = len(data)
					break
				}
				offset += next + 1
				line++
			}
			// The line of an item is that of its first key; the dash that
			// opens it is on the same line in block style.
			pos[j] = Pos{Line: item.Line, Offset: offset}
		}
		return pos
	}
	return nil
}
