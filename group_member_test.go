package sonet

import (
	"context"
	"errors"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// requireSonetError asserts that err is the *APIError of an empty-code
// sonet_group failure with the description desc, that it matches every
// sentinel in want, and that it matches neither category (ErrNotFound,
// ErrPermissionDenied) that want does not name.
func requireSonetError(t *testing.T, err error, method, desc string, want ...error) {
	t.Helper()
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, APIError{HTTPStatus: 400, Code: "", Description: desc, Method: method}, *ae)
	for _, w := range want {
		assert.ErrorIs(t, err, w)
	}
	for _, cat := range []error{ErrNotFound, ErrPermissionDenied} {
		named := false
		for _, w := range want {
			named = named || w == cat
		}
		if !named {
			assert.NotErrorIs(t, err, cat)
		}
	}
	assert.NotErrorIs(t, err, ErrValidation)
}

// requireValidation asserts a *ValidationError for field and that nothing
// was sent.
func requireValidation(t *testing.T, err error, mt *httpmock.MockTransport, field, reason string) {
	t.Helper()
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, ValidationError{Field: field, Reason: reason}, *ve)
	assert.ErrorIs(t, err, ErrValidation)
	assert.Equal(t, 0, mt.GetTotalCallCount(), "nothing may be sent")
}

func TestListGroupMembersSendsIDAndDecodesDocExample(t *testing.T) {
	c, mt := newMockClient(t)
	var rec recorded
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.user.get", rec.respond(200, fixture(t, "sonet_group.user.get/ok.json")))

	members, err := c.ListGroupMembers(context.Background(), 69)
	require.NoError(t, err)
	assert.Equal(t, []string{"ID=69"}, rec.Bodies(), "user.get takes ID, not GROUP_ID")
	assert.Equal(t, []Member{
		{UserID: 1269, Role: RoleOwner},
		{UserID: 1271, Role: RoleModerator},
		{UserID: 779, Role: RoleMember},
	}, members)
}

func TestListGroupMembersDocumentedErrors(t *testing.T) {
	cases := []struct {
		fixture, desc string
		want          []error
	}{
		{"error_group_not_found.json", "Socialnetwork group not found", []error{ErrGroupNotFound, ErrNotFound}},
		{"error_wrong_group_id.json", "Wrong socialnetwork group ID", []error{ErrWrongGroupID}},
	}
	for _, tc := range cases {
		c, mt := newMockClient(t)
		var rec recorded
		mt.RegisterResponder("POST", testEndpoint+"sonet_group.user.get", rec.respond(400, fixture(t, "sonet_group.user.get/"+tc.fixture)))
		members, err := c.ListGroupMembers(context.Background(), 69)
		assert.Nil(t, members)
		requireSonetError(t, err, "sonet_group.user.get", tc.desc, tc.want...)
		assert.Equal(t, 1, mt.GetTotalCallCount())
	}
}

// The docs show no paging; a portal that sends next anyway is followed, and
// one that does not advance is refused instead of looped on.
func TestListGroupMembersFollowsNextAndRefusesStall(t *testing.T) {
	c, mt := newMockClient(t)
	var rec recorded
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.user.get",
		rec.respond(200, []byte(`{"result":[{"USER_ID":"1","ROLE":"A"}],"next":50,"total":2}`)).
			Then(rec.respond(200, []byte(`{"result":[{"USER_ID":2,"ROLE":"K"}],"total":2}`))))
	members, err := c.ListGroupMembers(context.Background(), 69)
	require.NoError(t, err)
	assert.Equal(t, []Member{{UserID: 1, Role: RoleOwner}, {UserID: 2, Role: RoleMember}}, members)
	assert.Equal(t, []string{"ID=69", "ID=69&start=50"}, rec.Bodies())

	c2, mt2 := newMockClient(t)
	var rec2 recorded
	mt2.RegisterResponder("POST", testEndpoint+"sonet_group.user.get", rec2.respond(200, []byte(`{"result":[{"USER_ID":"1","ROLE":"A"}],"next":0}`)))
	members, err = c2.ListGroupMembers(context.Background(), 69)
	assert.Nil(t, members)
	assert.ErrorIs(t, err, ErrCursorStalled)
	assert.Equal(t, []string{"ID=69"}, rec2.Bodies())
}

