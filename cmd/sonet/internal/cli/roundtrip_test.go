package cli

import (
	"fmt"
	"strings"
	"testing"

	"github.com/b24kit/sonet"
	"github.com/b24kit/sonet/cmd/sonet/internal/bigportal"
	"github.com/b24kit/sonet/internal/simclock"
	"github.com/b24kit/sonet/sonettest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The done-when: `sonet export --members | sonet apply` on 10,000
// groups with members is "no changes", and apply sends no write. The portal
// is clibench's, at the standard plan, on the simulated clock (rate-limit
// waits are skipped, the work is real).
func TestExportApplyRoundTripsTenThousandGroups(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 groups: skipped with -short")
	}
	const n = 10000
	clk := &simclock.Skipping{}
	srv := bigportal.New(clk.Now, n, sonettest.WithWebhookCode(secretCode))
	t.Cleanup(srv.Close)
	before := srv.Groups()
	opts := []sonet.Option{sonet.WithClock(clk)}

	exp := runCLIWith(t, srv, opts, "", "export", "--members")
	require.Equal(t, 0, exp.code, exp.stderr)
	require.Equal(t, n, strings.Count(exp.stdout, "\n"), "one line a group")
	require.Contains(t, exp.stdout, `"members":[`)
	file := writeFile(t, "groups.jsonl", exp.stdout)

	srv.ResetRequests()
	r := runCLIWith(t, srv, opts, "", "apply", "-f", file, "--yes")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, fmt.Sprintf("No changes: %d groups in the file match the portal.\n", n), r.stdout)
	sent := sentMethods(t, srv)
	require.Contains(t, sent, "batch: sonet_group.user.get", "apply compared the members")
	assert.Empty(t, writesIn(sent), "apply of the export sent writes")
	assert.Equal(t, before, srv.Groups())
}
