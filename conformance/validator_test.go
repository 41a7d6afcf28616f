package conformance

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

const okPrompt = "The cluster has been deleted."

func newRequest(t *testing.T, method, url string, header map[string]string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return req
}

func jsonResponse(status int, body string) *Response {
	return &Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(body)}
}

func TestValidate(t *testing.T) {
	const (
		notOneValue = "body is not valid JSON, or holds more than one JSON value or text after it; the client reads it as an unexpected answer"
		notInteger  = "is not written as an integer; the client reads only an integer literal, so it calls this answer unexpected"
	)
	v := newTestValidator(t)
	auth := map[string]string{"Authorization": "Bearer REDACTED"}
	const url = "https://api.cloud.zilliz.com/v2/clusters/in01-6183d6bac30f801/drop"
	tests := []struct {
		name    string
		method  string
		url     string
		header  map[string]string
		body    string
		res     *Response
		want    []Violation // exact list; nil means the exchange conforms
		wantSub string      // checked against the first violation's message instead of want, when set
	}{
		{name: "success", res: jsonResponse(200, `{"code":0,"data":{"clusterId":"in01-6183d6bac30f801","prompt":"`+okPrompt+`"}}`)},
		{name: "success on loopback", url: "http://127.0.0.1:9/v2/clusters/in01-6183d6bac30f801/drop",
			res: jsonResponse(200, `{"code":0,"data":{"clusterId":"in01-6183d6bac30f801","prompt":"x"}}`)},
		{name: "extra properties are tolerated", res: jsonResponse(200, `{"code":0,"data":{"clusterId":"in01-6183d6bac30f801","prompt":"x","new":1},"more":true}`)},
		{name: "business error on 200", res: jsonResponse(200, `{"code":96018,"message":"Cluster not exist"}`)},
		{name: "401", res: jsonResponse(401, `{"code":21119,"message":"The apikey is illegal."}`)},
		{name: "429", res: jsonResponse(429, `{"code":429,"message":"Rate limit exceeded"}`)},
		{name: "html 502", res: &Response{StatusCode: 502, Header: http.Header{"Content-Type": {"text/html"}}, Body: []byte("<html></html>")}},
		{name: "request only", res: nil},
		{name: "code 0 without data", res: jsonResponse(200, `{"code":0}`),
			want: []Violation{{Kind: KindResponse, Pointer: "/data", Message: `property "data" is missing (closest oneOf branch: DropClusterSuccess)`}}},
		{name: "code as string", res: jsonResponse(200, `{"code":"0","data":{"clusterId":"in01-6183d6bac30f801","prompt":"x"}}`),
			want: []Violation{{Kind: KindResponse, Pointer: "/code", Message: `value must be of type integer (closest oneOf branch: DropClusterSuccess)`}}},
		{name: "missing clusterId", res: jsonResponse(200, `{"code":0,"data":{"prompt":"x"}}`),
			want: []Violation{{Kind: KindResponse, Pointer: "/data/clusterId", Message: `property "clusterId" is missing (closest oneOf branch: DropClusterSuccess)`}}},
		{name: "wrong type", res: jsonResponse(200, `{"code":0,"data":{"clusterId":"in01-6183d6bac30f801","prompt":7}}`),
			want: []Violation{{Kind: KindResponse, Pointer: "/data/prompt", Message: `value must be a string (closest oneOf branch: DropClusterSuccess)`}}},
		{name: "error without message", res: jsonResponse(200, `{"code":96018}`),
			want: []Violation{{Kind: KindResponse, Pointer: "/message", Message: `property "message" is missing (closest oneOf branch: ErrorEnvelope)`}}},
		{name: "undeclared status", res: jsonResponse(302, `{}`), wantSub: "status 302 is not declared"},
		{name: "html on 200", res: &Response{StatusCode: 200, Header: http.Header{"Content-Type": {"text/html"}}, Body: []byte("<html>")},
			wantSub: `"text/html" is not declared for status 200`},
		{name: "no content type", res: &Response{StatusCode: 200, Body: []byte(`{"code":0}`)}, wantSub: "missing (declared for status 200"},
		{name: "truncated json", res: jsonResponse(200, `{"code":0,"data":{"clu`), wantSub: "body is not valid JSON"},
		{name: "echo differs", res: jsonResponse(200, `{"code":0,"data":{"clusterId":"in01-000000000000000","prompt":"x"}}`),
			want: []Violation{{Kind: KindSemantic, Pointer: "/data/clusterId", Message: `echoes cluster "in01-000000000000000", but the request dropped "in01-6183d6bac30f801"`}}},
		{name: "wrong method", method: http.MethodPost, res: jsonResponse(200, `{"code":0}`),
			want: []Violation{{Kind: KindRequest, Pointer: PointerMethod, Message: "method POST is not allowed on /v2/clusters/in01-6183d6bac30f801/drop; the response was not checked"}}},
		{name: "query string", url: url + "?force=true", res: jsonResponse(200, `{"code":0,"data":{"clusterId":"in01-6183d6bac30f801","prompt":"x"}}`),
			want: []Violation{{Kind: KindRequest, Pointer: PointerQuery, Message: "the operation takes no query parameters"}}},
		{name: "401 with code 0", res: jsonResponse(401, `{"code":0,"message":"m"}`),
			want: []Violation{{Kind: KindResponse, Pointer: "/code", Message: "value must not be any of [0]"}}},
		{name: "null data", res: jsonResponse(200, `{"code":0,"data":null}`),
			want: []Violation{{Kind: KindResponse, Pointer: "/data", Message: "value is not nullable (closest oneOf branch: DropClusterSuccess)"}}},
		{name: "empty body", res: jsonResponse(200, ``),
			want: []Violation{{Kind: KindResponse, Pointer: "", Message: "body is empty; status 200 declares a application/json body"}}},
		{name: "short key does not garble messages", header: map[string]string{"Authorization": "Bearer a"}, res: jsonResponse(200, `{"code":0}`),
			want: []Violation{{Kind: KindResponse, Pointer: "/data", Message: `property "data" is missing (closest oneOf branch: DropClusterSuccess)`}}},
		{name: "missing authorization", header: map[string]string{},
			want: []Violation{{Kind: KindSemantic, Pointer: PointerAuthorization, Message: "missing: the operation requires a Bearer API key"}}},
		{name: "basic auth", header: map[string]string{"Authorization": "Basic abc"},
			want: []Violation{{Kind: KindSemantic, Pointer: PointerAuthorization, Message: "does not use the Bearer scheme"}}},
		{name: "dot-dot id", url: "https://api.cloud.zilliz.com/v2/clusters/in01-a%2F..%2F/drop", wantSub: "regular expression"},
		// The Validator reads keys as the client does, exactly, and flags
		// what a reader that ignores case, or keeps the last of two keys,
		// would read differently.
		{name: "CODE beside code", res: jsonResponse(200, `{"code":96018,"CODE":0,"message":"m","data":{"clusterId":"in01-6183d6bac30f801","prompt":"x"}}`),
			want: []Violation{{Kind: KindSemantic, Pointer: "/CODE", Message: `differs from "code" only in case; a reader that ignores case may take it for "code"`}}},
		{name: "Code instead of code", res: jsonResponse(200, `{"Code":0,"data":{"clusterId":"in01-6183d6bac30f801","prompt":"x"}}`),
			want: []Violation{
				{Kind: KindSemantic, Pointer: "/Code", Message: `differs from "code" only in case; a reader that ignores case may take it for "code"`},
				{Kind: KindResponse, Pointer: "/code", Message: `property "code" is missing (closest oneOf branch: DropClusterSuccess)`},
			}},
		{name: "Data instead of data", res: jsonResponse(200, `{"code":0,"Data":{"clusterId":"in01-6183d6bac30f801","prompt":"x"}}`),
			want: []Violation{
				{Kind: KindSemantic, Pointer: "/Data", Message: `differs from "data" only in case; a reader that ignores case may take it for "data"`},
				{Kind: KindResponse, Pointer: "/data", Message: `property "data" is missing (closest oneOf branch: DropClusterSuccess)`},
			}},
		{name: "MESSAGE beside message on a 401", res: jsonResponse(401, `{"code":21119,"message":"m","MESSAGE":"n"}`),
			want: []Violation{{Kind: KindSemantic, Pointer: "/MESSAGE", Message: `differs from "message" only in case; a reader that ignores case may take it for "message"`}}},
		{name: "CLUSTERID beside clusterId", res: jsonResponse(200, `{"code":0,"data":{"clusterId":"in01-6183d6bac30f801","prompt":"x","CLUSTERID":"in01-000000000000000"}}`),
			want: []Violation{{Kind: KindSemantic, Pointer: "/data/CLUSTERID", Message: `differs from "clusterId" only in case; a reader that ignores case may take it for "clusterId"`}}},
		{name: "code twice", res: jsonResponse(200, `{"code":96018,"message":"m","code":0,"data":{"clusterId":"in01-6183d6bac30f801","prompt":"x"}}`),
			want: []Violation{{Kind: KindResponse, Pointer: "/code", Message: "appears more than once; readers disagree on which one counts"}}},
		{name: "clusterId twice", res: jsonResponse(200, `{"code":0,"data":{"clusterId":"in01-000000000000000","clusterId":"in01-6183d6bac30f801","prompt":"x"}}`),
			want: []Violation{{Kind: KindResponse, Pointer: "/data/clusterId", Message: "appears more than once; readers disagree on which one counts"}}},
		{name: "null code", res: jsonResponse(200, `{"code":null,"data":{"clusterId":"in01-6183d6bac30f801","prompt":"x"}}`),
			want: []Violation{{Kind: KindResponse, Pointer: "/code", Message: "value must be of type integer (closest oneOf branch: DropClusterSuccess)"}}},
		{name: "keys in other objects may differ in case", res: jsonResponse(200, `{"code":0,"data":{"clusterId":"in01-6183d6bac30f801","prompt":"x","extra":{"Code":1,"code":2}}}`)},
		// The Validator reads the body as the client does, or fails it: a
		// lenient reader takes the first of two values, or 0.0 for 0.
		{name: "two JSON values", res: jsonResponse(200, `{"code":0,"data":{"clusterId":"in01-6183d6bac30f801","prompt":"x"}}{"code":96018,"message":"m"}`),
			want: []Violation{{Kind: KindResponse, Pointer: "", Message: notOneValue}}},
		{name: "text after the value", res: jsonResponse(200, `{"code":0,"data":{"clusterId":"in01-6183d6bac30f801","prompt":"x"}} trailing`),
			want: []Violation{{Kind: KindResponse, Pointer: "", Message: notOneValue}}},
		{name: "another cluster, then text", res: jsonResponse(200, `{"code":0,"data":{"clusterId":"in01-OTHER"}} x`),
			want: []Violation{{Kind: KindResponse, Pointer: "", Message: notOneValue}}},
		{name: "not an object", res: jsonResponse(200, `[{"code":0}]`),
			want: []Violation{{Kind: KindResponse, Pointer: "", Message: "body is not a JSON object; the client reads it as an unexpected answer"}}},
		{name: "code 0.0", res: jsonResponse(200, `{"code":0.0,"data":{"clusterId":"in01-6183d6bac30f801","prompt":"x"}}`),
			want: []Violation{{Kind: KindResponse, Pointer: "/code", Message: notInteger}}},
		{name: "code 0e5", res: jsonResponse(200, `{"code":0e5,"data":{"clusterId":"in01-6183d6bac30f801","prompt":"x"}}`),
			want: []Violation{{Kind: KindResponse, Pointer: "/code", Message: notInteger}}},
		// The gate locates what is wrong, and never prints a key doing so.
		{name: "key-like key twice", res: jsonResponse(200, `{"code":0,"data":{"clusterId":"in01-6183d6bac30f801","prompt":"x","sk-LIVE-Q2x9Lm4Tz8Kp1Vw7Rj5N":1,"sk-LIVE-Q2x9Lm4Tz8Kp1Vw7Rj5N":2}}`),
			want: []Violation{{Kind: KindResponse, Pointer: "/data/<key-like name>", Message: "appears more than once; readers disagree on which one counts"}}},
		{name: "key in the path", url: "https://api.cloud.zilliz.com/v2/sk-LIVE-Q2x9Lm4Tz8Kp1Vw7Rj5N/drop", res: jsonResponse(200, `{}`),
			want: []Violation{{Kind: KindRequest, Pointer: PointerPath, Message: "no operation in the spec matches the path, which holds what looks like a credential and is not printed; the response was not checked"}}},
		{name: "key in the path, wrong method", method: http.MethodPost, url: "https://api.cloud.zilliz.com/v2/clusters/9f86d081884c7d659a2feaa0c55ad015/drop",
			want: []Violation{{Kind: KindRequest, Pointer: PointerMethod, Message: "method POST is not allowed on the path, which holds what looks like a credential and is not printed"}}},
		{name: "request body", body: `{"x":1}`,
			want: []Violation{{Kind: KindRequest, Pointer: PointerBody, Message: "request body not allowed for this request"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method, u, header := tt.method, tt.url, tt.header
			if method == "" {
				method = http.MethodDelete
			}
			if u == "" {
				u = url
			}
			if header == nil {
				header = auth
			}
			ex := Exchange{Request: newRequest(t, method, u, header), Response: tt.res}
			if tt.body != "" {
				ex.RequestBody = []byte(tt.body)
			}
			got := v.Validate(context.Background(), ex)
			if tt.wantSub != "" {
				if len(got) == 0 || !strings.Contains(got[0].Message, tt.wantSub) {
					t.Fatalf("got %v, want a first violation containing %q", got, tt.wantSub)
				}
				return
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d violations %v, want %v", len(got), got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("violation %d:\n got %#v\nwant %#v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestValidateNeverEchoesTheKey(t *testing.T) {
	v := newTestValidator(t)
	const key = "sk-SECRET-4242-0123456789"
	// The response echoes the key in places the schema rejects, so that any
	// message quoting the value would leak it.
	bodies := map[string]string{
		"string code":      `{"code":"` + key + `","data":{"clusterId":"` + key + `","prompt":"` + key + `"}}`,
		"key as a key":     `{"code":0,"data":{"clusterId":"in01-abc","prompt":"p","` + key + `":{"k":1,"k":2}}}`,
		"key as a key too": `{"code":0,"data":{"clusterId":"in01-abc","prompt":"p"},"` + key + `":1,"` + key + `":2}`,
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			req := newRequest(t, http.MethodDelete, "https://h/v2/clusters/in01-abc/drop", map[string]string{"Authorization": "Bearer " + key})
			got := v.Validate(context.Background(), Exchange{Request: req, Response: jsonResponse(200, body)})
			if len(got) == 0 {
				t.Fatal("want violations")
			}
			for _, x := range got {
				if strings.Contains(x.String(), key) {
					t.Errorf("violation leaks the key: %s", x)
				}
			}
		})
	}
}

// FuzzValidate feeds arbitrary answers to the Validator: it must never
// panic, and never quote the request's key in a violation.
func FuzzValidate(f *testing.F) {
	f.Add(200, "application/json", `{"code":0,"data":{"clusterId":"in01-abc","prompt":"p"}}`)
	f.Add(200, "application/json", `{"code":"sk-FUZZ-SECRET-1234","data":{"clusterId":"sk-FUZZ-SECRET-1234"}}`)
	f.Add(401, "application/json", `{"code":21119,"message":"The apikey is illegal."}`)
	f.Add(502, "text/html", `<html>`)
	f.Add(204, "", ``)
	// The hostile bodies of issue 8, which a case-insensitive reader once
	// took for a success.
	f.Add(200, "application/json", `{"code":96018,"CODE":0,"message":"m","data":{"clusterId":"in01-abc","prompt":"p"}}`)
	f.Add(200, "application/json", `{"code":null,"data":{"clusterId":"in01-abc","prompt":"p"}}`)
	f.Add(200, "application/json", `{"code":96018,"message":"m","code":0,"data":{"clusterId":"in01-abc","prompt":"p"}}`)
	const key = "sk-FUZZ-SECRET-1234"
	v := newTestValidator(f)
	f.Fuzz(func(t *testing.T, status int, contentType, body string) {
		if status < 100 || status > 999 {
			return
		}
		req := newRequest(t, http.MethodDelete, "https://h/v2/clusters/in01-abc/drop", map[string]string{"Authorization": "Bearer " + key})
		res := &Response{StatusCode: status, Header: http.Header{"Content-Type": {contentType}}, Body: []byte(body)}
		for _, x := range v.Validate(context.Background(), Exchange{Request: req, Response: res}) {
			if strings.Contains(x.String(), key) {
				t.Fatalf("violation quotes the key: %s", x)
			}
		}
	})
}
