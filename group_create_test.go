package sonet

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCreateGroupSeed000SendsExactBodyAndDecodesID(t *testing.T) {
	c, mt := newMockClient(t)
	var rec recorded
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.create", rec.respond(200, fixture(t, "sonet_group.create/seed000_ok.json")))

	id, err := c.CreateGroup(context.Background(), &GroupCreateRequest{
		Name: "New Project", Project: Yes, Visible: Yes, Opened: No, InitiatePerms: RoleMember,
		Image: &Image{Name: "avatar.png", Content: []byte("\x89PNG\r\n\x1a\n")},
	})
	require.NoError(t, err)
	assert.Equal(t, 77, id)
	assert.Equal(t, []string{"NAME=New%20Project&VISIBLE=Y&OPENED=N&INITIATE_PERMS=K&PROJECT=Y&IMAGE[0]=avatar.png&IMAGE[1]=iVBORw0KGgo%3D"}, rec.Bodies())
}

// Seeds 001 and 004 show the same create as a query string.
func TestCreateGroupSeed004Body(t *testing.T) {
	body, err := (&GroupCreateRequest{Name: "Test sonet group", Visible: Yes, Opened: No, InitiatePerms: RoleMember}).Encode()
	require.NoError(t, err)
	assert.Equal(t, "NAME=Test%20sonet%20group&VISIBLE=Y&OPENED=N&INITIATE_PERMS=K", body)
}

func TestCreateGroupEveryParameter(t *testing.T) {
	msk := time.FixedZone("MSK", 3*3600)
	body, err := (&GroupCreateRequest{
		Name: "Scrum", Description: "Sprint work", Visible: No, Opened: Yes, Closed: No, Keywords: "a,b",
		InitiatePerms: RoleModerator, SpamPerms: RoleAll, Project: Yes,
		ProjectDateStart:  time.Date(2026, 4, 1, 9, 0, 0, 0, msk),
		ProjectDateFinish: time.Date(2026, 6, 30, 18, 0, 0, 0, time.UTC),
		ScrumMasterID:     1269, OwnerID: 1271, ImageFileID: 55, SiteIDs: []string{"s1", "ex"}, SubjectID: 2,
	}).Encode()
	require.NoError(t, err)
	assert.Equal(t, "NAME=Scrum&DESCRIPTION=Sprint%20work&VISIBLE=N&OPENED=Y&CLOSED=N&KEYWORDS=a%2Cb&INITIATE_PERMS=E&SPAM_PERMS=N&PROJECT=Y"+
		"&PROJECT_DATE_START=2026-04-01T09%3A00%3A00%2B03%3A00&PROJECT_DATE_FINISH=2026-06-30T18%3A00%3A00%2B00%3A00"+
		"&SCRUM_MASTER_ID=1269&OWNER_ID=1271&IMAGE_FILE_ID=55&SITE_ID[0]=s1&SITE_ID[1]=ex&SUBJECT_ID=2", body)
}

