package conformance

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/zcdrop/zcdrop/api"
)

// TestExercised checks what single exchanges exercised, through the fast
// path and the full pass alike: the equivalence tests hold the two to
// each other, and this holds them to what Exercised promises.
func TestExercised(t *testing.T) {
	const (
		dropURL     = "https://api.cloud.zilliz.com/v2/clusters/in01-6183d6bac30f801/drop"
		describeURL = "https://api.cloud.zilliz.com/v2/clusters/in01-6183d6bac30f801"
		dropPath    = "/v2/clusters/{clusterId}/drop"
	)
	drop := Exercised{Operation: "dropCluster", Method: http.MethodDelete, Path: dropPath}
	with := func(e Exercised, status, media, branch string, code int64) Exercised {
		e.Status, e.MediaType, e.Branch, e.Code = status, media, branch, code
		return e
	}
	html := func(status int) *Response {
		return &Response{StatusCode: status, Header: http.Header{"Content-Type": {"text/html"}}, Body: []byte("<html></html>")}
	}
	tests := []struct {
		name   string
		method string
		url    string
		res    *Response
		want   Exercised
	}{
		{name: "drop success", res: jsonResponse(200, `{"code":0,"data":{"clusterId":"in01-6183d6bac30f801","prompt":"p"}}`),
			want: with(drop, "200", "application/json", BranchSuccess, 0)},
		{name: "business error", res: jsonResponse(200, `{"code":96018,"message":"m"}`),
			want: with(drop, "200", "application/json", BranchError, 96018)},
		{name: "401", res: jsonResponse(401, `{"code":21119,"message":"m"}`),
			want: with(drop, "401", "application/json", BranchError, 21119)},
		{name: "429 is the range", res: jsonResponse(429, `{"code":429,"message":"m"}`),
			want: with(drop, "4XX", "application/json", BranchError, 429)},
		{name: "html 502", res: html(502), want: with(drop, "5XX", "text/html", "", 0)},
		{name: "charset matches the declared type", res: &Response{StatusCode: 200,
			Header: http.Header{"Content-Type": {"application/json; charset=utf-8"}}, Body: []byte(`{"code":96018,"message":"m"}`)},
			want: with(drop, "200", "application/json", BranchError, 96018)},
		{name: "html on 200 matches no media type", res: html(200), want: with(drop, "200", "", "", 0)},
		{name: "undeclared status", res: jsonResponse(302, `{"code":0}`), want: drop},
		{name: "broken body still says its code", res: jsonResponse(200, `{"code":0,"data":{"prompt":"p"}}`),
			want: with(drop, "200", "application/json", BranchSuccess, 0)},
		{name: "code as a string says none", res: jsonResponse(200, `{"code":"0","data":{}}`),
			want: with(drop, "200", "application/json", "", 0)},
		{name: "request alone", res: nil, want: drop},
		{name: "describe", method: http.MethodGet, url: describeURL,
			res:  jsonResponse(200, `{"code":0,"data":{"clusterId":"in01-6183d6bac30f801","status":"RUNNING"}}`),
			want: Exercised{Operation: "describeCluster", Method: http.MethodGet, Path: "/v2/clusters/{clusterId}", Status: "200", MediaType: "application/json", Branch: BranchSuccess}},
		{name: "no operation", url: "https://api.cloud.zilliz.com/v2/clusters", res: jsonResponse(200, `{"code":0}`)},
		{name: "method not allowed", method: http.MethodPost, res: jsonResponse(200, `{"code":0}`)},
	}
	for _, v := range []*Validator{newTestValidator(t), newFullValidator(t)} {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("fullOnly=%v/%s", v.fullOnly, tt.name), func(t *testing.T) {
				method, url := cmp.Or(tt.method, http.MethodDelete), cmp.Or(tt.url, dropURL)
				req := newRequest(t, method, url, map[string]string{"Authorization": "Bearer REDACTED"})
				_, _, got := v.validate(context.Background(), Exchange{Request: req, Response: tt.res})
				if got != tt.want {
					t.Errorf("exercised %+v, want %+v", got, tt.want)
				}
			})
		}
	}
}

