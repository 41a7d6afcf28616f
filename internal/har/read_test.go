package har

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zcdrop/zcdrop/internal/redact"
	"github.com/zcdrop/zcdrop/internal/vcr"
)

// doc makes a HAR document of entries, each starting on a line of its own:
// entry i at line i+2 when none spans lines.
func doc(entries ...string) string {
	return `{"log": {"version": "1.2", "creator": {"name": "t", "version": "1"}, "entries": [` + "\n" +
		strings.Join(entries, ",\n") + "\n]}}\n"
}

// okEntry is an entry of the least a HAR entry must say, on one line.
const okEntry = `{"request": {"method": "DELETE", "url": "https://api.cloud.zilliz.com/v2/clusters/in01-6183d6bac30f801/drop", "httpVersion": "HTTP/1.1", "headers": []}, ` +
	`"response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1", "headers": [{"name": "Content-Type", "value": "application/json"}], "content": {"size": 2, "mimeType": "application/json", "text": "{}"}}}`

// TestReadForeignHAR reads entries as browsers, proxies and other tools
// write them, and checks that each reads as go-vcr would have recorded the
// exchange.
func TestReadForeignHAR(t *testing.T) {
	tests := []struct {
		name  string
		entry string
		check func(t *testing.T, in *vcr.Interaction)
	}{
		{"the least an entry says", okEntry, func(t *testing.T, in *vcr.Interaction) {
			want := vcr.Interaction{
				Request: vcr.Request{Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Host: "api.cloud.zilliz.com",
					URL: "https://api.cloud.zilliz.com/v2/clusters/in01-6183d6bac30f801/drop", Method: "DELETE"},
				Response: vcr.Response{Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, ContentLength: -1, Body: "{}",
					Headers: http.Header{"Content-Type": {"application/json"}}, Status: "200 OK", Code: 200},
			}
			if d := sameInteraction(in, &want); d != "" {
				t.Error(d)
			}
		}},
		{"a browser's HTTP/2 exchange", `{"startedDateTime": "2026-01-02T03:04:05.678Z", "time": 12.3456789,
			"request": {"method": "DELETE", "url": "https://api.cloud.zilliz.com/v2/clusters/in01-6183d6bac30f801/drop", "httpVersion": "h2",
				"headers": [{"name": ":method", "value": "DELETE"}, {"name": ":authority", "value": "api.cloud.zilliz.com"},
					{"name": ":path", "value": "/v2/clusters/in01-6183d6bac30f801/drop"}, {"name": "accept", "value": "application/json"},
					{"name": "authorization", "value": "Bearer REDACTED"}],
				"cookies": [], "queryString": [], "headersSize": -1, "bodySize": 0, "_initiator": {"type": "script", "stack": {"callFrames": [{"functionName": "f"}], "parent": {"callFrames": []}}}},
			"response": {"status": 200, "statusText": "", "httpVersion": "h2",
				"headers": [{"name": "content-type", "value": "application/json"}, {"name": "content-encoding", "value": "gzip"}, {"name": "content-length", "value": "31"}],
				"cookies": [], "content": {"size": 2, "mimeType": "application/json", "compression": 29, "text": "{}"}, "redirectURL": "", "headersSize": -1, "bodySize": 31, "_transferSize": 120},
			"cache": {}, "timings": {"blocked": -1, "dns": -1, "connect": -1, "send": 0.1, "wait": 12, "receive": 0.2457}, "serverIPAddress": "10.0.0.1", "_priority": "High"}`,
			func(t *testing.T, in *vcr.Interaction) {
				req, res := in.Request, in.Response
				if req.Proto != "HTTP/2.0" || req.ProtoMajor != 2 || res.Proto != "HTTP/2.0" || res.ProtoMajor != 2 {
					t.Errorf("protos %q %d, %q %d; want HTTP/2.0", req.Proto, req.ProtoMajor, res.Proto, res.ProtoMajor)
				}
				if req.Host != "api.cloud.zilliz.com" {
					t.Errorf("host %q, want the :authority", req.Host)
				}
				if want := (http.Header{"accept": {"application/json"}, "authorization": {"Bearer REDACTED"}}); !reflect.DeepEqual(req.Headers, want) {
					t.Errorf("request headers %v, want %v: pseudo-headers are not recorded", req.Headers, want)
				}
				if !res.Uncompressed || res.ContentLength != -1 || !reflect.DeepEqual(res.Headers, http.Header{"content-type": {"application/json"}}) {
					t.Errorf("uncompressed %v, length %d, headers %v; want a decompressed body, as net/http hands it over",
						res.Uncompressed, res.ContentLength, res.Headers)
				}
				if res.Status != "200 OK" {
					t.Errorf("status %q, want the standard text", res.Status)
				}
				if res.Duration != 12345679*time.Nanosecond {
					t.Errorf("duration %v, want the entry's time", res.Duration)
				}
			}},
		{"an HTTP/1.1 proxy's exchange", `{"time": 3,
			"request": {"method": "POST", "url": "http://127.0.0.1:8080/v2/clusters/x/drop?dry=1", "httpVersion": "HTTP/1.1",
				"headers": [{"name": "Host", "value": "api.cloud.zilliz.com"}, {"name": "Content-Type", "value": "application/x-www-form-urlencoded"}, {"name": "Content-Length", "value": "7"}],
				"postData": {"mimeType": "application/x-www-form-urlencoded", "text": "a=1&b=2", "params": [{"name": "a", "value": "1"}]}},
			"response": {"status": 200, "statusText": "Fine", "httpVersion": "HTTP/1.1",
				"headers": [{"name": "Transfer-Encoding", "value": "chunked"}, {"name": "Content-Type", "value": "application/json"}],
				"content": {"size": 2, "mimeType": "application/json", "text": "{}"}, "bodySize": 16}}`,
			func(t *testing.T, in *vcr.Interaction) {
				req, res := in.Request, in.Response
				if req.Host != "api.cloud.zilliz.com" || req.Headers.Get("Host") != "" {
					t.Errorf("host %q, headers %v; want the Host header as the host, and out of the headers", req.Host, req.Headers)
				}
				if req.Body != "a=1&b=2" || req.ContentLength != 7 {
					t.Errorf("body %q of %d", req.Body, req.ContentLength)
				}
				if want := (url.Values{"a": {"1"}, "b": {"2"}, "dry": {"1"}}); !reflect.DeepEqual(req.Form, want) {
					t.Errorf("form %v, want %v", req.Form, want)
				}
				if !reflect.DeepEqual(res.TransferEncoding, []string{"chunked"}) || res.Headers.Get("Transfer-Encoding") != "" {
					t.Errorf("transfer encoding %v, headers %v", res.TransferEncoding, res.Headers)
				}
				if res.ContentLength != -1 {
					t.Errorf("length %d, want -1: a chunked bodySize counts the chunks", res.ContentLength)
				}
				if res.Status != "200 Fine" {
					t.Errorf("status %q", res.Status)
				}
			}},
		{"base64 bodies", `{"request": {"method": "PUT", "url": "https://h/p", "postData": {"mimeType": "application/octet-stream", "text": "/wD+", "encoding": "base64"}},
			"response": {"status": 200, "content": {"size": 3, "mimeType": "image/png", "text": "iVBO", "encoding": "base64"}, "bodySize": 3}}`,
			func(t *testing.T, in *vcr.Interaction) {
				if in.Request.Body != "\xff\x00\xfe" || in.Response.Body != "\x89PN" {
					t.Errorf("bodies %q, %q; want them decoded", in.Request.Body, in.Response.Body)
				}
				if in.Response.ContentLength != 3 {
					t.Errorf("length %d, want bodySize, the body's", in.Response.ContentLength)
				}
			}},
		{"null where values may be missing", `{"time": null, "request": {"method": "GET", "url": "https://h/p", "httpVersion": null, "headers": null, "postData": null, "_vcr": null},
			"response": {"status": 204, "statusText": null, "headers": [{"name": "X", "value": null}], "content": null, "bodySize": null, "_vcr": null}}`,
			func(t *testing.T, in *vcr.Interaction) {
				if in.Response.Status != "204 No Content" || in.Response.ContentLength != 0 || in.Response.Headers.Get("X") != "" {
					t.Errorf("status %q, length %d, headers %v", in.Response.Status, in.Response.ContentLength, in.Response.Headers)
				}
			}},
		{"escapes in names and texts", `{"request": {"method": "GET", "url": "https://h/p", "h\u0065aders": [{"name": "X-\u00e9", "value": "a\"b\\c\u2028"}]},
			"response": {"status": 200, "content": {"text": "\ud83d\ude00<\/b>"}}}`,
			func(t *testing.T, in *vcr.Interaction) {
				if got := in.Request.Headers["X-é"]; !reflect.DeepEqual(got, []string{"a\"b\\c\u2028"}) {
					t.Errorf("header %q", got)
				}
				if in.Response.Body != "😀</b>" {
					t.Errorf("body %q", in.Response.Body)
				}
			}},
		{"text that is not UTF-8", "{\"request\": {\"method\": \"GET\", \"url\": \"https://h/p\"}, \"response\": {\"status\": 200, \"content\": {\"text\": \"a\xffb\"}}}",
			func(t *testing.T, in *vcr.Interaction) {
				// As encoding/json reads it.
				if in.Response.Body != "a\uFFFDb" {
					t.Errorf("body %q", in.Response.Body)
				}
			}},
		{"integers written as floats", `{"request": {"method": "GET", "url": "https://h/p"}, "response": {"status": 2e2, "bodySize": 0.0}}`,
			func(t *testing.T, in *vcr.Interaction) {
				if in.Response.Code != 200 || in.Response.ContentLength != 0 {
					t.Errorf("code %d, length %d", in.Response.Code, in.Response.ContentLength)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ins, lines, err := readHAR([]byte(doc(tt.entry)), DefaultLimits())
			if err != nil {
				t.Fatal(err)
			}
			if len(ins) != 1 || lines[0] != 2 || ins[0].ID != 0 {
				t.Fatalf("%d entries at lines %v", len(ins), lines)
			}
			tt.check(t, ins[0])
		})
	}
}

// TestEachLines checks the line handed over with each entry: the line of
// its "{", however the file is laid out.
func TestEachLines(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []int
	}{
		{"one per line", doc(okEntry, okEntry, okEntry), []int{2, 3, 4}},
		{"all on one line", strings.ReplaceAll(doc(okEntry, okEntry), "\n", " "), []int{1, 1}},
		{"blank lines and spaces between", "{\"log\":{\"entries\":[\n\n   " + okEntry + "\n,\n\n\t" + okEntry + "]}}", []int{3, 6}},
		{"entries spanning lines", doc(strings.ReplaceAll(okEntry, ", ", ",\n"), okEntry), []int{2, 2 + strings.Count(okEntry, ", ") + 1}},
		{"CRLF and a byte order mark", "\xef\xbb\xbf" + strings.ReplaceAll(doc(okEntry, okEntry), "\n", "\r\n"), []int{2, 3}},
		{"entries after a long creator", `{"log": {"creator": {"name": "t", "comment": "` + strings.Repeat("x\\n", 100_000) + "\"},\n\"pages\": [\n{},\n{}\n],\n\"entries\": [\n" + okEntry + "]}}", []int{7}},
		{"past many read chunks", doc(strings.Repeat(okEntry+",\n", 999) + okEntry), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, lines, err := readHAR([]byte(tt.in), DefaultLimits())
			if err != nil {
				t.Fatal(err)
			}
			want := tt.want
			if want == nil {
				for i := range 1000 {
					want = append(want, i+2)
				}
			}
			if !reflect.DeepEqual(lines, want) {
				t.Errorf("lines %v, want %v", lines, want)
			}
		})
	}
}