func TestListGroupMembersEmptyAndMalformedRows(t *testing.T) {
	c, mt := newMockClient(t)
	var rec recorded
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.user.get", rec.respond(200, []byte(`{"result":[]}`)))
	members, err := c.ListGroupMembers(context.Background(), 69)
	require.NoError(t, err)
	assert.Equal(t, []Member{}, members)
	assert.NotNil(t, members)

	for _, body := range []string{
		`{"result":[{"USER_ID":"x","ROLE":"K"}]}`,
		`{"result":[{"ROLE":"K"}]}`,
		`{"result":{"USER_ID":"1","ROLE":"A"}}`,
	} {
		c, mt := newMockClient(t)
		var rec recorded
		mt.RegisterResponder("POST", testEndpoint+"sonet_group.user.get", rec.respond(200, []byte(body)))
		members, err := c.ListGroupMembers(context.Background(), 69)
		assert.Nil(t, members, body)
		var re *ResponseError
		require.ErrorAs(t, err, &re, body)
		assert.Equal(t, "sonet_group.user.get", re.Method)
		assert.ErrorIs(t, err, ErrBadResponse)
	}
}

// A read is retried through a transport failure; the last failure is
// returned as it is.
func TestListGroupMembersRetriesTransportFailure(t *testing.T) {
	c, mt := newMockClient(t)
	cause := errors.New("connection reset by peer")
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.user.get", httpmock.NewErrorResponder(cause))
	members, err := c.ListGroupMembers(context.Background(), 69)
	assert.Nil(t, members)
	var te *TransportError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, "sonet_group.user.get", te.Method)
	assert.ErrorIs(t, err, cause)
	assert.NotErrorIs(t, err, ErrOutcomeUnknown)
	assert.Equal(t, 3, mt.GetTotalCallCount(), "MaxAttempts of the test client")
}

func TestListGroupMembersRefusesBadGroupID(t *testing.T) {
	c, mt := newMockClient(t)
	_, err := c.ListGroupMembers(context.Background(), 0)
	requireValidation(t, err, mt, "ID", "want a positive group ID, got 0")
}

func TestMemberWritesSendExactBodiesAndDecodeIDs(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		method string
		call   func(c *Client) ([]int, error)
		body   string
		want   []int
	}{
		{"sonet_group.user.add", func(c *Client) ([]int, error) { return c.AddGroupMembers(ctx, 69, 1271, 1272) },
			"GROUP_ID=69&USER_ID[0]=1271&USER_ID[1]=1272", []int{1271, 1272}},
		{"sonet_group.user.delete", func(c *Client) ([]int, error) { return c.RemoveGroupMembers(ctx, 69, 1271, 1272) },
			"GROUP_ID=69&USER_ID[0]=1271&USER_ID[1]=1272", []int{1271, 1272}},
		{"sonet_group.user.update", func(c *Client) ([]int, error) { return c.SetGroupMembersRole(ctx, 69, RoleModerator, 1271, 1272) },
			"GROUP_ID=69&USER_ID[0]=1271&USER_ID[1]=1272&ROLE=E", []int{1271, 1272}},
		{"sonet_group.user.invite", func(c *Client) ([]int, error) { return c.InviteGroupMembers(ctx, 69, "Join the project", 1271) },
			"GROUP_ID=69&USER_ID[0]=1271&MESSAGE=Join%20the%20project", []int{1271}},
	}
	for _, tc := range cases {
		t.Run(tc.method, func(t *testing.T) {
			c, mt := newMockClient(t)
			var rec recorded
			mt.RegisterResponder("POST", testEndpoint+tc.method, rec.respond(200, fixture(t, tc.method+"/ok.json")))
			got, err := tc.call(c)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			assert.Equal(t, []string{tc.body}, rec.Bodies())
		})
	}
}