// TestCoverageItems pins the items of openapi.yaml: a change to the spec
// that changes them must be seen here, and in the README's numbers.
func TestCoverageItems(t *testing.T) {
	items := newTestValidator(t).NewCoverageCounter().Coverage().Items
	kinds := map[string]int{}
	for _, it := range items {
		kinds[it.Kind]++
	}
	want := map[string]int{CoverageOperation: 2, CoverageStatus: 8, CoverageContentType: 10, CoverageBody: 4, CoverageErrorCode: 32}
	if fmt.Sprint(kinds) != fmt.Sprint(want) {
		t.Errorf("items by kind: %v, want %v", kinds, want)
	}
	var first []string
	for _, it := range items[:13] {
		first = append(first, it.Kind+" "+it.Operation+" "+it.Name)
	}
	wantFirst := []string{
		"operation describeCluster GET /v2/clusters/{clusterId}",
		"status describeCluster 200", "content-type describeCluster 200 application/json",
		"status describeCluster 401", "content-type describeCluster 401 application/json",
		"status describeCluster 4XX", "content-type describeCluster 4XX application/json",
		"status describeCluster 5XX", "content-type describeCluster 5XX application/json", "content-type describeCluster 5XX text/html",
		"body describeCluster success", "body describeCluster business-error",
		"error-code describeCluster 21119",
	}
	if !slices.Equal(first, wantFirst) {
		t.Errorf("first items:\n%s\nwant:\n%s", strings.Join(first, "\n"), strings.Join(wantFirst, "\n"))
	}
	if last := items[len(items)-1]; last != (CoverageItem{Kind: CoverageErrorCode, Operation: "dropCluster", Name: "40003"}) {
		t.Errorf("last item %+v, want dropCluster's last listed code, 40003", last)
	}
}

// exercisedNames lists the exercised items as "kind operation name".
func exercisedNames(c *Coverage) []string {
	var out []string
	for _, it := range c.Items {
		if it.Count > 0 {
			out = append(out, fmt.Sprintf("%s %s %s", it.Kind, it.Operation, it.Name))
		}
	}
	return out
}

