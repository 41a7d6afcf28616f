package main

import (
	"context"
	"fmt"
	"io"
)

// runSpecRegen is "zcdrop spec regen". PLACEHOLDER: being built (issue 9).
func runSpecRegen(_ context.Context, _ []string, _, stderr io.Writer) int {
	fmt.Fprintln(stderr, "zcdrop spec regen: not built yet")
	return exitUsage
}
