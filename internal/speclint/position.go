package speclint

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"
)

// position is a place in the spec file, 1-based, as editors count.
type position struct {
	line, column int
}

// positions locates every member and item of the document by its JSON
// pointer: a member at its key, an item at its first character. Rules name
// what they check by pointer, so this one index locates them all, values
// inside extensions and examples included.
//
// Each member and item is one entry, found from its parent's entry and its
// own token, so the index grows as the document does. A map from whole
// pointers would grow with the length of every path: a long key over many
// items, or long keys nested deep, made a file of some kilobytes cost
// gigabytes.
type positions struct {
	// entries maps a parent's entry and a token (unescaped) to the entry
	// of the member or item.
	entries map[step]int
	// places holds where each entry is written; entry 0 is the document.
	places []position
	// tooLong is where the pointers of the entries so far first came to
	// more than maxPointerBytes, or nil (see maxPointerBytes).
	tooLong *position
}

// maxPointerBytes caps the length of the JSON pointers of all members and
// items of a document together: 32 MiB, thousands of times what
// openapi.yaml's come to. The rules name the places they check by pointer,
// each written out in full, so a document past it (a long key over many
// items, long names nested deep) would cost the linter memory out of all
// proportion to its size; it is refused instead (see Lint).
const maxPointerBytes = 32 << 20

// step is a member or an item: its parent's entry and its token.
type step struct {
	parent int
	token  string
}

// indexPositions records where everything in the document under root sits.
// Aliases are not followed: what they point at is indexed where it is
// written, and following them could multiply a small file's nodes many
// times over. Of members that repeat a key, the first is the place.
func indexPositions(root *yaml.Node) positions {
	p := positions{entries: map[step]int{}, places: []position{{line: 1, column: 1}}}
	total := 0
	// child returns the entry of token under parent, whose pointer is
	// length bytes long, and the length of the child's pointer.
	child := func(parent, length int, token string, at position) (int, int) {
		length += 1 + len(token) + strings.Count(token, "~") + strings.Count(token, "/")
		s := step{parent, token}
		if id, seen := p.entries[s]; seen {
			return id, length
		}
		if total += length; total > maxPointerBytes && p.tooLong == nil {
			p.tooLong = &at
		}
		p.entries[s] = len(p.places)
		p.places = append(p.places, at)
		return len(p.places) - 1, length
	}
	var walk func(id, length int, n *yaml.Node)
	walk = func(id, length int, n *yaml.Node) {
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				c, l := child(id, length, k.Value, position{k.Line, k.Column})
				walk(c, l, n.Content[i+1])
			}
		case yaml.SequenceNode:
			for i, item := range n.Content {
				c, l := child(id, length, strconv.Itoa(i), position{item.Line, item.Column})
				walk(c, l, item)
			}
		}
	}
	walk(0, 0, root)
	return p
}

// lookup returns where ptr is written, and false when the document has no
// such member.
func (p positions) lookup(ptr string) (position, bool) {
	id, whole := p.deepest(ptr)
	return p.places[id], whole
}

// at returns where ptr is written or, when the document has no such member
// (a missing field, a required property that is absent), where its nearest
// enclosing member is: at worst the document's first line.
func (p positions) at(ptr string) position {
	id, _ := p.deepest(ptr)
	return p.places[id]
}

// deepest follows ptr from the document as far as the index goes, and
// returns the entry it reached and whether that is ptr's whole way. What
// is not a pointer leads to the document.
func (p positions) deepest(ptr string) (id int, whole bool) {
	if ptr != "" && ptr[0] != '/' {
		return 0, false
	}
	for rest := ptr; rest != ""; {
		token, next, more := strings.Cut(rest[1:], "/")
		child, ok := p.entries[step{id, unescapeToken(token)}]
		if !ok {
			return id, false
		}
		id, rest = child, ""
		if more {
			rest = ptr[len(ptr)-len(next)-1:]
		}
	}
	return id, true
}

// unescapeToken reads a token of a JSON pointer (RFC 6901).
func unescapeToken(s string) string {
	if !strings.Contains(s, "~") {
		return s
	}
	return strings.NewReplacer("~1", "/", "~0", "~").Replace(s)
}

// escapeToken escapes a key for a JSON pointer (RFC 6901).
func escapeToken(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

// pointer joins tokens into a JSON pointer below base, escaping each.
func pointer(base string, tokens ...string) string {
	var b strings.Builder
	b.WriteString(base)
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(escapeToken(t))
	}
	return b.String()
}

// refPointer returns the pointer that a local $ref ("#/components/...")
// names, or fallback for any other reference: the loader refuses external
// ones, so only a local reference leads to a place in this file.
func refPointer(ref, fallback string) string {
	if rest, ok := strings.CutPrefix(ref, "#"); ok && (rest == "" || strings.HasPrefix(rest, "/")) {
		return rest
	}
	return fallback
}

// refName is the last token of a reference: the component's name.
func refName(ref string) string {
	return ref[strings.LastIndexByte(ref, '/')+1:]
}
