package sonet

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
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

// newListMock registers fixture answers for successive list calls.
func newListMock(t *testing.T, fixtures ...string) (*Client, *recorded, *httpmock.MockTransport) {
	t.Helper()
	c, mt := newMockClient(t)
	rec := &recorded{}
	var rs []httpmock.Responder
	for _, f := range fixtures {
		rs = append(rs, rec.respond(200, fixture(t, "socialnetwork.api.workgroup.list/"+f)))
	}
	mt.RegisterResponder("POST", listURL, func(req *http.Request) (*http.Response, error) {
		n := len(rec.Bodies())
		if n >= len(rs) {
			n = len(rs) - 1
		}
		return rs[n](req)
	})
	return c, rec, mt
}

func TestListWorkgroupsDocExample(t *testing.T) {
	c, rec, _ := newListMock(t, "doc_example.json")
	p, err := c.ListWorkgroups(context.Background(), &WorkgroupListOptions{
		Filter: WorkgroupFilter{FieldActive.Eq(true), FieldClosed.Eq(false), FieldName.Like("group")},
		Select: []WorkgroupField{WorkgroupFieldID, WorkgroupFieldName, WorkgroupFieldType, WorkgroupFieldAvatar},
		Order:  Order{FieldID.Desc()},
		Params: WorkgroupListParams{Mode: WorkgroupModeMobile, ShouldSelectDialogID: Yes},
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"filter[ACTIVE]=Y&filter[CLOSED]=N&filter[%25NAME]=group&select[0]=ID&select[1]=NAME&select[2]=TYPE" +
		"&select[3]=AVATAR&order[ID]=DESC&params[mode]=mobile&params[shouldSelectDialogId]=Y"}, rec.Bodies())
	require.Len(t, p.Items, 2)
	none := &WorkgroupAdditionalData{}
	assert.Equal(t, Workgroup{ID: 5, Name: "Open group for everyone", Type: WorkgroupTypeGroup, ImageID: 5,
		Avatar:         "https://test.bitrix24.com/b13743910/resize_cache/5/7acf4caaf5d8/socialnetwork/8d6/8d2c04ece929572/3.png",
		AdditionalData: none, Raw: p.Items[0].Raw}, p.Items[0])
	assert.Equal(t, Workgroup{ID: 1, Name: "Closed visible group", Type: WorkgroupTypeGroup, ImageID: 1,
		DialogID: "chat177", AdditionalData: none, Raw: p.Items[1].Raw}, p.Items[1])
	assert.JSONEq(t, `{"id":"1","name":"Closed visible group","type":"group","imageId":"1","avatarType":null,"avatar":"",
		"additionalData":{"role":"","initiatedByType":""},"dialogId":"chat177"}`, string(p.Items[1].Raw))
	assert.Equal(t, 2, p.Total)
	assert.True(t, p.HasTotal)
	assert.False(t, p.HasNext)
	assert.Equal(t, time.Unix(1774358289, 0), p.Time.OperatingResetAt)
}

