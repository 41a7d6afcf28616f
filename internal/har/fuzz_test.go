package har

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/zcdrop/zcdrop/internal/vcr"
)

// FuzzEach feeds Each arbitrary bytes within a small budget. It never
// panics; it returns nil or an *Error at a line of the input; it reads no
// more of the input than its budget (and one read ahead), hands over no
// more entries than the budget, each whole, numbered in order, at lines
// that never go back, with bodies no larger than an entry may be.
func FuzzEach(f *testing.F) {
	f.Add([]byte(doc(okEntry, okEntry)))
	f.Add([]byte(doc(strings.ReplaceAll(okEntry, ", ", ",\n"))))
	f.Add([]byte(""))
	f.Add([]byte(`{"log": {"entries": [{}]}}`))
	f.Add([]byte(`{"log": {"version": "1.2", "entries": [{"request": {"method": "GET", "url": "/", "_vcr": {"form": [{"name": "a"}]}}, "response": {"status": 200, "content": {"text": "AA==", "encoding": "base64"}, "_vcr": {"uncompressed": true, "duration": 5}}}]}}`))
	f.Add([]byte("\xef\xbb\xbf{\"log\": {\"entries\": [\n]}} x"))
	files, _ := filepath.Glob(filepath.Join(corpusDir, "cassettes", "*.yaml"))
	for _, file := range files[:min(3, len(files))] {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		c, err := vcr.DecodeStrict(data, cassetteLimits)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(writeHAR(f, c.Interactions))
	}
	lim := Limits{FileBytes: 1 << 16, EntryBytes: 1 << 12, Entries: 8, Depth: 16}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := &countingReader{r: bytes.NewReader(data)}
		n, last := 0, 1
		err := Each(r, lim, func(line int, in *vcr.Interaction) error {
			if line < last {
				t.Errorf("entry %d at line %d, after line %d", n, line, last)
			}
			if in.ID != n {
				t.Errorf("entry %d numbered %d", n, in.ID)
			}
			if len(in.Request.Body)+len(in.Response.Body) > int(lim.EntryBytes) {
				t.Errorf("entry %d holds %d bytes of bodies, over its budget", n, len(in.Request.Body)+len(in.Response.Body))
			}
			n++
			last = line
			return nil
		})
		if n > lim.Entries {
			t.Errorf("%d entries handed over, over the budget of %d", n, lim.Entries)
		}
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v (%T), want an *Error", err, err)
			}
			if lines := bytes.Count(data, []byte{'\n'}) + 1; e.Line < 1 || e.Line > lines {
				t.Errorf("error at line %d of %d: %v", e.Line, lines, err)
			}
		}
		if r.n > lim.FileBytes+readChunk+int64(len(bom)) {
			t.Errorf("read %d bytes, over the budget of %d", r.n, lim.FileBytes)
		}
	})
}

// FuzzRoundTrip writes arbitrary interactions and reads them back: each
// reads as written, but for an ID that is its place, or the Writer refuses
// it for a text that is not UTF-8 outside its bodies.
func FuzzRoundTrip(f *testing.F) {
	f.Add("DELETE", "https://api.cloud.zilliz.com/v2/clusters/in01-6183d6bac30f801/drop", "HTTP/1.1", "api.cloud.zilliz.com", "Content-Type", "application/json", "",
		200, "200 OK", "HTTP/1.1", []byte(`{"code":0}`), []byte(""), int64(10), false, "", int64(time.Millisecond))
	f.Add("POST", "http://h/p?a=1&a=2", "h2", "", "Content-Encoding", "gzip", "chunked",
		599, "599 ", "HTTP/2.0", []byte("\xff\xfe"), []byte("a=1"), int64(-1), true, "x=1", int64(1<<62+1))
	f.Add("GET", "::", "", "h\xff", "content-length", "9", "gzip, chunked",
		0, "", "SPDY/3", []byte{}, []byte{0}, int64(3), false, "\xff=1", int64(-5))
	f.Fuzz(func(t *testing.T, method, rawURL, reqProto, host, headerName, headerValue, transferEncoding string,
		code int, status, resProto string, resBody, reqBody []byte, length int64, uncompressed bool, form string, duration int64) {
		major, minor, _ := http.ParseHTTPVersion(reqProto)
		formValues, _ := url.ParseQuery(form)
		in := &vcr.Interaction{
			Request: vcr.Request{
				Method: method, URL: rawURL, Proto: reqProto, ProtoMajor: major, ProtoMinor: minor, Host: host,
				Headers: http.Header{headerName: {headerValue}}, Body: string(reqBody), ContentLength: int64(len(reqBody)),
				Form: formValues,
			},
			Response: vcr.Response{
				Code: code, Status: status, Proto: resProto, Headers: http.Header{headerName: {headerValue, headerValue}},
				Body: string(resBody), ContentLength: length, Uncompressed: uncompressed, Duration: time.Duration(duration),
			},
		}
		if transferEncoding != "" {
			in.Response.TransferEncoding = strings.Split(transferEncoding, ",")
		}
		var buf bytes.Buffer
		w := NewWriter(&buf, "fuzz")
		err := w.Write(in)
		valid := true
		check := func(s string) { valid = valid && utf8.ValidString(s) }
		for _, s := range []string{method, rawURL, reqProto, host, headerName, headerValue, transferEncoding, status, resProto} {
			check(s)
		}
		for k, vs := range formValues {
			check(k)
			for _, v := range vs {
				check(v)
			}
		}
		if (err != nil) == valid {
			t.Fatalf("texts all UTF-8: %v; Write: %v", valid, err)
		}
		if err != nil {
			return
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		got, _, err := readHAR(buf.Bytes(), DefaultLimits())
		if err != nil {
			t.Fatalf("%v\n%s", err, buf.Bytes())
		}
		if len(got) != 1 {
			t.Fatalf("%d entries", len(got))
		}
		if d := sameInteraction(got[0], in); d != "" {
			t.Errorf("differs:\n%s\nHAR:\n%s", d, buf.Bytes())
		}
	})
}
