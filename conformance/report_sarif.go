package conformance

import (
	"bufio"
	"bytes"
	"fmt"
	"net/url"
	"path/filepath"
	"slices"

	"github.com/zcdrop/zcdrop/internal/termsafe"
)

// The SARIF 2.1.0 log as code-scanning dashboards (GitHub's, Azure
// DevOps's, the SARIF viewers) read it: one run of one tool, a rule per
// Kind of Violation, a result per finding.
const (
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifVersion = "2.1.0"
	sarifToolURI = "https://github.com/zcdrop/zcdrop"
	sarifHelpURI = "https://github.com/zcdrop/zcdrop#the-conformance-gate"
)

type sarifText struct {
	Text string `json:"text"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	Properties  sarifRunProps     `json:"properties"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string            `json:"id"`
	Name                 string            `json:"name"`
	ShortDescription     sarifText         `json:"shortDescription"`
	FullDescription      sarifText         `json:"fullDescription"`
	HelpURI              string            `json:"helpUri"`
	DefaultConfiguration sarifRuleDefaults `json:"defaultConfiguration"`
}

type sarifRuleDefaults struct {
	Level string `json:"level"`
}

type sarifInvocation struct {
	ExecutionSuccessful bool                `json:"executionSuccessful"`
	Notifications       []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level      string          `json:"level"`
	Message    sarifText       `json:"message"`
	Descriptor sarifDescriptor `json:"descriptor"`
}

type sarifDescriptor struct {
	ID string `json:"id"`
}

// sarifRunProps carries what SARIF has no place for: the gate's verdict,
// its counts and its coverage.
type sarifRunProps struct {
	Failed   bool      `json:"failed"`
	Summary  Summary   `json:"summary"`
	Coverage *Coverage `json:"coverage,omitempty"`
}

type sarifResult struct {
	RuleID     string           `json:"ruleId"`
	RuleIndex  int              `json:"ruleIndex"`
	Level      string           `json:"level"`
	Message    sarifText        `json:"message"`
	Locations  []sarifLocation  `json:"locations,omitempty"`
	Properties sarifResultProps `json:"properties"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"`
}

type sarifArtifactLocation struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

// sarifResultProps names the interaction a result was found in.
type sarifResultProps struct {
	Interaction int    `json:"interaction"`
	Method      string `json:"method"`
	URL         string `json:"url"`
	Status      int    `json:"status"`
	Pointer     string `json:"pointer,omitempty"`
}

// sarifRules describes each Kind as a rule, in the order of the rules.
var sarifRules = []sarifRule{
	{ID: string(KindRequest), Name: "RequestBreaksSpec",
		ShortDescription: sarifText{"A recorded request that openapi.yaml does not allow"},
		FullDescription:  sarifText{"The request of a recorded interaction breaks openapi.yaml: a method or path that no operation declares, a malformed cluster ID, a query or a body the operation does not take."},
		HelpURI:          sarifHelpURI, DefaultConfiguration: sarifRuleDefaults{"error"}},
	{ID: string(KindResponse), Name: "ResponseBreaksSpec",
		ShortDescription: sarifText{"A recorded response that openapi.yaml does not allow"},
		FullDescription:  sarifText{"The response of a recorded interaction breaks openapi.yaml: an undeclared status or Content-Type, a body that is not valid JSON or does not match its schema, a recorded length that disagrees with the body."},
		HelpURI:          sarifHelpURI, DefaultConfiguration: sarifRuleDefaults{"error"}},
	{ID: string(KindSemantic), Name: "ExchangeIsWrong",
		ShortDescription: sarifText{"A well-formed exchange that is wrong"},
		FullDescription:  sarifText{"A recorded interaction that is well-formed but wrong: a success that names another cluster, a request without a Bearer key, a credential left in the recording, or a sequence that the cluster lifecycle makes impossible."},
		HelpURI:          sarifHelpURI, DefaultConfiguration: sarifRuleDefaults{"error"}},
}

// sarifWriter writes a SARIF 2.1.0 log, a result for each occurrence of a
// finding (level error) or a notice (level note), at its file and line;
// the corpus's warnings are notifications of the run's invocation, since
// GitHub's code scanning refuses a whole log with any result that has no
// location, and the summary and coverage are the run's properties. It
// streams the results, after a head written once every Result was
// observed, so that every Kind found has its rule.
type sarifWriter struct {
	kinds []Kind // beyond those of sarifRules, in the order found
	n     int
	buf   bytes.Buffer
}

func (s *sarifWriter) observe(r Result) {
	for _, vs := range [][]Violation{r.Violations, r.Notices} {
		for _, v := range vs {
			if sarifRuleIndex(s.kinds, v.Kind) < 0 {
				s.kinds = append(s.kinds, v.Kind)
			}
		}
	}
}

