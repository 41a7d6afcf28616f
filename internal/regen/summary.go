package regen

import (
	"fmt"
	"io"
	"strings"

	"github.com/zcdrop/zcdrop/internal/termsafe"
)

// advice says, for each step that can fail or find a breaking change, what
// to do about it.
var advice = map[string]string{
	"spec lint":   "spec lint: fix each problem at its line (an example that no longer matches its schema, say)",
	"go generate": "go generate: oapi-codegen refused the spec; its message is above",
	"go build":    "go build: update each site named above to the regenerated api/, or undo the change that broke it",
	"spec diff":   "spec diff: clients of the API break; if that is meant, bump info.version and say so in the release notes, else undo it",
	"Go API":      "Go API: programs that import api/ break where they use the names above; if that is meant, say so in the release notes, else undo it",
	"gate":        "gate: re-record each cassette named above (zcdrop probe --record DIR), or fix the spec if the traffic is right",
	"mock":        "mock: make the handler named above answer what the spec now says",
}

// summarize prints every step's verdict, what changed in api/, and the one
// verdict with what to do next. It reports whether the cycle was clean.
// Every line from a tool, a file or the spec goes through termsafe.
func summarize(w io.Writer, base string, steps []step, names goNames) (clean bool) {
	fmt.Fprintf(w, "zcdrop spec regen: openapi.yaml against %s\n\n", termsafe.String(base))
	var failing, breaking []string
	for _, s := range steps {
		fmt.Fprintf(w, "%-12s %-8s %s\n", s.name, s.verdict, termsafe.String(s.about))
		for _, l := range s.lines {
			fmt.Fprintf(w, "    %s\n", termsafe.String(l))
		}
		switch s.verdict {
		case verdictFail:
			failing = append(failing, s.name)
		case verdictBreaking:
			breaking = append(breaking, s.name)
		}
	}
	fmt.Fprintf(w, "\napi/: exported names: %d added, %d removed, %d changed incompatibly", len(names[nameAdded]), len(names[nameRemoved]), len(names[nameChanged]))
	// The rarer classes are counted only when there are some.
	for _, k := range []nameClass{nameAddedToInterface, nameChangedCompatibly} {
		if len(names[k]) > 0 {
			fmt.Fprintf(w, ", %d %s", len(names[k]), nameClassLabels[k])
		}
	}
	fmt.Fprintln(w)
	for _, k := range []nameClass{nameRemoved, nameChanged, nameAddedToInterface, nameAdded, nameChangedCompatibly} {
		if len(names[k]) > 0 {
			fmt.Fprintf(w, "    %s: %s\n", nameClassLabels[k], termsafe.String(strings.Join(names[k], ", ")))
		}
	}
	if len(failing) == 0 && len(breaking) == 0 {
		fmt.Fprintln(w, "\nverdict: clean. Next: review api/ with git diff, run make test, and commit openapi.yaml with api/.")
		return true
	}
	var verdicts []string
	if len(breaking) > 0 {
		verdicts = append(verdicts, "BREAKING ("+strings.Join(breaking, ", ")+")")
	}
	if len(failing) > 0 {
		verdicts = append(verdicts, "FAIL ("+strings.Join(failing, ", ")+")")
	}
	fmt.Fprintf(w, "\nverdict: %s\nnext:\n", strings.Join(verdicts, "; "))
	for _, name := range append(breaking, failing...) {
		fmt.Fprintf(w, "  - %s\n", advice[name])
	}
	fmt.Fprintf(w, "  then run make regen again (nothing was committed; %s)\n", apiState(steps))
	return false
}

// apiState says what api/ holds after the cycle: what openapi.yaml
// generates, unless go generate failed.
func apiState(steps []step) string {
	for _, s := range steps {
		if s.name == "go generate" && s.verdict != verdictOK {
			return "go generate did not regenerate api/"
		}
	}
	return "api/ now matches openapi.yaml"
}
