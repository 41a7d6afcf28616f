package conformance

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromium returns the Chromium to drive: Debian's, or one on PATH; ""
// when there is none.
func chromium() string {
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestHTMLReportRendersInABrowser opens the HTML report, from a file as a
// CI artifact is opened, in a headless Chromium, and reads what a person
// would see: the verdict, styled by the page's inline style (which its
// Content-Security-Policy allows), the summary, the findings at their
// file:line, links that land on their interactions, and each failing
// interaction's exchange, redacted.
func TestHTMLReportRendersInABrowser(t *testing.T) {
	browser := chromium()
	if browser == "" {
		t.Skip("no Chromium to render the HTML report in: install Debian's (apt-get install -y chromium), or put chromium on PATH")
	}
	results, err := newTestValidator(t).CheckCassettes(context.Background(), goldenInput...)
	if err != nil {
		t.Fatal(err)
	}
	var page bytes.Buffer
	if err := WriteReport(&page, FormatHTML, results); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(file, page.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	// A hang guard, not a speed target: a browser that never answers
	// fails the test instead of the suite's timeout.
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(browser),
		chromedp.Headless,
		chromedp.NoSandbox, // Root in CI containers, where the sandbox cannot start.
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	defer cancelAlloc()
	tab, cancelTab := chromedp.NewContext(alloc)
	defer cancelTab()

	if err := chromedp.Do(tab, chromedp.Navigate("file://"+file)); err != nil {
		t.Fatalf("%s could not open the report: %v", browser, err)
	}
	// What a person sees: innerText, as laid out, after the style.
	got, err := chromedp.Run(tab, chromedp.Evaluate[struct {
		Title        string `json:"title"`
		Verdict      string `json:"verdict"`
		Summary      string `json:"summary"`
		Findings     string `json:"findings"`
		Request      string `json:"request"`
		Response     string `json:"response"`
		Color        string `json:"color"`
		Interactions int    `json:"interactions"`
		LinksLand    bool   `json:"linksLand"`
	}](`(() => {
		const text = s => document.querySelector(s).innerText;
		return {
			title: document.title,
			verdict: text("#verdict"),
			summary: text("#summary"),
			findings: text("#findings"),
			request: text("#r4 details:nth-of-type(1) pre"),
			response: text("#r1 details:nth-of-type(2) pre"),
			color: getComputedStyle(document.getElementById("verdict")).backgroundColor,
			interactions: document.querySelectorAll("section.interaction").length,
			linksLand: [...document.querySelectorAll("#findings a")].every(a => a.hash.length > 1 && document.getElementById(a.hash.slice(1)) !== null),
		};
	})()`))
	if err != nil {
		t.Fatalf("%s could not render the report: %v", browser, err)
	}
	title, verdict, summary, color := got.Title, got.Verdict, got.Summary, got.Color
	findings, request, response := got.Findings, got.Request, got.Response
	interactions, linkLands := got.Interactions, got.LinksLand
	for _, c := range []struct{ what, got, want string }{
		{"title", title, "zcdrop conformance: failed"},
		{"verdict", verdict, "FAILED"},
		{"summary", summary, "5 interactions: 1 passed, 4 failed"},
		{"verdict's colour", color, "rgb(207, 34, 46)"},
	} {
		if c.got != c.want {
			t.Errorf("%s %q, want %q", c.what, c.got, c.want)
		}
	}
	for _, want := range []string{
		"testdata/negative/html-on-200.yaml:29",
		"testdata/negative/describe-html-on-200.yaml:30",
		`"text/html" is not declared for status 200 (declared: application/json)`,
		"testdata/negative/wrong-method-post.yaml:21",
		"method POST is not allowed",
	} {
		if !strings.Contains(findings, want) {
			t.Errorf("the findings shown lack %q:\n%s", want, findings)
		}
	}
	if interactions != 4 || !linkLands {
		t.Errorf("%d failing interactions shown, links land on them: %v; want 4 and true", interactions, linkLands)
	}
	if !strings.Contains(request, "Cookie: REDACTED") || !strings.Contains(request, "Authorization: Bearer REDACTED") {
		t.Errorf("the request shown:\n%s\nwant its Cookie and Authorization redacted", request)
	}
	if !strings.Contains(response, "<html><body>OK</body></html>") {
		t.Errorf("the response shown:\n%s\nwant its HTML body as text", response)
	}
}
