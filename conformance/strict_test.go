package conformance

import (
	"context"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/zcdrop/zcdrop/internal/redact"
)

// undeclared is the violation that strict mode reports at pointer.
func undeclared(kind Kind, pointer string) Violation {
	return Violation{Kind: kind, Pointer: pointer, Message: "is not a property that the schema declares (strict mode)"}
}

// TestStrictReportsUndeclaredProperties checks openapi.yaml's answers in
// strict mode, through the fast path and the full pass, and that a
// Validator that is not strict reports none of it.
func TestStrictReportsUndeclaredProperties(t *testing.T) {
	const (
		dropURL     = "https://api.cloud.zilliz.com/v2/clusters/in01-6183d6bac30f801/drop"
		describeURL = "https://api.cloud.zilliz.com/v2/clusters/in01-6183d6bac30f801"
		keyLike     = "sk0123456789abcdef0123456789abcdef01"
	)
	tests := []struct {
		name   string
		method string
		res    *Response
		want   []Violation
	}{
		{name: "declared only", res: jsonResponse(200, `{"code":0,"data":{"clusterId":"in01-6183d6bac30f801","prompt":"p"}}`)},
		{name: "at root and in data, by name", res: jsonResponse(200, `{"more":true,"code":0,"data":{"new":1,"clusterId":"in01-6183d6bac30f801","prompt":"p"}}`),
			want: []Violation{undeclared(KindResponse, "/data/new"), undeclared(KindResponse, "/more")}},
		{name: "in the business-error branch", res: jsonResponse(200, `{"code":96018,"message":"m","details":{"a":1}}`),
			want: []Violation{undeclared(KindResponse, "/details")}},
		{name: "on a 401", res: jsonResponse(401, `{"code":21119,"message":"m","requestId":"x"}`),
			want: []Violation{undeclared(KindResponse, "/requestId")}},
		{name: "a name to escape", res: jsonResponse(200, `{"code":96018,"message":"m","a/b~c":1}`),
			want: []Violation{undeclared(KindResponse, "/a~1b~0c")}},
		{name: "a key-like name is not printed", res: jsonResponse(200, `{"code":96018,"message":"m","`+keyLike+`":1}`),
			want: []Violation{undeclared(KindResponse, "/"+redact.KeyLikeName)}},
		{name: "describe's optional properties are declared", method: http.MethodGet,
			res: jsonResponse(200, `{"code":0,"data":{"clusterId":"in01-6183d6bac30f801","status":"RUNNING","plan":"Free","cuSize":1,"regionId":"r"}}`)},
		{name: "an undeclared object is reported whole", method: http.MethodGet,
			res:  jsonResponse(200, `{"code":0,"data":{"clusterId":"in01-6183d6bac30f801","status":"RUNNING","extra":[{"a":1}]}}`),
			want: []Violation{undeclared(KindResponse, "/data/extra")}},
		{name: "an HTML page has no properties", res: &Response{StatusCode: 502, Header: http.Header{"Content-Type": {"text/html"}}, Body: []byte("<html></html>")}},
		{name: "a body that breaks its schema is reported for that alone", res: jsonResponse(200, `{"code":0,"data":{"prompt":"p","new":1}}`),
			want: []Violation{{Kind: KindResponse, Pointer: "/data/clusterId", Message: `property "clusterId" is missing (closest oneOf branch: DropClusterSuccess)`}}},
	}
	for _, full := range []bool{false, true} {
		v := newTestValidator(t)
		v.fullOnly = full
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				method, url := http.MethodDelete, dropURL
				if tt.method == http.MethodGet {
					method, url = tt.method, describeURL
				}
				ex := Exchange{Request: newRequest(t, method, url, map[string]string{"Authorization": "Bearer REDACTED"}), Response: tt.res}
				got := v.Strict().Validate(context.Background(), ex)
				if !reflect.DeepEqual(got, tt.want) {
					t.Errorf("fullOnly=%v: strict mode reports\n%v\nwant\n%v", full, got, tt.want)
				}
				lenient := v.Validate(context.Background(), ex)
				var strictOnly int
				for _, w := range tt.want {
					if strings.HasSuffix(w.Message, "(strict mode)") {
						strictOnly++
					}
				}
				if len(lenient) != len(tt.want)-strictOnly {
					t.Errorf("fullOnly=%v: without strict mode: %v", full, lenient)
				}
			})
		}
	}
	if v := newTestValidator(t); v.strict || !v.Strict().strict || v.strict {
		t.Error("Strict must return a strict copy and leave its Validator as it was")
	}
}

