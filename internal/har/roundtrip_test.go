package har

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/zcdrop/zcdrop/internal/vcr"
)

// corpusDir is the conformance package's test data: the shipped cassettes,
// the negative corpus and the unreadable ones.
const corpusDir = "../../conformance/testdata"

// cassetteLimits reads the shipped cassettes as the gate reads them.
var cassetteLimits = vcr.Limits{MaxAliasNodes: 10_000, MaxTextBytes: 16 << 20}

// readCassettes decodes every cassette in dir, by file name.
func readCassettes(t *testing.T, dir string) map[string]*vcr.Cassette {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(corpusDir, dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no cassettes in %s (%v)", dir, err)
	}
	out := map[string]*vcr.Cassette{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		c, err := vcr.DecodeStrict(data, cassetteLimits)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[filepath.Base(f)] = c
	}
	return out
}

// writeHAR writes ins as a HAR document.
func writeHAR(t testing.TB, ins []*vcr.Interaction) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := NewWriter(&buf, "v0.0.0-test")
	for _, in := range ins {
		if err := w.Write(in); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// readHAR reads every entry of data within lim, and the line of each.
func readHAR(data []byte, lim Limits) ([]*vcr.Interaction, []int, error) {
	var ins []*vcr.Interaction
	var lines []int
	err := Each(bytes.NewReader(data), lim, func(line int, in *vcr.Interaction) error {
		ins = append(ins, in)
		lines = append(lines, line)
		return nil
	})
	return ins, lines, err
}

// normalized returns a copy of in in which what HAR cannot tell apart is
// made alike: a nil map and an empty one, a name without values and no
// name, a nil list and an empty one.
func normalized(in *vcr.Interaction) vcr.Interaction {
	out := *in
	norm := func(h map[string][]string) map[string][]string {
		m := map[string][]string{}
		for k, v := range h {
			if len(v) > 0 {
				m[k] = v
			}
		}
		if len(m) == 0 {
			return nil
		}
		return m
	}
	list := func(l []string) []string {
		if len(l) == 0 {
			return nil
		}
		return l
	}
	out.Request.Headers = norm(out.Request.Headers)
	out.Request.Trailer = norm(out.Request.Trailer)
	out.Request.Form = norm(out.Request.Form)
	out.Request.TransferEncoding = list(out.Request.TransferEncoding)
	out.Response.Headers = norm(out.Response.Headers)
	out.Response.Trailer = norm(out.Response.Trailer)
	out.Response.TransferEncoding = list(out.Response.TransferEncoding)
	return out
}

// sameInteraction says how got differs from want, or "" when it does not.
func sameInteraction(got, want *vcr.Interaction) string {
	g, w := normalized(got), normalized(want)
	if reflect.DeepEqual(g, w) {
		return ""
	}
	gj, _ := json.MarshalIndent(g, "", " ")
	wj, _ := json.MarshalIndent(w, "", " ")
	return fmt.Sprintf("got  %s\nwant %s", gj, wj)
}

// entryLines returns the lines at which a Writer's entries start.
func entryLines(data []byte) []int {
	var out []int
	for i, l := range strings.Split(string(data), "\n") {
		if l == "      {" {
			out = append(out, i+1)
		}
	}
	return out
}

// TestRoundTripShippedCassettes writes every shipped and negative cassette
// as HAR and reads it back: the interactions are the cassette's, numbered
// by place, each at the line where the Writer put it; and a recording that
// go-vcr made needs none of the _vcr members.
func TestRoundTripShippedCassettes(t *testing.T) {
	for _, dir := range []string{"cassettes", "negative"} {
		for name, c := range readCassettes(t, dir) {
			t.Run(dir+"/"+name, func(t *testing.T) {
				data := writeHAR(t, c.Interactions)
				if !json.Valid(data) {
					t.Fatalf("the Writer wrote invalid JSON:\n%s", data)
				}
				got, lines, err := readHAR(data, DefaultLimits())
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != len(c.Interactions) {
					t.Fatalf("%d entries read, %d written", len(got), len(c.Interactions))
				}
				for i, want := range c.Interactions {
					w := *want
					w.ID = i
					if d := sameInteraction(got[i], &w); d != "" {
						t.Errorf("interaction %d differs:\n%s", i, d)
					}
				}
				if want := entryLines(data); !reflect.DeepEqual(lines, want) {
					t.Errorf("lines %v, want %v", lines, want)
				}
				if dir == "cassettes" && bytes.Contains(data, []byte(`"_vcr"`)) {
					t.Errorf("a recording made by go-vcr needed _vcr members:\n%s", data)
				}
			})
		}
	}
}

// base is a conforming drop, as go-vcr records it.
func base() *vcr.Interaction {
	const body = `{"code":0,"data":{"clusterId":"in01-6183d6bac30f801"}}`
	return &vcr.Interaction{
		Request: vcr.Request{
			Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Host:    "api.cloud.zilliz.com",
			Headers: http.Header{"Accept": {"application/json"}, "Authorization": {"Bearer REDACTED"}},
			URL:     "https://api.cloud.zilliz.com/v2/clusters/in01-6183d6bac30f801/drop",
			Method:  http.MethodDelete,
		},
		Response: vcr.Response{
			Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			ContentLength: int64(len(body)),
			Body:          body,
			Headers:       http.Header{"Content-Type": {"application/json"}},
			Status:        "200 OK",
			Code:          200,
			Duration:      1500 * time.Microsecond,
		},
	}
}

// TestRoundTripVCRMembers writes interactions that the HAR fields alone
// cannot say, and reads them back whole; those that the fields can say
// need no _vcr member.
func TestRoundTripVCRMembers(t *testing.T) {
	tests := []struct {
		name string
		edit func(in *vcr.Interaction)
		// plain: the HAR fields say it all, without _vcr.
		plain bool
	}{
		{"conforming drop", func(*vcr.Interaction) {}, true},
		{"content_length unknown", func(in *vcr.Interaction) { in.Response.ContentLength = -1 }, false},
		{"content_length not the body's", func(in *vcr.Interaction) { in.Response.ContentLength = 999 }, false},
		{"Content-Length header", func(in *vcr.Interaction) {
			in.Response.Headers.Set("Content-Length", fmt.Sprint(len(in.Response.Body)))
		}, true},
		{"request content_length unknown", func(in *vcr.Interaction) {
			in.Request.Method, in.Request.Body, in.Request.ContentLength = http.MethodPost, "{}", -1
		}, false},
		{"trailers", func(in *vcr.Interaction) {
			in.Request.Trailer = http.Header{"X-Sum": {"1"}}
			in.Response.Trailer = http.Header{"X-Sum": {"2", "3"}}
		}, false},
		{"uncompressed", func(in *vcr.Interaction) {
			in.Response.Uncompressed, in.Response.ContentLength = true, -1
		}, false},
		{"uncompressed beside a Content-Length", func(in *vcr.Interaction) {
			in.Response.Uncompressed = true
			in.Response.Headers.Set("Content-Length", "20")
		}, false},
		{"gzip body as sent", func(in *vcr.Interaction) {
			in.Response.Headers.Set("Content-Encoding", "gzip")
			in.Response.Body, in.Response.ContentLength = "\x1f\x8b\x08\x00\xff", 5
		}, false},
		{"status line without text", func(in *vcr.Interaction) { in.Response.Status = "200" }, false},
		{"status line of another code", func(in *vcr.Interaction) { in.Response.Status = "404 Not Found" }, false},
		{"status line empty", func(in *vcr.Interaction) { in.Response.Status = "" }, false},
		{"code without a standard text", func(in *vcr.Interaction) { in.Response.Code, in.Response.Status = 599, "599 " }, true},
		{"code zero", func(in *vcr.Interaction) { in.Response.Code, in.Response.Status = 0, "" }, false},
		{"host of its own", func(in *vcr.Interaction) { in.Request.Host = "proxy.example:8443" }, false},
		{"no host", func(in *vcr.Interaction) { in.Request.Host = "" }, false},
		{"transfer encodings", func(in *vcr.Interaction) {
			in.Request.TransferEncoding = []string{"chunked"}
			in.Response.TransferEncoding = []string{"gzip", "chunked"}
		}, false},
		{"headers net/http keeps apart", func(in *vcr.Interaction) {
			in.Request.Headers["Host"] = []string{"api.cloud.zilliz.com"}
			in.Response.Headers["Transfer-Encoding"] = []string{"chunked"}
			in.Request.Headers[":path"] = []string{"/v2"}
		}, false},
		{"lower-case names", func(in *vcr.Interaction) {
			in.Response.Headers = http.Header{"content-type": {"application/json"}}
		}, true},
		{"two spellings of a name", func(in *vcr.Interaction) {
			in.Response.Headers["content-type"] = []string{"text/html"}
		}, true},
		{"query form", func(in *vcr.Interaction) {
			in.Request.URL += "?a=1&b=2&a=3"
			in.Request.Form = url.Values{"a": {"1", "3"}, "b": {"2"}}
		}, true},
		{"form not the query's", func(in *vcr.Interaction) { in.Request.Form = url.Values{"x": {"y"}} }, false},
		{"posted form", func(in *vcr.Interaction) {
			in.Request.Method, in.Request.URL = http.MethodPost, in.Request.URL+"?a=3"
			in.Request.Headers.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
			in.Request.Body, in.Request.ContentLength = "a=1&b=2", 7
			in.Request.Form = url.Values{"a": {"1", "3"}, "b": {"2"}}
		}, true},
		{"HTTP/2", func(in *vcr.Interaction) {
			in.Response.Proto, in.Response.ProtoMajor, in.Response.ProtoMinor = "HTTP/2.0", 2, 0
		}, true},
		{"proto without numbers", func(in *vcr.Interaction) { in.Request.ProtoMajor, in.Request.ProtoMinor = 0, 0 }, false},
		{"proto of its own", func(in *vcr.Interaction) {
			in.Response.Proto, in.Response.ProtoMajor, in.Response.ProtoMinor = "h2", 2, 0
		}, false},
		{"remote address and request URI", func(in *vcr.Interaction) {
			in.Request.RemoteAddr, in.Request.RequestURI = "127.0.0.1:5000", "/v2/clusters/in01-6183d6bac30f801/drop"
		}, false},
		{"duration of nanoseconds", func(in *vcr.Interaction) { in.Response.Duration = 123456789 }, true},
		{"duration past float precision", func(in *vcr.Interaction) { in.Response.Duration = 1<<62 + 1 }, false},
		{"negative duration", func(in *vcr.Interaction) { in.Response.Duration = -time.Second }, true},
		{"binary bodies", func(in *vcr.Interaction) {
			in.Request.Method, in.Request.Body, in.Request.ContentLength = http.MethodPost, "\xff\x00\xfe", 3
			in.Response.Body, in.Response.ContentLength = "\x00\x80\xc3", 3
		}, true},
		{"escapes in bodies", func(in *vcr.Interaction) {
			in.Response.Body = "<b>\u2028\"\\\x00\t</b>"
			in.Response.ContentLength = int64(len(in.Response.Body))
		}, true},
		{"no bodies, no headers", func(in *vcr.Interaction) {
			in.Request.Headers, in.Response.Headers = nil, nil
			in.Response.Body, in.Response.ContentLength = "", 0
		}, true},
		{"a name without values", func(in *vcr.Interaction) { in.Response.Headers["X-Empty"] = []string{} }, true},
		{"an empty value", func(in *vcr.Interaction) { in.Response.Headers["X-Empty"] = []string{""} }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := base()
			tt.edit(want)
			data := writeHAR(t, []*vcr.Interaction{want})
			got, _, err := readHAR(data, DefaultLimits())
			if err != nil {
				t.Fatalf("%v\n%s", err, data)
			}
			if len(got) != 1 {
				t.Fatalf("%d entries, want 1", len(got))
			}
			if d := sameInteraction(got[0], want); d != "" {
				t.Errorf("differs:\n%s\nHAR:\n%s", d, data)
			}
			if plain := !bytes.Contains(data, []byte(`"_vcr"`)); plain != tt.plain {
				t.Errorf("written without _vcr: %v, want %v:\n%s", plain, tt.plain, data)
			}
		})
	}
}

