package sonet

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	getURL  = testEndpoint + "socialnetwork.api.workgroup.get"
	listURL = testEndpoint + "socialnetwork.api.workgroup.list"
)

// resultOf returns the "result" member of a fixture, for Raw comparisons.
func resultOf(t *testing.T, path string) string {
	t.Helper()
	var env struct{ Result json.RawMessage }
	require.NoError(t, json.Unmarshal(fixture(t, path), &env))
	return string(env.Result)
}

var plus2 = time.FixedZone("portal", 2*3600)

func TestGetWorkgroupDocExample(t *testing.T) {
	c, mt := newMockClient(t)
	var rec recorded
	mt.RegisterResponder("POST", getURL, rec.respond(200, fixture(t, "socialnetwork.api.workgroup.get/doc_example.json")))

	w, err := c.GetWorkgroup(context.Background(), 622, &WorkgroupGetOptions{Select: []WorkgroupSelect{WorkgroupSelectDepartments, WorkgroupSelectTags}})
	require.NoError(t, err)
	assert.Equal(t, []string{"params[groupId]=622&params[select][0]=DEPARTMENTS&params[select][1]=TAGS"}, rec.Bodies())
	assert.JSONEq(t, resultOf(t, "socialnetwork.api.workgroup.get/doc_example.json"), string(w.Raw))
	want := Workgroup{
		ID: 622, Name: "Group for Demonstrating the Method",
		Description: "First line of the group description\r\nSecond line of the group description",
		Keywords:    "group tag, another group tag", Active: true, Visible: true, Type: WorkgroupTypeGroup,
		SubjectID: 1, OwnerID: 1, InitiatePerms: RoleMember, NumberOfMembers: 1, NumberOfModerators: 1,
		AvatarType: "folder", DateCreateText: "04/17/2025 19:37:55", DateUpdateText: "04/17/2025 19:40:48",
		DateActivityText: "04/17/2025 19:40:48", SiteID: "s1", SiteIDs: []string{"s1"}, ChatID: 1034, DialogID: "chat1034",
		Members: []int{1, 10, 20}, OrdinaryMembers: []int{10}, InvitedMembers: []int{38}, ModeratorMembers: []int{20},
		Tags: []string{"another group tag", "group tag"}, Departments: []int{8}, Raw: w.Raw,
	}
	assert.Equal(t, want, *w, "no Location: portal-format dates stay text only")
}

func TestGetWorkgroupPortalDatesWithLocation(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder("POST", getURL, httpmock.NewBytesResponder(200, fixture(t, "socialnetwork.api.workgroup.get/doc_example.json")))
	w, err := c.GetWorkgroup(context.Background(), 622, &WorkgroupGetOptions{Location: plus2})
	require.NoError(t, err)
	assert.Equal(t, time.Date(2025, 4, 17, 19, 37, 55, 0, plus2), w.DateCreate, "17 > 12: month first")
	assert.Equal(t, time.Date(2025, 4, 17, 19, 40, 48, 0, plus2), w.DateUpdate)
	assert.Equal(t, time.Date(2025, 4, 17, 19, 40, 48, 0, plus2), w.DateActivity)
	assert.True(t, w.ProjectDateStart.IsZero())
	assert.Equal(t, "", w.ProjectDateStartText, "null")
}

