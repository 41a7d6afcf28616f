// Package jsonstrict reads a JSON object the way two programs must read it
// when both have to agree on what it says: keys match exactly, a key that
// appears twice in any object, at any depth, makes the whole document
// unreadable, and null is no value.
//
// encoding/json matches a struct field to a key case-insensitively and keeps
// the last of two equal keys, while a JSON Schema validator reads the exact
// keys of a map. On {"code":96018,"CODE":0} the two disagree about the code,
// and on {"code":96018,"code":0} a reader cannot know which one the server
// meant. The client and the Validator both read the Drop Cluster envelope
// through this package, so that neither can believe what the other rejects.
package jsonstrict

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
)

// The kinds of Error, for errors.Is.
var (
	// ErrSyntax: the input is not exactly one JSON value.
	ErrSyntax = errors.New("not valid JSON")
	// ErrDuplicateKey: an object holds the same key twice.
	ErrDuplicateKey = errors.New("key appears more than once")
	// ErrMissing: a member that is asked for is not there.
	ErrMissing = errors.New("member is missing")
	// ErrNull: a member that is asked for is null.
	ErrNull = errors.New("member is null")
	// ErrType: a value is not of the type asked for.
	ErrType = errors.New("value has the wrong type")
)

// Error says what is wrong with a document, and where.
type Error struct {
	// Pointer is the RFC 6901 JSON pointer of the member at fault:
	// "/code", "/data/clusterId". It is empty for the document as a whole.
	Pointer string
	// Reason says what is wrong: "is null", "is not an integer".
	Reason string
	// Err is the kind: ErrSyntax, ErrDuplicateKey, ErrMissing, ErrNull or
	// ErrType.
	Err error
}

// Error names the member by its path, quoted and dotted, then says what is
// wrong with it: `"code" is null`, `"data.clusterId" is missing`.
func (e *Error) Error() string {
	if e.Pointer == "" {
		return "document " + e.Reason
	}
	segments := strings.Split(e.Pointer[1:], "/")
	for i, s := range segments {
		segments[i] = strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
	}
	return strconv.Quote(strings.Join(segments, ".")) + " " + e.Reason
}

// Unwrap returns the kind, so that errors.Is(err, ErrNull) works.
func (e *Error) Unwrap() error { return e.Err }

// Object is one JSON object, read strictly. Its members are found by their
// exact key.
type Object struct {
	pointer string // where the object sits in its document; "" for the root
	keys    []string
	members map[string]json.RawMessage
}

// Decode reads b as exactly one JSON object, with optional whitespace
// around it. It returns an *Error: ErrSyntax for input that is not one JSON
// value, ErrType for a value that is not an object, and ErrDuplicateKey,
// with the pointer of the second occurrence, for an object anywhere in the
// document that holds a key twice. Keys are compared after decoding, so
// "code" and "\u0063ode" are the same key.
func Decode(b []byte) (*Object, error) {
	return decode(b, "")
}

func decode(b []byte, pointer string) (*Object, error) {
	r := &reader{dec: json.NewDecoder(bytes.NewReader(b)), root: pointer}
	// Numbers are skipped, not converted: 1e999 is valid JSON, even if no
	// float64 holds it.
	r.dec.UseNumber()
	tok, err := r.dec.Token()
	if err != nil {
		return nil, r.syntax(err)
	}
	if tok != json.Delim('{') {
		if !json.Valid(b) {
			return nil, r.syntax(errors.New("not a single JSON value"))
		}
		return nil, &Error{Pointer: pointer, Reason: "is not a JSON object", Err: ErrType}
	}
	o := &Object{pointer: pointer, members: map[string]json.RawMessage{}}
	for {
		tok, err := r.dec.Token()
		if err != nil {
			return nil, r.syntax(err)
		}
		if tok == json.Delim('}') {
			break
		}
		key := tok.(string) // The decoder allows nothing else here.
		if _, dup := o.members[key]; dup {
			return nil, r.duplicate(key)
		}
		start := r.dec.InputOffset() // just after the key
		if err := r.member(key); err != nil {
			return nil, err
		}
		// Between the key and its value lie only blanks and the colon.
		raw := bytes.TrimLeft(b[start:r.dec.InputOffset()], " \t\r\n:")
		o.keys = append(o.keys, key)
		o.members[key] = json.RawMessage(raw)
	}
	if _, err := r.dec.Token(); err != io.EOF {
		return nil, r.syntax(errors.New("data after the object"))
	}
	return o, nil
}

// reader walks a document token by token and checks every object in it
// for duplicate keys. It keeps the path to the current value as segments,
// and builds a pointer only to report an error: a deep document would
// otherwise cost a string per level at every level.
type reader struct {
	dec  *json.Decoder
	root string   // the document's own pointer
	path []string // escaped segments below root
}

