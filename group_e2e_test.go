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

// newPortal starts a fake portal and a webhook client for it.
func newPortal(t *testing.T, opts ...sonettest.Option) (*sonettest.Server, *Client) {
	t.Helper()
	srv := sonettest.NewServer(opts...)
	t.Cleanup(srv.Close)
	c, err := NewWebhookClient(srv.WebhookURL(), WithoutRateLimit(), WithRetryPolicy(RetryPolicy{MaxAttempts: 3}))
	require.NoError(t, err)
	return srv, c
}

func TestE2EGroupRoundTrip(t *testing.T) {
	srv, c := newPortal(t)
	ctx := context.Background()
	start := time.Date(2026, 4, 1, 9, 0, 0, 0, time.FixedZone("", 2*3600))
	id, err := c.CreateGroup(ctx, &GroupCreateRequest{
		Name: "Launch", Description: "Q2 launch", Project: Yes, Opened: Yes, Keywords: "launch,q2",
		ProjectDateStart: start, ProjectDateFinish: start.Add(30 * 24 * time.Hour), InitiatePerms: RoleModerator,
		Image: &Image{Name: "logo.png", Content: tinyPNG()},
	})
	require.NoError(t, err)

	stored, ok := srv.Group(id)
	require.True(t, ok)
	assert.Equal(t, "Launch", stored.Name)
	assert.Equal(t, "E", stored.InitiatePerms)
	assert.True(t, stored.ProjectDateStart.Equal(start))
	assert.True(t, stored.Project)
	assert.True(t, stored.Opened)

	g, err := c.GetGroup(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, id, g.ID)
	assert.Equal(t, "Launch", g.Name)
	assert.Equal(t, "Q2 launch", g.Description)
	assert.Equal(t, "launch,q2", g.Keywords)
	assert.True(t, g.Project)
	assert.True(t, g.Opened)
	assert.True(t, g.Visible, "portal default")
	assert.False(t, g.Closed)
	assert.Equal(t, 1, g.OwnerID)
	assert.NotEmpty(t, g.Image)

	_, err = c.UpdateGroup(ctx, &GroupUpdateRequest{GroupID: id, Description: String(""), Visible: No, Closed: Yes, ImageFileID: Int(0)})
	require.NoError(t, err)
	g, err = c.GetGroup(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, "", g.Description, "cleared")
	assert.False(t, g.Visible)
	assert.True(t, g.Closed)
	assert.Equal(t, "", g.Image, "avatar removed")
	assert.Equal(t, "Launch", g.Name, "untouched fields keep their value")

	require.NoError(t, c.DeleteGroup(ctx, id))
	_, err = c.GetGroup(ctx, id)
	assert.ErrorIs(t, err, ErrNotFound)
	_, ok = srv.Group(id)
	assert.False(t, ok)
}

func TestE2EErrorsMapToSentinels(t *testing.T) {
	srv, c := newPortal(t)
	ctx := context.Background()
	_, err := c.UpdateGroup(ctx, &GroupUpdateRequest{GroupID: 999, Name: String("x")})
	assert.ErrorIs(t, err, ErrNotFound)
	assert.NotErrorIs(t, err, ErrOutcomeUnknown)
	assert.ErrorIs(t, c.DeleteGroup(ctx, 999), ErrNotFound)

	other := srv.AddUser(sonettest.User{Name: "Bob"})
	g := sonettest.NewGroup("Admins only")
	id := srv.AddGroup(g)
	bob, err := NewWebhookClient(srv.WebhookURLFor(other), WithoutRateLimit())
	require.NoError(t, err)
	_, err = bob.UpdateGroup(ctx, &GroupUpdateRequest{GroupID: id, Name: String("mine")})
	assert.ErrorIs(t, err, ErrPermissionDenied)
	assert.ErrorIs(t, err, ErrNoPermissionToUpdate)

	bad, err := NewWebhookClient(srv.URL()+"/rest/1/wrongcode/", WithoutRateLimit())
	require.NoError(t, err)
	_, err = bad.ListGroups(ctx, nil)
	assert.ErrorIs(t, err, ErrNoAuthFound)
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 401, ae.HTTPStatus)
}

