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
	assert.Equal(t, id, found[0].ID)

	p, err := c.ListGroups(ctx, &GroupListOptions{Filter: GroupFilter{FieldName.Like("🚀")}})
	require.NoError(t, err)
	require.Len(t, p.Items, 1)
	assert.Equal(t, id, p.Items[0].ID)

	w, err := c.ListWorkgroups(ctx, &WorkgroupListOptions{Filter: WorkgroupFilter{FieldName.Eq("🚀 Launch")},
		Select: []WorkgroupField{WorkgroupFieldName}})
	require.NoError(t, err)
	require.Len(t, w.Items, 1)
	assert.Equal(t, id, w.Items[0].ID)
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

// What sonet_group.get keeps but misreads is refused before sending: an
// operator on IS_EXTRANET (the REST layer reads only the value, so "!"
// selects the extranet groups), a value other than Y or N (no condition:
// every row), "%" or "?" on a number or date (CSqlUtil compares with =), and
// sorting by SUBJECT_NAME or an owner field (the permission UNION sorts by
// the group's NAME, or fails).
func TestGroupFilterRefusesWhatThePortalMisreads(t *testing.T) {
	for _, f := range []GroupFilterItem{
		Where("!IS_EXTRANET", "Y"), Where("!=IS_EXTRANET", "N"), Where("IS_EXTRANET", "yes"),
		Where("IS_EXTRANET", "Y", "N"), Where("%ID", "5"), Where("?OWNER_ID", "1"),
		Where("%DATE_CREATE", "2026-01-01"), Where("?NUMBER_OF_MEMBERS", "3"),
		Where(">PROJECT_DATE_START", "2026-01-02T00:00:00+02:00"), Where("PROJECT_DATE_FINISH", "01.01.2026", "2026-01-01T00:00:00Z"),
		Where("ID", "abc"), Where(">OWNER_ID", "12abc"), Where("SUBJECT_ID", "1", "x"), Where("ACTIVE", "true"),
		Where("!PROJECT", "yes"), Where("!DATE_CREATE", "not a date"), Where(">DATE_UPDATE", "yesterday"),
		Where("<PROJECT_DATE_FINISH", "2026/01/02"),
	} {
		_, err := (&GroupListOptions{Filter: GroupFilter{f}}).Encode()
		assert.ErrorIs(t, err, ErrValidation, f)
	}
	_, err := (&GroupListOptions{Filter: GroupFilter{Where("!IS_EXTRANET", "Y")}}).Encode()
	assert.EqualError(t, err, `sonet: invalid FILTER: sonet_group.get ignores the operator "!" on IS_EXTRANET and reads it as equal (filter key "!IS_EXTRANET"); use WhereUnchecked to send it anyway`)
	body, err := (&GroupListOptions{Filter: GroupFilter{FieldIsExtranet.Eq(true), Where("%NAME", "5"), FieldKeywords.Search("a|b"),
		Where(">PROJECT_DATE_START", "02.01.2026"), Where("ID", "-1", "7"), Where("ACTIVE", "y"),
		Where(">DATE_CREATE", "2026-01-01T00:00:00+03:00"), Where("<DATE_UPDATE", "01.02.2026 10:00:00"), Where("<=DATE_ACTIVITY", "now")}}).Encode()
	require.NoError(t, err)
	assert.Equal(t, "FILTER[IS_EXTRANET]=Y&FILTER[%25NAME]=5&FILTER[%3FKEYWORDS]=a%7Cb&FILTER[%3EPROJECT_DATE_START]=02.01.2026"+
		"&FILTER[ID][0]=-1&FILTER[ID][1]=7&FILTER[ACTIVE]=y&FILTER[%3EDATE_CREATE]=2026-01-01T00%3A00%3A00%2B03%3A00"+
		"&FILTER[%3CDATE_UPDATE]=01.02.2026%2010%3A00%3A00&FILTER[%3C%3DDATE_ACTIVITY]=now", body)
	_, err = (&GroupListOptions{Filter: GroupFilter{Where("ID", "abc")}}).Encode()
	assert.EqualError(t, err, `sonet: invalid FILTER: sonet_group.get reads the number field ID as intval("abc"), not as the value given (filter key "ID"); use WhereUnchecked to send it anyway`)

	for _, ob := range []OrderBy{FieldSubjectName.Asc(), FieldOwnerName.Desc(), FieldOwnerLastName.Asc(), FieldOwnerLogin.Asc(), FieldOwnerEmail.Asc()} {
		_, err := (&GroupListOptions{Order: Order{ob}}).Encode()
		assert.ErrorIs(t, err, ErrValidation, ob.Field)
	}
	_, err = (&GroupListOptions{Order: Order{FieldSubjectName.Asc()}}).Encode()
	assert.EqualError(t, err, `sonet: invalid ORDER: sonet_group.get sorts by the group's NAME instead when permissions are checked (its UNION strips the S. prefix): sort by SUBJECT_NAME is refused`)
	// Scans and FindGroupsByName build their filters through the same check.
	var scan GroupScanOptions
	scan.Filter = GroupFilter{Where("!IS_EXTRANET", "Y")}
	_, err = scan.page("0", 0, true, false)
	assert.ErrorIs(t, err, ErrValidation)
}

