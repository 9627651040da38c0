package sonet

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/b24kit/sonet/sonettest"
)

// memberPortal is a fake portal with the admin (user 1, the webhook's user),
// Bob (2), Carol (3), Dave (4) and Erin (5), and a closed group "Team"
// owned by the admin.
type memberPortal struct {
	srv                    *sonettest.Server
	admin                  *Client
	bob, carol, dave, erin int
	team                   int
}

func newMemberPortal(t *testing.T) *memberPortal {
	t.Helper()
	srv := sonettest.NewServer()
	t.Cleanup(srv.Close)
	p := &memberPortal{srv: srv}
	p.bob = srv.AddUser(sonettest.User{Name: "Bob"})
	p.carol = srv.AddUser(sonettest.User{Name: "Carol"})
	p.dave = srv.AddUser(sonettest.User{Name: "Dave"})
	p.erin = srv.AddUser(sonettest.User{Name: "Erin"})
	p.team = srv.AddGroup(sonettest.NewGroup("Team"))
	p.admin = p.as(t, 1)
	return p
}

// as returns a client acting as the given user, through that user's webhook.
func (p *memberPortal) as(t *testing.T, userID int) *Client {
	t.Helper()
	c, err := NewWebhookClient(p.srv.WebhookURLFor(userID), WithoutRateLimit())
	require.NoError(t, err)
	return c
}

func TestE2EAddListRemoveMembers(t *testing.T) {
	ctx := context.Background()
	p := newMemberPortal(t)

	added, err := p.admin.AddGroupMembers(ctx, p.team, p.bob, p.carol)
	require.NoError(t, err)
	assert.Equal(t, []int{p.bob, p.carol}, added)

	members, err := p.admin.ListGroupMembers(ctx, p.team)
	require.NoError(t, err)
	assert.Equal(t, []Member{{1, RoleOwner}, {p.bob, RoleMember}, {p.carol, RoleMember}}, members)

	again, err := p.admin.AddGroupMembers(ctx, p.team, p.bob, p.dave)
	require.NoError(t, err)
	assert.Equal(t, []int{p.dave}, again, "a user already in the group is skipped")

	removed, err := p.admin.RemoveGroupMembers(ctx, p.team, 1)
	require.NoError(t, err)
	assert.Equal(t, []int{}, removed, "the owner cannot be removed")

	removed, err = p.admin.RemoveGroupMembers(ctx, p.team, p.carol, p.dave)
	require.NoError(t, err)
	assert.Equal(t, []int{p.carol, p.dave}, removed)
	members, err = p.admin.ListGroupMembers(ctx, p.team)
	require.NoError(t, err)
	assert.Equal(t, []Member{{1, RoleOwner}, {p.bob, RoleMember}}, members)

	// The fake portal parses the body with its own PHP-style parser.
	reqs := p.srv.Requests()
	assert.Equal(t, map[string]any{"GROUP_ID": "1", "USER_ID": map[string]any{"0": "3", "1": "4"}}, reqs[len(reqs)-2].Params)
	assert.Equal(t, map[string]any{"ID": "1"}, reqs[len(reqs)-1].Params)
}

