package vcr

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"

	"github.com/zcdrop/zcdrop/internal/redact"
)

const canary = "zc-LEAK-CANARY-7f3a9c2e"

// TestRedactScrubsEveryField puts the key into every field that Redact
// scrubs, one at a time, and checks that the saved YAML no longer holds it
// and that the program's own maps are untouched.
func TestRedactScrubsEveryField(t *testing.T) {
	tests := map[string]func(*Interaction){
		"request url":     func(i *Interaction) { i.Request.URL += "?token=" + canary },
		"request host":    func(i *Interaction) { i.Request.Host = canary + ".example" },
		"request uri":     func(i *Interaction) { i.Request.RequestURI = "/x?token=" + canary },
		"request body":    func(i *Interaction) { i.Request.Body = `{"key":"` + canary + `"}` },
		"request header":  func(i *Interaction) { i.Request.Headers.Set("X-Api-Key", canary) },
		"request trailer": func(i *Interaction) { i.Request.Trailer = http.Header{"X-Sig": {canary}} },
		"request form":    func(i *Interaction) { i.Request.Form = url.Values{"token": {canary}} },
		"authorization":   func(i *Interaction) { i.Request.Headers.Set("Authorization", "Bearer "+canary) },
		"response status": func(i *Interaction) { i.Response.Status = "401 " + canary },
		"response body":   func(i *Interaction) { i.Response.Body = `{"message":"` + canary + `"}` },
		"response header": func(i *Interaction) { i.Response.Headers.Set("X-Echo", canary) },
		"response trailer": func(i *Interaction) {
			i.Response.Trailer = http.Header{"X-Echo": {canary}}
		},
	}
	for name, plant := range tests {
		t.Run(name, func(t *testing.T) {
			in := &Interaction{
				Request:  Request{URL: "https://h/v2/clusters/in01-abc/drop", Headers: http.Header{"Accept": {"application/json"}}},
				Response: Response{Code: 200, Headers: http.Header{"Requestid": {"5eed"}}},
			}
			plant(in)
			reqHeaders, resHeaders := in.Request.Headers, in.Response.Headers
			before := marshal(t, in)
			in.Redact(redact.New(canary))
			after := marshal(t, in)
			if !strings.Contains(before, canary) {
				t.Fatalf("the canary was not planted:\n%s", before)
			}
			if strings.Contains(after, canary) {
				t.Errorf("the saved interaction still holds the key:\n%s", after)
			}
			if !strings.Contains(after, "5eed") || !strings.Contains(after, "application/json") {
				t.Errorf("redaction lost what holds no secret:\n%s", after)
			}
			if strings.Contains(marshal(t, reqHeaders), "REDACTED") || strings.Contains(marshal(t, resHeaders), "REDACTED") {
				t.Error("the program's own header maps were edited")
			}
		})
	}
}

func TestRedactKeepsLengthsTrue(t *testing.T) {
	body := `{"key":"` + canary + `"}`
	in := &Interaction{
		Request: Request{Body: body, ContentLength: int64(len(body)),
			Headers: http.Header{"Content-Length": {strconv.Itoa(len(body))}}},
		Response: Response{Body: body, ContentLength: -1,
			Headers: http.Header{"Content-Length": {strconv.Itoa(len(body))}}},
	}
	in.Redact(redact.New(canary))
	want := strconv.Itoa(len(in.Request.Body))
	if in.Request.ContentLength != int64(len(in.Request.Body)) || in.Request.Headers.Get("Content-Length") != want {
		t.Errorf("request length %d, header %s; the scrubbed body is %d bytes", in.Request.ContentLength, in.Request.Headers.Get("Content-Length"), len(in.Request.Body))
	}
	if in.Response.ContentLength != -1 || in.Response.Headers.Get("Content-Length") != want {
		t.Errorf("response length %d (want -1, unknown), header %s (want %s)", in.Response.ContentLength, in.Response.Headers.Get("Content-Length"), want)
	}
}

// TestRedactLeavesFormFieldsNamedLikeHeaders: a form field named
// "authorization" is no header; cutting it to the placeholder would make a
// recording that no longer replays.
func TestRedactLeavesFormFieldsNamedLikeHeaders(t *testing.T) {
	in := &Interaction{Request: Request{Form: url.Values{"authorization": {"foo"}}}}
	in.Redact(redact.New(canary))
	if got := in.Request.Form.Get("authorization"); got != "foo" {
		t.Errorf("form field authorization = %q, want foo", got)
	}
}

func marshal(t *testing.T, v any) string {
	t.Helper()
	b, err := yaml.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