// keyLike looks like an API key to redact.HasKeyToken.
const keyLike = "sk9f86d081884c7d659a2feaa0c55ad015AbCd"

// TestEachRefuses feeds Each what is not a HAR file it can read, and checks
// that each is an *Error at the right line, in the right entry, saying what
// is wrong, and quoting no key.
func TestEachRefuses(t *testing.T) {
	multi := strings.ReplaceAll(okEntry, ", ", ",\n") // the response's "status" on its fifth line
	multiLines := strings.Count(multi, "\n") + 1
	tests := []struct {
		name      string
		in        string
		lim       func(*Limits)
		line      int
		entry     int
		entryLine int
		want      string
	}{
		{"empty", "", nil, 1, -1, 0, "holds no JSON"},
		{"white space", " \n\t\n", nil, 1, -1, 0, "holds no JSON"},
		{"not JSON", "\n---\nversion: 2\n", nil, 2, -1, 0, "not JSON: invalid character '-'"},
		{"an array", "\n[]", nil, 2, -1, 0, "not a HAR file: it holds an array"},
		{"a string", `"log"`, nil, 1, -1, 0, "not a HAR file: it holds a string"},
		{"no log", `{"version": 2, "interactions": []}`, nil, 1, -1, 0, `not a HAR file: the object has no "log" member`},
		{"log twice", "{\"log\": {\"entries\": []},\n \"log\": {}}", nil, 2, -1, 0, `member "log" is given twice`},
		{"log not an object", `{"log": []}`, nil, 1, -1, 0, "log: want an object, got an array"},
		{"no entries", `{"log": {"version": "1.2"}}`, nil, 1, -1, 0, `log: has no "entries" member`},
		{"entries twice", `{"log": {"entries": [], "entries": []}}`, nil, 1, -1, 0, `log: member "entries" is given twice`},
		{"entries not an array", `{"log": {"entries": {}}}`, nil, 1, -1, 0, "log.entries: want an array, got an object"},
		{"version 2.0", "{\"log\": {\n\"version\": \"2.0\", \"entries\": []}}", nil, 2, -1, 0, `log.version: is "2.0"; this reads HAR 1.1 and 1.2`},
		{"version a number", `{"log": {"version": 1.2, "entries": []}}`, nil, 1, -1, 0, "log.version: want a string, got a number"},
		{"version twice, after the entries", doc(okEntry) + "", nil, 0, -1, 0, ""},
		{"version that looks like a key", `{"log": {"version": "` + keyLike + `", "entries": []}}`, nil, 1, -1, 0, `log.version: is "REDACTED"`},
		{"a member name that looks like a key, twice", `{"log": {"entries": []}, "` + keyLike + `": 1, "` + keyLike + `": 2}`, nil, 1, -1, 0, `member "<key-like name>" is given twice`},
		{"trailing data", doc(okEntry) + "\n]", nil, 5, -1, 0, "more follows the HAR document"},
		{"a second document", doc(okEntry) + "{}", nil, 4, -1, 0, "more follows the HAR document"},
		{"ends between entries", strings.TrimSuffix(doc(okEntry), "\n]}}\n") + ",\n", nil, 3, -1, 0, "ends before the HAR document does"},
		// The cut leaves the entry's last line whole but for its "}}}".
		{"ends inside an entry", doc(okEntry, multi)[:len(doc(okEntry, multi))-len("}}}\n]}}\n")], nil, 2 + multiLines, 1, 3, "ends before the HAR document does"},
		{"syntax error inside an entry", doc(okEntry, strings.Replace(multi, `"status": 200`, `"status": 200 200`, 1)), nil, 3 + 4, 1, 3, "not JSON: invalid character '2' after object key:value pair"},
		{"an entry not an object", doc(okEntry, "\n[]"), nil, 4, 1, 4, "want an object, got an array"},
		{"no request", doc(`{"response": {"status": 200}}`), nil, 2, 0, 2, `has no "request"`},
		{"no response", doc(`{"request": {"method": "GET", "url": "/"}}`), nil, 2, 0, 2, `has no "response"`},
		{"no method", doc("{\"request\":\n {\"url\": \"/\"}, \"response\": {\"status\": 200}}"), nil, 3, 0, 2, `request: has no "method"`},
		{"no url", doc(`{"request": {"method": "GET"}, "response": {"status": 200}}`), nil, 2, 0, 2, `request: has no "url"`},
		{"no status", doc(`{"request": {"method": "GET", "url": "/"}, "response": {}}`), nil, 2, 0, 2, `response: has no "status"`},
		{"status a string", doc(multi, strings.Replace(multi, `"status": 200`, `"status": "200"`, 1)), nil, 2 + multiLines + 4, 1, 2 + multiLines, `response.status: want a number, got a string`},
		{"status a fraction", doc(strings.Replace(okEntry, `"status": 200`, `"status": 200.5`, 1)), nil, 2, 0, 2, `response.status: want an integer from -2147483648 to 2147483647, got "200.5"`},
		{"status too large", doc(strings.Replace(okEntry, `"status": 200`, `"status": 1e20`, 1)), nil, 2, 0, 2, `got "1e20"`},
		{"method null is no method", doc(`{"request": {"method": null, "url": "/"}, "response": {"status": 200}}`), nil, 0, -1, 0, ""},
		{"method a number", doc(`{"request": {"method": 1, "url": "/"}, "response": {"status": 200}}`), nil, 2, 0, 2, "request.method: want a string, got a number"},
		{"headers an object", doc(`{"request": {"method": "GET", "url": "/", "headers": {}}, "response": {"status": 200}}`), nil, 2, 0, 2, "request.headers: want an array, got an object"},
		{"a header without a name", doc(`{"request": {"method": "GET", "url": "/"}, "response": {"status": 200, "headers": [{"name": "A", "value": "1"}, {"value": "x"}]}}`), nil, 2, 0, 2, `response.headers[1]: has no "name"`},
		{"a header value a number", doc(`{"request": {"method": "GET", "url": "/", "headers": [{"name": "A", "value": 1}]}, "response": {"status": 200}}`), nil, 2, 0, 2, "request.headers[0].value: want a string, got a number"},
		{"a header not an object", doc(`{"request": {"method": "GET", "url": "/", "headers": ["A: 1"]}, "response": {"status": 200}}`), nil, 2, 0, 2, "request.headers[0]: want an object, got a string"},
		{"a header's name twice", doc(`{"request": {"method": "GET", "url": "/", "headers": [{"name": "A", "name": "B", "value": "1"}]}, "response": {"status": 200}}`), nil, 2, 0, 2, `request.headers[0]: member "name" is given twice`},
		{"status twice", doc("{\"request\": {\"method\": \"GET\", \"url\": \"/\"}, \"response\": {\"status\": 200,\n\"status\": 500}}"), nil, 3, 0, 2, `response: member "status" is given twice`},
		{"text twice", doc(`{"request": {"method": "GET", "url": "/"}, "response": {"status": 200, "content": {"text": "a", "text": "b"}}}`), nil, 2, 0, 2, `response.content: member "text" is given twice`},
		{"request twice", doc(`{"request": {"method": "GET", "url": "/"}, "request": {"method": "PUT", "url": "/"}, "response": {"status": 200}}`), nil, 2, 0, 2, `member "request" is given twice`},
		{"an unknown member twice", doc(`{"_x": 1, "request": {"method": "GET", "url": "/"}, "_x": 2, "response": {"status": 200}}`), nil, 2, 0, 2, `member "_x" is given twice`},
		{"bad base64", doc(okEntry, "{\"request\": {\"method\": \"GET\", \"url\": \"/\"},\n \"response\": {\"status\": 200, \"content\":\n {\"encoding\": \"base64\",\n \"text\": \"not*base64\"}}}"), nil, 6, 1, 3, "response.content.text: is not valid base64, as its encoding says (byte 3)"},
		{"bad base64 in a request", doc("{\"request\": {\"method\": \"POST\", \"url\": \"/\", \"postData\":\n {\"text\": \"%%%%\", \"encoding\": \"base64\"}}, \"response\": {\"status\": 200}}"), nil, 3, 0, 2, "request.postData.text: is not valid base64"},
		{"an encoding HAR does not define", doc(`{"request": {"method": "GET", "url": "/"}, "response": {"status": 200, "content": {"text": "x", "encoding": "` + keyLike + `"}}}`), nil, 2, 0, 2, `response.content.text: has encoding "REDACTED"; HAR defines only base64`},
		{"time a string", doc(`{"time": "1", "request": {"method": "GET", "url": "/"}, "response": {"status": 200}}`), nil, 2, 0, 2, "time: want a number, got a string"},
		{"time past a duration", doc(`{"time": 1e300, "request": {"method": "GET", "url": "/"}, "response": {"status": 200}}`), nil, 2, 0, 2, `time: want milliseconds from -9e+12 to 9e+12, got "1e300"`},
		{"_vcr of the wrong type", doc(`{"request": {"method": "GET", "url": "/"}, "response": {"status": 200, "_vcr": {"uncompressed": "yes"}}}`), nil, 2, 0, 2, "response._vcr.uncompressed: want a boolean, got a string"},
		{"_vcr list of the wrong type", doc(`{"request": {"method": "GET", "url": "/", "_vcr": {"transferEncoding": [1]}}, "response": {"status": 200}}`), nil, 2, 0, 2, "request._vcr.transferEncoding[0]: want a string, got a number"},
		{"too deep inside an entry", doc(`{"_x": ` + strings.Repeat("[", 10) + strings.Repeat("]", 10) + `, "request": {"method": "GET", "url": "/"}, "response": {"status": 200}}`), func(l *Limits) { l.Depth = 12 }, 2, 0, 2, "_x: nests deeper than 12 levels"},
		{"too deep outside the entries", `{"log": {"pages": ` + strings.Repeat("[", 20) + strings.Repeat("]", 20) + `, "entries": []}}`, func(l *Limits) { l.Depth = 12 }, 1, -1, 0, "log.pages: nests deeper than 12 levels"},
		{"too deep for encoding/json", doc(strings.Repeat("[", 10001) + strings.Repeat("]", 10001)), nil, 2, 0, 2, "exceeded max depth"},
		{"an entry over its budget", doc(okEntry, strings.Replace(okEntry, "{", "{          ", 1)), func(l *Limits) { l.EntryBytes = int64(len(okEntry) + 5) }, 3, 1, 3, "the entry is larger than"},
		{"an entry far over its budget", doc(okEntry, `{"_x": "`+strings.Repeat("x", 1<<20)+`"}`), func(l *Limits) { l.EntryBytes = int64(len(okEntry) + 5) }, 3, 1, 3, "the entry is larger than"},
		{"a value over the budget of an entry", `{"log": {"comment": "` + strings.Repeat("x", 1<<20) + `", "entries": []}}`, func(l *Limits) { l.EntryBytes = 1000 }, 1, -1, 0, "a value is larger than 1000 bytes"},
		{"a file over its budget", doc(okEntry, okEntry, okEntry), func(l *Limits) { l.FileBytes = int64(2 * len(okEntry)) }, 3, 1, 3, "the file is larger than"},
		{"a file over its budget past its entries", doc(okEntry) + strings.Repeat(" ", 100), func(l *Limits) { l.FileBytes = int64(len(doc(okEntry)) + 10) }, 4, -1, 0, "the file is larger than"},
		{"too many entries", doc(okEntry, okEntry, okEntry), func(l *Limits) { l.Entries = 2 }, 4, -1, 0, "log.entries: holds more than 2 entries"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lim := DefaultLimits()
			if tt.lim != nil {
				tt.lim(&lim)
			}
			_, _, err := readHAR([]byte(tt.in), lim)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v (%T), want an *Error", err, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want it to say %q", err, tt.want)
			}
			if e.Line != tt.line || e.Entry != tt.entry || e.EntryLine != tt.entryLine {
				t.Errorf("at line %d, entry %d from line %d; want line %d, entry %d from line %d (%v)",
					e.Line, e.Entry, e.EntryLine, tt.line, tt.entry, tt.entryLine, err)
			}
			if redact.HasKeyToken(err.Error()) {
				t.Errorf("the error quotes what looks like a key: %v", err)
			}
		})
	}
}

