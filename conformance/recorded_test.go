package conformance

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// recordedKey is a canary in the shape of a random key; recordedHexKey is
// one that only its place can give away.
const (
	recordedKey    = "sk-LIVE-Q2x9Lm4Tz8Kp1Vw7Rj5N"
	recordedHexKey = "9f86d081884c7d659a2feaa0c55ad015"
)

// edit is a change to the text of the dedicated cassette.
type edit struct{ old, new string }

// withEdits returns the dedicated cassette with each edit made once; it
// fails the test when an edit finds nothing to change.
func withEdits(t *testing.T, edits ...edit) string {
	t.Helper()
	s := readFile(t, dedicatedCassette)
	for _, e := range edits {
		if !strings.Contains(s, e.old) {
			t.Fatalf("the cassette has no %q", e.old)
		}
		s = strings.Replace(s, e.old, e.new, 1)
	}
	return s
}

const (
	requestHeaders  = "            Accept:\n                - application/json\n"
	responseHeaders = "            Content-Type:\n                - application/json\n"
	prompt          = "The cluster has been deleted."
)

// addHeader adds a header to the request (or, after Content-Type, the
// response) of the dedicated cassette.
func addHeader(after, name, value string) edit {
	return edit{after, after + "            " + name + ":\n                - '" + strings.ReplaceAll(value, "'", "''") + "'\n"}
}

// inBody puts s into the response body, keeping its recorded length true.
func inBody(s string) []edit {
	return []edit{
		{prompt, prompt + " " + s},
		{"content_length: 303", "content_length: " + strconv.Itoa(303+1+len(s))},
	}
}

// TestGateFlagsCredentialsAnywhere: a key in X-Api-Key, a Cookie, any
// header, a body or a URL fragment passed the gate, and the fragment was
// printed in its report.
func TestGateFlagsCredentialsAnywhere(t *testing.T) {
	const credential = " holds what looks like a credential; recordings must not hold credentials"
	tests := []struct {
		name  string
		edits []edit
		want  wantViolation
	}{
		{"X-Api-Key", []edit{addHeader(requestHeaders, "X-Api-Key", recordedHexKey)},
			wantViolation{KindSemantic, "header/X-Api-Key", "request header" + credential}},
		{"a key redacted in part", []edit{addHeader(requestHeaders, "X-Api-Key", "REDACTED-"+recordedHexKey[:16])},
			wantViolation{KindSemantic, "header/X-Api-Key", "request header" + credential}},
		{"one cookie of two redacted", []edit{addHeader(requestHeaders, "Cookie", "a=REDACTED; b="+recordedHexKey)},
			wantViolation{KindSemantic, "header/Cookie", "request header" + credential}},
		{"lower-case name", []edit{addHeader(requestHeaders, "x-auth-token", recordedHexKey)},
			wantViolation{KindSemantic, "header/X-Auth-Token", "request header" + credential}},
		{"Cookie", []edit{addHeader(requestHeaders, "Cookie", "theme=dark; session="+recordedHexKey)},
			wantViolation{KindSemantic, "header/Cookie", "request header" + credential}},
		{"Proxy-Authorization", []edit{addHeader(requestHeaders, "Proxy-Authorization", "Basic "+recordedHexKey)},
			wantViolation{KindSemantic, "header/Proxy-Authorization", "request header" + credential}},
		{"a scheme in any header", []edit{addHeader(requestHeaders, "X-Forwarded-Auth-For", "Bearer "+recordedHexKey)},
			wantViolation{KindSemantic, "header/X-Forwarded-Auth-For", "request header" + credential}},
		{"a random token in any header", []edit{addHeader(requestHeaders, "X-Trace", recordedKey)},
			wantViolation{KindSemantic, "header/X-Trace", "request header" + credential}},
		{"a header named like a key", []edit{addHeader(requestHeaders, recordedKey, "1")},
			wantViolation{KindSemantic, "header", "request header" + credential}},
		{"Set-Cookie", []edit{addHeader(responseHeaders, "Set-Cookie", "sid="+recordedHexKey+"; Path=/; HttpOnly")},
			wantViolation{KindSemantic, "header/Set-Cookie", "response header" + credential}},
		{"an echo in a response header", []edit{addHeader(responseHeaders, "X-Echo", "Token "+recordedHexKey)},
			wantViolation{KindSemantic, "header/X-Echo", "response header" + credential}},
		{"a hexadecimal key echoed in any header", []edit{addHeader(responseHeaders, "X-Echo", recordedHexKey)},
			wantViolation{KindSemantic, "header/X-Echo", "response header" + credential}},
		{"a hexadecimal key in a body", inBody("(key " + recordedHexKey + ")"),
			wantViolation{KindSemantic, "", "response body" + credential}},
		{"response body", inBody("(key " + recordedKey + ")"),
			wantViolation{KindSemantic, "", "response body" + credential}},
		{"response status", []edit{{"status: 200 OK", "status: 200 " + recordedKey}},
			wantViolation{KindSemantic, "", "response status line" + credential}},
		{"response trailer", []edit{{"        status: 200 OK", "        trailer:\n            X-Session:\n                - " + recordedHexKey + "\n        status: 200 OK"}},
			wantViolation{KindSemantic, "trailer/X-Session", "response trailer" + credential}},
		{"fragment token", []edit{{"/drop\n", "/drop#" + recordedKey + "\n"}},
			wantViolation{KindSemantic, PointerURL, "fragment" + credential}},
		{"fragment parameter", []edit{{"/drop\n", "/drop#state=1&access_token=" + recordedHexKey + "\n"}},
			wantViolation{KindSemantic, PointerURL, "fragment" + credential}},
	}
	v := newTestValidator(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeFile(t, t.TempDir(), "leak.yaml", withEdits(t, tt.edits...))
			results, err := v.CheckCassettes(context.Background(), p)
			if err != nil {
				t.Fatal(err)
			}
			checkViolations(t, results[0], []wantViolation{tt.want})
			for _, f := range []Format{FormatText, FormatJSON, FormatJUnit} {
				var buf bytes.Buffer
				if err := WriteReport(&buf, f, results); err != nil {
					t.Fatal(err)
				}
				if out := buf.String(); strings.Contains(out, recordedKey) || strings.Contains(out, recordedHexKey) {
					t.Errorf("the %s report shows the key:\n%s", f, out)
				}
			}
		})
	}
}

