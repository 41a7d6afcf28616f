package speclint_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/zcdrop/zcdrop/internal/specedit"
	"github.com/zcdrop/zcdrop/internal/speclint"
)

// realSpec is the repository's spec. Tests read it, and lint edited copies
// of it in their own directories; they never write it.
const realSpec = "../../openapi.yaml"

// hosts are the documented control planes, as the CLI passes them.
var hosts = []string{"https://api.cloud.zilliz.com", "https://api.cloud.zilliz.com.cn"}

// unhandledCode is the one code that, in these tests, has no sentinel.
const unhandledCode = 96099

var config = speclint.Config{
	Servers:     hosts,
	HasSentinel: func(code int) bool { return code != unhandledCode },
}

// editedSpec returns the real spec's text with each edit made, and fails
// the test when an edit finds nothing to change: a test of a rule that
// edits nothing proves nothing.
func editedSpec(t *testing.T, edits ...specedit.Edit) string {
	t.Helper()
	data, err := os.ReadFile(realSpec)
	if err != nil {
		t.Fatal(err)
	}
	return specedit.Apply(t, string(data), edits...)
}

// lintCopy writes text to a new openapi.yaml in a temporary directory,
// and lints that copy.
func lintCopy(t *testing.T, text string, cfg speclint.Config) ([]speclint.Problem, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "openapi.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return speclint.Lint(context.Background(), path, data, cfg)
}

// want is a problem a test expects: its rule, the line that holds the
// first at within the block in names (see specedit.LineOf), and words its
// message holds.
type want struct {
	rule     string
	in       specedit.Scope
	at       string
	contains string
}

func TestRealSpecIsClean(t *testing.T) {
	data, err := os.ReadFile(realSpec)
	if err != nil {
		t.Fatal(err)
	}
	problems, err := speclint.Lint(context.Background(), "openapi.yaml", data, config)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("openapi.yaml:%d:%d: %s: %s", p.Line, p.Column, p.Rule, p.Message)
	}
}

// aliasBomb is YAML whose aliases, expanded, would make 9^12 strings.
var aliasBomb = func() string {
	var b strings.Builder
	b.WriteString("x-lol0: &lol0 [l, l, l, l, l, l, l, l, l]\n")
	for i := 1; i <= 12; i++ {
		ref := fmt.Sprintf("*lol%d", i-1)
		fmt.Fprintf(&b, "x-lol%d: &lol%d [%s]\n", i, i, strings.Repeat(ref+", ", 8)+ref)
	}
	return b.String()
}()

// Where the tests edit the spec, and where they expect problems. The drop
// is named by its operationId, or by its path where an edit takes the
// operationId away: Describe Cluster repeats much of its text.
var (
	drop          = specedit.Operation("dropCluster")
	dropResponses = specedit.Operation("dropCluster", "responses")
	drop401       = specedit.Operation("dropCluster", "responses", "401")
	dropByPath    = specedit.Path("paths", "/v2/clusters/{clusterId}/drop", "delete")
	dropData      = specedit.Path("components", "schemas", "DropClusterData")
	clusterID     = specedit.Path("components", "parameters", "ClusterId")
	clusterIDType = specedit.Path("components", "parameters", "ClusterId", "schema")
	errorCodes    = specedit.Path("components", "schemas", "ErrorEnvelope", "properties", "code", "x-zilliz-error-codes")
	servers       = specedit.Path("servers")
	bearerAuth    = specedit.Path("components", "securitySchemes", "bearerAuth")
)

// example is the scope of the shared example name.
func example(name string) specedit.Scope { return specedit.Path("components", "examples", name) }

// Edits that several tests make.
var (
	// removeChina takes the second documented host out of servers.
	removeChina = specedit.Replace(servers, "  - url: https://api.cloud.zilliz.com.cn\n    description: China control plane (Alibaba Cloud and Tencent Cloud regions).\n", "")
	// addUnhandledCode lists unhandledCode, which has no sentinel.
	addUnhandledCode = specedit.Replace(errorCodes, "            - {code: 96021,", "            - {code: 96099, meaning: a code the client does not know, source: a recording}\n            - {code: 96021,")
)