// TestWriterDocument checks what a Writer writes around its entries: a HAR
// 1.2 document by zcdrop, valid JSON even when empty, whose entries start
// one after another in the recorded order.
func TestWriterDocument(t *testing.T) {
	for _, n := range []int{0, 1, 3} {
		t.Run(fmt.Sprint(n, " entries"), func(t *testing.T) {
			var ins []*vcr.Interaction
			for range n {
				ins = append(ins, base())
			}
			data := writeHAR(t, ins)
			var doc struct {
				Log struct {
					Version string
					Creator Creator
					Entries []Entry
				}
			}
			if err := json.Unmarshal(data, &doc); err != nil {
				t.Fatalf("%v:\n%s", err, data)
			}
			if doc.Log.Version != "1.2" || doc.Log.Creator != (Creator{"zcdrop", "v0.0.0-test"}) {
				t.Errorf("version %q, creator %+v", doc.Log.Version, doc.Log.Creator)
			}
			if len(doc.Log.Entries) != n {
				t.Fatalf("%d entries, want %d", len(doc.Log.Entries), n)
			}
			last := ""
			for i, e := range doc.Log.Entries {
				if _, err := time.Parse(time.RFC3339Nano, e.StartedDateTime); err != nil || e.StartedDateTime <= last {
					t.Errorf("entry %d starts at %q, after %q (%v)", i, e.StartedDateTime, last, err)
				}
				last = e.StartedDateTime
				if e.Time != 1.5 || e.Timings.Wait != 1.5 {
					t.Errorf("entry %d: time %v, wait %v; want 1.5 ms", i, e.Time, e.Timings.Wait)
				}
			}
			got, _, err := readHAR(data, DefaultLimits())
			if err != nil || len(got) != n {
				t.Errorf("read back %d entries, %v", len(got), err)
			}
		})
	}
}

// failingWriter fails every write.
type failingWriter struct{ calls int }

func (w *failingWriter) Write([]byte) (int, error) {
	w.calls++
	return 0, errDisk
}

var errDisk = fmt.Errorf("disk full")

// TestWriterError checks that a Writer returns the first error of its
// io.Writer from then on, and does not write again.
func TestWriterError(t *testing.T) {
	fw := &failingWriter{}
	w := NewWriter(fw, "v1")
	var err error
	// The Writer buffers: a large entry reaches the io.Writer at once.
	big := base()
	big.Response.Body = strings.Repeat("x", 1<<20)
	for range 3 {
		if err = w.Write(big); err != nil {
			break
		}
	}
	if err == nil {
		err = w.Close()
	}
	if err != errDisk {
		t.Fatalf("error %v, want %v", err, errDisk)
	}
	calls := fw.calls
	if err := w.Write(base()); err != errDisk {
		t.Errorf("Write after the error: %v, want %v", err, errDisk)
	}
	if err := w.Close(); err != errDisk {
		t.Errorf("Close after the error: %v, want %v", err, errDisk)
	}
	if fw.calls != calls {
		t.Errorf("wrote %d more times after the error", fw.calls-calls)
	}
}