// TestReportHidesFragment: a report shows where a fragment was, never what
// it held.
func TestReportHidesFragment(t *testing.T) {
	p := writeFile(t, t.TempDir(), "fragment.yaml", withEdits(t, edit{"/drop\n", "/drop#note\n"}))
	results, err := newTestValidator(t).CheckCassettes(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := results[0].URL, "https://api.cloud.zilliz.com/v2/clusters/in01-6183d6bac30f801/drop#REDACTED"; got != want {
		t.Errorf("URL %q, want %q", got, want)
	}
}

// TestGateKeepsFalsePositivesLow: values that name or resemble credentials
// without being one pass.
func TestGateKeepsFalsePositivesLow(t *testing.T) {
	tests := []struct {
		name  string
		edits []edit
	}{
		{"redacted X-Api-Key", []edit{addHeader(requestHeaders, "X-Api-Key", "REDACTED")}},
		{"a redacted key=value", []edit{addHeader(requestHeaders, "X-Api-Key", "key=REDACTED")}},
		{"empty X-Api-Key", []edit{addHeader(requestHeaders, "X-Api-Key", "")}},
		{"redacted cookies", []edit{addHeader(requestHeaders, "Cookie", "theme=REDACTED; session=REDACTED")}},
		{"redacted Set-Cookie", []edit{addHeader(responseHeaders, "Set-Cookie", "sid=REDACTED; Path=/; Max-Age=3600; HttpOnly; Secure")}},
		{"a scheme and REDACTED", []edit{addHeader(requestHeaders, "X-Upstream-Authorization", "Bearer REDACTED")}},
		{"a challenge", []edit{addHeader(responseHeaders, "Www-Authenticate", `Bearer realm="zilliz", error="invalid_token"`)}},
		{"a hexadecimal request id", []edit{addHeader(responseHeaders, "X-Request-Id", recordedHexKey)}},
		{"an upper-case request id", []edit{addHeader(responseHeaders, "X-Amzn-Requestid", "9F86D081884C7D659A2FEAA0C55AD015")}},
		{"a trace", []edit{addHeader(requestHeaders, "Traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")}},
		{"an ETag", []edit{addHeader(responseHeaders, "Etag", `"`+recordedHexKey+`"`)}},
		{"a digest", []edit{addHeader(responseHeaders, "Content-Md5", recordedHexKey)}},
		{"a date", []edit{addHeader(responseHeaders, "Date", "Mon, 02 Jan 2006 15:04:05 GMT")}},
		{"HSTS", []edit{addHeader(responseHeaders, "Strict-Transport-Security", "max-age=31536000; includeSubDomains")}},
		{"a user agent", []edit{addHeader(requestHeaders, "User-Agent", "zcdrop/1.0 (+https://github.com/zcdrop/zcdrop) Go-http-client/1.1")}},
		{"a charset", []edit{addHeader(requestHeaders, "Accept-Charset", "utf-8")}},
		{"prose and links in a body", inBody("See https://docs.zilliz.com/reference/restful/Drop-Cluster-V2 on Bearer token use.")},
		{"a fragment of no credential", []edit{{"/drop\n", "/drop#section-2\n"}}},
	}
	v := newTestValidator(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeFile(t, t.TempDir(), "ok.yaml", withEdits(t, tt.edits...))
			results, err := v.CheckCassettes(context.Background(), p)
			if err != nil {
				t.Fatal(err)
			}
			if !results[0].OK {
				t.Errorf("want PASS, got %v", results[0].Violations)
			}
		})
	}
}