func TestE2EListFilterOrderAndWalk(t *testing.T) {
	srv, c := newPortal(t)
	ctx := context.Background()
	for i := 1; i <= 120; i++ {
		g := sonettest.NewGroup(fmt.Sprintf("Team %03d", i))
		g.Project = i%3 == 0
		g.OwnerID = 1 + i%2
		srv.AddGroup(g)
	}
	p, err := c.ListGroups(ctx, &GroupListOptions{
		Filter: GroupFilter{FieldName.Like("team 1"), FieldOwnerID.Eq(1)},
		Order:  Order{FieldName.Desc()},
	})
	require.NoError(t, err)
	var names []string
	for _, g := range p.Items {
		names = append(names, g.Name)
	}
	// "Team 1xx" with an even number (owner 1); "Team 010" has no "team 1".
	assert.Equal(t, []string{"Team 120", "Team 118", "Team 116", "Team 114", "Team 112", "Team 110", "Team 108", "Team 106", "Team 104", "Team 102", "Team 100"}, names)
	assert.Equal(t, 11, p.Total)
	assert.False(t, p.HasNext)

	var ids []int
	for g, err := range c.AllGroups(ctx, &GroupListOptions{Order: Order{FieldID.Asc()}}) {
		require.NoError(t, err)
		ids = append(ids, g.ID)
	}
	require.Len(t, ids, 120)
	for i := 1; i < len(ids); i++ {
		assert.Less(t, ids[i-1], ids[i])
	}
	var pages []string
	for _, r := range srv.Requests() {
		if r.Method == "sonet_group.get" {
			s, _ := r.Params["start"].(string)
			pages = append(pages, s)
		}
	}
	assert.Equal(t, []string{"", "", "50", "100"}, pages)
}

func TestE2EOAuthClient(t *testing.T) {
	srv := sonettest.NewServer()
	defer srv.Close()
	c, err := NewOAuthClient(srv.PortalURL(), srv.AccessToken(), WithoutRateLimit())
	require.NoError(t, err)
	id, err := c.CreateGroup(context.Background(), &GroupCreateRequest{Name: "By app"})
	require.NoError(t, err)
	g, err := c.GetGroup(context.Background(), id)
	require.NoError(t, err)
	assert.Equal(t, "By app", g.Name)

	srv.ExpireAccessToken()
	_, err = c.GetGroup(context.Background(), id)
	assert.ErrorIs(t, err, ErrExpiredToken, "without a refresher an expired token is final")
}

func TestE2EReadsSurviveFaultsAndWritesNeverDuplicate(t *testing.T) {
	srv, _ := newPortal(t, sonettest.WithFaults(sonettest.Faults{Seed: 7, QueryLimit: 0.1, InternalBefore: 0.1, InternalAfter: 0.1, HTMLBadGateway: 0.1, Truncated: 0.1}))
	c, err := NewWebhookClient(srv.WebhookURL(), WithoutRateLimit(), WithRetryPolicy(RetryPolicy{MaxAttempts: 10}))
	require.NoError(t, err)
	ctx := context.Background()
	created := map[string]int{}
	unknown := 0
	for i := 0; i < 60; i++ {
		name := fmt.Sprintf("G%02d", i)
		id, err := c.CreateGroup(ctx, &GroupCreateRequest{Name: name})
		switch {
		case err == nil:
			created[name] = id
		case assert.ErrorIs(t, err, ErrOutcomeUnknown):
			unknown++
		}
	}
	count := map[string]int{}
	for _, g := range srv.Groups() {
		count[g.Name]++
	}
	for name, n := range count {
		assert.Equal(t, 1, n, "group %s exists %d times", name, n)
	}
	for name, id := range created {
		g, ok := srv.Group(id)
		require.True(t, ok)
		assert.Equal(t, name, g.Name)
	}
	assert.Greater(t, unknown, 0, "faults after the write must surface as unknown outcomes")
	// Reads go through every fault kind.
	n := 0
	for _, err := range c.AllGroups(ctx, nil) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, len(srv.Groups()), n)
}
