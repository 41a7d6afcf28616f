package redact

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"unicode/utf16"
)

const key = "zc-TEST-KEY-5f4dcc3b5aa765d6"

func TestString(t *testing.T) {
	tests := []struct {
		name    string
		secrets []string
		in      string
		want    string
	}{
		{name: "one secret", secrets: []string{key}, in: "token " + key + " rejected", want: "token REDACTED rejected"},
		{name: "every occurrence", secrets: []string{key}, in: key + "," + key, want: "REDACTED,REDACTED"},
		{name: "no secret in the text", secrets: []string{key}, in: "nothing to hide", want: "nothing to hide"},
		{name: "longest secret first", secrets: []string{"abc", "abcdef"}, in: "x abcdef y abc", want: "x REDACTED y REDACTED"},
		{name: "longest first whatever the order", secrets: []string{key + "-more", key}, in: key + "-more" + key, want: "REDACTEDREDACTED"},
		{name: "longest first whatever the order, short", secrets: []string{"abcdef", "abc"}, in: "abcdef/abc", want: "REDACTED/REDACTED"},
		// Every secret is hidden wherever it is, even inside a word: a
		// server that echoes it chooses what surrounds it.
		{name: "short secret inside a word", secrets: []string{"K"}, in: "OK, K.", want: "OREDACTED, REDACTED."},
		{name: "secret after a letter", secrets: []string{"short-key"}, in: "xshort-key short-key_x", want: "xREDACTED REDACTED_x"},
		{name: "secret beside non-ASCII", secrets: []string{"K"}, in: "Ké éK", want: "REDACTEDé éREDACTED"},
		{name: "long secret inside a word", secrets: []string{key}, in: "x" + key + "_y", want: "xREDACTED_y"},
		{name: "overlapping secrets hide their union", secrets: []string{"abcdef", "defghi"}, in: "abcdefghi!", want: "REDACTED!"},
		{name: "overlapping copies", secrets: []string{"a.a"}, in: "a.a.a", want: "REDACTED.a"},
		{name: "empty secrets are ignored", secrets: []string{"", ""}, in: "abc", want: "abc"},
		{name: "empty among real ones", secrets: []string{"", key}, in: "a" + key + "b", want: "aREDACTEDb"},
		{name: "the placeholder is not a secret", secrets: []string{Placeholder}, in: "Bearer REDACTED", want: "Bearer REDACTED"},
		{name: "duplicates", secrets: []string{key, key}, in: key, want: "REDACTED"},
		{name: "no secrets", in: key, want: key},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(tt.secrets...)
			if got := s.String(tt.in); got != tt.want {
				t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
			}
			in := []byte(tt.in)
			if got := s.Bytes(in); string(got) != tt.want {
				t.Errorf("Bytes(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if string(in) != tt.in {
				t.Errorf("Bytes modified its input: %q", in)
			}
		})
	}
}

