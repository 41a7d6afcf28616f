package specdiff

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/exp/apidiff"
	"golang.org/x/tools/go/packages"
)

// GoAPIChange is one change to the exported Go API of the generated
// package, as apidiff describes it.
type GoAPIChange struct {
	// Severity is ERR for a change that can break a program that imports
	// the package (apidiff's "incompatible"), and INFO for the rest.
	Severity Severity `json:"severity"`
	// Name is the exported identifier concerned, qualified as apidiff
	// qualifies it ("DropClusterData.Prompt", "(*Client).DropCluster"), or
	// "" for a change to the package as a whole.
	Name string `json:"name,omitempty"`
	// Message says what changed, in apidiff's words: "removed",
	// "changed from *string to string", "added".
	Message string `json:"message"`
}

// TypeCheckError is returned when generated code does not type-check.
type TypeCheckError struct {
	// Name is the spec's name.
	Name string
	// Errors are the first problems the type checker found, one line
	// each.
	Errors []string
}

// Error names the spec and lists the problems.
func (e *TypeCheckError) Error() string {
	return fmt.Sprintf("the Go code generated from %s does not type-check: %s", e.Name, strings.Join(e.Errors, "; "))
}

// maxTypeErrors is how many type errors a TypeCheckError keeps: the first
// few say what is wrong, and the rest usually follow from them.
const maxTypeErrors = 5

// Compare generates the Go package from old and from new, type-checks both
// as g.PackagePath, and returns apidiff's changes from the one to the
// other, in apidiff's order: incompatible ones, as ERR, then compatible
// ones, as INFO.
// Its errors are a *LoadError, a *GenerateError, a *TypeCheckError, or the
// go command's failure to load the packages the generated code imports.
func (g Generator) Compare(ctx context.Context, old, new Input) ([]GoAPIChange, error) {
	oldCode, err := g.Generate(ctx, old)
	if err != nil {
		return nil, err
	}
	newCode, err := g.Generate(ctx, new)
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	oldFile, err := parser.ParseFile(fset, old.Spec.Name+" (generated)", oldCode, parser.SkipObjectResolution)
	if err != nil {
		return nil, &TypeCheckError{Name: old.Spec.Name, Errors: []string{err.Error()}}
	}
	newFile, err := parser.ParseFile(fset, new.Spec.Name+" (generated)", newCode, parser.SkipObjectResolution)
	if err != nil {
		return nil, &TypeCheckError{Name: new.Spec.Name, Errors: []string{err.Error()}}
	}
	// One load serves both: the two packages then share the types of what
	// they import, as two versions of one package in one program would.
	imported, err := g.loadImports(ctx, oldFile, newFile)
	if err != nil {
		return nil, err
	}
	oldPkg, err := g.typeCheck(fset, old.Spec.Name, oldFile, imported)
	if err != nil {
		return nil, err
	}
	newPkg, err := g.typeCheck(fset, new.Spec.Name, newFile, imported)
	if err != nil {
		return nil, err
	}
	report := apidiff.Changes(oldPkg, newPkg)
	changes := make([]GoAPIChange, 0, len(report.Changes))
	for _, c := range report.Changes {
		change := GoAPIChange{Severity: SeverityInfo, Message: c.Message}
		if !c.Compatible {
			change.Severity = SeverityError
		}
		change.Name, change.Message = splitName(c.Message)
		changes = append(changes, change)
	}
	return changes, nil
}

// splitName splits one of apidiff's messages into the identifier it is
// about and what happened to it: "DropClusterData.Prompt: removed", or
// "ClientInterface.DropCluster, method set of *Client: removed". A message
// that does not start with an identifier keeps its whole text.
func splitName(message string) (name, rest string) {
	end := strings.IndexAny(message, ":, ")
	if end <= 0 || !strings.HasPrefix(message[end:], ": ") && !strings.HasPrefix(message[end:], ", ") {
		return "", message
	}
	return message[:end], message[end+2:]
}

// loadImports returns the packages that files import, type information
// only, from the go command's export data in g.ModuleDir.
func (g Generator) loadImports(ctx context.Context, files ...*ast.File) (map[string]*types.Package, error) {
	var paths []string
	for _, f := range files {
		for _, spec := range f.Imports {
			path, err := strconv.Unquote(spec.Path.Value)
			if err == nil && path != "unsafe" && path != "C" && !slices.Contains(paths, path) {
				paths = append(paths, path)
			}
		}
	}
	imported := map[string]*types.Package{"unsafe": types.Unsafe}
	if len(paths) == 0 {
		return imported, nil
	}
	cfg := &packages.Config{Context: ctx, Dir: g.ModuleDir, Mode: packages.NeedName | packages.NeedTypes}
	pkgs, err := packages.Load(cfg, paths...)
	if err != nil {
		return nil, fmt.Errorf("load the packages the generated code imports: %w", err)
	}
	var problems []string
	for _, p := range pkgs {
		for _, e := range p.Errors {
			problems = append(problems, e.Error())
		}
		if p.Types != nil {
			imported[p.PkgPath] = p.Types
		}
	}
	if len(problems) > 0 {
		if len(problems) > maxTypeErrors {
			problems = problems[:maxTypeErrors]
		}
		return nil, fmt.Errorf("load the packages the generated code imports: %s", strings.Join(problems, "; "))
	}
	return imported, nil
}

// typeCheck type-checks file as the package at g.PackagePath.
func (g Generator) typeCheck(fset *token.FileSet, name string, file *ast.File, imported map[string]*types.Package) (*types.Package, error) {
	var problems []string
	conf := types.Config{
		Importer: importerFunc(func(path string) (*types.Package, error) {
			if p, ok := imported[path]; ok {
				return p, nil
			}
			return nil, fmt.Errorf("package %s was not loaded", path)
		}),
		Error: func(err error) {
			if len(problems) < maxTypeErrors {
				problems = append(problems, err.Error())
			}
		},
	}
	pkg, err := conf.Check(g.PackagePath, fset, []*ast.File{file}, nil)
	if len(problems) > 0 {
		return nil, &TypeCheckError{Name: name, Errors: problems}
	}
	if err != nil {
		return nil, &TypeCheckError{Name: name, Errors: []string{err.Error()}}
	}
	return pkg, nil
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }
