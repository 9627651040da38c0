package archiver

import (
	"context"
	"fmt"
	"strings"

	"github.com/b24kit/sonet"
)

// RenameProjects renames every project whose name starts with from, putting
// to in place of that prefix, and returns the IDs it renamed. Workgroups
// that are not projects are left alone.
func RenameProjects(ctx context.Context, c *sonet.Client, from, to string) ([]int, error) {
	var renamed []int
	opts := &sonet.GroupListOptions{
		Filter: sonet.GroupFilter{sonet.FieldName.Like(from)},
		Order:  sonet.Order{sonet.FieldID.Asc()},
	}
	for g, err := range c.AllGroups(ctx, opts) {
		if err != nil {
			return renamed, fmt.Errorf("list projects: %w", err)
		}
		// Like is a substring match; the prefix is checked here.
		if !g.Project || !strings.HasPrefix(g.Name, from) {
			continue
		}
		name := to + strings.TrimPrefix(g.Name, from)
		if _, err := c.UpdateGroup(ctx, &sonet.GroupUpdateRequest{GroupID: g.ID, Name: &name}); err != nil {
			return renamed, fmt.Errorf("rename group %d: %w", g.ID, err)
		}
		renamed = append(renamed, g.ID)
	}
	return renamed, nil
}
