package vcr

import (
	"os"
	"reflect"
	"testing"
)

// TestLocateFields: the parts of each interaction of a shipped cassette
// are found on the lines the file has them, in go-vcr's layout and in
// hand-written YAML that DecodeStrict alone reads.
func TestLocateFields(t *testing.T) {
	data, err := os.ReadFile("../../conformance/testdata/cassettes/server-errors.yaml")
	if err != nil {
		t.Fatal(err)
	}
	_, pos, ok := DecodeFast(string(data), testLimits)
	if !ok || len(pos) != 2 {
		t.Fatalf("DecodeFast: %v, %d interactions", ok, len(pos))
	}
	got := LocateFields(string(data), pos[1])
	want := FieldLines{Method: 53, URL: 52, Code: 66, Status: 65, ResponseBody: 59,
		RequestHeaders:  map[string]int{"Accept": 48, "Authorization": 50},
		ResponseHeaders: map[string]int{"Content-Type": 61, "Requestid": 63},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}

	hand := "version: 2\ninteractions:\n  - request:\n      method: DELETE\n      'url': https://x/v2/clusters/a/drop\n      headers: {Accept: [application/json]}\n      body: |\n        {\"a\": 1}\n    response:\n      headers:\n        content-type:\n          - application/json\n      code: 200\n  - request: {}\n"
	got = LocateFields(hand, Pos{Line: 3, Offset: len("version: 2\ninteractions:\n")})
	want = FieldLines{Method: 4, URL: 5, RequestBody: 7, Code: 13, ResponseHeaders: map[string]int{"Content-Type": 11}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("hand-written: got  %+v\nwant %+v", got, want)
	}
	if got := LocateFields(hand, Pos{Line: 1, Offset: 0}); !reflect.DeepEqual(got, FieldLines{}) {
		t.Errorf("not at an interaction: got %+v, want nothing", got)
	}
}
