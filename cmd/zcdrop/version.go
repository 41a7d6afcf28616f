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
all three matter when reporting a problem.

"go build" in a git checkout stamps the commit, and the version comes from
git: a tag, or a pseudo-version such as v0.0.0-20260102030405-0123456789ab
(+dirty with uncommitted changes), followed by the revision, its time and
whether the tree was modified. "go install ...@version" stamps the module
version. "go run" and "go build -buildvcs=false" stamp neither, and the
version says so.
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
// comes from: git, else the module version, else neither. Since Go 1.24,
// "go build" in a checkout derives Main.Version from git, so a version is the
// module's only when no VCS stamp comes with it. A nil info is a binary
// without build information.
func buildVersion(info *debug.BuildInfo) string {
	if info == nil {
		return noVersion
	}
	vcs := map[string]string{}
	for _, s := range info.Settings {
		vcs[s.Key] = s.Value
	}
	if rev := vcs["vcs.revision"]; rev != "" {
		stamp := []string{strings.TrimSpace(vcs["vcs"] + " revision " + rev)}
		if t := vcs["vcs.time"]; t != "" {
			stamp = append(stamp, "committed "+t)
		}
		if vcs["vcs.modified"] == "true" {
			stamp = append(stamp, "with uncommitted changes")
		}
		v := info.Main.Version
		if v == "" {
			v = "(devel)"
		}
		return v + " from " + strings.Join(stamp, ", ")
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v + " (module version)"
	}
	return noVersion
}
