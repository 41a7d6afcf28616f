package har

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/zcdrop/zcdrop/internal/vcr"
)

// Writer writes interactions as one HAR 1.2 document, an entry at a time,
// so that a corpus is never held whole. Call Close to end the document. It
// writes to the io.Writer it is given, and creates no file: the caller
// decides where, and how safely.
//
// Cassettes record no time of day, so entries start at the Unix epoch, one
// after another as long as each took (a millisecond at least): HAR viewers
// that sort by startedDateTime keep the recorded order. Its Entry's Time
// is the response's duration, all of it waiting.
type Writer struct {
	w       *bufio.Writer
	version string
	buf     bytes.Buffer
	enc     *json.Encoder
	n       int
	clock   time.Time
	err     error
}

// NewWriter returns a Writer to w whose document names creatorVersion as
// the version of its creator, zcdrop.
func NewWriter(w io.Writer, creatorVersion string) *Writer {
	hw := &Writer{w: bufio.NewWriter(w), version: creatorVersion, clock: time.Unix(0, 0)}
	hw.enc = json.NewEncoder(&hw.buf)
	// Bodies are JSON and HTML: "<" stays "<", for whoever reads the file.
	hw.enc.SetEscapeHTML(false)
	hw.enc.SetIndent("      ", "  ")
	return hw
}

// Write writes in as the document's next entry. Reading the document gives
// in back, numbered by its place (see the package documentation). The
// first error is returned by every later call.
func (hw *Writer) Write(in *vcr.Interaction) error {
	if hw.err != nil {
		return hw.err
	}
	if field := notUTF8(in); field != "" {
		// JSON would write U+FFFD for each such byte, and the file would
		// say another thing than the recording. Nothing is written.
		return fmt.Errorf("interaction %d: %s is not UTF-8, and a HAR file holds only UTF-8 text outside bodies", in.ID, field)
	}
	e, err := newEntry(in, hw.clock)
	if err != nil {
		return err
	}
	if hw.n == 0 {
		hw.header()
		hw.buf.WriteString("\n      ")
	} else {
		hw.buf.WriteString(",\n      ")
	}
	hw.clock = hw.clock.Add(max(in.Response.Duration, time.Millisecond))
	if hw.err = hw.enc.Encode(&e); hw.err != nil {
		return hw.err
	}
	hw.buf.Truncate(hw.buf.Len() - 1) // Encode's newline: a comma may follow.
	hw.n++
	return hw.flush(false)
}

// Close ends the document, an empty one when nothing was written, and
// flushes it to the io.Writer, which it does not close.
func (hw *Writer) Close() error {
	if hw.err != nil {
		return hw.err
	}
	if hw.n == 0 {
		hw.header()
		hw.buf.WriteString("]\n  }\n}\n")
	} else {
		hw.buf.WriteString("\n    ]\n  }\n}\n")
	}
	hw.err = hw.flush(true)
	return hw.err
}

// header writes the document up to the first entry.
func (hw *Writer) header() {
	name, _ := json.Marshal(CreatorName) // Strings always marshal.
	version, _ := json.Marshal(hw.version)
	hw.buf.WriteString(`{
  "log": {
    "version": "` + Version + `",
    "creator": {
      "name": ` + string(name) + `,
      "version": ` + string(version) + `
    },
    "entries": [`)
}

// flush hands what is buffered to the bufio.Writer, and it to the
// io.Writer when final.
func (hw *Writer) flush(final bool) error {
	if _, err := hw.w.Write(hw.buf.Bytes()); err != nil {
		hw.err = err
		return err
	}
	hw.buf.Reset()
	if final {
		if err := hw.w.Flush(); err != nil {
			hw.err = err
			return err
		}
	}
	return nil
}

// notUTF8 names the first text of in, other than its bodies, that is not
// UTF-8, or returns "".
func notUTF8(in *vcr.Interaction) string {
	req, res := &in.Request, &in.Response
	texts := []struct{ name, value string }{
		{"the request method", req.Method}, {"the request URL", req.URL}, {"the request proto", req.Proto},
		{"the request host", req.Host}, {"the request remote_addr", req.RemoteAddr}, {"the request request_uri", req.RequestURI},
		{"the response proto", res.Proto}, {"the response status", res.Status},
	}
	for _, t := range texts {
		if !utf8.ValidString(t.value) {
			return t.name
		}
	}
	lists := []struct {
		name string
		m    map[string][]string
	}{
		{"a request header", req.Headers}, {"a request trailer", req.Trailer}, {"a request form field", req.Form},
		{"a response header", res.Headers}, {"a response trailer", res.Trailer},
		{"a request transfer encoding", map[string][]string{"": req.TransferEncoding}},
		{"a response transfer encoding", map[string][]string{"": res.TransferEncoding}},
	}
	for _, l := range lists {
		for _, k := range slices.Sorted(maps.Keys(l.m)) {
			if !utf8.ValidString(k) || slices.ContainsFunc(l.m[k], func(v string) bool { return !utf8.ValidString(v) }) {
				return l.name
			}
		}
	}
	return ""
}
