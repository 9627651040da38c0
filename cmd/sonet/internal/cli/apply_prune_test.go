package cli

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/b24kit/sonet/sonettest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// --prune without a scope, and flags that contradict each other, are usage
// errors (exit 2) that say what to give, before a request is sent.
func TestApplyPruneWithoutAScopeIsRefusedBeforeAnythingIsSent(t *testing.T) {
	srv := newPortal(t)
	seed(srv, 3)
	file := writeFile(t, "state.yaml", "- name: Group 1\n")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--prune"}, "--prune needs a scope: add --filter KEY=VALUE, the filters the export used (only portal groups they find may be deleted), or use --prune-all to delete every portal group not in the file"},
		{[]string{"--prune", "--dry-run"}, "--prune needs a scope: add --filter KEY=VALUE, the filters the export used (only portal groups they find may be deleted), or use --prune-all to delete every portal group not in the file"},
		{[]string{"--filter", "PROJECT=Y"}, "--filter scopes --prune (which groups it may delete); without --prune it does nothing"},
		{[]string{"--prune-all", "--filter", "PROJECT=Y"}, "--prune-all and --filter contradict each other: --filter limits what --prune may delete, --prune-all deletes every group not in the file; give one"},
		{[]string{"--prune", "--filter", "PROJECT"}, `--filter "PROJECT": want KEY=VALUE, e.g. PROJECT=Y or %NAME=Sales`},
		{[]string{"--prune", "--filter", "project=Y"}, `--filter "project=Y": sonet_group.get does not filter on "project" (filter key "project" would be ignored and return every row); field names are upper case`},
	}
	for _, tc := range cases {
		r := runCLI(t, srv, "", append([]string{"apply", "-f", file, "--yes"}, tc.args...)...)
		assert.Equal(t, exitUsage, r.code, tc.args)
		assert.Equal(t, "sonet: "+tc.want+"\n", r.stderr, tc.args)
		assert.Empty(t, r.stdout, tc.args)
	}
	assert.Empty(t, srv.Requests(), "nothing read, nothing sent")
	assert.Len(t, srv.Groups(), 3)
}

// scopedPortal has groups 1..5, the even ones projects, each with users 2..4
// as members; user 5 exists and is in no group.
func scopedPortal(t *testing.T) *sonettest.Server {
	srv := newPortal(t)
	seed(srv, 0)
	for i := 1; i <= 5; i++ {
		g := sonettest.NewGroup(fmt.Sprint("Group ", i))
		g.Project = i%2 == 0
		g.Members = map[int]sonettest.Role{1: sonettest.RoleOwner, 2: sonettest.RoleMember, 3: sonettest.RoleModerator, 4: sonettest.RoleMember}
		srv.AddGroup(g)
	}
	return srv
}

func groupNames(srv *sonettest.Server) []string {
	var names []string
	for _, g := range srv.Groups() {
		names = append(names, g.Name)
	}
	sort.Strings(names)
	return names
}