func TestListWorkgroupsEveryFieldAndParam(t *testing.T) {
	c, rec, _ := newListMock(t, "all_fields.json")
	p, err := c.ListWorkgroups(context.Background(), &WorkgroupListOptions{
		Filter: WorkgroupFilter{FieldProject.Eq(true), FieldSubjectID.In(2, 3), WorkgroupFilterType.Eq(WorkgroupTypeProject),
			FieldName.LikePattern("%app%"), FieldName.NotLikePattern("old%"), FieldDateCreate.GTE(time.Date(2026, 1, 1, 0, 0, 0, 0, plus2))},
		Select: []WorkgroupField{WorkgroupFieldID, WorkgroupFieldActive, WorkgroupFieldSubjectID, WorkgroupFieldName,
			WorkgroupFieldDescription, WorkgroupFieldKeywords, WorkgroupFieldClosed, WorkgroupFieldVisible, WorkgroupFieldOpened,
			WorkgroupFieldProject, WorkgroupFieldLanding, WorkgroupFieldDateCreate, WorkgroupFieldDateUpdate, WorkgroupFieldDateActivity,
			WorkgroupFieldImageID, WorkgroupFieldAvatarType, WorkgroupFieldOwnerID, WorkgroupFieldNumberOfMembers,
			WorkgroupFieldNumberOfModerators, WorkgroupFieldInitiatePerms, WorkgroupFieldProjectDateStart, WorkgroupFieldProjectDateFinish,
			WorkgroupFieldScrumOwnerID, WorkgroupFieldScrumMasterID, WorkgroupFieldScrumSprintDuration, WorkgroupFieldScrumTaskResponsible,
			WorkgroupFieldType, WorkgroupFieldAvatar},
		Order: Order{FieldDateActivity.Desc(), FieldID.Asc()},
		Params: WorkgroupListParams{IsAdmin: Yes, SiteID: "s1", Mode: WorkgroupModeMobile, Features: []string{"tasks", "chat"},
			MandatoryFeatures: []string{"files"}, ShouldSelectDialogID: No},
		Start: 50,
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"filter[PROJECT]=Y&filter[SUBJECT_ID][0]=2&filter[SUBJECT_ID][1]=3&filter[TYPE]=project" +
		"&filter[%3D%25NAME]=%25app%25&filter[%21%3D%25NAME]=old%25&filter[%3E%3DDATE_CREATE]=2026-01-01T00%3A00%3A00%2B02%3A00" +
		"&select[0]=ID&select[1]=ACTIVE&select[2]=SUBJECT_ID&select[3]=NAME&select[4]=DESCRIPTION&select[5]=KEYWORDS" +
		"&select[6]=CLOSED&select[7]=VISIBLE&select[8]=OPENED&select[9]=PROJECT&select[10]=LANDING&select[11]=DATE_CREATE" +
		"&select[12]=DATE_UPDATE&select[13]=DATE_ACTIVITY&select[14]=IMAGE_ID&select[15]=AVATAR_TYPE&select[16]=OWNER_ID" +
		"&select[17]=NUMBER_OF_MEMBERS&select[18]=NUMBER_OF_MODERATORS&select[19]=INITIATE_PERMS&select[20]=PROJECT_DATE_START" +
		"&select[21]=PROJECT_DATE_FINISH&select[22]=SCRUM_OWNER_ID&select[23]=SCRUM_MASTER_ID&select[24]=SCRUM_SPRINT_DURATION" +
		"&select[25]=SCRUM_TASK_RESPONSIBLE&select[26]=TYPE&select[27]=AVATAR" +
		"&order[DATE_ACTIVITY]=DESC&order[ID]=ASC" +
		"&params[IS_ADMIN]=Y&params[siteId]=s1&params[mode]=mobile&params[features][0]=tasks&params[features][1]=chat" +
		"&params[mandatoryFeatures][0]=files&params[shouldSelectDialogId]=N&start=50"}, rec.Bodies())
	require.Len(t, p.Items, 1)
	z := time.FixedZone("", 2*3600)
	assert.Equal(t, Workgroup{
		ID: 12, Active: true, SubjectID: 2, Name: "Mobile app", Description: "Release 3.0", Keywords: "mobile, release",
		Visible: true, Opened: true, Project: true,
		DateCreate: time.Date(2026, 3, 19, 15, 1, 27, 0, z), DateCreateText: "2026-03-19T15:01:27+02:00",
		DateUpdate: time.Date(2026, 3, 20, 10, 0, 0, 0, z), DateUpdateText: "2026-03-20T10:00:00+02:00",
		DateActivity: time.Date(2026, 3, 21, 8, 30, 0, 0, z), DateActivityText: "2026-03-21T08:30:00+02:00",
		AvatarType: "pie", OwnerID: 7, NumberOfMembers: 4, NumberOfModerators: 2, InitiatePerms: RoleModerator,
		ProjectDateStart: time.Date(2026, 4, 1, 0, 0, 0, 0, z), ProjectDateStartText: "2026-04-01T00:00:00+02:00",
		ScrumOwnerID: 7, ScrumMasterID: 9, ScrumSprintDuration: 7 * 24 * time.Hour, ScrumTaskResponsible: "A", Type: WorkgroupTypeScrum,
		AdditionalData: &WorkgroupAdditionalData{Role: RoleModerator, InitiatedByType: "G", Features: json.RawMessage(`["tasks", "chat"]`)},
		DialogID:       "chat42", Raw: p.Items[0].Raw,
	}, p.Items[0])
	assert.Equal(t, Page[Workgroup]{Items: p.Items, Total: 51, HasTotal: true, Next: 50, HasNext: true, Time: p.Time}, *p)
}

