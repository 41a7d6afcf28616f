package main

import (
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}, {"-v"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, stdout, stderr := runCLI(t, args...)
			lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
			if code != exitOK || stderr != "" || len(lines) != 3 {
				t.Fatalf("exit %d, stdout %q, stderr %q; want three lines", code, stdout, stderr)
			}
			// go test stamps no version, so the first line says so.
			if lines[0] != "zcdrop "+noVersion && !strings.Contains(lines[0], "(module version)") && !strings.Contains(lines[0], " revision ") {
				t.Errorf("version line %q does not say where its version comes from", lines[0])
			}
			if lines[1] != "openapi.yaml info.version 1.0.0" || lines[2] != "built with "+runtime.Version() {
				t.Errorf("got %q, want the spec's and Go's versions", lines[1:])
			}
		})
	}
	if code, _, stderr := runCLI(t, "version", "extra"); code != exitUsage || !strings.Contains(stderr, "zcdrop version: takes no arguments") {
		t.Errorf("version extra: exit %d, stderr %q", code, stderr)
	}
}

func TestBuildVersion(t *testing.T) {
	vcs := func(modified string) []debug.BuildSetting {
		return []debug.BuildSetting{
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: "0123456789abcdef"},
			{Key: "vcs.time", Value: "2025-06-01T12:00:00Z"},
			{Key: "vcs.modified", Value: modified},
		}
	}
	tests := []struct {
		name string
		info *debug.BuildInfo
		want string
	}{
		{"module version", &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}, "v1.2.3 (module version)"},
		{"pseudo-version from git", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20250601120000-0123456789ab"}, Settings: vcs("false")},
			"v0.0.0-20250601120000-0123456789ab from git revision 0123456789abcdef, committed 2025-06-01T12:00:00Z"},
		{"pseudo-version from git, modified", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20250601120000-0123456789ab+dirty"}, Settings: vcs("true")},
			"v0.0.0-20250601120000-0123456789ab+dirty from git revision 0123456789abcdef, committed 2025-06-01T12:00:00Z, with uncommitted changes"},
		{"vcs stamp", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("false")},
			"(devel) from git revision 0123456789abcdef, committed 2025-06-01T12:00:00Z"},
		{"vcs stamp, modified", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("true")},
			"(devel) from git revision 0123456789abcdef, committed 2025-06-01T12:00:00Z, with uncommitted changes"},
		{"go run", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, noVersion},
		{"no version at all", &debug.BuildInfo{}, noVersion},
		{"no build information", nil, noVersion},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := buildVersion(tt.info); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	if !strings.Contains(noVersion, "built without version information") || !strings.Contains(noVersion, "go run") {
		t.Errorf("%q does not say plainly why there is no version", noVersion)
	}
}
