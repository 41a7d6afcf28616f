package conformance

import (
	"bytes"
	"context"
	"encoding/gob"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/zcdrop/zcdrop/internal/vcr"
)

func TestShownHeaderValue(t *testing.T) {
	for _, tt := range []struct{ name, value, want string }{
		{"Authorization", "Bearer " + recordedKey, "Bearer REDACTED"},
		{"Authorization", "Bearer REDACTED", "Bearer REDACTED"},
		{"authorization", recordedKey, "REDACTED"},
		{"Proxy-Authorization", "Basic dXNlcjpwYXNz", "Basic REDACTED"},
		{"X-Api-Key", "tiny", "REDACTED"},
		{"X-Api-Key", "REDACTED", "REDACTED"},
		{"Cookie", "session=abc; theme=dark", "REDACTED"},
		{"Cookie", "session=REDACTED", "session=REDACTED"},
		{"Set-Cookie", "sid=abc; Path=/", "REDACTED"},
		{"X-Echo", "Bearer sk-short", "Bearer REDACTED"},
		{"X-Echo", "seen " + recordedHexKey, "seen REDACTED"},
		{"Requestid", recordedHexKey, recordedHexKey},        // An ID, as the gate reads it.
		{"X-Request-Id", "id " + recordedKey, "id REDACTED"}, // But not a random key in one.
		{"Content-Type", "application/json", "application/json"},
	} {
		t.Run(tt.name+"="+tt.value, func(t *testing.T) {
			if got := shownHeaderValue(tt.name, tt.value); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestShownBody(t *testing.T) {
	// A key that a cut at maxShownBody would leave too short to mask.
	keyAtCut := strings.Repeat("a", maxShownBody-10) + " " + recordedKey + " tail"
	for _, tt := range []struct {
		name, body string
		wantCut    bool
		wantLen    int
	}{
		{"small", `{"code":0}`, false, 10},
		{"exactly the cap", strings.Repeat("x", maxShownBody), false, maxShownBody},
		{"over the cap", strings.Repeat("x", maxShownBody+1), true, maxShownBody},
		{"a character across the cap", strings.Repeat("x", maxShownBody-1) + "é", true, maxShownBody - 1},
		{"a key across the cap", keyAtCut, true, maxShownBody - 10 + len(" REDACTED tail")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, cut := shownBody(tt.body)
			if cut != tt.wantCut || len(got) != min(tt.wantLen, maxShownBody) || !utf8.ValidString(got) {
				t.Errorf("%d bytes, cut %v; want %d, %v, valid UTF-8", len(got), cut, min(tt.wantLen, maxShownBody), tt.wantCut)
			}
			if strings.Contains(got, recordedKey[:12]) {
				t.Error("a piece of the key is shown")
			}
		})
	}
}

// TestNewRecordedExchange: the start lines, every header in the order of
// their names, bodies, and what was cut, redacted; and it survives the
// spool's gob.
func TestNewRecordedExchange(t *testing.T) {
	in := &vcr.Interaction{
		Request: vcr.Request{Proto: "HTTP/1.1", Method: "DELETE",
			URL:     "https://user:pw@api.cloud.zilliz.com/v2/clusters/" + recordedKey + "/drop?x=1",
			Headers: http.Header{"Authorization": {"Bearer " + recordedKey}, "Accept": {"application/json"}, "X-" + recordedKey: {"v"}},
			Body:    "k: " + recordedKey},
		Response: vcr.Response{Proto: "HTTP/1.1", Code: 503, Headers: http.Header{"Content-Type": {"text/html"}, "Retry-After": {"1", "2"}},
			Body: strings.Repeat("<p>", maxShownBody)},
	}
	got := newRecordedExchange(in)
	var round RecordedExchange
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(got); err != nil {
		t.Fatal(err)
	}
	if err := gob.NewDecoder(&buf).Decode(&round); err != nil {
		t.Fatal(err)
	}
	req, res := round.Request, round.Response
	if want := "DELETE https://REDACTED@api.cloud.zilliz.com/v2/clusters/REDACTED/drop?x=REDACTED HTTP/1.1"; req.StartLine != want {
		t.Errorf("request line %q, want %q", req.StartLine, want)
	}
	wantHeader := []HeaderField{{"Accept", "application/json"}, {"Authorization", "Bearer REDACTED"}, {"<key-like name>", "v"}}
	if len(req.Header) != len(wantHeader) {
		t.Fatalf("request header %+v, want %+v", req.Header, wantHeader)
	}
	for i, h := range wantHeader {
		if req.Header[i] != h {
			t.Errorf("request header %d: %+v, want %+v", i, req.Header[i], h)
		}
	}
	if req.Body != "k: REDACTED" || req.BodyBytes != len(in.Request.Body) || req.Truncated {
		t.Errorf("request body %q (%d bytes, cut %v)", req.Body, req.BodyBytes, req.Truncated)
	}
	if res.StartLine != "HTTP/1.1 503 Service Unavailable" || len(res.Header) != 3 || res.Header[2] != (HeaderField{"Retry-After", "2"}) {
		t.Errorf("response %q %+v", res.StartLine, res.Header)
	}
	if !res.Truncated || len(res.Body) != maxShownBody || res.BodyBytes != 3*maxShownBody {
		t.Errorf("response body of %d bytes, cut %v, of %d; want cut at %d of %d", len(res.Body), res.Truncated, res.BodyBytes, maxShownBody, 3*maxShownBody)
	}
}

// TestGateKeepsFailingExchanges: the gate keeps the exchange of every
// interaction that fails, the lifecycle rules' failures too, and of none
// that passes.
func TestGateKeepsFailingExchanges(t *testing.T) {
	negative, err := filepath.Glob("testdata/negative/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	twice := writeSteps(t, t.TempDir(), "twice.yaml", func(i int) int { return i }, dropped(clusterA), dropped(clusterA))
	results, err := newTestValidator(t).CheckCassettes(context.Background(), append(negative, "testdata/cassettes", twice)...)
	if err != nil {
		t.Fatal(err)
	}
	failing := 0
	for _, r := range results {
		if r.OK != (r.Exchange == nil) {
			t.Errorf("%s #%d: OK %v, exchange %v", r.File, r.ID, r.OK, r.Exchange != nil)
		}
		if !r.OK {
			failing++
		}
	}
	last := results[len(results)-1]
	if last.File != twice || last.OK || last.Exchange == nil || !strings.HasPrefix(last.Exchange.Request.StartLine, "DELETE ") {
		t.Errorf("the second drop %+v, want it failed by the lifecycle rules, its exchange kept", last)
	}
	if failing < len(negative) {
		t.Errorf("%d failing, want at least %d", failing, len(negative))
	}
}
