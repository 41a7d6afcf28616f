package specdrift

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/zcdrop/zcdrop/internal/cassettefile"
	"github.com/zcdrop/zcdrop/internal/specedit"
	"github.com/zcdrop/zcdrop/internal/vcr"
)

const (
	repoSpec      = "../../openapi.yaml"
	shippedCorpus = "../../conformance/testdata/cassettes"
	clusterID     = "in01-6183d6bac30f801"
	prompt        = "The cluster has been deleted."
	successBody   = `{"code":0,"data":{"clusterId":"` + clusterID + `","prompt":"` + prompt + `"}}`
)

// copySpec copies openapi.yaml into a new directory, to be read or
// changed there, and returns its path.
func copySpec(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(repoSpec)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "openapi.yaml")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// loadSpec loads the spec at path.
func loadSpec(t *testing.T, path string) *Spec {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := LoadSpec(context.Background(), path, data)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// exchange is a recorded Drop Cluster call that answered status with body
// and the headers given as name, value pairs.
func exchange(status int, body string, header ...string) *vcr.Interaction {
	h := http.Header{}
	for i := 0; i+1 < len(header); i += 2 {
		h[header[i]] = append(h[header[i]], header[i+1])
	}
	return &vcr.Interaction{
		Request: vcr.Request{
			Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Host: "api.cloud.zilliz.com",
			Headers: http.Header{"Accept": {"application/json"}, "Authorization": {"Bearer REDACTED"}},
			URL:     "https://api.cloud.zilliz.com/v2/clusters/" + clusterID + "/drop", Method: http.MethodDelete,
		},
		Response: vcr.Response{
			Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, ContentLength: int64(len(body)),
			Body: body, Headers: h, Status: fmt.Sprintf("%d %s", status, http.StatusText(status)), Code: status,
		},
	}
}

// jsonExchange is exchange with a JSON body and a request ID.
func jsonExchange(status int, body string, header ...string) *vcr.Interaction {
	return exchange(status, body, append([]string{"Content-Type", "application/json", "Requestid", "0a1b2c3d"}, header...)...)
}

// writeCassette writes the interactions, numbered from 0 unless they say
// otherwise, as a cassette named name in dir, with internal/vcr's encoder,
// and returns its path.
func writeCassette(t *testing.T, dir, name string, ins ...*vcr.Interaction) string {
	t.Helper()
	for i, in := range ins {
		if in.ID == 0 {
			in.ID = i
		}
	}
	data, err := vcr.Encode(&vcr.Cassette{Version: vcr.FormatVersion, Interactions: ins})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// interactionLine returns the line on which the interaction at index i of
// the cassette at path starts, found by reading the file as text.
func interactionLine(t *testing.T, path string, i int) int {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for n, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "- id:") {
			if seen == i {
				return n + 1
			}
			seen++
		}
	}
	t.Fatalf("%s has no interaction %d", path, i)
	return 0
}

// summaries returns each finding as "<class> <what>".
func summaries(r *Report) []string {
	out := []string{}
	for _, f := range r.Findings {
		out = append(out, string(f.Class)+" "+f.What())
	}
	return out
}

