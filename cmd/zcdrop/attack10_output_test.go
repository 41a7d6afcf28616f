package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/zcdrop/zcdrop"
)

// TestRetriedFailureSaysItsAttemptsOnce: a describe whose every attempt
// broke off mid-body gives up after 3 attempts, and the line of text says
// so once, with no package prefix in the middle; so does the note that a
// drop's lost answer gets when describe fails too. The *RetryError's own
// words ("zcdrop: giving up after 3 attempts: zcdrop: describe ...") were
// taken for the message, and the attempts then added in front again.
func TestRetriedFailureSaysItsAttemptsOnce(t *testing.T) {
	const id = seededDedicated
	// What DescribeCluster returns when every attempt's body broke off.
	describeErr := &zcdrop.RetryError{Attempts: 3, Err: fmt.Errorf("zcdrop: describe cluster %s: reading the answer (http 200) failed: %w", id, io.ErrUnexpectedEOF)}
	lost := &zcdrop.LostAnswerError{ClusterID: id, Err: fmt.Errorf("zcdrop: drop cluster %s: reading the answer (http 200) failed: %w", id, io.ErrUnexpectedEOF), DescribeErr: describeErr}
	tests := []struct {
		name   string
		report failureReport
		want   string
	}{
		{name: "describe", report: describeFailure(describeErr, id),
			want: "zcdrop describe: giving up after 3 attempts: describe cluster " + id + ": reading the answer (http 200) failed: unexpected EOF\n"},
		{name: "drop, then describe", report: classify(lost, id),
			want: "zcdrop describe: drop cluster " + id + ": reading the answer (http 200) failed: unexpected EOF; whether the drop happened is unknown: describe failed too: giving up after 3 attempts: describe cluster " + id + ": reading the answer (http 200) failed: unexpected EOF\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			out := &dropOutput{cmd: "describe", stdout: io.Discard, stderr: &stderr}
			if code := out.report(tt.report); code != exitNetwork {
				t.Errorf("exit %d, want %d", code, exitNetwork)
			}
			if line, _, _ := strings.Cut(stderr.String(), "hint: "); line != tt.want {
				t.Errorf("got  %q\nwant %q", line, tt.want)
			}
		})
	}
}
