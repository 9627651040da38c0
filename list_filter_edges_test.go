package sonet

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The portal stores NAME and DESCRIPTION with every 4-byte character
// written as ":hex:" (Emoji::encode) and its filter compares with that
// stored form: a name with an emoji must be sent encoded or it matches
// nothing, and EnsureGroup would create the group again on every call.
func TestE2EEmojiNameLookUp(t *testing.T) {
	srv, c := newPortal(t)
	ctx := context.Background()
	id, created, err := c.EnsureGroup(ctx, &GroupCreateRequest{Name: "🚀 Launch"})
	require.NoError(t, err)
	require.True(t, created)

	again, created, err := c.EnsureGroup(ctx, &GroupCreateRequest{Name: "🚀 Launch"})
	require.NoError(t, err)
	assert.False(t, created)
	assert.Equal(t, id, again)
	assert.Len(t, srv.Groups(), 1)

	found, err := c.FindGroupsByName(ctx, "🚀 Launch")
	require.NoError(t, err)
	require.Len(t, found, 1)
	assert.Equal(t, "🚀 Launch", found[0].Name)

	p, err := c.ListGroups(ctx, &GroupListOptions{Filter: GroupFilter{FieldName.Like("🚀")}})
	require.NoError(t, err)
	require.Len(t, p.Items, 1)
	assert.Equal(t, id, p.Items[0].ID)
}

func TestGroupFilterEncodesEmojiAsStored(t *testing.T) {
	o := &GroupListOptions{Filter: GroupFilter{
		FieldName.Eq("🚀 Launch"), FieldDescription.Like("go 🎉"), FieldKeywords.Like("🎉"),
	}}
	body, err := o.Encode()
	require.NoError(t, err)
	assert.Equal(t, "FILTER[NAME]=%3Af09f9a80%3A%20Launch&FILTER[%25DESCRIPTION]=go%20%3Af09f8e89%3A&FILTER[%25KEYWORDS]=%F0%9F%8E%89", body)
	// The condition itself still reports what the caller asked for.
	assert.Equal(t, []string{"🚀 Launch"}, FieldName.Eq("🚀 Launch").Values())

	// socialnetwork.api.workgroup.list is not changed.
	w := &WorkgroupListOptions{Filter: WorkgroupFilter{FieldName.Eq("🚀")}}
	body, err = w.Encode()
	require.NoError(t, err)
	assert.Equal(t, "filter[NAME]=%F0%9F%9A%80", body)

	// Batch pages encode the same way.
	c, mt := newMockClient(t)
	var sent string
	mt.RegisterResponder(http.MethodPost, testEndpoint+"batch", func(r *http.Request) (*http.Response, error) {
		require.NoError(t, r.ParseForm())
		sent = r.PostForm.Get("cmd[c0]")
		return httpmock.NewStringResponse(200, `{"result":{"result":{"c0":[]},"result_error":{},"result_total":{"c0":0},"result_next":{},"result_time":{}}}`), nil
	})
	b := NewBatch()
	BatchListGroups(b, &GroupListOptions{Filter: GroupFilter{FieldName.Eq("🚀")}})
	require.NoError(t, c.RunBatch(context.Background(), b))
	assert.Contains(t, sent, "FILTER[NAME]=%3Af09f9a80%3A")
}

// Call and BatchCall encode a typed filter through its EncodeValues, which
// refuses what ListGroups refuses: a raw Call must not send an operator the
// method drops silently.
func TestCallRefusesDroppedFilterOperators(t *testing.T) {
	c, mt := newMockClient(t)
	ctx := context.Background()
	bad := &GroupListOptions{Filter: GroupFilter{Where("=%NAME", "%Alpha%")}}
	_, err := c.Call(ctx, "sonet_group.get", bad, nil, Idempotent())
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.ErrorIs(t, err, ErrValidation)
	assert.Equal(t, "FILTER", ve.Field)
	assert.Contains(t, ve.Reason, `drops the operator "=%"`)

	_, err = c.Call(ctx, "sonet_group.get", map[string]any{"FILTER": GroupFilter{Where("><ID", "1", "5")}}, nil, Idempotent())
	assert.ErrorIs(t, err, ErrValidation)

	_, err = c.Call(ctx, "socialnetwork.api.workgroup.list", map[string]any{"filter": WorkgroupFilter{Where("?NAME", "a")}}, nil, Idempotent())
	assert.ErrorIs(t, err, ErrValidation)

	b := NewBatch()
	h := BatchCall[json.RawMessage](b, "sonet_group.get", bad)
	assert.ErrorIs(t, h.Err(), ErrValidation)
	assert.Zero(t, mt.GetTotalCallCount())

	// The loudly named escape hatch still sends.
	mt.RegisterResponder(http.MethodPost, testEndpoint+"sonet_group.get", httpmock.NewStringResponder(200, `{"result":[],"total":0}`))
	_, err = c.Call(ctx, "sonet_group.get", &GroupListOptions{Filter: GroupFilter{WhereUnchecked("=%NAME", "x")}}, nil, Idempotent())
	require.NoError(t, err)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}
