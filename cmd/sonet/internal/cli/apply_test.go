package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/b24kit/sonet/sonettest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writes lists the write methods the portal received, batch commands
// included.
func writes(srv *sonettest.Server) []string {
	var out []string
	for _, r := range srv.Requests() {
		for _, m := range []string{"sonet_group.create", "sonet_group.update", "sonet_group.delete", "sonet_group.setowner",
			"sonet_group.user.add", "sonet_group.user.update", "sonet_group.user.delete"} {
			if r.Method == m || strings.Contains(r.Body, "="+m+"%3F") {
				out = append(out, m)
			}
		}
	}
	return out
}

const changedState = `groups:
  - name: Group 1
    description: New text
    visible: false
    members:
      - {user_id: 1, role: owner}
      - {user_id: 2, role: moderator}
      - {user_id: 3, role: moderator}
      - {user_id: 4, role: member}
      - {user_id: 5, role: moderator}
  - name: Group 2
    owner_id: 6
  - name: Brand new
    project: true
    owner_id: 7
    members:
      - {user_id: 7, role: owner}
      - {user_id: 8, role: moderator}
      - {user_id: 9}
`

func TestApplyAfterAChangeThenNoChanges(t *testing.T) {
	srv := newPortal(t)
	seed(srv, 2)
	file := writeFile(t, "state.yaml", changedState)
	srv.ResetRequests()
	r := runCLI(t, srv, "", "apply", "-f", file, "--yes")
	require.Equal(t, 0, r.code, r.stdout+r.stderr)
	assert.Equal(t, `~ update group "Group 1" (ID 1)
    description: "Description 1" → "New text"
    visible: true → false
    + add member 5 as moderator
    ~ change role of 2: member → moderator
~ update group "Group 2" (ID 2)
    owner_id: 1 → 6
+ create group "Brand new"
    project: true
    owner_id: 7
    + add member 8 as moderator
    + add member 9 as member
Plan: 1 to create, 2 to update, 0 to delete; members: 3 to add, 1 role changes, 0 to remove; 0 groups unchanged.
created group "Brand new" (ID 3)
group "Group 1" (ID 1): updated description, visible
group "Group 1" (ID 1): added members 5
group "Group 1" (ID 1): made moderators 2, 5
group "Group 2" (ID 2): owner 1 → 6
group "Brand new" (ID 3): added members 8, 9
group "Brand new" (ID 3): made moderators 8
Done.
`, r.stdout)
	// Users 5..9 were not seen on the portal: checked with user.get, one
	// batch request, before the first write.
	var methods []string
	for _, q := range srv.Requests() {
		methods = append(methods, q.Method)
	}
	assert.Equal(t, []string{"batch", "batch", "batch", "batch", "batch"}, methods, "scan, members, user check, creates, changes")
	assert.Contains(t, srv.Requests()[2].Body, "user.get")

	g1, _ := srv.Group(1)
	assert.Equal(t, "New text", g1.Description)
	assert.False(t, g1.Visible)
	assert.Equal(t, map[int]sonettest.Role{1: "A", 2: "E", 3: "E", 4: "K", 5: "E"}, g1.Members)
	g2, _ := srv.Group(2)
	assert.Equal(t, 6, g2.OwnerID)
	g3, _ := srv.Group(3)
	assert.Equal(t, "Brand new", g3.Name)
	assert.True(t, g3.Project)
	assert.Equal(t, map[int]sonettest.Role{7: "A", 8: "E", 9: "K"}, g3.Members)

	srv.ResetRequests()
	r = runCLI(t, srv, "", "apply", "-f", file, "--yes")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "No changes: 3 groups in the file match the portal.\n", r.stdout)
	assert.Empty(t, writes(srv))
}

