package jsonstrict

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestDecode(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		keys     []string // want these keys, in order, when err is nil
		err      error    // the kind of error; nil for success
		pointer  string   // the error's pointer
		contains string   // in the error's message
	}{
		{name: "envelope", in: `{"code":96018,"message":"m"}`, keys: []string{"code", "message"}},
		{name: "blanks around", in: " \n{ \"a\" : 1 ,\t\"b\":[1,{\"c\":2}] }\r\n", keys: []string{"a", "b"}},
		{name: "empty object", in: `{}`, keys: nil},
		{name: "case variants are distinct keys", in: `{"code":96018,"CODE":0}`, keys: []string{"code", "CODE"}},
		{name: "huge number is still JSON", in: `{"n":1e999}`, keys: []string{"n"}},
		{name: "duplicate at the root", in: `{"code":96018,"message":"m","code":0}`, err: ErrDuplicateKey, pointer: "/code", contains: `"code" appears more than once`},
		{name: "escaped duplicate", in: `{"code":1,"\u0063ode":0}`, err: ErrDuplicateKey, pointer: "/code"},
		{name: "duplicate in data", in: `{"code":0,"data":{"clusterId":"a","clusterId":"b"}}`, err: ErrDuplicateKey, pointer: "/data/clusterId"},
		{name: "duplicate deep in an array", in: `{"a":[0,{"x/y":{"k~":1,"k~":2}}]}`, err: ErrDuplicateKey, pointer: "/a/1/x~1y/k~0", contains: `"a.1.x/y.k~" appears more than once`},
		{name: "same key in sibling objects is fine", in: `{"a":{"k":1},"b":{"k":2},"c":[{"k":1},{"k":1}]}`, keys: []string{"a", "b", "c"}},
		{name: "array", in: `[{"code":0}]`, err: ErrType, contains: "document is not a JSON object"},
		{name: "string", in: `"code"`, err: ErrType},
		{name: "null", in: `null`, err: ErrType},
		{name: "truncated", in: `{"code":0,"data":{"clu`, err: ErrSyntax, contains: "is not valid JSON"},
		{name: "empty", in: ``, err: ErrSyntax},
		{name: "two objects", in: `{} {}`, err: ErrSyntax, contains: "data after the object"},
		{name: "garbage after", in: `{"a":1} x`, err: ErrSyntax},
		{name: "garbage before an array", in: `x[]`, err: ErrSyntax},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := Decode([]byte(tt.in))
			if tt.err == nil {
				if err != nil {
					t.Fatal(err)
				}
				if got := o.Keys(); !slices.Equal(got, tt.keys) {
					t.Errorf("keys %q, want %q", got, tt.keys)
				}
				return
			}
			var e *Error
			if !errors.Is(err, tt.err) || !errors.As(err, &e) {
				t.Fatalf("got %v, want an *Error of kind %v", err, tt.err)
			}
			if e.Pointer != tt.pointer {
				t.Errorf("pointer %q, want %q", e.Pointer, tt.pointer)
			}
			if !strings.Contains(err.Error(), tt.contains) {
				t.Errorf("error %q does not contain %q", err, tt.contains)
			}
		})
	}
}

// TestMembers reads members the way the client reads the envelope: exact
// keys, and null or a wrong type are errors naming the member.
func TestMembers(t *testing.T) {
	o, err := Decode([]byte(`{"code":96018,"CODE":0,"Code":1,"neg":-7,"float":1.0,"exp":1e2,"big":99999999999999999999,` +
		`"str":"in01-abc","esc":"\u0041\n","nul":null,"num":"7","data":{"clusterId":"in01-x","prompt":null},"arr":[]}`))
	if err != nil {
		t.Fatal(err)
	}
	ints := []struct {
		key  string
		want int64
		err  error
		msg  string
	}{
		{key: "code", want: 96018},
		{key: "neg", want: -7},
		{key: "float", err: ErrType, msg: `"float" is not an integer`},
		{key: "exp", err: ErrType},
		{key: "big", err: ErrType, msg: `"big" is an integer too large for 64 bits`},
		{key: "num", err: ErrType},
		{key: "nul", err: ErrNull, msg: `"nul" is null`},
		{key: "missing", err: ErrMissing, msg: `"missing" is missing`},
		{key: "cODE", err: ErrMissing},
	}
	for _, tt := range ints {
		t.Run("Int "+tt.key, func(t *testing.T) {
			got, err := o.Int(tt.key)
			checkMember(t, got, err, tt.want, tt.err, tt.msg)
		})
	}
	strs := []struct {
		key  string
		want string
		err  error
	}{
		{key: "str", want: "in01-abc"},
		{key: "esc", want: "A\n"},
		{key: "code", err: ErrType},
		{key: "nul", err: ErrNull},
		{key: "missing", err: ErrMissing},
	}
	for _, tt := range strs {
		t.Run("String "+tt.key, func(t *testing.T) {
			got, err := o.String(tt.key)
			checkMember(t, got, err, tt.want, tt.err, "")
		})
	}
	t.Run("Object", func(t *testing.T) {
		data, err := o.Object("data")
		if err != nil {
			t.Fatal(err)
		}
		if id, err := data.String("clusterId"); err != nil || id != "in01-x" {
			t.Errorf("clusterId %q, %v", id, err)
		}
		if data.Pointer() != "/data" {
			t.Errorf("pointer %q, want /data", data.Pointer())
		}
		_, err = data.String("prompt")
		if want := `"data.prompt" is null`; !errors.Is(err, ErrNull) || err.Error() != want {
			t.Errorf("got %v, want %s", err, want)
		}
		for key, kind := range map[string]error{"arr": ErrType, "str": ErrType, "nul": ErrNull, "Data": ErrMissing} {
			if _, err := o.Object(key); !errors.Is(err, kind) {
				t.Errorf("Object(%q) = %v, want %v", key, err, kind)
			}
		}
	})
	t.Run("Raw", func(t *testing.T) {
		raw, ok := o.Raw("data")
		if !ok || string(raw) != `{"clusterId":"in01-x","prompt":null}` {
			t.Errorf("Raw(data) = %s, %v", raw, ok)
		}
		if _, ok := o.Raw("DATA"); ok {
			t.Error("Raw matched a key case-insensitively")
		}
	})
	t.Run("CaseVariants", func(t *testing.T) {
		if got := o.CaseVariants("code"); !slices.Equal(got, []string{"CODE", "Code"}) {
			t.Errorf("CaseVariants(code) = %q", got)
		}
		if got := o.CaseVariants("str"); got != nil {
			t.Errorf("CaseVariants(str) = %q, want none", got)
		}
	})
}

