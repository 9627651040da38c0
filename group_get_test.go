package sonet

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestListGroupsSeed003DecodesEveryField(t *testing.T) {
	c, mt := newMockClient(t)
	var rec recorded
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", rec.respond(200, fixture(t, "sonet_group.get/seed003_two_groups.json")))
	p, err := c.ListGroups(context.Background(), &GroupListOptions{Order: Order{FieldName.Asc()}, Filter: GroupFilter{FieldName.Like("Pro")}})
	require.NoError(t, err)
	assert.Equal(t, []string{"ORDER[NAME]=ASC&FILTER[%25NAME]=Pro"}, rec.Bodies())

	plus2 := time.FixedZone("", 7200)
	d1 := time.Date(2026, 3, 19, 15, 1, 27, 0, plus2)
	d2 := time.Date(2026, 3, 19, 15, 15, 6, 0, plus2)
	want := []Group{
		{ID: 77, SiteID: "s1", Name: "New Project Title", Active: true, Visible: true, Project: true, SubjectID: 1,
			SubjectName: "Workgroups", OwnerID: 1271, NumberOfMembers: 12, DateCreate: d1, DateUpdate: d1, DateActivity: d1},
		{ID: 79, SiteID: "s1", Name: "Scrum Project", Active: true, Visible: true, Project: true, SubjectID: 1,
			SubjectName: "Workgroups", OwnerID: 1269, NumberOfMembers: 8, DateCreate: d2, DateUpdate: d2, DateActivity: d2},
	}
	require.Len(t, p.Items, 2)
	for i := range want {
		got := p.Items[i]
		for _, pair := range [][2]*time.Time{{&got.DateCreate, &want[i].DateCreate}, {&got.DateUpdate, &want[i].DateUpdate}, {&got.DateActivity, &want[i].DateActivity}} {
			assert.True(t, pair[0].Equal(*pair[1]))
			_, off := pair[0].Zone()
			assert.Equal(t, 7200, off, "the portal's offset is kept")
			*pair[0] = *pair[1]
		}
		assert.Equal(t, want[i], got)
	}
	assert.Equal(t, 2, p.Total)
	assert.True(t, p.HasTotal)
	assert.False(t, p.HasNext)
	assert.Equal(t, time.Unix(1773926030, 0), p.Time.OperatingResetAt)
}

func TestListGroupsEncodesEveryOption(t *testing.T) {
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.FixedZone("", 3*3600))
	body, err := (&GroupListOptions{
		Order: Order{FieldDateCreate.Desc(), FieldName.Asc(), {Field: "PROJECT", Direction: Asc}},
		Filter: GroupFilter{
			FieldID.GTE(10), FieldSubjectID.NotIn(13, 14), FieldOwnerID.In(1, 2), FieldName.NotEq("Old"),
			FieldName.Search("sales"), FieldActive.Eq(true), FieldClosed.NotEq(true), FieldDateCreate.GTE(from),
			FieldDateUpdate.LT(from), FieldID.Not(15), FieldOwnerID.NotEq(3), FieldID.GT(1), FieldID.LTE(99),
			Where("=PROJECT", "Y"),
		},
		GroupID: 7, IsAdmin: Yes, Start: 100,
	}).Encode()
	require.NoError(t, err)
	assert.Equal(t, "ORDER[DATE_CREATE]=DESC&ORDER[NAME]=ASC&ORDER[PROJECT]=ASC"+
		"&FILTER[%3E%3DID]=10&FILTER[%21SUBJECT_ID][0]=13&FILTER[%21SUBJECT_ID][1]=14"+
		"&FILTER[OWNER_ID][0]=1&FILTER[OWNER_ID][1]=2&FILTER[%21%3DNAME]=Old&FILTER[%3FNAME]=sales&FILTER[ACTIVE]=Y"+
		"&FILTER[%21%3DCLOSED]=Y&FILTER[%3E%3DDATE_CREATE]=2026-01-01T00%3A00%3A00%2B03%3A00"+
		"&FILTER[%3CDATE_UPDATE]=2026-01-01T00%3A00%3A00%2B03%3A00&FILTER[%21ID]=15&FILTER[%21%3DOWNER_ID]=3"+
		"&FILTER[%3EID]=1&FILTER[%3C%3DID]=99&FILTER[%3DPROJECT]=Y&GROUP_ID=7&IS_ADMIN=Y&start=100", body)
	// The same bytes mean the intended structure to a form parser.
	vals, err := url.ParseQuery(body)
	require.NoError(t, err)
	assert.Equal(t, []string{"sales"}, vals["FILTER[?NAME]"])
	assert.Equal(t, []string{"DESC"}, vals["ORDER[DATE_CREATE]"])
}

