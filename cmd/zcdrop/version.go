package main

import (
	"fmt"
	"io"
	"runtime/debug"

	"github.com/zcdrop/zcdrop/api"
)

// runVersion prints the module's version and the version of the spec that
// the client was generated from; both matter when reporting a problem.
func runVersion(stdout, stderr io.Writer) int {
	module := "(devel)"
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		module = info.Main.Version
	}
	spec, err := api.GetSpec()
	if err != nil {
		fmt.Fprintf(stderr, "zcdrop: read embedded spec: %v\n", err)
		return exitFailed
	}
	fmt.Fprintf(stdout, "zcdrop %s (openapi.yaml info.version %s)\n", module, spec.Info.Version)
	return exitOK
}