// strictSpec exercises the rule for additionalProperties and the
// combinators, in requests and responses.
const strictSpec = `
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /things:
    post:
      operationId: putThing
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Thing'}
      responses:
        '201':
          description: created
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
components:
  schemas:
    Thing:
      type: object
      properties:
        code: {type: integer}
        name: {type: string}
        labels: {type: object, additionalProperties: {type: string}}
        anything: {type: object, additionalProperties: true}
        free: {type: object}
        dict: {type: object, properties: {known: {type: string}}, additionalProperties: {type: integer}}
        opened: {type: object, properties: {k: {type: string}}, additionalProperties: true}
        closed: {type: object, properties: {a: {type: integer}}, additionalProperties: false}
        items: {type: array, items: {type: object, properties: {id: {type: integer}}}}
        both:
          allOf:
            - {type: object, properties: {x: {type: integer}}}
            - {type: object, properties: {y: {type: integer}}}
        either:
          anyOf:
            - {type: object, properties: {p: {type: integer}}, required: [p]}
            - {type: object, properties: {q: {type: string}}, required: [q]}
`

// TestStrictRule holds strict mode to its rule: an explicit
// additionalProperties, true or a schema, is a map that stays allowed; a
// free-form object allows anything; allOf members declare together, and
// so do the anyOf branches that match; array items are walked; a request
// body is checked as a response's is.
func TestStrictRule(t *testing.T) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData([]byte(strictSpec))
	if err != nil {
		t.Fatal(err)
	}
	lenient, err := newValidator(doc)
	if err != nil {
		t.Fatal(err)
	}
	v := lenient.Strict()
	tests := []struct {
		name string
		body string
		want []string // pointers reported, for the request and then the response
	}{
		{name: "maps and free-form objects", body: `{"name":"n","labels":{"any":"x"},"anything":{"k":[1]},"free":{"z":{"w":1}}}`},
		{name: "maps beside properties", body: `{"dict":{"known":"x","more":1},"opened":{"k":"x","z":[1]}}`},
		{name: "array items", body: `{"items":[{"id":1},{"id":2,"extra":true}]}`, want: []string{"/items/1/extra"}},
		{name: "allOf declares together", body: `{"both":{"x":1,"y":2,"z":3}}`, want: []string{"/both/z"}},
		{name: "anyOf branches that match", body: `{"either":{"p":1,"q":"s","r":0}}`, want: []string{"/either/r"}},
		{name: "only the branch that matches", body: `{"either":{"p":1,"q":2}}`, want: []string{"/either/q"}},
		{name: "top level", body: `{"name":"n","other":1}`, want: []string{"/other"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := newRequest(t, http.MethodPost, "https://h/things", map[string]string{"Authorization": "Bearer k", "Content-Type": "application/json"})
			// The gate reads a code in every JSON answer; 201 asks no more.
			body := strings.Replace(tt.body, "{", `{"code":1,`, 1)
			ex := Exchange{Request: req, RequestBody: []byte(body), Response: jsonResponse(201, body)}
			var want []Violation
			for _, kind := range []Kind{KindRequest, KindResponse} {
				for _, p := range tt.want {
					want = append(want, undeclared(kind, p))
				}
			}
			if got := v.Validate(context.Background(), ex); !reflect.DeepEqual(got, want) {
				t.Errorf("strict mode reports\n%v\nwant\n%v", got, want)
			}
			if got := lenient.Validate(context.Background(), ex); len(got) != 0 {
				t.Errorf("without strict mode: %v", got)
			}
		})
	}
	// additionalProperties: false is the spec's own rule, reported strict
	// or not, and once.
	req := newRequest(t, http.MethodPost, "https://h/things", map[string]string{"Authorization": "Bearer k", "Content-Type": "application/json"})
	ex := Exchange{Request: req, RequestBody: []byte(`{"closed":{"a":1,"b":2}}`)}
	got, want := v.Validate(context.Background(), ex), lenient.Validate(context.Background(), ex)
	if len(want) != 1 || !reflect.DeepEqual(got, want) {
		t.Errorf("additionalProperties false: strict %v, not strict %v; want one violation from both", got, want)
	}
}

// BenchmarkStrictValidate is BenchmarkFastValidate in strict mode: the
// fast path proves a conforming exchange in strict mode too, with a walk
// of the scanned body. BenchmarkStrictFullValidate is the full pass in
// strict mode, which it would otherwise take.
func BenchmarkStrictValidate(b *testing.B) { benchValidate(b, newTestValidator(b).Strict()) }

func BenchmarkStrictFullValidate(b *testing.B) { benchValidate(b, newFullValidator(b).Strict()) }