// The reviewer's case: the file of a filtered export, applied with --prune
// and the same --filter, deletes only groups the filter finds; every group
// outside the filter stays, however many.
func TestFilteredExportApplyPruneSameFilterDeletesNothingOutside(t *testing.T) {
	for _, format := range []string{"jsonl", "csv"} {
		t.Run(format, func(t *testing.T) {
			srv := scopedPortal(t)
			exp := runCLI(t, srv, "", "export", "--members", "--format", format, "--filter", "PROJECT=Y")
			require.Equal(t, 0, exp.code, exp.stderr)
			require.Equal(t, 2, strings.Count(exp.stdout, "Group "), exp.stdout)
			file := writeFile(t, "projects."+format, exp.stdout)

			// After the export: a member joins project 2, and a project and
			// a group appear that the file does not list.
			require.NoError(t, srv.SetMember(2, 5, sonettest.RoleMember))
			stray := sonettest.NewGroup("Stray project")
			stray.Project = true
			srv.AddGroup(stray)
			srv.AddGroup(sonettest.NewGroup("Stray group"))

			// --prune-all would delete the groups outside the filter: the
			// mistake the scope prevents.
			all := runCLI(t, srv, "", "apply", "-f", file, "--prune-all", "--dry-run")
			require.Equal(t, 0, all.code, all.stderr)
			assert.Contains(t, all.stdout, "- delete group \"Group 1\" (ID 1)\n- delete group \"Group 3\" (ID 3)\n- delete group \"Group 5\" (ID 5)\n- delete group \"Stray project\" (ID 6)\n- delete group \"Stray group\" (ID 7)\n")

			srv.ResetRequests()
			r := runCLI(t, srv, "", "apply", "-f", file, "--prune", "--filter", "PROJECT=Y", "--yes")
			require.Equal(t, 0, r.code, r.stderr)
			assert.Equal(t, `~ update group "Group 2" (ID 2)
    - remove member 5 (member)
- delete group "Stray project" (ID 6)
Plan: 0 to create, 1 to update, 1 to delete; members: 0 to add, 0 role changes, 1 to remove; 1 groups unchanged.
Kept: 4 groups not in the file that --filter does not find (outside the --prune scope).
group "Group 2" (ID 2): removed members 5
group "Stray project" (ID 6): deleted
Done.
`, r.stdout)
			assert.Equal(t, []string{"Group 1", "Group 2", "Group 3", "Group 4", "Group 5", "Stray group"}, groupNames(srv))
			g2, _ := srv.Group(2)
			assert.Equal(t, map[int]sonettest.Role{1: "A", 2: "K", 3: "E", 4: "K"}, g2.Members)
			// The scope was asked of the portal with the export's filter.
			var scoped int
			for _, q := range srv.Requests() {
				if strings.Contains(q.Body, "PROJECT") {
					scoped++
				}
			}
			assert.Equal(t, 1, scoped, "one scan with FILTER[PROJECT]=Y")

			r = runCLI(t, srv, "", "apply", "-f", file, "--prune", "--filter", "PROJECT=Y", "--yes")
			require.Equal(t, 0, r.code, r.stderr)
			assert.Equal(t, "No changes: 2 groups in the file match the portal.\nKept: 4 groups not in the file that --filter does not find (outside the --prune scope).\n", r.stdout)
		})
	}
}

// A lost answer makes apply read the portal again: the re-read keeps the
// scope, so the second round deletes nothing outside it either.
func TestApplyScopedPruneKeepsItsScopeAfterALostAnswer(t *testing.T) {
	srv := scopedPortal(t)
	stray := sonettest.NewGroup("Stray project")
	stray.Project = true
	srv.AddGroup(stray)
	file := writeFile(t, "projects.yaml", "- name: Group 2\n- name: Group 4\n")
	lost := false
	hook := startProxy(t, srv, rewriter{response: func(method string, f url.Values, st int, b []byte) (int, []byte) {
		if isWriteBatch(method, f, "sonet_group.delete") && !lost {
			lost = true
			return dropConnection, nil // ran on the portal, answer lost
		}
		return st, b
	}})
	r := runThrough(t, hook, "apply", "-f", file, "--prune", "--filter", "PROJECT=Y", "--yes")
	require.Equal(t, 0, r.code, r.stdout+r.stderr)
	assert.Equal(t, `- delete group "Stray project" (ID 6)
Plan: 0 to create, 0 to update, 1 to delete; members: 0 to add, 0 role changes, 0 to remove; 2 groups unchanged.
Kept: 3 groups not in the file that --filter does not find (outside the --prune scope).
? group "Stray project" (ID 6): deleted: the answer was lost; checking
Some answers were lost: reading the portal again to see what took effect.
Reconciled: every change is in place.
Done.
`, r.stdout)
	assert.True(t, lost)
	assert.Equal(t, []string{"Group 1", "Group 2", "Group 3", "Group 4", "Group 5"}, groupNames(srv))
}
