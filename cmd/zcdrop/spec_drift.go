package main

import (
	"context"
	"fmt"
	"io"
)

// runSpecDrift is "zcdrop spec drift". PLACEHOLDER: being built (issue 9).
func runSpecDrift(_ context.Context, _ []string, _, stderr io.Writer) int {
	fmt.Fprintln(stderr, "zcdrop spec drift: not built yet")
	return exitUsage
}
