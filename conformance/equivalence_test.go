package conformance

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// newFullValidator returns a Validator that always takes the full
// multi-error pass.
func newFullValidator(t testing.TB) *Validator {
	t.Helper()
	v := newTestValidator(t)
	v.fullOnly = true
	return v
}

// TestFastPathAgreesOnCorpora runs the gate over every shipped and
// negative cassette with and without the fast path, strict and not: every
// result, every violation, every lifecycle verdict and what each
// interaction exercised must be the same.
func TestFastPathAgreesOnCorpora(t *testing.T) {
	files, err := filepath.Glob("testdata/*/*.yaml")
	if err != nil || len(files) < 40 {
		t.Fatalf("corpus: %d files (%v)", len(files), err)
	}
	for _, strict := range []bool{false, true} {
		fast, full := newTestValidator(t), newFullValidator(t)
		if strict {
			fast, full = fast.Strict(), full.Strict()
		}
		for _, file := range files {
			t.Run(fmt.Sprintf("strict=%v/%s", strict, file), func(t *testing.T) {
				got, gotErr := fast.CheckCassettes(context.Background(), file)
				want, wantErr := full.CheckCassettes(context.Background(), file)
				if !reflect.DeepEqual(got, want) || (gotErr == nil) != (wantErr == nil) ||
					(gotErr != nil && gotErr.Error() != wantErr.Error()) {
					t.Errorf("fast path:\n%v %v\nfull pass:\n%v %v", got, gotErr, want, wantErr)
				}
			})
		}
	}
}

// agreementSeeds are exchanges to mutate: conforming answers of both
// operations, and FuzzValidate's hostile bodies.
var agreementSeeds = []struct {
	method, path string
	status       int
	contentType  string
	body         string
}{
	{http.MethodDelete, "/v2/clusters/in01-abc/drop", 200, "application/json", `{"code":0,"data":{"clusterId":"in01-abc","prompt":"p"}}`},
	{http.MethodDelete, "/v2/clusters/in01-abc/drop", 200, "application/json", `{"code":96018,"message":"Cluster not exist"}`},
	{http.MethodDelete, "/v2/clusters/in01-abc/drop", 401, "application/json", `{"code":21119,"message":"The apikey is illegal."}`},
	{http.MethodDelete, "/v2/clusters/in01-abc/drop", 429, "application/json", `{"code":429,"message":"slow down"}`},
	{http.MethodDelete, "/v2/clusters/in01-abc/drop", 502, "text/html", `<html>`},
	{http.MethodDelete, "/v2/clusters/in01-abc/drop", 204, "", ``},
	{http.MethodDelete, "/v2/clusters/in01-abc/drop", 200, "application/json", `{"code":96018,"CODE":0,"message":"m","data":{"clusterId":"in01-abc","prompt":"p"}}`},
	{http.MethodDelete, "/v2/clusters/in01-abc/drop", 200, "application/json", `{"code":null,"data":{"clusterId":"in01-abc","prompt":"p"}}`},
	{http.MethodDelete, "/v2/clusters/in01-abc/drop", 200, "application/json", `{"code":96018,"message":"m","code":0,"data":{"clusterId":"in01-abc","prompt":"p"}}`},
	{http.MethodGet, "/v2/clusters/in01-abc", 200, "application/json", `{"code":0,"data":{"clusterId":"in01-abc","status":"DELETING","cuSize":2,"plan":"Enterprise"}}`},
	{http.MethodGet, "/v2/clusters/in01-abc", 200, "application/json", `{"code":0,"data":{"clusterId":"in01-abc","status":"RUNNING","extra":[1,{"a":null}]}}`},
	{http.MethodGet, "/v2/clusters/in01-abc", 200, "application/json", `{"code":96018,"message":"Cluster not exist or you don't have permission."}`},
}

