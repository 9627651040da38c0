package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/b24kit/sonet"
)

// readAttempts bounds how often a read-only batch is sent again after it
// failed as a whole (a lost answer, a 5xx): reads change nothing, so trying
// again is safe.
const readAttempts = 4

// runReadBatch runs a batch of read commands built by build, rebuilding and
// resending it when the whole request failed. Per-command errors are left in
// the handles.
func runReadBatch(ctx context.Context, client *sonet.Client, build func(b *sonet.Batch)) error {
	var err error
	for attempt := 0; attempt < readAttempts; attempt++ {
		b := sonet.NewBatch()
		build(b)
		err = client.RunBatch(ctx, b)
		var be *sonet.BatchError
		if err == nil || !errors.As(err, &be) || be.Cause == nil {
			return nil // whole request answered: per-command errors are in the handles
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return err
}

// fetchMembers reads the members of the groups with one sonet_group.user.get
// command per group, 50 to a batch request. gone lists the groups the portal
// no longer finds (deleted since they were listed).
func fetchMembers(ctx context.Context, client *sonet.Client, ids []int) (members map[int][]sonet.Member, gone map[int]bool, err error) {
	members, gone = make(map[int][]sonet.Member, len(ids)), map[int]bool{}
	for start := 0; start < len(ids); start += sonet.MaxBatchCommands {
		chunk := ids[start:min(start+sonet.MaxBatchCommands, len(ids))]
		var handles []*sonet.BatchCommand[[]sonet.Member]
		err := runReadBatch(ctx, client, func(b *sonet.Batch) {
			handles = handles[:0]
			for _, id := range chunk {
				handles = append(handles, sonet.BatchCall[[]sonet.Member](b, "sonet_group.user.get", map[string]any{"ID": id}))
			}
		})
		if err != nil {
			return nil, nil, fmt.Errorf("reading members: %w", err)
		}
		for i, h := range handles {
			ms, err := h.Result()
			if errors.Is(err, sonet.ErrNotFound) {
				gone[chunk[i]] = true
				continue
			}
			if err != nil {
				return nil, nil, fmt.Errorf("reading the members of group %d: %w", chunk[i], err)
			}
			members[chunk[i]] = ms
		}
	}
	return members, gone, nil
}