func TestGetWorkgroupScrumWithEveryBlock(t *testing.T) {
	c, mt := newMockClient(t)
	var rec recorded
	mt.RegisterResponder("POST", getURL, rec.respond(200, fixture(t, "socialnetwork.api.workgroup.get/scrum_all_blocks.json")))

	w, err := c.GetWorkgroup(context.Background(), 623, &WorkgroupGetOptions{
		Select: []WorkgroupSelect{WorkgroupSelectDateCreate, WorkgroupSelectAvatar, WorkgroupSelectOwnerData, WorkgroupSelectSubjectData,
			WorkgroupSelectActions, WorkgroupSelectUserData, WorkgroupSelectPin, WorkgroupSelectPrivacyType, WorkgroupSelectEfficiency,
			WorkgroupSelectFeatures, WorkgroupSelectListOfMembers, WorkgroupSelectCounters},
		Mode: WorkgroupModeMobile, Location: plus2,
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"params[groupId]=623&params[select][0]=DATE_CREATE&params[select][1]=AVATAR&params[select][2]=OWNER_DATA" +
		"&params[select][3]=SUBJECT_DATA&params[select][4]=ACTIONS&params[select][5]=USER_DATA&params[select][6]=PIN" +
		"&params[select][7]=PRIVACY_TYPE&params[select][8]=EFFICIENCY&params[select][9]=FEATURES&params[select][10]=LIST_OF_MEMBERS" +
		"&params[select][11]=COUNTERS&params[mode]=mobile"}, rec.Bodies())
	want := Workgroup{
		ID: 623, Name: "Scrum team", Active: true, Project: true, Type: WorkgroupTypeScrum, SubjectID: 2, OwnerID: 1,
		InitiatePerms: RoleModerator, NumberOfMembers: 2, NumberOfModerators: 2, ImageID: 715,
		Avatar:         "https://portal.example/upload/resize_cache/socialnetwork/715.png",
		DateCreateText: "today, 12:16",
		DateUpdate:     time.Date(2025, 4, 17, 19, 40, 48, 0, plus2), DateUpdateText: "17.04.2025 19:40:48",
		DateActivityText: "04/05/2025 19:40:48",
		ProjectDateStart: time.Date(2025, 5, 1, 9, 0, 0, 0, time.FixedZone("", 2*3600)), ProjectDateStartText: "2025-05-01T09:00:00+02:00",
		ProjectDateFinish: time.Date(2025, 5, 31, 18, 0, 0, 0, plus2), ProjectDateFinishText: "31.05.2025 18:00:00",
		ScrumOwnerID: 1, ScrumMasterID: 20, ScrumSprintDuration: 14 * 24 * time.Hour, ScrumTaskResponsible: "M",
		SiteID: "s1", SiteIDs: []string{"s1"}, Members: []int{1, 20}, OrdinaryMembers: []int{}, InvitedMembers: []int{},
		ModeratorMembers: []int{20}, PrivacyCode: "secret", Efficiency: 87,
		OwnerData:   &WorkgroupOwnerData{ID: 1, Photo: "https://portal.example/upload/main/owner.png", FormattedName: "John Smith"},
		SubjectData: &WorkgroupSubjectData{ID: 2, Name: "Projects"},
		Actions:     &WorkgroupActions{Edit: true, Delete: true, Invite: true, Follow: true, Pin: true, EditFeatures: true},
		UserData:    &WorkgroupUserData{},
		Features: []WorkgroupFeature{
			{ID: 31, FeatureName: "tasks", Name: "Tasks", CustomName: "Backlog", Active: true},
			{ID: 32, FeatureName: "calendar", Name: "Calendar"},
		},
		ListOfMembers: []WorkgroupMember{
			{ID: 1, IsOwner: true, Name: "John", LastName: "Smith", Position: "CEO"},
			{ID: 20, IsModerator: true, IsScrumMaster: true, IsAutoMember: true, Name: "Ann", LastName: "Lee", Photo: "https://portal.example/upload/main/ann.png"},
		},
		AdditionalData: &WorkgroupAdditionalData{Role: RoleOwner, InitiatedByType: "U"},
		Raw:            w.Raw,
	}
	assert.Equal(t, want, *w, "humanised and ambiguous (04/05) dates stay text only")
	assert.Contains(t, string(w.Raw), `"workgroup_requests_out": 1`, "untyped blocks stay in Raw")
}

func TestGetWorkgroupControllerErrors(t *testing.T) {
	for _, tc := range []struct {
		fixture, code, desc string
		is                  []error
		notIs               []error
	}{
		{"error_empty.json", "SONET_CONTROLLER_WORKGROUP_EMPTY", "No value for the workgroup ID was provided.",
			[]error{ErrWorkgroupEmpty}, []error{ErrNotFound, ErrWorkgroupNotFound}},
		{"error_not_found.json", "SONET_CONTROLLER_WORKGROUP_NOT_FOUND", "Workgroup not found.",
			[]error{ErrWorkgroupNotFound, ErrNotFound, Code("sonet_controller_workgroup_not_found")}, []error{ErrWorkgroupEmpty, ErrPermissionDenied}},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			c, mt := newMockClient(t)
			var rec recorded
			mt.RegisterResponder("POST", getURL, rec.respond(400, fixture(t, "socialnetwork.api.workgroup.get/"+tc.fixture)))
			w, err := c.GetWorkgroup(context.Background(), 7, nil)
			assert.Nil(t, w)
			var ae *APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, APIError{HTTPStatus: 400, Code: tc.code, Description: tc.desc, Method: "socialnetwork.api.workgroup.get"}, *ae)
			for _, target := range tc.is {
				assert.ErrorIs(t, err, target)
			}
			for _, target := range tc.notIs {
				assert.NotErrorIs(t, err, target)
			}
			assert.Equal(t, []string{"params[groupId]=7"}, rec.Bodies(), "a 400 is not retried")
		})
	}
}

