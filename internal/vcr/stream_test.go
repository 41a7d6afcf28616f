package vcr

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// streamAll reads data through a Stream in chunks of at most maxItems
// interactions, decoding each chunk, and returns what it read.
func streamAll(data string, maxItems, maxItem int) ([]*Interaction, []int, error) {
	s, err := NewStream(strings.NewReader(data), maxItem)
	if err != nil {
		return nil, nil, err
	}
	var ins []*Interaction
	var lines []int
	for {
		c, err := s.Next(maxItems, 1<<20)
		if err == io.EOF {
			return ins, lines, nil
		}
		if err != nil {
			return nil, nil, err
		}
		got, pos, err := c.Decode(testLimits)
		if err != nil {
			return nil, nil, err
		}
		var gotLines []int
		for _, p := range pos {
			if !strings.HasPrefix(strings.TrimLeft(c.Text()[p.Offset:], " "), "- ") {
				return nil, nil, fmt.Errorf("line %d: offset %d does not open an interaction", p.Line, p.Offset)
			}
			gotLines = append(gotLines, p.Line)
		}
		if len(got) != c.Items {
			return nil, nil, fmt.Errorf("chunk says %d items, decodes %d", c.Items, len(got))
		}
		ins = append(ins, got...)
		lines = append(lines, gotLines...)
	}
}

// TestStreamReadsWhatDecodeFastReads: every cassette of the corpora that
// DecodeFast reads, and a long one that Encode writes, read through a
// Stream in chunks of any size give the same interactions, on the same
// lines.
func TestStreamReadsWhatDecodeFastReads(t *testing.T) {
	files := map[string]string{}
	for _, dir := range []string{"../../conformance/testdata/cassettes", "../../conformance/testdata/negative", "testdata"} {
		found, _ := filepath.Glob(filepath.Join(dir, "*.y*ml"))
		for _, f := range found {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			files[f] = string(data)
		}
	}
	long := &Cassette{Version: FormatVersion}
	for i := range 50 {
		in := &Interaction{ID: i}
		in.Request.Method = "DELETE"
		in.Request.URL = fmt.Sprintf("https://api.example/v2/clusters/in01-%d/drop", i)
		in.Request.Headers = map[string][]string{"Accept": {"application/json"}}
		in.Response.Code = 200
		in.Response.Body = `{"code":0,"data":{}}`
		long.Interactions = append(long.Interactions, in)
	}
	enc, err := Encode(long)
	if err != nil {
		t.Fatal(err)
	}
	files["encoded"] = string(enc)
	streamed := 0
	for name, data := range files {
		want, wantPos, ok := DecodeFast(data, testLimits)
		if !ok {
			continue
		}
		var wantLines []int
		for _, p := range wantPos {
			wantLines = append(wantLines, p.Line)
		}
		streamed++
		for _, n := range []int{1, 2, 7, 1000} {
			t.Run(fmt.Sprintf("%s/%d", name, n), func(t *testing.T) {
				got, lines, err := streamAll(data, n, 1<<20)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want.Interactions) {
					t.Errorf("streamed %d interactions, DecodeFast read %d, or they differ", len(got), len(want.Interactions))
				}
				if !reflect.DeepEqual(lines, wantLines) {
					t.Errorf("streamed lines %v, DecodeFast's %v", lines, wantLines)
				}
			})
		}
	}
	if streamed < 20 {
		t.Errorf("streamed %d cassettes, want most of the corpora", streamed)
	}
}

