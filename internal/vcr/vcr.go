// Package vcr reads, writes, records and matches go-vcr v4 cassettes (format
// version 2) without importing go-vcr, whose cassette package imports
// package testing into every program that links it. The format, not the
// library, is zcdrop's contract: the types here carry go-vcr's field names,
// field types and YAML keys, and are decoded with the same YAML library, so
// that a file means the same to both. The package's tests hold it to go-vcr
// itself.
package vcr

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v4"
)

// FormatVersion is the cassette format version that go-vcr v4 reads and
// writes.
const FormatVersion = 2

// ErrUnsupportedFormat is returned by Decode for a cassette of another format
// version.
var ErrUnsupportedFormat = errors.New("unsupported cassette format")

// Request is a recorded request: go-vcr's cassette.Request, field for field,
// so that one converts to the other. Each field is the http.Request field of
// the same name, as recorded; Headers is its Header, and URL its URL as a
// string.
type Request struct {
	Proto            string      `yaml:"proto"`
	ProtoMajor       int         `yaml:"proto_major"`
	ProtoMinor       int         `yaml:"proto_minor"`
	ContentLength    int64       `yaml:"content_length"`
	TransferEncoding []string    `yaml:"transfer_encoding,omitempty"`
	Trailer          http.Header `yaml:"trailer,omitempty"`
	Host             string      `yaml:"host"`
	RemoteAddr       string      `yaml:"remote_addr,omitempty"`
	RequestURI       string      `yaml:"request_uri,omitempty"`
	Body             string      `yaml:"body,omitempty"`
	Form             url.Values  `yaml:"form,omitempty"`
	Headers          http.Header `yaml:"headers,omitempty"`
	URL              string      `yaml:"url"`
	Method           string      `yaml:"method"`
}

// Response is a recorded response: go-vcr's cassette.Response, field for
// field. Each field is the http.Response field of the same name, as
// recorded; Headers is its Header, Code its StatusCode, and Duration how
// long it took to arrive.
type Response struct {
	Proto            string        `yaml:"proto"`
	ProtoMajor       int           `yaml:"proto_major"`
	ProtoMinor       int           `yaml:"proto_minor"`
	TransferEncoding []string      `yaml:"transfer_encoding,omitempty"`
	Trailer          http.Header   `yaml:"trailer,omitempty"`
	ContentLength    int64         `yaml:"content_length"`
	Uncompressed     bool          `yaml:"uncompressed,omitempty"`
	Body             string        `yaml:"body"`
	Headers          http.Header   `yaml:"headers"`
	Status           string        `yaml:"status"`
	Code             int           `yaml:"code"`
	Duration         time.Duration `yaml:"duration"`
}

// Interaction is one recorded exchange, numbered by ID from 0 within its
// cassette. A nil entry in a cassette's list is an empty YAML item.
type Interaction struct {
	ID       int      `yaml:"id"`
	Request  Request  `yaml:"request"`
	Response Response `yaml:"response"`
}

// Cassette is a whole cassette file: its format Version and its
// Interactions, in the order recorded.
type Cassette struct {
	Version      int            `yaml:"version"`
	Interactions []*Interaction `yaml:"interactions"`
}

// Encode renders c as go-vcr writes a cassette: a YAML document that starts
// with "---".
func Encode(c *Cassette) ([]byte, error) {
	data, err := yaml.Marshal(c)
	if err != nil {
		return nil, err
	}
	return append([]byte("---\n"), data...), nil
}

// HTTPRequest returns the recorded request as an *http.Request, as go-vcr's
// Interaction.GetHTTPRequest does.
func (r Request) HTTPRequest() (*http.Request, error) {
	u, err := url.Parse(r.URL)
	if err != nil {
		return nil, err
	}
	return &http.Request{
		Proto:            r.Proto,
		ProtoMajor:       r.ProtoMajor,
		ProtoMinor:       r.ProtoMinor,
		ContentLength:    r.ContentLength,
		TransferEncoding: r.TransferEncoding,
		Trailer:          r.Trailer,
		Host:             r.Host,
		RemoteAddr:       r.RemoteAddr,
		RequestURI:       r.RequestURI,
		Body:             io.NopCloser(strings.NewReader(r.Body)),
		Form:             r.Form,
		Header:           r.Headers,
		URL:              u,
		Method:           r.Method,
	}, nil
}