func TestE2ESetRolesAndOwner(t *testing.T) {
	ctx := context.Background()
	p := newMemberPortal(t)
	_, err := p.admin.AddGroupMembers(ctx, p.team, p.bob, p.carol)
	require.NoError(t, err)

	changed, err := p.admin.SetGroupMembersRole(ctx, p.team, RoleModerator, p.bob, 1)
	require.NoError(t, err)
	assert.Equal(t, []int{p.bob}, changed, "the owner's role is never changed")
	changed, err = p.admin.SetGroupMembersRole(ctx, p.team, RoleModerator, p.bob)
	require.NoError(t, err)
	assert.Equal(t, []int{}, changed, "a user already in the role is skipped")

	require.NoError(t, p.admin.SetGroupOwner(ctx, p.team, p.carol))
	g, err := p.admin.GetGroup(ctx, p.team)
	require.NoError(t, err)
	assert.Equal(t, p.carol, g.OwnerID)
	members, err := p.admin.ListGroupMembers(ctx, p.team)
	require.NoError(t, err)
	// The previous owner stays in the group with the role the portal gives
	// (the docs do not say which; sonettest picks one).
	snap, _ := p.srv.Group(p.team)
	oldRole := Role(snap.Members[1])
	require.Contains(t, []Role{RoleModerator, RoleMember}, oldRole)
	assert.Equal(t, []Member{{1, oldRole}, {p.bob, RoleModerator}, {p.carol, RoleOwner}}, members)

	changed, err = p.admin.SetGroupMembersRole(ctx, p.team, RoleModerator, 1, p.bob, p.carol)
	require.NoError(t, err)
	if oldRole == RoleModerator {
		assert.Equal(t, []int{}, changed, "the new owner and users already moderators are skipped")
	} else {
		assert.Equal(t, []int{1}, changed, "the new owner and users already moderators are skipped")
	}
	changed, err = p.admin.SetGroupMembersRole(ctx, p.team, RoleMember, 1, p.bob, p.carol)
	require.NoError(t, err)
	assert.Equal(t, []int{1, p.bob}, changed)
	members, err = p.admin.ListGroupMembers(ctx, p.team)
	require.NoError(t, err)
	assert.Equal(t, []Member{{1, RoleMember}, {p.bob, RoleMember}, {p.carol, RoleOwner}}, members)

	// The new owner may hand the group on; a member may not.
	err = p.as(t, p.bob).SetGroupOwner(ctx, p.team, p.bob)
	requireSonetError(t, err, "sonet_group.setowner", "User has no permissions to change group owner", ErrNoPermissionToOwner, ErrPermissionDenied)
	require.NoError(t, p.as(t, p.carol).SetGroupOwner(ctx, p.team, p.bob))
	g, err = p.admin.GetGroup(ctx, p.team)
	require.NoError(t, err)
	assert.Equal(t, p.bob, g.OwnerID)

	err = p.admin.SetGroupOwner(ctx, p.team, 999)
	requireSonetError(t, err, "sonet_group.setowner", "Wrong new owner ID", ErrWrongUserIDs)
}

func TestE2EInviteAndRequest(t *testing.T) {
	ctx := context.Background()
	p := newMemberPortal(t)

	invited, err := p.admin.InviteGroupMembers(ctx, p.team, "Join the project", p.dave, 1)
	require.NoError(t, err)
	assert.Equal(t, []int{p.dave}, invited, "the caller themself is skipped")
	reqs := p.srv.Requests()
	assert.Equal(t, map[string]any{"GROUP_ID": "1", "USER_ID": map[string]any{"0": "4", "1": "1"}, "MESSAGE": "Join the project"}, reqs[len(reqs)-1].Params)

	// Bob is not in the group: with INITIATE_PERMS K he may not invite.
	invited, err = p.as(t, p.bob).InviteGroupMembers(ctx, p.team, "", p.erin)
	require.NoError(t, err)
	assert.Equal(t, []int{}, invited)

	// Erin asks to join the closed group: the request waits.
	require.NoError(t, p.as(t, p.erin).RequestGroupMembership(ctx, p.team, "Please add me"))
	err = p.as(t, p.erin).RequestGroupMembership(ctx, p.team, "again")
	requireSonetError(t, err, "sonet_group.user.request", "Cannot request to join group", ErrCannotRequestJoin)

	members, err := p.admin.ListGroupMembers(ctx, p.team)
	require.NoError(t, err)
	assert.Equal(t, []Member{{1, RoleOwner}}, members, "invitations and requests are not members")
	snap, _ := p.srv.Group(p.team)
	assert.Equal(t, map[int]sonettest.Role{1: "A", p.dave: "Z", p.erin: "Z"}, snap.Members, "both wait in the fake portal")

	// An opened group takes the caller in at once.
	open := sonettest.NewGroup("Open")
	open.Opened = true
	openID := p.srv.AddGroup(open)
	require.NoError(t, p.as(t, p.bob).RequestGroupMembership(ctx, openID, ""))
	mine, err := p.as(t, p.bob).ListMyGroups(ctx)
	require.NoError(t, err)
	assert.Equal(t, []UserGroup{{GroupID: openID, GroupName: "Open", Role: RoleMember}}, mine)

	mine, err = p.as(t, p.dave).ListMyGroups(ctx)
	require.NoError(t, err)
	assert.Equal(t, []UserGroup{}, mine, "an invitation is not a membership")
}

