// Package archiver is an example of user code built on sonet, and the
// recipe for testing such code without a portal, in three ways:
//
//   - httpmock fixtures built from typed values with sonetmock.New and
//     sonetmock.Groups, Updated, SonetError... (rename_test.go,
//     ExampleRenameProjects_fixtures), or bare httpmock with a fixture file
//     (archiver_test.go);
//   - the fake portal sonettest, seeded with groups and steered with
//     Override (rename_test.go, archiver_test.go,
//     ExampleRenameProjects_fakePortal);
//   - a recording made once with sonetmock.NewRecorder (secrets scrubbed
//     when written) and replayed offline with sonetmock.Replay
//     (TestRenameProjectsReplay; go test -run Replay -args -record records
//     it again).
//
// Every client in these tests uses sonet.WithTestDefaults(): no pacing and
// no waiting between retries, so a failing call returns at once.
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