func TestMemberWritesMoreBodies(t *testing.T) {
	ctx := context.Background()
	c, mt := newMockClient(t)
	var rec recorded
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.user.update", rec.respond(200, fixture(t, "sonet_group.user.update/ok.json")))
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.user.invite", rec.respond(200, fixture(t, "sonet_group.user.invite/ok.json")))
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.user.add", rec.respond(200, []byte(`{"result":[1271,1272,1273,1274,1275,1276,1277,1278,1279,1280,1281]}`)))

	_, err := c.SetGroupMembersRole(ctx, 69, RoleMember, 1271, 1272)
	require.NoError(t, err)
	_, err = c.InviteGroupMembers(ctx, 69, "", 1271)
	require.NoError(t, err)
	ids, err := c.AddGroupMembers(ctx, 69, 1271, 1272, 1273, 1274, 1275, 1276, 1277, 1278, 1279, 1280, 1281)
	require.NoError(t, err)
	assert.Equal(t, []int{1271, 1272, 1273, 1274, 1275, 1276, 1277, 1278, 1279, 1280, 1281}, ids, "numbers are accepted too")
	assert.Equal(t, []string{
		"GROUP_ID=69&USER_ID[0]=1271&USER_ID[1]=1272&ROLE=K",
		"GROUP_ID=69&USER_ID[0]=1271",
		"GROUP_ID=69&USER_ID[0]=1271&USER_ID[1]=1272&USER_ID[2]=1273&USER_ID[3]=1274&USER_ID[4]=1275&USER_ID[5]=1276" +
			"&USER_ID[6]=1277&USER_ID[7]=1278&USER_ID[8]=1279&USER_ID[9]=1280&USER_ID[10]=1281",
	}, rec.Bodies(), "an empty MESSAGE is not sent; list keys stay in numeric order past 10")
}

// An empty answer (the owner was the only target, or everybody was skipped)
// is an empty, non-nil slice and no error.
func TestMemberWritesEmptyResult(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		method, fixture string
		call            func(c *Client) ([]int, error)
	}{
		{"sonet_group.user.delete", "owner_only.json", func(c *Client) ([]int, error) { return c.RemoveGroupMembers(ctx, 69, 1269) }},
		{"sonet_group.user.update", "owner_only.json", func(c *Client) ([]int, error) { return c.SetGroupMembersRole(ctx, 69, RoleMember, 1269) }},
		{"sonet_group.user.invite", "nobody.json", func(c *Client) ([]int, error) { return c.InviteGroupMembers(ctx, 69, "", 1269) }},
	}
	for _, tc := range cases {
		c, mt := newMockClient(t)
		var rec recorded
		mt.RegisterResponder("POST", testEndpoint+tc.method, rec.respond(200, fixture(t, tc.method+"/"+tc.fixture)))
		got, err := tc.call(c)
		require.NoError(t, err, tc.method)
		assert.Equal(t, []int{}, got, tc.method)
		assert.NotNil(t, got, tc.method)
	}
}