// TestGateChecksRecordedLengths: a Content-Length, recorded as a header or
// as content_length, must describe the recorded body, where there is one to
// describe.
func TestGateChecksRecordedLengths(t *testing.T) {
	const differs = "the recording is not what was sent"
	tests := []struct {
		name  string
		edits []edit
		want  []wantViolation // nil: PASS
	}{
		{"a true header", []edit{addHeader(responseHeaders, "Content-Length", "303")}, nil},
		{"a lower-case header", []edit{addHeader(responseHeaders, "content-length", "120")},
			[]wantViolation{{KindResponse, PointerContentLength, "says 120 bytes, but the recorded body holds 303; " + differs}}},
		{"a header that is no number", []edit{addHeader(responseHeaders, "Content-Length", "lots")},
			[]wantViolation{{KindResponse, PointerContentLength, "is not a length in bytes"}}},
		{"unknown length", []edit{{"content_length: 303", "content_length: -1"}}, nil},
		{"no length recorded", []edit{{"content_length: 303", "content_length: 0"}}, nil},
		{"a request header", []edit{addHeader(requestHeaders, "Content-Length", "5")},
			[]wantViolation{{KindRequest, PointerContentLength, "says 5 bytes, but the recorded body holds 0"}}},
		{"a request length", []edit{{"content_length: 0", "content_length: 7"}},
			[]wantViolation{{KindRequest, PointerContentLength, "recorded content_length says 7 bytes, but the recorded body holds 0"}}},
		{"a decompressed body", []edit{{"content_length: 303", "content_length: 120\n        uncompressed: true"}}, nil},
		// net/http drops the header when it decompresses, so a decompressed
		// body recorded with one was not recorded as it came.
		{"a header beside a decompressed body", []edit{addHeader(responseHeaders, "Content-Length", "120"),
			{"content_length: 303", "content_length: -1\n        uncompressed: true"}},
			[]wantViolation{{KindResponse, PointerContentLength, "is recorded beside uncompressed: true, but net/http removes it when it decompresses; " + differs}}},
		{"a header with a sign", []edit{addHeader(responseHeaders, "Content-Length", "+303")},
			[]wantViolation{{KindResponse, PointerContentLength, "is not a length in bytes"}}},
		{"a header with spaces inside", []edit{addHeader(responseHeaders, "Content-Length", "3 03")},
			[]wantViolation{{KindResponse, PointerContentLength, "is not a length in bytes"}}},
	}
	v := newTestValidator(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeFile(t, t.TempDir(), "length.yaml", withEdits(t, tt.edits...))
			results, err := v.CheckCassettes(context.Background(), p)
			if err != nil {
				t.Fatal(err)
			}
			if tt.want == nil {
				if !results[0].OK {
					t.Errorf("want PASS, got %v", results[0].Violations)
				}
				return
			}
			checkViolations(t, results[0], tt.want)
		})
	}
}

// TestGateFlagsHeaderSpellings: a header recorded under two spellings of
// its name got a verdict that changed from run to run, since which value
// counted depended on the order of a map. Such a recording fails, always
// the same way, and so does a response with two Content-Types.
func TestGateFlagsHeaderSpellings(t *testing.T) {
	const twice = "is recorded under 2 spellings of its name; readers disagree on which one counts"
	tests := []struct {
		name  string
		edits []edit
		want  []wantViolation
	}{
		{"response", []edit{addHeader(responseHeaders, "content-type", "text/html")}, []wantViolation{
			{KindResponse, PointerContentType, "sent more than once; readers disagree on which one counts"},
			{KindResponse, PointerContentType, twice},
		}},
		{"request", []edit{addHeader(requestHeaders, "accept", "text/html")}, []wantViolation{
			{KindRequest, "header/Accept", twice},
		}},
		{"two values", []edit{{responseHeaders, responseHeaders + "                - text/html\n"}}, []wantViolation{
			{KindResponse, PointerContentType, "sent more than once; readers disagree on which one counts"},
		}},
	}
	v := newTestValidator(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeFile(t, t.TempDir(), "spellings.yaml", withEdits(t, tt.edits...))
			// The same verdict every time, whatever order a map gives.
			for range 20 {
				results, err := v.CheckCassettes(context.Background(), p)
				if err != nil {
					t.Fatal(err)
				}
				checkViolations(t, results[0], tt.want)
			}
		})
	}
}

