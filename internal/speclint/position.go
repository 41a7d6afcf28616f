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

// positions maps the JSON pointer of every member and item of the document
// to where it is written: a member to its key, an item to its first
// character. Rules name what they check by pointer, so this one map locates
// them all, values inside extensions and examples included.
type positions map[string]position

// indexPositions records where everything in the document under root sits.
// Aliases are not followed: what they point at is indexed where it is
// written, and following them could multiply a small file's nodes many
// times over.
func indexPositions(root *yaml.Node) positions {
	p := positions{"": {line: 1, column: 1}}
	var walk func(ptr string, n *yaml.Node)
	walk = func(ptr string, n *yaml.Node) {
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				child := ptr + "/" + escapeToken(k.Value)
				if _, seen := p[child]; !seen {
					p[child] = position{k.Line, k.Column}
				}
				walk(child, n.Content[i+1])
			}
		case yaml.SequenceNode:
			for i, item := range n.Content {
				child := ptr + "/" + strconv.Itoa(i)
				p[child] = position{item.Line, item.Column}
				walk(child, item)
			}
		}
	}
	walk("", root)
	return p
}

// at returns where ptr is written or, when the document has no such member
// (a missing field, a required property that is absent), where its nearest
// enclosing member is: at worst the document's first line.
func (p positions) at(ptr string) position {
	for {
		if pos, ok := p[ptr]; ok {
			return pos
		}
		i := strings.LastIndexByte(ptr, '/')
		if i < 0 {
			return p[""]
		}
		ptr = ptr[:i]
	}
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
