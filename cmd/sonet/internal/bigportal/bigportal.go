// Package bigportal seeds the large sonettest portal that clibench measures
// and the command's round-trip test runs: the standard plan's rate limit
// and n groups with three members each.
package bigportal

import (
	"fmt"
	"time"

	"github.com/b24kit/sonet"
	"github.com/b24kit/sonet/sonettest"
)

// New starts a sonettest portal on the clock now, with the standard plan's
// limits (2 requests/s, burst 50), users 2..10, and n groups "Group 1".."Group
// n", each owned by user 1 with one moderator (2..5) and one member (6..9).
// User 10 is in no group. The caller closes it.
func New(now func() time.Time, n int, opts ...sonettest.Option) *sonettest.Server {
	srv := sonettest.NewServer(append([]sonettest.Option{sonettest.WithClock(now),
		sonettest.WithRateLimit(sonet.StandardPlan.PerSecond, sonet.StandardPlan.Burst)}, opts...)...)
	for u := 2; u <= 10; u++ {
		srv.AddUser(sonettest.User{ID: u})
	}
	for i := 1; i <= n; i++ {
		g := sonettest.NewGroup(fmt.Sprint("Group ", i))
		g.Members = map[int]sonettest.Role{1: sonettest.RoleOwner, 2 + i%4: sonettest.RoleModerator, 6 + i%4: sonettest.RoleMember}
		srv.AddGroup(g)
	}
	return srv
}