// mutations turn one exchange into others, each a small step off it.
var mutations = map[string]func(*agreementCase){
	"as is": func(*agreementCase) {},
	"other method": func(c *agreementCase) {
		c.method = map[string]string{http.MethodGet: http.MethodDelete, http.MethodDelete: http.MethodGet}[c.method]
	},
	"other id":          func(c *agreementCase) { c.path = strings.Replace(c.path, "in01-abc", "in05-xyz9", 1) },
	"bad id":            func(c *agreementCase) { c.path = strings.Replace(c.path, "in01-abc", "in01-ABC", 1) },
	"escaped id":        func(c *agreementCase) { c.path = strings.Replace(c.path, "in01-abc", "in01-a%62c", 1) },
	"trailing slash":    func(c *agreementCase) { c.path += "/" },
	"query":             func(c *agreementCase) { c.query = "x=1" },
	"no key":            func(c *agreementCase) { c.auth = "" },
	"basic":             func(c *agreementCase) { c.auth = "Basic abc" },
	"request body":      func(c *agreementCase) { c.reqBody = "{}" },
	"status 201":        func(c *agreementCase) { c.status = 201 },
	"status 500":        func(c *agreementCase) { c.status = 500 },
	"status 401":        func(c *agreementCase) { c.status = 401 },
	"charset":           func(c *agreementCase) { c.contentType += "; charset=utf-8" },
	"no content type":   func(c *agreementCase) { c.contentType = "" },
	"two content types": func(c *agreementCase) { c.extraCT = true },
	"request id":        func(c *agreementCase) { c.requestID = "abc" },
	"code 0.0":          func(c *agreementCase) { c.body = strings.Replace(c.body, `"code":0`, `"code":0.0`, 1) },
	"code 1e0":          func(c *agreementCase) { c.body = strings.Replace(c.body, `"code":96018`, `"code":9.6018e4`, 1) },
	"code -0":           func(c *agreementCase) { c.body = strings.Replace(c.body, `"code":0`, `"code":-0`, 1) },
	"code string":       func(c *agreementCase) { c.body = strings.Replace(c.body, `"code":0`, `"code":"0"`, 1) },
	"code huge":         func(c *agreementCase) { c.body = strings.Replace(c.body, `"code":96018`, `"code":99999999999`, 1) },
	"Code key":          func(c *agreementCase) { c.body = strings.Replace(c.body, `"code"`, `"Code"`, 1) },
	"escaped key":       func(c *agreementCase) { c.body = strings.Replace(c.body, `"code"`, `"\u0063ode"`, 1) },
	"ClusterId key":     func(c *agreementCase) { c.body = strings.Replace(c.body, `"clusterId"`, `"ClusterId"`, 1) },
	"escaped value":     func(c *agreementCase) { c.body = strings.Replace(c.body, `"in01-abc"`, `"in01-\u0061bc"`, 1) },
	"other echo":        func(c *agreementCase) { c.body = strings.Replace(c.body, `"in01-abc"`, `"in01-abd"`, 1) },
	"null data":         func(c *agreementCase) { c.body = strings.Replace(c.body, `"data":{`, `"data":null,"x":{`, 1) },
	"no prompt":         func(c *agreementCase) { c.body = strings.Replace(c.body, `,"prompt":"p"`, ``, 1) },
	"empty status":      func(c *agreementCase) { c.body = strings.Replace(c.body, `"DELETING"`, `""`, 1) },
	"status number":     func(c *agreementCase) { c.body = strings.Replace(c.body, `"RUNNING"`, `7`, 1) },
	"message number":    func(c *agreementCase) { c.body = strings.Replace(c.body, `"message":"`, `"message":5,"m":"`, 1) },
	"unicode message":   func(c *agreementCase) { c.body = strings.Replace(c.body, `"message":"`, `"message":"é\t`, 1) },
	"escaped message":   func(c *agreementCase) { c.body = strings.Replace(c.body, `"message":"`, `"message":"\"\\\/\n`, 1) },
	"trailing text":     func(c *agreementCase) { c.body += " x" },
	"two values":        func(c *agreementCase) { c.body += "{}" },
	"whitespace":        func(c *agreementCase) { c.body = " \n" + strings.ReplaceAll(c.body, ":", " : ") + "\t" },
	"truncated":         func(c *agreementCase) { c.body = c.body[:len(c.body)/2] },
	"nested duplicate":  func(c *agreementCase) { c.body = strings.Replace(c.body, `{"code"`, `{"z":{"a":1,"a":2},"code"`, 1) },
	"array":             func(c *agreementCase) { c.body = "[" + c.body + "]" },
	"leading zero":      func(c *agreementCase) { c.body = strings.Replace(c.body, `"code":96018`, `"code":096018`, 1) },
	"true code":         func(c *agreementCase) { c.body = strings.Replace(c.body, `"code":0`, `"code":true`, 1) },
	"base path":         func(c *agreementCase) { c.basePath = "/zilliz" },
	"base path unused":  func(c *agreementCase) { c.path = "/zilliz" + c.path },
}

