package sonet

import (
	"context"
	"strings"
	"testing"

	"github.com/b24kit/sonet/sonettest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The portal stores NAME and DESCRIPTION with every character outside
// the Basic Multilingual Plane (emoji) written as ":" + its UTF-8 bytes in
// hex + ":" (Bitrix\Main\Text\Emoji::encode in CSocNetGroup::CheckFields):
// ten characters each. The column limits count that form.
func TestEmojiCountsAsTheTenCharactersThePortalStores(t *testing.T) {
	c, mt := newMockClient(t)
	ctx := context.Background()
	_, err := c.CreateGroup(ctx, &GroupCreateRequest{Name: strings.Repeat("🚀", 26)})
	assert.EqualError(t, err, "sonet: invalid NAME: 260 characters as the portal stores them (an emoji takes 10), the portal stores at most 255")
	_, err = c.UpdateGroup(ctx, &GroupUpdateRequest{GroupID: 1, Description: String(strings.Repeat("🚀", 6554))})
	assert.EqualError(t, err, "sonet: invalid DESCRIPTION: 65540 bytes as the portal stores them (an emoji takes 10), the portal stores at most 65535")
	assert.Equal(t, 0, mt.GetTotalCallCount())

	// At the limit, it goes.
	_, err = (&GroupCreateRequest{Name: strings.Repeat("🚀", 25) + "abcde", Description: strings.Repeat("🚀", 6553) + "abcde"}).Encode()
	require.NoError(t, err)
}

// A group whose name holds an emoji is stored and listed in the portal's
// encoded form, and the NAME filter compares that form: EnsureGroup run
// twice must still find the group it made, and FindGroupsByName find it.
func TestEnsureGroupFindsAGroupWhoseNameHasAnEmoji(t *testing.T) {
	srv := sonettest.NewServer()
	defer srv.Close()
	c, err := NewWebhookClient(srv.WebhookURL(), WithoutRateLimit())
	require.NoError(t, err)
	ctx := context.Background()
	req := &GroupCreateRequest{Name: "Launch 🚀"}
	id1, made1, err := c.EnsureGroup(ctx, req)
	require.NoError(t, err)
	id2, made2, err := c.EnsureGroup(ctx, req)
	require.NoError(t, err)
	assert.True(t, made1)
	assert.False(t, made2, "the second run finds the first run's group")
	assert.Equal(t, id1, id2)
	assert.Len(t, srv.Groups(), 1)

	gs, err := c.FindGroupsByName(ctx, "Launch 🚀")
	require.NoError(t, err)
	require.Len(t, gs, 1)
	assert.Equal(t, id1, gs[0].ID)
}

// EnsureGroup looks up the name without surrounding space, so it creates
// it without that space too: otherwise the portal stores " Sales" as sent,
// its NAME filter never matches it again, and every re-run adds a group.
func TestEnsureGroupCreatesTheNameItLooksUp(t *testing.T) {
	srv := sonettest.NewServer()
	defer srv.Close()
	c, err := NewWebhookClient(srv.WebhookURL(), WithoutRateLimit())
	require.NoError(t, err)
	ctx := context.Background()
	req := &GroupCreateRequest{Name: "  Sales\t"}
	id1, _, err := c.EnsureGroup(ctx, req)
	require.NoError(t, err)
	id2, made2, err := c.EnsureGroup(ctx, req)
	require.NoError(t, err)
	assert.False(t, made2)
	assert.Equal(t, id1, id2)
	require.Len(t, srv.Groups(), 1)
	assert.Equal(t, "Sales", srv.Groups()[0].Name)
	assert.Equal(t, "  Sales\t", req.Name, "the caller's request is not changed")
}
