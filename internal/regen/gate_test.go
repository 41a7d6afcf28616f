package regen

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestGate(t *testing.T) {
	const gate = cli + " conformance --format json " + Corpus
	dir := t.TempDir()
	// Two cassettes: the first has two failing interactions, and is named
	// once, at the line the report gives for the first one; a report
	// without lines (a CLI older than them) names line 1.
	const missing = `{"kind":"response","pointer":"/data/status","message":"property \"status\" is missing (closest oneOf branch: DropClusterSuccess)"}`
	report := `{"interactions":[
		{"file":"` + Corpus + `/drop-dedicated.yaml","id":0,"line":3,"ok":false,"violations":[` + missing + `]},
		{"file":"` + Corpus + `/drop-dedicated.yaml","id":1,"line":5,"ok":false,"violations":[` + missing + `]},
		{"file":"` + Corpus + `/drop-free.yaml","id":1,"ok":false,"violations":[]},
		{"file":"` + Corpus + `/business-errors.yaml","id":0,"ok":true,"violations":[]}
	],"summary":{}}`
	conforms := `{"interactions":[{"file":"a.yaml","id":0,"ok":true},{"file":"a.yaml","id":1,"ok":true}]}`
	tests := []struct {
		name      string
		built     bool
		answer    *answer
		verdict   verdict
		about     string
		wantLines []string
		exact     bool // wantLines are the lines, not parts of them
	}{
		{name: "nothing built", verdict: verdictNotRun, about: "nothing was built to run it"},
		{
			name: "the CLI cannot start", built: true, answer: &answer{err: errors.New("fork/exec " + cli + ": no such file or directory")},
			verdict: verdictFail, about: "the gate could not run: fork/exec " + cli + ": no such file or directory",
		},
		{
			name: "the CLI refuses the corpus", built: true, answer: &answer{res: Result{ExitCode: 2, Stderr: "zcdrop conformance: " + Corpus + ": no such file or directory\n"}},
			verdict: verdictFail, about: "the gate could not run: exit status 2",
			wantLines: []string{"zcdrop conformance: " + Corpus + ": no such file or directory"},
		},
		{
			name: "an unreadable report", built: true, answer: &answer{res: Result{ExitCode: 1, Stdout: "interaction 0: FAIL\n"}},
			verdict: verdictFail, about: "the gate's report is unreadable: invalid character",
			wantLines: []string{"interaction 0: FAIL"},
		},
		{
			name: "a failure the report does not show", built: true, answer: &answer{res: Result{ExitCode: 1, Stdout: conforms, Stderr: "zcdrop conformance: write: broken pipe\n"}},
			verdict: verdictFail, about: "the gate failed, and its report names no interaction that does not conform",
			wantLines: []string{"broken pipe"},
		},
		{
			name: "failing cassettes", built: true, answer: &answer{res: Result{ExitCode: 1, Stdout: report}},
			verdict: verdictFail, about: "3 of 4 interactions, in 2 cassette(s), disagree with the spec:", exact: true,
			wantLines: []string{
				Corpus + `/drop-dedicated.yaml:3: interaction 0: response /data/status: property "status" is missing (closest oneOf branch: DropClusterSuccess)`,
				Corpus + `/drop-free.yaml:1: interaction 1: does not conform`,
			},
		},
		{
			name: "every interaction conforms", built: true, answer: &answer{res: Result{Stdout: conforms}},
			verdict: verdictOK, about: "all 2 interactions of " + Corpus + " conform",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			answers := map[string]answer{}
			if tt.answer != nil {
				answers[gate] = *tt.answer
			}
			s := Config{Dir: dir, Runner: &fakeRunner{t: t, answers: answers}, cli: cli}.gate(t.Context(), tt.built)
			checkStep(t, s, tt.verdict, tt.about, tt.wantLines)
			if tt.exact && !slices.Equal(s.lines, tt.wantLines) {
				t.Errorf("lines:\n%s\nwant:\n%s", strings.Join(s.lines, "\n"), strings.Join(tt.wantLines, "\n"))
			}
		})
	}
}
