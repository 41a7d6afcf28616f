package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const (
	shippedCorpus  = "testdata/cassettes"
	negativeCorpus = "testdata/negative"
	// Cassettes that go-vcr reads and the gate refuses to.
	unreadableCorpus = "testdata/unreadable"
	// A cassette from the shipped corpus, used as a known-good base.
	dedicatedCassette = "testdata/cassettes/drop-dedicated.yaml"
)

func newTestValidator(t testing.TB) *Validator {
	t.Helper()
	v, err := NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// writeFile writes content to name under dir and returns its path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestShippedCorpusConforms(t *testing.T) {
	results, err := newTestValidator(t).CheckCassettes(context.Background(), shippedCorpus)
	if err != nil {
		t.Fatal(err)
	}
	statuses := map[int]bool{}
	for _, r := range results {
		statuses[r.StatusCode] = true
		if !r.OK || len(r.Violations) != 0 {
			t.Errorf("%s #%d %s %s: want PASS, got %v", r.File, r.ID, r.Method, r.URL, r.Violations)
		}
		if r.Violations == nil {
			t.Errorf("%s #%d: Violations is nil; the JSON report needs []", r.File, r.ID)
		}
	}
	// The corpus must keep covering every kind of answer the spec declares.
	for _, want := range []int{200, 401, 429, 500, 502, 503} {
		if !statuses[want] {
			t.Errorf("the shipped corpus has no HTTP %d interaction", want)
		}
	}
	if len(results) < 15 {
		t.Errorf("got %d interactions, want at least 15 (3 drops, 7 business errors, 401, 429, 500, 502, 503)", len(results))
	}
}

// wantViolation is what a negative cassette must produce: exact kind and
// pointer, and a substring of the message.
type wantViolation struct {
	kind    Kind
	pointer string
	message string
}

