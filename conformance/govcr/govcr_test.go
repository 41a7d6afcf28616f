package govcr_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/zcdrop/zcdrop/conformance/govcr"
)

const canaryKey = "zc-LEAK-CANARY-7f3a9c2e"

func TestRedactHook(t *testing.T) {
	newInteraction := func() *cassette.Interaction {
		return &cassette.Interaction{
			Request: cassette.Request{
				URL:           "https://api.cloud.zilliz.com/v2/clusters/in01-6183d6bac30f801/drop?token=" + canaryKey,
				Host:          "api.cloud.zilliz.com",
				Body:          `{"key":"` + canaryKey + `"}`,
				ContentLength: int64(len(`{"key":"` + canaryKey + `"}`)),
				Form:          url.Values{"token": {canaryKey}},
				Headers: http.Header{
					"Authorization": {"Bearer " + canaryKey},
					"X-Echo":        {"prefix-" + canaryKey + "-suffix"},
					"Accept":        {"application/json"},
				},
			},
			Response: cassette.Response{
				Body:          `{"code":21119,"message":"key ` + canaryKey + ` is illegal"}`,
				ContentLength: -1,
				Headers: http.Header{
					"Requestid":    {"0000000000000000000000005eed00c8"},
					"Content-Type": {"application/json"},
					"X-Key":        {canaryKey},
				},
			},
		}
	}
	tests := []struct {
		name      string
		secrets   []string
		wantAuth  string
		wantGone  []string // must appear nowhere in the saved interaction
		wantKept  []string // must still appear in it
		authValue string   // the Authorization header before redaction; "" keeps the default
	}{
		{
			name:     "the key everywhere",
			secrets:  []string{canaryKey},
			wantAuth: "Bearer REDACTED",
			wantGone: []string{canaryKey},
			wantKept: []string{"0000000000000000000000005eed00c8", "application/json", "prefix-REDACTED-suffix", "token=REDACTED"},
		},
		{
			name:     "empty secrets are ignored",
			secrets:  []string{"", canaryKey, ""},
			wantAuth: "Bearer REDACTED",
			wantGone: []string{canaryKey},
			wantKept: []string{"api.cloud.zilliz.com", "in01-6183d6bac30f801"},
		},
		{
			name:     "a secret inside another is replaced whole",
			secrets:  []string{"CANARY", canaryKey},
			wantAuth: "Bearer REDACTED",
			wantGone: []string{canaryKey, "zc-LEAK-", "-7f3a9c2e"},
			wantKept: []string{"prefix-REDACTED-suffix"},
		},
		{
			name:     "no secrets still redacts Authorization",
			secrets:  nil,
			wantAuth: "Bearer REDACTED",
			wantKept: []string{"X-Echo"},
		},
		{
			name:      "a header without a scheme",
			secrets:   []string{canaryKey},
			authValue: canaryKey,
			wantAuth:  "REDACTED",
			wantGone:  []string{canaryKey},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := newInteraction()
			if tt.authValue != "" {
				in.Request.Headers.Set("Authorization", tt.authValue)
			}
			original := in.Request.Headers
			if err := govcr.RedactHook(tt.secrets...)(in); err != nil {
				t.Fatal(err)
			}
			if got := in.Request.Headers.Get("Authorization"); got != tt.wantAuth {
				t.Errorf("Authorization = %q, want %q", got, tt.wantAuth)
			}
			// Every field, as JSON, stands in for the saved YAML.
			b, err := json.Marshal(in)
			if err != nil {
				t.Fatal(err)
			}
			saved := string(b)
			for _, s := range tt.wantGone {
				if strings.Contains(saved, s) {
					t.Errorf("saved interaction still holds %q:\n%s", s, saved)
				}
			}
			for _, s := range tt.wantKept {
				if !strings.Contains(saved, s) {
					t.Errorf("saved interaction lost %q:\n%s", s, saved)
				}
			}
			if in.Request.ContentLength != int64(len(in.Request.Body)) {
				t.Errorf("request content_length %d, body is %d bytes", in.Request.ContentLength, len(in.Request.Body))
			}
			if in.Response.ContentLength != -1 {
				t.Errorf("an unknown response length became %d", in.Response.ContentLength)
			}
			if got := original.Get("Authorization"); !strings.Contains(got, canaryKey) {
				t.Errorf("the program's own header map was edited: Authorization = %q", got)
			}
		})
	}
}

func TestRedactHookKeepsContentLengthTrue(t *testing.T) {
	body := `{"code":21119,"message":"key ` + canaryKey + ` is illegal"}`
	i := &cassette.Interaction{Response: cassette.Response{
		Body:          body,
		ContentLength: int64(len(body)),
		Headers:       http.Header{"Content-Length": {strconv.Itoa(len(body))}, "Content-Type": {"application/json"}},
	}}
	if err := govcr.RedactHook(canaryKey)(i); err != nil {
		t.Fatal(err)
	}
	want := strconv.Itoa(len(i.Response.Body))
	if got := i.Response.Headers.Get("Content-Length"); got != want || i.Response.ContentLength != int64(len(i.Response.Body)) {
		t.Errorf("Content-Length header %s, field %d; want both %s, the scrubbed body's length", got, i.Response.ContentLength, want)
	}
}
