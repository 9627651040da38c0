package sonet

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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
