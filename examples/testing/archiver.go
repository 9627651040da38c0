// Package archiver is an example of user code built on sonet, and of how to
// test such code without a portal: archiver_test.go runs it against the fake
// portal (sonettest) and against an httpmock fixture.
//
//	go test ./examples/testing/
package archiver

import (
	"context"
	"fmt"
	"time"

	"github.com/b24kit/sonet"
)

// ArchiveInactive archives (CLOSED=Y) every open project whose last activity
// is older than cutoff, and returns the IDs it archived.
func ArchiveInactive(ctx context.Context, c *sonet.Client, cutoff time.Time) ([]int, error) {
	var archived []int
	filter := sonet.GroupFilter{sonet.FieldClosed.Eq(false), sonet.FieldDateActivity.LT(cutoff)}
	for g, err := range c.AllGroups(ctx, &sonet.GroupListOptions{Filter: filter, Order: sonet.Order{sonet.FieldID.Asc()}}) {
		if err != nil {
			return archived, fmt.Errorf("list stale groups: %w", err)
		}
		if !g.Project {
			continue
		}
		if _, err := c.UpdateGroup(ctx, &sonet.GroupUpdateRequest{GroupID: g.ID, Closed: sonet.Yes}); err != nil {
			return archived, fmt.Errorf("archive group %d: %w", g.ID, err)
		}
		archived = append(archived, g.ID)
	}
	return archived, nil
}