func TestEachRuleFiresOnABrokenCopy(t *testing.T) {
	tests := []struct {
		name  string
		edits []specedit.Edit
		want  []want
	}{
		{
			name:  "zc000 an unknown security scheme type",
			edits: []specedit.Edit{specedit.Replace(bearerAuth, "      type: http\n", "      type: htttp\n")},
			want:  []want{{"zc000", bearerAuth, "    bearerAuth:", `security scheme 'type' can't be "htttp"`}},
		},
		{
			name:  "zc000 a field of the wrong type",
			edits: []specedit.Edit{specedit.Replace(drop, "      operationId: dropCluster\n", "      operationId: [dropCluster]\n")},
			want:  []want{{"zc000", dropByPath, "      operationId: [dropCluster]", "cannot load: cannot construct !!seq into string"}},
		},
		{
			// A few lines that would decode to 9^12 strings.
			name:  "zc000 aliases that would expand beyond reason",
			edits: []specedit.Edit{specedit.Replace(specedit.Path("openapi"), "openapi: 3.0.3\n", "openapi: 3.0.3\n"+aliasBomb)},
			want:  []want{{"zc000", specedit.Path("x-lol0"), "x-lol0:", "cannot load: document contains excessive aliasing"}},
		},
		{
			name:  "zc000 a reference that leads nowhere",
			edits: []specedit.Edit{specedit.Replace(drop, "        - $ref: '#/components/parameters/Accept'\n", "        - $ref: '#/components/parameters/Acept'\n")},
			want:  []want{{"zc000", drop, "        - $ref: '#/components/parameters/Acept'", `"#/components/parameters/Acept"`}},
		},
		{
			name:  "zc000 an invalid default, reported once though three places use it",
			edits: []specedit.Edit{specedit.Replace(specedit.Path("components", "schemas", "ErrorEnvelope", "properties", "code"), "          not:", "          default: 0\n          not:")},
			want:  []want{{"zc000", specedit.Path("components", "schemas", "ErrorEnvelope"), "        code:", `invalid default: violates "not"`}},
		},
		{
			// kin-openapi gives this error no place; its context names the
			// path, which is not in the file as it names it.
			name:  "zc000 a path without its leading slash, put at paths",
			edits: []specedit.Edit{specedit.Replace(specedit.Path("paths", "/v2/clusters/{clusterId}/drop"), "  /v2/clusters/{clusterId}/drop:", "  v2/clusters/{clusterId}/drop:")},
			want:  []want{{"zc000", specedit.Path("paths"), "paths:", `path "v2/clusters/{clusterId}/drop" does not start with a forward slash (/)`}},
		},
		{
			name:  "zc000 an error without a place, put at its section",
			edits: []specedit.Edit{specedit.Replace(specedit.Path("externalDocs"), "  url: https://docs.zilliz.com/reference/restful/drop-cluster-v2\n", "  url: ':::'\n")},
			want:  []want{{"zc000", specedit.Path("externalDocs"), "externalDocs:", `url is incorrect: parse ":::": missing protocol scheme`}},
		},
		{
			// kin-openapi places it at the document, but names its pointer.
			name:  "zc000 an error with a JSON pointer, put there",
			edits: []specedit.Edit{specedit.Replace(specedit.Path("security"), "  - bearerAuth: []\n", "  - bearerAut: []\n")},
			want:  []want{{"zc000", specedit.Path("security"), "  - bearerAut", `security requirement /security/0/bearerAut refers to undefined security scheme "bearerAut"`}},
		},
		{
			// Its example is not checked against it (zc005): what an
			// invalid schema says of a value is undefined.
			name:  "zc000 an invalid schema with an example",
			edits: []specedit.Edit{specedit.Replace(specedit.Operation("dropCluster", "responses", "5XX", "content"), "            text/html:\n", "            text/html:\n              schema: {type: strin}\n")},
			want:  []want{{"zc000", dropResponses, "            text/html:", `unsupported 'type' value "strin"`}},
		},
		{
			name:  "zc001",
			edits: []specedit.Edit{specedit.Replace(drop, "      operationId: dropCluster\n", "")},
			want:  []want{{"zc001", dropByPath, "    delete:", "operation DELETE /v2/clusters/{clusterId}/drop has no operationId"}},
		},
		{
			name:  "zc002",
			edits: []specedit.Edit{specedit.Replace(drop, "      summary: Drop a cluster\n", "")},
			want:  []want{{"zc002", drop, "    delete:", "operation dropCluster has no summary"}},
		},
		{
			name:  "zc003",
			edits: []specedit.Edit{specedit.Replace(drop, "      description: |\n", "      x-description: |\n")},
			want:  []want{{"zc003", drop, "    delete:", "operation dropCluster has no description"}},
		},
		{
			name:  "zc004",
			edits: []specedit.Edit{specedit.Remove(specedit.Operation("dropCluster", "responses", "401", "content", "application/json", "examples"))},
			want:  []want{{"zc004", drop401, "            application/json:", "response dropCluster 401 application/json has no example"}},
		},
		{
			// The scenario: one line for each success example.
			name: "zc005 status made required in the success data",
			edits: []specedit.Edit{specedit.Replace(dropData,
				"      required: [clusterId, prompt]\n      properties:\n",
				"      required: [clusterId, prompt, status]\n      properties:\n        status:\n          type: string\n",
			)},
			want: []want{
				{"zc005", example("DroppedDedicated"), "        data:", `example "DroppedDedicated" (used by dropCluster 200 application/json droppedDedicated) does not match its schema: /data: property "status" is missing`},
				{"zc005", example("DroppedServerless"), "        data:", `example "DroppedServerless" (used by dropCluster 200 application/json droppedServerless) does not match its schema: /data: property "status" is missing`},
				{"zc005", example("DroppedFree"), "        data:", `example "DroppedFree" (used by dropCluster 200 application/json droppedFree) does not match its schema: /data: property "status" is missing`},
			},
		},
		{
			name:  "zc005 a value deep inside an example",
			edits: []specedit.Edit{specedit.Replace(example("DroppedFree"), "          clusterId: in03-2c4e6a8b0d1f3e5\n", "          clusterId: 42\n")},
			want:  []want{{"zc005", example("DroppedFree"), "          clusterId: 42", `example "DroppedFree" (used by dropCluster 200 application/json droppedFree) does not match its schema: /data/clusterId: value must be a string (closest oneOf branch: DropClusterSuccess)`}},
		},
		{
			// The value breaks each branch once, but its code rules the
			// success out: it was meant for the envelope. Both operations
			// answer a missing cluster with this shared example, so each
			// place that uses it gets its line, at the example.
			name:  "zc005 an error example with data instead of its message",
			edits: []specedit.Edit{specedit.Replace(example("ClusterNotFound"), "        message: Cluster not exist or you don't have permission.\n", "        data: {clusterId: in01-6183d6bac30f801, prompt: gone}\n")},
			want: []want{
				{"zc005", example("ClusterNotFound"), "      value:", `example "ClusterNotFound" (used by dropCluster 200 application/json clusterNotFound) does not match its schema: property "message" is missing (closest oneOf branch: ErrorEnvelope)`},
				{"zc005", example("ClusterNotFound"), "      value:", `example "ClusterNotFound" (used by describeCluster 200 application/json clusterNotFound) does not match its schema: property "message" is missing (closest oneOf branch: ErrorEnvelope)`},
			},
		},
		{
			name:  "zc005 a schema's example",
			edits: []specedit.Edit{specedit.Replace(specedit.Path("components", "schemas", "DropClusterData", "properties", "clusterId"), "          example: in01-6183d6bac30f801\n", "          example: 42\n")},
			want:  []want{{"zc005", dropData, "          example: 42", "example of schema #/components/schemas/DropClusterData/properties/clusterId does not match its schema: value must be a string"}},
		},
		{
			// The parameter's own example, not its schema's, which ends
			// with the same text.
			name:  "zc005 a parameter's example",
			edits: []specedit.Edit{specedit.Replace(clusterID, "      example: in01-6183d6bac30f801\n", "      example: IN01-X\n")},
			want:  []want{{"zc005", clusterID, "      example: IN01-X", `example of parameter "clusterId" does not match its schema: string doesn't match the regular expression`}},
		},
		{
			name:  "zc005 an example that matches two branches of a oneOf",
			edits: []specedit.Edit{specedit.Replace(specedit.Path("components", "parameters", "Accept", "schema"), "        type: string\n", "        oneOf: [{type: string}, {minLength: 1}]\n")},
			want:  []want{{"zc005", specedit.Path("components", "parameters", "Accept"), "        example: application/json", "example of schema #/components/parameters/Accept/schema does not match its schema: matches 2 branches of oneOf (#0, #1); it must match exactly one"}},
		},
		{
			name:  "zc005 a header's example",
			edits: []specedit.Edit{specedit.Append(specedit.Path("components", "headers", "RequestId"), "      example: 42\n")},
			want:  []want{{"zc005", specedit.Path("components", "headers", "RequestId"), "      example: 42", `example of header "RequestId" does not match its schema: value must be a string`}},
		},
		{
			name:  "zc005 a request body's example",
			edits: []specedit.Edit{specedit.Replace(drop, "      parameters:\n", "      requestBody:\n        content:\n          application/json:\n            schema: {type: object, required: [force]}\n            example: {}\n      parameters:\n")},
			want:  []want{{"zc005", drop, "            example: {}", `example of dropCluster request body application/json does not match its schema: property "force" is missing`}},
		},
		{
			name:  "zc006 a lookahead",
			edits: []specedit.Edit{specedit.Replace(clusterIDType, "pattern: '^in([0-9]{2})?-[a-z0-9]+$'", "pattern: '^(?!in02)in([0-9]{2})?-[a-z0-9]+$'")},
			want:  []want{{"zc006", clusterIDType, "        pattern:", "RE2 has no lookahead or lookbehind ((?=, (?!, (?<=, (?<!) (error parsing regexp: invalid or unsupported Perl syntax: `(?!`)"}},
		},
		{
			name:  "zc006 a lookbehind",
			edits: []specedit.Edit{specedit.Replace(clusterIDType, "pattern: '^in([0-9]{2})?-[a-z0-9]+$'", "pattern: '^in([0-9]{2})?-(?<=-)[a-z0-9]+$'")},
			want:  []want{{"zc006", clusterIDType, "        pattern:", "RE2 has no lookahead or lookbehind"}},
		},
		{
			name:  "zc006 a backreference",
			edits: []specedit.Edit{specedit.Replace(clusterIDType, "pattern: '^in([0-9]{2})?-[a-z0-9]+$'", `pattern: '^in([0-9]{2})?-[a-z0-9]+\1$'`)},
			want:  []want{{"zc006", clusterIDType, "        pattern:", `RE2 has no backreferences (\1, \k<name>)`}},
		},
		{
			name:  "zc006 a possessive quantifier",
			edits: []specedit.Edit{specedit.Replace(clusterIDType, "pattern: '^in([0-9]{2})?-[a-z0-9]+$'", "pattern: '^in([0-9]{2})?-[a-z0-9]++$'")},
			want:  []want{{"zc006", clusterIDType, "        pattern:", "RE2 has no possessive quantifiers"}},
		},
		{
			name:  "zc006 a pattern that is no regular expression at all",
			edits: []specedit.Edit{specedit.Replace(clusterIDType, "pattern: '^in([0-9]{2})?-[a-z0-9]+$'", "pattern: '^in([0-9]{2}-[a-z0-9]+$'")},
			want:  []want{{"zc006", clusterIDType, "        pattern:", "does not compile in Go's RE2 regexp syntax: error parsing regexp: missing closing ): `^in([0-9]{2}-[a-z0-9]+$`"}},
		},
		{
			name:  "zc007 an error status with another schema",
			edits: []specedit.Edit{specedit.Replace(drop401, "$ref: '#/components/schemas/ErrorEnvelope'", "$ref: '#/components/schemas/DropClusterResult'")},
			want:  []want{{"zc007", drop401, "              schema:", "error response dropCluster 401 application/json does not use the shared envelope"}},
		},
		{
			name:  "zc007 a success without the envelope as a branch",
			edits: []specedit.Edit{specedit.Replace(specedit.Path("components", "schemas", "DropClusterResult"), "        - $ref: '#/components/schemas/ErrorEnvelope'\n", "        - allOf: [$ref: '#/components/schemas/ErrorEnvelope']\n")},
			want:  []want{{"zc007", specedit.Path("components", "schemas", "DropClusterResult"), "      oneOf:", "response dropCluster 200 application/json can carry a business error, but its schema has no oneOf branch"}},
		},
		{
			name:  "zc008 an entry without a meaning",
			edits: []specedit.Edit{specedit.Replace(errorCodes, "{code: 80001, meaning: token illegal, source: v1 error-code page}", "{code: 80001, source: v1 error-code page}")},
			want:  []want{{"zc008", errorCodes, "{code: 80001, source", "code 80001 of x-zilliz-error-codes has no meaning"}},
		},
		{
			name:  "zc008 an entry with an empty source and no code",
			edits: []specedit.Edit{specedit.Replace(errorCodes, "{code: 96018, meaning: cluster not found, source: v2 error-code page}", "{code: ninety-six, meaning: cluster not found, source: ''}")},
			want: []want{
				{"zc008", errorCodes, "{code: ninety-six", "entry 9 of x-zilliz-error-codes has no integer code"},
				{"zc008", errorCodes, "{code: ninety-six", "entry 9 of x-zilliz-error-codes has no source"},
			},
		},
		{
			// The repeat is the line inserted before 96021.
			name:  "zc009",
			edits: []specedit.Edit{specedit.Replace(errorCodes, "            - {code: 96021,", "            - {code: 96018, meaning: cluster not found, source: v2 error-code page}\n            - {code: 96021,")},
			want:  []want{{"zc009", errorCodes, "            - {code: 96018, meaning: cluster not found, source: v2 error-code page}\n            - {code: 96021,", "code 96018 repeats: x-zilliz-error-codes lists it at line"}},
		},
		{
			name:  "zc010",
			edits: []specedit.Edit{removeChina},
			want:  []want{{"zc010", servers, "servers:", "servers does not list https://api.cloud.zilliz.com.cn, a documented host"}},
		},
		{
			name:  "zc011",
			edits: []specedit.Edit{specedit.Replace(dropResponses, "        '401':\n", "        default:\n          description: Anything else.\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/ErrorEnvelope'\n              example: {code: 1, message: m}\n        '401':\n")},
			want:  []want{{"zc011", dropResponses, "        default:", "operation dropCluster has a default response, which hides the statuses it does not declare"}},
		},
		{
			name:  "zc012",
			edits: []specedit.Edit{addUnhandledCode},
			want:  []want{{"zc012", errorCodes, "{code: 96099", `code 96099 ("a code the client does not know") has no sentinel in package zcdrop (errors.go, codeSentinels)`}},
		},
	}
	covered := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := editedSpec(t, tt.edits...)
			problems, err := lintCopy(t, text, config)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range problems {
				if strings.Contains(p.Message, "Schema:") || strings.Contains(p.Message, "\n") || len(p.Message) > 300 {
					t.Errorf("a message is not one short line (%d bytes): %q", len(p.Message), p.Message)
				}
			}
			if len(problems) != len(tt.want) {
				t.Errorf("got %d problems, want %d:\n%s", len(problems), len(tt.want), lines(problems))
			}
			for _, w := range tt.want {
				covered[w.rule] = true
				line := specedit.LineOf(t, text, w.in, w.at)
				if !slices.ContainsFunc(problems, func(p speclint.Problem) bool {
					return p.Rule == w.rule && p.Line == line && p.Severity == wantSeverity(w.rule) && strings.Contains(p.Message, w.contains)
				}) {
					t.Errorf("want %s at line %d saying %q, got:\n%s", w.rule, line, w.contains, lines(problems))
				}
			}
		})
	}
	for _, r := range speclint.Rules() {
		if !covered[r.ID] {
			t.Errorf("no test breaks rule %s", r.ID)
		}
	}
}

