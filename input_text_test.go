package sonet

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// NUL and invalid UTF-8 are refused in every string the encoder sends,
// whatever the path, with a *ValidationError naming the wire key; nothing
// is sent.
func TestEveryPathRefusesNULAndInvalidUTF8(t *testing.T) {
	c, mt := newMockClient(t)
	ctx := context.Background()
	nul, bad := "a\x00b", "caf\xe9"
	cases := []struct {
		name, field, reason string
		run                 func() error
	}{
		{"create NAME", "NAME", "NUL", func() error {
			_, err := c.CreateGroup(ctx, &GroupCreateRequest{Name: nul})
			return err
		}},
		{"create DESCRIPTION", "DESCRIPTION", "UTF-8", func() error {
			_, err := c.CreateGroup(ctx, &GroupCreateRequest{Name: "x", Description: bad})
			return err
		}},
		{"update KEYWORDS", "KEYWORDS", "UTF-8", func() error {
			_, err := c.UpdateGroup(ctx, &GroupUpdateRequest{GroupID: 1, Keywords: String(bad)})
			return err
		}},
		{"ensure NAME", "NAME", "NUL", func() error {
			_, _, err := c.EnsureGroup(ctx, &GroupCreateRequest{Name: nul})
			return err
		}},
		{"list filter", "FILTER[%NAME]", "NUL", func() error {
			_, err := c.ListGroups(ctx, &GroupListOptions{Filter: GroupFilter{FieldName.Like(nul)}})
			return err
		}},
		{"invite MESSAGE", "MESSAGE", "UTF-8", func() error {
			_, err := c.InviteGroupMembers(ctx, 1, bad, 5)
			return err
		}},
		{"request MESSAGE", "MESSAGE", "NUL", func() error { return c.RequestGroupMembership(ctx, 1, nul) }},
		{"Call nested", "FILTER[NAME]", "UTF-8", func() error {
			_, err := c.Call(ctx, "sonet_group.get", map[string]any{"FILTER": map[string]any{"NAME": bad}}, nil)
			return err
		}},
		{"Call key", "FILTER[N?ME]", "UTF-8", func() error {
			_, err := c.Call(ctx, "sonet_group.get", map[string]any{"FILTER": map[string]any{"N\xffME": "x"}}, nil)
			return err
		}},
		{"Call struct", "NAME", "NUL", func() error {
			_, err := c.Call(ctx, "sonet_group.create", struct {
				Name string `url:"NAME"`
			}{nul}, nil)
			return err
		}},
		{"batch typed", "NAME", "UTF-8", func() error {
			b := NewBatch()
			BatchCreateGroup(b, &GroupCreateRequest{Name: bad})
			return c.RunBatch(ctx, b)
		}},
		{"batch SetParam", "GROUP_ID", "NUL", func() error {
			b := NewBatch()
			BatchDeleteGroup(b, 0, SetParam("GROUP_ID", nul))
			return c.RunBatch(ctx, b)
		}},
		{"BatchCall", "fields[TITLE]", "NUL", func() error {
			b := NewBatch()
			BatchCall[int](b, "task.item.add", map[string]any{"fields": map[string]any{"TITLE": nul}})
			return c.RunBatch(ctx, b)
		}},
	}
	for _, tc := range cases {
		err := tc.run()
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, tc.name)
		assert.Equal(t, tc.field, ve.Field, tc.name)
		assert.Contains(t, ve.Reason, tc.reason, tc.name)
		assert.ErrorIs(t, err, ErrValidation, tc.name)
	}
	assert.Equal(t, 0, mt.GetTotalCallCount())
}

// The limits of the portal's columns (b_sonet_group, b_sonet_user2group)
// are checked before sending: characters for varchar, bytes for TEXT.
func TestTextLongerThanItsColumnIsRefused(t *testing.T) {
	c, mt := newMockClient(t)
	ctx := context.Background()
	long := func(s string, n int) string { return strings.Repeat(s, n) }

	_, err := c.CreateGroup(ctx, &GroupCreateRequest{Name: long("ж", 256)})
	assert.EqualError(t, err, "sonet: invalid NAME: 256 characters, the portal stores at most 255")
	_, err = c.CreateGroup(ctx, &GroupCreateRequest{Name: "x", Keywords: long("k", 256)})
	assert.EqualError(t, err, "sonet: invalid KEYWORDS: 256 characters, the portal stores at most 255")
	_, err = c.CreateGroup(ctx, &GroupCreateRequest{Name: "x", Description: long("ж", 32768)})
	assert.EqualError(t, err, "sonet: invalid DESCRIPTION: 65536 bytes, the portal stores at most 65535")
	_, err = c.CreateGroup(ctx, &GroupCreateRequest{Name: "x", SiteIDs: []string{"s1", "abc"}})
	assert.EqualError(t, err, "sonet: invalid SITE_ID: 3 characters, the portal stores at most 2")
	_, err = c.UpdateGroup(ctx, &GroupUpdateRequest{GroupID: 1, Name: String(long("n", 256))})
	assert.EqualError(t, err, "sonet: invalid NAME: 256 characters, the portal stores at most 255")
	_, err = c.UpdateGroup(ctx, &GroupUpdateRequest{GroupID: 1, Description: String(long("d", 65536))})
	assert.EqualError(t, err, "sonet: invalid DESCRIPTION: 65536 bytes, the portal stores at most 65535")
	err = c.RequestGroupMembership(ctx, 1, long("m", 65536))
	assert.EqualError(t, err, "sonet: invalid MESSAGE: 65536 bytes, the portal stores at most 65535")
	_, err = c.InviteGroupMembers(ctx, 1, long("m", 65536), 5)
	assert.EqualError(t, err, "sonet: invalid MESSAGE: 65536 bytes, the portal stores at most 65535")
	b := NewBatch()
	BatchCreateGroup(b, &GroupCreateRequest{Name: long("n", 300)})
	assert.ErrorIs(t, c.RunBatch(ctx, b), ErrValidation)
	assert.Equal(t, 0, mt.GetTotalCallCount())

	// At the limit, it goes.
	body, err := (&GroupCreateRequest{Name: long("ж", 255), Keywords: long("k", 255), Description: long("d", 65535)}).Encode()
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(body, "NAME=%D0%B6"))
}