func TestMemberWritesDocumentedErrors(t *testing.T) {
	ctx := context.Background()
	add := func(c *Client) error { _, err := c.AddGroupMembers(ctx, 69, 1271, 1272); return err }
	del := func(c *Client) error { _, err := c.RemoveGroupMembers(ctx, 69, 1271, 1272); return err }
	upd := func(c *Client) error { _, err := c.SetGroupMembersRole(ctx, 69, RoleModerator, 1271, 1272); return err }
	inv := func(c *Client) error { _, err := c.InviteGroupMembers(ctx, 69, "Join the project", 1271); return err }
	req := func(c *Client) error { return c.RequestGroupMembership(ctx, 69, "Please add me to the project") }
	notFound := []error{ErrGroupNotFound, ErrNotFound}
	cases := []struct {
		method, fixture, desc string
		call                  func(c *Client) error
		want                  []error
	}{
		{"sonet_group.user.add", "error_wrong_group_id.json", "Wrong group ID", add, []error{ErrWrongGroupID}},
		{"sonet_group.user.add", "error_no_permissions.json", "No permissions to add users", add, []error{ErrNoPermissionToAdd, ErrPermissionDenied}},
		{"sonet_group.user.add", "error_wrong_user_ids.json", "Wrong user IDs", add, []error{ErrWrongUserIDs}},
		{"sonet_group.user.add", "error_group_not_found.json", "Socialnetwork group not found", add, notFound},
		{"sonet_group.user.delete", "error_no_permissions.json", "No permissions to update users role", del, []error{ErrNoPermissionToRole, ErrPermissionDenied}},
		{"sonet_group.user.delete", "error_wrong_group_id.json", "Wrong group ID", del, []error{ErrWrongGroupID}},
		{"sonet_group.user.delete", "error_wrong_user_ids.json", "Wrong user IDs", del, []error{ErrWrongUserIDs}},
		{"sonet_group.user.delete", "error_group_not_found.json", "Socialnetwork group not found", del, notFound},
		{"sonet_group.user.update", "error_incorrect_role.json", "Incorrect role code", upd, []error{ErrIncorrectRoleCode}},
		{"sonet_group.user.update", "error_wrong_group_id.json", "Wrong group ID", upd, []error{ErrWrongGroupID}},
		{"sonet_group.user.update", "error_no_permissions.json", "No permissions to update users role", upd, []error{ErrNoPermissionToRole, ErrPermissionDenied}},
		{"sonet_group.user.update", "error_wrong_user_ids.json", "Wrong user IDs", upd, []error{ErrWrongUserIDs}},
		{"sonet_group.user.update", "error_group_not_found.json", "Socialnetwork group not found", upd, notFound},
		{"sonet_group.user.invite", "error_wrong_user_ids.json", "Wrong user IDs", inv, []error{ErrWrongUserIDs}},
		{"sonet_group.user.invite", "error_wrong_group_id.json", "Wrong group ID", inv, []error{ErrWrongGroupID}},
		{"sonet_group.user.invite", "error_group_not_found.json", "Socialnetwork group not found", inv, notFound},
		{"sonet_group.user.request", "error_group_not_found.json", "Socialnetwork group not found", req, notFound},
		{"sonet_group.user.request", "error_wrong_group_id.json", "Wrong group ID", req, []error{ErrWrongGroupID}},
		{"sonet_group.user.request", "error_cannot_request.json", "Cannot request to join group", req, []error{ErrCannotRequestJoin}},
	}
	for _, tc := range cases {
		t.Run(tc.method+"/"+tc.fixture, func(t *testing.T) {
			c, mt := newMockClient(t)
			var rec recorded
			mt.RegisterResponder("POST", testEndpoint+tc.method, rec.respond(400, fixture(t, tc.method+"/"+tc.fixture)))
			requireSonetError(t, tc.call(c), tc.method, tc.desc, tc.want...)
			assert.Equal(t, 1, mt.GetTotalCallCount())
		})
	}
}

func TestMemberWritesRefuseBadInputWithoutSending(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name          string
		call          func(c *Client) error
		field, reason string
	}{
		{"add no IDs", func(c *Client) error { _, err := c.AddGroupMembers(ctx, 69); return err }, "USER_ID", "no user IDs: pass at least one"},
		{"add zero ID", func(c *Client) error { _, err := c.AddGroupMembers(ctx, 69, 1271, 0); return err }, "USER_ID", "user ID #1 is 0: want a positive ID"},
		{"add negative ID", func(c *Client) error { _, err := c.AddGroupMembers(ctx, 69, -5); return err }, "USER_ID", "user ID #0 is -5: want a positive ID"},
		{"add duplicate", func(c *Client) error { _, err := c.AddGroupMembers(ctx, 69, 1271, 1272, 1271); return err }, "USER_ID", "user ID 1271 is given twice"},
		{"add bad group", func(c *Client) error { _, err := c.AddGroupMembers(ctx, 0, 1271); return err }, "GROUP_ID", "want a positive group ID, got 0"},
		{"delete no IDs", func(c *Client) error { _, err := c.RemoveGroupMembers(ctx, 69); return err }, "USER_ID", "no user IDs: pass at least one"},
		{"delete bad group", func(c *Client) error { _, err := c.RemoveGroupMembers(ctx, -1, 1271); return err }, "GROUP_ID", "want a positive group ID, got -1"},
		{"update owner role", func(c *Client) error { _, err := c.SetGroupMembersRole(ctx, 69, RoleOwner, 1271); return err }, "ROLE",
			`role "A" cannot be set: only RoleModerator (E) or RoleMember (K); use SetGroupOwner to change the owner`},
		{"update request role", func(c *Client) error { _, err := c.SetGroupMembersRole(ctx, 69, RoleRequest, 1271); return err }, "ROLE",
			`role "Z" cannot be set: only RoleModerator (E) or RoleMember (K); use SetGroupOwner to change the owner`},
		{"update empty role", func(c *Client) error { _, err := c.SetGroupMembersRole(ctx, 69, "", 1271); return err }, "ROLE",
			`role "" cannot be set: only RoleModerator (E) or RoleMember (K); use SetGroupOwner to change the owner`},
		{"update lower-case role", func(c *Client) error { _, err := c.SetGroupMembersRole(ctx, 69, "e", 1271); return err }, "ROLE",
			`role "e" cannot be set: only RoleModerator (E) or RoleMember (K); use SetGroupOwner to change the owner`},
		{"update duplicate", func(c *Client) error { _, err := c.SetGroupMembersRole(ctx, 69, RoleMember, 7, 7); return err }, "USER_ID", "user ID 7 is given twice"},
		{"invite no IDs", func(c *Client) error { _, err := c.InviteGroupMembers(ctx, 69, "hi"); return err }, "USER_ID", "no user IDs: pass at least one"},
		{"invite bad group", func(c *Client) error { _, err := c.InviteGroupMembers(ctx, 0, "hi", 1); return err }, "GROUP_ID", "want a positive group ID, got 0"},
		{"request bad group", func(c *Client) error { return c.RequestGroupMembership(ctx, 0, "") }, "GROUP_ID", "want a positive group ID, got 0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, mt := newMockClient(t)
			requireValidation(t, tc.call(c), mt, tc.field, tc.reason)
		})
	}
}

