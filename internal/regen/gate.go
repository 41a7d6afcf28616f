package regen

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// gateViolations is the CLI's exit status for a corpus that breaks the spec
// (zcdrop conformance): any other failure means the gate could not judge.
const gateViolations = 1

// gateReport is the part of zcdrop conformance --format json that the
// summary uses.
type gateReport struct {
	Interactions []struct {
		File       string `json:"file"`
		ID         int    `json:"id"`
		Line       int    `json:"line"`
		OK         bool   `json:"ok"`
		Violations []struct {
			Kind    string `json:"kind"`
			Pointer string `json:"pointer"`
			Message string `json:"message"`
		} `json:"violations"`
	} `json:"interactions"`
}

// gate runs the CLI built from the regenerated tree over the shipped
// corpus, and names each cassette that disagrees once: its first failing
// interaction's line and violation.
func (c Config) gate(ctx context.Context, built bool) step {
	s := step{name: "gate"}
	if !built {
		s.verdict, s.about = verdictNotRun, "nothing was built to run it"
		return s
	}
	res, err := c.run(ctx, c.cli, "conformance", "--format", "json", Corpus)
	if err != nil || (res.ExitCode != 0 && res.ExitCode != gateViolations) {
		s.verdict, s.about, s.lines = verdictFail, "the gate could not run: "+failed(res, err), lines(res.output(), 20)
		return s
	}
	var report gateReport
	if jerr := json.Unmarshal([]byte(res.Stdout), &report); jerr != nil {
		s.verdict, s.about, s.lines = verdictFail, "the gate's report is unreadable: "+jerr.Error(), lines(res.output(), 20)
		return s
	}
	seen := map[string]bool{}
	failing := 0
	for _, it := range report.Interactions {
		if it.OK {
			continue
		}
		failing++
		if seen[it.File] {
			continue
		}
		seen[it.File] = true
		what := "does not conform"
		if len(it.Violations) > 0 {
			v := it.Violations[0]
			what = strings.TrimSpace(v.Kind + " " + v.Pointer + ": " + v.Message)
		}
		s.lines = append(s.lines, fmt.Sprintf("%s:%d: interaction %d: %s", it.File, max(it.Line, 1), it.ID, what))
	}
	switch {
	case failing == 0 && res.ExitCode == gateViolations:
		// The CLI says something broke the spec, and the report shows
		// nothing that did: believe neither.
		s.verdict, s.about, s.lines = verdictFail, "the gate failed, and its report names no interaction that does not conform", lines(res.Stderr, 20)
	case failing == 0:
		s.verdict, s.about = verdictOK, fmt.Sprintf("all %d interactions of %s conform", len(report.Interactions), Corpus)
	default:
		s.verdict = verdictFail
		s.about = fmt.Sprintf("%d of %d interactions, in %d cassette(s), disagree with the spec:", failing, len(report.Interactions), len(seen))
	}
	return s
}