// TestCoverageOfCorpora checks the coverage of the shipped corpus, whose
// numbers the README quotes, of a corpus of one 401, and of one success.
func TestCoverageOfCorpora(t *testing.T) {
	tests := []struct {
		name      string
		path      string
		exercised int
		percent   float64
		want      []string // the exercised items; nil to check only the counts
		missing   []string // some items that must be left unexercised
	}{
		{name: "shipped corpus", path: "testdata/cassettes", exercised: 26, percent: 100 * 26.0 / 56,
			missing: []string{"status describeCluster 401", "content-type describeCluster 5XX text/html",
				"error-code dropCluster 80001", "error-code describeCluster 96014"}},
		{name: "only a 401", path: "testdata/cassettes/unauthorized-21119.yaml", exercised: 4, percent: 100 * 4.0 / 56,
			want: []string{"operation dropCluster DELETE /v2/clusters/{clusterId}/drop", "status dropCluster 401",
				"content-type dropCluster 401 application/json", "error-code dropCluster 21119"}},
		{name: "one success", path: "testdata/cassettes/describe-running.yaml", exercised: 4, percent: 100 * 4.0 / 56,
			want: []string{"operation describeCluster GET /v2/clusters/{clusterId}", "status describeCluster 200",
				"content-type describeCluster 200 application/json", "body describeCluster success"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newTestValidator(t)
			results, err := v.CheckCassettes(context.Background(), tt.path)
			if err != nil {
				t.Fatal(err)
			}
			counter := v.NewCoverageCounter()
			for _, r := range results {
				counter.Observe(r)
			}
			c := counter.Coverage()
			if c.Exercised != tt.exercised || math.Abs(c.Percent-tt.percent) > 1e-9 || len(c.Items) != 56 {
				t.Errorf("%d of %d items exercised (%v%%), want %d (%v%%)", c.Exercised, len(c.Items), c.Percent, tt.exercised, tt.percent)
			}
			got := exercisedNames(c)
			if tt.want != nil && !slices.Equal(got, tt.want) {
				t.Errorf("exercised:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			var unexercised []string
			for _, it := range c.Unexercised() {
				unexercised = append(unexercised, fmt.Sprintf("%s %s %s", it.Kind, it.Operation, it.Name))
			}
			if len(unexercised) != len(c.Items)-c.Exercised {
				t.Errorf("%d unexercised items, want %d", len(unexercised), len(c.Items)-c.Exercised)
			}
			for _, m := range tt.missing {
				if !slices.Contains(unexercised, m) {
					t.Errorf("%q is not among the unexercised items", m)
				}
			}
		})
	}
}

// TestCoverageCountsInteractions: an item's Count is the number of
// interactions that exercised it, and what the spec does not declare
// (a code it does not list, an undeclared status) counts for nothing.
func TestCoverageCountsInteractions(t *testing.T) {
	c := newTestValidator(t).NewCoverageCounter()
	drop := Exercised{Operation: "dropCluster", Method: http.MethodDelete, Path: "/v2/clusters/{clusterId}/drop"}
	for _, e := range []Exercised{
		{Operation: "dropCluster", Method: http.MethodDelete, Path: "/v2/clusters/{clusterId}/drop", Status: "200", MediaType: "application/json", Branch: BranchError, Code: 96018},
		{Operation: "dropCluster", Method: http.MethodDelete, Path: "/v2/clusters/{clusterId}/drop", Status: "401", MediaType: "application/json", Branch: BranchError, Code: 96018},
		{Operation: "dropCluster", Method: http.MethodDelete, Path: "/v2/clusters/{clusterId}/drop", Status: "200", MediaType: "application/json", Branch: BranchError, Code: 12345},
		drop,
		{},
	} {
		c.Observe(Result{Exercised: e})
	}
	counts := map[string]int{}
	for _, it := range c.Coverage().Items {
		if it.Count > 0 {
			counts[it.Kind+" "+it.Name] = it.Count
		}
	}
	want := map[string]int{
		"operation DELETE /v2/clusters/{clusterId}/drop": 4,
		"status 200": 2, "content-type 200 application/json": 2, "body business-error": 2,
		"status 401": 1, "content-type 401 application/json": 1,
		"error-code 96018": 2,
	}
	if fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Errorf("counts %v, want %v", counts, want)
	}
}

// TestEveryCoverageItemCanBeExercised builds, for each item of the spec,
// an exchange that conforms and exercises it: no item is out of reach of
// conforming traffic, whatever a corpus holds.
func TestEveryCoverageItemCanBeExercised(t *testing.T) {
	doc, err := api.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	v := newTestValidator(t)
	items := v.NewCoverageCounter().Coverage().Items
	for i, it := range items {
		t.Run(fmt.Sprintf("%s/%s/%s", it.Kind, it.Operation, it.Name), func(t *testing.T) {
			ex := exchangeFor(t, doc, it)
			vs, _, exercised := v.validate(context.Background(), ex)
			if len(vs) > 0 {
				t.Fatalf("the exchange built to exercise it breaks the spec: %v", vs)
			}
			c := v.NewCoverageCounter()
			c.Observe(Result{Exercised: exercised})
			if got := c.Coverage().Items[i]; got.Count != 1 {
				t.Errorf("not exercised by %+v", exercised)
			}
		})
	}
}

// exchangeFor builds a conforming exchange that exercises it, from what
// the spec declares: a status that the item's response key covers, its
// media type, and a body from the response's examples or an error
// envelope.
func exchangeFor(t *testing.T, doc *openapi3.T, it CoverageItem) Exchange {
	t.Helper()
	var method, path string
	var op *openapi3.Operation
	for p, item := range doc.Paths.Map() {
		for m, o := range item.Operations() {
			if o.OperationID == it.Operation {
				method, path, op = m, p, o
			}
		}
	}
	if op == nil {
		t.Fatalf("no operation %q", it.Operation)
	}
	status, media, code := "200", "application/json", int64(0)
	switch it.Kind {
	case CoverageStatus:
		status = it.Name
	case CoverageContentType:
		status, media, _ = strings.Cut(it.Name, " ")
	case CoverageBody:
		if it.Name == CoverageBusinessError {
			code = 96018
		}
	case CoverageErrorCode:
		if code, _ = strconv.ParseInt(it.Name, 10, 64); code == 21119 {
			status = "401" // The one code that the API sends on a 401.
		}
	}
	statusCode := statusFor(t, op, status)
	if statusCode != 200 && code == 0 {
		code = int64(statusCode) // As the API answers a 4XX or 5XX.
	}
	clusterID := "in01-6183d6bac30f801"
	var body []byte
	switch {
	case !strings.Contains(media, "json"):
		body = []byte("<html><body>Bad Gateway</body></html>")
	case code != 0:
		body = fmt.Appendf(nil, `{"code":%d,"message":"m"}`, code)
	default:
		body, clusterID = successExample(t, op.Responses.Value(status).Value.Content.Get(media))
	}
	req := newRequest(t, method, "https://api.cloud.zilliz.com"+strings.Replace(path, "{clusterId}", clusterID, 1),
		map[string]string{"Authorization": "Bearer REDACTED"})
	return Exchange{Request: req, Response: &Response{StatusCode: statusCode, Header: http.Header{"Content-Type": {media}}, Body: body}}
}

// statusFor returns a status that op's response key covers, and no more
// precise key does.
func statusFor(t *testing.T, op *openapi3.Operation, key string) int {
	t.Helper()
	if n, err := strconv.Atoi(key); err == nil {
		return n
	}
	for n := 100; n < 600; n++ {
		if op.Responses.Value(strconv.Itoa(n)) != nil {
			continue
		}
		rng := strconv.Itoa(n/100) + "XX"
		if key == rng || key == "default" && op.Responses.Value(rng) == nil {
			return n
		}
	}
	t.Fatalf("no status for %q", key)
	return 0
}

// successExample returns the first example of mt with code 0, and the
// cluster ID that it names.
func successExample(t *testing.T, mt *openapi3.MediaType) ([]byte, string) {
	t.Helper()
	names := slices.Sorted(maps.Keys(mt.Examples))
	for _, name := range names {
		body, err := json.Marshal(mt.Examples[name].Value.Value)
		if err != nil {
			t.Fatal(err)
		}
		var e struct {
			Code *int64 `json:"code"`
			Data struct {
				ClusterID string `json:"clusterId"`
			} `json:"data"`
		}
		if json.Unmarshal(body, &e) == nil && e.Code != nil && *e.Code == 0 {
			return body, e.Data.ClusterID
		}
	}
	t.Fatalf("no success among the examples %v", names)
	return nil, ""
}