// lines renders problems for a failure message.
func lines(problems []speclint.Problem) string {
	var b strings.Builder
	for _, p := range problems {
		fmt.Fprintf(&b, "  %d:%d: %s: %s\n", p.Line, p.Column, p.Rule, p.Message)
	}
	return b.String()
}

func TestZeroConfigChecksTheSpecAlone(t *testing.T) {
	// No servers to require and no sentinels to ask for: zc010 and zc012
	// have nothing to check.
	text := editedSpec(t, removeChina, addUnhandledCode)
	problems, err := lintCopy(t, text, speclint.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) != 0 {
		t.Errorf("want no problems, got:\n%s", lines(problems))
	}
	// And with the config, both fire: the edits above do break them.
	problems, err = lintCopy(t, text, config)
	if err != nil {
		t.Fatal(err)
	}
	var rules []string
	for _, p := range problems {
		rules = append(rules, p.Rule)
	}
	if !slices.Equal(rules, []string{"zc010", "zc012"}) {
		t.Errorf("with the config, want zc010 and zc012, got:\n%s", lines(problems))
	}
}

func TestProblemsAreSortedAndLocated(t *testing.T) {
	text := editedSpec(t,
		specedit.Replace(drop, "      summary: Drop a cluster\n", ""),
		specedit.Replace(bearerAuth, "      type: http\n", "      type: htttp\n"),
		specedit.Replace(errorCodes, "{code: 80001, meaning: token illegal, source: v1 error-code page}", "{code: 80001, source: v1 error-code page}"),
	)
	problems, err := lintCopy(t, text, config)
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) != 3 {
		t.Fatalf("want 3 problems, got:\n%s", lines(problems))
	}
	if !slices.IsSortedFunc(problems, func(a, b speclint.Problem) int { return a.Line - b.Line }) {
		t.Errorf("problems are not sorted by line:\n%s", lines(problems))
	}
	for _, p := range problems {
		if p.Column < 1 || !strings.HasSuffix(p.File, "openapi.yaml") {
			t.Errorf("problem without a place: %+v", p)
		}
		// Rules of the project name the place by JSON pointer too;
		// kin-openapi's (zc000) by line only.
		if (p.Pointer == "") != (p.Rule == "zc000") {
			t.Errorf("%s has pointer %q", p.Rule, p.Pointer)
		}
	}
	if got, want := problems[0].Pointer, "/paths/~1v2~1clusters~1{clusterId}~1drop/delete"; got != want {
		t.Errorf("zc002's pointer is %q, want %q", got, want)
	}
}

