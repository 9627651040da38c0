package sonet

import (
	"context"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A condition sonet_group.get would drop silently cannot be put into a
// GroupFilter (a composite literal needs the element to implement the
// interface), and the other way round.
func TestFilterTypesKeepMethodOnlyOperatorsApart(t *testing.T) {
	groupItem := reflect.TypeOf((*GroupFilterItem)(nil)).Elem()
	workgroupItem := reflect.TypeOf((*WorkgroupFilterItem)(nil)).Elem()
	for _, fn := range []any{FieldName.NotLike, FieldName.LikePattern, FieldName.NotLikePattern, WorkgroupFilterType.Eq, WorkgroupFilterType.In} {
		out := reflect.TypeOf(fn).Out(0)
		assert.False(t, out.Implements(groupItem), "%v must not fit a GroupFilter", out)
		assert.True(t, out.Implements(workgroupItem))
	}
	for _, fn := range []any{FieldName.Search, FieldDescription.Like, FieldKeywords.Eq, FieldNumberOfMembers.GT, FieldSubjectName.Search,
		FieldInitiatePerms.Eq, FieldIsExtranet.Eq} {
		out := reflect.TypeOf(fn).Out(0)
		assert.True(t, out.Implements(groupItem))
		assert.False(t, out.Implements(workgroupItem), "%v must not fit a WorkgroupFilter", out)
	}
	for _, fn := range []any{FieldName.Like, FieldName.Eq, FieldID.GT, FieldProject.Eq, FieldSubjectID.In, FieldDateActivity.LT} {
		out := reflect.TypeOf(fn).Out(0)
		assert.True(t, out.Implements(groupItem))
		assert.True(t, out.Implements(workgroupItem))
	}
}

// The raw escape hatch refuses, before sending, an operator the method drops
// and a field it does not filter on.
func TestWhereRefusesWhatTheMethodDrops(t *testing.T) {
	c, mt := newMockClient(t)
	for key, msg := range map[string]string{
		"=%NAME":       `sonet: invalid FILTER: sonet_group.get drops the operator "=%" of filter key "=%NAME" silently (it would return every row); use WhereUnchecked to send it anyway`,
		"!=%NAME":      `sonet: invalid FILTER: sonet_group.get drops the operator "!=%" of filter key "!=%NAME" silently (it would return every row); use WhereUnchecked to send it anyway`,
		"><ID":         `sonet: invalid FILTER: sonet_group.get passes the operator "><" to its SQL layer, which does not know it and drops the condition (filter key "><ID"); use WhereUnchecked to send it anyway`,
		"!><ID":        `sonet: invalid FILTER: sonet_group.get passes the operator "!><" to its SQL layer, which does not know it and drops the condition (filter key "!><ID"); use WhereUnchecked to send it anyway`,
		"!%NAME":       `sonet: invalid FILTER: sonet_group.get ignores the negation of "!%" and returns the rows that DO contain the value (filter key "!%NAME"); use WhereUnchecked to send it anyway`,
		"@ID":          `sonet: invalid FILTER: sonet_group.get drops the operator "@" of filter key "@ID" silently (it would return every row); use WhereUnchecked to send it anyway`,
		">>ID":         `sonet: invalid FILTER: sonet_group.get drops the operator ">>" of filter key ">>ID" silently (it would return every row); use WhereUnchecked to send it anyway`,
		"TYPE":         `sonet: invalid FILTER: sonet_group.get does not filter on "TYPE" (filter key "TYPE" would be ignored and return every row); field names are upper case; use WhereUnchecked to send it anyway`,
		"%name":        `sonet: invalid FILTER: sonet_group.get does not filter on "name" (filter key "%name" would be ignored and return every row); field names are upper case; use WhereUnchecked to send it anyway`,
		"SCRUM_MASTER": `sonet: invalid FILTER: sonet_group.get does not filter on "SCRUM_MASTER" (filter key "SCRUM_MASTER" would be ignored and return every row); field names are upper case; use WhereUnchecked to send it anyway`,
	} {
		_, err := c.ListGroups(context.Background(), &GroupListOptions{Filter: GroupFilter{Where(key, "x")}})
		assert.EqualError(t, err, msg)
		assert.ErrorIs(t, err, ErrValidation)
	}
	for key, msg := range map[string]string{
		"?NAME":        `sonet: invalid filter: socialnetwork.api.workgroup.list drops the operator "?" of filter key "?NAME" silently (it would return every row); use WhereUnchecked to send it anyway`,
		"><ID":         `sonet: invalid filter: socialnetwork.api.workgroup.list drops the operator "><" of filter key "><ID" silently (it would return every row); use WhereUnchecked to send it anyway`,
		"SITE_ID":      `sonet: invalid filter: socialnetwork.api.workgroup.list does not filter on "SITE_ID" (filter key "SITE_ID" would be ignored and return every row); field names are upper case; use WhereUnchecked to send it anyway`,
		"IS_EXTRANET":  `sonet: invalid filter: socialnetwork.api.workgroup.list does not filter on "IS_EXTRANET" (filter key "IS_EXTRANET" would be ignored and return every row); field names are upper case; use WhereUnchecked to send it anyway`,
		"SUBJECT_NAME": `sonet: invalid filter: socialnetwork.api.workgroup.list does not filter on "SUBJECT_NAME" (filter key "SUBJECT_NAME" would be ignored and return every row); field names are upper case; use WhereUnchecked to send it anyway`,
	} {
		_, err := c.ListWorkgroups(context.Background(), &WorkgroupListOptions{Filter: WorkgroupFilter{Where(key, "x")}})
		assert.EqualError(t, err, msg)
	}
	assert.Equal(t, 0, mt.GetTotalCallCount())
}

// An empty "contains" or search value is refused for sonet_group.get:
// CSqlUtil turns "%NAME" = "" into "WHERE NAME", a numeric test.
func TestGroupFilterRefusesEmptyLikeAndSearch(t *testing.T) {
	_, err := (&GroupListOptions{Filter: GroupFilter{FieldName.Like("")}}).Encode()
	assert.EqualError(t, err, `sonet: invalid FILTER: empty value for filter key "%NAME": the portal's SQL then tests the field as a number and matches almost nothing; leave the condition out to match every row`)
	_, err = (&GroupListOptions{Filter: GroupFilter{FieldDescription.Search("")}}).Encode()
	assert.ErrorIs(t, err, ErrValidation)
	_, err = (&GroupListOptions{Filter: GroupFilter{Where("%NAME", "a", "")}}).Encode()
	assert.ErrorIs(t, err, ErrValidation)
	body, err := (&GroupListOptions{Filter: GroupFilter{FieldName.Eq("")}}).Encode()
	require.NoError(t, err, "= with an empty value matches empty text, as asked")
	assert.Equal(t, "FILTER[NAME]=", body)
}

// Every operator and field the method honours passes through Where.
func TestWhereAcceptsWhatTheMethodHonours(t *testing.T) {
	for _, op := range []string{"", "!", "=", "!=", "<", "<=", ">", ">=", "%", "?"} {
		for _, f := range []string{"ID", "DESCRIPTION", "SUBJECT_NAME", "INITIATE_PERMS", "NUMBER_OF_MEMBERS", "PROJECT_DATE_START"} {
			v := "1"
			if f == "PROJECT_DATE_START" {
				v = "02.01.2026"
			}
			_, err := (&GroupListOptions{Filter: GroupFilter{Where(op+f, v)}}).Encode()
			if (op == "%" || op == "?") && (f == "ID" || f == "NUMBER_OF_MEMBERS" || f == "PROJECT_DATE_START") {
				assert.ErrorIs(t, err, ErrValidation, "CSqlUtil reads %s as =", op+f)
				continue
			}
			assert.NoError(t, err, op+f)
		}
	}
	for _, op := range []string{"", "=", "!", "!=", "<", "<=", ">", ">=", "%", "!%", "=%", "%=", "!=%", "!%="} {
		for _, f := range []string{"ID", "NAME", "TYPE", "PROJECT", "SUBJECT_ID", "DESCRIPTION", "NUMBER_OF_MEMBERS"} {
			_, err := (&WorkgroupListOptions{Filter: WorkgroupFilter{Where(op+f, "1")}}).Encode()
			assert.NoError(t, err, op+f)
		}
	}
}

// WhereUnchecked is the loud way to send a key anyway, exactly as given.
func TestWhereUncheckedSendsAnyway(t *testing.T) {
	c, mt := newMockClient(t)
	var rec recorded
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", rec.respond(200, fixture(t, "sonet_group.get/seed003_two_groups.json")))
	_, err := c.ListGroups(context.Background(), &GroupListOptions{Filter: GroupFilter{WhereUnchecked("=%NAME", "%Alpha%"), WhereUnchecked("UF_X", "1")}})
	require.NoError(t, err)
	assert.Equal(t, []string{"FILTER[%3D%25NAME]=%25Alpha%25&FILTER[UF_X]=1"}, rec.Bodies())
	// Syntax is still checked.
	_, err = c.ListGroups(context.Background(), &GroupListOptions{Filter: GroupFilter{WhereUnchecked("A[B]", "1")}})
	assert.EqualError(t, err, `sonet: invalid FILTER: filter key "A[B]" contains a bracket, & or NUL`)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

// The fields only sonet_group.get's GetList knows, with their operators.
func TestGroupOnlyFieldsEncode(t *testing.T) {
	body, err := (&GroupListOptions{
		Filter: GroupFilter{
			FieldDescription.Like("launch"), FieldKeywords.Search("web|mobile"), FieldSubjectName.Eq("Workgroups"),
			FieldNumberOfMembers.GTE(5), FieldNumberOfModerators.LTE(3), FieldInitiatePerms.In(RoleOwner, RoleModerator),
			FieldSpamPerms.NotEq(RoleAll), FieldIsExtranet.Eq(false), FieldProject.Eq(true), FieldSubjectID.NotIn(4, 5),
			FieldSiteID.Eq("s1"), FieldOwnerLogin.NotEq("bot"), FieldImageID.GT(0),
		},
		Order: Order{FieldNumberOfMembers.Desc(), FieldKeywords.Asc(), FieldInitiatePerms.Asc()},
	}).Encode()
	require.NoError(t, err)
	assert.Equal(t, "ORDER[NUMBER_OF_MEMBERS]=DESC&ORDER[KEYWORDS]=ASC&ORDER[INITIATE_PERMS]=ASC"+
		"&FILTER[%25DESCRIPTION]=launch&FILTER[%3FKEYWORDS]=web%7Cmobile&FILTER[SUBJECT_NAME]=Workgroups"+
		"&FILTER[%3E%3DNUMBER_OF_MEMBERS]=5&FILTER[%3C%3DNUMBER_OF_MODERATORS]=3"+
		"&FILTER[INITIATE_PERMS][0]=A&FILTER[INITIATE_PERMS][1]=E&FILTER[%21%3DSPAM_PERMS]=N&FILTER[IS_EXTRANET]=N"+
		"&FILTER[PROJECT]=Y&FILTER[%21SUBJECT_ID][0]=4&FILTER[%21SUBJECT_ID][1]=5&FILTER[SITE_ID]=s1"+
		"&FILTER[%21%3DOWNER_LOGIN]=bot&FILTER[%3EIMAGE_ID]=0", body)
}

// ORDER keys the method does not sort by are refused: sonet_group.get skips
// them silently, socialnetwork.api.workgroup.list answers an error.
func TestOrderRefusesUnknownField(t *testing.T) {
	_, err := (&GroupListOptions{Order: Order{{Field: "TYPE", Direction: Asc}}}).Encode()
	assert.EqualError(t, err, `sonet: invalid ORDER: sonet_group.get does not sort by "TYPE" (field names are upper case)`)
	_, err = (&GroupListOptions{Order: Order{{Field: "name", Direction: Asc}}}).Encode()
	assert.EqualError(t, err, `sonet: invalid ORDER: sonet_group.get does not sort by "name" (field names are upper case)`)
	_, err = (&GroupListOptions{Order: Order{{Field: "IS_EXTRANET", Direction: Asc}}}).Encode()
	assert.ErrorIs(t, err, ErrValidation)
	_, err = (&WorkgroupListOptions{Order: Order{groupOnlySortProbe()}}).Encode()
	assert.EqualError(t, err, `sonet: invalid order: socialnetwork.api.workgroup.list does not sort by "SUBJECT_NAME" (field names are upper case)`)
	body, err := (&WorkgroupListOptions{Order: Order{WorkgroupFilterType.Asc(), FieldID.Desc()}, Select: []WorkgroupField{WorkgroupFieldID}}).Encode()
	require.NoError(t, err)
	assert.Equal(t, "select[0]=ID&order[TYPE]=ASC&order[ID]=DESC", body)
}

// groupOnlySortProbe is a group-only sort key, to show it does not
// pass as a workgroup.list order.
func groupOnlySortProbe() OrderBy { return FieldSubjectName.Asc() }

// The portal puts GROUP_ID in place of a FILTER "ID" key: both together
// would silently lose the filter's.
func TestGroupIDWithFilterIDIsRefused(t *testing.T) {
	_, err := (&GroupListOptions{GroupID: 5, Filter: GroupFilter{FieldID.Eq(6)}}).Encode()
	assert.EqualError(t, err, `sonet: invalid GROUP_ID: the portal replaces a FILTER "ID" key with GROUP_ID; use one of them`)
	body, err := (&GroupListOptions{GroupID: 5, Filter: GroupFilter{FieldID.GT(2)}}).Encode()
	require.NoError(t, err)
	assert.Equal(t, "FILTER[%3EID]=2&GROUP_ID=5", body)
}