// member reads the value of the member key of the current object.
func (r *reader) member(key string) error {
	r.path = append(r.path, escape(key))
	defer func() { r.path = r.path[:len(r.path)-1] }()
	tok, err := r.dec.Token()
	if err != nil {
		return r.syntax(err)
	}
	return r.value(tok)
}

// value reads the rest of the value that begins with tok.
func (r *reader) value(tok json.Token) error {
	switch tok {
	case json.Delim('{'):
		seen := map[string]bool{}
		for {
			tok, err := r.dec.Token()
			if err != nil {
				return r.syntax(err)
			}
			if tok == json.Delim('}') {
				return nil
			}
			key := tok.(string)
			if seen[key] {
				return r.duplicate(key)
			}
			seen[key] = true
			if err := r.member(key); err != nil {
				return err
			}
		}
	case json.Delim('['):
		for i := 0; ; i++ {
			tok, err := r.dec.Token()
			if err != nil {
				return r.syntax(err)
			}
			if tok == json.Delim(']') {
				return nil
			}
			r.path = append(r.path, strconv.Itoa(i))
			err = r.value(tok)
			r.path = r.path[:len(r.path)-1]
			if err != nil {
				return err
			}
		}
	}
	return nil // A scalar is one token.
}

func (r *reader) pointer() string {
	if len(r.path) == 0 {
		return r.root
	}
	return r.root + "/" + strings.Join(r.path, "/")
}

func (r *reader) syntax(err error) error {
	return &Error{Pointer: r.root, Reason: "is not valid JSON: " + err.Error(), Err: ErrSyntax}
}

func (r *reader) duplicate(key string) error {
	return &Error{Pointer: r.pointer() + "/" + escape(key), Reason: "appears more than once", Err: ErrDuplicateKey}
}

// escape makes key one segment of a JSON pointer (RFC 6901).
func escape(key string) string {
	return strings.ReplaceAll(strings.ReplaceAll(key, "~", "~0"), "/", "~1")
}

// Pointer returns where the object sits in its document: "" for the root,
// "/data" for the object that Object("data") returned.
func (o *Object) Pointer() string { return o.pointer }

// CaseVariants returns the keys, in document order, that differ from key
// but equal it under Unicode case folding (strings.EqualFold): "CODE" and
// "Code" for "code". encoding/json accepts each of them for a field named
// key, and keeps whichever comes last.
func (o *Object) CaseVariants(key string) []string {
	var out []string
	for _, k := range o.keys {
		if k != key && strings.EqualFold(k, key) {
			out = append(out, k)
		}
	}
	return out
}

// required returns the member key's value, or an *Error if it is missing
// or null.
func (o *Object) required(key string) (json.RawMessage, error) {
	raw, ok := o.members[key]
	switch {
	case !ok:
		return nil, o.fail(key, "is missing", ErrMissing)
	case string(raw) == "null":
		return nil, o.fail(key, "is null", ErrNull)
	}
	return raw, nil
}

func (o *Object) fail(key, reason string, kind error) error {
	return &Error{Pointer: o.pointer + "/" + escape(key), Reason: reason, Err: kind}
}

// Int returns the member key as an int64. It is an *Error if the member is
// missing (ErrMissing) or null (ErrNull), or is not a JSON number written
// as an integer that fits an int64 (ErrType): 7, not 7.0, 7e0 or "7".
func (o *Object) Int(key string) (int64, error) {
	raw, err := o.required(key)
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(string(raw), 10, 64)
	switch {
	case errors.Is(err, strconv.ErrRange):
		return 0, o.fail(key, "is an integer too large for 64 bits", ErrType)
	case err != nil:
		return 0, o.fail(key, "is not an integer", ErrType)
	}
	return n, nil
}

// String returns the member key as a string. It is an *Error if the member
// is missing (ErrMissing), null (ErrNull) or not a string (ErrType).
func (o *Object) String(key string) (string, error) {
	raw, err := o.required(key)
	if err != nil {
		return "", err
	}
	var s string
	if raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return "", o.fail(key, "is not a string", ErrType)
	}
	return s, nil
}

// Object returns the member key as an Object. It is an *Error if the
// member is missing (ErrMissing), null (ErrNull) or not an object
// (ErrType).
func (o *Object) Object(key string) (*Object, error) {
	raw, err := o.required(key)
	if err != nil {
		return nil, err
	}
	if raw[0] != '{' {
		return nil, o.fail(key, "is not an object", ErrType)
	}
	// Decode has checked the whole document already, duplicates included.
	return decode(raw, o.pointer+"/"+escape(key))
}
