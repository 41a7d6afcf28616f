package main

import (
	"context"
	"fmt"
	"io"
)

// runSpecDiff is "zcdrop spec diff". PLACEHOLDER: being built (issue 9).
func runSpecDiff(_ context.Context, _ []string, _, stderr io.Writer) int {
	fmt.Fprintln(stderr, "zcdrop spec diff: not built yet")
	return exitUsage
}