// TestEachLimitsFit checks that each budget is a cap, not a bound one short
// of it: a file exactly at each cap reads.
func TestEachLimitsFit(t *testing.T) {
	in := doc(okEntry, okEntry)
	tests := []struct {
		name string
		lim  Limits
	}{
		{"entries", Limits{FileBytes: 1 << 20, EntryBytes: 1 << 20, Entries: 2, Depth: 10}},
		{"entry bytes", Limits{FileBytes: 1 << 20, EntryBytes: int64(len(okEntry)), Entries: 2, Depth: 10}},
		{"file bytes", Limits{FileBytes: int64(len(in)), EntryBytes: 1 << 20, Entries: 2, Depth: 10}},
		// a header in headers in response in the entry in entries in log in the document
		{"depth", Limits{FileBytes: 1 << 20, EntryBytes: 1 << 20, Entries: 2, Depth: 7}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ins, _, err := readHAR([]byte(in), tt.lim)
			if err != nil || len(ins) != 2 {
				t.Fatalf("%d entries, %v", len(ins), err)
			}
			// One less refuses.
			less := tt.lim
			switch tt.name {
			case "entries":
				less.Entries--
			case "entry bytes":
				less.EntryBytes--
			case "file bytes":
				less.FileBytes--
			case "depth":
				less.Depth--
			}
			if _, _, err := readHAR([]byte(in), less); err == nil {
				t.Errorf("%+v read the file too", less)
			}
		})
	}
}

