package conformance

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/zcdrop/zcdrop/internal/termsafe"
)

// githubAnnotationsShown is how many annotations of each type (error,
// warning, notice) GitHub shows for a step; it drops the rest from the
// pull request, though the log keeps them.
const githubAnnotationsShown = 10

// githubWriter writes GitHub Actions workflow commands: an ::error at the
// file and line of each distinct finding, an ::warning for each warning on
// the corpus, an ::notice for each distinct notice, the coverage in a
// folded group, and the summary line. GitHub shows at most ten
// annotations of each type for a step, so a finding that many
// interactions share is one annotation, at its first location, whose
// message names the others ("(3 interactions; also at b.yaml:10)"),
// rather than ten annotations of one finding hiding every other.
//
// Every string from a file or a server passes through termsafe.String,
// and then GitHub's escaping (% \r \n in a message; also : and , in a
// property), so that none can end a command or start one: a message
// that holds "\n::error::" stays within its own annotation. A line of
// plain text that a hostile string would make a command (one that starts
// with "::", or holds "##[", which older runners read as a command
// anywhere in a line) is defused.
type githubWriter struct{ reportFindings }

func (g *githubWriter) begin(w *bufio.Writer, v *Verdict) error {
	for _, grp := range g.failures.groups {
		writeGitHubFinding(w, "error", grp)
	}
	if line := g.failures.ungroupedLine("findings"); line != "" {
		fmt.Fprintln(w, termsafe.DefuseCI(line))
	}
	for _, warn := range v.Warnings {
		fmt.Fprintf(w, "::warning title=%s::%s\n", githubProperty("zcdrop conformance: "+termsafe.String(warn.Code)), githubData(termsafe.String(warn.Message)))
	}
	for _, grp := range g.notices.groups {
		writeGitHubFinding(w, "notice", grp)
	}
	if line := g.notices.ungroupedLine("notices"); line != "" {
		fmt.Fprintln(w, termsafe.DefuseCI(line))
	}
	if v.Coverage != nil {
		// Folded in the log: the headline says what matters.
		fmt.Fprintf(w, "::group::%s\n", githubData(coverageHeadline(v.Coverage)))
		var table bytes.Buffer
		writeCoverageText(&table, v.Coverage, "")
		for line := range strings.Lines(table.String()) {
			if !strings.HasPrefix(line, "coverage: ") { // The headline, already the group's title.
				io.WriteString(w, termsafe.DefuseCI(line))
			}
		}
		fmt.Fprintln(w, "::endgroup::")
	}
	return nil
}

// writeGitHubFinding writes the annotation of g, a command of the type
// command, at g's first location.
func writeGitHubFinding(w io.Writer, command string, g *findingGroup) {
	at := g.Locations[0]
	var props []string
	if at.File != "" {
		props = append(props, "file="+githubProperty(termsafe.String(at.File)))
		if at.Line > 0 {
			props = append(props, "line="+strconv.Itoa(at.Line))
		}
	}
	title := "zcdrop: " + string(g.Kind)
	if g.Pointer != "" {
		title += " " + g.Pointer
	}
	props = append(props, "title="+githubProperty(termsafe.String(title)))
	message := termsafe.String(g.Message)
	if others := g.others(textLocation); others != "" {
		message += " " + others
	}
	fmt.Fprintf(w, "::%s %s::%s\n", command, strings.Join(props, ","), githubData(message))
}

func (*githubWriter) result(*bufio.Writer, Result) error { return nil }

func (g *githubWriter) end(w *bufio.Writer, v *Verdict) error {
	if n := len(g.failures.groups); n > githubAnnotationsShown {
		fmt.Fprintf(w, "%d distinct findings: GitHub shows the first %d as annotations, and this log lists them all\n", n, githubAnnotationsShown)
	}
	// What else than a finding failed the gate is an error too, or the
	// pull request would show none.
	for _, r := range v.Reasons {
		if r.Code != ReasonViolations {
			fmt.Fprintf(w, "::error title=%s::%s\n", githubProperty("zcdrop conformance: "+r.Code), githubData(termsafe.String(r.Message)))
		}
	}
	_, err := fmt.Fprintln(w, summaryLine(v.Summary))
	return err
}

// githubData escapes s as the message of a workflow command.
func githubData(s string) string { return githubDataEscaper.Replace(s) }

// githubProperty escapes s as the value of a workflow command's property.
func githubProperty(s string) string { return githubPropertyEscaper.Replace(s) }

// The escapers of GitHub's rules, which also defuse "##[", the start of a
// command anywhere in a line to the runner's older parser: a line that is
// a command is not read by it, but nothing is lost by making sure.
var (
	githubDataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", "##[", `##\[`)
	githubPropertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C", "##[", `##\[`)
)

// wants nothing: the annotations are written from what observe gathered.
func (*githubWriter) wants(Result) bool { return false }
