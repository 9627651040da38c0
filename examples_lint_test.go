package sonet

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// Every Example must show its own setup (issue #10): example files declare
// nothing at top level but Example functions and imports, so no hidden
// helper, constant or variable can creep back in.
func TestExamplesDeclareNoHiddenHelpers(t *testing.T) {
	var files []string
	for _, pattern := range []string{"example_*_test.go", "sonettest/example_test.go", "sonetmock/example_test.go", "sonetapp/example_test.go", "examples/testing/example_test.go",
		"redis/example_test.go", "otel/example_test.go", "cmd/sonet/internal/cli/example_test.go"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 12 {
		t.Fatalf("found only %d example files: %v", len(files), files)
	}
	examples := 0
	for _, f := range files {
		af, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range af.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if !strings.HasPrefix(d.Name.Name, "Example") || d.Recv != nil {
					t.Errorf("%s: func %s is a helper hidden from the examples' readers", f, d.Name.Name)
				}
				examples++
			case *ast.GenDecl:
				if d.Tok != token.IMPORT {
					t.Errorf("%s: top-level %s declaration hidden from the examples' readers", f, d.Tok)
				}
			}
		}
	}
	if examples < 40 {
		t.Errorf("only %d examples found", examples)
	}
}

// The rule above sees only example files; an Example may still call a
// helper declared in another _test.go file of its test package (a show()
// in answers_test.go), or live in a test file that declares helpers. This
// walks every directory of the repository, the redis, otel and cmd/sonet
// modules included (parsing needs no build), and fails when an Example
// body refers to a top-level name declared by a _test.go file of its own
// test package, or, from an external test package, to an exported name
// that the internal test files add to the package under test.
func TestExamplesUseNoHelperOfTheirTestPackage(t *testing.T) {
	examples, declared := 0, 0
	err := filepath.WalkDir(".", func(dir string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if dir != "." && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") || strings.HasPrefix(d.Name(), "_")) {
			return filepath.SkipDir
		}
		n, bad := lintExampleDir(t, dir)
		examples += n
		declared += countExampleFuncs(t, dir)
		for _, b := range bad {
			t.Error(b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Every Example the text of the test files declares was linted: a
	// directory or file the AST pass skipped would leave it short.
	if examples != declared || examples < 65 {
		t.Errorf("linted %d examples; the test files declare %d", examples, declared)
	}
}

var exampleFunc = regexp.MustCompile(`(?m)^func Example\w*\(\)`)

// countExampleFuncs counts the Example functions of dir's _test.go files
// from their text, independently of the AST pass.
func countExampleFuncs(t *testing.T, dir string) int {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		n += len(exampleFunc.FindAll(b, -1))
	}
	return n
}

// testPkgFile is one parsed _test.go file of a directory.
type testPkgFile struct {
	name string
	file *ast.File
}

// lintExampleDir checks the Examples of one directory and returns how many
// it saw and what it found.
func lintExampleDir(t *testing.T, dir string) (int, []string) {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	byPkg := map[string][]testPkgFile{}
	for _, n := range names {
		// Object resolution on: an identifier declared in the same file
		// (a local variable, a top-level helper) gets its Obj.
		af, err := parser.ParseFile(fset, n, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		byPkg[af.Name.Name] = append(byPkg[af.Name.Name], testPkgFile{n, af})
	}
	// Exported names the internal test files add to the package under
	// test: an external Example reaches them as pkg.Name.
	exportedByTests := map[string]bool{}
	internal := ""
	for pkg, files := range byPkg {
		if strings.HasSuffix(pkg, "_test") {
			continue
		}
		internal = pkg
		for name := range topLevelNames(files) {
			if ast.IsExported(name) {
				exportedByTests[name] = true
			}
		}
	}
	importPath := packageImportPath(t, dir)
	examples := 0
	var bad []string
	for _, files := range byPkg {
		helpers := topLevelNames(files)
		for _, f := range files {
			local := ""
			if importPath != "" && len(exportedByTests) > 0 {
				local = importedAs(f.file, importPath, internal)
			}
			for _, d := range f.file.Decls {
				fn, ok := d.(*ast.FuncDecl)
				if !ok || fn.Recv != nil || !strings.HasPrefix(fn.Name.Name, "Example") || fn.Body == nil {
					continue
				}
				examples++
				for _, use := range helperUses(fn, helpers, local, exportedByTests) {
					bad = append(bad, fset.Position(use.Pos()).String()+": "+fn.Name.Name+" uses "+use.Name+", declared in a test file: hidden from the example's readers")
				}
			}
		}
	}
	sort.Strings(bad)
	return examples, bad
}

// topLevelNames returns the names declared at top level by files, but not
// the Examples themselves (one Example naming another is not hidden).
func topLevelNames(files []testPkgFile) map[string]bool {
	names := map[string]bool{}
	for _, f := range files {
		for _, d := range f.file.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil && !strings.HasPrefix(d.Name.Name, "Example") {
					names[d.Name.Name] = true
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						names[s.Name.Name] = true
					case *ast.ValueSpec:
						for _, id := range s.Names {
							names[id.Name] = true
						}
					}
				}
			}
		}
	}
	delete(names, "_")
	return names
}

