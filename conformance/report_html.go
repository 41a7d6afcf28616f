package conformance

import (
	"bufio"
	"fmt"
	"html/template"
	"strconv"
	"strings"

	"github.com/zcdrop/zcdrop/internal/termsafe"
)

// htmlWriter writes one self-contained HTML page for people who read the
// gate's verdict in a CI system's artifacts rather than in a terminal:
// the summary, the warnings, the coverage, the findings grouped by kind
// with their file:line, each linked to its interaction, the notices, and
// each failing interaction with its request and response as recorded
// (Result.Exchange, redacted when the gate made it). Passing interactions
// are counted, not shown.
//
// The page loads nothing (no script, style sheet, font or image from
// anywhere; its Content-Security-Policy forbids them all but its inline
// style), so it reads the same opened from disk, offline, as an artifact.
// html/template escapes every string; file- and server-supplied ones
// also pass through termsafe.String, so that control characters and
// bidirectional overrides show as escapes instead of reordering the page.
type htmlWriter struct {
	reportFindings
	seq int
}

// htmlHead is what the page shows above the failing interactions.
type htmlHead struct {
	Verdict          *Verdict
	Kinds            []htmlKind
	Ungrouped        string
	Notices          []*findingGroup
	UngroupedNotices string
}

// htmlKind is the findings of one Kind.
type htmlKind struct {
	Kind   Kind
	Count  int
	Groups []*findingGroup
}

// htmlMessage is a request or a response of the page, under its label.
type htmlMessage struct {
	Label   string
	Message RecordedMessage
}

// htmlResult is one failing interaction of the page.
type htmlResult struct {
	Seq    int
	Result Result
}

func (h *htmlWriter) begin(w *bufio.Writer, v *Verdict) error {
	head := htmlHead{Verdict: v, Ungrouped: h.failures.ungroupedLine("findings"),
		Notices: h.notices.groups, UngroupedNotices: h.notices.ungroupedLine("notices")}
	for _, kind := range []Kind{KindRequest, KindResponse, KindSemantic} {
		head.Kinds = append(head.Kinds, htmlKind{Kind: kind})
	}
	for _, g := range h.failures.groups {
		i := 0
		for i < len(head.Kinds) && head.Kinds[i].Kind != g.Kind {
			i++
		}
		if i == len(head.Kinds) {
			head.Kinds = append(head.Kinds, htmlKind{Kind: g.Kind})
		}
		head.Kinds[i].Count += g.Count
		head.Kinds[i].Groups = append(head.Kinds[i].Groups, g)
	}
	return h.execute(w, "head", head)
}

func (h *htmlWriter) result(w *bufio.Writer, r Result) error {
	seq := h.seq
	h.seq++
	if r.OK {
		return nil
	}
	return h.execute(w, "result", htmlResult{Seq: seq, Result: r})
}

func (h *htmlWriter) end(w *bufio.Writer, v *Verdict) error {
	return h.execute(w, "end", v)
}

func (*htmlWriter) execute(w *bufio.Writer, name string, data any) error {
	if err := htmlTemplates.ExecuteTemplate(w, name, data); err != nil {
		return fmt.Errorf("conformance: write html report: %w", err)
	}
	return nil
}

// displayBody is a recorded body as the page shows it: each line through
// termsafe.String, its tabs and line breaks kept.
func displayBody(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range lines {
		cells := strings.Split(l, "\t")
		for j, c := range cells {
			cells[j] = termsafe.String(c)
		}
		lines[i] = strings.Join(cells, "\t")
	}
	return strings.Join(lines, "\n")
}

var htmlTemplates = template.Must(template.New("report").Funcs(template.FuncMap{
	"t":    termsafe.String,
	"body": displayBody,
	"loc":  func(l findingLocation) string { return termsafe.String(l.String()) },
	"violation": func(r Result, v Violation) string {
		return termsafe.String(violationLocation(r, v).String() + ": " + v.String())
	},
	"anchor": func(l findingLocation) string { return "r" + strconv.Itoa(l.seq) },
	"where": func(r Result) string {
		return termsafe.String(findingLocation{File: r.File, Line: r.Line, ID: r.ID}.String())
	},
	"side":     func(label string, m RecordedMessage) htmlMessage { return htmlMessage{label, m} },
	"more":     func(g *findingGroup) int { return g.Count - len(g.Locations) },
	"percent":  percent,
	"summary":  summaryLine,
	"headline": coverageHeadline,
}).Parse(htmlPage))

