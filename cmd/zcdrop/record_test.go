package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/zcdrop/zcdrop/internal/har"
	"github.com/zcdrop/zcdrop/internal/redact"
	"github.com/zcdrop/zcdrop/internal/vcr"
)

// verdicts runs zcdrop conformance --format json on paths and returns each
// interaction's verdict, by file base name and ID, without the file and
// lines, which a conversion moves.
func verdicts(t *testing.T, paths ...string) (map[string]string, int) {
	t.Helper()
	code, stdout, stderr := runCLI(t, append([]string{"conformance", "--format", "json"}, paths...)...)
	if code != exitOK && code != exitFailed {
		t.Fatalf("conformance: exit %d: %s", code, stderr)
	}
	var report struct {
		Interactions []struct {
			File       string `json:"file"`
			ID         int    `json:"id"`
			OK         bool   `json:"ok"`
			Violations []struct {
				Kind, Pointer, Message string
			} `json:"violations"`
		} `json:"interactions"`
	}
	if err := json.Unmarshal([]byte(stdout), &report); err != nil {
		t.Fatalf("conformance: %v\n%s", err, stdout)
	}
	out := map[string]string{}
	for _, in := range report.Interactions {
		name := strings.TrimSuffix(filepath.Base(in.File), filepath.Ext(in.File))
		v, _ := json.Marshal(in.Violations)
		out[fmt.Sprintf("%s #%d", name, in.ID)] = fmt.Sprintf("ok=%v %s", in.OK, v)
	}
	return out, code
}

// convertAll converts each cassette in dir to HAR and back, into out, and
// returns the cassettes written.
func convertAll(t *testing.T, dir, out string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no cassettes in %s (%v)", dir, err)
	}
	var converted []string
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".yaml")
		h, c := filepath.Join(out, name+".har"), filepath.Join(out, name+".yaml")
		for _, args := range [][]string{{f, h}, {h, c}} {
			if code, stdout, stderr := runCLI(t, append([]string{"record", "convert"}, args...)...); code != exitOK || !strings.HasPrefix(stdout, "converted ") {
				t.Fatalf("convert %v: exit %d\n%s%s", args, code, stdout, stderr)
			}
		}
		converted = append(converted, c)
	}
	return converted
}

// decodeFile decodes the cassette at path.
func decodeFile(t *testing.T, path string) *vcr.Cassette {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := vcr.DecodeStrict(data, vcr.Limits{MaxAliasNodes: 10_000, MaxTextBytes: 16 << 20})
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return c
}

// TestRecordConvertKeepsVerdicts converts every shipped and negative
// cassette to HAR and back: the shipped corpus still passes the gate, each
// cassette comes back as it was, and every negative case keeps its
// violations, but the one whose secret the conversion redacts.
func TestRecordConvertKeepsVerdicts(t *testing.T) {
	for _, tt := range []struct {
		dir  string
		want int
	}{{shippedCorpus, exitOK}, {negativeCorpus, exitFailed}} {
		t.Run(filepath.Base(tt.dir), func(t *testing.T) {
			converted := convertAll(t, tt.dir, t.TempDir())
			for _, c := range converted {
				original := decodeFile(t, filepath.Join(tt.dir, filepath.Base(c)))
				got := decodeFile(t, c)
				if strings.Contains(c, "credential-fragment") {
					continue // Redacted on the way, below.
				}
				for i := range original.Interactions {
					original.Interactions[i].ID = i
				}
				if !reflect.DeepEqual(got, original) {
					t.Errorf("%s differs after the round trip", filepath.Base(c))
				}
			}
			before, code := verdicts(t, tt.dir)
			if code != tt.want {
				t.Fatalf("the corpus itself: exit %d, want %d", code, tt.want)
			}
			after, code := verdicts(t, converted...)
			if code != tt.want {
				t.Errorf("converted: exit %d, want %d", code, tt.want)
			}
			if len(after) != len(before) {
				t.Fatalf("%d interactions judged after, %d before", len(after), len(before))
			}
			for k, v := range before {
				if strings.HasPrefix(k, "credential-fragment ") {
					if !strings.HasPrefix(after[k], "ok=true") {
						t.Errorf("%s: the fragment's token is still there after the conversion: %s", k, after[k])
					}
					continue
				}
				if after[k] != v {
					t.Errorf("%s: %s after, %s before", k, after[k], v)
				}
			}
		})
	}
}

