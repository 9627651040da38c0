package sonet

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestListMyGroupsSendsEmptyBodyAndDecodesDocExample(t *testing.T) {
	c, mt := newMockClient(t)
	var rec recorded
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.user.groups", rec.respond(200, fixture(t, "sonet_group.user.groups/ok.json")))

	groups, err := c.ListMyGroups(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []string{""}, rec.Bodies(), "the method takes no parameters")
	assert.Equal(t, []UserGroup{
		{GroupID: 77, GroupName: "New Project Title", Role: RoleMember, ImageID: 0, Image: "", IsExtranet: false},
		{GroupID: 79, GroupName: "Scrum Project", Role: RoleOwner, ImageID: 0, Image: "", IsExtranet: false},
	}, groups)
}

func TestListMyGroupsDecodesAvatarAndExtranet(t *testing.T) {
	c, mt := newMockClient(t)
	var rec recorded
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.user.groups", rec.respond(200, fixture(t, "sonet_group.user.groups/extranet_with_avatar.json")))

	groups, err := c.ListMyGroups(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []UserGroup{{
		GroupID: 81, GroupName: "Partners", Role: RoleModerator, ImageID: 1043,
		Image: "https://portal.example/upload/main/4a1/partners.png", IsExtranet: true,
	}}, groups)
}

func TestListMyGroupsEmptyIsEmptySlice(t *testing.T) {
	c, mt := newMockClient(t)
	var rec recorded
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.user.groups", rec.respond(200, fixture(t, "sonet_group.user.groups/empty.json")))
	groups, err := c.ListMyGroups(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []UserGroup{}, groups)
	assert.NotNil(t, groups)
}

func TestListMyGroupsFollowsNext(t *testing.T) {
	c, mt := newMockClient(t)
	var rec recorded
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.user.groups",
		rec.respond(200, []byte(`{"result":[{"GROUP_ID":"77","GROUP_NAME":"A","ROLE":"K"}],"next":50}`)).
			Then(rec.respond(200, []byte(`{"result":[{"GROUP_ID":78,"GROUP_NAME":"B","ROLE":"E"}]}`))))
	groups, err := c.ListMyGroups(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []UserGroup{
		{GroupID: 77, GroupName: "A", Role: RoleMember},
		{GroupID: 78, GroupName: "B", Role: RoleModerator},
	}, groups)
	assert.Equal(t, []string{"", "start=50"}, rec.Bodies())
}

func TestListMyGroupsMalformedRows(t *testing.T) {
	for _, body := range []string{
		`{"result":[{"GROUP_NAME":"no id","ROLE":"K"}]}`,
		`{"result":[{"GROUP_ID":"77","ROLE":"K","IS_EXTRANET":"maybe"}]}`,
		`{"result":[{"GROUP_ID":"77","ROLE":"K","GROUP_IMAGE_ID":"img"}]}`,
		`{"result":"none"}`,
	} {
		c, mt := newMockClient(t)
		var rec recorded
		mt.RegisterResponder("POST", testEndpoint+"sonet_group.user.groups", rec.respond(200, []byte(body)))
		groups, err := c.ListMyGroups(context.Background())
		assert.Nil(t, groups, body)
		var re *ResponseError
		require.ErrorAs(t, err, &re, body)
		assert.Equal(t, "sonet_group.user.groups", re.Method)
		assert.ErrorIs(t, err, ErrBadResponse)
	}
}

// The method documents no errors of its own; a system error arrives as it
// is and is not retried.
func TestListMyGroupsSystemError(t *testing.T) {
	c, mt := newMockClient(t)
	var rec recorded
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.user.groups", rec.respond(403,
		[]byte(`{"error":"insufficient_scope","error_description":"The request requires higher privileges than provided by the webhook token"}`)))
	groups, err := c.ListMyGroups(context.Background())
	assert.Nil(t, groups)
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, APIError{HTTPStatus: 403, Code: "insufficient_scope",
		Description: "The request requires higher privileges than provided by the webhook token", Method: "sonet_group.user.groups"}, *ae)
	assert.ErrorIs(t, err, ErrInsufficientScope)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}