func TestNegativeCorpusFails(t *testing.T) {
	const credential = "holds what looks like a credential"
	tests := map[string][]wantViolation{
		"code-zero-without-data.yaml": {{KindResponse, "/data", `property "data" is missing`}},
		"code-as-string.yaml":         {{KindResponse, "/code", "value must be of type integer"}},
		"missing-cluster-id.yaml":     {{KindResponse, "/data/clusterId", `property "clusterId" is missing`}},
		"wrong-types.yaml": {
			{KindResponse, "/data/clusterId", "value must be a string"},
			{KindResponse, "/data/prompt", "value must be a string"},
		},
		"error-without-message.yaml": {{KindResponse, "/message", `property "message" is missing (closest oneOf branch: ErrorEnvelope)`}},
		"undeclared-status-302.yaml": {{KindResponse, "", "status 302 is not declared (declared: 200, 401, 4XX, 5XX)"}},
		"undeclared-status-204.yaml": {{KindResponse, "", "status 204 is not declared (declared: 200, 401, 4XX, 5XX)"}},
		"html-on-200.yaml":           {{KindResponse, PointerContentType, `"text/html" is not declared for status 200 (declared: application/json)`}},
		"missing-content-type.yaml":  {{KindResponse, PointerContentType, "missing (declared for status 200: application/json)"}},
		"truncated-json.yaml":        {{KindResponse, "", "body is not valid JSON, or holds more than one JSON value"}},
		"echo-differs.yaml": {{KindSemantic, "/data/clusterId",
			`echoes cluster "in01-000000000000000", but the request dropped "in01-6183d6bac30f801"`}},
		"wrong-method-post.yaml": {
			{KindRequest, PointerMethod, "method POST is not allowed on /v2/clusters/in01-6183d6bac30f801/drop; the response was not checked"},
		},
		"missing-authorization.yaml": {{KindSemantic, PointerAuthorization, "missing: the operation requires a Bearer API key"}},
		"content-length-header-differs.yaml": {{KindResponse, PointerContentLength,
			"says 120 bytes, but the recorded body holds 303; the recording is not what was sent"}},
		"content-length-field-differs.yaml": {{KindResponse, PointerContentLength,
			"recorded content_length says 120 bytes, but the recorded body holds 303"}},
		"credential-x-api-key.yaml":       {{KindSemantic, "header/X-Api-Key", "request header " + credential}},
		"credential-cookie.yaml":          {{KindSemantic, "header/Cookie", "request header " + credential}},
		"credential-response-header.yaml": {{KindSemantic, "header/X-Echo", "response header " + credential}},
		"credential-hex-key-echoed.yaml":  {{KindSemantic, "header/X-Echo", "response header " + credential}},
		"credential-response-body.yaml":   {{KindSemantic, "", "response body " + credential}},
		"credential-fragment.yaml":        {{KindSemantic, PointerURL, "fragment " + credential}},
		// The false successes of issue 8: encoding/json reads each as code 0.
		"code-case-variant.yaml": {{KindSemantic, "/CODE", `differs from "code" only in case`}},
		"code-null.yaml":         {{KindResponse, "/code", "value must be of type integer"}},
		"code-duplicate.yaml":    {{KindResponse, "/code", "appears more than once"}},
		// A lenient reader takes the first of two values, or 0.0 for 0.
		"two-json-values.yaml": {{KindResponse, "", "holds more than one JSON value or text after it; the client reads it as an unexpected answer"}},
		"code-float.yaml":      {{KindResponse, "/code", "is not written as an integer; the client reads only an integer literal"}},
		// Describe Cluster's answers, which a waiter reads.
		"describe-status-missing.yaml":         {{KindResponse, "/data/status", `property "status" is missing`}},
		"describe-status-not-string.yaml":      {{KindResponse, "/data/status", "value must be a string"}},
		"describe-code-zero-without-data.yaml": {{KindResponse, "/data", `property "data" is missing`}},
		"describe-html-on-200.yaml":            {{KindResponse, PointerContentType, `"text/html" is not declared for status 200 (declared: application/json)`}},
		"describe-echo-differs.yaml": {{KindSemantic, "/data/clusterId",
			`echoes cluster "in01-000000000000000", but the request described "in01-6183d6bac30f801"`}},
	}

	// Every negative cassette needs a verdict here, so that none is added
	// without saying what it proves.
	entries, err := os.ReadDir(negativeCorpus)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if _, ok := tests[e.Name()]; !ok {
			t.Errorf("%s/%s has no expected verdict in this test", negativeCorpus, e.Name())
		}
	}

	v := newTestValidator(t)
	for name, want := range tests {
		t.Run(strings.TrimSuffix(name, ".yaml"), func(t *testing.T) {
			results, err := v.CheckCassettes(context.Background(), filepath.Join(negativeCorpus, name))
			if err != nil {
				t.Fatal(err)
			}
			if len(results) != 1 {
				t.Fatalf("got %d interactions, want 1 per negative cassette", len(results))
			}
			checkViolations(t, results[0], want)
		})
	}
}

// checkViolations fails unless r is a FAIL with exactly the violations want
// describes, in order.
func checkViolations(t *testing.T, r Result, want []wantViolation) {
	t.Helper()
	if r.OK {
		t.Fatalf("want FAIL, got PASS")
	}
	if len(r.Violations) != len(want) {
		t.Fatalf("got %d violations %v, want %d", len(r.Violations), r.Violations, len(want))
	}
	for i, w := range want {
		got := r.Violations[i]
		if got.Kind != w.kind || got.Pointer != w.pointer || !strings.Contains(got.Message, w.message) {
			t.Errorf("violation %d: got %q, want kind %q, pointer %q, message containing %q",
				i, got, w.kind, w.pointer, w.message)
		}
	}
}