// secretCassette writes a cassette whose request carries secrets that the
// conversion must hide, and returns its path.
func secretCassette(t *testing.T, dir string) string {
	t.Helper()
	c := decodeFile(t, filepath.Join(shippedCorpus, "drop-free.yaml"))
	in := c.Interactions[0]
	in.Request.Headers.Set("Authorization", "Bearer "+canaryKey)
	in.Request.URL = "https://user:pa55w0rd@api.cloud.zilliz.com/v2/clusters/in03-2c4e6a8b0d1f3e5/drop?token=t0ps3cr3t#frag-s3cr3t"
	in.Request.Form = map[string][]string{"token": {"t0ps3cr3t"}}
	in.Response.Headers.Set("X-Echo", canaryKey)
	data, err := vcr.Encode(c)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "secret.yaml")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestRecordConvertRedacts converts a recording that holds secrets both
// ways: neither output holds the key, the password, the query's value nor
// the fragment, and the Authorization header keeps its scheme.
func TestRecordConvertRedacts(t *testing.T) {
	for _, viaFile := range []bool{false, true} {
		t.Run(fmt.Sprint("key from a file: ", viaFile), func(t *testing.T) {
			dir := t.TempDir()
			in := secretCassette(t, dir)
			args := []string{"record", "convert"}
			if viaFile {
				t.Setenv("ZILLIZ_API_KEY", "")
				args = append(args, "--api-key-file", writeKeyFile(t, canaryKey))
			} else {
				t.Setenv("ZILLIZ_API_KEY", canaryKey)
			}
			harFile, back := filepath.Join(dir, "out.har"), filepath.Join(dir, "back.yaml")
			outputs := map[string]string{}
			for _, io := range [][]string{{in, harFile}, {harFile, back}} {
				code, stdout, stderr := runCLI(t, append(args, io...)...)
				if code != exitOK {
					t.Fatalf("convert %v: exit %d: %s", io, code, stderr)
				}
				outputs[io[1]+" stdout"], outputs[io[1]+" stderr"] = stdout, stderr
			}
			os.Remove(in) // The input held them on purpose.
			assertNoKey(t, dir, outputs)
			for _, f := range []string{harFile, back} {
				data, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				for _, secret := range []string{"pa55w0rd", "t0ps3cr3t", "frag-s3cr3t"} {
					if bytes.Contains(data, []byte(secret)) {
						t.Errorf("%s holds %q:\n%s", filepath.Base(f), secret, data)
					}
				}
				if !bytes.Contains(data, []byte("Bearer REDACTED")) {
					t.Errorf("%s: the Authorization header lost its scheme:\n%s", filepath.Base(f), data)
				}
			}
			got := decodeFile(t, back).Interactions[0].Request
			if want := "https://REDACTED@api.cloud.zilliz.com/v2/clusters/in03-2c4e6a8b0d1f3e5/drop?token=REDACTED#REDACTED"; got.URL != want {
				t.Errorf("URL %q, want %q", got.URL, want)
			}
			if want := (map[string][]string{"token": {redact.Placeholder}}); !reflect.DeepEqual(map[string][]string(got.Form), want) {
				t.Errorf("form %v, want %v", got.Form, want)
			}
		})
	}
}

