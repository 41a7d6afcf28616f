package conformance

// scanner reads a body for the fast path in one pass, without allocating:
// it accepts exactly one JSON object, as jsonstrict does, and gives up
// (scan returns false) on anything that it does not read exactly as
// jsonstrict, encoding/json and kin-openapi do: a key with an escape or a
// byte outside ASCII, a key that appears twice in an object, deep nesting,
// or invalid JSON. Giving up is never a verdict; the full pass then judges
// the body.
type scanner struct {
	body  []byte
	pos   int
	nodes []jsonNode
}

// jsonKind is the JSON type of a node, numbers split in two: jsonInt for
// an integer literal small enough to read exactly, jsonNumber for any
// other number, which the fast path does not judge.
type jsonKind uint8

const (
	jsonObject jsonKind = iota + 1
	jsonArray
	jsonString
	jsonInt
	jsonNumber
	jsonBool
	jsonNull
)

// jsonNode is one value, or one key, in document order: an object's node
// is followed by its members, each a key node and then the value's nodes.
type jsonNode struct {
	kind jsonKind
	// escaped marks a string holding an escape or a byte outside ASCII,
	// whose text is then not its raw bytes.
	escaped bool
	// start and end delimit a string's raw text, without its quotes.
	start, end int32
	// next is the index of the node after this value's nodes.
	next int32
	// members counts an object's members.
	members int32
	// value is a jsonInt's value.
	value int64
}

const (
	maxScanDepth   = 32
	maxScanMembers = 64
	maxIntDigits   = 15 // exactly a float64, as kin-openapi reads numbers
)

// scan reads b whole; it reports false when the fast path must give up.
func (sc *scanner) scan(b []byte) bool {
	if len(b) > 1<<30 {
		return false
	}
	sc.body, sc.pos, sc.nodes = b, 0, sc.nodes[:0]
	sc.space()
	if sc.pos >= len(b) || b[sc.pos] != '{' || !sc.value(0) {
		return false
	}
	sc.space()
	return sc.pos == len(b)
}

func (sc *scanner) space() {
	for sc.pos < len(sc.body) {
		switch sc.body[sc.pos] {
		case ' ', '\t', '\n', '\r':
			sc.pos++
		default:
			return
		}
	}
}

// value reads the value at pos, and the space after it.
func (sc *scanner) value(depth int) bool {
	if depth > maxScanDepth || sc.pos >= len(sc.body) {
		return false
	}
	i := len(sc.nodes)
	sc.nodes = append(sc.nodes, jsonNode{})
	ok := false
	switch c := sc.body[sc.pos]; {
	case c == '{':
		ok = sc.object(i, depth)
	case c == '[':
		ok = sc.array(i, depth)
	case c == '"':
		ok = sc.str(i)
	case c == '-' || '0' <= c && c <= '9':
		ok = sc.number(i)
	case c == 't':
		ok = sc.literal(i, "true", jsonBool)
	case c == 'f':
		ok = sc.literal(i, "false", jsonBool)
	case c == 'n':
		ok = sc.literal(i, "null", jsonNull)
	}
	if !ok {
		return false
	}
	sc.nodes[i].next = int32(len(sc.nodes))
	sc.space()
	return true
}

func (sc *scanner) object(i, depth int) bool {
	sc.nodes[i].kind = jsonObject
	sc.pos++ // {
	sc.space()
	if sc.pos < len(sc.body) && sc.body[sc.pos] == '}' {
		sc.pos++
		return true
	}
	for {
		if sc.pos >= len(sc.body) || sc.body[sc.pos] != '"' || sc.nodes[i].members == maxScanMembers {
			return false
		}
		k := len(sc.nodes)
		sc.nodes = append(sc.nodes, jsonNode{})
		if !sc.str(k) || sc.nodes[k].escaped {
			return false
		}
		sc.nodes[k].next = int32(k + 1)
		key := sc.raw(int32(k))
		for j, m := int32(i+1), int32(0); m < sc.nodes[i].members; m++ {
			if string(sc.raw(j)) == string(key) {
				return false // A key twice: jsonstrict refuses the body.
			}
			j = sc.nodes[j+1].next
		}
		sc.nodes[i].members++
		sc.space()
		if sc.pos >= len(sc.body) || sc.body[sc.pos] != ':' {
			return false
		}
		sc.pos++
		sc.space()
		if !sc.value(depth + 1) {
			return false
		}
		if sc.pos >= len(sc.body) {
			return false
		}
		switch sc.body[sc.pos] {
		case ',':
			sc.pos++
			sc.space()
		case '}':
			sc.pos++
			return true
		default:
			return false
		}
	}
}