// TestDriftClasses: each class fires on a recording that shows it, and
// nothing fires on one that conforms.
func TestDriftClasses(t *testing.T) {
	spec := loadSpec(t, copySpec(t))
	post := jsonExchange(200, successBody)
	post.Request.Method = http.MethodPost
	tests := []struct {
		name string
		in   *vcr.Interaction
		want []string
	}{
		{"success conforms", jsonExchange(200, successBody), []string{}},
		{"known error code conforms", jsonExchange(200, `{"code":96018,"message":"Cluster not exist or you don't have permission."}`), []string{}},
		{"html from a gateway conforms", exchange(502, "<html></html>", "Content-Type", "text/html; charset=utf-8"), []string{}},
		{"generic headers are not drift", jsonExchange(200, successBody, "Date", "Mon, 05 May 2025 10:00:00 GMT", "Server", "nginx",
			"Vary", "Accept-Encoding", "Strict-Transport-Security", "max-age=31536000", "Connection", "keep-alive", "Content-Length", "120"), []string{}},
		{"unknown error code", jsonExchange(200, `{"code":96099,"message":"Quota exceeded."}`),
			[]string{`error-code 96099 "Quota exceeded."`}},
		{"unknown error code on 401", jsonExchange(401, `{"code":21120,"message":"Key expired."}`),
			[]string{`error-code 21120 "Key expired."`}},
		{"unknown error code without a message", jsonExchange(200, `{"code":96099}`),
			[]string{`error-code 96099 (no message)`}},
		{"undeclared operation", post, []string{"operation POST (no operation of the spec matches)"}},
		{"undeclared status", exchange(204, ""), []string{"status 204 on dropCluster"}},
		{"undeclared status with a new code", jsonExchange(302, `{"code":96302,"message":"Moved."}`),
			[]string{`error-code 96302 "Moved."`, "status 302 on dropCluster"}},
		// The envelope of a 4XX or 5XX answer may repeat its status as
		// the code, as the spec's own examples do: that is no new code.
		{"a status repeated as the code", jsonExchange(503, `{"code":503,"message":"Busy."}`), []string{}},
		{"a status repeated on 200 is a code", jsonExchange(200, `{"code":200,"message":"OK?"}`),
			[]string{`error-code 200 "OK?"`}},
		// Only a 4XX or 5XX status is repeated as a code: a redirect's
		// envelope carrying 302 is a code like any other.
		{"a status repeated on a redirect is a code", jsonExchange(302, `{"code":302,"message":"Moved."}`),
			[]string{`error-code 302 "Moved."`, "status 302 on dropCluster"}},
		{"undeclared content type", exchange(200, "dropped", "Content-Type", "text/plain; charset=utf-8"),
			[]string{"content-type text/plain on dropCluster 200"}},
		{"undeclared content type in a range", exchange(503, "busy", "Content-Type", "text/plain"),
			[]string{"content-type text/plain on dropCluster 5XX"}},
		{"undeclared header", jsonExchange(200, successBody, "x-trace-id", "abc"),
			[]string{"header X-Trace-Id on dropCluster 200"}},
		{"undeclared header in a range", jsonExchange(429, `{"code":429,"message":"Slow down."}`, "Retry-After", "1"),
			[]string{"header Retry-After on dropCluster 4XX"}},
		{"property of the success data", jsonExchange(200, `{"code":0,"data":{"clusterId":"`+clusterID+`","prompt":"p","status":"DELETING"}}`),
			[]string{"property /data/status of DropClusterData on dropCluster 200 application/json"}},
		// "message" is the envelope's: only a branch picked by code says
		// that it is undeclared on a success.
		{"property picked by the success code", jsonExchange(200, `{"code":0,"data":{"clusterId":"`+clusterID+`","prompt":"p"},"message":"ok"}`),
			[]string{"property /message of DropClusterSuccess on dropCluster 200 application/json"}},
		// A body that breaks its branch (prompt is missing) matches no
		// branch, and is still judged by the branch its code picks.
		{"property of a broken success", jsonExchange(200, `{"code":0,"data":{"clusterId":"`+clusterID+`"},"traceId":"t"}`),
			[]string{"property /traceId of DropClusterSuccess on dropCluster 200 application/json"}},
		{"property of the envelope", jsonExchange(200, `{"code":96018,"message":"m","detail":{"hint":"x"}}`),
			[]string{"property /detail of ErrorEnvelope on dropCluster 200 application/json"}},
		{"property of a range's envelope", jsonExchange(500, `{"code":500,"message":"m","traceId":"t"}`),
			[]string{"property /traceId of ErrorEnvelope on dropCluster 5XX application/json"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := writeCassette(t, t.TempDir(), "c.yaml", tt.in)
			r, err := Check(context.Background(), spec, Options{}, file)
			if err != nil {
				t.Fatal(err)
			}
			if got := summaries(r); !slices.Equal(got, tt.want) {
				t.Errorf("findings:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
		})
	}
}

// TestDriftCountsAndFirstSightings: a finding counts the interactions that
// showed it, across files, and keeps the first: its file, the line its
// interaction starts on, the interaction's ID and its message.
func TestDriftCountsAndFirstSightings(t *testing.T) {
	spec := loadSpec(t, copySpec(t))
	dir := t.TempDir()
	a := writeCassette(t, dir, "a.yaml",
		jsonExchange(200, successBody),
		jsonExchange(200, `{"code":96099,"message":"first"}`, "Date", "Mon, 05 May 2025 23:30:00 GMT"),
		jsonExchange(200, `{"code":96099,"message":"second"}`))
	second := jsonExchange(200, successBody, "X-Trace-Id", "t")
	second.ID = 7 // The report names the ID, which need not be the index.
	b := writeCassette(t, dir, "b.yaml", jsonExchange(200, `{"code":96099,"message":"third"}`, "X-Trace-Id", "t"), second)

	r, err := Check(context.Background(), spec, Options{}, dir)
	if err != nil {
		t.Fatal(err)
	}
	if r.Cassettes != 2 || r.Interactions != 5 {
		t.Errorf("read %d cassettes and %d interactions, want 2 and 5", r.Cassettes, r.Interactions)
	}
	want := []Finding{
		{Class: ClassErrorCode, Operation: "dropCluster", Code: 96099, Message: "first", Count: 3,
			First: Sighting{File: a, Line: interactionLine(t, a, 1), Interaction: 1, RequestID: "0a1b2c3d", Date: "2025-05-05"}},
		{Class: ClassHeader, Operation: "dropCluster", Response: "200", Header: "X-Trace-Id", Count: 2,
			First: Sighting{File: b, Line: interactionLine(t, b, 0), Interaction: 0, RequestID: "0a1b2c3d"}},
	}
	if !slices.Equal(r.Findings, want) {
		t.Errorf("findings:\n  %+v\nwant:\n  %+v", r.Findings, want)
	}
	var text bytes.Buffer
	if err := WriteText(&text, r); err != nil {
		t.Fatal(err)
	}
	wantText := fmt.Sprintf(`error-code 96099 "first": 3× first at %s:%d (interaction 1)
header X-Trace-Id on dropCluster 200: 2× first at %s:%d (interaction 0)
2 findings in 5 interactions from 2 cassettes
`, a, want[0].First.Line, b, want[1].First.Line)
	if text.String() != wantText {
		t.Errorf("text report:\n%s\nwant:\n%s", text.String(), wantText)
	}
}

// TestShippedCorpus: the corpus the gate ships shows no drift. Its 429,
// 500 and 503 answers carry their status as the code, as the spec's own
// RateLimited and InternalError examples do; x-zilliz-error-codes does not
// list those, because a code that repeats a 4XX or 5XX status is that
// status, not a business code (see errorCode). A change to that rule, to
// the spec or to the corpus that makes them findings fails here.
func TestShippedCorpus(t *testing.T) {
	r, err := Check(context.Background(), loadSpec(t, copySpec(t)), Options{}, shippedCorpus)
	if err != nil {
		t.Fatal(err)
	}
	// Its 429, 500 and 503 answers repeat their status as the code.
	want := []string{}
	if got := summaries(r); !slices.Equal(got, want) {
		t.Errorf("the shipped corpus shows:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	if r.Interactions != 20 {
		t.Errorf("read %d interactions, want the corpus's 20", r.Interactions)
	}
}

// TestDriftDefaultResponse: a default response declares no status, so a
// status only it covers is drift; what the answer holds is still judged
// against it, as a reader of the spec would take it.
func TestDriftDefaultResponse(t *testing.T) {
	path := copySpec(t)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	withDefault := specedit.Apply(t, string(data), specedit.Append(specedit.Operation("dropCluster", "responses"), `        default:
          description: Anything else.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/ErrorEnvelope'
`))
	if err := os.WriteFile(path, []byte(withDefault), 0o644); err != nil {
		t.Fatal(err)
	}
	file := writeCassette(t, t.TempDir(), "c.yaml", jsonExchange(302, `{"code":96302,"message":"Moved.","location":"x"}`, "X-Route", "r"))
	r, err := Check(context.Background(), loadSpec(t, path), Options{}, file)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`error-code 96302 "Moved."`, "status 302 on dropCluster", "header Requestid on dropCluster default",
		"header X-Route on dropCluster default", "property /location of ErrorEnvelope on dropCluster default application/json"}
	if got := summaries(r); !slices.Equal(got, want) {
		t.Errorf("findings:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// TestDriftBasePath: traffic recorded through a proxy's path routes with
// the base path, as the gate's --base-path, and without it matches no
// operation.
func TestDriftBasePath(t *testing.T) {
	spec := loadSpec(t, copySpec(t))
	in := jsonExchange(200, successBody)
	in.Request.URL = "https://proxy.example/zilliz/v2/clusters/" + clusterID + "/drop"
	file := writeCassette(t, t.TempDir(), "proxied.yaml", in)
	for _, tt := range []struct {
		base string
		want []string
	}{
		{"/zilliz/", []string{}},
		{"", []string{"operation DELETE (no operation of the spec matches)"}},
	} {
		t.Run("base "+tt.base, func(t *testing.T) {
			r, err := Check(context.Background(), spec, Options{BasePath: tt.base}, file)
			if err != nil {
				t.Fatal(err)
			}
			if got := summaries(r); !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestDriftRefusesWhatIsNotTraffic: an unreadable input, or an interaction
// that is not traffic, gives a *cassettefile.Error naming the file, and no
// Report, as the gate gives no verdict.
func TestDriftRefusesWhatIsNotTraffic(t *testing.T) {
	spec := loadSpec(t, copySpec(t))
	dir := t.TempDir()
	noMethod := jsonExchange(200, successBody)
	noMethod.Request.Method = ""
	tests := []struct {
		name, path, want string
	}{
		{"missing", filepath.Join(dir, "missing.yaml"), "no such file or directory"},
		{"no method", writeCassette(t, dir, "no-method.yaml", noMethod), "interactions[0]: request has no method"},
		{"not a cassette", writeFileT(t, dir, "notes.yaml", "just: yaml\n"), `no "version" key`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Check(context.Background(), spec, Options{}, tt.path)
			var fe *cassettefile.Error
			if r != nil || !errors.As(err, &fe) || fe.File != tt.path || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v and %v, want no report and an error for %s saying %q", r, err, tt.path, tt.want)
			}
		})
	}
}

func writeFileT(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestLoadSpecRefuses: a spec that is not YAML, not OpenAPI or not valid
// is refused with its name and one line.
func TestLoadSpecRefuses(t *testing.T) {
	good, err := os.ReadFile(repoSpec)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, data, want string
	}{
		{"not yaml", "a: [b\n", "not YAML"},
		{"not openapi", "just: yaml\n", "not an OpenAPI document"},
		{"invalid", specedit.Apply(t, string(good), specedit.Replace(specedit.Operation("dropCluster"), "      operationId: dropCluster\n", "      operationId: dropCluster\n      responses: {}\n")), "spec.yaml: not"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadSpec(context.Background(), "spec.yaml", []byte(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("got %v, want one line saying %q", err, tt.want)
			}
		})
	}
}

// TestRecordedDay: the Date header first, then recorded_at in the forms
// recorders write, else unknown.
func TestRecordedDay(t *testing.T) {
	tests := []struct {
		date, recordedAt, want string
	}{
		{"Tue, 06 May 2025 01:00:00 GMT", "2024-01-01T00:00:00Z", "2025-05-06"},
		{"", "2024-02-03T23:30:00-02:00", "2024-02-04"},
		{"", "2024-02-03 10:00:00.123 +0000 UTC", "2024-02-03"},
		{"yesterday", "", ""},
		{"", "", ""},
	}
	for _, tt := range tests {
		if got := recordedDay(tt.date, tt.recordedAt); got != tt.want {
			t.Errorf("recordedDay(%q, %q) = %q, want %q", tt.date, tt.recordedAt, got, tt.want)
		}
	}
}

// TestRecordedAtFromTheCassette: a cassette's recorded_at, its own or an
// interaction's, dates a response without a Date header.
func TestRecordedAtFromTheCassette(t *testing.T) {
	spec := loadSpec(t, copySpec(t))
	dir := t.TempDir()
	file := writeCassette(t, dir, "dated.yaml", jsonExchange(200, `{"code":96099,"message":"m"}`))
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	dated := strings.Replace(string(data), "version: 2\n", "version: 2\nrecorded_at: 2024-07-08T09:00:00Z\n", 1)
	if err := os.WriteFile(file, []byte(dated), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Check(context.Background(), spec, Options{}, file)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Findings) != 1 || r.Findings[0].First.Date != "2024-07-08" {
		t.Fatalf("got %+v, want one finding dated 2024-07-08", r.Findings)
	}
}

// TestDriftStopsWhenCtxIsDone: a done ctx gives its error and no Report.
func TestDriftStopsWhenCtxIsDone(t *testing.T) {
	spec := loadSpec(t, copySpec(t))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r, err := Check(ctx, spec, Options{}, shippedCorpus)
	if r != nil || !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v and %v, want no report and context.Canceled", r, err)
	}
}