// TestRecordConvertRefuses runs conversions that must not happen: each
// exits 2 with a line that says why, and leaves no file behind, nor
// changes the one at OUT.
func TestRecordConvertRefuses(t *testing.T) {
	dir := t.TempDir()
	cassette := filepath.Join(shippedCorpus, "drop-free.yaml")
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	existing := write("existing.har", "keep me")
	target := filepath.Join(dir, "target.har")
	link := filepath.Join(dir, "link.har")
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("cannot make a symbolic link here: %v", err)
	}
	badBase64 := write("bad.har", "{\"log\": {\"entries\": [\n{\"request\": {\"method\": \"GET\", \"url\": \"/\"},\n \"response\": {\"status\": 200, \"content\": {\"encoding\": \"base64\", \"text\": \"***\"}}}]}}")
	empty := write("empty.har", `{"log": {"version": "1.2", "entries": []}}`)
	notCassette := write("notes.txt", "hello\n")
	keyInHAR := write("key.har", `{"log": {"version": "`+canaryKey+`Ab1cD2eF3gH4iJ5kL6", "entries": []}}`)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"OUT exists", []string{cassette, existing}, existing + ": already exists (a file or a link)"},
		{"OUT is a link to nothing", []string{cassette, link}, link + ": already exists (a file or a link)"},
		{"IN missing", []string{filepath.Join(dir, "nope.yaml"), filepath.Join(dir, "out.har")}, "nope.yaml: no such file or directory"},
		{"IN a directory", []string{shippedCorpus, filepath.Join(dir, "out.har")}, "cassettes: is a directory, not a regular file"},
		{"IN neither HAR nor cassette", []string{notCassette, filepath.Join(dir, "out.har")}, "notes.txt: not a go-vcr cassette"},
		{"HAR with bad base64", []string{badBase64, filepath.Join(dir, "out.yaml")}, "bad.har: line 3: log.entries[0].response.content.text: is not valid base64"},
		{"HAR without entries", []string{empty, filepath.Join(dir, "out.yaml")}, "empty.har: holds no entries"},
		{"HAR that quotes a key", []string{keyInHAR, filepath.Join(dir, "out.yaml")}, `key.har: line 1: log.version: is "REDACTED`},
		{"--to the format IN is", []string{"--to", "cassette", cassette, filepath.Join(dir, "out.yaml")}, "is a go-vcr v4 cassette already"},
		{"--to an unknown format", []string{"--to", "ndjson", cassette, filepath.Join(dir, "out")}, `--to must be har or cassette, not "ndjson"`},
		{"OUT empty", []string{cassette, ""}, "IN and OUT must name files; an argument is empty"},
		{"OUT standard output", []string{cassette, "-"}, `OUT must name a file; "-" (standard output) is not one here`},
		{"one operand", []string{cassette}, "want IN and OUT, got 1 arguments"},
		{"a flag after the operands", []string{cassette, filepath.Join(dir, "out.har"), "--to", "har"}, `flags must come before IN and OUT; "--to" came after them`},
		{"a key file that is a directory", []string{"--api-key-file", dir, cassette, filepath.Join(dir, "out.har")}, "--api-key-file " + dir + " is a directory"},
	}
	before := listDir(t, dir)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, append([]string{"record", "convert"}, tt.args...)...)
			if code != exitUsage || stdout != "" {
				t.Errorf("exit %d, stdout %q; want 2 and nothing", code, stdout)
			}
			if want := "zcdrop record convert: "; !strings.HasPrefix(stderr, want) || !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr %q; want it to start %q and say %q", stderr, want, tt.want)
			}
			if strings.Contains(stderr, canaryKey) {
				t.Errorf("stderr quotes the key: %q", stderr)
			}
			if after := listDir(t, dir); !reflect.DeepEqual(after, before) {
				t.Errorf("files %v after, %v before: a refused conversion wrote", after, before)
			}
			if b, _ := os.ReadFile(existing); string(b) != "keep me" {
				t.Errorf("%s was changed to %q", existing, b)
			}
		})
	}
}

// listDir lists the names in dir.
func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// TestRecordConvertInterrupted cancels the conversion: it exits 2, says
// so, and writes nothing, either way.
func TestRecordConvertInterrupted(t *testing.T) {
	dir := t.TempDir()
	harFile := filepath.Join(dir, "in.har")
	if code, _, stderr := runCLI(t, "record", "convert", filepath.Join(shippedCorpus, "business-errors.yaml"), harFile); code != exitOK {
		t.Fatal(stderr)
	}
	for _, in := range []string{filepath.Join(shippedCorpus, "business-errors.yaml"), harFile} {
		t.Run(filepath.Base(in), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			out := filepath.Join(dir, "out-"+filepath.Base(in))
			var stdout, stderr bytes.Buffer
			code := run(ctx, []string{"record", "convert", in, out}, strings.NewReader(""), &stdout, &stderr)
			if code != exitUsage || !strings.Contains(stderr.String(), "interrupted; "+out+" was not written") {
				t.Errorf("exit %d, stderr %q", code, stderr.String())
			}
			if got := listDir(t, dir); !reflect.DeepEqual(got, []string{"in.har"}) {
				t.Errorf("files %v after an interrupt", got)
			}
		})
	}
}

