package sonet

import (
	"context"
	"testing"

	"github.com/b24kit/sonet/sonettest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Emoji::decode reads hex digits in either case, so a name typed with
// upper-case hex (":F09F9A80:") reads back as "🚀" like the lower-case
// form. EnsureGroup must still find it: compared only in the stored form,
// ":F09F9A80: up" never equalled the read-back "🚀 up" and every call
// created another group.
func TestEnsureGroupFindsANameTypedWithUpperCaseHex(t *testing.T) {
	srv := sonettest.Start(t)
	c, err := NewWebhookClient(srv.WebhookURL(), WithTestDefaults())
	require.NoError(t, err)
	ctx := context.Background()
	req := &GroupCreateRequest{Name: ":F09F9A80: up"}
	first, made, err := c.EnsureGroup(ctx, req)
	require.NoError(t, err)
	require.True(t, made)
	for _, name := range []string{":F09F9A80: up", "🚀 up", ":f09f9a80: up"} {
		id, made, err := c.EnsureGroup(ctx, &GroupCreateRequest{Name: name})
		require.NoError(t, err, name)
		assert.Equal(t, [2]any{first, false}, [2]any{id, made}, name)
	}
	assert.Len(t, srv.Groups(), 1)

	// And the other way round: a group made with the emoji is found by the
	// upper-case spelling.
	second, err := c.CreateGroup(ctx, &GroupCreateRequest{Name: "🎉 party"})
	require.NoError(t, err)
	found, err := c.FindGroupsByName(ctx, ":F09F8E89: party")
	require.NoError(t, err)
	require.Len(t, found, 1)
	assert.Equal(t, second, found[0].ID)
}
