package cassettefile

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zcdrop/zcdrop/internal/vcr"
)

const cassette = `version: 2
interactions:
    - id: 0
      request:
        url: https://api.cloud.zilliz.com/v2/clusters/in01-a/drop
        method: DELETE
      response:
        body: '{}'
        code: 200
`

var roomy = Limits{FileBytes: 1 << 20, TextBytes: 1 << 20, AliasNodes: 10, CorpusBytes: 1 << 20, CorpusInteractions: 10}

// TestReadCorpusHandsOverTheBytes: visit gets the bytes each cassette was
// parsed from, which spec drift parses again for line numbers, and a file
// named twice is read once.
func TestReadCorpusHandsOverTheBytes(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a.yaml")
	if err := os.WriteFile(file, []byte(cassette), 0o644); err != nil {
		t.Fatal(err)
	}
	var got []string
	err := ReadCorpus(context.Background(), roomy, []string{dir, file}, func(f string, data []byte, c *vcr.Cassette) error {
		if string(data) != cassette || len(c.Interactions) != 1 {
			t.Errorf("%s: got %d bytes and %d interactions, want the file's %d bytes and 1", f, len(data), len(c.Interactions), len(cassette))
		}
		got = append(got, f)
		return nil
	})
	if err != nil || len(got) != 1 || got[0] != file {
		t.Fatalf("visited %q with %v, want %s once and no error", got, err, file)
	}
}

// TestReadCorpusRefuses: each limit, and a directory without cassettes,
// gives an *Error naming the file, and visit is never called.
func TestReadCorpusRefuses(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a.yaml")
	if err := os.WriteFile(file, []byte(cassette), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := t.TempDir()
	tight := func(change func(*Limits)) Limits { l := roomy; change(&l); return l }
	tests := []struct {
		name string
		lim  Limits
		path string
		want string
	}{
		{"file bytes", tight(func(l *Limits) { l.FileBytes = 10 }), file, "the most a cassette may be"},
		{"text bytes", tight(func(l *Limits) { l.TextBytes = 10 }), file, "bytes of text"},
		{"corpus bytes", tight(func(l *Limits) { l.CorpusBytes = 10 }), file, "the most one run reads"},
		{"corpus interactions", tight(func(l *Limits) { l.CorpusInteractions = 0 }), file, "the most one run checks"},
		{"no cassettes", roomy, empty, "directory holds no *.yaml, *.yml or *.har files"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ReadCorpus(context.Background(), tt.lim, []string{tt.path}, func(string, []byte, *vcr.Cassette) error {
				t.Error("visit was called")
				return nil
			})
			var fe *Error
			if !errors.As(err, &fe) || fe.File != tt.path || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an *Error for %s saying %q", err, tt.path, tt.want)
			}
		})
	}
}

// TestReadCorpusErrorsQuoteNoKey: the YAML parser quotes a mapping key
// defined twice, and in a recording that nobody redacted that key may be a
// credential. The error still says what and where, with the key masked.
func TestReadCorpusErrorsQuoteNoKey(t *testing.T) {
	const key = "sk-LiveKeyAbCdEf0123456789XyZ"
	dup := strings.Replace(cassette, "      request:\n", "      request:\n        headers:\n            "+key+": [a]\n            "+key+": [b]\n", 1)
	file := filepath.Join(t.TempDir(), "dup.yaml")
	if err := os.WriteFile(file, []byte(dup), 0o644); err != nil {
		t.Fatal(err)
	}
	err := ReadCorpus(context.Background(), roomy, []string{file}, func(string, []byte, *vcr.Cassette) error {
		t.Error("visit was called")
		return nil
	})
	var fe *Error
	if !errors.As(err, &fe) || fe.File != file {
		t.Fatalf("got %v, want an *Error for %s", err, file)
	}
	if msg := err.Error(); strings.Contains(msg, key) || !strings.Contains(msg, `mapping key "REDACTED" already defined`) {
		t.Errorf("got %q, want the duplicate key named as REDACTED", msg)
	}
}
