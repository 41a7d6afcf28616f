package main

import (
	"bytes"
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