func TestGetWorkgroupRefusesBadInputWithoutSending(t *testing.T) {
	c, mt := newMockClient(t)
	for _, tc := range []struct {
		id    int
		opts  *WorkgroupGetOptions
		field string
	}{
		{0, nil, "params[groupId]"},
		{-3, nil, "params[groupId]"},
		{5, &WorkgroupGetOptions{Select: []WorkgroupSelect{""}}, "params[select]"},
		{5, &WorkgroupGetOptions{Select: []WorkgroupSelect{"TAGS]"}}, "params[select]"},
		{5, &WorkgroupGetOptions{Mode: "desktop"}, "params[mode]"},
	} {
		_, err := c.GetWorkgroup(context.Background(), tc.id, tc.opts)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, tc.field, ve.Field)
		assert.ErrorIs(t, err, ErrValidation)
	}
	assert.Equal(t, 0, mt.GetTotalCallCount())
}

func TestGetWorkgroupUnexpectedResults(t *testing.T) {
	for name, body := range map[string]string{
		"other group": `{"result":{"ID":9,"NAME":"x"},"time":{}}`,
		"null":        `{"result":null,"time":{}}`,
		"no ID":       `{"result":{"NAME":"x"},"time":{}}`,
		"bad flag":    `{"result":{"ID":7,"ACTIVE":"maybe"},"time":{}}`,
		"bad members": `{"result":{"ID":7,"MEMBERS":"1,2"},"time":{}}`,
	} {
		t.Run(name, func(t *testing.T) {
			c, mt := newMockClient(t)
			mt.RegisterResponder("POST", getURL, httpmock.NewStringResponder(200, body))
			w, err := c.GetWorkgroup(context.Background(), 7, nil)
			assert.Nil(t, w)
			var re *ResponseError
			require.ErrorAs(t, err, &re)
			assert.ErrorIs(t, err, ErrBadResponse)
			assert.Equal(t, "socialnetwork.api.workgroup.get", re.Method)
			assert.Equal(t, 1, mt.GetTotalCallCount(), "a wrong result is not retried")
		})
	}
}

func TestGetWorkgroupTransportFailureIsRetriedThenReported(t *testing.T) {
	c, mt := newMockClient(t)
	boom := errors.New("connection reset")
	mt.RegisterResponder("POST", getURL, httpmock.NewErrorResponder(boom))
	_, err := c.GetWorkgroup(context.Background(), 7, nil)
	var te *TransportError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, "socialnetwork.api.workgroup.get", te.Method)
	assert.ErrorIs(t, err, boom)
	assert.NotErrorIs(t, err, ErrOutcomeUnknown, "a read")
	assert.Equal(t, 3, mt.GetTotalCallCount(), "reads are retried up to MaxAttempts")
}

func TestWorkgroupDecodingTolerance(t *testing.T) {
	// PHP writes a list with holes as an object, flags as booleans, IDs as
	// strings. SCRUM_OWNER_ID and SCRUM_MASTER_ID are two fields.
	var w Workgroup
	require.NoError(t, json.Unmarshal([]byte(`{"ID":"8","ACTIVE":true,"VISIBLE":false,"PROJECT":"Y",
		"MEMBERS":{"0":"1","2":"30","5":12},"TAGS":{"1":"b","0":"a"},"SCRUM_OWNER_ID":"4","SCRUM_MASTER_ID":0,
		"OWNER_DATA":[],"SUBJECT_DATA":null,"USER_DATA":{"ROLE":"Z","INITIATED_BY_TYPE":"G","IS_SUBSCRIBED":true},
		"FEATURES":{},"DEPARTMENTS":null}`), &w))
	assert.Equal(t, 8, w.ID)
	assert.True(t, w.Active)
	assert.False(t, w.Visible)
	assert.True(t, w.Project)
	assert.Equal(t, []int{1, 30, 12}, w.Members, "object order kept")
	assert.Equal(t, []string{"b", "a"}, w.Tags, "object order kept")
	assert.Equal(t, 4, w.ScrumOwnerID)
	assert.Equal(t, 0, w.ScrumMasterID, "the owner is not the master")
	assert.Nil(t, w.OwnerData, "[] is PHP's empty object")
	assert.Nil(t, w.SubjectData)
	assert.Equal(t, &WorkgroupUserData{Role: RoleRequest, InitiatedByType: "G", IsSubscribed: true}, w.UserData)
	assert.Nil(t, w.Features)
	assert.Nil(t, w.Departments)

	var both Workgroup
	require.NoError(t, json.Unmarshal([]byte(`{"scrumMasterId":"5","ID":3,"SCRUM_OWNER_ID":6,"id":"99","dateCreate":"x","DATE_CREATE":"y"}`), &both))
	assert.Equal(t, 5, both.ScrumMasterID, "from scrumMasterId")
	assert.Equal(t, 6, both.ScrumOwnerID, "from SCRUM_OWNER_ID, never the master")
	assert.Equal(t, 3, both.ID, "UPPER_CASE wins over a camelCase twin")
	assert.Equal(t, "y", both.DateCreateText)

	err := json.Unmarshal([]byte(`{"ID":3,"OWNER_ID":"x1"}`), &w)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "OWNER_ID")
}

