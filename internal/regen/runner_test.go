package regen

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
)

// helperExit, set in the environment, makes the test binary a tool for
// ExecRunner to run: it prints on both streams and exits with that code.
const helperExit = "ZCDROP_REGEN_TEST_EXIT"

func TestMain(m *testing.M) {
	if code, ok := os.LookupEnv(helperExit); ok {
		fmt.Print("out")
		fmt.Fprint(os.Stderr, "err")
		n, _ := strconv.Atoi(code)
		os.Exit(n)
	}
	os.Exit(m.Run())
}

// TestExecRunner: a tool that exits non-zero ran, and says so by its exit
// code; one that cannot run, or is stopped, is an error; output beyond the
// bound is cut, and says so.
func TestExecRunner(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name    string
		ctx     context.Context
		cmd     string
		exit    string
		max     int
		want    Result
		wantErr bool
	}{
		{name: "success", ctx: t.Context(), cmd: self, exit: "0", max: 10, want: Result{Stdout: "out", Stderr: "err"}},
		{name: "a failure", ctx: t.Context(), cmd: self, exit: "3", max: 10, want: Result{Stdout: "out", Stderr: "err", ExitCode: 3}},
		{name: "too much output", ctx: t.Context(), cmd: self, exit: "0", max: 2, want: Result{Stdout: "ou\n… (output cut)", Stderr: "er\n… (output cut)", Cut: true}},
		{name: "no such tool", ctx: t.Context(), cmd: "zcdrop-no-such-tool", exit: "0", max: 10, wantErr: true},
		{name: "stopped", ctx: canceled, cmd: self, exit: "0", max: 10, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(helperExit, tt.exit)
			got, err := ExecRunner{MaxOutput: tt.max}.Run(tt.ctx, Command{Dir: t.TempDir(), Name: tt.cmd, Args: []string{"-test.run=^$"}})
			if (err != nil) != tt.wantErr {
				t.Fatalf("error %v, want one: %v", err, tt.wantErr)
			}
			if !tt.wantErr && got != tt.want {
				t.Errorf("Run = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestResultOutput(t *testing.T) {
	for _, tt := range []struct {
		res  Result
		want string
	}{
		{Result{Stdout: "a\n", Stderr: "b\n"}, "a\nb\n"},
		{Result{Stdout: "a", Stderr: "b"}, "a\nb"},
		{Result{Stderr: "b"}, "b"},
		{Result{Stdout: "a"}, "a"},
	} {
		if got := tt.res.output(); got != tt.want {
			t.Errorf("%+v.output() = %q, want %q", tt.res, got, tt.want)
		}
	}
}

func TestCommandString(t *testing.T) {
	if got := (Command{Dir: "/x", Name: "go", Args: []string{"build", "./..."}}).String(); got != "go build ./..." {
		t.Errorf("String() = %q", got)
	}
}

// TestBoundedBuffer keeps what fits, drops the rest, and says so.
func TestBoundedBuffer(t *testing.T) {
	b := boundedBuffer{max: 5}
	for _, p := range []string{"abc", "defg", "h"} {
		if n, err := b.Write([]byte(p)); n != len(p) || err != nil {
			t.Fatalf("Write(%q) = %d, %v; want all of it taken", p, n, err)
		}
	}
	if got := b.String(); got != "abcde\n… (output cut)" {
		t.Errorf("String() = %q", got)
	}
}
