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

// edit replaces old, which must occur exactly once, with new.
type edit struct{ old, new string }

// editedSpec returns the real spec's text with each edit made, and fails
// the test when an edit finds nothing to replace: a test of a rule that
// edits nothing proves nothing.
func editedSpec(t *testing.T, edits ...edit) string {
	t.Helper()
	data, err := os.ReadFile(realSpec)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for _, e := range edits {
		if n := strings.Count(text, e.old); n != 1 {
			t.Fatalf("the edit's text occurs %d times in openapi.yaml, want once:\n%s", n, e.old)
		}
		text = strings.Replace(text, e.old, e.new, 1)
	}
	return text
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

// lineOf returns the 1-based line of text where at is found. at may be
// "A>>B": the first B after A, for a line that is not unique on its own.
func lineOf(t *testing.T, text, at string) int {
	t.Helper()
	offset := 0
	for part := range strings.SplitSeq(at, ">>") {
		i := strings.Index(text[offset:], part)
		if i < 0 {
			t.Fatalf("%q is not in the edited spec", at)
		}
		offset += i
	}
	return strings.Count(text[:offset], "\n") + 1
}

// want is a problem a test expects: its rule, the text its line holds
// (see lineOf), and words its message holds.
type want struct {
	rule     string
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

// droppedExample is the edit at the place of a success example's data.
func droppedExample(name string) string {
	return "    " + name + ":\n>>        data:"
}

func TestEachRuleFiresOnABrokenCopy(t *testing.T) {
	tests := []struct {
		name  string
		edits []edit
		want  []want
	}{
		{
			name:  "zc000 an unknown security scheme type",
			edits: []edit{{"      type: http\n", "      type: htttp\n"}},
			want:  []want{{"zc000", "    bearerAuth:", `security scheme 'type' can't be "htttp"`}},
		},
		{
			name:  "zc000 a field of the wrong type",
			edits: []edit{{"      operationId: dropCluster\n", "      operationId: [dropCluster]\n"}},
			want:  []want{{"zc000", "      operationId: [dropCluster]", "cannot load: cannot construct !!seq into string"}},
		},
		{
			// A few lines that would decode to 9^12 strings.
			name:  "zc000 aliases that would expand beyond reason",
			edits: []edit{{"openapi: 3.0.3\n", "openapi: 3.0.3\n" + aliasBomb}},
			want:  []want{{"zc000", "x-lol0:", "cannot load: document contains excessive aliasing"}},
		},
		{
			name:  "zc000 a reference that leads nowhere",
			edits: []edit{{"        - $ref: '#/components/parameters/Accept'\n", "        - $ref: '#/components/parameters/Acept'\n"}},
			want:  []want{{"zc000", "#/components/parameters/Acept", `"#/components/parameters/Acept"`}},
		},
		{
			name:  "zc000 an invalid default, reported once though three places use it",
			edits: []edit{{"          format: int32\n          not:", "          format: int32\n          default: 0\n          not:"}},
			want:  []want{{"zc000", "    ErrorEnvelope:>>        code:", `invalid default: violates "not"`}},
		},
		{
			// kin-openapi gives this error no place; its context names the
			// path, which is not in the file as it names it.
			name:  "zc000 a path without its leading slash, put at paths",
			edits: []edit{{"  /v2/clusters/{clusterId}/drop:", "  v2/clusters/{clusterId}/drop:"}},
			want:  []want{{"zc000", "paths:", `path "v2/clusters/{clusterId}/drop" does not start with a forward slash (/)`}},
		},
		{
			name:  "zc000 an error without a place, put at its section",
			edits: []edit{{"  description: Vendor reference page for Drop Cluster (v2)\n  url: https://docs.zilliz.com/reference/restful/drop-cluster-v2\n", "  description: Vendor reference page for Drop Cluster (v2)\n  url: ':::'\n"}},
			want:  []want{{"zc000", "externalDocs:\n  description: Vendor", `url is incorrect: parse ":::": missing protocol scheme`}},
		},
		{
			// kin-openapi places it at the document, but names its pointer.
			name:  "zc000 an error with a JSON pointer, put there",
			edits: []edit{{"security:\n  - bearerAuth: []\npaths:", "security:\n  - bearerAut: []\npaths:"}},
			want:  []want{{"zc000", "security:\n>>  - bearerAut", `security requirement /security/0/bearerAut refers to undefined security scheme "bearerAut"`}},
		},
		{
			// Its example is not checked against it (zc005): what an
			// invalid schema says of a value is undefined.
			name:  "zc000 an invalid schema with an example",
			edits: []edit{{"            text/html:\n", "            text/html:\n              schema: {type: strin}\n"}},
			want:  []want{{"zc000", "            text/html:", `unsupported 'type' value "strin"`}},
		},
		{
			name:  "zc001",
			edits: []edit{{"      operationId: dropCluster\n", ""}},
			want:  []want{{"zc001", "    delete:", "operation DELETE /v2/clusters/{clusterId}/drop has no operationId"}},
		},
		{
			name:  "zc002",
			edits: []edit{{"      summary: Drop a cluster\n", ""}},
			want:  []want{{"zc002", "    delete:", "operation dropCluster has no summary"}},
		},
		{
			name:  "zc003",
			edits: []edit{{"      description: |\n        Drops the cluster.", "      x-description: |\n        Drops the cluster."}},
			want:  []want{{"zc003", "    delete:", "operation dropCluster has no description"}},
		},
		{
			name:  "zc004",
			edits: []edit{{"              examples:\n                illegalApiKey:\n                  $ref: '#/components/examples/IllegalApiKey'\n", ""}},
			want:  []want{{"zc004", "        '401':>>            application/json:", "response dropCluster 401 application/json has no example"}},
		},
		{
			// The scenario: one line for each success example.
			name: "zc005 status made required in the success data",
			edits: []edit{{
				"      required: [clusterId, prompt]\n      properties:\n",
				"      required: [clusterId, prompt, status]\n      properties:\n        status:\n          type: string\n",
			}},
			want: []want{
				{"zc005", droppedExample("DroppedDedicated"), `example "DroppedDedicated" (used by dropCluster 200 application/json droppedDedicated) does not match its schema: /data: property "status" is missing`},
				{"zc005", droppedExample("DroppedServerless"), `example "DroppedServerless" (used by dropCluster 200 application/json droppedServerless) does not match its schema: /data: property "status" is missing`},
				{"zc005", droppedExample("DroppedFree"), `example "DroppedFree" (used by dropCluster 200 application/json droppedFree) does not match its schema: /data: property "status" is missing`},
			},
		},
		{
			name:  "zc005 a value deep inside an example",
			edits: []edit{{"          clusterId: in03-2c4e6a8b0d1f3e5\n", "          clusterId: 42\n"}},
			want:  []want{{"zc005", "          clusterId: 42", `example "DroppedFree" (used by dropCluster 200 application/json droppedFree) does not match its schema: /data/clusterId: value must be a string (closest oneOf branch: DropClusterSuccess)`}},
		},
		{
			// The value breaks each branch once, but its code rules the
			// success out: it was meant for the envelope.
			name:  "zc005 an error example with data instead of its message",
			edits: []edit{{"        code: 96018\n        message: Cluster not exist or you don't have permission.\n", "        code: 96018\n        data: {clusterId: in01-6183d6bac30f801, prompt: gone}\n"}},
			want:  []want{{"zc005", "    ClusterNotFound:>>      value:", `property "message" is missing (closest oneOf branch: ErrorEnvelope)`}},
		},
		{
			name:  "zc005 a schema's example",
			edits: []edit{{"          type: string\n          example: in01-6183d6bac30f801\n        prompt:", "          type: string\n          example: 42\n        prompt:"}},
			want:  []want{{"zc005", "          example: 42", "example of schema #/components/schemas/DropClusterData/properties/clusterId does not match its schema: value must be a string"}},
		},
		{
			name:  "zc005 a parameter's example",
			edits: []edit{{"        example: in01-6183d6bac30f801\n      example: in01-6183d6bac30f801\n", "        example: in01-6183d6bac30f801\n      example: IN01-X\n"}},
			want:  []want{{"zc005", "      example: IN01-X", `example of parameter "clusterId" does not match its schema: string doesn't match the regular expression`}},
		},
		{
			name:  "zc005 an example that matches two branches of a oneOf",
			edits: []edit{{"      schema:\n        type: string\n        example: application/json\n", "      schema:\n        oneOf: [{type: string}, {minLength: 1}]\n        example: application/json\n"}},
			want:  []want{{"zc005", "        example: application/json", "example of schema #/components/parameters/Accept/schema does not match its schema: matches 2 branches of oneOf (#0, #1); it must match exactly one"}},
		},
		{
			name:  "zc005 a header's example",
			edits: []edit{{"      description: Server-assigned ID of the request; quote it to Zilliz support.\n", "      description: Server-assigned ID of the request; quote it to Zilliz support.\n      example: 42\n"}},
			want:  []want{{"zc005", "      example: 42", `example of header "RequestId" does not match its schema: value must be a string`}},
		},
		{
			name:  "zc005 a request body's example",
			edits: []edit{{"      security:\n        - bearerAuth: []\n      parameters:", "      security:\n        - bearerAuth: []\n      requestBody:\n        content:\n          application/json:\n            schema: {type: object, required: [force]}\n            example: {}\n      parameters:"}},
			want:  []want{{"zc005", "            example: {}", `example of dropCluster request body application/json does not match its schema: property "force" is missing`}},
		},
		{
			name:  "zc006 a lookahead",
			edits: []edit{{"pattern: '^in([0-9]{2})?-[a-z0-9]+$'", "pattern: '^(?!in02)in([0-9]{2})?-[a-z0-9]+$'"}},
			want:  []want{{"zc006", "        pattern:", "RE2 has no lookahead or lookbehind ((?=, (?!, (?<=, (?<!) (error parsing regexp: invalid or unsupported Perl syntax: `(?!`)"}},
		},
		{
			name:  "zc006 a lookbehind",
			edits: []edit{{"pattern: '^in([0-9]{2})?-[a-z0-9]+$'", "pattern: '^in([0-9]{2})?-(?<=-)[a-z0-9]+$'"}},
			want:  []want{{"zc006", "        pattern:", "RE2 has no lookahead or lookbehind"}},
		},
		{
			name:  "zc006 a backreference",
			edits: []edit{{"pattern: '^in([0-9]{2})?-[a-z0-9]+$'", `pattern: '^in([0-9]{2})?-[a-z0-9]+\1$'`}},
			want:  []want{{"zc006", "        pattern:", `RE2 has no backreferences (\1, \k<name>)`}},
		},
		{
			name:  "zc006 a possessive quantifier",
			edits: []edit{{"pattern: '^in([0-9]{2})?-[a-z0-9]+$'", "pattern: '^in([0-9]{2})?-[a-z0-9]++$'"}},
			want:  []want{{"zc006", "        pattern:", "RE2 has no possessive quantifiers"}},
		},
		{
			name:  "zc006 a pattern that is no regular expression at all",
			edits: []edit{{"pattern: '^in([0-9]{2})?-[a-z0-9]+$'", "pattern: '^in([0-9]{2}-[a-z0-9]+$'"}},
			want:  []want{{"zc006", "        pattern:", "does not compile in Go's RE2 regexp syntax: error parsing regexp: missing closing ): `^in([0-9]{2}-[a-z0-9]+$`"}},
		},
		{
			name: "zc007 an error status with another schema",
			edits: []edit{{
				"          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/ErrorEnvelope'\n              examples:\n                illegalApiKey:",
				"          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/DropClusterResult'\n              examples:\n                illegalApiKey:",
			}},
			want: []want{{"zc007", "        '401':>>              schema:", "error response dropCluster 401 application/json does not use the shared envelope"}},
		},
		{
			name:  "zc007 a success without the envelope as a branch",
			edits: []edit{{"        - $ref: '#/components/schemas/DropClusterSuccess'\n        - $ref: '#/components/schemas/ErrorEnvelope'\n", "        - $ref: '#/components/schemas/DropClusterSuccess'\n        - allOf: [$ref: '#/components/schemas/ErrorEnvelope']\n"}},
			want:  []want{{"zc007", "    DropClusterResult:>>      oneOf:", "response dropCluster 200 application/json can carry a business error, but its schema has no oneOf branch"}},
		},
		{
			name:  "zc008 an entry without a meaning",
			edits: []edit{{"{code: 80001, meaning: token illegal, source: v1 error-code page}", "{code: 80001, source: v1 error-code page}"}},
			want:  []want{{"zc008", "{code: 80001, source", "code 80001 of x-zilliz-error-codes has no meaning"}},
		},
		{
			name:  "zc008 an entry with an empty source and no code",
			edits: []edit{{"{code: 96018, meaning: cluster not found, source: v2 error-code page}", "{code: ninety-six, meaning: cluster not found, source: ''}"}},
			want: []want{
				{"zc008", "{code: ninety-six", "entry 9 of x-zilliz-error-codes has no integer code"},
				{"zc008", "{code: ninety-six", "entry 9 of x-zilliz-error-codes has no source"},
			},
		},
		{
			name:  "zc009",
			edits: []edit{{"            - {code: 96021,", "            - {code: 96018, meaning: cluster not found, source: v2 error-code page}\n            - {code: 96021,"}},
			want:  []want{{"zc009", "cluster not found, source: v2 error-code page}>>            - {code: 96018", "code 96018 repeats: x-zilliz-error-codes lists it at line"}},
		},
		{
			name:  "zc010",
			edits: []edit{{"  - url: https://api.cloud.zilliz.com.cn\n    description: China control plane (Alibaba Cloud and Tencent Cloud regions).\n", ""}},
			want:  []want{{"zc010", "servers:", "servers does not list https://api.cloud.zilliz.com.cn, a documented host"}},
		},
		{
			name:  "zc011",
			edits: []edit{{"        '401':\n", "        default:\n          description: Anything else.\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/ErrorEnvelope'\n              example: {code: 1, message: m}\n        '401':\n"}},
			want:  []want{{"zc011", "        default:", "operation dropCluster has a default response, which hides the statuses it does not declare"}},
		},
		{
			name:  "zc012",
			edits: []edit{{"            - {code: 96021,", "            - {code: 96099, meaning: a code the client does not know, source: a recording}\n            - {code: 96021,"}},
			want:  []want{{"zc012", "{code: 96099", `code 96099 ("a code the client does not know") has no sentinel in package zcdrop (errors.go, codeSentinels)`}},
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
				line := lineOf(t, text, w.at)
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
	text := editedSpec(t,
		edit{"  - url: https://api.cloud.zilliz.com.cn\n    description: China control plane (Alibaba Cloud and Tencent Cloud regions).\n", ""},
		edit{"            - {code: 96021,", "            - {code: 96099, meaning: new, source: a recording}\n            - {code: 96021,"},
	)
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
		edit{"      summary: Drop a cluster\n", ""},
		edit{"      type: http\n", "      type: htttp\n"},
		edit{"{code: 80001, meaning: token illegal, source: v1 error-code page}", "{code: 80001, source: v1 error-code page}"},
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