// TestUnreadableCorpusRefused: each cassette of testdata/unreadable is one
// that go-vcr reads (internal/vcr's tests prove it) and that the gate
// refuses, since what it would check is not what the file says.
func TestUnreadableCorpusRefused(t *testing.T) {
	tests := map[string]string{
		"second-document.yaml": "holds more than one YAML document; a cassette is one, and go-vcr would read only the first",
		"version-missing.yaml": `unsupported cassette format: no "version" key; want go-vcr v4 format "version: 2"`,
		"version-null.yaml":    `unsupported cassette format: "version" is null; want go-vcr v4 format "version: 2"`,
		"version-float.yaml":   `unsupported cassette format: "version" is not an integer (a !!float); want go-vcr v4 format "version: 2"`,
	}
	entries, err := os.ReadDir(unreadableCorpus)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if _, ok := tests[e.Name()]; !ok {
			t.Errorf("%s/%s has no expected error in this test", unreadableCorpus, e.Name())
		}
	}
	v := newTestValidator(t)
	for name, want := range tests {
		t.Run(strings.TrimSuffix(name, ".yaml"), func(t *testing.T) {
			p := filepath.Join(unreadableCorpus, name)
			results, err := v.CheckCassettes(context.Background(), dedicatedCassette, p)
			var ce *CassetteError
			if !errors.As(err, &ce) || results != nil {
				t.Fatalf("got %d results and %v, want no results and a *CassetteError", len(results), err)
			}
			if ce.File != p || !strings.Contains(err.Error(), want) {
				t.Errorf("got %q, want it to name %s and say %q", err, p, want)
			}
		})
	}
}

func TestCheckCassettesResultFields(t *testing.T) {
	results, err := newTestValidator(t).CheckCassettes(context.Background(), "testdata/cassettes/server-errors.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := []Result{
		{File: "testdata/cassettes/server-errors.yaml", ID: 0, Line: 12, Method: "DELETE",
			URL: "https://api.cloud.zilliz.com/v2/clusters/in01-6183d6bac30f801/drop", StatusCode: 500, OK: true, Violations: []Violation{}},
		{File: "testdata/cassettes/server-errors.yaml", ID: 1, Line: 40, Method: "DELETE",
			URL: "https://api.cloud.zilliz.com/v2/clusters/in01-6183d6bac30f801/drop", StatusCode: 503, OK: true, Violations: []Violation{}},
	}
	got, _ := json.Marshal(results)
	wantJSON, _ := json.Marshal(want)
	if string(got) != string(wantJSON) {
		t.Errorf("got  %s\nwant %s", got, wantJSON)
	}
}

