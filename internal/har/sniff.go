package har

import (
	"bytes"
	"encoding/json"
)

// SniffBytes is how much of a file Looks is to be shown: the first
// SniffBytes bytes, or the whole file when it is shorter. It is large, so
// that white space before a HAR document's "{" cannot hide it.
const SniffBytes = 64 << 10

// Looks reports whether a file that starts with prefix is a HAR file rather
// than a go-vcr cassette, by its content, whatever its name. A HAR file is
// a JSON object: its first byte, after a UTF-8 byte order mark and white
// space, is "{". go-vcr writes YAML in block style, which starts otherwise
// ("---", "version:", a comment).
//
// JSON is YAML too, so two kinds of cassette start with "{" as well, and
// Looks tells them apart by the first member's name: a cassette written as
// JSON starts with "version" or "interactions", and a cassette in YAML's
// flow style ({version: 2, …}) has a name that is not a JSON string. A
// prefix that ends before the first name is judged by its "{" alone, and
// the HAR reader says what is wrong with a file that is no HAR file.
func Looks(prefix []byte) bool {
	b := bytes.TrimLeft(bytes.TrimPrefix(prefix, bom), " \t\r\n")
	if len(b) == 0 || b[0] != '{' {
		return false
	}
	b = bytes.TrimLeft(b[1:], " \t\r\n")
	switch {
	case len(b) == 0 || b[0] == '}':
		return true
	case b[0] != '"':
		return false
	}
	var name string
	if err := json.NewDecoder(bytes.NewReader(b)).Decode(&name); err != nil {
		return true // Cut short: the "{" decides.
	}
	return name != "version" && name != "interactions"
}
