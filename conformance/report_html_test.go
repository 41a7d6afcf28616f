package conformance

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
)

// htmlTags finds the tags of a page, by name.
var htmlTags = regexp.MustCompile(`<([a-zA-Z][a-zA-Z0-9-]*)`)

// htmlRefs finds the values of href and src attributes.
var htmlRefs = regexp.MustCompile(`(?i)\b(?:href|src)\s*=\s*"([^"]*)"`)

// checkHTMLPage fails the test unless page uses only the tags the report
// writes, links only within itself, loads nothing, and holds no raw
// control character or bidirectional override.
func checkHTMLPage(t *testing.T, page string) {
	t.Helper()
	allowed := map[string]bool{"html": true, "head": true, "meta": true, "title": true, "style": true, "body": true,
		"h1": true, "h2": true, "h3": true, "p": true, "span": true, "section": true, "strong": true, "table": true,
		"thead": true, "tbody": true, "tr": true, "th": true, "td": true, "code": true, "a": true, "br": true,
		"ul": true, "li": true, "details": true, "summary": true, "pre": true}
	for _, m := range htmlTags.FindAllStringSubmatch(page, -1) {
		if !allowed[strings.ToLower(m[1])] {
			t.Errorf("a <%s> tag in the page", m[1])
		}
	}
	for _, m := range htmlRefs.FindAllStringSubmatch(page, -1) {
		if !strings.HasPrefix(m[1], "#") {
			t.Errorf("the page refers to %q, outside itself", m[1])
		}
	}
	if !strings.Contains(page, `content="default-src 'none'; style-src 'unsafe-inline'"`) {
		t.Error("no Content-Security-Policy that forbids loading anything")
	}
	for _, c := range page {
		if c < 0x20 && c != '\n' && c != '\t' || c == 0x7f || c == 0x202e || c == 0xfffd {
			t.Errorf("raw %U in the page", c)
		}
	}
}

// TestWriteReportHTML: the page shows the verdict, the summary, the
// findings grouped by kind, linked to their failing interactions, and
// each failing interaction's exchange; passes are counted only.
func TestWriteReportHTML(t *testing.T) {
	results, err := newTestValidator(t).CheckCassettes(context.Background(), goldenInput...)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteReport(&buf, FormatHTML, results); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	checkHTMLPage(t, page)
	for _, want := range []string{
		`<span id="verdict" class="verdict failed">FAILED</span>`,
		`<span id="summary">5 interactions: 1 passed, 4 failed</span>`,
		`<h3 id="kind-request">request: 1 occurrence</h3>`,
		`<h3 id="kind-response">response: 2 occurrences</h3>`,
		`<a href="#r1">testdata/negative/html-on-200.yaml:29</a><br><a href="#r3">testdata/negative/describe-html-on-200.yaml:30</a>`,
		`<section class="interaction" id="r1">`,
		"Authorization: Bearer REDACTED\n",
		"Cookie: REDACTED\n",
		"&lt;html&gt;&lt;body&gt;OK&lt;/body&gt;&lt;/html&gt;</pre>",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	if n := strings.Count(page, `<section class="interaction"`); n != 4 {
		t.Errorf("%d interactions shown, want the 4 that fail", n)
	}
	if strings.Contains(page, `id="r0"`) {
		t.Error("the passing interaction is shown")
	}
}

// TestWriteReportHTMLEscapes: whatever a file name, a URL, a message, a
// header or a body holds, the page holds none of its markup, and shows
// control characters as escapes.
func TestWriteReportHTMLEscapes(t *testing.T) {
	markup := `<script>alert(1)</script>"><img src=x onerror=alert(1)><a href="https://evil.example/">`
	r := hostileResult()
	r.File += markup
	r.URL += markup
	r.Violations[0].Message += markup
	r.Exchange = &RecordedExchange{
		Request:  RecordedMessage{StartLine: "DELETE " + markup, Header: []HeaderField{{Name: "X-" + markup, Value: markup}}, Body: markup + "\x1b[2J\r\nline two"},
		Response: RecordedMessage{StartLine: "HTTP/1.1 200 OK", Body: strings.Repeat("é", 10), BodyBytes: 1 << 20, Truncated: true},
	}
	v := &Verdict{Summary: Summarize([]Result{r}), Failed: true,
		Warnings: []Warning{{Code: "empty" + markup, Message: markup}},
		Coverage: &Coverage{Items: []CoverageItem{{Kind: markup, Operation: markup, Name: markup}}}}
	var buf bytes.Buffer
	if err := writeResults(&buf, FormatHTML, v, []Result{r}); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	checkHTMLPage(t, page)
	for _, want := range []string{
		"&lt;script&gt;alert(1)&lt;/script&gt;",
		`\x1b[2J`,
		"\nline two</pre>",
		"The body is cut: its first 64 KiB of 1048576 bytes are shown.",
		`message a\nPASS`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
}

// TestWriteReportHTMLRedacts: a recording that holds secrets fails the
// gate, and its page shows none of them: not the key in Authorization,
// nor a credential-named header's value however short, nor a key in a
// body or a URL.
func TestWriteReportHTMLRedacts(t *testing.T) {
	const short = "tiny-secret"
	cassette := withEdits(t, append(inBody("key "+recordedHexKey),
		edit{"Bearer REDACTED", "Bearer " + recordedKey},
		addHeader(requestHeaders, "X-Api-Key", short),
		addHeader(requestHeaders, "Cookie", "session="+short),
		edit{"/drop\n", "/drop?token=" + short + "#" + recordedKey + "\n"})...)
	p := writeFile(t, t.TempDir(), "leak.yaml", cassette)
	var buf bytes.Buffer
	verdict, err := newTestValidator(t).Gate(context.Background(), &buf, GateOptions{Format: FormatHTML}, p)
	if err != nil {
		t.Fatal(err)
	}
	if !verdict.Failed {
		t.Fatal("the gate passed a recording that holds secrets")
	}
	page := buf.String()
	checkHTMLPage(t, page)
	for _, secret := range []string{recordedKey, recordedHexKey, short} {
		if strings.Contains(page, secret) {
			t.Errorf("the page shows %q", secret)
		}
	}
	for _, want := range []string{"Authorization: Bearer REDACTED\n", "X-Api-Key: REDACTED\n", "Cookie: REDACTED\n", "key REDACTED", "/drop?token=REDACTED#REDACTED"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
}
