package cli

import (
	"testing"

	"github.com/b24kit/sonet/sonettest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestApplyRefusesANameThatDiffersOnlyInCaseOrSpaces(t *testing.T) {
	srv := newPortal(t)
	seed(srv, 2)
	srv.AddGroup(sonettest.NewGroup("R &amp; D"))
	cases := []struct{ name, file, want string }{
		{"case", "- name: group 2\n  description: x\n",
			`sonet: group "group 2" (line 1): no group has this exact name, but the portal has "Group 2" (ID 2), which differs only in case, spaces or HTML escaping; apply would create a second group: write the name exactly as the portal has it, or rename one of them first`},
		{"inner spaces", "- name: Group  1\n",
			`sonet: group "Group  1" (line 1): no group has this exact name, but the portal has "Group 1" (ID 1), which differs only in case, spaces or HTML escaping; apply would create a second group: write the name exactly as the portal has it, or rename one of them first`},
		{"html entity", "- name: R & D\n",
			`sonet: group "R & D" (line 1): no group has this exact name, but the portal has "R &amp; D" (ID 3), which differs only in case, spaces or HTML escaping; apply would create a second group: write the name exactly as the portal has it, or rename one of them first`},
		{"two creates", "- name: Q3 Launch\n- name: Group 1\n- name: q3 launch\n",
			`sonet: group "q3 launch" (line 3): it differs only in case, spaces or HTML escaping from "Q3 Launch" (line 1); apply would create two groups the portal's search cannot tell apart: pick one name`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := len(srv.Requests())
			file := writeFile(t, "state.yaml", tc.file)
			for _, args := range [][]string{{"--yes"}, {"--yes", "--prune-all"}, {"--dry-run"}} {
				r := runCLI(t, srv, "", append([]string{"apply", "-f", file}, args...)...)
				assert.Equal(t, 1, r.code, args)
				assert.Equal(t, tc.want+"\n", r.stderr, args)
				assert.Empty(t, r.stdout, args)
			}
			assert.Empty(t, writes(srv))
			assert.Greater(t, len(srv.Requests()), before) // it did read the portal
		})
	}
	assert.Len(t, srv.Groups(), 3)
}

// A portal that really holds "Sales" and "sales" applies its own export: the
// exact match wins and nothing is refused.
func TestApplyExactNameWinsOverACaseTwin(t *testing.T) {
	srv := newPortal(t)
	srv.AddGroup(sonettest.NewGroup("Sales"))
	srv.AddGroup(sonettest.NewGroup("sales"))
	file := writeFile(t, "state.yaml", "- name: sales\n  description: lower\n")
	r := runCLI(t, srv, "", "apply", "-f", file, "--yes")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, `~ update group "sales" (ID 2)
    description: "" → "lower"
Plan: 0 to create, 1 to update, 0 to delete; members: 0 to add, 0 role changes, 0 to remove; 0 groups unchanged.
Kept: 1 groups not in the file (--prune with --filter, or --prune-all, deletes them).
group "sales" (ID 2): updated description
Done.
`, r.stdout)
	assert.Equal(t, []string{"sonet_group.update"}, writes(srv))
}