func TestCheckCassettesOrder(t *testing.T) {
	dir := t.TempDir()
	base := readFile(t, dedicatedCassette)
	// Written out of order, with both extensions, in nested directories,
	// through a symlink, and beside files that are not cassettes.
	writeFile(t, dir, "b/2.yml", base)
	writeFile(t, dir, "a.yaml", base)
	writeFile(t, dir, "b/1.YAML", base)
	writeFile(t, dir, "README.md", "not a cassette")
	// A link to a file of its own: a link to a.yaml would be read once.
	if err := os.Symlink(writeFile(t, t.TempDir(), "elsewhere.yaml", base), filepath.Join(dir, "c.yaml")); err != nil {
		t.Fatal(err)
	}
	single := writeFile(t, t.TempDir(), "single.yml", base)

	results, err := newTestValidator(t).CheckCassettes(context.Background(), single, dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range results {
		got = append(got, r.File)
		if !r.OK {
			t.Errorf("%s: want PASS, got %v", r.File, r.Violations)
		}
	}
	want := []string{single, filepath.Join(dir, "a.yaml"), filepath.Join(dir, "b/1.YAML"), filepath.Join(dir, "b/2.yml"), filepath.Join(dir, "c.yaml")}
	if !slices.Equal(got, want) {
		t.Errorf("got files %q, want %q", got, want)
	}
}

func TestCheckCassettesCanonicalizesHeaderNames(t *testing.T) {
	// Recordings made by other tools may spell header names in lower case.
	lower := strings.NewReplacer("Authorization:", "authorization:", "Content-Type:", "content-type:").
		Replace(readFile(t, dedicatedCassette))
	p := writeFile(t, t.TempDir(), "lower.yaml", lower)
	results, err := newTestValidator(t).CheckCassettes(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 1 || !results[0].OK {
		t.Errorf("want one PASS, got %+v", results)
	}
}

func TestCheckCassettesUnreadable(t *testing.T) {
	good := readFile(t, dedicatedCassette)
	dir := t.TempDir()
	emptyDir := filepath.Join(dir, "empty")
	if err := os.Mkdir(emptyDir, 0o755); err != nil {
		t.Fatal(err)
	}
	noCassettes := filepath.Dir(writeFile(t, dir, "docs/notes.txt", "version: 2"))
	tests := []struct {
		name    string
		path    string // the input, and the file the error must name
		wantErr string
	}{
		{"missing path", filepath.Join(dir, "nope.yaml"), "no such file or directory"},
		{"not yaml", writeFile(t, dir, "main.yaml", "package main\n\nfunc main() {}\n"), "not a go-vcr cassette"},
		{"broken yaml", writeFile(t, dir, "broken.yaml", "version: [\n"), "not a go-vcr cassette"},
		{"format version 1", writeFile(t, dir, "v1.yaml", strings.Replace(good, "version: 2", "version: 1", 1)),
			`unsupported cassette format: want go-vcr v4 format "version: 2"`},
		{"no interactions", writeFile(t, dir, "none.yaml", "version: 2\ninteractions: []\n"), "cassette holds no interactions"},
		{"yaml that is not a cassette", writeFile(t, dir, "openapi.yaml", "openapi: 3.0.3\ninfo: {title: x}\n"), `no "version" key`},
		{"empty file", writeFile(t, dir, "empty.yaml", ""), "holds no YAML document"},
		{"null interaction", writeFile(t, dir, "null.yaml", "version: 2\ninteractions:\n  - ~\n"), "interactions[0]: empty interaction"},
		{"no method", writeFile(t, dir, "nomethod.yaml", strings.Replace(good, "method: DELETE", "method: ''", 1)),
			"interactions[0]: request has no method"},
		{"no url", writeFile(t, dir, "nourl.yaml", strings.Replace(good, "url: https:", "xurl: https:", 1)),
			"interactions[0]: request has no url"},
		{"bad url", writeFile(t, dir, "badurl.yaml", strings.Replace(good, "url: https://api.cloud.zilliz.com", "url: http://[::1", 1)),
			"interactions[0]: request url cannot be parsed"},
		{"no status", writeFile(t, dir, "nostatus.yaml", strings.Replace(good, "code: 200", "code: 0", 1)),
			"interactions[0]: response has no status code"},
		{"too large, and its head not a cassette's", writeFile(t, dir, "large.yaml", "version: 2\n#"+strings.Repeat("x", MaxCassetteBytes)),
			`is larger than 4194304 bytes (4 MiB), so it is read an interaction at a time, which needs "version: 2", then "interactions:" and its items in block style: line 2: a line is longer than 4194304 bytes`},
		{"link to a directory", symlink(t, emptyDir, filepath.Join(dir, "dir.yaml")), "is a directory, not a regular file"},
		{"empty directory", emptyDir, "directory holds no *.yaml, *.yml or *.har files"},
		{"directory without cassettes", noCassettes, "directory holds no *.yaml, *.yml or *.har files"},
	}
	v := newTestValidator(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A good cassette first: nothing may be reported for it either.
			results, err := v.CheckCassettes(context.Background(), dedicatedCassette, tt.path)
			if results != nil {
				t.Errorf("got %d results with an unreadable input, want none", len(results))
			}
			var ce *CassetteError
			if !errors.As(err, &ce) {
				t.Fatalf("got error %v, want a *CassetteError", err)
			}
			if ce.File != tt.path {
				t.Errorf("error names %q, want %q", ce.File, tt.path)
			}
			if msg := err.Error(); !strings.Contains(msg, tt.path) || !strings.Contains(msg, tt.wantErr) {
				t.Errorf("got %q, want it to name %q and say %q", msg, tt.path, tt.wantErr)
			}
		})
	}
}

// symlink makes link point at target and returns link.
func symlink(t *testing.T, target, link string) string {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("no symlinks here: %v", err)
	}
	return link
}