type agreementCase struct {
	method, path, query, auth, reqBody string
	status                             int
	contentType, requestID, body       string
	extraCT                            bool
	basePath                           string
}

func (c agreementCase) exchange(t testing.TB) (context.Context, Exchange) {
	ctx := context.Background()
	path := c.path
	if c.basePath != "" {
		ctx = WithBasePath(ctx, c.basePath)
		path = c.basePath + path
	}
	u := "https://h" + path
	if c.query != "" {
		u += "?" + c.query
	}
	req, err := http.NewRequestWithContext(ctx, c.method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.auth != "" {
		req.Header.Set("Authorization", c.auth)
	}
	req.Header.Set("Accept", "application/json")
	h := http.Header{}
	if c.contentType != "" {
		h.Set("Content-Type", c.contentType)
	}
	if c.extraCT {
		h.Add("Content-Type", "application/json")
	}
	if c.requestID != "" {
		h.Set("Requestid", c.requestID)
	}
	ex := Exchange{Request: req, Response: &Response{StatusCode: c.status, Header: h, Body: []byte(c.body)}}
	if c.reqBody != "" {
		ex.RequestBody = []byte(c.reqBody)
	}
	return ctx, ex
}

// assertAgree checks ex, and the request alone, through both passes. It
// says whether the fast path proved ex, and returns the violations found.
func assertAgree(t *testing.T, fast, full *Validator, ctx context.Context, ex Exchange) (proved bool, found []Violation) {
	t.Helper()
	gotVs, gotSaid, gotEx := fast.validate(ctx, ex)
	wantVs, wantSaid, wantEx := full.validate(ctx, ex)
	if !reflect.DeepEqual(gotVs, wantVs) || !reflect.DeepEqual(gotSaid, wantSaid) || gotEx != wantEx {
		t.Fatalf("fast path: %v %+v %+v\nfull pass: %v %+v %+v", gotVs, gotSaid, gotEx, wantVs, wantSaid, wantEx)
	}
	reqOnly := Exchange{Request: ex.Request, RequestBody: ex.RequestBody}
	gotReqVs, _, gotReqEx := fast.validate(ctx, reqOnly)
	wantReqVs, _, wantReqEx := full.validate(ctx, reqOnly)
	if !reflect.DeepEqual(gotReqVs, wantReqVs) || gotReqEx != wantReqEx {
		t.Fatalf("request alone: fast path %v %+v, full pass %v %+v", gotReqVs, gotReqEx, wantReqVs, wantReqEx)
	}
	fr, ok := fast.fastCheckRequest(ex)
	if ok && ex.Response != nil {
		_, _, ok = fast.fastCheckResponse(fr, ex.Response)
	}
	return ok, wantVs
}

// TestFastPathAgreesOnMutations checks every seed under every mutation,
// and pairs of mutations, through both passes. It fails, too, if the
// corpus stops exercising both sides: the fast path must prove some
// exchanges, and give up on others that do violate the spec.
func TestFastPathAgreesOnMutations(t *testing.T) {
	fast, full := newTestValidator(t), newFullValidator(t)
	proved, violating := 0, 0
	check := func(c agreementCase) {
		ctx, ex := c.exchange(t)
		ok, found := assertAgree(t, fast, full, ctx, ex)
		if ok {
			proved++
		}
		if len(found) > 0 {
			violating++
		}
	}
	for _, s := range agreementSeeds {
		base := agreementCase{method: s.method, path: s.path, auth: "Bearer REDACTED", status: s.status, contentType: s.contentType, body: s.body}
		for n1, m1 := range mutations {
			for n2, m2 := range mutations {
				if n1 > n2 {
					continue // Each pair once; "as is" pairs each with itself.
				}
				c := base
				m1(&c)
				m2(&c)
				check(c)
			}
		}
	}
	if proved < 50 || violating < 1000 {
		t.Errorf("the fast path proved %d exchanges and the full pass faulted %d: the corpus no longer tests both", proved, violating)
	}
}

// strictMutations add properties that the schema does not declare, where
// strict mode reports them and where it must not.
var strictMutations = map[string]func(*agreementCase){
	"as is":          func(*agreementCase) {},
	"extra at root":  func(c *agreementCase) { c.body = strings.Replace(c.body, `{"code"`, `{"zz":1,"code"`, 1) },
	"extra in data":  func(c *agreementCase) { c.body = strings.Replace(c.body, `"data":{`, `"data":{"region":{"a":1},`, 1) },
	"extra last":     func(c *agreementCase) { c.body = strings.Replace(c.body, `"message":"`, `"details":[],"message":"`, 1) },
	"declared extra": func(c *agreementCase) { c.body = strings.Replace(c.body, `"data":{`, `"data":{"plan":"Free",`, 1) },
}

// TestFastPathAgreesInStrictMode checks every seed, under each strict
// mutation alone and then with each other mutation, through both passes
// of strict Validators. Strict mode is not paired with every pair of
// mutations: that would double the time of the test above under -race,
// and the fast path's strict check is a walk after the schema has
// matched, which the mutations above already hold to the full pass. It
// fails, too, if strict mode stops finding undeclared properties, or the
// fast path stops proving exchanges in strict mode.
func TestFastPathAgreesInStrictMode(t *testing.T) {
	fast, full := newTestValidator(t).Strict(), newFullValidator(t).Strict()
	proved, undeclared := 0, 0
	for _, s := range agreementSeeds {
		base := agreementCase{method: s.method, path: s.path, auth: "Bearer REDACTED", status: s.status, contentType: s.contentType, body: s.body}
		for _, strictMutation := range strictMutations {
			for _, m := range mutations {
				c := base
				strictMutation(&c)
				m(&c)
				ctx, ex := c.exchange(t)
				ok, found := assertAgree(t, fast, full, ctx, ex)
				if ok {
					proved++
				}
				for _, v := range found {
					if strings.HasSuffix(v.Message, "(strict mode)") {
						undeclared++
					}
				}
			}
		}
	}
	if proved < 50 || undeclared < 500 {
		t.Errorf("the fast path proved %d exchanges and strict mode found %d undeclared properties: the corpus no longer tests both", proved, undeclared)
	}
}

// FuzzFastPathAgrees holds the fast path to the full pass on arbitrary
// exchanges.
func FuzzFastPathAgrees(f *testing.F) {
	for _, s := range agreementSeeds {
		f.Add(s.method, s.path, "Bearer REDACTED", s.status, s.contentType, s.body)
	}
	fast, full := newTestValidator(f), newFullValidator(f)
	f.Fuzz(func(t *testing.T, method, path, auth string, status int, contentType, body string) {
		if status < 100 || status > 999 || !strings.HasPrefix(path, "/") {
			return
		}
		req, err := http.NewRequest(method, "https://h"+path, nil)
		if err != nil {
			return
		}
		req.Header.Set("Authorization", auth)
		res := &Response{StatusCode: status, Header: http.Header{"Content-Type": {contentType}}, Body: []byte(body)}
		assertAgree(t, fast, full, context.Background(), Exchange{Request: req, Response: res})
	})
}
