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

func seedGroups(srv *sonettest.Server, n int) {
	for i := 1; i <= n; i++ {
		srv.AddGroup(sonettest.NewGroup(fmt.Sprintf("Group %03d", i)))
	}
}

// Against the fake portal's NavQuery arithmetic: a start past the end is an
// empty page, never page 1's rows; a walk from the last page ends there.
func TestE2EListStartPastTheEnd(t *testing.T) {
	srv, c := newPortal(t)
	seedGroups(srv, 123)
	ctx := context.Background()
	byID := Order{FieldID.Asc()}

	p, err := c.ListGroups(ctx, &GroupListOptions{Order: byID, Start: 1000})
	require.NoError(t, err)
	assert.Empty(t, p.Items)
	assert.False(t, p.HasNext)
	assert.Equal(t, 123, p.Total)

	p, err = c.ListGroups(ctx, &GroupListOptions{Order: byID, Start: 100})
	require.NoError(t, err)
	require.Len(t, p.Items, 23)
	assert.Equal(t, 101, p.Items[0].ID)
	assert.False(t, p.HasNext)

	_, err = c.ListGroups(ctx, &GroupListOptions{Order: byID, Start: 30})
	assert.ErrorIs(t, err, ErrValidation)

	var ids []int
	for g, err := range c.AllGroups(ctx, &GroupListOptions{Order: byID}) {
		require.NoError(t, err)
		ids = append(ids, g.ID)
	}
	require.Len(t, ids, 123)
	for i, id := range ids {
		require.Equal(t, i+1, id)
	}
	n := 0
	for _, err := range c.AllGroups(ctx, &GroupListOptions{Order: byID, Start: 1000}) {
		require.NoError(t, err)
		n++
	}
	assert.Zero(t, n)
	n = 0
	for _, err := range c.AllGroups(ctx, &GroupListOptions{Order: byID, Start: 150}) {
		require.NoError(t, err)
		n++
	}
	assert.Zero(t, n, "start equal to the page count*50 is past the end too")
}

// What the typed filter sends is what the fake portal honours; the key the
// SDK refuses is one the portal ignores (every row comes back).
func TestE2EGroupFilterFields(t *testing.T) {
	srv, c := newPortal(t)
	ctx := context.Background()
	srv.AddUser(sonettest.User{ID: 2, Name: "Olga"})
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, g := range []sonettest.Group{
		{Name: "Alpha launch", Description: "web shop", Keywords: "web", InitiatePerms: "A", Active: true, Visible: true, DateCreate: base},
		{Name: "Omega", InitiatePerms: "E", SubjectID: 2, SubjectName: "Sales", Active: true, Visible: true, Members: map[int]sonettest.Role{2: sonettest.RoleMember}},
		{Name: "alpha draft", Description: "draft report", InitiatePerms: "K", Active: true, Visible: true},
	} {
		if g.DateCreate.IsZero() {
			g.DateCreate = base.Add(time.Duration(i) * time.Hour)
		}
		srv.AddGroup(g)
	}
	for name, tc := range map[string]struct {
		f    GroupFilter
		want []int
	}{
		"search OR":       {GroupFilter{FieldName.Search("Alpha|Omega")}, []int{3, 2, 1}},
		"search NOT":      {GroupFilter{FieldName.Search("alpha ~draft")}, []int{1}},
		"Eq ignores case": {GroupFilter{FieldName.Eq("ALPHA DRAFT")}, []int{3}},
		"description":     {GroupFilter{FieldDescription.Like("report")}, []int{3}},
		"keywords":        {GroupFilter{FieldKeywords.Eq("web")}, []int{1}},
		"subject name":    {GroupFilter{FieldSubjectName.Eq("sales"), FieldSubjectID.Eq(2)}, []int{2}},
		"initiate perms":  {GroupFilter{FieldInitiatePerms.In(RoleOwner, RoleModerator)}, []int{2, 1}},
		"members":         {GroupFilter{FieldNumberOfMembers.GTE(2)}, []int{2}},
		"date":            {GroupFilter{FieldDateCreate.GT(base.Add(30 * time.Minute))}, []int{3, 2}},
		"unchecked =%":    {GroupFilter{WhereUnchecked("=%NAME", "%Alpha%")}, []int{3, 2, 1}},
		"unchecked !%":    {GroupFilter{WhereUnchecked("!%NAME", "alpha")}, []int{3, 1}},
	} {
		p, err := c.ListGroups(ctx, &GroupListOptions{Filter: tc.f})
		require.NoError(t, err, name)
		var got []int
		for _, g := range p.Items {
			got = append(got, g.ID)
		}
		assert.Equal(t, tc.want, got, name)
	}
}