// --prune-all is what --prune alone did before it needed a scope: every
// portal group not in the file is deleted.
func TestApplyRemovesAndDeletesOnlyWithPruneAll(t *testing.T) {
	srv := newPortal(t)
	seed(srv, 3)
	file := writeFile(t, "state.yaml", `
- name: Group 1
  members:
    - {user_id: 1, role: owner}
    - {user_id: 2, role: member}
`)
	r := runCLI(t, srv, "", "apply", "-f", file, "--yes")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, `No changes: 1 groups in the file match the portal.
Kept: 2 members not in the file (--prune with --filter, or --prune-all, removes them).
Kept: 2 groups not in the file (--prune with --filter, or --prune-all, deletes them).
`, r.stdout)
	assert.Len(t, srv.Groups(), 3)

	r = runCLI(t, srv, "", "apply", "-f", file, "--yes", "--prune-all")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, `~ update group "Group 1" (ID 1)
    - remove member 3 (moderator)
    - remove member 4 (member)
- delete group "Group 2" (ID 2)
- delete group "Group 3" (ID 3)
Plan: 0 to create, 1 to update, 2 to delete; members: 0 to add, 0 role changes, 2 to remove; 0 groups unchanged.
group "Group 1" (ID 1): removed members 3, 4
group "Group 2" (ID 2): deleted
group "Group 3" (ID 3): deleted
Done.
`, r.stdout)
	groups := srv.Groups()
	require.Len(t, groups, 1)
	assert.Equal(t, map[int]sonettest.Role{1: "A", 2: "K"}, groups[0].Members)

	r = runCLI(t, srv, "", "apply", "-f", file, "--yes", "--prune", "--prune-all")
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "No changes: 1 groups in the file match the portal.\n", r.stdout)
}

func TestApplyDryRunAndConfirmation(t *testing.T) {
	srv := newPortal(t)
	seed(srv, 1)
	file := writeFile(t, "state.json", `[{"name": "Group 1", "keywords": "a,b"}]`)
	const plan = "~ update group \"Group 1\" (ID 1)\n    keywords: \"\" → \"a,b\"\n" +
		"Plan: 0 to create, 1 to update, 0 to delete; members: 0 to add, 0 role changes, 0 to remove; 0 groups unchanged.\n"

	r := runCLI(t, srv, "", "apply", "-f", file, "--dry-run")
	assert.Equal(t, 0, r.code)
	assert.Equal(t, plan, r.stdout)
	assert.Empty(t, writes(srv))

	// No terminal on stdin and no --yes: refused, clearly, nothing sent.
	r = runCLI(t, srv, "yes\n", "apply", "-f", file)
	assert.Equal(t, 1, r.code)
	assert.Equal(t, plan, r.stdout)
	assert.Equal(t, "sonet: not applying: stdin is not a terminal, so there is no one to confirm; pass --yes to apply without asking (or --dry-run to only see the plan)\n", r.stderr)
	assert.Empty(t, writes(srv))

	// A terminal: only "yes" applies.
	r = runTerminal(t, srv, "y\n", "apply", "-f", file)
	assert.Equal(t, 1, r.code)
	assert.Equal(t, "Apply these changes? Only 'yes' is accepted: sonet: not applying: not confirmed\n", r.stderr)
	assert.Empty(t, writes(srv))
	r = runTerminal(t, srv, "yes\n", "apply", "-f", file)
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, plan+"group \"Group 1\" (ID 1): updated keywords\nDone.\n", r.stdout)
	g, _ := srv.Group(1)
	assert.Equal(t, "a,b", g.Keywords)
}

func TestApplyRefusesUnknownUsersBeforeWriting(t *testing.T) {
	srv := newPortal(t)
	seed(srv, 1)
	srv.AddUser(sonettest.User{ID: 20, Name: "Gone", Fired: true})
	file := writeFile(t, "state.yaml", `
- name: Group 1
  members:
    - {user_id: 1, role: owner}
    - {user_id: 99, role: member}
    - {user_id: 20, role: member}
- name: Other
  owner_id: 77
`)
	srv.ResetRequests()
	r := runCLI(t, srv, "", "apply", "-f", file, "--yes")
	assert.Equal(t, 1, r.code)
	assert.Equal(t, `sonet: unknown users, nothing was changed:
  group "Group 1" (line 6): members: user 20 is not active (dismissed)
  group "Other" (line 7): owner_id: user 77 does not exist on the portal
  group "Group 1" (line 5): members: user 99 does not exist on the portal
`, r.stderr)
	assert.Empty(t, r.stdout, "no plan printed for a file that cannot be applied")
	assert.Empty(t, writes(srv))
}

