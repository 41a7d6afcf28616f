package regen

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// mock runs the reference mock's scenarios (zcdrop selftest) with the CLI
// built from the regenerated tree, and names the handler whose answers
// disagree, with each reason once.
func (c Config) mock(ctx context.Context, built bool) step {
	s := step{name: "mock"}
	if !built {
		s.verdict, s.about = verdictNotRun, "nothing was built to run it"
		return s
	}
	res, err := c.run(ctx, c.cli, "selftest")
	if err == nil && res.ExitCode == 0 {
		s.verdict, s.about = verdictOK, "the reference mock's answers conform in every scenario"
		return s
	}
	s.verdict = verdictFail
	s.about = "the reference mock's answers disagree with the spec:"
	if err == nil {
		handler := mockHandlerLocation(c.Dir)
		for _, l := range lines(res.output(), 200) {
			_, why, ok := strings.Cut(l, "breaks the spec: ")
			if !ok {
				continue
			}
			// The client's line and the CLI's (a JSON error report) say
			// the same; the JSON string ends at its closing quote.
			why, _, _ = strings.Cut(why, `","`)
			entry := handler + ": " + why
			if !slices.Contains(s.lines, entry) {
				s.lines = append(s.lines, entry)
			}
		}
	}
	if len(s.lines) == 0 {
		s.about = "zcdrop selftest failed: " + failed(res, err)
		s.lines = lines(res.output(), 20)
	}
	return s
}

// mockHandlerLocation is file:line of the reference mock's DropCluster
// handler, whose answers the scenarios check, or "mock/" when the source
// cannot say.
func mockHandlerLocation(dir string) string {
	fset := token.NewFileSet()
	pkgDir := filepath.Join(dir, "mock")
	entries, err := os.ReadDir(pkgDir)
	if err != nil {
		return "mock/"
	}
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(pkgDir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		for _, d := range f.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv != nil && fn.Name.Name == "DropCluster" {
				return fmt.Sprintf("mock/%s:%d (DropCluster)", name, fset.Position(fn.Pos()).Line)
			}
		}
	}
	return "mock/"
}