// TestEncodings: the common encodings of a secret are hidden as the secret
// is, so that a recording or a message that carries the key base64- or
// percent-encoded, or written with JSON \u escapes, loses it too.
func TestEncodings(t *testing.T) {
	// '?' and '>' make base64's standard and URL alphabets differ, and
	// percent-encoding change the key.
	const odd = "sk-live_A?>~b/c+12"
	escapeAll := func(s, format string) string {
		var b strings.Builder
		for _, c := range []byte(s) {
			fmt.Fprintf(&b, format, c)
		}
		return b.String()
	}
	// jsonEscapeAll writes every UTF-16 unit of s as a \u escape, as
	// JSON spells a character outside the BMP.
	jsonEscapeAll := func(s, format string) string {
		var b strings.Builder
		for _, u := range utf16.Encode([]rune(s)) {
			fmt.Fprintf(&b, format, u)
		}
		return b.String()
	}
	for _, secret := range []string{key, odd, "short-key", "clé-🔑-unicode-key"} {
		forms := map[string]string{
			"raw":                                secret,
			"base64 std":                         base64.StdEncoding.EncodeToString([]byte(secret)),
			"base64 std unpadded":                base64.RawStdEncoding.EncodeToString([]byte(secret)),
			"base64 url":                         base64.URLEncoding.EncodeToString([]byte(secret)),
			"base64 url unpadded":                base64.RawURLEncoding.EncodeToString([]byte(secret)),
			"query escaped":                      url.QueryEscape(secret),
			"path escaped":                       url.PathEscape(secret),
			"percent, every byte":                escapeAll(secret, "%%%02X"),
			"percent, every byte, abc":           escapeAll(secret, "%%%02x"),
			"json escapes, every character":      jsonEscapeAll(secret, `\u%04x`),
			"json escapes, every character, ABC": jsonEscapeAll(secret, `\u%04X`),
		}
		if b, err := json.Marshal(secret); err == nil {
			forms["json string"] = strings.Trim(string(b), `"`)
		}
		for name, form := range forms {
			t.Run(secret+"/"+name, func(t *testing.T) {
				s := New(secret)
				in := `{"message":"echo ` + form + `"} ` + form
				want := `{"message":"echo REDACTED"} REDACTED`
				if got := s.String(in); got != want {
					t.Errorf("String(%q)\n = %q\nwant %q", in, got, want)
				}
				if got := s.Bytes([]byte(in)); string(got) != want {
					t.Errorf("Bytes(%q) = %q", in, got)
				}
			})
		}
	}
	if odd := base64.StdEncoding.EncodeToString([]byte(odd)); odd == base64.URLEncoding.EncodeToString([]byte(odd)) {
		t.Fatal("the odd key does not tell the base64 alphabets apart")
	}
}

func TestHeader(t *testing.T) {
	tests := []struct {
		name string
		in   http.Header
		want http.Header
	}{
		{name: "nil stays nil", in: nil, want: nil},
		{name: "empty", in: http.Header{}, want: http.Header{}},
		{
			name: "authorization keeps its scheme",
			in:   http.Header{"Authorization": {"Bearer " + key}},
			want: http.Header{"Authorization": {"Bearer REDACTED"}},
		},
		{
			name: "authorization without the key keeps its scheme too",
			in:   http.Header{"Authorization": {"Basic dXNlcjpwYXNz"}},
			want: http.Header{"Authorization": {"Basic REDACTED"}},
		},
		{
			name: "authorization without a scheme",
			in:   http.Header{"Authorization": {"opaque"}},
			want: http.Header{"Authorization": {"REDACTED"}},
		},
		{
			name: "lower-case authorization name",
			in:   http.Header{"authorization": {"Bearer " + key}},
			want: http.Header{"authorization": {"Bearer REDACTED"}},
		},
		{
			name: "values and names are scrubbed",
			in:   http.Header{"X-Echo": {"a" + key, "plain"}, "X-" + key: {"v"}},
			want: http.Header{"X-Echo": {"aREDACTED", "plain"}, "X-REDACTED": {"v"}},
		},
		{
			name: "other headers are kept",
			in:   http.Header{"Content-Type": {"application/json"}},
			want: http.Header{"Content-Type": {"application/json"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := tt.in.Clone()
			got := New(key).Header(tt.in)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Header(%v) = %v, want %v", tt.in, got, tt.want)
			}
			if !reflect.DeepEqual(tt.in, before) {
				t.Errorf("Header modified its input: %v, was %v", tt.in, before)
			}
		})
	}
}

func TestAuthorization(t *testing.T) {
	tests := map[string]string{
		"Bearer " + key:   "Bearer REDACTED",
		"Basic dXNlcjpw":  "Basic REDACTED",
		"Bearer REDACTED": "Bearer REDACTED",
		key:               "REDACTED",
		"":                "REDACTED",
	}
	for in, want := range tests {
		t.Run(in, func(t *testing.T) {
			got := Authorization(in)
			if got != want {
				t.Errorf("Authorization(%q) = %q, want %q", in, got, want)
			}
			if strings.Contains(got, key) {
				t.Errorf("Authorization(%q) keeps the key", in)
			}
		})
	}
}

