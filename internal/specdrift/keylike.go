package specdrift

import "github.com/zcdrop/zcdrop/internal/redact"

// A recording that was never redacted, or was written by hand, may carry a
// key where drift quotes what it read: a message that echoes it, a
// member's or a header's name, a request ID, a method. Drift quotes none:
// what looks like a key is masked where it is read, by the rule the gate
// uses to find a credential in a recording (redact.HasKeyToken), with
// redact.MaskKeyTokens, MaskKeyName and MaskKeyPointer, so that neither a
// report, in any format, nor a proposed patch carries one.

// maskID returns a request ID, or redact.Placeholder when it holds a random
// key. Request IDs are often 32 hexadecimal digits or more, so, as the gate
// does for a header that holds an ID, only the random-key rule applies.
func maskID(id string) string {
	if redact.HasRandomToken(id) {
		return redact.Placeholder
	}
	return id
}
