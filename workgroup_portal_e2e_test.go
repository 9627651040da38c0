package sonet

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/b24kit/sonet/sonettest"
)

// A scrum's owner and master arrive as two fields; INVITED_MEMBERS holds
// invitations, not join requests; members come in user-ID order.
func TestE2EWorkgroupScrumFieldsAndInvitations(t *testing.T) {
	srv, admin := newWorkgroupPortal(t)
	ctx := context.Background()
	bob := srv.AddUser(sonettest.User{Name: "Bob"})
	carol := srv.AddUser(sonettest.User{Name: "Carol"})
	dan := srv.AddUser(sonettest.User{Name: "Dan"})
	id, err := admin.CreateGroup(ctx, &GroupCreateRequest{Name: "Sprint", Project: Yes, ScrumMasterID: dan})
	require.NoError(t, err)

	invited, err := admin.InviteGroupMembers(ctx, id, "join us", carol)
	require.NoError(t, err)
	assert.Equal(t, []int{carol}, invited)
	asBob, err := NewWebhookClient(srv.WebhookURLFor(bob), WithoutRateLimit())
	require.NoError(t, err)
	require.NoError(t, asBob.RequestGroupMembership(ctx, id, "me too"))

	w, err := admin.GetWorkgroup(ctx, id, &WorkgroupGetOptions{Select: []WorkgroupSelect{WorkgroupSelectUserData}})
	require.NoError(t, err)
	assert.Equal(t, WorkgroupTypeScrum, w.Type)
	assert.Equal(t, dan, w.ScrumMasterID)
	assert.Equal(t, 1, w.ScrumOwnerID, "the creator owns the scrum; the master is someone else")
	assert.Equal(t, []int{carol}, w.InvitedMembers, "Bob asked to join: not an invitation")
	assert.Equal(t, []int{1, dan}, w.Members)
	assert.Equal(t, &WorkgroupUserData{Role: RoleOwner, InitiatedByType: "U", IsSubscribed: true}, w.UserData)

	p, err := admin.ListWorkgroups(ctx, &WorkgroupListOptions{
		Select: []WorkgroupField{WorkgroupFieldScrumOwnerID, WorkgroupFieldScrumMasterID},
		Params: WorkgroupListParams{Mode: WorkgroupModeMobile},
	})
	require.NoError(t, err)
	require.Len(t, p.Items, 1)
	assert.Equal(t, [2]int{1, dan}, [2]int{p.Items[0].ScrumOwnerID, p.Items[0].ScrumMasterID})
	assert.Equal(t, &WorkgroupAdditionalData{Role: RoleOwner, InitiatedByType: "U"}, p.Items[0].AdditionalData)
}

// An order the portal's ORM refuses comes back as an *APIError whose code
// is the number 0.
func TestE2EWorkgroupListRefusedOrderIsAnAPIError(t *testing.T) {
	srv, admin := newWorkgroupPortal(t)
	seedWorkgroups(srv)
	var out any
	_, err := admin.Call(context.Background(), "socialnetwork.api.workgroup.list", map[string]any{"order": map[string]any{"ID": "UP"}}, &out, Idempotent())
	var ae *APIError
	require.True(t, errors.As(err, &ae), "%v", err)
	assert.Equal(t, 400, ae.HTTPStatus)
	assert.Equal(t, "0", ae.Code)
	assert.Equal(t, `Invalid order "UP" (internal error)`, ae.Description)
}