func TestIsRedactedAuthorization(t *testing.T) {
	tests := map[string]bool{
		"Bearer REDACTED":   true,
		"Basic REDACTED":    true,
		"Bearer  REDACTED ": true,
		"Bearer " + key:     false,
		"Bearer REDACTEDx":  false,
		"Bearer ":           false,
		"":                  false,
	}
	for in, want := range tests {
		t.Run(in, func(t *testing.T) {
			if got := IsRedactedAuthorization(in); got != want {
				t.Errorf("IsRedactedAuthorization(%q) = %v, want %v", in, got, want)
			}
		})
	}
	// What Authorization makes of a value with a scheme is what
	// IsRedactedAuthorization accepts.
	if v := Authorization("Bearer " + key); !IsRedactedAuthorization(v) {
		t.Errorf("IsRedactedAuthorization(Authorization(...)) = false for %q", v)
	}
}

func TestURL(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{name: "plain", in: "https://api.cloud.zilliz.com/v2/clusters/in01-abc/drop", want: "https://api.cloud.zilliz.com/v2/clusters/in01-abc/drop"},
		{name: "user and password", in: "https://user:pass@h/v2", want: "https://REDACTED@h/v2"},
		{name: "user only", in: "https://user@h/v2", want: "https://REDACTED@h/v2"},
		{name: "query values", in: "https://h/v2?token=abc&b=1&b=2", want: "https://h/v2?b=REDACTED&token=REDACTED"},
		{name: "key in the path", in: "https://h/v2/" + key + "/drop", want: "https://h/v2/REDACTED/drop"},
		{name: "fragment", in: "https://h/v2#access_token=abc", want: "https://h/v2#REDACTED"},
		{name: "does not parse", in: "http://h/%zz/" + key, want: "http://h/%zz/REDACTED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := New(key).URL(tt.in); got != tt.want {
				t.Errorf("URL(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNilSecretsAreSafe(t *testing.T) {
	for name, s := range map[string]*Secrets{"nil": nil, "zero": {}, "empty": New()} {
		t.Run(name, func(t *testing.T) {
			if got := s.String(key); got != key {
				t.Errorf("String = %q", got)
			}
			if got := s.Bytes([]byte(key)); string(got) != key {
				t.Errorf("Bytes = %q", got)
			}
			// Authorization values, user info and query values are hidden
			// even with no secret to look for.
			h := s.Header(http.Header{"Authorization": {"Bearer " + key}})
			if got := h.Get("Authorization"); got != "Bearer REDACTED" {
				t.Errorf("Header: Authorization = %q", got)
			}
			if got := s.URL("https://u:p@h/?q=" + key); got != "https://REDACTED@h/?q=REDACTED" {
				t.Errorf("URL = %q", got)
			}
			err := errors.New(key)
			if got := s.Error(err); got != err {
				t.Errorf("Error = %v, want the same error", got)
			}
			if got := s.Error(nil); got != nil {
				t.Errorf("Error(nil) = %v", got)
			}
		})
	}
}

// leakyErr quotes whatever it is given, as a proxy's error might.
type leakyErr struct{ msg string }

func (e *leakyErr) Error() string { return e.msg }

// timeoutErr is a cause that says it is a timeout, as net errors do.
type timeoutErr struct{ msg string }

func (e *timeoutErr) Error() string { return e.msg }
func (e *timeoutErr) Timeout() bool { return true }

func TestError(t *testing.T) {
	s := New(key)
	opErr := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	tests := []struct {
		name  string
		err   error
		check func(t *testing.T, got error)
	}{
		{
			name: "url.Error stays a url.Error with URL and cause redacted",
			err:  &url.Error{Op: "Delete", URL: "https://h/v2/" + key, Err: fmt.Errorf("proxy said %s: %w", key, opErr)},
			check: func(t *testing.T, got error) {
				var ue *url.Error
				if !errors.As(got, &ue) || got != error(ue) {
					t.Fatalf("got %T, want a *url.Error", got)
				}
				if ue.Op != "Delete" || ue.URL != "https://h/v2/REDACTED" {
					t.Errorf("Op %q URL %q", ue.Op, ue.URL)
				}
				if want := "proxy said REDACTED: dial tcp: connection refused"; ue.Err.Error() != want {
					t.Errorf("cause %q, want %q", ue.Err, want)
				}
				if !errors.Is(got, opErr) {
					t.Errorf("errors.Is lost the *net.OpError: %v", got)
				}
			},
		},
		{
			name: "wrapped deadline still matches context.DeadlineExceeded",
			err:  fmt.Errorf("waiting for %q: %w", "Bearer "+key, context.DeadlineExceeded),
			check: func(t *testing.T, got error) {
				if want := `waiting for "Bearer REDACTED": context deadline exceeded`; got.Error() != want {
					t.Errorf("got %q, want %q", got, want)
				}
				if !errors.Is(got, context.DeadlineExceeded) {
					t.Error("errors.Is(err, context.DeadlineExceeded) = false")
				}
				if errors.Is(got, context.Canceled) {
					t.Error("errors.Is(err, context.Canceled) = true")
				}
			},
		},
		{
			name: "errors.As hands back nothing that quotes the key",
			err:  fmt.Errorf("upstream: %w", &leakyErr{msg: "rejected Bearer " + key}),
			check: func(t *testing.T, got error) {
				var leaky *leakyErr
				if errors.As(got, &leaky) {
					t.Errorf("errors.As handed back %q", leaky.msg)
				}
				var ue *url.Error
				if errors.As(got, &ue) {
					t.Errorf("errors.As invented a *url.Error: %v", ue)
				}
				if errors.Unwrap(got) != nil {
					t.Error("the redacted error unwraps to the original")
				}
			},
		},
		{
			name: "url.Error keeps answering Timeout",
			err:  &url.Error{Op: "Delete", URL: "https://h/", Err: &timeoutErr{msg: "timeout after echoing " + key}},
			check: func(t *testing.T, got error) {
				var ne net.Error
				if !errors.As(got, &ne) || !ne.Timeout() {
					t.Errorf("the redacted error is no longer a timeout: %v", got)
				}
			},
		},
		{
			name: "no secret: the same error",
			err:  fmt.Errorf("plain: %w", opErr),
			check: func(t *testing.T, got error) {
				if got.Error() != "plain: dial tcp: connection refused" {
					t.Errorf("got %q", got)
				}
			},
		},
		{
			name: "no secret in a url.Error: the same error",
			err:  &url.Error{Op: "Delete", URL: "https://h/v2", Err: context.DeadlineExceeded},
			check: func(t *testing.T, got error) {
				if !errors.Is(got, context.DeadlineExceeded) {
					t.Errorf("got %v", got)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := s.Error(tt.err)
			if got == nil {
				t.Fatal("got nil")
			}
			switch quotes := strings.Contains(tt.err.Error(), key); {
			case quotes && got == tt.err:
				t.Errorf("an error that quotes the key came back unchanged: %v", got)
			case !quotes && got != tt.err:
				t.Errorf("an error that quotes no secret was replaced: %T %v", got, got)
			}
			if text := fmt.Sprintf("%v %+v %s", got, got, got); strings.Contains(text, key) {
				t.Errorf("the key survives: %s", text)
			}
			// Walking the chain by Unwrap never meets the original message.
			for e := got; e != nil; e = errors.Unwrap(e) {
				if strings.Contains(e.Error(), key) {
					t.Errorf("a link of the chain quotes the key: %T %v", e, e)
				}
			}
			tt.check(t, got)
		})
	}
	if got := s.Error(nil); got != nil {
		t.Errorf("Error(nil) = %v, want nil", got)
	}
}

func TestValues(t *testing.T) {
	s := New(key)
	in := url.Values{"authorization": {"foo"}, "token": {key}, key: {"v"}}
	got := s.Values(in)
	want := url.Values{"authorization": {"foo"}, "token": {"REDACTED"}, "REDACTED": {"v"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Values = %v, want %v", got, want)
	}
	if in.Get("token") != key {
		t.Error("Values edited its input")
	}
	if s.Values(nil) != nil {
		t.Error("Values(nil) is not nil")
	}
}

// TestSecretsNeverPrint: no fmt verb shows a secret that a Secrets holds,
// nor one of its encodings, even through a struct's unexported field, where
// fmt prints fields without calling any method.
func TestSecretsNeverPrint(t *testing.T) {
	s := New(key)
	type holder struct{ s *Secrets }
	type valueHolder struct{ s Secrets }
	for name, v := range map[string]any{"pointer": s, "value": *s, "field": holder{s}, "value field": valueHolder{*s}} {
		t.Run(name, func(t *testing.T) {
			for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
				out := fmt.Sprintf(verb, v)
				for _, form := range encodings(key) {
					if strings.Contains(out, form) {
						t.Errorf("%s prints %q: %s", verb, form, out)
					}
				}
			}
		})
	}
}

// TestPartialEncodings: a copy of the secret that is only partly escaped,
// escaped in mixed case, or base64-encoded behind a prefix that shifts its
// alignment, or hex-encoded, is hidden too: an echoing server chooses the
// form, and each of these would leave the key readable.
func TestPartialEncodings(t *testing.T) {
	hexUnit := func(c byte, format string) string { return fmt.Sprintf(format, c) }
	for _, secret := range []string{key, "sk-live_A?>~b/c+12xyz", "clé-🔑-unicode-key"} {
		units := utf16.Encode([]rune(secret))
		var mixed, jsonMixed strings.Builder
		for i, c := range []byte(secret) {
			if i%3 == 2 {
				mixed.WriteByte(c)
			} else {
				mixed.WriteString(hexUnit(c, []string{"%%%02x", "%%%02X"}[i%3]))
			}
		}
		for i, r := range []rune(secret) {
			if i%2 == 1 {
				jsonMixed.WriteRune(r)
				continue
			}
			for _, u := range utf16.Encode([]rune{r}) {
				fmt.Fprintf(&jsonMixed, `\u%04x`, u)
			}
		}
		// Exact forms: the whole copy, and nothing around it, is hidden.
		exact := map[string]string{
			"percent, first byte":    hexUnit(secret[0], "%%%02x") + secret[1:],
			"percent, one inner":     secret[:3] + hexUnit(secret[3], "%%%02X") + secret[4:],
			"percent, mixed":         mixed.String(),
			"json, first character":  fmt.Sprintf(`\u%04x`, units[0]) + string(utf16.Decode(units[1:])),
			"json, every other unit": jsonMixed.String(),
			"json, escaped solidus":  strings.ReplaceAll(secret, "/", `\/`),
			"hex":                    fmt.Sprintf("%x", secret),
			"HEX":                    fmt.Sprintf("%X", secret),
		}
		for name, form := range exact {
			t.Run(secret+"/"+name, func(t *testing.T) {
				in := "echo " + form + " end"
				if got, want := New(secret).String(in), "echo REDACTED end"; got != want {
					t.Errorf("String(%q)\n = %q\nwant %q", in, got, want)
				}
			})
		}
		// Base64 behind a prefix: what is left around the placeholder may
		// hold a character or two that mixes the prefix or what follows
		// with the key, but never a run that decodes to any of the key.
		for _, prefix := range []string{"", "u:", "Bearer ", "user:", "x"} {
			for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding} {
				form := enc.EncodeToString([]byte(prefix + secret + "!"))
				t.Run(secret+"/base64 after "+prefix, func(t *testing.T) {
					got := New(secret).String("Basic " + form)
					if !strings.Contains(got, Placeholder) {
						t.Fatalf("String(%q) = %q, hides nothing", form, got)
					}
					// Before the placeholder: the prefix's characters and at
					// most one that mixes it with the key; after it, "!"
					// and the padding.
					before, after, _ := strings.Cut(strings.TrimPrefix(got, "Basic "), Placeholder)
					if len(before) > len(prefix)*4/3+1 || len(after) > 4 {
						t.Errorf("String(%q) = %q keeps %q and %q around the placeholder", form, got, before, after)
					}
				})
			}
		}
	}
}
