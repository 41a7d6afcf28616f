package vcr

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v4"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/recorder"
)

// memFS is a go-vcr cassette.FS in memory, so that go-vcr itself can load
// and save cassettes here as the oracle of the format.
type memFS map[string][]byte

func (m memFS) ReadFile(name string) ([]byte, error) {
	b, ok := m[name]
	if !ok {
		return nil, os.ErrNotExist
	}
	return b, nil
}

func (m memFS) WriteFile(name string, data []byte) error {
	m[name] = append([]byte(nil), data...)
	return nil
}

func (m memFS) IsFileExists(name string) bool { _, ok := m[name]; return ok }

// corpus returns every shipped and negative cassette of the gate.
func corpus(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, dir := range []string{"cassettes", "negative"} {
		fs, err := filepath.Glob(filepath.Join("..", "..", "conformance", "testdata", dir, "*.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, fs...)
	}
	if len(files) < 15 {
		t.Fatalf("found %d cassettes; the corpus has moved", len(files))
	}
	return files
}

// fromGoVCR converts go-vcr's interaction to ours; the conversion compiles
// only while the two types have the same fields, in the same order.
func fromGoVCR(in *cassette.Interaction) *Interaction {
	return &Interaction{ID: in.ID, Request: Request(in.Request), Response: Response(in.Response)}
}

// decodeFile reads and decodes a cassette of the corpus.
func decodeFile(t *testing.T, file string) ([]byte, *Cassette) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Decode(data)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return data, c
}

func loadGoVCR(t *testing.T, name string, data []byte) *cassette.Cassette {
	t.Helper()
	c, err := cassette.LoadWithFS(name, memFS{name + ".yaml": data})
	if err != nil {
		t.Fatalf("go-vcr cannot load %s: %v", name, err)
	}
	return c
}

func TestDecodeReadsWhatGoVCRReads(t *testing.T) {
	for _, file := range corpus(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, ours := decodeFile(t, file)
			theirs := loadGoVCR(t, "c", data)
			if len(ours.Interactions) != len(theirs.Interactions) || ours.Version != theirs.Version {
				t.Fatalf("version %d with %d interactions; go-vcr reads version %d with %d", ours.Version, len(ours.Interactions), theirs.Version, len(theirs.Interactions))
			}
			for i, in := range theirs.Interactions {
				if want := fromGoVCR(in); !reflect.DeepEqual(ours.Interactions[i], want) {
					t.Errorf("interaction %d:\nours   %+v\ngo-vcr %+v", i, ours.Interactions[i], want)
				}
			}
		})
	}
}

func TestEncodeWritesWhatGoVCRWrites(t *testing.T) {
	for _, file := range corpus(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, ours := decodeFile(t, file)
			got, err := Encode(ours)
			if err != nil {
				t.Fatal(err)
			}
			theirs := loadGoVCR(t, "c", data)
			fs := memFS{}
			theirs.MarshalFunc = yaml.Marshal // what go-vcr's recorder sets
			if err := theirs.SaveWithFS(fs); err != nil {
				t.Fatal(err)
			}
			if want := fs["c.yaml"]; string(got) != string(want) {
				t.Errorf("ours:\n%s\ngo-vcr:\n%s", got, want)
			}
		})
	}
}

func TestDecodeRefusesWhatGoVCRRefuses(t *testing.T) {
	tests := map[string]string{
		"version 1":      "version: 1\ninteractions: []\n",
		"version 3":      "---\nversion: 3\n",
		"not yaml":       "version: [\n",
		"wrong shape":    "interactions: 7\n",
		"version string": "version: two\n",
	}
	for name, data := range tests {
		t.Run(name, func(t *testing.T) {
			_, ours := Decode([]byte(data))
			_, theirs := cassette.LoadWithFS("c", memFS{"c.yaml": []byte(data)})
			if ours == nil || theirs == nil {
				t.Fatalf("ours: %v; go-vcr: %v; want both to refuse", ours, theirs)
			}
			if errors.Is(theirs, cassette.ErrUnsupportedCassetteFormat) != errors.Is(ours, ErrUnsupportedFormat) {
				t.Errorf("ours %v, go-vcr %v: they disagree on whether the version is at fault", ours, theirs)
			}
		})
	}
	if c, err := Decode([]byte("interactions: []\n")); err != nil || c.Version != FormatVersion {
		t.Errorf("a file without a version: %+v, %v; go-vcr reads it as version %d", c, err, FormatVersion)
	}
}