func TestListGroupsRefusesBadOptions(t *testing.T) {
	cases := map[string]*GroupListOptions{
		`sonet: invalid ORDER: sort direction "asc" for NAME is neither ASC nor DESC`:                  {Order: Order{{Field: "NAME", Direction: "asc"}}},
		`sonet: invalid ORDER: bad sort field ""`:                                                      {Order: Order{{Direction: Asc}}},
		`sonet: invalid ORDER: sort field ID appears twice`:                                            {Order: Order{FieldID.Asc(), FieldID.Desc()}},
		`sonet: invalid FILTER: filter key "%NAME" appears twice; the portal would keep only the last`: {Filter: GroupFilter{FieldName.Like("a"), FieldName.Like("b")}},
		`sonet: invalid FILTER: filter key ">=" names no field`:                                        {Filter: GroupFilter{Where(">=", "1")}},
		`sonet: invalid FILTER: filter key "NAME]" contains a bracket, & or NUL`:                       {Filter: GroupFilter{Where("NAME]", "1")}},
		`sonet: invalid FILTER: filter key "ID" has no value`:                                          {Filter: GroupFilter{FieldID.In()}},
		`sonet: invalid start: negative offset -50`:                                                    {Start: -50},
		`sonet: invalid IS_ADMIN: only Yes has a meaning; leave it unset for permission checks`:        {IsAdmin: No},
		`sonet: invalid GROUP_ID: negative group ID -1`:                                                {GroupID: -1},
	}
	c, mt := newMockClient(t)
	for msg, o := range cases {
		_, err := c.ListGroups(context.Background(), o)
		assert.EqualError(t, err, msg)
		assert.ErrorIs(t, err, ErrValidation)
	}
	assert.Equal(t, 0, mt.GetTotalCallCount())
}

func TestGetGroup(t *testing.T) {
	c, mt := newMockClient(t)
	var rec recorded
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", rec.respond(200, fixture(t, "sonet_group.get/seed003_two_groups.json")))
	g, err := c.GetGroup(context.Background(), 79)
	require.NoError(t, err)
	assert.Equal(t, "Scrum Project", g.Name)
	assert.Equal(t, 1269, g.OwnerID)
	assert.Equal(t, []string{"GROUP_ID=79"}, rec.Bodies())

	_, err = c.GetGroup(context.Background(), 5)
	assert.EqualError(t, err, "sonet: sonet_group.get: bad response (HTTP 200): asked for group 5, got 2 other groups")
}

func TestGetGroupNotFound(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", httpmock.NewStringResponder(200, `{"result":[],"total":0}`))
	_, err := c.GetGroup(context.Background(), 404)
	assert.ErrorIs(t, err, ErrNotFound)
	assert.ErrorIs(t, err, ErrGroupNotFound)
	assert.EqualError(t, err, "sonet: sonet_group.get: group 404 not found (no such group, or the caller may not see it)")
	_, err = c.GetGroup(context.Background(), 0)
	assert.ErrorIs(t, err, ErrValidation)
}

// pagedPortal serves n groups with IDs 1..n, 50 a page, like sonet_group.get.
func pagedPortal(t *testing.T, mt *httpmock.MockTransport, n int, starts *[]string) {
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", func(r *http.Request) (*http.Response, error) {
		require.NoError(t, r.ParseForm())
		start := 0
		fmt.Sscan(r.PostForm.Get("start"), &start)
		*starts = append(*starts, r.PostForm.Get("start"))
		var rows []string
		for id := start + 1; id <= n && id <= start+PageSize; id++ {
			rows = append(rows, fmt.Sprintf(`{"ID":"%d","NAME":"G%d","ACTIVE":"Y"}`, id, id))
		}
		next := ""
		if start+PageSize < n {
			next = fmt.Sprintf(`,"next":%d`, start+PageSize)
		}
		return httpmock.NewStringResponse(200, fmt.Sprintf(`{"result":[%s],"total":%d%s}`, strings.Join(rows, ","), n, next)), nil
	})
}

