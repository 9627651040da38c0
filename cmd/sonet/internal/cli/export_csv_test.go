package cli

import (
	"encoding/csv"
	"strings"
	"testing"

	"github.com/b24kit/sonet/sonettest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCSVEscapeNeutralisesFormulasAndReverses(t *testing.T) {
	cases := map[string]string{
		"=1+2": "'=1+2", "+1": "'+1", "-x": "'-x", "@a": "'@a", "\tTab": "'\tTab", "\rCR": "'\rCR",
		"'quoted": "''quoted", "''": "'''", "'": "''",
		"": "", "Sales": "Sales", "a=1": "a=1", " =1": " =1", "1:owner 2:member": "1:owner 2:member",
	}
	for in, want := range cases {
		assert.Equal(t, want, csvEscape(in), "%q", in)
		assert.Equal(t, in, csvUnescape(csvEscape(in)), "%q", in)
	}
}

// Names, descriptions and keywords that a spreadsheet would run as a
// formula are written with a leading quote, and apply takes exactly that
// quote off again: the CSV export still round-trips to "no changes".
func TestExportCSVNeutralisesFormulasAndRoundTrips(t *testing.T) {
	srv := newPortal(t)
	seed(srv, 0)
	for _, g := range []struct{ name, description, keywords string }{
		{"=1+2", `=HYPERLINK("http://evil.example","x")`, "@kw"},
		{"-x", "+cmd|' /C calc'!A0", "-"},
		{"@a", "\tstarts with a tab", "\rCR"},
		{"'quoted", "'also quoted", "''two"},
		{"Plain", "a = b", "x,y"},
	} {
		sg := sonettest.NewGroup(g.name)
		sg.Description, sg.Keywords = g.description, g.keywords
		sg.Members = map[int]sonettest.Role{1: sonettest.RoleOwner, 2: sonettest.RoleMember}
		srv.AddGroup(sg)
	}
	exp := runCLI(t, srv, "", "export", "--format", "csv", "--members")
	require.Equal(t, 0, exp.code, exp.stderr)
	lines := strings.Split(exp.stdout, "\n")
	assert.True(t, strings.HasPrefix(lines[1], `1,'=1+2,"'=HYPERLINK(""http://evil.example"",""x"")",'@kw,true,`), lines[1])
	rows, err := csv.NewReader(strings.NewReader(exp.stdout)).ReadAll()
	require.NoError(t, err)
	var cells [][]string
	for _, row := range rows[1:] {
		cells = append(cells, row[1:4])
		assert.Equal(t, "1:owner 2:member", row[19], "cells that start with a digit are left alone")
	}
	assert.Equal(t, [][]string{
		{"'=1+2", `'=HYPERLINK("http://evil.example","x")`, "'@kw"},
		{"'-x", "'+cmd|' /C calc'!A0", "'-"},
		{"'@a", "'\tstarts with a tab", "'\rCR"},
		{"''quoted", "''also quoted", "'''two"},
		{"Plain", "a = b", "x,y"},
	}, cells, "name, description, keywords of each row")
	// JSON Lines is not for spreadsheets: its values stay as they are.
	jl := runCLI(t, srv, "", "export")
	require.Equal(t, 0, jl.code, jl.stderr)
	assert.Contains(t, jl.stdout, `"name":"=1+2","description":"=HYPERLINK(\"http://evil.example\",\"x\")","keywords":"@kw"`)
	assert.Contains(t, jl.stdout, `"name":"'quoted","description":"'also quoted","keywords":"''two"`)

	file := writeFile(t, "groups.csv", exp.stdout)
	srv.ResetRequests()
	r := runCLI(t, srv, "", "apply", "-f", file)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "No changes: 5 groups in the file match the portal.\n", r.stdout)
	assert.Empty(t, writes(srv))

	// A cell edited in the same escaping: one leading quote is taken off.
	changed := strings.Replace(exp.stdout, "Plain,a = b,", "Plain,'=b,", 1)
	r = runCLI(t, srv, "", "apply", "-f", writeFile(t, "changed.csv", changed), "--yes")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, `~ update group "Plain" (ID 5)
    description: "a = b" → "=b"
Plan: 0 to create, 1 to update, 0 to delete; members: 0 to add, 0 role changes, 0 to remove; 4 groups unchanged.
group "Plain" (ID 5): updated description
Done.
`, r.stdout)
	g, _ := srv.Group(5)
	assert.Equal(t, "=b", g.Description)
}

// encoding/csv reads a CR LF inside a quoted cell as LF, so a description
// typed in the portal's form (CR LF) came back from a CSV export as a
// change. apply compares CSV text with the portal's CR LF read as LF; a
// real change is still one.
func TestExportCSVWithCRLFTextRoundTrips(t *testing.T) {
	srv := newPortal(t)
	g := sonettest.NewGroup("Notes")
	g.Description, g.Keywords = "line 1\r\nline 2\r\n", "a\r\nb"
	srv.AddGroup(g)
	exp := runCLI(t, srv, "", "export", "--format", "csv")
	require.Equal(t, 0, exp.code, exp.stderr)
	require.Contains(t, exp.stdout, "\"line 1\r\nline 2\r\n\",\"a\r\nb\"")
	r := runCLI(t, srv, "", "apply", "-f", writeFile(t, "notes.csv", exp.stdout), "--dry-run")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "No changes: 1 groups in the file match the portal.\n", r.stdout)

	changed := strings.Replace(exp.stdout, "line 2", "line 3", 1)
	r = runCLI(t, srv, "", "apply", "-f", writeFile(t, "changed.csv", changed), "--dry-run")
	assert.Equal(t, `~ update group "Notes" (ID 1)
    description: "line 1\r\nline 2\r\n" → "line 1\nline 3\n"
Plan: 0 to create, 1 to update, 0 to delete; members: 0 to add, 0 role changes, 0 to remove; 0 groups unchanged.
`, r.stdout)
	// JSON Lines keeps the CR: there the comparison stays exact.
	jl := runCLI(t, srv, "", "export")
	r = runCLI(t, srv, "", "apply", "-f", writeFile(t, "notes.jsonl", jl.stdout), "--dry-run")
	assert.Equal(t, "No changes: 1 groups in the file match the portal.\n", r.stdout)
}