func TestCreateGroupRefusesBadInputBeforeSending(t *testing.T) {
	day := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		req *GroupCreateRequest
		msg string
	}{
		{nil, "sonet: invalid request: nil *GroupCreateRequest"},
		{&GroupCreateRequest{}, "sonet: invalid NAME: required and empty"},
		{&GroupCreateRequest{Name: "   "}, "sonet: invalid NAME: required and empty"},
		{&GroupCreateRequest{Name: "x", InitiatePerms: "X"}, `sonet: invalid INITIATE_PERMS: unknown role "X": want A (owner), E (moderators) or K (members)`},
		{&GroupCreateRequest{Name: "x", InitiatePerms: RoleRequest}, `sonet: invalid INITIATE_PERMS: unknown role "Z": want A (owner), E (moderators) or K (members)`},
		{&GroupCreateRequest{Name: "x", SpamPerms: "Q"}, `sonet: invalid SPAM_PERMS: unknown role "Q": want A, E, K or N (all users)`},
		{&GroupCreateRequest{Name: "x", Project: Yes, ProjectDateStart: day, ProjectDateFinish: day.Add(-time.Hour)},
			"sonet: invalid PROJECT_DATE_FINISH: project ends (2026-04-30T23:00:00+00:00) before it starts (2026-05-01T00:00:00+00:00)"},
		{&GroupCreateRequest{Name: "x", ProjectDateStart: day}, "sonet: invalid PROJECT_DATE_START: project dates need Project: sonet.Yes"},
		{&GroupCreateRequest{Name: "x", ProjectDateFinish: day}, "sonet: invalid PROJECT_DATE_FINISH: project dates need Project: sonet.Yes"},
		{&GroupCreateRequest{Name: "x", Project: No, ProjectDateStart: day, ProjectDateFinish: day}, "sonet: invalid PROJECT_DATE_START: project dates need Project: sonet.Yes"},
		{&GroupCreateRequest{Name: "x", ScrumMasterID: 5}, "sonet: invalid SCRUM_MASTER_ID: a scrum master needs Project: sonet.Yes (a scrum is a project)"},
		{&GroupCreateRequest{Name: "x", Project: No, ScrumMasterID: 5}, "sonet: invalid SCRUM_MASTER_ID: a scrum master needs Project: sonet.Yes (a scrum is a project)"},
		{&GroupCreateRequest{Name: "x", OwnerID: -1}, "sonet: invalid OWNER_ID: negative ID -1"},
		{&GroupCreateRequest{Name: "x", Visible: 7}, "sonet: invalid VISIBLE: flag value 7 is neither Yes nor No"},
		{&GroupCreateRequest{Name: "x", Image: &Image{Content: []byte{1}}}, "sonet: invalid IMAGE: image file name is empty"},
		{&GroupCreateRequest{Name: "x", Image: &Image{Name: "a.png"}}, "sonet: invalid IMAGE: image content is empty"},
		{&GroupCreateRequest{Name: "x", SiteIDs: []string{"s1", ""}}, "sonet: invalid SITE_ID: empty site ID in the list"},
	}
	c, mt := newMockClient(t)
	for _, tc := range cases {
		id, err := c.CreateGroup(context.Background(), tc.req)
		assert.Equal(t, 0, id)
		require.Error(t, err)
		assert.ErrorIs(t, err, ErrValidation)
		assert.Equal(t, tc.msg, err.Error())
	}
	assert.Equal(t, 0, mt.GetTotalCallCount(), "no request for bad input")
}

func TestCreateGroupCannotCreate(t *testing.T) {
	c, mt := newMockClient(t)
	var rec recorded
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.create", rec.respond(400, fixture(t, "sonet_group.create/seed000_cannot_create.json")))
	_, err := c.CreateGroup(context.Background(), &GroupCreateRequest{Name: "x"})
	assert.ErrorIs(t, err, ErrCannotCreateGroup)
	assert.NotErrorIs(t, err, ErrOutcomeUnknown, "a 400 answer is a known outcome")
	assert.EqualError(t, err, "sonet: sonet_group.create: Cannot create group (HTTP 400)")
	assert.Len(t, rec.Bodies(), 1)
}

func TestCreateGroupWriteIsNotRetriedAfter500(t *testing.T) {
	c, mt := newMockClient(t)
	var rec recorded
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.create", rec.respond(500, []byte(`{"error":"INTERNAL_SERVER_ERROR","error_description":"Internal server error"}`)))
	_, err := c.CreateGroup(context.Background(), &GroupCreateRequest{Name: "x"})
	assert.ErrorIs(t, err, ErrOutcomeUnknown)
	assert.ErrorIs(t, err, ErrInternalServerError)
	assert.Len(t, rec.Bodies(), 1, "a write that may have run is never repeated")
}

func TestCreateGroupRetriedOnQueryLimit(t *testing.T) {
	clk := newFakeClock()
	c, mt := newMockClient(t, WithClock(clk), WithRetryPolicy(RetryPolicy{MaxAttempts: 3, BaseDelay: time.Second, MaxDelay: 10 * time.Second}))
	calls := 0
	var rec recorded
	limit := rec.respond(503, []byte(`{"error":"QUERY_LIMIT_EXCEEDED","error_description":"Too many requests"}`))
	ok := rec.respond(200, fixture(t, "sonet_group.create/seed000_ok.json"))
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.create", func(r *http.Request) (*http.Response, error) {
		calls++
		if calls == 1 {
			return limit(r)
		}
		return ok(r)
	})
	id, err := c.CreateGroup(context.Background(), &GroupCreateRequest{Name: "x"})
	require.NoError(t, err)
	assert.Equal(t, 77, id)
	assert.Equal(t, []string{"NAME=x", "NAME=x"}, rec.Bodies())
	assert.Equal(t, []time.Duration{time.Second}, clk.Sleeps())
}