func (sc *scanner) array(i, depth int) bool {
	sc.nodes[i].kind = jsonArray
	sc.pos++ // [
	sc.space()
	if sc.pos < len(sc.body) && sc.body[sc.pos] == ']' {
		sc.pos++
		return true
	}
	for {
		if !sc.value(depth+1) || sc.pos >= len(sc.body) {
			return false
		}
		switch sc.body[sc.pos] {
		case ',':
			sc.pos++
			sc.space()
		case ']':
			sc.pos++
			return true
		default:
			return false
		}
	}
}

// str reads a string; its text must be valid JSON, escapes included.
func (sc *scanner) str(i int) bool {
	n := &sc.nodes[i]
	n.kind = jsonString
	sc.pos++ // "
	n.start = int32(sc.pos)
	for sc.pos < len(sc.body) {
		c := sc.body[sc.pos]
		switch {
		case c == '"':
			n.end = int32(sc.pos)
			sc.pos++
			return true
		case c < 0x20:
			return false
		case c >= 0x80:
			n.escaped = true
			sc.pos++
		case c == '\\':
			n.escaped = true
			if sc.pos+1 >= len(sc.body) {
				return false
			}
			switch sc.body[sc.pos+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				sc.pos += 2
			case 'u':
				if sc.pos+6 > len(sc.body) {
					return false
				}
				for _, h := range sc.body[sc.pos+2 : sc.pos+6] {
					if !('0' <= h && h <= '9' || 'a' <= h && h <= 'f' || 'A' <= h && h <= 'F') {
						return false
					}
				}
				sc.pos += 6
			default:
				return false
			}
		default:
			sc.pos++
		}
	}
	return false
}

// number reads a number by JSON's grammar; only a plain integer of at most
// maxIntDigits digits is a jsonInt.
func (sc *scanner) number(i int) bool {
	b, p := sc.body, sc.pos
	neg := b[p] == '-'
	if neg {
		p++
	}
	digits := func() int {
		start := p
		for p < len(b) && '0' <= b[p] && b[p] <= '9' {
			p++
		}
		return p - start
	}
	intStart := p
	intDigits := digits()
	if intDigits == 0 || (b[intStart] == '0' && intDigits > 1) {
		return false
	}
	plain := true
	if p < len(b) && b[p] == '.' {
		p++
		plain = false
		if digits() == 0 {
			return false
		}
	}
	if p < len(b) && (b[p] == 'e' || b[p] == 'E') {
		p++
		plain = false
		if p < len(b) && (b[p] == '+' || b[p] == '-') {
			p++
		}
		if digits() == 0 {
			return false
		}
	}
	n := &sc.nodes[i]
	n.kind = jsonNumber
	if plain && intDigits <= maxIntDigits {
		var v int64
		for _, c := range b[intStart : intStart+intDigits] {
			v = v*10 + int64(c-'0')
		}
		if neg {
			v = -v
		}
		n.kind, n.value = jsonInt, v
	}
	sc.pos = p
	return true
}

func (sc *scanner) literal(i int, word string, kind jsonKind) bool {
	if len(sc.body)-sc.pos < len(word) || string(sc.body[sc.pos:sc.pos+len(word)]) != word {
		return false
	}
	sc.pos += len(word)
	sc.nodes[i].kind = kind
	return true
}

// raw returns a string's raw text.
func (sc *scanner) raw(i int32) []byte {
	return sc.body[sc.nodes[i].start:sc.nodes[i].end]
}

// plainString returns the text of a string without escapes.
func (sc *scanner) plainString(i int32) string {
	return string(sc.raw(i))
}

// member returns the value of the object at node obj named key.
func (sc *scanner) member(obj int32, key string) (int32, bool) {
	k := obj + 1
	for range sc.nodes[obj].members {
		if string(sc.raw(k)) == key {
			return k + 1, true
		}
		k = sc.nodes[k+1].next
	}
	return 0, false
}

// noCaseVariants says whether no key of the object at node obj differs
// from one of keys only in case. Keys are ASCII, so ASCII case folding is
// strings.EqualFold's.
func (sc *scanner) noCaseVariants(obj int32, keys []string) bool {
	k := obj + 1
	for range sc.nodes[obj].members {
		raw := sc.raw(k)
		for _, key := range keys {
			if string(raw) != key && asciiEqualFold(raw, key) {
				return false
			}
		}
		k = sc.nodes[k+1].next
	}
	return true
}

func asciiEqualFold(a []byte, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
