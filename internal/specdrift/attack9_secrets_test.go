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

// Masking hides keys, not the IDs, codes and words a report needs.
func TestMaskKeys(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Bearer sk-LiveKeyAbCdEf0123456789XyZ.", "Bearer REDACTED."},
		{"hex 0123456789abcdef0123456789abcdef0123 end", "hex REDACTED end"},
		{"cluster in01-6183d6bac30f801 not found", "cluster in01-6183d6bac30f801 not found"},
		{"request 5f0b8a4e-2d1c-4c3b-9a7e-1f2e3d4c5b6a, code 80001", "request 5f0b8a4e-2d1c-4c3b-9a7e-1f2e3d4c5b6a, code 80001"},
		{"Quota exceeded. Ümlaut, 日本語", "Quota exceeded. Ümlaut, 日本語"},
	}
	for _, tt := range tests {
		if got := maskKeys(tt.in); got != tt.want {
			t.Errorf("maskKeys(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := maskID("0000000000000000000000005eed0191"); got != "0000000000000000000000005eed0191" {
		t.Errorf("maskID masked a hexadecimal request ID: %q", got)
	}
	if got := maskPointer("/data/sk-LiveKeyAbCdEf0123456789XyZ/x"); got != "/data/<key-like name>/x" {
		t.Errorf("maskPointer = %q", got)
	}
}
