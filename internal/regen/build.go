package regen

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/zcdrop/zcdrop/internal/regularfile"
	"github.com/zcdrop/zcdrop/internal/speclint"
)

// maxSpecBytes caps openapi.yaml, as the CLI's --spec does: 4 MiB, some
// fifty times the real one.
const maxSpecBytes = 4 << 20

// maxConfigBytes caps api/oapi-codegen.yaml: 1 MiB, a thousand times the
// real one.
const maxConfigBytes = 1 << 20

// readBounded reads the regular file at path within limit. Its errors
// follow the file's name.
func readBounded(path string, limit int64) ([]byte, error) {
	data, err := regularfile.Read(path, limit)
	var tooLarge *regularfile.TooLargeError
	var pe *fs.PathError
	switch {
	case errors.As(err, &tooLarge):
		return nil, fmt.Errorf("%s: is larger than %d bytes", path, limit)
	case errors.As(err, &pe):
		return nil, fmt.Errorf("%s: %w", path, pe.Err)
	case err != nil:
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return data, nil
}

// lint runs spec lint on openapi.yaml: the examples that disagree with the
// spec are named here, each with its line.
func (c Config) lint(ctx context.Context) step {
	s := step{name: "spec lint"}
	data, err := readBounded(filepath.Join(c.Dir, "openapi.yaml"), maxSpecBytes)
	if err != nil {
		s.verdict, s.about = verdictFail, err.Error()
		return s
	}
	problems, err := speclint.Lint(ctx, "openapi.yaml", data, c.Lint)
	if err != nil {
		s.verdict, s.about = verdictFail, err.Error()
		return s
	}
	if len(problems) == 0 {
		s.verdict, s.about = verdictOK, fmt.Sprintf("openapi.yaml breaks none of the %d rules", len(speclint.Rules()))
		return s
	}
	s.verdict, s.about = verdictFail, fmt.Sprintf("%d problem(s) in openapi.yaml:", len(problems))
	for _, p := range problems {
		s.lines = append(s.lines, fmt.Sprintf("%s:%d:%d: %s %s: %s", p.File, p.Line, p.Column, p.Severity, p.Rule, p.Message))
	}
	return s
}

// failed is why a command did not succeed, in a few words: that it could
// not run, or its exit status.
func failed(res Result, err error) string {
	if err != nil {
		return err.Error()
	}
	return fmt.Sprintf("exit status %d", res.ExitCode)
}

// generate runs go generate, then says which files of api/ differ from the
// base revision.
func (c Config) generate(ctx context.Context) step {
	s := step{name: "go generate"}
	res, err := c.run(ctx, "go", "generate", "./...")
	if err != nil || res.ExitCode != 0 {
		s.verdict, s.about, s.lines = verdictFail, "api/ could not be generated: "+failed(res, err), lines(res.output(), 20)
		return s
	}
	s.verdict = verdictOK
	res, err = c.run(ctx, "git", "diff", "--numstat", c.Base, "--", "api/")
	if err != nil || res.ExitCode != 0 {
		s.about = "api/ regenerated; git cannot say what changed against " + c.Base + ": " + failed(res, err)
		s.lines = lines(res.Stderr, 3)
		return s
	}
	files := lines(res.Stdout, 50)
	if len(files) == 0 {
		s.about = "api/ regenerated, and is the same as at " + c.Base
		return s
	}
	s.about = fmt.Sprintf("api/ regenerated: %d file(s) differ from %s", len(files), c.Base)
	for _, f := range files {
		// numstat's line is "added<TAB>deleted<TAB>path".
		if add, rest, ok := strings.Cut(f, "\t"); ok {
			if del, name, ok := strings.Cut(rest, "\t"); ok {
				f = fmt.Sprintf("%s (+%s -%s)", name, add, del)
			}
		}
		s.lines = append(s.lines, f)
	}
	return s
}

// build builds every package, then the CLI as the tree now is, to c.cli,
// for the gate and the mock. The compiler's lines are kept: they name the
// sites that a regeneration broke.
func (c Config) build(ctx context.Context, generated bool) step {
	s := step{name: "go build"}
	if !generated {
		s.verdict, s.about = verdictNotRun, "api/ was not generated"
		return s
	}
	if res, err := c.run(ctx, "go", "build", "./..."); err != nil || res.ExitCode != 0 {
		s.verdict = verdictFail
		s.about = "the tree does not compile against the regenerated api/; these are the sites that break:"
		if err != nil {
			s.about = "go build could not run: " + err.Error()
		}
		s.lines = lines(res.output(), 20)
		return s
	}
	if res, err := c.run(ctx, "go", "build", "-o", c.cli, "./cmd/zcdrop"); err != nil || res.ExitCode != 0 {
		s.verdict, s.about, s.lines = verdictFail, "the CLI does not build: "+failed(res, err), lines(res.output(), 20)
		return s
	}
	s.verdict, s.about = verdictOK, "every package compiles against the regenerated api/"
	return s
}