// TestGoVCRReplaysWhatWeRecord records an exchange as conformance's
// recorder does, and has go-vcr's own recorder replay the file.
func TestGoVCRReplaysWhatWeRecord(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("requestid", "5eed")
		io.WriteString(w, `{"code":0,"data":{"clusterId":"in01-abc","prompt":"p"}}`)
	}))
	defer srv.Close()
	newRequest := func(ua string) *http.Request {
		req, err := http.NewRequestWithContext(context.Background(), http.MethodDelete, srv.URL+"/v2/clusters/in01-abc/drop?x=1", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer secret-"+ua)
		req.Header.Set("User-Agent", ua)
		req.Header.Set("Accept", "application/json")
		return req
	}
	req := newRequest("recorder")
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	recorded, err := NewRequest(req, nil)
	if err != nil {
		t.Fatal(err)
	}
	in := &Interaction{Request: recorded, Response: NewResponse(res, body, time.Millisecond)}
	data, err := Encode(&Cassette{Version: FormatVersion, Interactions: []*Interaction{in}})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := recorder.New("c",
		recorder.WithMode(recorder.ModeReplayOnly),
		recorder.WithFS(memFS{"c.yaml": data}),
		recorder.WithMatcher(cassette.NewDefaultMatcher(cassette.WithIgnoreAuthorization(), cassette.WithIgnoreUserAgent())),
		recorder.WithSkipRequestLatency(true),
	)
	if err != nil {
		t.Fatalf("go-vcr cannot load what we recorded: %v\n%s", err, data)
	}
	replayed, err := rec.RoundTrip(newRequest("replayer"))
	if err != nil {
		t.Fatalf("go-vcr does not match the recorded request: %v\n%s", err, data)
	}
	got, _ := io.ReadAll(replayed.Body)
	if string(got) != string(body) || replayed.StatusCode != 200 || replayed.Header.Get("requestid") != "5eed" {
		t.Errorf("go-vcr replays %d %q %v, want 200 %q", replayed.StatusCode, got, replayed.Header, body)
	}
	if in.Request.Form.Get("x") != "1" {
		t.Errorf("form %v: the query was not recorded as go-vcr records it", in.Request.Form)
	}
}

// TestMatchesAgreesWithGoVCR asks both matchers about every recorded
// request of the corpus against variations of itself.
func TestMatchesAgreesWithGoVCR(t *testing.T) {
	govcr := cassette.NewDefaultMatcher(cassette.WithIgnoreAuthorization(), cassette.WithIgnoreUserAgent())
	variations := map[string]func(*http.Request){
		"as recorded":         func(*http.Request) {},
		"another key":         func(r *http.Request) { r.Header.Set("Authorization", "Bearer other") },
		"another user agent":  func(r *http.Request) { r.Header.Set("User-Agent", "other") },
		"another method":      func(r *http.Request) { r.Method = http.MethodGet },
		"another cluster":     func(r *http.Request) { r.URL.Path += "x" },
		"an extra header":     func(r *http.Request) { r.Header.Set("X-Extra", "1") },
		"a header dropped":    func(r *http.Request) { r.Header.Del("Accept") },
		"another host":        func(r *http.Request) { r.Host = "example.com" },
		"a query added":       func(r *http.Request) { r.URL.RawQuery = "a=b" },
		"another proto minor": func(r *http.Request) { r.ProtoMinor++ },
		"another length":      func(r *http.Request) { r.ContentLength++ },
		"a trailer":           func(r *http.Request) { r.Trailer = http.Header{"X-T": {"1"}} },
		"a request URI":       func(r *http.Request) { r.RequestURI = "/other" },
		"a remote address":    func(r *http.Request) { r.RemoteAddr = "192.0.2.1:1" },
		"a nil header value":  func(r *http.Request) { r.Header["X-Empty"] = nil },
		"an empty header":     func(r *http.Request) { r.Header["X-Empty"] = []string{} },
		"chunked":             func(r *http.Request) { r.TransferEncoding = []string{"chunked"} },
	}
	// Each body variation: what the request carries instead of the recorded
	// body, and the content type it declares for it ("" keeps the headers).
	type bodyVariation struct{ body, contentType string }
	bodies := map[string]func(recorded string) bodyVariation{
		"the recorded body": func(b string) bodyVariation { return bodyVariation{body: b} },
		"another body":      func(b string) bodyVariation { return bodyVariation{body: b + "x"} },
		"a form body":       func(string) bodyVariation { return bodyVariation{"a=1", "application/x-www-form-urlencoded"} },
	}
	for _, file := range corpus(t) {
		_, c := decodeFile(t, file)
		for _, in := range c.Interactions {
			for name, change := range variations {
				for bodyName, body := range bodies {
					t.Run(fmt.Sprintf("%s#%d/%s/%s", filepath.Base(file), in.ID, name, bodyName), func(t *testing.T) {
						req, err := in.Request.HTTPRequest()
						if err != nil {
							t.Fatal(err)
						}
						req.Header = req.Header.Clone()
						change(req)
						v := body(in.Request.Body)
						b := v.body
						if v.contentType != "" {
							req.Header.Set("Content-Type", v.contentType)
						}
						ours := in.Request.Matches(req, []byte(b))
						req.Body = io.NopCloser(strings.NewReader(b))
						req.Form = nil
						theirs := govcr(req, cassette.Request(in.Request))
						if ours != theirs {
							t.Errorf("ours %v, go-vcr %v", ours, theirs)
						}
					})
				}
			}
		}
	}
}