// htmlPage holds the page's three templates: head (everything above the
// failing interactions), result (one of them) and end.
const htmlPage = `{{define "head"}}<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>zcdrop conformance: {{if .Verdict.Failed}}failed{{else}}passed{{end}}</title>
<style>
body { font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 72em; padding: 0 1em; color: #1f2328; }
h1 { font-size: 1.6em; margin-bottom: .2em; }
h2 { border-bottom: 1px solid #d0d7de; padding-bottom: .2em; margin-top: 1.8em; }
code, pre, .where { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px; }
pre { background: #f6f8fa; border: 1px solid #d0d7de; padding: .8em; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
table { border-collapse: collapse; width: 100%; margin: .5em 0 1em; }
th, td { border: 1px solid #d0d7de; padding: .3em .6em; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
.verdict { display: inline-block; font-weight: 600; padding: .15em .7em; border-radius: 1em; color: #fff; }
.failed { background: #cf222e; } .passed { background: #1a7f37; }
.warning { background: #fff8c5; border: 1px solid #d4a72c; padding: .5em .8em; margin: .4em 0; }
tr.never td { color: #9a6700; }
.interaction { border: 1px solid #d0d7de; border-left: 4px solid #cf222e; padding: 0 1em .5em; margin: 1em 0; }
.note { color: #59636e; }
summary { cursor: pointer; font-weight: 600; margin: .4em 0; }
</style>
</head>
<body>
<h1>zcdrop conformance</h1>
<p><span id="verdict" class="verdict {{if .Verdict.Failed}}failed{{else}}passed{{end}}">{{if .Verdict.Failed}}FAILED{{else}}PASSED{{end}}</span>
<span id="summary">{{summary .Verdict.Summary}}</span></p>
{{with .Verdict.Warnings}}<section id="warnings">
<h2>Warnings</h2>
{{range .}}<p class="warning"><strong>warning ({{t .Code}}):</strong> {{t .Message}}</p>
{{end}}</section>
{{end}}{{with .Verdict.Coverage}}<section id="coverage">
<h2>Coverage</h2>
<p>{{headline .}}</p>
<table>
<thead><tr><th>Kind</th><th>Operation</th><th>Item</th><th>Interactions</th></tr></thead>
<tbody>
{{range .Items}}<tr{{if eq .Count 0}} class="never"{{end}}><td>{{t .Kind}}</td><td>{{t .Operation}}</td><td><code>{{t .Name}}</code></td><td>{{if eq .Count 0}}never{{else}}{{.Count}}{{end}}</td></tr>
{{end}}</tbody>
</table>
</section>
{{end}}<section id="findings">
<h2>Findings</h2>
{{if not .Verdict.Summary.Failed}}<p>No interaction breaks the spec.</p>
{{end}}{{range .Kinds}}{{if .Groups}}<h3 id="kind-{{.Kind}}">{{t (print .Kind)}}: {{.Count}} {{if eq .Count 1}}occurrence{{else}}occurrences{{end}}</h3>
<table>
<thead><tr><th>Where</th><th>Pointer</th><th>Finding</th><th>Interactions</th></tr></thead>
<tbody>
{{range .Groups}}<tr><td class="where">{{range .Locations}}<a href="#{{anchor .}}">{{loc .}}</a><br>{{end}}{{with more .}}and {{.}} more{{end}}</td><td><code>{{t .Pointer}}</code></td><td>{{t .Message}}</td><td>{{.Count}}</td></tr>
{{end}}</tbody>
</table>
{{end}}{{end}}{{with .Ungrouped}}<p class="note">{{.}}; the JSON report lists every one.</p>
{{end}}</section>
{{if .Notices}}<section id="notices">
<h2>Notices</h2>
<table>
<thead><tr><th>Where</th><th>Finding</th><th>Interactions</th></tr></thead>
<tbody>
{{range .Notices}}<tr><td class="where">{{range .Locations}}{{loc .}}<br>{{end}}{{with more .}}and {{.}} more{{end}}</td><td>{{t (print .Kind)}} <code>{{t .Pointer}}</code>: {{t .Message}}</td><td>{{.Count}}</td></tr>
{{end}}</tbody>
</table>
{{with .UngroupedNotices}}<p class="note">{{.}}; the JSON report lists every one.</p>
{{end}}</section>
{{end}}<section id="interactions">
<h2>Failing interactions</h2>
{{if not .Verdict.Summary.Failed}}<p>None.</p>
{{end}}{{end}}

{{define "result"}}{{$r := .Result}}<section class="interaction" id="r{{.Seq}}">
<h3><span class="where">{{where $r}}</span> #{{$r.ID}} {{t $r.Method}} <code>{{t $r.URL}}</code>: HTTP {{$r.StatusCode}}</h3>
<ul>
{{range $r.Violations}}<li>{{violation $r .}}</li>
{{end}}</ul>
{{with $r.Exchange}}{{template "message" side "Request" .Request}}{{template "message" side "Response" .Response}}{{else}}<p class="note">The recorded exchange is not shown: the report was not written by the gate.</p>
{{end}}</section>
{{end}}

{{define "message"}}<details open>
<summary>{{.Label}}</summary>
<pre>{{t .Message.StartLine}}
{{range .Message.Header}}{{t .Name}}: {{t .Value}}
{{end}}{{with .Message.Body}}
{{body .}}{{end}}</pre>
{{if .Message.Truncated}}<p class="note">The body is cut: its first 64 KiB of {{.Message.BodyBytes}} bytes are shown.</p>
{{end}}</details>
{{end}}

{{define "end"}}</section>
<p class="note">Written by zcdrop conformance. {{summary .Summary}}.</p>
</body>
</html>
{{end}}`
