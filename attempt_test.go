package zcdrop

import (
	"errors"
	"fmt"
	"net/url"
	"testing"

	"github.com/zcdrop/zcdrop/conformance"
)

// TestLostLeavesSpecViolationsAlone: an answer that an enforcing
// conformance.Transport refused arrived whole, so it is reported as the
// violation it is, never settled through describe as a lost answer, which
// would turn a spec break into a confirmed drop. An answer that broke off
// after the request was sent is lost.
func TestLostLeavesSpecViolationsAlone(t *testing.T) {
	violation := &conformance.ViolationError{Method: "DELETE", URL: "https://h/v2/clusters/in01-a/drop", StatusCode: 200}
	for _, tt := range []struct {
		name string
		f    failure
		want bool
	}{
		{"refused by the gate", failure{err: &url.Error{Op: "Delete", URL: violation.URL, Err: violation}, noAnswer: true, sent: true, refused: true}, false},
		{"wrapped again", failure{err: fmt.Errorf("zcdrop: drop cluster in01-a: %w", &url.Error{Op: "Delete", Err: violation}), noAnswer: true, sent: true}, false},
		{"broke off after sending", failure{err: errors.New("unexpected EOF"), noAnswer: true, sent: true}, true},
		{"never sent", failure{err: errors.New("connection refused"), noAnswer: true}, false},
		{"a 2XX not understood", failure{err: &UnexpectedResponseError{StatusCode: 200}, status: 200}, true},
	} {
		if got := tt.f.lost(); got != tt.want {
			t.Errorf("%s: lost() = %v, want %v", tt.name, got, tt.want)
		}
	}
}
