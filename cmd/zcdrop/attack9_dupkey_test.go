package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// A cassette that nobody redacted may use a key as a mapping key, a
// header's name say, and name it twice: the YAML parser then refuses the
// file and quotes the key ("mapping key %q already defined"). The gate and
// spec drift print that error, in every format; the key must not be in it.
func TestCassetteErrorsQuoteNoDuplicateKey(t *testing.T) {
	const hexKey = "9f86d081884c7d659a2feaa0c55ad015" // single-case, as a hex key is
	f := newDriftFixture(t)
	for _, key := range []string{canaryKey, hexKey} {
		dup := filepath.Join(t.TempDir(), "dup.yaml")
		copyEdited(t, shippedCorpus+"/drop-dedicated.yaml", dup, strings.NewReplacer(
			"            Accept:\n", "            "+key+":\n                - a\n            "+key+":\n                - b\n            Accept:\n"))
		runs := [][]string{
			{"conformance", dup},
			{"conformance", "--format", "json", dup},
			{"conformance", "--format", "junit", dup},
			{"spec", "drift", "--spec", f.spec, dup},
			{"spec", "drift", "--spec", f.spec, "--format", "json", dup},
			{"spec", "drift", "--spec", f.spec, "--patch", "-", dup},
		}
		for _, args := range runs {
			t.Run(key[:6]+" "+strings.Join(args[:len(args)-1], " "), func(t *testing.T) {
				code, stdout, stderr := runCLI(t, args...)
				if code != exitUsage {
					t.Errorf("exit code %d, want %d (unreadable input)", code, exitUsage)
				}
				// The error still says what is wrong, and where.
				if want := dup + `: not a go-vcr cassette: yaml: construct errors: line 21: mapping key "REDACTED" already defined at line 19`; !strings.Contains(stderr, want) {
					t.Errorf("stderr:\n%s\nwant it to hold %q", stderr, want)
				}
				for name, out := range map[string]string{"stdout": stdout, "stderr": stderr} {
					if strings.Contains(strings.ToLower(out), strings.ToLower(key)) {
						t.Errorf("%s quotes the key %s:\n%s", name, key, out)
					}
				}
			})
		}
	}
}
