package regen

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/zcdrop/zcdrop/internal/specdiff"
)

// gitShow returns the file at path (relative to the root) in the base
// revision, within limit.
func (c Config) gitShow(ctx context.Context, path string, limit int) ([]byte, error) {
	res, err := c.run(ctx, "git", "show", c.Base+":"+path)
	if err != nil || res.ExitCode != 0 {
		why := failed(res, err)
		if l := lines(res.Stderr, 3); len(l) > 0 {
			why += ": " + strings.Join(l, " ")
		}
		return nil, fmt.Errorf("git show %s:%s: %s", c.Base, path, why)
	}
	if res.Cut || len(res.Stdout) > limit {
		return nil, fmt.Errorf("git show %s:%s: larger than %d bytes", c.Base, path, limit)
	}
	return []byte(res.Stdout), nil
}

// diff compares openapi.yaml and the Go API generated from it with those at
// the base revision: two verdicts, the spec's and the Go API's, and the
// exported names of api/ that changed.
func (c Config) diff(ctx context.Context) (spec, goAPI step, names goNames) {
	spec = step{name: "spec diff"}
	goAPI = step{name: "Go API"}
	oldLabel := "openapi.yaml@" + c.Base
	oldData, err := c.gitShow(ctx, "openapi.yaml", maxSpecBytes)
	if err != nil {
		spec.verdict, spec.about = verdictFail, err.Error()
		goAPI.verdict, goAPI.about = verdictNotRun, "no openapi.yaml at "+c.Base
		return spec, goAPI, names
	}
	newData, err := readBounded(filepath.Join(c.Dir, "openapi.yaml"), maxSpecBytes)
	if err != nil {
		spec.verdict, spec.about = verdictFail, err.Error()
		goAPI.verdict, goAPI.about = verdictNotRun, "openapi.yaml is unreadable"
		return spec, goAPI, names
	}
	oldDoc := specdiff.Document{Name: oldLabel, Data: oldData}
	newDoc := specdiff.Document{Name: "openapi.yaml", Data: newData}
	spec = specStep(oldDoc, newDoc)

	oldCfg, err := c.gitShow(ctx, "api/oapi-codegen.yaml", maxConfigBytes)
	if err != nil {
		goAPI.verdict, goAPI.about = verdictFail, err.Error()
		return spec, goAPI, names
	}
	newCfg, err := readBounded(filepath.Join(c.Dir, "api", "oapi-codegen.yaml"), maxConfigBytes)
	if err != nil {
		goAPI.verdict, goAPI.about = verdictFail, err.Error()
		return spec, goAPI, names
	}
	c.progress("the Go API generated from %s and from openapi.yaml, compared", oldLabel)
	changes, err := c.GoAPI.Compare(ctx,
		specdiff.Input{Spec: oldDoc, Config: specdiff.Document{Name: "api/oapi-codegen.yaml@" + c.Base, Data: oldCfg}},
		specdiff.Input{Spec: newDoc, Config: specdiff.Document{Name: "api/oapi-codegen.yaml", Data: newCfg}})
	if err != nil {
		goAPI.verdict, goAPI.about = verdictFail, "the Go API could not be compared: "+err.Error()
		return spec, goAPI, names
	}
	incompatible := 0
	for _, ch := range changes {
		goAPI.lines = append(goAPI.lines, fmt.Sprintf("%-5s %s", ch.Severity, goAPIText(ch)))
		if ch.Severity == specdiff.SeverityError {
			incompatible++
		}
	}
	goAPI.verdict = verdictOK
	if incompatible > 0 {
		goAPI.verdict = verdictBreaking
	}
	goAPI.about = fmt.Sprintf("%d incompatible and %d compatible change(s) to the exported names of api/", incompatible, len(changes)-incompatible)
	return spec, goAPI, classify(changes)
}

// specStep is oasdiff's verdict on the spec: BREAKING on any ERR.
func specStep(oldDoc, newDoc specdiff.Document) step {
	s := step{name: "spec diff"}
	changes, err := specdiff.Spec(oldDoc, newDoc)
	if err != nil {
		s.verdict, s.about = verdictFail, err.Error()
		return s
	}
	counts := map[specdiff.Severity]int{}
	for _, ch := range changes {
		counts[ch.Severity]++
		line := fmt.Sprintf("%-5s %s: %s", ch.Severity, ch.ID, ch.Text)
		if ch.Source != "" {
			line = ch.Source + ": " + line
		}
		s.lines = append(s.lines, line)
	}
	s.verdict = verdictOK
	if counts[specdiff.SeverityError] > 0 {
		s.verdict = verdictBreaking
	}
	s.about = fmt.Sprintf("%d ERR, %d WARN, %d INFO against %s", counts[specdiff.SeverityError], counts[specdiff.SeverityWarning], counts[specdiff.SeverityInfo], oldDoc.Name)
	return s
}

// goAPIText is one Go API change as spec diff prints it: the name, then
// apidiff's message.
func goAPIText(ch specdiff.GoAPIChange) string {
	if ch.Name == "" {
		return ch.Message
	}
	return ch.Name + ": " + ch.Message
}