func TestListWorkgroupsNoCountSendsStartMinusOne(t *testing.T) {
	c, rec, _ := newListMock(t, "no_count.json")
	p, err := c.ListWorkgroups(context.Background(), &WorkgroupListOptions{NoCount: true, Order: Order{FieldID.Desc()}, Select: []WorkgroupField{WorkgroupFieldID}})
	require.NoError(t, err)
	assert.Equal(t, []string{"select[0]=ID&order[ID]=DESC&start=-1"}, rec.Bodies())
	assert.Equal(t, []int{7, 3}, []int{p.Items[0].ID, p.Items[1].ID})
	assert.False(t, p.HasTotal, "the portal's total of 0 with start=-1 means nothing")
	assert.Equal(t, 0, p.Total)
	assert.False(t, p.HasNext)
}

func TestListWorkgroupsEmptyAnswers(t *testing.T) {
	for _, f := range []string{"empty.json", "empty_php_array.json"} {
		t.Run(f, func(t *testing.T) {
			c, rec, _ := newListMock(t, f)
			p, err := c.ListWorkgroups(context.Background(), nil)
			require.NoError(t, err)
			assert.Equal(t, []string{defaultSelectBody}, rec.Bodies(), "nil options select the default fields")
			assert.Equal(t, []Workgroup{}, p.Items)
			assert.True(t, p.HasTotal)
			assert.Equal(t, 0, p.Total)
			assert.False(t, p.HasNext)
		})
	}
}

func TestListWorkgroupsWrongShape(t *testing.T) {
	c, _, _ := newListMock(t, "no_workgroups_key.json")
	_, err := c.ListWorkgroups(context.Background(), nil)
	var re *ResponseError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "socialnetwork.api.workgroup.list", re.Method)
	assert.Contains(t, re.Reason, `no "workgroups"`)
}

func TestListWorkgroupsRefusesBadOptions(t *testing.T) {
	c, mt := newMockClient(t)
	for _, tc := range []struct {
		opts  WorkgroupListOptions
		field string
	}{
		{WorkgroupListOptions{Start: -1}, "start"},
		{WorkgroupListOptions{NoCount: true, Start: 50}, "start"},
		{WorkgroupListOptions{Select: []WorkgroupField{"NAME&x=1"}}, "select"},
		{WorkgroupListOptions{Filter: WorkgroupFilter{FieldID.Eq(1), FieldID.Eq(2)}}, "filter"},
		{WorkgroupListOptions{Order: Order{{Field: "ID", Direction: "UP"}}}, "order"},
		{WorkgroupListOptions{Params: WorkgroupListParams{IsAdmin: No}}, "params[IS_ADMIN]"},
		{WorkgroupListOptions{Params: WorkgroupListParams{ShouldSelectDialogID: 7}}, "params[shouldSelectDialogId]"},
		{WorkgroupListOptions{Params: WorkgroupListParams{Mode: "tablet"}}, "params[mode]"},
		{WorkgroupListOptions{Params: WorkgroupListParams{MandatoryFeatures: []string{" "}}}, "params[features]"},
	} {
		_, err := c.ListWorkgroups(context.Background(), &tc.opts)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, tc.field)
		assert.Equal(t, tc.field, ve.Field)
	}
	assert.Equal(t, 0, mt.GetTotalCallCount())
}

func TestAllWorkgroupsFollowsNext(t *testing.T) {
	c, rec, _ := newListMock(t, "all_fields.json", "second_page.json")
	var ids []int
	for w, err := range c.AllWorkgroups(context.Background(), &WorkgroupListOptions{Select: []WorkgroupField{WorkgroupFieldName}}) {
		require.NoError(t, err)
		ids = append(ids, w.ID)
	}
	assert.Equal(t, []int{12, 5, 1}, ids)
	assert.Equal(t, []string{"select[0]=NAME", "select[0]=NAME&start=50"}, rec.Bodies())
}

func TestAllWorkgroupsNoCountRefusesOtherOrderAndStalls(t *testing.T) {
	c, mt := newMockClient(t)
	for _, err := range c.AllWorkgroups(context.Background(), &WorkgroupListOptions{NoCount: true, Order: Order{FieldName.Asc()}}) {
		var ve *ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, "order", ve.Field)
	}
	assert.Equal(t, 0, mt.GetTotalCallCount())

	// A portal that ignores order[ID]=ASC sends 7 then 3: refused, not looped.
	c, rec, _ := newListMock(t, "no_count.json")
	var got []int
	var errs []error
	for w, err := range c.AllWorkgroups(context.Background(), &WorkgroupListOptions{NoCount: true, Select: []WorkgroupField{WorkgroupFieldID}}) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		got = append(got, w.ID)
	}
	assert.Equal(t, []int{7}, got)
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], ErrCursorStalled)
	assert.Equal(t, []string{"select[0]=ID&order[ID]=ASC&start=-1"}, rec.Bodies())
}