// TestStreamReadsWhatDecodeStrictReads: interactions that go-vcr writes
// outside the fast parser's layout (bodies with line breaks as block
// scalars, strings with escapes in double quotes), and what people and
// other systems add (comments, CRLF line ends, a byte order mark), stream
// to what DecodeStrict reads of the whole file, on the same lines.
func TestStreamReadsWhatDecodeStrictReads(t *testing.T) {
	c := &Cassette{Version: FormatVersion}
	for i := range 40 {
		in := &Interaction{ID: i}
		in.Request.Method = "DELETE"
		in.Request.URL = fmt.Sprintf("https://api.example/v2/clusters/in01-%d/drop", i)
		in.Response.Code = 200
		in.Response.Body = "{\"code\":0,\"data\":{}}\n"
		if i%3 == 0 {
			in.Response.Body = "tab\there, bell \a, \"quoted\"\n  indented\n\n"
		}
		c.Interactions = append(c.Interactions, in)
	}
	enc, err := Encode(c)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(enc), "body: |") || !strings.Contains(string(enc), `"tab\there`) {
		t.Fatalf("Encode wrote neither a block scalar nor an escaped string:\n%s", enc[:500])
	}
	commented := strings.Replace(string(enc), "    - id: 7\n", "# a note\n    - id: 7\n      # another\n", 1)
	for name, data := range map[string]string{
		"go-vcr's":   string(enc),
		"commented":  commented,
		"CRLF":       strings.ReplaceAll(string(enc), "\n", "\r\n"),
		"with a BOM": "\ufeff" + string(enc),
	} {
		want, err := DecodeStrict([]byte(data), testLimits)
		if err != nil {
			t.Fatalf("%s: DecodeStrict: %v", name, err)
		}
		wantPos := ItemPositions([]byte(strings.TrimPrefix(data, "\ufeff")))
		for _, n := range []int{1, 7, 1000} {
			t.Run(fmt.Sprintf("%s/%d", name, n), func(t *testing.T) {
				got, lines, err := streamAll(data, n, 1<<20)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want.Interactions) {
					t.Errorf("streamed %d interactions, DecodeStrict read %d, or they differ", len(got), len(want.Interactions))
				}
				for i, l := range lines {
					if l != wantPos[i].Line {
						t.Fatalf("interaction %d streamed at line %d, YAML says %d", i, l, wantPos[i].Line)
					}
				}
			})
		}
	}
}

// TestStreamRefusesOtherLayouts: what only DecodeStrict reads, and what
// no cassette is, is a *LayoutError at the line at fault.
func TestStreamRefusesOtherLayouts(t *testing.T) {
	item := "    - id: 0\n      request:\n        url: https://x/v2/clusters/a/drop\n        method: DELETE\n      response:\n        code: 200\n"
	for _, tc := range []struct {
		name, data string
		line       int
		reason     string
	}{
		{"empty", "", 1, `ends before "version: 2"`},
		{"no interactions key", "version: 2\n", 2, `ends before "interactions:"`},
		{"version after interactions", "interactions:\n" + item + "version: 2\n", 1, `want "version: 2"`},
		{"no interaction", "version: 2\ninteractions:\n", 3, "ends before its first interaction"},
		{"flow list", "version: 2\ninteractions: []\n", 2, `want "interactions:"`},
		{"dash at the key's indent", "version: 2\ninteractions:\n- id: 0\n", 3, "indented"},
		{"a key after the interactions", "version: 2\ninteractions:\n" + item + "extra: 1\n", 9, "the end of the file"},
		{"an alias to nothing", "version: 2\ninteractions:\n" + strings.Replace(item, "code: 200", "code: *c", 1), 3, "unknown anchor 'c'"},
		{"the second interaction is no YAML", "version: 2\ninteractions:\n" + item + strings.Replace(item, "method: DELETE", "method: \"DELETE", 1), 9, "do not read: not a go-vcr cassette: yaml: line 15: found unexpected end of stream"},
		{"a line too long", "version: 2\ninteractions:\n" + item + "    - id: 1\n      request:\n        body: '" + strings.Repeat("x", 300) + "'\n" + item, 11, "a line is longer than 256 bytes"},
		{"an interaction too long", "version: 2\ninteractions:\n" + item + "    - id: 1\n      request:\n        headers:\n          A:\n" + strings.Repeat("            - xxxxxxxxxx\n", 20) + item, 9, "an interaction is longer than 256 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := streamAll(tc.data, 1, 256)
			var le *LayoutError
			if !errors.As(err, &le) {
				t.Fatalf("err = %v, want a *LayoutError", err)
			}
			if le.Line != tc.line || !strings.Contains(le.Reason, tc.reason) {
				t.Errorf("err = %v, want line %d and %q", err, tc.line, tc.reason)
			}
		})
	}
}