// sarifRuleIndex is the index of kind's rule, with extra the kinds beyond
// sarifRules; -1 when it has none.
func sarifRuleIndex(extra []Kind, kind Kind) int {
	if i := slices.IndexFunc(sarifRules, func(r sarifRule) bool { return r.ID == string(kind) }); i >= 0 {
		return i
	}
	if i := slices.Index(extra, kind); i >= 0 {
		return len(sarifRules) + i
	}
	return -1
}

func (s *sarifWriter) begin(w *bufio.Writer, v *Verdict) error {
	rules := slices.Clone(sarifRules)
	for _, k := range s.kinds {
		name := termsafe.String(string(k))
		rules = append(rules, sarifRule{ID: string(k), Name: name,
			ShortDescription:     sarifText{"A finding of kind " + name},
			FullDescription:      sarifText{"A finding of kind " + name + " in a recorded interaction."},
			HelpURI:              sarifHelpURI,
			DefaultConfiguration: sarifRuleDefaults{"error"}})
	}
	inv := sarifInvocation{ExecutionSuccessful: true}
	for _, warn := range v.Warnings {
		inv.Notifications = append(inv.Notifications, sarifNotification{Level: "warning",
			Message: sarifText{termsafe.String(warn.Message)}, Descriptor: sarifDescriptor{warn.Code}})
	}
	run := sarifRun{
		Tool:        sarifTool{sarifDriver{Name: "zcdrop", InformationURI: sarifToolURI, Rules: rules}},
		Invocations: []sarifInvocation{inv},
		Properties:  sarifRunProps{Failed: v.Failed, Summary: v.Summary, Coverage: v.Coverage},
	}
	fmt.Fprintf(w, "{\n  \"$schema\": %q,\n  \"version\": %q,\n  \"runs\": [\n    ", sarifSchema, sarifVersion)
	if err := s.marshal(run, "    "); err != nil {
		return err
	}
	// The run's object but its last member, the results, which follow as
	// they come.
	w.Write(bytes.TrimSuffix(s.buf.Bytes(), []byte("\n    }\n")))
	_, err := w.WriteString(",\n      \"results\": [")
	return err
}

func (s *sarifWriter) result(w *bufio.Writer, r Result) error {
	for _, f := range []struct {
		level string
		vs    []Violation
	}{{"error", r.Violations}, {"note", r.Notices}} {
		for _, v := range f.vs {
			if err := s.write(w, s.sarifResult(r, v, f.level)); err != nil {
				return err
			}
		}
	}
	return nil
}

// sarifResult is v, a finding of r, as a SARIF result of level.
func (s *sarifWriter) sarifResult(r Result, v Violation, level string) sarifResult {
	res := sarifResult{
		RuleID:     string(v.Kind),
		RuleIndex:  sarifRuleIndex(s.kinds, v.Kind),
		Level:      level,
		Message:    sarifText{termsafe.String(v.String())},
		Properties: sarifResultProps{Interaction: r.ID, Method: r.Method, URL: r.URL, Status: r.StatusCode, Pointer: v.Pointer},
	}
	if r.File != "" {
		loc := sarifLocation{sarifPhysicalLocation{ArtifactLocation: sarifArtifactLocation{sarifURI(r.File)}}}
		if at := violationLocation(r, v); at.Line > 0 {
			loc.PhysicalLocation.Region = &sarifRegion{StartLine: at.Line}
		}
		res.Locations = []sarifLocation{loc}
	}
	return res
}

// write writes res as the next element of the results.
func (s *sarifWriter) write(w *bufio.Writer, res sarifResult) error {
	if s.n > 0 {
		w.WriteByte(',')
	}
	s.n++
	w.WriteString("\n        ")
	if err := s.marshal(res, "        "); err != nil {
		return err
	}
	_, err := w.Write(bytes.TrimSuffix(s.buf.Bytes(), []byte("\n")))
	return err
}

func (s *sarifWriter) end(w *bufio.Writer, _ *Verdict) error {
	if s.n > 0 {
		w.WriteString("\n      ")
	}
	_, err := w.WriteString("]\n    }\n  ]\n}\n")
	return err
}

// marshal encodes v into s.buf, indented below prefix.
func (s *sarifWriter) marshal(v any, prefix string) error {
	s.buf.Reset()
	if err := encodeJSON(&s.buf, v, prefix); err != nil {
		return fmt.Errorf("conformance: encode sarif report: %w", err)
	}
	return nil
}

// sarifURI is the artifact location of file: the path as given, with
// slashes, escaped as a URI reference, relative when it was (GitHub reads
// it from the repository's root); a file: URI for an absolute path.
func sarifURI(file string) string {
	p := filepath.ToSlash(file)
	if filepath.IsAbs(file) {
		return (&url.URL{Scheme: "file", Path: p}).String()
	}
	return (&url.URL{Path: p}).String()
}

// wants the Results that have a finding: a SARIF result is one.
func (*sarifWriter) wants(r Result) bool { return len(r.Violations)+len(r.Notices) > 0 }