// helperUses returns the identifiers of fn's body that refer to a helper:
// a name in helpers not declared inside fn, or pkg.Name with pkg the local
// name of the package under test and Name in exported.
func helperUses(fn *ast.FuncDecl, helpers map[string]bool, pkg string, exported map[string]bool) []*ast.Ident {
	var uses []*ast.Ident
	declaredInside := func(id *ast.Ident) bool {
		return id.Obj != nil && id.Obj.Pos() >= fn.Pos() && id.Obj.Pos() < fn.End()
	}
	var visit func(n ast.Node) bool
	visit = func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			// x.Name is a field, method or another package's name, never
			// a top-level name of this package: only x is looked at.
			if x, ok := n.X.(*ast.Ident); ok && pkg != "" && x.Name == pkg && x.Obj == nil && exported[n.Sel.Name] {
				uses = append(uses, n.Sel)
			}
			ast.Inspect(n.X, visit)
			return false
		case *ast.KeyValueExpr:
			// A bare key of a composite literal is usually a field name
			// (the parser leaves it unresolved); only the value is checked.
			if _, ok := n.Key.(*ast.Ident); !ok {
				ast.Inspect(n.Key, visit)
			}
			ast.Inspect(n.Value, visit)
			return false
		case *ast.Ident:
			if helpers[n.Name] && !declaredInside(n) {
				uses = append(uses, n)
			}
		}
		return true
	}
	ast.Inspect(fn.Body, visit)
	return uses
}

// importedAs returns the name file f knows importPath by ("" if it does
// not import it); pkgName is the package's declared name.
func importedAs(f *ast.File, importPath, pkgName string) string {
	for _, imp := range f.Imports {
		if strings.Trim(imp.Path.Value, "`\"") != importPath {
			continue
		}
		if imp.Name != nil {
			return imp.Name.Name
		}
		return pkgName
	}
	return ""
}

// packageImportPath returns dir's import path from the nearest go.mod at
// or above it ("" if none is found below the working directory).
func packageImportPath(t *testing.T, dir string) string {
	t.Helper()
	var rel []string
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		b, err := os.ReadFile(filepath.Join(d, "go.mod"))
		if err == nil {
			for _, line := range strings.Split(string(b), "\n") {
				if mod, ok := strings.CutPrefix(strings.TrimSpace(line), "module "); ok {
					parts := append([]string{strings.TrimSpace(mod)}, rel...)
					return path.Join(parts...)
				}
			}
			t.Fatalf("%s/go.mod: no module line", d)
		}
		if d == "." {
			return ""
		}
		rel = append([]string{filepath.Base(d)}, rel...)
	}
}
