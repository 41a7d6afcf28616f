package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/term"

	"github.com/zcdrop/zcdrop"
	"github.com/zcdrop/zcdrop/internal/termsafe"
)

// waitPolling is what drop --wait asks of WaitDropped besides its
// callback: nothing, so that the client's defaults hold (half a second,
// doubling to 10 seconds, jittered). Tests poll faster, so that they do not
// wait for real.
var waitPolling []zcdrop.WaitOption

// isLiveTerminal reports whether w, drop's stderr, is a terminal that can
// redraw a line in place: not a pipe, a file or /dev/null, nor a terminal
// that calls itself dumb. Tests replace it.
var isLiveTerminal = func(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd())) && os.Getenv("TERM") != "dumb"
}

// terminalWidth is the width in columns of w, drop's stderr, when it is a
// terminal that says, and 0 otherwise. Tests replace it.
var terminalWidth = func(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok {
		return 0
	}
	width, _, err := term.GetSize(int(f.Fd()))
	if err != nil {
		return 0
	}
	return width
}

// liveRedraw is how often the live status line redraws its elapsed time
// between changes.
const liveRedraw = time.Second

// eraseLine returns the cursor to the start of the line and erases it.
const eraseLine = "\r\x1b[2K"

// waitFor waits until the dropped cluster id is gone, showing its
// progress on out.stderr: a live line on a terminal; otherwise one line
// per status change, or nothing with --output json, whose one document on
// stdout says it all.
func waitFor(ctx context.Context, client *zcdrop.Client, id string, out *dropOutput) (*zcdrop.WaitResult, error) {
	live := isLiveTerminal(out.stderr)
	if out.json && !live {
		return client.WaitDropped(ctx, id, waitPolling...)
	}
	line := newStatusLine(out.stderr, id, live, time.Now)
	opts := append(slices.Clone(waitPolling), zcdrop.WithStatusCallback(line.change))
	if !live {
		return client.WaitDropped(ctx, id, opts...)
	}
	ticker := time.NewTicker(liveRedraw)
	defer ticker.Stop()
	stop := line.redrawOn(ticker.C)
	res, err := client.WaitDropped(ctx, id, opts...)
	stop()
	line.erase()
	return res, err
}

// statusLine shows a wait's progress: on a terminal (live), one line that
// redraws itself with the status and the time spent; otherwise, one line
// per status change. It is safe for the redrawing goroutine and the
// wait's callback at once.
type statusLine struct {
	mu     sync.Mutex
	w      io.Writer
	id     string
	live   bool
	now    func() time.Time
	start  time.Time
	status string // as shown: escaped; "" before the first poll answers
	drawn  bool   // a live line is on the screen
	width  int    // the terminal's columns, for a live line; 0 when unknown
}

func newStatusLine(w io.Writer, id string, live bool, now func() time.Time) *statusLine {
	l := &statusLine{w: w, id: termsafe.String(id), live: live, now: now, start: now()}
	if live {
		l.width = terminalWidth(w)
		l.mu.Lock()
		l.draw()
		l.mu.Unlock()
	}
	return l
}

// change is WaitDropped's status callback.
func (l *statusLine) change(ch zcdrop.StatusChange) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.status = shownStatus(ch)
	if l.live {
		l.draw()
		return
	}
	fmt.Fprintf(l.w, "cluster %s: %s after %s\n", l.id, l.status, ch.Elapsed.Round(100*time.Millisecond))
}

// shownStatus is a change's status as a line shows it, escaped, since the
// server chose it, and shortened to maxShownStatus bytes.
func shownStatus(ch zcdrop.StatusChange) string {
	switch {
	case ch.NotFound:
		return "not found"
	case ch.Unknown:
		return shortened(termsafe.String(string(ch.Status)), maxShownStatus) + " (a status openapi.yaml does not list; still waiting)"
	}
	return shortened(termsafe.String(string(ch.Status)), maxShownStatus)
}

// maxShownStatus is the most of a status that a line of progress shows.
// The known statuses are under 10 bytes; a server may send one of up to
// the client's 1 MiB cap on a body, which the live line would redraw each
// second, and which no row of a terminal holds: "\r\x1b[2K" erases one
// row only.
const maxShownStatus = 64

// shortened is s, escaped already, cut to at most limit bytes at a rune's
// start, ending in "..." when it was cut and there is room for it.
func shortened(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	dots := "..."
	if limit < 2*len(dots) {
		dots = ""
	}
	n := max(0, limit-len(dots))
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + dots
}

// draw redraws the live line; l.mu is held. On a terminal of known width,
// the line is cut to fit one row, from the end of the status, so that the
// time spent stays: "\r\x1b[2K" erases one row only, and a line that
// wrapped would leave a row behind at each redraw.
func (l *statusLine) draw() {
	text := "waiting for cluster " + l.id + " to go"
	if l.status != "" {
		text += ": " + l.status
	}
	elapsed := fmt.Sprintf(" (%s)", l.now().Sub(l.start).Round(time.Second))
	if l.width > 0 {
		// A byte takes a column at most, so that bytes count safely.
		text = shortened(text, l.width-1-len(elapsed))
	}
	fmt.Fprint(l.w, eraseLine+text+elapsed)
	l.drawn = true
}

// redrawOn redraws the live line at each tick, so that the time spent
// moves on between changes, until stop is called; stop returns once the
// last redraw is done.
func (l *statusLine) redrawOn(ticks <-chan time.Time) (stop func()) {
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		for {
			select {
			case <-done:
				return
			case <-ticks:
				l.mu.Lock()
				l.draw()
				l.mu.Unlock()
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}

// erase takes the live line off the screen, so that what is printed next
// (the verdict) starts on a clean line.
func (l *statusLine) erase() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.drawn {
		fmt.Fprint(l.w, eraseLine)
		l.drawn = false
	}
}