func TestE2EFeatureAccessOwnerVersusMember(t *testing.T) {
	ctx := context.Background()
	p := newMemberPortal(t)
	_, err := p.admin.AddGroupMembers(ctx, p.team, p.bob, p.carol)
	require.NoError(t, err)
	require.NoError(t, p.admin.SetGroupOwner(ctx, p.team, p.carol))

	owner, member, outsider := p.as(t, p.carol), p.as(t, p.bob), p.as(t, p.erin)
	cases := []struct {
		c    *Client
		who  string
		f    Feature
		op   Operation
		want bool
	}{
		{owner, "owner", FeatureTasks, OperationDeleteTasks, true},
		{member, "member", FeatureTasks, OperationDeleteTasks, false},
		{member, "member", FeatureTasks, OperationCreateTasks, true},
		{owner, "owner", FeatureBlog, OperationFullPost, true},
		{member, "member", FeatureBlog, OperationWritePost, true},
		{member, "member", FeatureBlog, OperationModeratePost, false},
		{member, "member", FeatureForum, OperationNewTopic, true},
		{outsider, "outsider", FeatureFiles, OperationView, false},
	}
	for _, tc := range cases {
		got, err := tc.c.CanAccessFeature(ctx, p.team, tc.f, tc.op)
		require.NoError(t, err)
		assert.Equal(t, tc.want, got, "%s %s/%s", tc.who, tc.f, tc.op)
	}

	_, err = member.CanAccessFeature(ctx, p.team, Feature("wiki"), Operation("view"))
	requireSonetError(t, err, "sonet_group.feature.access", "Wrong feature", ErrWrongFeature)
	got, err := member.CanAccessFeature(ctx, 999, FeatureFiles, OperationView)
	require.NoError(t, err, "the portal answers false for a group that does not exist, not an error")
	assert.False(t, got)
}

func TestE2EMemberErrors(t *testing.T) {
	ctx := context.Background()
	p := newMemberPortal(t)

	_, err := p.admin.ListGroupMembers(ctx, 999)
	requireSonetError(t, err, "sonet_group.user.get", "Socialnetwork group not found", ErrGroupNotFound, ErrNotFound)

	_, err = p.as(t, p.bob).AddGroupMembers(ctx, p.team, p.carol)
	requireSonetError(t, err, "sonet_group.user.add", "No permissions to add users", ErrNoPermissionToAdd, ErrPermissionDenied)
	_, err = p.as(t, p.bob).RemoveGroupMembers(ctx, p.team, p.carol)
	requireSonetError(t, err, "sonet_group.user.delete", "No permissions to update users role", ErrNoPermissionToRole, ErrPermissionDenied)
	_, err = p.as(t, p.bob).SetGroupMembersRole(ctx, p.team, RoleModerator, p.carol)
	requireSonetError(t, err, "sonet_group.user.update", "No permissions to update users role", ErrNoPermissionToRole, ErrPermissionDenied)
	_, err = p.admin.InviteGroupMembers(ctx, 999, "", p.carol)
	requireSonetError(t, err, "sonet_group.user.invite", "Socialnetwork group not found", ErrGroupNotFound, ErrNotFound)

	// A secret group is not found for an outsider.
	secret := sonettest.NewGroup("Secret")
	secret.Visible = false
	secretID := p.srv.AddGroup(secret)
	err = p.as(t, p.bob).RequestGroupMembership(ctx, secretID, "")
	requireSonetError(t, err, "sonet_group.user.request", "Socialnetwork group not found", ErrGroupNotFound, ErrNotFound)

	before := len(p.srv.Requests())
	_, err = p.admin.SetGroupMembersRole(ctx, p.team, RoleOwner, p.bob)
	assert.ErrorIs(t, err, ErrValidation)
	assert.Len(t, p.srv.Requests(), before, "refused before sending")
}
