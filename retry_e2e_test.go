package sonet

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/b24kit/sonet/sonettest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRetryE2EWritesNeverDuplicateUnderFaults(t *testing.T) {
	srv := sonettest.NewServer(sonettest.WithFaults(sonettest.Faults{
		Seed: 42, QueryLimit: 0.05, InternalBefore: 0.05, InternalAfter: 0.05,
		HTMLBadGateway: 0.05, Truncated: 0.05, Drop: 0.05,
	}))
	defer srv.Close()
	c, err := NewWebhookClient(srv.WebhookURL(), WithoutRateLimit(),
		WithRetryPolicy(RetryPolicy{MaxAttempts: 5, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}))
	require.NoError(t, err)

	const n = 1000
	ok := map[string]int{}
	unknown := 0
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("Unique %04d", i)
		id, err := c.CreateGroup(context.Background(), &GroupCreateRequest{Name: name})
		if err != nil {
			require.ErrorIs(t, err, ErrOutcomeUnknown, name)
			unknown++
			continue
		}
		ok[name] = id
	}
	count := map[string]int{}
	byID := map[int]string{}
	for _, g := range srv.Groups() {
		count[g.Name]++
		byID[g.ID] = g.Name
	}
	for name, c := range count {
		require.Equal(t, 1, c, "%s exists %d times", name, c)
	}
	for name, id := range ok {
		require.Equal(t, name, byID[id], "reported success left exactly that group")
	}
	assert.Equal(t, n, len(ok)+unknown)
	// About 25% of creates lose their answer (InternalBefore, InternalAfter,
	// HTMLBadGateway, Truncated, Drop); QUERY_LIMIT_EXCEEDED is retried.
	assert.InDelta(t, 250, unknown, 60)
	assert.GreaterOrEqual(t, len(count), len(ok))

	statuses := map[int]int{}
	for _, r := range srv.Requests() {
		statuses[r.HTTPStatus]++
	}
	assert.Greater(t, statuses[503], 20, "QUERY_LIMIT_EXCEEDED was injected and retried")
	assert.Equal(t, n+statuses[503], len(srv.Requests()), "only refusals were repeated")
}

func TestRetryE2EReadsSucceedThroughFaults(t *testing.T) {
	srv := sonettest.NewServer(sonettest.WithFaults(sonettest.Faults{
		Seed: 9, QueryLimit: 0.1, InternalBefore: 0.1, InternalAfter: 0.1,
		HTMLBadGateway: 0.1, Truncated: 0.1, Drop: 0.1,
	}))
	defer srv.Close()
	for i := 1; i <= 120; i++ {
		srv.AddGroup(sonettest.NewGroup(fmt.Sprint("R", i)))
	}
	c, err := NewWebhookClient(srv.WebhookURL(), WithoutRateLimit(),
		WithRetryPolicy(RetryPolicy{MaxAttempts: 20, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}))
	require.NoError(t, err)
	for round := 0; round < 20; round++ {
		ids := collect(t, c.AllGroups(context.Background(), &GroupListOptions{Order: Order{FieldID.Asc()}}))
		require.Len(t, ids, 120)
		assert.Equal(t, 1, ids[0])
		assert.Equal(t, 120, ids[119])
	}
	assert.Greater(t, len(srv.Requests()), 60+20)
}