func TestInputThatIsNoOpenAPI3Document(t *testing.T) {
	tests := []struct {
		name, text, reason string
	}{
		{"not YAML", "openapi: [3.0.3\n", "not YAML or JSON: "},
		{"empty", "", "is empty, not an OpenAPI document"},
		{"comments only", "# nothing\n", "is empty, not an OpenAPI document"},
		{"a list", "- openapi: 3.0.3\n", "not an OpenAPI document: its top level is not a mapping"},
		{"no openapi field", "info: {title: t, version: v}\npaths: {}\n", "not an OpenAPI document: it has no openapi field"},
		{"Swagger 2", "swagger: '2.0'\ninfo: {title: t, version: v}\npaths: {}\n", "is Swagger (OpenAPI 2); spec lint reads OpenAPI 3 only"},
		{"OpenAPI 4", "openapi: 4.0.0\n", `line 1: openapi is "4.0.0"; spec lint reads OpenAPI 3 only`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			problems, err := speclint.Lint(context.Background(), "in.yaml", []byte(tt.text), config)
			var ie *speclint.InputError
			if !errors.As(err, &ie) || ie.File != "in.yaml" || !strings.Contains(ie.Reason, tt.reason) {
				t.Fatalf("got %v, want an *InputError saying %q", err, tt.reason)
			}
			if !strings.HasPrefix(err.Error(), "in.yaml: ") || problems != nil {
				t.Errorf("got %q and %d problems", err, len(problems))
			}
		})
	}
}

func TestLintStopsWhenCtxIsDone(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	data, err := os.ReadFile(realSpec)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := speclint.Lint(ctx, "openapi.yaml", data, config); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

func TestRulesHaveStableIDs(t *testing.T) {
	rules := speclint.Rules()
	for i, r := range rules {
		if want := fmt.Sprintf("zc%03d", i); r.ID != want || r.Summary == "" {
			t.Errorf("rule %d is %+v, want ID %s with a summary", i, r, want)
		}
	}
}

// wantSeverity: every rule's problems are errors but zc012's, a spec ahead
// of the client, which are warnings.
func wantSeverity(rule string) string {
	if rule == speclint.RuleErrorCodeHandled {
		return speclint.SeverityWarning
	}
	return speclint.SeverityError
}