// TestRecordConvertStreamsLargeCassettes converts a cassette over the 4 MiB
// that the gate reads whole as the gate reads it, as a stream, to HAR.
func TestRecordConvertStreamsLargeCassettes(t *testing.T) {
	// drop-free's interaction, as go-vcr lays it out, once for each of
	// enough clusters to pass 4 MiB; yaml.Marshal would take seconds.
	shipped, err := os.ReadFile(filepath.Join(shippedCorpus, "drop-free.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	head, item, ok := strings.Cut(string(shipped[bytes.Index(shipped, []byte("---\n")):]), "interactions:\n")
	if !ok || !strings.HasPrefix(item, "    - id: 0\n") {
		t.Fatalf("drop-free.yaml is not in go-vcr's layout:\n%s", shipped)
	}
	const n = 4200
	var b strings.Builder
	b.WriteString(head + "interactions:\n")
	for i := range n {
		b.WriteString(strings.NewReplacer("- id: 0\n", fmt.Sprintf("- id: %d\n", i),
			"in03-2c4e6a8b0d1f3e5", fmt.Sprintf("in03-%015x", i)).Replace(item))
	}
	data := []byte(b.String())
	if len(data) <= 4<<20 {
		t.Fatalf("the cassette is %d bytes, not over 4 MiB", len(data))
	}
	dir := t.TempDir()
	big, harFile := filepath.Join(dir, "big.yaml"), filepath.Join(dir, "big.har")
	if err := os.WriteFile(big, data, 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "record", "convert", big, harFile)
	if want := fmt.Sprintf("converted %d interactions", n); code != exitOK || !strings.HasPrefix(stdout, want) {
		t.Fatalf("exit %d, %q%s; want %q", code, stdout, stderr, want)
	}
	f, err := os.Open(harFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	first := decodeFile(t, filepath.Join(shippedCorpus, "drop-free.yaml")).Interactions[0]
	i := 0
	err = har.Each(f, har.DefaultLimits(), func(_ int, in *vcr.Interaction) error {
		want := fmt.Sprintf("https://api.cloud.zilliz.com/v2/clusters/in03-%015x/drop", i)
		if i == 0 {
			w := *first
			w.Request.URL = want
			w.Response.Body = strings.Replace(w.Response.Body, "in03-2c4e6a8b0d1f3e5", "in03-000000000000000", 1)
			if !reflect.DeepEqual(in.Request.Headers, w.Request.Headers) || !reflect.DeepEqual(in.Response.Headers, w.Response.Headers) ||
				in.Response.Body != w.Response.Body || in.Response.ContentLength != w.Response.ContentLength || in.Request.Host != w.Request.Host {
				t.Errorf("the first interaction differs: %+v, want %+v", in, w)
			}
		}
		if in.ID != i || in.Request.URL != want {
			t.Errorf("interaction %d: #%d %s, want %s", i, in.ID, in.Request.URL, want)
		}
		i++
		return nil
	})
	if err != nil || i != n {
		t.Errorf("read %d entries back, %v", i, err)
	}
}

// TestRecordHelp checks the record command's own dispatch.
func TestRecordHelp(t *testing.T) {
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"record"}, exitUsage, "Usage: zcdrop record convert "},
		{[]string{"record", "--help"}, exitOK, "Usage: zcdrop record convert "},
		{[]string{"record", "convert", "--help"}, exitOK, "Usage: zcdrop record convert "},
		{[]string{"record", "replay"}, exitUsage, `zcdrop record: unknown command "replay"; the one record command is convert`},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			if code != tt.code || stdout != "" || !strings.HasPrefix(stderr, tt.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d and stderr starting %q", code, stdout, stderr, tt.code, tt.want)
			}
		})
	}
	if code, stdout, _ := runCLI(t, "help"); code != exitOK || !strings.Contains(stdout, "zcdrop record convert [--to har|cassette] IN OUT") {
		t.Errorf("zcdrop help does not list record convert:\n%s", stdout)
	}
}
