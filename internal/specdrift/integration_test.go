package specdrift

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/zcdrop/zcdrop"
	"github.com/zcdrop/zcdrop/internal/specdiff"
	"github.com/zcdrop/zcdrop/internal/speclint"
)

// TestPatchPassesLintAndDiff: the edit a patch proposes passes spec lint,
// and spec diff calls none of it breaking. With the client's sentinels
// (as zcdrop spec lint runs), each new code gets a zc012 warning and
// nothing else is said: a code needs a sentinel in package zcdrop, which
// only a person can write; the warning says so, spec lint passes, and
// make test (spec lint --strict) holds the change until someone has.
func TestPatchPassesLintAndDiff(t *testing.T) {
	spec, r, _ := driftedSpec(t)
	p, err := spec.Patch(r)
	if err != nil {
		t.Fatal(err)
	}
	var wantSentinels []string
	for _, a := range p.Added {
		wantSentinels = append(wantSentinels, fmt.Sprintf("%s code %d", speclint.RuleErrorCodeHandled, a.Code))
	}
	tests := []struct {
		name string
		cfg  speclint.Config
		want []string
	}{
		{"the spec alone", speclint.Config{}, nil},
		{"with the client's sentinels", speclint.Config{
			Servers:     []string{zcdrop.ServerGlobal, zcdrop.ServerChina},
			HasSentinel: func(code int) bool { return zcdrop.CodeSentinel(code) != nil },
		}, wantSentinels},
	}
	for _, tt := range tests {
		t.Run("lint "+tt.name, func(t *testing.T) {
			problems, err := speclint.Lint(context.Background(), "openapi.yaml", p.New, tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, pr := range problems {
				var code int
				if _, err := fmt.Sscanf(pr.Message, "code %d", &code); err != nil || pr.Rule != speclint.RuleErrorCodeHandled {
					got = append(got, fmt.Sprintf("%d:%d: %s %s", pr.Line, pr.Column, pr.Rule, pr.Message))
					continue
				}
				if pr.Severity != speclint.SeverityWarning {
					t.Errorf("zc012 is a warning, got %s", pr.Severity)
				}
				got = append(got, fmt.Sprintf("%s code %d", pr.Rule, code))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("lint says:\n  %q\nwant:\n  %q", got, tt.want)
			}
		})
	}
	t.Run("diff", func(t *testing.T) {
		changes, err := specdiff.Spec(specdiff.Document{Name: "openapi.yaml", Data: p.Old}, specdiff.Document{Name: "proposed.yaml", Data: p.New})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range changes {
			if c.Severity == specdiff.SeverityError {
				t.Errorf("diff: %s %s: %s", c.Severity, c.ID, c.Text)
			}
		}
	})
}