// HTTPResponse returns the recorded response to req, as go-vcr's
// Interaction.GetHTTPResponse does, with headers of its own that the caller
// may change.
func (r Response) HTTPResponse(req *http.Request) *http.Response {
	return &http.Response{
		Status:           r.Status,
		StatusCode:       r.Code,
		Proto:            r.Proto,
		ProtoMajor:       r.ProtoMajor,
		ProtoMinor:       r.ProtoMinor,
		TransferEncoding: r.TransferEncoding,
		Trailer:          r.Trailer,
		ContentLength:    r.ContentLength,
		Uncompressed:     r.Uncompressed,
		Body:             io.NopCloser(strings.NewReader(r.Body)),
		Header:           r.Headers.Clone(),
		Close:            true,
		Request:          req,
	}
}

// NewRequest records req, whose body held body, as go-vcr's recorder does.
// It fails for a request whose form cannot be parsed, which go-vcr refuses
// too; call it before sending, so that such a request is never sent.
func NewRequest(req *http.Request, body []byte) (Request, error) {
	form, err := requestForm(req, body)
	if err != nil {
		return Request{}, err
	}
	return Request{
		Proto:            req.Proto,
		ProtoMajor:       req.ProtoMajor,
		ProtoMinor:       req.ProtoMinor,
		ContentLength:    req.ContentLength,
		TransferEncoding: req.TransferEncoding,
		Trailer:          req.Trailer,
		Host:             req.Host,
		RemoteAddr:       req.RemoteAddr,
		RequestURI:       req.RequestURI,
		Body:             string(body),
		Form:             form,
		Headers:          req.Header,
		URL:              req.URL.String(),
		Method:           req.Method,
	}, nil
}

// NewResponse records res, whose body held body and which took d to
// arrive, as go-vcr's recorder does.
func NewResponse(res *http.Response, body []byte, d time.Duration) Response {
	return Response{
		Status:           res.Status,
		Code:             res.StatusCode,
		Proto:            res.Proto,
		ProtoMajor:       res.ProtoMajor,
		ProtoMinor:       res.ProtoMinor,
		TransferEncoding: res.TransferEncoding,
		Trailer:          res.Trailer,
		ContentLength:    res.ContentLength,
		Uncompressed:     res.Uncompressed,
		Body:             string(body),
		Headers:          res.Header,
		Duration:         d,
	}
}

// requestForm parses the form of req as it went out, query and body, the
// way go-vcr's recorder does: from a wire copy of the request, so that req
// itself is left as it is.
func requestForm(req *http.Request, body []byte) (url.Values, error) {
	out := req.Clone(req.Context())
	out.Body = io.NopCloser(bytes.NewReader(body))
	dump, err := httputil.DumpRequestOut(out, true)
	if err != nil {
		return nil, err
	}
	copied, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(dump)))
	if err != nil {
		return nil, err
	}
	if err := copied.ParseForm(); err != nil {
		return nil, err
	}
	return copied.Form, nil
}

// Matches reports whether req, whose body is body, is the recorded request
// r, as go-vcr's default matcher decides with its options to ignore the
// Authorization and User-Agent headers: recordings say "Bearer REDACTED",
// and clients differ in their user agent.
func (r Request) Matches(req *http.Request, body []byte) bool {
	if req.Method != r.Method || req.URL.String() != r.URL || req.Proto != r.Proto ||
		req.ProtoMajor != r.ProtoMajor || req.ProtoMinor != r.ProtoMinor {
		return false
	}
	got, want := req.Header.Clone(), r.Headers.Clone()
	for _, h := range []string{"Authorization", "User-Agent"} {
		delete(got, h)
		delete(want, h)
	}
	if !equalHeader(got, want) || string(body) != r.Body || req.ContentLength != r.ContentLength ||
		!slices.Equal(req.TransferEncoding, r.TransferEncoding) || req.Host != r.Host {
		return false
	}
	parsed := req.Clone(req.Context())
	parsed.Body = io.NopCloser(bytes.NewReader(body))
	parsed.Form, parsed.PostForm = nil, nil
	if err := parsed.ParseForm(); err != nil {
		return false
	}
	return equalHeader(http.Header(parsed.Form), http.Header(r.Form)) && equalHeader(req.Trailer, r.Trailer) &&
		req.RemoteAddr == r.RemoteAddr && req.RequestURI == r.RequestURI
}

// equalHeader compares two multi-maps as go-vcr does: a nil map and an
// empty one are equal, and otherwise every key's values must be the same,
// in order, where, as for reflect.DeepEqual, a nil list of values ("X: ~")
// is not an empty one ("X: []").
func equalHeader(a, b map[string][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, va := range a {
		vb, ok := b[k]
		if !ok || (va == nil) != (vb == nil) || !slices.Equal(va, vb) {
			return false
		}
	}
	return true
}