// Who may invite and the project dates are read with
// socialnetwork.api.workgroup.list, and only when the file sets them.
func TestApplyProjectDatesAndInvitePermission(t *testing.T) {
	srv := newPortal(t)
	seed(srv, 1)
	file := writeFile(t, "state.yaml", `
- name: Group 1
  project: true
  initiate_perms: moderator
  project_date_start: 2026-09-01T09:00:00+02:00
  project_date_finish: 2026-12-20T18:00:00+02:00
- name: Launch
  project: true
  initiate_perms: owner
  project_date_start: 2026-10-01T00:00:00Z
`)
	r := runCLI(t, srv, "", "apply", "-f", file, "--yes")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, `~ update group "Group 1" (ID 1)
    project: false → true
    initiate_perms: member → moderator
    project_date_start: none → 2026-09-01T09:00:00+02:00
    project_date_finish: none → 2026-12-20T18:00:00+02:00
+ create group "Launch"
    project: true
    initiate_perms: owner
    project_date_start: 2026-10-01T00:00:00+00:00
Plan: 1 to create, 1 to update, 0 to delete; members: 0 to add, 0 role changes, 0 to remove; 0 groups unchanged.
created group "Launch" (ID 2)
group "Group 1" (ID 1): updated project, initiate_perms, project_date_start, project_date_finish
Done.
`, r.stdout)
	g1, _ := srv.Group(1)
	assert.True(t, g1.Project)
	assert.Equal(t, "E", g1.InitiatePerms)
	assert.True(t, g1.ProjectDateStart.Equal(time.Date(2026, 9, 1, 7, 0, 0, 0, time.UTC)), g1.ProjectDateStart)
	assert.True(t, g1.ProjectDateFinish.Equal(time.Date(2026, 12, 20, 16, 0, 0, 0, time.UTC)), g1.ProjectDateFinish)
	g2, _ := srv.Group(2)
	assert.Equal(t, "A", g2.InitiatePerms)

	srv.ResetRequests()
	r = runCLI(t, srv, "", "apply", "-f", file, "--yes")
	assert.Equal(t, "No changes: 2 groups in the file match the portal.\n", r.stdout)
	assert.Contains(t, srv.Requests()[1].Body, "socialnetwork.api.workgroup.list")

	// A file without these fields does not read them.
	srv.ResetRequests()
	r = runCLI(t, srv, "", "apply", "-f", writeFile(t, "plain.yaml", "- name: Launch\n"), "--yes")
	assert.Equal(t, 0, r.code)
	for _, q := range srv.Requests() {
		assert.NotContains(t, q.Body, "socialnetwork.api.workgroup.list")
	}
}

// The SDK's checks run on every write before the first is sent; names are
// trimmed as the portal trims them.
func TestApplyValidatesEveryWriteFirst(t *testing.T) {
	srv := newPortal(t)
	seed(srv, 1)
	file := writeFile(t, "state.yaml", "- {name: \" Group 1 \", description: \"Description 1\"}\n- {name: New, description: \"bad\\0text\"}\n")
	srv.ResetRequests()
	r := runCLI(t, srv, "", "apply", "-f", file, "--yes")
	assert.Equal(t, 1, r.code)
	assert.Equal(t, "sonet: "+file+":2: group \"New\": field \"description\": holds a NUL byte, which the portal cuts the text at\n", r.stderr)
	assert.Empty(t, writes(srv))

	r = runCLI(t, srv, "", "apply", "-f", writeFile(t, "ok.yaml", "- {name: \" Group 1 \", description: \"Description 1\"}\n"), "--yes")
	assert.Equal(t, "No changes: 1 groups in the file match the portal.\n", r.stdout)
}

func TestApplyRefusesToPruneWithAnEmptyFile(t *testing.T) {
	srv := newPortal(t)
	seed(srv, 2)
	empty := writeFile(t, "empty.yaml", "groups: []\n")
	r := runCLI(t, srv, "", "apply", "-f", empty, "--prune-all", "--yes")
	assert.Equal(t, 1, r.code)
	assert.Equal(t, "sonet: not applying: the file lists no groups, and with --prune-all that would delete every group on the portal\n", r.stderr)
	r = runCLI(t, srv, "", "apply", "-f", empty, "--prune", "--filter", "PROJECT=N", "--yes")
	assert.Equal(t, 1, r.code)
	assert.Equal(t, "sonet: not applying: the file lists no groups, and with --prune that would delete every group --filter finds\n", r.stderr)
	assert.Empty(t, srv.Requests())
	assert.Len(t, srv.Groups(), 2)
}