func TestParsePortalTime(t *testing.T) {
	for _, tc := range []struct {
		text string
		loc  *time.Location
		want time.Time
		ok   bool
	}{
		{"2025-04-17T19:37:55+02:00", nil, time.Date(2025, 4, 17, 19, 37, 55, 0, time.FixedZone("", 2*3600)), true},
		{"2025-04-17T17:37:55Z", nil, time.Date(2025, 4, 17, 17, 37, 55, 0, time.UTC), true},
		{"04/17/2025 19:37:55", nil, time.Time{}, false},
		{"04/17/2025 19:37:55", plus2, time.Date(2025, 4, 17, 19, 37, 55, 0, plus2), true},
		{"17/04/2025 19:37:55", plus2, time.Date(2025, 4, 17, 19, 37, 55, 0, plus2), true},
		{"04/04/2025 08:00", plus2, time.Date(2025, 4, 4, 8, 0, 0, 0, plus2), true},
		{"04/05/2025 19:37:55", plus2, time.Time{}, false},
		{"17.04.2025 19:37:55", plus2, time.Date(2025, 4, 17, 19, 37, 55, 0, plus2), true},
		{"05.04.2025", plus2, time.Date(2025, 4, 5, 0, 0, 0, 0, plus2), true},
		{"2025-04-17 19:37:55", plus2, time.Date(2025, 4, 17, 19, 37, 55, 0, plus2), true},
		{"2025-04-17T19:37:55", plus2, time.Date(2025, 4, 17, 19, 37, 55, 0, plus2), true},
		{"04/17/2025 07:37:55 pm", plus2, time.Date(2025, 4, 17, 19, 37, 55, 0, plus2), true},
		{"04/17/2025 12:05:00 am", plus2, time.Date(2025, 4, 17, 0, 5, 0, 0, plus2), true},
		{"04/17/2025 13:05:00 pm", plus2, time.Time{}, false},
		{"31.02.2025 10:00:00", plus2, time.Time{}, false},
		{"17.13.2025 10:00:00", plus2, time.Time{}, false},
		{"17.04.2025 24:00:00", plus2, time.Time{}, false},
		{"17.04.25 10:00", plus2, time.Time{}, false},
		{"today, 12:16", plus2, time.Time{}, false},
		{"April 15, 14:42", plus2, time.Time{}, false},
		{"June 11, 2024 15:08", plus2, time.Time{}, false},
		{"", plus2, time.Time{}, false},
		{"+4.04.2025", plus2, time.Time{}, false},
	} {
		got, ok := ParsePortalTime(tc.text, tc.loc, DateOrderUnknown)
		assert.Equal(t, tc.ok, ok, tc.text)
		assert.Equal(t, tc.want, got, tc.text)
	}
}

// Several values of the wrong type: the error names the first key in key
// order, every time (the map's random order named a different key from run
// to run).
func TestWorkgroupDecodeNamesTheSameBadKeyEveryTime(t *testing.T) {
	for range 50 {
		var w Workgroup
		err := json.Unmarshal([]byte(`{"ID":"8","OPENED":[],"NUMBER_OF_MEMBERS":{},"ACTIVE":{}}`), &w)
		require.Error(t, err)
		require.Regexp(t, `^workgroup: ACTIVE: `, err.Error())
	}
}