func TestMemberWritesRefuseUnreadableIDLists(t *testing.T) {
	for _, body := range []string{
		`{"result":null}`,
		`{"result":true}`,
		`{"result":{"0":"1271"}}`,
		`{"result":["1271","abc"]}`,
		`{"result":["1271",""]}`,
		`{"result":[0]}`,
	} {
		c, mt := newMockClient(t)
		var rec recorded
		mt.RegisterResponder("POST", testEndpoint+"sonet_group.user.add", rec.respond(200, []byte(body)))
		ids, err := c.AddGroupMembers(context.Background(), 69, 1271)
		assert.Nil(t, ids, body)
		var re *ResponseError
		require.ErrorAs(t, err, &re, body)
		assert.Equal(t, "sonet_group.user.add", re.Method, body)
		assert.Equal(t, 200, re.HTTPStatus, body)
		assert.ErrorIs(t, err, ErrBadResponse)
		assert.Equal(t, 1, mt.GetTotalCallCount(), "a write is never repeated")
	}
}

func TestRequestGroupMembershipSendsExactBody(t *testing.T) {
	c, mt := newMockClient(t)
	var rec recorded
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.user.request", rec.respond(200, fixture(t, "sonet_group.user.request/ok.json")))
	require.NoError(t, c.RequestGroupMembership(context.Background(), 69, "Please add me to the project"))
	require.NoError(t, c.RequestGroupMembership(context.Background(), 69, ""))
	assert.Equal(t, []string{"GROUP_ID=69&MESSAGE=Please%20add%20me%20to%20the%20project", "GROUP_ID=69"}, rec.Bodies())
}

func TestRequestGroupMembershipFalseIsBadResponse(t *testing.T) {
	c, mt := newMockClient(t)
	var rec recorded
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.user.request", rec.respond(200, []byte(`{"result":false}`)))
	err := c.RequestGroupMembership(context.Background(), 69, "")
	var re *ResponseError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, ResponseError{HTTPStatus: 200, Method: "sonet_group.user.request", Reason: "result is false, want true", Excerpt: "false"}, *re)
	assert.ErrorIs(t, err, ErrOutcomeUnknown)
}

// A member write whose answer is lost is not repeated.
func TestMemberWriteTransportFailureIsOutcomeUnknown(t *testing.T) {
	c, mt := newMockClient(t)
	cause := errors.New("unexpected EOF")
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.user.add", httpmock.NewErrorResponder(cause))
	ids, err := c.AddGroupMembers(context.Background(), 69, 1271)
	assert.Nil(t, ids)
	assert.ErrorIs(t, err, ErrOutcomeUnknown)
	assert.ErrorIs(t, err, cause)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

// A cancelled context returns the context's error and sends nothing.
func TestMemberCallsCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c, mt := newMockClient(t)
	members, err := c.ListGroupMembers(ctx, 69)
	assert.Nil(t, members)
	assert.ErrorIs(t, err, context.Canceled)
	ids, err := c.AddGroupMembers(ctx, 69, 1271)
	assert.Nil(t, ids)
	assert.ErrorIs(t, err, context.Canceled)
	assert.NotErrorIs(t, err, ErrOutcomeUnknown)
	_, err = c.CanAccessFeature(ctx, 69, FeatureFiles, OperationView)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 0, mt.GetTotalCallCount())
}
