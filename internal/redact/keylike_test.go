package redact

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"
)

// Canaries in the shapes the rule must catch: a random key, a single-case
// hexadecimal key that only its length gives away, and an upper-case one.
const (
	randomKey   = "sk-LIVE-Q2x9Lm4Tz8Kp1Vw7Rj5N"
	hexKey      = "9f86d081884c7d659a2feaa0c55ad015"
	upperHexKey = "9F86D081884C7D659A2FEAA0C55AD015"
)

// The rule for what looks like a key: the gate refuses a recording by it,
// and the reports mask by it. It catches random and long single-case keys
// wherever they sit, and lets through the IDs, codes and words that
// recordings and reports are made of.
func TestHasKeyToken(t *testing.T) {
	tests := []struct {
		name        string
		in          string
		key, random bool // HasKeyToken, HasRandomToken
	}{
		{"a random key", randomKey, true, true},
		{"a random key in prose", "bad key (" + randomKey + ").", true, true},
		{"20 mixed characters", "Ab3defghij0123456789", true, true},
		{"19 mixed characters", "Ab3defghij012345678", false, false},
		{"a random key cut by a dot", "Ab3defghij.0123456789", false, false},
		{"a hexadecimal key", hexKey, true, false},
		{"an upper-case hexadecimal key", upperHexKey, true, false},
		{"a hexadecimal key in a value", "sid=" + hexKey + "; Path=/", true, false},
		{"31 hexadecimal digits", hexKey[:31], false, false},
		{"32 digits, no letter", "01234567890123456789012345678901", false, false},
		{"32 letters, no digit", "abcdefghijklmnopqrstuvwxyzabcdef", false, false},
		// '-' joins a random key's token, but splits the runs of the
		// second rule: two halves of 16 are no key.
		{"two hexadecimal halves", hexKey[:16] + "-" + hexKey[16:], false, false},
		{"a cluster ID", "in01-6183d6bac30f801", false, false},
		{"a UUID", "5f0b8a4e-2d1c-4c3b-9a7e-1f2e3d4c5b6a", false, false},
		{"a trace", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", true, false},
		{"the placeholder", "Bearer " + Placeholder, false, false},
		{"a user agent", "zcdrop/1.0 (+https://github.com/zcdrop/zcdrop) Go-http-client/1.1", false, false},
		{"words and non-ASCII", "Quota exceeded. Ümlaut, 日本語", false, false},
		{"empty", "", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := HasKeyToken(tt.in); got != tt.key {
				t.Errorf("HasKeyToken(%q) = %v, want %v", tt.in, got, tt.key)
			}
			if got := HasRandomToken(tt.in); got != tt.random {
				t.Errorf("HasRandomToken(%q) = %v, want %v", tt.in, got, tt.random)
			}
		})
	}
}

// What is left of a value once its placeholder is taken out holds no part
// of a key: 12 letters and digits with a digit in them are one.
func TestHasKeyLikeRun(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{" -" + hexKey[:16], true},
		{"key=" + hexKey[:12], true},
		{hexKey[:11], false},
		{"abcdefghijklmnop", false},
		{"Bearer  ", false},
		{"key= ", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := HasKeyLikeRun(tt.in); got != tt.want {
			t.Errorf("HasKeyLikeRun(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// Masking hides keys, not the IDs, codes and words a report needs: each
// token that looks like a key becomes the placeholder, whole, and all else
// stays as it was.
func TestMaskKeyTokens(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Bearer sk-LiveKeyAbCdEf0123456789XyZ.", "Bearer REDACTED."},
		{"hex 0123456789abcdef0123456789abcdef0123 end", "hex REDACTED end"},
		{"x-" + hexKey + "_y", "REDACTED"},
		{randomKey + "," + hexKey + " " + randomKey, "REDACTED,REDACTED REDACTED"},
		{`mapping key "` + randomKey + `" already defined at line 19`, `mapping key "REDACTED" already defined at line 19`},
		{"cluster in01-6183d6bac30f801 not found", "cluster in01-6183d6bac30f801 not found"},
		{"request 5f0b8a4e-2d1c-4c3b-9a7e-1f2e3d4c5b6a, code 80001", "request 5f0b8a4e-2d1c-4c3b-9a7e-1f2e3d4c5b6a, code 80001"},
		{"Quota exceeded. Ümlaut, 日本語", "Quota exceeded. Ümlaut, 日本語"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := MaskKeyTokens(tt.in); got != tt.want {
			t.Errorf("MaskKeyTokens(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// A name or a pointer's token that holds a key is replaced whole, by a
// placeholder that says a name was there.
func TestMaskKeyNameAndPointer(t *testing.T) {
	names := []struct{ in, want string }{
		{"X-" + randomKey, KeyLikeName},
		{hexKey, KeyLikeName},
		{"X-Request-Id", "X-Request-Id"},
		{"DELETE", "DELETE"},
	}
	for _, tt := range names {
		if got := MaskKeyName(tt.in); got != tt.want {
			t.Errorf("MaskKeyName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	pointers := []struct{ in, want string }{
		{"/data/sk-LiveKeyAbCdEf0123456789XyZ/x", "/data/<key-like name>/x"},
		{"/" + hexKey + "/data/" + randomKey, "/<key-like name>/data/<key-like name>"},
		{"/data/clusterId", "/data/clusterId"},
		{"", ""},
	}
	for _, tt := range pointers {
		if got := MaskKeyPointer(tt.in); got != tt.want {
			t.Errorf("MaskKeyPointer(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// An error that quotes a key, as a YAML parser quotes a duplicate mapping
// key, loses it from its message, and errors.Is still sees its chain; one
// that quotes none is returned as it is.
func TestMaskKeyTokensError(t *testing.T) {
	leaky := fmt.Errorf("%w: mapping key %q already defined", fs.ErrInvalid, randomKey)
	got := MaskKeyTokensError(leaky)
	if want := `invalid argument: mapping key "REDACTED" already defined`; got.Error() != want {
		t.Errorf("message %q, want %q", got.Error(), want)
	}
	if !errors.Is(got, fs.ErrInvalid) {
		t.Error("errors.Is lost the chain")
	}
	if errors.Unwrap(got) != nil {
		t.Error("the masked error unwraps to the message that quotes the key")
	}
	clean := fmt.Errorf("%w: line 3", fs.ErrInvalid)
	if got := MaskKeyTokensError(clean); got != clean {
		t.Errorf("an error that quotes no key came back as %v", got)
	}
	if MaskKeyTokensError(nil) != nil {
		t.Error("nil came back as an error")
	}
}
