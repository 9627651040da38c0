package sonet

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// Every Example must show its own setup (issue #10): example files declare
// nothing at top level but Example functions and imports, so no hidden
// helper, constant or variable can creep back in.
func TestExamplesDeclareNoHiddenHelpers(t *testing.T) {
	var files []string
	for _, pattern := range []string{"example_*_test.go", "sonettest/example_test.go", "sonetmock/example_test.go", "sonetapp/example_test.go", "examples/testing/example_test.go"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 9 {
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