// TestDefaultLimitsFitLargestBodies checks that an entry with the largest
// bodies the gate judges, 1 MiB each way, fits the default budget, written
// at its worst: JSON that escapes every byte, or base64.
func TestDefaultLimitsFitLargestBodies(t *testing.T) {
	for _, body := range []string{strings.Repeat(`"\`, 1<<19), strings.Repeat("\xff", 1<<20)} {
		in := base()
		in.Request.Method, in.Request.Body, in.Request.ContentLength = http.MethodPost, body, int64(len(body))
		in.Response.Body, in.Response.ContentLength = body, int64(len(body))
		ins, _, err := readHAR(writeHAR(t, []*vcr.Interaction{in}), DefaultLimits())
		if err != nil || len(ins) != 1 || ins[0].Response.Body != body {
			t.Fatalf("%d entries, %v", len(ins), err)
		}
	}
}

// TestEachReturnsCallbackError checks that Each stops at fn's first error
// and returns it as it is, for the caller to tell from a bad file.
func TestEachReturnsCallbackError(t *testing.T) {
	stop := errors.New("stop")
	calls := 0
	err := Each(strings.NewReader(doc(okEntry, okEntry, okEntry)), DefaultLimits(), func(int, *vcr.Interaction) error {
		calls++
		if calls == 2 {
			return stop
		}
		return nil
	})
	if err != stop || calls != 2 {
		t.Errorf("error %v after %d calls, want %v after 2", err, calls, stop)
	}
}

// TestEachStreams checks that Each reads no further than it must: it hands
// over the first entry before the file has been read past it.
func TestEachStreams(t *testing.T) {
	body := doc(okEntry, `{"_x": "`+strings.Repeat("x", 4<<20)+`"}`)
	r := &countingReader{r: strings.NewReader(body)}
	stop := errors.New("stop")
	err := Each(r, DefaultLimits(), func(int, *vcr.Interaction) error { return stop })
	if err != stop {
		t.Fatal(err)
	}
	if r.n > 2*readChunk {
		t.Errorf("read %d bytes to hand over the first entry, %d long", r.n, len(okEntry))
	}
}

// countingReader counts what is read from r.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// errRead is a read that fails.
type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("device gone") }

// TestEachReadError checks that a read that fails is an *Error that says
// why.
func TestEachReadError(t *testing.T) {
	err := Each(io.MultiReader(strings.NewReader(`{"log": {"entries": [`), errReader{}), DefaultLimits(), func(int, *vcr.Interaction) error { return nil })
	var e *Error
	if !errors.As(err, &e) || !strings.Contains(err.Error(), "device gone") {
		t.Errorf("error %v (%T)", err, err)
	}
}

// TestLooks tells HAR files from cassettes by their first bytes.
func TestLooks(t *testing.T) {
	tests := []struct {
		name   string
		prefix string
		want   bool
	}{
		{"a HAR file", `{"log": {"version": "1.2"`, true},
		{"a HAR file after a byte order mark and space", "\xef\xbb\xbf \r\n\t{\n  \"log\"", true},
		{"a HAR file cut before its first name", "{\n   ", true},
		{"a HAR file cut inside its first name", `{"lo`, true},
		{"an empty object", "{}", true},
		{"an object whose first name is escaped", `{"\u006cog": {}}`, true},
		{"a go-vcr cassette", "---\nversion: 2\ninteractions:\n", false},
		{"a cassette without a document marker", "version: 2\n", false},
		{"a cassette after a comment", "# recorded by hand\n---\n", false},
		{"a cassette written as JSON", `{"version": 2, "interactions": []}`, false},
		{"a cassette written as JSON, interactions first", ` {"interactions": [], "version": 2}`, false},
		{"a cassette in YAML's flow style", `{version: 2, interactions: []}`, false},
		{"an empty file", "", false},
		{"a JSON array", "[{}]", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Looks([]byte(tt.prefix)); got != tt.want {
				t.Errorf("Looks(%q) = %v, want %v", tt.prefix, got, tt.want)
			}
		})
	}
}

// TestReadRedoclyProxyHAR reads a HAR file that a real tool wrote:
// conformance/testdata/har/redocly-proxy.har, recorded by `redocly proxy` (@redocly/cli
// 2.77.0) in front of `zcdrop mock` on loopback while zcdrop described and
// dropped clusters, with one edit: each Authorization value made "Bearer
// REDACTED". Every entry reads as what go-vcr would have recorded through
// that proxy, at its line, and survives a round trip.
func TestReadRedoclyProxyHAR(t *testing.T) {
	data, err := os.ReadFile("../../conformance/testdata/har/redocly-proxy.har")
	if err != nil {
		t.Fatal(err)
	}
	ins, lines, err := readHAR(data, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		method, path string
		code         int
	}{
		{"GET", "/v2/clusters/in01-6183d6bac30f801", 200},
		{"DELETE", "/v2/clusters/in03-2c4e6a8b0d1f3e5/drop", 200},
		{"GET", "/v2/clusters/in03-2c4e6a8b0d1f3e5", 200},
		{"GET", "/v2/clusters/in01-0000000000000000", 200},
		{"GET", "/v2/clusters/in01-6183d6bac30f801", 401},
		{"DELETE", "/v2/clusters/in01-0000000000000000/drop", 200},
	}
	if len(ins) != len(want) || !reflect.DeepEqual(lines, []int{6, 7, 8, 9, 10, 11}) {
		t.Fatalf("%d entries at lines %v, want %d at lines 6 to 11", len(ins), lines, len(want))
	}
	for i, in := range ins {
		w := want[i]
		if in.Request.Method != w.method || in.Request.URL != "http://127.0.0.1:18431"+w.path || in.Response.Code != w.code {
			t.Errorf("entry %d: %s %s %d, want %s %s %d", i, in.Request.Method, in.Request.URL, in.Response.Code, w.method, w.path, w.code)
		}
		// The proxy records the upstream URL and the Host the client sent.
		if in.Request.Host != "127.0.0.1:18432" || in.Request.Headers.Get("Host") != "" {
			t.Errorf("entry %d: host %q, headers %v", i, in.Request.Host, in.Request.Headers)
		}
		if got := in.Request.Headers["Authorization"]; !reflect.DeepEqual(got, []string{"Bearer REDACTED"}) {
			t.Errorf("entry %d: Authorization %q", i, got)
		}
		if n := in.Response.Headers["content-length"]; len(n) != 1 || n[0] != fmt.Sprint(len(in.Response.Body)) || in.Response.ContentLength != int64(len(in.Response.Body)) {
			t.Errorf("entry %d: content-length %v and %d for a body of %d", i, n, in.Response.ContentLength, len(in.Response.Body))
		}
	}
	back, _, err := readHAR(writeHAR(t, ins), DefaultLimits())
	if err != nil || len(back) != len(ins) {
		t.Fatalf("%d entries back, %v", len(back), err)
	}
	for i := range ins {
		if d := sameInteraction(back[i], ins[i]); d != "" {
			t.Errorf("entry %d differs after a round trip:\n%s", i, d)
		}
	}
}

// TestEachRefusesAnObjectOfTooManyMembers: an object of more members than
// any HAR object holds is refused, at its line, before its names cost
// memory many times the file's size.
func TestEachRefusesAnObjectOfTooManyMembers(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"log":{"version":"1.2","creator":{"name":"x","version":"1"},"entries":[],` + "\n")
	for i := range maxMembers + 1 {
		fmt.Fprintf(&b, `"m%d":0,`, i)
	}
	b.WriteString(`"z":0}}`)
	err := Each(strings.NewReader(b.String()), DefaultLimits(), func(int, *vcr.Interaction) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "log: has more than 10000 members") {
		t.Errorf("err = %v, want the log object refused", err)
	}
}

// TestEachSeesCookiesTheHeadersLack: a HAR file's cookies arrays reach
// the interaction as the Cookie and Set-Cookie headers when its headers
// lack them, in any spelling, so that the gate's secret checks see them;
// when its headers have them, they are read once, from the headers.
func TestEachSeesCookiesTheHeadersLack(t *testing.T) {
	entry := func(reqHeaders, resHeaders string) string {
		return `{"log":{"version":"1.2","creator":{"name":"x","version":"1"},"entries":[{"startedDateTime":"2026-01-01T00:00:00Z","time":1,
"request":{"method":"GET","url":"https://h/v2/clusters/in01-a","httpVersion":"HTTP/1.1","headers":[` + reqHeaders + `],
 "cookies":[{"name":"session","value":"s3cr3t","path":"/","httpOnly":true}],"queryString":[],"headersSize":-1,"bodySize":0},
"response":{"status":200,"statusText":"OK","httpVersion":"HTTP/1.1","headers":[` + resHeaders + `],
 "cookies":[{"name":"a","value":"1"},{"name":"b","value":"2"}],"content":{"size":0,"mimeType":"application/json","text":""},"redirectURL":"","headersSize":-1,"bodySize":0},
"cache":{},"timings":{"send":0,"wait":1,"receive":0}}]}}`
	}
	for _, tt := range []struct {
		name, req, res    string
		cookie, setCookie []string
	}{
		{"cleaned headers", ``, ``, []string{"session=s3cr3t"}, []string{"a=1", "b=2"}},
		{"headers that have them", `{"name":"cookie","value":"session=REDACTED"}`, `{"name":"Set-Cookie","value":"a=REDACTED"}`, nil, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got *vcr.Interaction
			if err := Each(strings.NewReader(entry(tt.req, tt.res)), DefaultLimits(), func(_ int, in *vcr.Interaction) error { got = in; return nil }); err != nil {
				t.Fatal(err)
			}
			if c := got.Request.Headers["Cookie"]; !slices.Equal(c, tt.cookie) {
				t.Errorf("Cookie %q, want %q", c, tt.cookie)
			}
			if c := got.Response.Headers["Set-Cookie"]; tt.setCookie != nil && !slices.Equal(c, tt.setCookie) {
				t.Errorf("Set-Cookie %q, want %q", c, tt.setCookie)
			}
			if tt.cookie == nil && len(got.Request.Headers) != 1 {
				t.Errorf("request headers %v, want the one cookie header as recorded", got.Request.Headers)
			}
		})
	}
}

// TestEachRefusesAMessageOfTooManyHeaders: a message of more headers than
// any HTTP message holds is refused, before they cost memory many times
// their bytes.
func TestEachRefusesAMessageOfTooManyHeaders(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"log":{"version":"1.2","creator":{"name":"x","version":"1"},"entries":[{"request":{"method":"GET","url":"/","headers":[`)
	for i := range maxNameValues + 1 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"name":"h%d","value":"v"}`, i)
	}
	b.WriteString(`]},"response":{"status":200,"content":{}}}]}}`)
	err := Each(strings.NewReader(b.String()), DefaultLimits(), func(int, *vcr.Interaction) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "request.headers: has more than 10000 items") {
		t.Errorf("err = %v, want the headers refused", err)
	}
}
