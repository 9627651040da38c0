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
