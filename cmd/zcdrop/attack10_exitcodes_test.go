package main

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestExitCodesAreTheDocumented: each exit code has the number that the
// help texts and the README's table promise to scripts. The other tests
// compare exits with the constants, and the help tests look for the
// numbers as text, so exitTimeout could become 7 with every test passing
// while --help and the README still said 6.
func TestExitCodesAreTheDocumented(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name      string
		got, want int
	}{
		{"exitOK", exitOK, 0},
		{"exitFailed", exitFailed, 1},
		{"exitUsage", exitUsage, 2},
		{"exitNotFound", exitNotFound, 3},
		{"exitAuth", exitAuth, 4},
		{"exitNetwork", exitNetwork, 5},
		{"exitTimeout", exitTimeout, 6},
		{"exitInterrupted", exitInterrupted, 130},
	} {
		if tt.got != tt.want {
			t.Errorf("%s = %d, but the help and the README say %d", tt.name, tt.got, tt.want)
		}
		if row := fmt.Sprintf("\n| %d | ", tt.want); !strings.Contains(string(readme), row) {
			t.Errorf("the README's table of exit codes has no row for %d (%s)", tt.want, tt.name)
		}
	}
}
