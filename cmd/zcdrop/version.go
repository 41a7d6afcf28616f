package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/zcdrop/zcdrop/api"
)

var versionHelp = help{
	usage: "zcdrop version   (or zcdrop --version, zcdrop -v)",
	description: `Prints zcdrop's version and where it comes from, the version of openapi.yaml
that the client was generated from, and the Go version it was built with;
all three matter when reporting a problem. The version is the module version
when zcdrop was installed with "go install ...@version", else the VCS
revision stamped by "go build" in a checkout; "go run" and -buildvcs=false
stamp neither, and the version says so.
`,
	exitCodes: `  0  printed
  1  the embedded spec is unreadable (a broken build)
  2  usage error
`,
}

// runVersion is "zcdrop version", "zcdrop --version" and "zcdrop -v".
func runVersion(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("version", versionHelp, stderr)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() != 0 {
		printError(stderr, "version", "takes no arguments, got %q", fs.Args())
		return exitUsage
	}
	spec, err := api.GetSpec()
	if err != nil {
		printError(stderr, "version", "read embedded spec: %v", err)
		return exitFailed
	}
	info, _ := debug.ReadBuildInfo()
	fmt.Fprintf(stdout, "zcdrop %s\nopenapi.yaml info.version %s\nbuilt with %s\n", buildVersion(info), spec.Info.Version, runtime.Version())
	return exitOK
}

// noVersion is what buildVersion says of a binary without a version: one
// built with "go run", with -buildvcs=false or outside a checkout.
const noVersion = `(devel): built without version information ("go run", "go build -buildvcs=false" and builds outside a VCS checkout stamp none)`

// buildVersion says which version info describes, and where that version
// comes from: the module version, else the VCS stamp, else neither. A nil
// info is a binary without build information.
func buildVersion(info *debug.BuildInfo) string {
	if info == nil {
		return noVersion
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v + " (module version)"
	}
	vcs := map[string]string{}
	for _, s := range info.Settings {
		vcs[s.Key] = s.Value
	}
	rev := vcs["vcs.revision"]
	if rev == "" {
		return noVersion
	}
	stamp := []string{strings.TrimSpace(vcs["vcs"] + " revision " + rev)}
	if t := vcs["vcs.time"]; t != "" {
		stamp = append(stamp, "committed "+t)
	}
	if vcs["vcs.modified"] == "true" {
		stamp = append(stamp, "with uncommitted changes")
	}
	return "(devel) from " + strings.Join(stamp, ", ")
}
