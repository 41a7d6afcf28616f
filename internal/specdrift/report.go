package specdrift

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/zcdrop/zcdrop/internal/termsafe"
)

// maxShownMessage caps, in characters, a recorded message as a report
// shows it and as a patch proposes it: a server may send a page.
const maxShownMessage = 200

// What says what a finding is, after its class: "96099 \"Quota
// exceeded.\"", "204 on dropCluster", "/data/status of DropClusterData on
// dropCluster 200 application/json". It quotes what files and servers
// wrote as they wrote it; text output passes it through termsafe.
func (f Finding) What() string {
	switch f.Class {
	case ClassErrorCode:
		if f.Message == "" {
			return strconv.FormatInt(f.Code, 10) + " (no message)"
		}
		return strconv.FormatInt(f.Code, 10) + " " + strconv.Quote(truncate(f.Message, maxShownMessage))
	case ClassOperation:
		return f.Operation + " (no operation of the spec matches)"
	case ClassStatus:
		return f.Response + " on " + f.Operation
	case ClassContentType:
		return f.ContentType + " on " + f.Operation + " " + f.Response
	case ClassHeader:
		return f.Header + " on " + f.Operation + " " + f.Response
	case ClassProperty:
		return f.Pointer + " of " + f.Schema + " on " + f.Operation + " " + f.Response + " " + f.ContentType
	}
	return ""
}

// WriteText writes r for people: one line per finding, "<class> <what>:
// <count>× first at <file>:<line> (interaction N)", then a summary line.
// What files and servers wrote passes through termsafe, so that none can
// forge a line or act on a terminal.
func WriteText(w io.Writer, r *Report) error {
	var b strings.Builder
	for _, f := range r.Findings {
		at := f.First.File
		if f.First.Line > 0 {
			at += ":" + strconv.Itoa(f.First.Line)
		}
		fmt.Fprintf(&b, "%s %s: %d× first at %s (interaction %d)\n", f.Class, termsafe.String(f.What()), f.Count, termsafe.String(at), f.First.Interaction)
	}
	found := "no drift"
	switch n := len(r.Findings); n {
	case 0:
	case 1:
		found = "1 finding"
	default:
		found = strconv.Itoa(n) + " findings"
	}
	fmt.Fprintf(&b, "%s in %s from %s\n", found, plural(r.Interactions, "interaction"), plural(r.Cassettes, "cassette"))
	_, err := io.WriteString(w, b.String())
	return err
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// WriteJSON writes r for programs, as one document with raw values:
// {"findings":[Finding...],"cassettes":N,"interactions":N}.
func WriteJSON(w io.Writer, r *Report) error {
	out := *r
	if out.Findings == nil {
		out.Findings = []Finding{} // Readers index into it; null would break them.
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

// truncate cuts s to at most n characters, marking the cut with "…".
func truncate(s string, n int) string {
	runes := []rune(s)
	if len(runes) <= n {
		return s
	}
	return string(runes[:n-1]) + "…"
}
