package regen

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// selftestFailure is what zcdrop selftest prints when the mock's success
// answer lacks what the spec now requires (the README's second example):
// the client's line and the CLI's JSON report say the same.
const selftestFailure = `scenario   FAIL  success            client: error; cli: exit 1
           client: want <nil>, got zcdrop: drop cluster in01-5e1f7e57c1a5e01: Delete "http://127.0.0.1:34635/v2/clusters/in01-5e1f7e57c1a5e01/drop": conformance: response 200 to DELETE http://127.0.0.1:34635/v2/clusters/in01-5e1f7e57c1a5e01/drop breaks the spec: response /data/status: minimum string length is 1 (closest oneOf branch: DropClusterSuccess)
           cli: exit 1, want 0; stdout {"error":{"httpStatus":200,"code":0,"message":"response 200 to DELETE http://127.0.0.1:46467/v2/clusters/in01-5e1f7e57c1a5e01/drop breaks the spec: response /data/status: minimum string length is 1 (closest oneOf branch: DropClusterSuccess)","requestId":"","kind":"violation","hint":"the exchange breaks openapi.yaml; rerun with --validate observe to see the response anyway"}} stderr 
scenario   PASS  already dropped    client: http 200 code 96018; cli: exit 3
selftest: 8 scenarios against the reference server on loopback, spec enforced on both sides: 7 passed, 1 failed
`

func TestMock(t *testing.T) {
	const selftest = cli + " selftest"
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "mock", "doc.go"), []byte("// Package mock answers.\npackage mock\n"))
	writeFile(t, filepath.Join(dir, "mock", "handler.go"), []byte("package mock\n\ntype Server struct{}\n\n// DropCluster answers.\nfunc (s *Server) DropCluster() {}\n"))
	tests := []struct {
		name      string
		dir       string
		built     bool
		answer    *answer
		verdict   verdict
		about     string
		wantLines []string
	}{
		{name: "nothing built", verdict: verdictNotRun, about: "nothing was built to run it"},
		{
			name: "the mock conforms", built: true, answer: &answer{res: Result{Stdout: "selftest: 8 scenarios: 8 passed\n"}},
			verdict: verdictOK, about: "the reference mock's answers conform in every scenario",
		},
		{
			// Named once, at the handler's line, though the client and the
			// CLI both said it.
			name: "the mock's answer breaks the spec", dir: dir, built: true, answer: &answer{res: Result{ExitCode: 1, Stdout: selftestFailure}},
			verdict: verdictFail, about: "the reference mock's answers disagree with the spec:",
			wantLines: []string{"mock/handler.go:6 (DropCluster): response /data/status: minimum string length is 1 (closest oneOf branch: DropClusterSuccess)"},
		},
		{
			name: "no mock source", dir: t.TempDir(), built: true, answer: &answer{res: Result{ExitCode: 1, Stdout: selftestFailure}},
			verdict: verdictFail, about: "the reference mock's answers disagree with the spec:",
			wantLines: []string{"mock/: response /data/status: minimum string length is 1 (closest oneOf branch: DropClusterSuccess)"},
		},
		{
			name: "selftest fails otherwise", dir: dir, built: true, answer: &answer{res: Result{ExitCode: 2, Stderr: "zcdrop selftest: listen tcp 127.0.0.1:0: socket: too many open files\n"}},
			verdict: verdictFail, about: "zcdrop selftest failed: exit status 2",
			wantLines: []string{"zcdrop selftest: listen tcp 127.0.0.1:0: socket: too many open files"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			answers := map[string]answer{}
			if tt.answer != nil {
				answers[selftest] = *tt.answer
			}
			s := Config{Dir: tt.dir, Runner: &fakeRunner{t: t, answers: answers}, cli: cli}.mock(t.Context(), tt.built)
			checkStep(t, s, tt.verdict, tt.about, tt.wantLines)
			if tt.verdict == verdictFail && !slices.Equal(s.lines, tt.wantLines) {
				t.Errorf("lines %q, want %q", s.lines, tt.wantLines)
			}
		})
	}
}

// TestMockHandlerLocation names the line of the reference mock's
// DropCluster handler, which the summary points at.
func TestMockHandlerLocation(t *testing.T) {
	got := mockHandlerLocation("../..")
	m := regexp.MustCompile(`^mock/([a-z_]+\.go):(\d+) \(DropCluster\)$`).FindStringSubmatch(got)
	if m == nil {
		t.Fatalf("mockHandlerLocation = %q, want mock/FILE:LINE (DropCluster)", got)
	}
	src, err := os.ReadFile(filepath.Join("../../mock", m[1]))
	if err != nil {
		t.Fatal(err)
	}
	var n int
	for i, l := range strings.Split(string(src), "\n") {
		if strings.HasPrefix(l, "func (") && strings.Contains(l, ") DropCluster(") {
			n = i + 1
		}
	}
	if m[2] != strconv.Itoa(n) {
		t.Errorf("mockHandlerLocation = %q, want line %d", got, n)
	}
	if got := mockHandlerLocation(t.TempDir()); got != "mock/" {
		t.Errorf("without a mock package: %q, want mock/", got)
	}
}
