package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConformanceGateOptions: --coverage, --min-coverage, --strict and
// --ignore-undeclared change the exit code and say why on stderr, as
// --help promises; a --min-coverage that is no percentage is a usage
// error.
func TestConformanceGateOptions(t *testing.T) {
	only401 := shippedCorpus + "/unauthorized-21119.yaml"
	dir := t.TempDir()
	undeclared := filepath.Join(dir, "undeclared.yaml")
	data, err := os.ReadFile(shippedCorpus + "/drop-dedicated.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(undeclared, []byte(strings.ReplaceAll(string(data), "/v2/clusters/in01-6183d6bac30f801/drop", "/static/app.js")), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		args       []string
		code       int
		stdout     string // a part of it
		stderr     string // a part of it; "" for nothing
		noStderrOn bool
	}{
		{"coverage", []string{"--coverage", shippedCorpus}, exitOK, "spec items exercised", "", true},
		{"coverage below the minimum", []string{"--min-coverage", "99.5", shippedCorpus}, exitFailed, "\nfailed: coverage 46.4% is below the minimum of 99.5%\n",
			"zcdrop conformance: failed: coverage 46.4% is below the minimum of 99.5% (--min-coverage)", false},
		{"coverage below the minimum, on GitHub", []string{"--format", "github", "--min-coverage", "99.5", shippedCorpus}, exitFailed,
			"::error title=zcdrop conformance%3A coverage::coverage 46.4%25 is below the minimum of 99.5%25", "", false},
		{"a warning under --strict, in JSON", []string{"--format", "json", "--strict", shippedCorpus + "/unauthorized-21119.yaml"}, exitFailed,
			`"reasons": [`, "", false},
		{"coverage at the minimum", []string{"--min-coverage", "1", shippedCorpus}, exitOK, "", "", true},
		{"not a percentage", []string{"--min-coverage", "101", shippedCorpus}, exitUsage, "", `invalid value "101" for flag -min-coverage: "101" is not a percentage from 0 to 100`, false},
		{"NaN", []string{"--min-coverage", "NaN", shippedCorpus}, exitUsage, "", "is not a percentage", false},
		{"a percent sign", []string{"--min-coverage", "40%", shippedCorpus}, exitOK, "at least the minimum of 40%", "", true},
		{"a warning passes", []string{only401}, exitOK, "", "zcdrop conformance: warning: the one interaction was answered HTTP 401", false},
		{"a warning fails under --strict", []string{"--strict", only401}, exitFailed, "", "(--strict fails the gate on it)", false},
		{"undeclared fails", []string{undeclared}, exitFailed, "no operation in the spec matches path /static/app.js", "", false},
		{"undeclared is a notice", []string{"--ignore-undeclared", undeclared}, exitOK, "notice", "warning: the one interaction is not an exchange of an operation that the spec declares", false},
		{"undeclared is a notice, and a warning under --strict", []string{"--strict", "--ignore-undeclared", undeclared}, exitFailed, "notice", "(--strict fails the gate on it)", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, append([]string{"conformance"}, tt.args...)...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr: %s", code, tt.code, stderr)
			}
			if !strings.Contains(stdout, tt.stdout) {
				t.Errorf("stdout lacks %q:\n%s", tt.stdout, stdout)
			}
			if tt.noStderrOn && stderr != "" || !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr %q, want %q", stderr, tt.stderr)
			}
		})
	}
}
