package main

import (
	"context"
	"fmt"
	"io"
)

// runSpecLint is "zcdrop spec lint". PLACEHOLDER: being built (issue 9).
func runSpecLint(_ context.Context, _ []string, _, stderr io.Writer) int {
	fmt.Fprintln(stderr, "zcdrop spec lint: not built yet")
	return exitUsage
}
