package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/b24kit/sonet"
)

// checkUsers refuses, before anything is sent, a plan that names a user the
// portal does not have (or who is not active): new owners and new members.
//
// How we know: users already seen on the portal (owners of groups, members
// of the groups read) exist. Every other ID is looked up with user.get
// (FILTER[ID]=N, one command per user, 50 per batch request): no row means
// no such user, ACTIVE false means a dismissed user, whom the portal would
// skip. user.get needs the "user" scope; a webhook without it answers
// insufficient_scope, and then (as when the portal lacks the method) only
// the IDs' syntax is checked, with a warning on stderr saying so.
func checkUsers(ctx context.Context, client *sonet.Client, p *plan, known map[int]bool, stderr io.Writer) error {
	where := map[int]string{}
	note := func(id int, s string) {
		if !known[id] {
			if _, ok := where[id]; !ok {
				where[id] = s
			}
		}
	}
	for _, gp := range p.groups {
		if gp.create && gp.spec.OwnerID != nil {
			note(*gp.spec.OwnerID, fmt.Sprintf("group %q (line %d): owner_id", gp.spec.Name, gp.spec.line))
		}
		if gp.owner != 0 {
			note(gp.owner, fmt.Sprintf("group %q (line %d): owner_id", gp.spec.Name, gp.spec.line))
		}
		for _, m := range gp.adds {
			note(m.UserID, fmt.Sprintf("group %q (line %d): members", gp.spec.Name, m.line))
		}
	}
	if len(where) == 0 {
		return nil
	}
	ids := make([]int, 0, len(where))
	for id := range where {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	type userRow struct {
		ID     json.RawMessage `json:"ID"`
		Active json.RawMessage `json:"ACTIVE"` // true/false; "Y"/"N" read too
	}
	var problems []string
	for start := 0; start < len(ids); start += sonet.MaxBatchCommands {
		chunk := ids[start:min(start+sonet.MaxBatchCommands, len(ids))]
		var hs []*sonet.BatchCommand[[]userRow]
		err := runReadBatch(ctx, client, func(b *sonet.Batch) {
			hs = hs[:0]
			for _, id := range chunk {
				hs = append(hs, sonet.BatchCall[[]userRow](b, "user.get", map[string]any{"FILTER": map[string]any{"ID": id}}))
			}
		})
		if err != nil {
			return fmt.Errorf("checking user IDs: %w", err)
		}
		for i, h := range hs {
			rows, err := h.Result()
			if errors.Is(err, sonet.ErrMethodNotFound) || errors.Is(err, sonet.ErrInsufficientScope) {
				fmt.Fprintf(stderr, "sonet: warning: cannot check that user IDs exist (user.get: %v); only their syntax was checked\n", err)
				return nil
			}
			if err != nil {
				return fmt.Errorf("checking user %d: %w", chunk[i], err)
			}
			switch {
			case len(rows) == 0:
				problems = append(problems, fmt.Sprintf("%s: user %d does not exist on the portal", where[chunk[i]], chunk[i]))
			case inactive(rows[0].Active):
				problems = append(problems, fmt.Sprintf("%s: user %d is not active (dismissed)", where[chunk[i]], chunk[i]))
			}
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("unknown users, nothing was changed:\n  %s", strings.Join(problems, "\n  "))
	}
	return nil
}

func inactive(raw json.RawMessage) bool {
	switch strings.TrimSpace(string(raw)) {
	case "false", `"N"`, `"n"`, "0", `"0"`:
		return true
	}
	return false
}
