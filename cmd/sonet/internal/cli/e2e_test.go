package cli

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExportApplyRoundTripIsNoChanges(t *testing.T) {
	srv := newPortal(t)
	seed(srv, 120)
	exp := runCLI(t, srv, "", "export", "--members")
	require.Equal(t, 0, exp.code, exp.stderr)
	lines := strings.Split(strings.TrimSpace(exp.stdout), "\n")
	require.Len(t, lines, 120)
	assert.Contains(t, lines[0], `"name":"Group 1","description":"Description 1"`)
	assert.Contains(t, lines[0], `"members":[{"user_id":1,"role":"owner"},{"user_id":2,"role":"member"},{"user_id":3,"role":"moderator"},{"user_id":4,"role":"member"}]`)
	file := writeFile(t, "groups.jsonl", exp.stdout)
	srv.ResetRequests()
	app := runCLI(t, srv, "", "apply", "-f", file)
	require.Equal(t, 0, app.code, app.stderr)
	assert.Equal(t, "No changes: 120 groups in the file match the portal.\n", app.stdout)
}

func TestCallSendsPairsInOrderAndPrintsIndentedJSON(t *testing.T) {
	srv := newPortal(t)
	seed(srv, 3)
	srv.ResetRequests()
	r := runCLI(t, srv, "", "call", "sonet_group.get", "ORDER[NAME]=DESC", "ORDER[ID]=ASC", "FILTER[%NAME]=Group", "start=0")
	require.Equal(t, 0, r.code, r.stderr)
	reqs := srv.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "ORDER[NAME]=DESC&ORDER[ID]=ASC&FILTER[%25NAME]=Group&start=0", reqs[0].Body)
	assert.True(t, strings.HasPrefix(r.stdout, "{\n  \"result\": [\n    {\n      \"ID\": \"3\",\n"), r.stdout)
	assert.Contains(t, r.stdout, "\n  \"total\": 3\n}\n")
}

func TestVerifyAgainstSonettestMatches(t *testing.T) {
	srv, opts := newLimitedPortal(t)
	seed(srv, 4)
	r := runCLIWith(t, srv, opts, "", "verify", "--write", "--limits")
	t.Log(r.stdout)
	require.Equal(t, 0, r.code, r.stdout+r.stderr)
}

// The pipeline: sonet export --members | sonet apply -f - is a no-op
// and needs no confirmation; a change through stdin needs --yes.
func TestExportPipedIntoApply(t *testing.T) {
	srv := newPortal(t)
	seed(srv, 75)
	exp := runCLI(t, srv, "", "export", "--members")
	require.Equal(t, 0, exp.code)
	r := runCLI(t, srv, exp.stdout, "apply", "-f", "-")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "No changes: 75 groups in the file match the portal.\n", r.stdout)

	changed := strings.Replace(exp.stdout, `"description":"Description 7"`, `"description":"Seven"`, 1)
	r = runCLI(t, srv, changed, "apply", "-f", "-")
	assert.Equal(t, 1, r.code)
	assert.Equal(t, "sonet: not applying: the file came from stdin, so there is no one to confirm; pass --yes to apply without asking (or --dry-run to only see the plan)\n", r.stderr)
	r = runCLI(t, srv, changed, "apply", "-f", "-", "--yes")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "group \"Group 7\" (ID 7): updated description\nDone.\n")
}

func TestUsageErrorsExitTwo(t *testing.T) {
	for _, args := range [][]string{{"exprot"}, {"export", "--bogus"}, {"export", "extra"}, {"apply"}, {"--plan", "gold", "export"}} {
		r := runCLI(t, nil, "", args...)
		assert.Equal(t, exitUsage, r.code, "%v: %s", args, r.stderr)
		assert.True(t, strings.HasPrefix(r.stderr, "sonet: "), r.stderr)
	}
	r := runCLI(t, nil, "", "--help")
	assert.Equal(t, 0, r.code)
	assert.Contains(t, r.stdout, "Credentials (never given as a flag value):")
}

// The CSV that export writes is valid apply input too.
func TestExportCSVApplyRoundTrip(t *testing.T) {
	srv := newPortal(t)
	seed(srv, 60)
	exp := runCLI(t, srv, "", "export", "--members", "--format", "csv")
	require.Equal(t, 0, exp.code)
	file := writeFile(t, "groups.csv", exp.stdout)
	r := runCLI(t, srv, "", "apply", "-f", file)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "No changes: 60 groups in the file match the portal.\n", r.stdout)

	changed := strings.Replace(exp.stdout, "Description 5,", "Five,", 1)
	changed = strings.Replace(changed, "1:owner 2:member 3:moderator 4:member", "1:owner 2:moderator 3:moderator 4:member", 1)
	r = runCLI(t, srv, "", "apply", "-f", writeFile(t, "changed.csv", changed), "--dry-run")
	assert.Equal(t, `~ update group "Group 1" (ID 1)
    ~ change role of 2: member → moderator
~ update group "Group 5" (ID 5)
    description: "Description 5" → "Five"
Plan: 0 to create, 2 to update, 0 to delete; members: 0 to add, 1 role changes, 0 to remove; 58 groups unchanged.
`, r.stdout)

	bad := strings.Replace(exp.stdout, ",1:owner 2:member 3:moderator 4:member", ",1:owner 2:boss", 1)
	r = runCLI(t, srv, "", "apply", "-f", writeFile(t, "bad.csv", bad), "--dry-run")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, `bad.csv:2: group "Group 1": field "members": want USER_ID:ROLE (role owner, moderator or member), got "2:boss"`)
}
