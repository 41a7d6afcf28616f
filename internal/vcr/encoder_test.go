package vcr

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestEncoderWritesWhatEncodeWrites: every cassette of the corpora,
// written an interaction at a time, is what Encode writes of it whole.
func TestEncoderWritesWhatEncodeWrites(t *testing.T) {
	files, _ := filepath.Glob("../../conformance/testdata/*/*.yaml")
	if len(files) < 20 {
		t.Fatalf("found %d cassettes, want the corpora", len(files))
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		c, err := DecodeStrict(data, testLimits)
		if err != nil || len(c.Interactions) == 0 {
			continue // The unreadable corpus.
		}
		want, err := Encode(c)
		if err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		e := NewEncoder(&got)
		for _, in := range c.Interactions {
			if err := e.Encode(in); err != nil {
				t.Fatal(err)
			}
		}
		if err := e.Close(); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want) {
			t.Errorf("%s: the Encoder wrote\n%s\nEncode wrote\n%s", f, got.Bytes(), want)
		}
	}
	if err := NewEncoder(&bytes.Buffer{}).Close(); err == nil {
		t.Error("an Encoder closed without an interaction wrote a cassette")
	}
}