// A hand-written FILTER or ORDER map given to Call or BatchCall for a list
// method is checked like a typed one; a GroupFilter with WhereUnchecked in
// the map is the loud way to send a key anyway.
func TestCallChecksHandWrittenListMaps(t *testing.T) {
	c, mt := newMockClient(t)
	ctx := context.Background()
	for _, p := range []map[string]any{
		{"FILTER": map[string]any{"=%NAME": "%Alpha%"}},
		{"FILTER": map[string]string{"><ID": "1"}},
		{"FILTER": map[string]any{"!IS_EXTRANET": "Y"}},
		{"FILTER": map[string]any{"UF_X": []any{1, 2}}},
		{"ORDER": map[string]any{"SUBJECT_NAME": "asc"}},
		{"ORDER": map[string]string{"NAME": "up"}},
	} {
		_, err := c.Call(ctx, "sonet_group.get", p, nil, Idempotent())
		assert.ErrorIs(t, err, ErrValidation, p)
		b := NewBatch()
		assert.ErrorIs(t, BatchCall[json.RawMessage](b, "SONET_GROUP.GET", p).Err(), ErrValidation, p)
	}
	_, err := c.Call(ctx, "socialnetwork.api.workgroup.list", map[string]any{"filter": map[string]any{"?NAME": "a"}}, nil, Idempotent())
	assert.EqualError(t, err, `sonet: invalid filter: socialnetwork.api.workgroup.list drops the operator "?" of filter key "?NAME" silently (it would return every row); use WhereUnchecked to send it anyway`)
	assert.Zero(t, mt.GetTotalCallCount())

	var rec recorded
	mt.RegisterResponder(http.MethodPost, testEndpoint+"sonet_group.get", rec.respond(200, []byte(`{"result":[],"total":0}`)))
	_, err = c.Call(ctx, "sonet_group.get", map[string]any{
		"FILTER": map[string]any{"%NAME": "Alpha", "ID": []any{1, 2}}, "ORDER": map[string]any{"ID": "ASC"},
	}, nil, Idempotent())
	require.NoError(t, err)
	_, err = c.Call(ctx, "sonet_group.get", map[string]any{"FILTER": GroupFilter{WhereUnchecked("=%NAME", "x")}}, nil, Idempotent())
	require.NoError(t, err)
	// Other methods' maps are not this check's business.
	mt.RegisterResponder(http.MethodPost, testEndpoint+"crm.deal.list", rec.respond(200, []byte(`{"result":[]}`)))
	_, err = c.Call(ctx, "crm.deal.list", map[string]any{"FILTER": map[string]any{"=%TITLE": "x"}}, nil, Idempotent())
	require.NoError(t, err)
	assert.Equal(t, 3, mt.GetTotalCallCount())
}

// Several bad keys in a hand-written FILTER or ORDER map: the error names
// the first in key order, every time (the map's random order named a
// different key from run to run).
func TestCallNamesTheSameBadListKeyEveryTime(t *testing.T) {
	c, _ := newMockClient(t)
	filter := map[string]any{"FILTER": map[string]any{"=%NAME": "x", "><ID": "1", "?NAME": "y", "!IS_EXTRANET": "Y"}}
	order := map[string]any{"ORDER": map[string]any{"SUBJECT_NAME": "asc", "OWNER_NAME": "asc", "NAME": "up"}}
	var first [2]string
	for i := range 50 {
		for k, p := range []map[string]any{filter, order} {
			_, err := c.Call(context.Background(), "sonet_group.get", p, nil, Idempotent())
			require.ErrorIs(t, err, ErrValidation)
			if i == 0 {
				first[k] = err.Error()
			}
			require.Equal(t, first[k], err.Error())
		}
	}
	assert.Contains(t, first[0], `filter key "!IS_EXTRANET"`)
	assert.Contains(t, first[1], "NAME")
	assert.NotContains(t, first[1], "OWNER_NAME")
}
