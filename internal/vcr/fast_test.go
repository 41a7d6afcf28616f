package vcr

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestDecodeFastReadsWhatDecodeStrictReads: every shipped, negative and
// unreadable cassette of the gate, and every cassette of this package's
// tests, reads the same through DecodeFast as through DecodeStrict, or
// DecodeFast declines it; it never reads one that DecodeStrict refuses.
// The shipped corpus, written by hand, is checked to be read fast too
// once its head of comments is skipped.
func TestDecodeFastReadsWhatDecodeStrictReads(t *testing.T) {
	var files []string
	for _, dir := range []string{"../../conformance/testdata/cassettes", "../../conformance/testdata/negative", "../../conformance/testdata/unreadable", "testdata"} {
		found, _ := filepath.Glob(filepath.Join(dir, "*.y*ml"))
		files = append(files, found...)
	}
	if len(files) < 40 {
		t.Fatalf("found %d cassettes, want the gate's corpora", len(files))
	}
	fast := 0
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			strict, serr := DecodeStrict(data, testLimits)
			c, pos, ok := DecodeFast(string(data), testLimits)
			if !ok {
				return
			}
			if want := ItemPositions(data); !reflect.DeepEqual(pos, want) {
				t.Errorf("DecodeFast says the interactions start at %v, YAML says %v", pos, want)
			}
			for _, p := range pos {
				if !strings.HasPrefix(strings.TrimLeft(string(data[p.Offset:]), " "), "- ") {
					t.Errorf("the line at offset %d (line %d) does not open an interaction", p.Offset, p.Line)
				}
			}
			fast++
			if serr != nil {
				t.Fatalf("DecodeFast reads what DecodeStrict refuses: %v", serr)
			}
			if !reflect.DeepEqual(c, strict) {
				t.Errorf("DecodeFast reads\n%+v\nDecodeStrict reads\n%+v", c.Interactions[0], strict.Interactions[0])
			}
		})
	}
	// What go-vcr writes for empty values: "" and {}.
	in := &Interaction{}
	in.Request.Method, in.Request.URL, in.Request.TransferEncoding = "DELETE", "https://x/v2/clusters/a/drop", []string{}
	in.Response.Code = 200
	data, err := Encode(&Cassette{Version: FormatVersion, Interactions: []*Interaction{in}})
	if err != nil {
		t.Fatal(err)
	}
	strict, serr := DecodeStrict(data, testLimits)
	if c, _, ok := DecodeFast(string(data), testLimits); !ok || serr != nil || !reflect.DeepEqual(c, strict) {
		t.Errorf("DecodeFast of what Encode writes for empty values: read %v, same as DecodeStrict %v (%v)", ok, reflect.DeepEqual(c, strict), serr)
	}
	if fast < len(files)/2 {
		t.Errorf("DecodeFast read %d of %d cassettes; the layout go-vcr writes is most of them", fast, len(files))
	}
}
