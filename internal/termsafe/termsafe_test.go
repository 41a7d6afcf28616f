package termsafe

import (
	"strings"
	"testing"
)

func TestString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text, ümlaut, 日本語", "plain text, ümlaut, 日本語"},
		{"line\nfake: dropped cluster x", `line\nfake: dropped cluster x`},
		{"\x1b]52;c;ZXZpbA==\x07", `\x1b]52;c;ZXZpbA==\a`},
		{"\x1b[2K\rhidden", `\x1b[2K\rhidden`},
		{"c1 \u009b31m", `c1 \u009b31m`},
		{"bidi \u202egnp.exe", `bidi \u202egnp.exe`},
		{"tab\tdel\x7f", `tab\tdel\x7f`},
		{"bad \xff utf8", `bad \xff utf8`},
		{"", ""},
		{"::error file=a.yaml::forged", `\::error file=a.yaml::forged`},
		{"  ::warning::forged", `  \::warning::forged`},
		{"a::b is no command", "a::b is no command"},
		{"text/html##[add-mask]x ##[stop-commands]y", `text/html##\[add-mask]x ##\[stop-commands]y`},
	}
	for _, tt := range tests {
		if got := String(tt.in); got != tt.want {
			t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzString(f *testing.F) {
	f.Add("\x1b[31mred\n")
	f.Add("\u202e\xff")
	f.Fuzz(func(t *testing.T, s string) {
		out := String(s)
		if strings.Contains(out, "##[") || strings.HasPrefix(strings.TrimLeft(out, " \t"), "::") {
			t.Fatalf("String(%q) = %q still holds a workflow command", s, out)
		}
		for _, r := range out {
			if unsafe(r) || r == 0xfffd && !containsRune(s, 0xfffd) {
				t.Fatalf("String(%q) = %q still holds %U", s, out, r)
			}
		}
	})
}

func containsRune(s string, r rune) bool {
	for _, c := range s {
		if c == r {
			return true
		}
	}
	return false
}