func TestAllGroupsWalksThreePages(t *testing.T) {
	c, mt := newMockClient(t)
	var starts []string
	pagedPortal(t, mt, 120, &starts)
	var ids []int
	for g, err := range c.AllGroups(context.Background(), &GroupListOptions{Filter: GroupFilter{FieldActive.Eq(true)}}) {
		require.NoError(t, err)
		ids = append(ids, g.ID)
	}
	require.Len(t, ids, 120)
	for i, id := range ids {
		assert.Equal(t, i+1, id)
	}
	assert.Equal(t, []string{"", "50", "100"}, starts)
}

func TestAllGroupsEarlyBreakSendsNoFurtherRequest(t *testing.T) {
	c, mt := newMockClient(t)
	var starts []string
	pagedPortal(t, mt, 120, &starts)
	n := 0
	for _, err := range c.AllGroups(context.Background(), nil) {
		require.NoError(t, err)
		n++
		if n == 51 {
			break
		}
	}
	assert.Equal(t, 51, n)
	assert.Equal(t, []string{"", "50"}, starts)
}

func TestAllGroupsRefusesAPortalThatDoesNotAdvance(t *testing.T) {
	cases := map[string][]string{
		"sonet: sonet_group.get: list walk stalled: the portal did not advance: next=0 after start=0":                    {`{"result":[{"ID":"1"}],"next":0}`},
		"sonet: sonet_group.get: list walk stalled: the portal did not advance: empty page at start=0 announces next=50": {`{"result":[],"next":50}`},
		"sonet: sonet_group.get: list walk stalled: the portal did not advance: page at start=50 repeats the previous page": {
			`{"result":[{"ID":"1"},{"ID":"2"}],"next":50,"total":200}`, `{"result":[{"ID":"1"},{"ID":"2"}],"next":100,"total":200}`},
		"sonet: sonet_group.get: list walk stalled: the portal did not advance: next=50 after start=50": {
			`{"result":[{"ID":"1"}],"next":50,"total":200}`, `{"result":[{"ID":"3"}],"next":50,"total":200}`},
	}
	for msg, pages := range cases {
		c, mt := newMockClient(t)
		calls := 0
		mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", func(*http.Request) (*http.Response, error) {
			body := pages[min(calls, len(pages)-1)]
			calls++
			return httpmock.NewStringResponse(200, body), nil
		})
		var errs []error
		rows := 0
		for _, err := range c.AllGroups(context.Background(), nil) {
			if err != nil {
				errs = append(errs, err)
				continue
			}
			rows++
		}
		require.Len(t, errs, 1, msg)
		assert.ErrorIs(t, errs[0], ErrCursorStalled)
		assert.EqualError(t, errs[0], msg)
		assert.Equal(t, len(pages), calls, msg)
	}
}

func TestAllGroupsYieldsTheErrorOnceAndStops(t *testing.T) {
	c, mt := newMockClient(t, WithRetryPolicy(RetryPolicy{MaxAttempts: 1}))
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", httpmock.NewStringResponder(401, `{"error":"NO_AUTH_FOUND","error_description":"Wrong authorization data"}`))
	var errs []error
	for _, err := range c.AllGroups(context.Background(), nil) {
		errs = append(errs, err)
	}
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], ErrNoAuthFound)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestAllGroupsChecksContextBetweenPages(t *testing.T) {
	c, mt := newMockClient(t)
	var starts []string
	pagedPortal(t, mt, 120, &starts)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var last error
	n := 0
	for _, err := range c.AllGroups(ctx, nil) {
		if err != nil {
			last = err
			break
		}
		n++
		if n == 50 {
			cancel()
		}
	}
	assert.Equal(t, 50, n)
	assert.True(t, errors.Is(last, context.Canceled))
	assert.Equal(t, []string{""}, starts)
}

func TestListGroupsReadIsRetriedThroughServerFaults(t *testing.T) {
	clk := newFakeClock()
	c, mt := newMockClient(t, WithClock(clk), WithRetryPolicy(RetryPolicy{MaxAttempts: 4, BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}))
	answers := []string{"<html>502</html>", `{"error":"INTERNAL_SERVER_ERROR","error_description":"x"}`, `{"result":[{"ID":"1`, `{"result":[],"total":0}`}
	status := []int{502, 500, 200, 200}
	calls := 0
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", func(*http.Request) (*http.Response, error) {
		i := calls
		calls++
		return httpmock.NewStringResponse(status[i], answers[i]), nil
	})
	p, err := c.ListGroups(context.Background(), nil)
	require.NoError(t, err)
	assert.Empty(t, p.Items)
	assert.True(t, p.HasTotal)
	assert.Equal(t, 4, calls)
	assert.Equal(t, []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond}, clk.Sleeps())
}
