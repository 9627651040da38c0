package sonet

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUpdateGroupSeed002(t *testing.T) {
	c, mt := newMockClient(t)
	var rec recorded
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.update", rec.respond(200, fixture(t, "sonet_group.update/seed002_ok.json")))
	id, err := c.UpdateGroup(context.Background(), &GroupUpdateRequest{GroupID: 77, Name: String("New project title")})
	require.NoError(t, err)
	assert.Equal(t, 77, id)
	assert.Equal(t, []string{"GROUP_ID=77&NAME=New%20project%20title"}, rec.Bodies())
}

func TestUpdateGroupWrongGroupID(t *testing.T) {
	c, mt := newMockClient(t)
	var rec recorded
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.update", rec.respond(400, fixture(t, "sonet_group.update/seed002_wrong_group_id.json")))
	_, err := c.UpdateGroup(context.Background(), &GroupUpdateRequest{GroupID: 99999, Name: String("x")})
	assert.ErrorIs(t, err, ErrWrongGroupID)
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, APIError{HTTPStatus: 400, Code: "", Description: "Wrong group ID", Method: "sonet_group.update"}, *ae)
	assert.Len(t, rec.Bodies(), 1)
}

// Only what is set is sent; empty values that mean something are sent.
func TestUpdateGroupSendsOnlySetFieldsIncludingEmptyValues(t *testing.T) {
	body, err := (&GroupUpdateRequest{GroupID: 77, Description: String(""), Visible: No, ImageFileID: Int(0)}).Encode()
	require.NoError(t, err)
	assert.Equal(t, "GROUP_ID=77&DESCRIPTION=&VISIBLE=N&IMAGE_FILE_ID=0", body)

	start := time.Date(2026, 4, 1, 9, 0, 0, 0, time.FixedZone("", -5*3600))
	body, err = (&GroupUpdateRequest{GroupID: 5, Keywords: String("x, y"), Closed: Yes, Opened: Yes, InitiatePerms: RoleOwner,
		ProjectDateStart: &start, OwnerID: 3, Image: &Image{Name: "a.png", Content: []byte("\x89PNG\r\n\x1a\n")}, SiteIDs: []string{"s1"}}).Encode()
	require.NoError(t, err)
	assert.Equal(t, "GROUP_ID=5&KEYWORDS=x%2C%20y&OPENED=Y&CLOSED=Y&INITIATE_PERMS=A&PROJECT_DATE_START=2026-04-01T09%3A00%3A00-05%3A00&OWNER_ID=3&IMAGE[0]=a.png&IMAGE[1]=iVBORw0KGgo%3D&SITE_ID[0]=s1", body)
}

func TestUpdateGroupRefusesBadInput(t *testing.T) {
	a := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	b := a.Add(-24 * time.Hour)
	cases := map[string]*GroupUpdateRequest{
		"sonet: invalid request: nil *GroupUpdateRequest":                                                                           nil,
		"sonet: invalid GROUP_ID: required: want a positive group ID, got 0":                                                        {Name: String("x")},
		"sonet: invalid request: nothing to update: no field is set":                                                                {GroupID: 1},
		"sonet: invalid NAME: a group name cannot be set to empty":                                                                  {GroupID: 1, Name: String(" ")},
		`sonet: invalid INITIATE_PERMS: unknown role "Z": want A (owner), E (moderators) or K (members)`:                            {GroupID: 1, InitiatePerms: RoleRequest},
		"sonet: invalid PROJECT_DATE_FINISH: project ends (2026-04-30T00:00:00+00:00) before it starts (2026-05-01T00:00:00+00:00)": {GroupID: 1, ProjectDateStart: &a, ProjectDateFinish: &b},
		"sonet: invalid IMAGE_FILE_ID: negative ID -4":                                                                              {GroupID: 1, ImageFileID: Int(-4)},
		"sonet: invalid OPENED: flag value 3 is neither Yes nor No":                                                                 {GroupID: 1, Opened: 3},
	}
	c, mt := newMockClient(t)
	for msg, req := range cases {
		_, err := c.UpdateGroup(context.Background(), req)
		assert.ErrorIs(t, err, ErrValidation, msg)
		assert.EqualError(t, err, msg)
	}
	assert.Equal(t, 0, mt.GetTotalCallCount())
}