func TestCheckCassettesNoPaths(t *testing.T) {
	results, err := newTestValidator(t).CheckCassettes(context.Background())
	if err == nil || results != nil {
		t.Errorf("got %v, %v; want an error and no results", results, err)
	}
}

func TestCheckCassettesStopsWhenCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	results, err := newTestValidator(t).CheckCassettes(ctx, shippedCorpus)
	if !errors.Is(err, context.Canceled) || results != nil {
		t.Errorf("got %d results, %v; want none and context.Canceled", len(results), err)
	}
}

func TestCorporaAreLabelledAndRedacted(t *testing.T) {
	for _, dir := range []string{shippedCorpus, negativeCorpus, unreadableCorpus} {
		files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
		if err != nil || len(files) == 0 {
			t.Fatalf("%s: no cassettes (%v)", dir, err)
		}
		for _, f := range files {
			t.Run(f, func(t *testing.T) {
				text := readFile(t, f)
				if !strings.HasPrefix(text, "# ") || !strings.Contains(strings.SplitN(text, "---", 2)[0], "TRANSCRIBED") {
					t.Error("must open with a comment saying it is TRANSCRIBED, not captured live")
				}
				for line := range strings.Lines(text) {
					if strings.HasPrefix(strings.TrimSpace(line), "- Bearer ") && strings.TrimSpace(line) != "- Bearer REDACTED" {
						t.Errorf("unredacted Authorization: %s", line)
					}
				}
			})
		}
	}
}

// FuzzCheckCassettes feeds arbitrary files to the cassette reader: whatever
// the bytes, it returns results or a *CassetteError, and never panics.
func FuzzCheckCassettes(f *testing.F) {
	seeds := []string{dedicatedCassette, "testdata/cassettes/business-errors.yaml", "testdata/negative/truncated-json.yaml"}
	// The hostile cassettes of issue 8: false successes, leaked credentials,
	// lengths that lie, and files the gate must refuse to read.
	for _, glob := range []string{"testdata/negative/code-*.yaml", "testdata/negative/credential-*.yaml",
		"testdata/negative/content-length-*.yaml", unreadableCorpus + "/*.yaml"} {
		files, err := filepath.Glob(glob)
		if err != nil || len(files) == 0 {
			f.Fatalf("%s: no seeds (%v)", glob, err)
		}
		seeds = append(seeds, files...)
	}
	for _, seed := range seeds {
		b, err := os.ReadFile(seed)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("version: 2\ninteractions:\n  - ~\n"))
	f.Add([]byte(aliasCassette(100, 50)))
	f.Add([]byte("version: 2\na: &a [x, x]\nb: &b [*a, *a]\ninteractions: [{response: {body: *b}}]\n"))
	f.Add([]byte("version: 2\ninteractions:\n  - &i {id: 0, request: {method: DELETE, url: 'https://h/#t'}, response: {code: 200}}\n  - *i\n"))
	v, err := NewValidator()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "fuzz.yaml")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		results, err := v.CheckCassettes(context.Background(), p)
		var ce *CassetteError
		switch {
		case err != nil && !errors.As(err, &ce):
			t.Fatalf("error %v is not a *CassetteError", err)
		case err == nil && len(results) == 0:
			t.Fatal("no error and no results")
		}
		for _, r := range results {
			if r.OK != (len(r.Violations) == 0) {
				t.Fatalf("OK is %v with violations %v", r.OK, r.Violations)
			}
		}
	})
}

