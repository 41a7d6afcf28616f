package specedit

import (
	"errors"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v4"
)

// Scope names a block of a YAML document: a mapping key's line and the
// lines of its value below it. The zero Scope names nothing.
type Scope struct {
	// operation is the operationId the keys start below; "" starts them
	// at the document's root.
	operation string
	keys      []string
}

// Path returns the Scope of the value that keys lead to from the
// document's root, each key as YAML reads it (the key '401' is "401"):
// Path("components", "schemas", "DropClusterData").
func Path(keys ...string) Scope { return Scope{keys: keys} }

// Operation returns the Scope of the operation whose operationId is id,
// wherever its path is, or of the value that keys lead to below it:
// Operation("dropCluster", "responses", "401"). It resolves only while
// exactly one operation has that id.
func Operation(id string, keys ...string) Scope { return Scope{operation: id, keys: keys} }

// String names the scope as messages show it.
func (s Scope) String() string {
	parts := s.keys
	if s.operation != "" {
		parts = append([]string{"operation " + s.operation}, parts...)
	}
	return strings.Join(parts, " > ")
}

// httpMethods are the keys of a path item that hold an operation.
var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// errNoScope is a Scope that names nothing: no operation, no keys.
var errNoScope = errors.New("the scope names no block: give Path keys or an Operation")

// block returns where the block that s names sits in text: from the start
// of its key's line to the end of its last line, its final newline
// included.
func (s Scope) block(text string) (start, end int, err error) {
	if s.operation == "" && len(s.keys) == 0 {
		return 0, 0, errNoScope
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		return 0, 0, fmt.Errorf("%s cannot be found: the text is not YAML: %v", s, err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return 0, 0, fmt.Errorf("%s cannot be found: the text holds no YAML document", s)
	}
	key, value := (*yaml.Node)(nil), doc.Content[0]
	if s.operation != "" {
		if key, value, err = findOperation(value, s.operation); err != nil {
			return 0, 0, err
		}
	}
	for i, k := range s.keys {
		parent := value
		if key, value = member(parent, k); key == nil {
			where := Scope{operation: s.operation, keys: s.keys[:i]}.String()
			if where == "" {
				where = "the document's root"
			}
			return 0, 0, fmt.Errorf("%s is not in the spec: %s has no key %q", s, where, k)
		}
		if parent.Style&yaml.FlowStyle != 0 {
			return 0, 0, fmt.Errorf("%s is inside a flow collection, on one line: name the block that holds it", s)
		}
	}
	start, end = lineBlock(text, key, value)
	return start, end, nil
}

// findOperation returns the key and value of the one operation under
// root's paths whose operationId is id.
func findOperation(root *yaml.Node, id string) (key, value *yaml.Node, err error) {
	_, paths := member(root, "paths")
	var found [][2]*yaml.Node
	if paths != nil && paths.Kind == yaml.MappingNode {
		for i := 1; i < len(paths.Content); i += 2 {
			for _, method := range httpMethods {
				k, op := member(paths.Content[i], method)
				if k == nil {
					continue
				}
				if _, opID := member(op, "operationId"); opID != nil && opID.Kind == yaml.ScalarNode && opID.Value == id {
					found = append(found, [2]*yaml.Node{k, op})
				}
			}
		}
	}
	switch len(found) {
	case 0:
		return nil, nil, fmt.Errorf("operation %s is not in the spec: no operation has operationId %q", id, id)
	case 1:
		return found[0][0], found[0][1], nil
	default:
		return nil, nil, fmt.Errorf("operation %s is ambiguous: %d operations have operationId %q", id, len(found), id)
	}
}

// member returns the key and value of name in the mapping n, or nils when
// n is no mapping or has no such key.
func member(n *yaml.Node, name string) (key, value *yaml.Node) {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; k.Kind == yaml.ScalarNode && k.Value == name {
			return k, n.Content[i+1]
		}
	}
	return nil, nil
}

// lineBlock returns the byte range of the lines of key and its value:
// key's line, then every line indented deeper than key, and, for a block
// sequence written at key's own indentation ("key:\n- a"), its items.
// Blank lines, and comments no deeper than key, that end the range belong
// to what follows it, and are left out.
func lineBlock(text string, key, value *yaml.Node) (start, end int) {
	keyIndent := key.Column - 1
	sameIndentItems := value.Kind == yaml.SequenceNode && value.Style&yaml.FlowStyle == 0 && value.Column-1 == keyIndent
	lines := strings.SplitAfter(text, "\n")
	for _, l := range lines[:key.Line-1] {
		start += len(l)
	}
	end = start + len(lines[key.Line-1])
	offset := end
	for _, l := range lines[key.Line:] {
		offset += len(l)
		body := strings.TrimLeft(l, " ")
		indent := len(l) - len(body)
		switch {
		case strings.TrimSpace(body) == "":
			continue
		case indent > keyIndent:
		case sameIndentItems && indent == keyIndent && (strings.HasPrefix(body, "- ") || strings.TrimSpace(body) == "-"):
		case strings.HasPrefix(body, "#"):
			continue
		default:
			return start, end
		}
		end = offset
	}
	return start, end
}
