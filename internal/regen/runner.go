package regen

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"strings"
)

// Command is one run of a tool, in a directory.
type Command struct {
	Dir  string
	Name string
	Args []string
}

// String is the command as a shell would show it, for the progress lines.
func (c Command) String() string {
	return strings.Join(append([]string{c.Name}, c.Args...), " ")
}

// Result is what a command that ran printed, and how it exited.
type Result struct {
	// Stdout and Stderr are what the command printed on each, at most a
	// runner's bound, and then "\n… (output cut)".
	Stdout, Stderr string
	// ExitCode is the command's exit status: 0 for success.
	ExitCode int
	// Cut reports whether some output was dropped to keep within the
	// bound.
	Cut bool
}

// output is what the command printed on both, stdout first: the lines that
// a failing step shows.
func (r Result) output() string {
	if r.Stderr == "" {
		return r.Stdout
	}
	if r.Stdout == "" || strings.HasSuffix(r.Stdout, "\n") {
		return r.Stdout + r.Stderr
	}
	return r.Stdout + "\n" + r.Stderr
}

// Runner runs the tools that a cycle needs (go, git and the CLI built from
// the regenerated tree). Tests give each step a fake one, so that every
// verdict can be reached without running go.
type Runner interface {
	// Run runs c and returns what it printed and its exit status. The
	// error is for a command that could not run to its end: not found,
	// killed, or stopped with ctx; a command that exits non-zero returns a
	// Result with its ExitCode and a nil error.
	Run(ctx context.Context, c Command) (Result, error)
}

// ExecRunner is the Runner that runs commands as processes.
type ExecRunner struct {
	// MaxOutput bounds what is kept of each of stdout and stderr.
	MaxOutput int
}

// Run runs c with os/exec.
func (e ExecRunner) Run(ctx context.Context, c Command) (Result, error) {
	cmd := exec.CommandContext(ctx, c.Name, c.Args...)
	cmd.Dir = c.Dir
	stdout := &boundedBuffer{max: e.MaxOutput}
	stderr := &boundedBuffer{max: e.MaxOutput}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	err := cmd.Run()
	res := Result{Stdout: stdout.String(), Stderr: stderr.String(), Cut: stdout.dropped || stderr.dropped}
	var exit *exec.ExitError
	// A process killed by a signal (ctx's, say) has exit code -1: it did
	// not finish, and says nothing about what it checked.
	if errors.As(err, &exit) && exit.ExitCode() >= 0 && ctx.Err() == nil {
		res.ExitCode = exit.ExitCode()
		return res, nil
	}
	return res, err
}

// boundedBuffer keeps the first max bytes written to it and drops the rest,
// saying so. It holds its bytes.Buffer in a field rather than embedding it:
// an embedded one's ReadFrom would be promoted, and io.Copy (which os/exec
// uses for a writer that is not a file) would call it and bypass the bound.
type boundedBuffer struct {
	buf     bytes.Buffer
	max     int
	dropped bool
}

func (b *boundedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.buf.Len(); len(p) > room {
		b.dropped = true
		b.buf.Write(p[:max(room, 0)])
		return len(p), nil
	}
	return b.buf.Write(p)
}

func (b *boundedBuffer) String() string {
	if b.dropped {
		return b.buf.String() + "\n… (output cut)"
	}
	return b.buf.String()
}