func TestGateFlagsRecordedKeysAndHidesQueryValues(t *testing.T) {
	base, err := os.ReadFile(dedicatedCassette)
	if err != nil {
		t.Fatal(err)
	}
	const key = "sk-LIVEKEY-0123456789abcdef"
	leaked := strings.Replace(string(base), "Bearer REDACTED", "Bearer "+key, 1)
	leaked = strings.Replace(leaked, "/drop\n", "/drop?apikey="+key+"\n", 1)
	leaked = strings.Replace(leaked, "https://api.cloud", "https://user:"+key+"@api.cloud", 1)
	if leaked == string(base) || !strings.Contains(leaked, "?apikey=") || !strings.Contains(leaked, "user:"+key) {
		t.Fatal("the test cassette was not altered as intended")
	}
	p := filepath.Join(t.TempDir(), "leaked.yaml")
	if err := os.WriteFile(p, []byte(leaked), 0o644); err != nil {
		t.Fatal(err)
	}
	results, err := newTestValidator(t).CheckCassettes(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteReport(&buf, FormatJSON, results); err != nil {
		t.Fatal(err)
	}
	report := buf.String()
	if strings.Contains(report, key) {
		t.Errorf("the report shows the key:\n%s", report)
	}
	for _, want := range []string{`"pointer":"header/Authorization"`, "holds what looks like a real key", `?apikey=REDACTED`, `"pointer":"query"`,
		`"url":"https://REDACTED@api.cloud`, `"pointer":"url"`, "carries a user or password"} {
		if !strings.Contains(strings.ReplaceAll(report, `": "`, `":"`), want) {
			t.Errorf("report lacks %s:\n%s", want, report)
		}
	}
}

// TestUnparsableURLIsNotQuoted: a recorded URL that failed to parse was
// quoted whole in the error, its user, password and query with it.
func TestUnparsableURLIsNotQuoted(t *testing.T) {
	const canary = "sk-LIVE-Q2x9Lm4Tz8Kp1Vw7Rj5N"
	s := strings.Replace(readFile(t, dedicatedCassette),
		"url: https://api.cloud.zilliz.com/v2/clusters/in01-6183d6bac30f801/drop",
		"url: https://user:"+canary+"@api.cloud.zilliz.com:port/v2/clusters/in01-6183d6bac30f801/drop?key="+canary, 1)
	p := writeFile(t, t.TempDir(), "bad-url.yaml", s)
	_, err := newTestValidator(t).CheckCassettes(context.Background(), p)
	var ce *CassetteError
	if !errors.As(err, &ce) || strings.Contains(err.Error(), canary) || !strings.Contains(err.Error(), "interactions[0]: request url cannot be parsed") {
		t.Fatalf("got %v, want a *CassetteError that says the url cannot be parsed and quotes none of it", err)
	}
}

// TestViolationsPointAtTheirLine: each violation of the negative corpus
// that names a header, the body, the method, the URL or the status points
// at the line of the cassette that holds it.
func TestViolationsPointAtTheirLine(t *testing.T) {
	results, err := newTestValidator(t).CheckCassettes(context.Background(), "testdata/negative")
	if err != nil {
		t.Fatal(err)
	}
	located := 0
	for _, r := range results {
		lines := strings.Split(readFile(t, r.File), "\n")
		for _, v := range r.Violations {
			if v.Line == 0 {
				continue
			}
			located++
			if v.Line < r.Line || v.Line > len(lines) {
				t.Errorf("%s #%d: %s at line %d, outside the interaction (from line %d)", r.File, r.ID, v, v.Line, r.Line)
				continue
			}
			line := strings.TrimSpace(lines[v.Line-1])
			var want string
			switch {
			case v.Pointer == PointerMethod:
				want = "method:"
			case v.Pointer == PointerURL || v.Pointer == PointerPath || v.Pointer == PointerQuery || strings.HasPrefix(v.Pointer, "path/"):
				want = "url:"
			case strings.HasPrefix(v.Pointer, "header/"):
				want = ""
				if !strings.EqualFold(strings.TrimSuffix(line, ":"), strings.TrimPrefix(v.Pointer, "header/")) {
					t.Errorf("%s #%d: %s at line %d, which says %q", r.File, r.ID, v, v.Line, line)
				}
			case v.Pointer == "" && v.Kind == KindResponse && strings.HasPrefix(v.Message, "status "):
				want = "code:"
			default:
				want = "body:"
			}
			if want != "" && !strings.HasPrefix(line, want) {
				t.Errorf("%s #%d: %s at line %d, which says %q; want %q", r.File, r.ID, v, v.Line, line, want)
			}
		}
	}
	if located < len(results)/2 {
		t.Errorf("located %d violations in %d failing interactions; want most of them", located, len(results))
	}
}
