package specdrift

import (
	"bytes"
	"strings"
	"testing"
)

// A cassette that was never redacted, or was written by hand, may carry a
// key anywhere the server or the recorder put one: in the Authorization
// header, in a message that echoes it, as a member's or a header's name,
// in a request ID. Drift quotes messages, names and request IDs, in its
// reports and in the spec that --patch proposes; none of them may carry the
// key. The gate says where such a credential is and never quotes it, and
// drift must not print what the gate hides.
func TestDriftNeverQuotesAKey(t *testing.T) {
	const key = "sk-LiveKeyAbCdEf0123456789XyZ"
	const hexKey = "0123456789abcdef0123456789abcdef0123" // single-case, as a hex key is
	spec := loadSpec(t, copySpec(t))
	leaky := jsonExchange(200, `{"code":98765,"message":"bad key `+key+` (`+hexKey+`)"}`, "X-"+key, "v")
	leaky.Response.Headers.Set("Requestid", key)
	leaky.Request.Headers.Set("Authorization", "Bearer "+key)
	member := jsonExchange(200, `{"code":0,"data":{"clusterId":"`+clusterID+`","prompt":"`+prompt+`","`+key+`":1,"`+hexKey+`":2}}`)
	method := jsonExchange(200, successBody)
	method.Request.Method = key
	dir := t.TempDir()
	path := writeCassette(t, dir, "leaky.yaml", leaky, member, method)

	r, err := Check(t.Context(), spec, Options{}, path)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Findings) == 0 {
		t.Fatal("no findings: the test proves nothing")
	}
	var text, js bytes.Buffer
	if err := WriteText(&text, r); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&js, r); err != nil {
		t.Fatal(err)
	}
	patch, err := spec.Patch(r)
	if err != nil {
		t.Fatal(err)
	}
	if len(patch.Added) == 0 {
		t.Fatal("the patch adds no code: the test proves nothing")
	}
	outputs := map[string][]byte{
		"text report": text.Bytes(), "JSON report": js.Bytes(),
		"patched spec": patch.New, "diff": patch.Diff(),
	}
	for _, a := range patch.Added {
		outputs["table row"] = append(outputs["table row"], a.TableRow()...)
	}
	for name, out := range outputs {
		for _, secret := range []string{key, hexKey, strings.ToLower(key)} {
			if bytes.Contains(bytes.ToLower(out), []byte(strings.ToLower(secret))) {
				t.Errorf("the %s quotes the key %s:\n%s", name, secret, out)
			}
		}
	}
	// The findings are still there, located, with the key masked.
	for _, want := range []string{"error-code 98765", "header ", "property /data/", "operation "} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("the text report lost the finding %q:\n%s", want, text.String())
		}
	}
}

// A request ID is masked when it holds a random key, and kept when it is
// the hexadecimal digits request IDs often are. (The rule for messages,
// names and pointers is redact's: see its TestMaskKeyTokens.)
func TestMaskID(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0000000000000000000000005eed0191", "0000000000000000000000005eed0191"},
		{"9F86D081884C7D659A2FEAA0C55AD0159F86D081", "9F86D081884C7D659A2FEAA0C55AD0159F86D081"},
		{"req-sk-LiveKeyAbCdEf0123456789XyZ", "REDACTED"},
	}
	for _, tt := range tests {
		if got := maskID(tt.in); got != tt.want {
			t.Errorf("maskID(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