// TestGateFlagsCredentialsInOtherFields: a key in the fields that go-vcr
// records beside the headers passed the gate.
func TestGateFlagsCredentialsInOtherFields(t *testing.T) {
	const host = "        host: api.cloud.zilliz.com\n"
	add := func(field, value string) edit { return edit{host, host + "        " + field + ": " + value + "\n"} }
	tests := []struct {
		name string
		edit edit
	}{
		{"form", add("form", "{api_key: ["+recordedKey+"]}")},
		{"form by name", add("form", "{token: [abc]}")},
		{"host", edit{host, "        host: " + recordedKey + ".example.com\n"}},
		{"request_uri", add("request_uri", "/v2/clusters/x/drop?k="+recordedHexKey)},
		{"remote_addr", add("remote_addr", recordedKey+":443")},
		{"proto", edit{"        proto: HTTP/1.1\n", "        proto: Bearer " + recordedHexKey + "\n"}},
		{"transfer_encoding", add("transfer_encoding", "["+recordedKey+"]")},
	}
	v := newTestValidator(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeFile(t, t.TempDir(), "field.yaml", withEdits(t, tt.edit))
			results, err := v.CheckCassettes(context.Background(), p)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, vi := range results[0].Violations {
				found = found || strings.Contains(vi.Message, "holds what looks like a credential")
				if strings.Contains(vi.String(), recordedKey) || strings.Contains(vi.String(), recordedHexKey) {
					t.Errorf("violation quotes the key: %s", vi)
				}
			}
			if !found {
				t.Errorf("want a credential violation, got %v", results[0].Violations)
			}
		})
	}
}

// TestReportURLLocatesWithoutQuoting: a key in a recorded URL's path, query,
// user or fragment never reaches the report's URL.
func TestReportURLLocatesWithoutQuoting(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://api.cloud.zilliz.com/v2/clusters/in01-6183d6bac30f801/drop", "https://api.cloud.zilliz.com/v2/clusters/in01-6183d6bac30f801/drop"},
		{"https://api.cloud.zilliz.com/v2/clusters/" + recordedKey + "/drop", "https://api.cloud.zilliz.com/v2/clusters/REDACTED/drop"},
		{"https://api.cloud.zilliz.com/v2/" + recordedHexKey + "/x", "https://api.cloud.zilliz.com/v2/REDACTED/x"},
		{"https://u:" + recordedKey + "@h/v2?k=" + recordedKey + "#" + recordedKey, "https://REDACTED@h/v2?k=REDACTED#REDACTED"},
		{"http://h/%zz/" + recordedKey, "REDACTED"},
	}
	for _, tt := range tests {
		if got := reportURL(tt.in); got != tt.want {
			t.Errorf("reportURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestGateReportsNoKeyItFinds: a recording that echoes a key-like cluster
// ID, or sends a key-like method, fails for it, and no finding's message
// and no Method quotes the key.
func TestGateReportsNoKeyItFinds(t *testing.T) {
	const key = "aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gI"
	good := readFile(t, dedicatedCassette)
	dir := t.TempDir()
	for name, content := range map[string]string{
		"echo.yaml":   strings.Replace(good, `"clusterId":"in01-6183d6bac30f801"`, `"clusterId":"`+key+`"`, 1),
		"method.yaml": strings.Replace(good, "method: DELETE", "method: "+key, 1),
	} {
		if content == good {
			t.Fatalf("%s: the edit did not apply", name)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	results, err := newTestValidator(t).CheckCassettes(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if r.OK {
			t.Errorf("%s passed", r.File)
		}
		if strings.Contains(r.Method, key) {
			t.Errorf("%s: method %q quotes the key", r.File, r.Method)
		}
		for _, v := range r.Violations {
			if strings.Contains(v.Message, key) {
				t.Errorf("%s: %q quotes the key", r.File, v.Message)
			}
		}
	}
}
