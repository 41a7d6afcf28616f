package main

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/zcdrop/zcdrop"
)

// TestLiveStatusLineStaysOneLine: a status as long as the server cares to
// send (up to the client's 1 MiB cap on a body) is shortened in the live
// line, which must fit on one row of the terminal to be redrawn in place
// ("\r\x1b[2K" erases one row only), and in the line per change, so that a
// hostile server cannot flood the terminal each second.
func TestLiveStatusLineStaysOneLine(t *testing.T) {
	for _, long := range []string{strings.Repeat("Z", 100_000), strings.Repeat("\x1b[2J", 20_000), strings.Repeat("日本", 20_000)} {
		for _, live := range []bool{true, false} {
			var out bytes.Buffer
			clock := time.Unix(0, 0)
			l := newStatusLine(&out, seededDedicated, live, func() time.Time { return clock })
			l.change(zcdrop.StatusChange{ClusterID: seededDedicated, Status: zcdrop.ClusterStatus(long), Unknown: true, Poll: 1})
			if !utf8.ValidString(out.String()) || hasRawControl(strings.ReplaceAll(out.String(), eraseLine, "")) {
				t.Errorf("live %v: %.120q... is not valid UTF-8, or acts on the terminal", live, out.String())
			}
			for i, line := range strings.Split(strings.ReplaceAll(out.String(), eraseLine, "\n"), "\n") {
				if len(line) > 200 {
					t.Errorf("live %v: line %d is %d bytes long: %.120q...", live, i, len(line), line)
				}
			}
		}
	}
}

// TestLiveStatusLineFitsTheTerminal: on a terminal 80 columns wide, the
// live line of a status that openapi.yaml does not list ("ARCHIVING (a
// status openapi.yaml does not list; still waiting) (12s)", after the
// cluster ID) took 113 columns and wrapped, and "\r\x1b[2K" then took back
// only its last row, leaving a row behind at each redraw, once a second.
// Each drawn line must be shorter than the terminal is wide, and keep the
// time spent.
func TestLiveStatusLineFitsTheTerminal(t *testing.T) {
	for _, width := range []int{80, 40, 10} {
		orig := terminalWidth
		terminalWidth = func(io.Writer) int { return width }
		var out bytes.Buffer
		start := time.Unix(0, 0)
		l := newStatusLine(&out, seededDedicated, true, func() time.Time { return start.Add(12 * time.Second) })
		for _, status := range []string{"ARCHIVING", "DELETING", strings.Repeat("日本", 100)} {
			l.change(zcdrop.StatusChange{ClusterID: seededDedicated, Status: zcdrop.ClusterStatus(status), Unknown: status != "DELETING", Poll: 1})
		}
		terminalWidth = orig
		for i, line := range strings.Split(out.String(), eraseLine)[1:] {
			if len(line) >= width || !utf8.ValidString(line) || (width >= 40 && !strings.HasSuffix(line, " (0s)")) {
				t.Errorf("width %d: line %d is %d bytes, or not valid UTF-8, or without the time spent: %q", width, i, len(line), line)
			}
		}
	}
}
