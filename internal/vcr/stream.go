package vcr

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"

	"go.yaml.in/yaml/v4"
)

// Stream reads a cassette in the layout that go-vcr writes (see DecodeFast)
// a few interactions at a time, so that a cassette of any length is never
// held whole: it cuts the file into Chunks at the lines that start an
// interaction, which Chunk.Decode then reads, on any goroutine. It reads
// nothing else: a file in another layout, which only DecodeStrict could
// read, is a *LayoutError at its line.
//
// Without aliases, which the layout has none of, every string decoded is a
// piece of the file, so a Chunk's text bounds what it decodes to.
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
		text := strings.TrimRight(string(line), "\n")
		switch {
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
		blank := len(bytes.TrimSpace(l)) == 0
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

// Decode reads the interactions of c, and where each starts in c's Text.
// It returns a *LayoutError, at the line of the interaction, for one that
// is not in the layout go-vcr writes.
func (c Chunk) Decode() ([]*Interaction, []Pos, error) {
	p := &fastParser{s: c.text, firstLine: c.line}
	ins := make([]*Interaction, 0, c.Items)
	pos := make([]Pos, 0, c.Items)
	ok := p.sequence(c.dash-1, func(itemIndent int, first string) bool {
		in := &Interaction{}
		ins = append(ins, in)
		pos = append(pos, p.itemPos())
		return p.itemMapping(itemIndent, first, p.fields(in.set))
	})
	if !ok || p.pos != len(p.s) {
		line := c.line
		if len(pos) > 0 {
			line = pos[len(pos)-1].Line
		}
		return nil, nil, &LayoutError{Line: line, Reason: "this interaction is not in the layout go-vcr writes (block mappings, keys go-vcr writes, scalars on one line: plain or in single quotes)"}
	}
	return ins, pos, nil
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
