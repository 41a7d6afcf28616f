package zcdrop

import "github.com/zcdrop/zcdrop/internal/clock"

// SetClock makes c tell the time and wait on clk, as the tests of this
// package do through its clock field: the hook that the tests of package
// zcdrop_test (fault_test.go, load_test.go) need to run a Client against
// the reference mock on a fake clock. Set it before c is used.
func SetClock(c *Client, clk clock.Clock) { c.clock = clk }