func checkMember[T comparable](t *testing.T, got T, err error, want T, kind error, msg string) {
	t.Helper()
	if kind == nil {
		if err != nil || got != want {
			t.Fatalf("got %v, %v; want %v", got, err, want)
		}
		return
	}
	if !errors.Is(err, kind) {
		t.Fatalf("got %v, %v; want an error of kind %v", got, err, kind)
	}
	if msg != "" && err.Error() != msg {
		t.Errorf("error %q, want %q", err, msg)
	}
}

// TestCaseVariantsAreWhatEncodingJSONReads: every key that CaseVariants
// reports is one that encoding/json would put into a field of that name,
// the Kelvin sign among them.
func TestCaseVariantsAreWhatEncodingJSONReads(t *testing.T) {
	for _, key := range []string{"CODE", "Code", "cOdE", "\u212aey"} {
		name := strings.ToLower(strings.ReplaceAll(key, "\u212a", "k"))
		doc := fmt.Sprintf(`{%q:1}`, key)
		o, err := Decode([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		if got := o.CaseVariants(name); !slices.Equal(got, []string{key}) {
			t.Errorf("%s: CaseVariants(%q) = %q", doc, name, got)
		}
		// A struct with one field tagged name, built at run time.
		typ := reflect.StructOf([]reflect.StructField{{Name: "F", Type: reflect.TypeFor[int](), Tag: reflect.StructTag(fmt.Sprintf(`json:%q`, name))}})
		v := reflect.New(typ)
		if err := json.Unmarshal([]byte(doc), v.Interface()); err != nil {
			t.Fatal(err)
		}
		if v.Elem().Field(0).Int() != 1 {
			t.Errorf("%s: encoding/json does not read %q into a field named %q, so it is no variant", doc, key, name)
		}
	}
}

// TestDeepDocument: nesting almost as deep as encoding/json allows (10000)
// is walked whole, and the pointer names the full path to the duplicate.
func TestDeepDocument(t *testing.T) {
	const depth = 9000
	doc := `{"a":` + strings.Repeat("[", depth) + `{"k":1,"k":2}` + strings.Repeat("]", depth) + `}`
	_, err := Decode([]byte(doc))
	var e *Error
	if !errors.As(err, &e) || !errors.Is(err, ErrDuplicateKey) {
		t.Fatalf("got %v, want a duplicate key", err)
	}
	if want := "/a" + strings.Repeat("/0", depth) + "/k"; e.Pointer != want {
		t.Errorf("pointer is %d bytes, want %d", len(e.Pointer), len(want))
	}
}

// FuzzDecode: Decode never panics, accepts only what encoding/json accepts,
// and what it accepts has no key twice.
func FuzzDecode(f *testing.F) {
	f.Add(`{"code":0,"data":{"clusterId":"in01-abc","prompt":"p"}}`)
	f.Add(`{"code":96018,"CODE":0,"message":"m","data":{"clusterId":"in01-abc","prompt":"p"}}`)
	f.Add(`{"code":null,"data":{"clusterId":"in01-abc","prompt":"p"}}`)
	f.Add(`{"code":96018,"message":"m","code":0,"data":{"clusterId":"in01-abc","prompt":"p"}}`)
	f.Add(`[1,{"a":[{"b":1,"b":2}]}]`)
	f.Fuzz(func(t *testing.T, doc string) {
		o, err := Decode([]byte(doc))
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T %v is not an *Error", err, err)
			}
			return
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal([]byte(doc), &m); err != nil || len(m) != len(o.Keys()) {
			t.Fatalf("Decode accepted %q, which encoding/json reads as %d keys (%v), not %d", doc, len(m), err, len(o.Keys()))
		}
		for _, k := range o.Keys() {
			raw, _ := o.Raw(k)
			if string(raw) != string(m[k]) {
				t.Fatalf("member %q is %s, encoding/json says %s", k, raw, m[k])
			}
		}
	})
}
