package sonet

import (
	"context"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A start that is not a multiple of 50 would be read as the start of its
// page (floor(start/50)*50): refused before sending, for both lists.
func TestListStartOffPageIsRefused(t *testing.T) {
	c, mt := newMockClient(t)
	for _, start := range []int{1, 30, 49, 120, 1001} {
		_, err := c.ListGroups(context.Background(), &GroupListOptions{Start: start})
		var ve *ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, "start", ve.Field)
		assert.ErrorIs(t, err, ErrValidation)
		_, err = c.ListWorkgroups(context.Background(), &WorkgroupListOptions{Start: start})
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, "start", ve.Field)
		for _, err := range c.AllGroups(context.Background(), &GroupListOptions{Start: start}) {
			assert.ErrorIs(t, err, ErrValidation)
		}
	}
	_, err := c.ListGroups(context.Background(), &GroupListOptions{Start: 30})
	assert.EqualError(t, err, "sonet: invalid start: offset 30 is not a multiple of 50; the portal would return the page at offset 0")
	assert.Equal(t, 0, mt.GetTotalCallCount())
}

// Asked for a page past the last, the portal answers page 1 again (with
// next=50 and the real total): that is an empty page and the end.
func TestListGroupsPastTheEndIsEmptyNotPageOne(t *testing.T) {
	c, mt := newMockClient(t)
	var rec recorded
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", rec.respond(200, fixture(t, "sonet_group.get/page1_of_123.json")))
	p, err := c.ListGroups(context.Background(), &GroupListOptions{Order: Order{FieldID.Asc()}, Start: 1000})
	require.NoError(t, err)
	assert.Equal(t, []string{"ORDER[ID]=ASC&start=1000"}, rec.Bodies())
	assert.Empty(t, p.Items)
	assert.NotNil(t, p.Items)
	assert.False(t, p.HasNext)
	assert.Equal(t, 0, p.Next)
	assert.Equal(t, 123, p.Total)
	assert.True(t, p.HasTotal)

	// Exactly at the total is past the end too.
	p, err = c.ListGroups(context.Background(), &GroupListOptions{Start: 150})
	require.NoError(t, err)
	assert.Empty(t, p.Items)

	// The same answer at start 0 is the real first page.
	p, err = c.ListGroups(context.Background(), nil)
	require.NoError(t, err)
	require.Len(t, p.Items, 50)
	assert.Equal(t, 1, p.Items[0].ID)
	assert.True(t, p.HasNext)
	assert.Equal(t, 50, p.Next)
}

func TestAllGroupsPastTheEndYieldsNothing(t *testing.T) {
	c, mt := newMockClient(t)
	var rec recorded
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", rec.respond(200, fixture(t, "sonet_group.get/page1_of_123.json")))
	n := 0
	for _, err := range c.AllGroups(context.Background(), &GroupListOptions{Start: 1000}) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 0, n, "the rows of the fallback page are never yielded")
	assert.Equal(t, []string{"start=1000"}, rec.Bodies())
}

func TestAllGroupsFromLastPage(t *testing.T) {
	c, mt := newMockClient(t)
	var rec recorded
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", rec.respond(200, fixture(t, "sonet_group.get/page3_of_123.json")))
	var ids []int
	for g, err := range c.AllGroups(context.Background(), &GroupListOptions{Start: 100}) {
		require.NoError(t, err)
		ids = append(ids, g.ID)
	}
	require.Len(t, ids, 23)
	assert.Equal(t, 101, ids[0])
	assert.Equal(t, 123, ids[22])
	assert.Equal(t, []string{"start=100"}, rec.Bodies())
}

// In a batch too: the page-1 rows answered for start=1000 are not returned.
func TestBatchListGroupsPastTheEndIsEmpty(t *testing.T) {
	c, mt := newMockClient(t)
	var rec recorded
	mt.RegisterResponder("POST", testEndpoint+"batch", rec.respond(200, fixture(t, "batch/list_past_end.json")))
	b := NewBatch()
	page := BatchListGroups(b, &GroupListOptions{Start: 1000})
	require.NoError(t, c.RunBatch(context.Background(), b))
	assert.Equal(t, []string{"cmd[c0]=sonet_group.get%3Fstart%3D1000&halt=0"}, rec.Bodies())
	p, err := page.Result()
	require.NoError(t, err)
	assert.Empty(t, p.Items)
	assert.False(t, p.HasNext)
	assert.Equal(t, 123, p.Total)
}

func TestListWorkgroupsPastTheEndIsEmpty(t *testing.T) {
	c, rec, _ := newListMock(t, "second_page.json")
	p, err := c.ListWorkgroups(context.Background(), &WorkgroupListOptions{Start: 100})
	require.NoError(t, err)
	assert.Equal(t, []string{defaultSelectBody + "&start=100"}, rec.Bodies())
	assert.Empty(t, p.Items)
	assert.False(t, p.HasNext)
	assert.Equal(t, 51, p.Total)
}

// Past the first page, an answer without "total" could be the portal's
// first-page fallback (its rows are those of offset 0): a bad response,
// never rows yielded as if they were at the offset asked for.
func TestListPageWithoutTotalPastFirstPageIsBadResponse(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", func(r *http.Request) (*http.Response, error) {
		require.NoError(t, r.ParseForm())
		if r.PostForm.Get("start") == "" {
			return httpmock.NewBytesResponse(200, fixture(t, "sonet_group.get/page1_of_123.json")), nil
		}
		return httpmock.NewBytesResponse(200, fixture(t, "sonet_group.get/page_without_total.json")), nil
	})
	_, err := c.ListGroups(context.Background(), &GroupListOptions{Start: 50})
	assert.ErrorIs(t, err, ErrBadResponse)
	assert.EqualError(t, err, "sonet: sonet_group.get: bad response (HTTP 200): page at start=50 has no total: its rows cannot be told from the portal's first-page fallback")

	// The first page needs no total.
	p, err := c.ListGroups(context.Background(), nil)
	require.NoError(t, err)
	assert.Len(t, p.Items, 50)

	n := 0
	var last error
	for _, err := range c.AllGroups(context.Background(), nil) {
		if err != nil {
			last = err
			break
		}
		n++
	}
	assert.Equal(t, 50, n, "only the first page's rows")
	assert.ErrorIs(t, last, ErrBadResponse)

	mt.RegisterResponder("POST", testEndpoint+"socialnetwork.api.workgroup.list", httpmock.NewStringResponder(200, `{"result":{"workgroups":[{"id":1}]}}`))
	_, err = c.ListWorkgroups(context.Background(), &WorkgroupListOptions{Start: 50})
	assert.ErrorIs(t, err, ErrBadResponse)

	mt.RegisterResponder("POST", testEndpoint+"batch", httpmock.NewStringResponder(200,
		`{"result":{"result":{"c0":[{"ID":"1","NAME":"a"}]},"result_error":{},"result_total":{},"result_next":{},"result_time":{}}}`))
	b := NewBatch()
	h := BatchListGroups(b, &GroupListOptions{Start: 50})
	_ = c.RunBatch(context.Background(), b)
	assert.ErrorIs(t, h.Err(), ErrBadResponse)
}

// A next past the following page would skip rows without a word: the walk
// stops with ErrBadResponse after the rows it has.
func TestAllGroupsRefusesANextThatSkipsRows(t *testing.T) {
	c, mt := newMockClient(t)
	var starts []string
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", func(r *http.Request) (*http.Response, error) {
		require.NoError(t, r.ParseForm())
		starts = append(starts, r.PostForm.Get("start"))
		return httpmock.NewStringResponse(200, `{"result":[{"ID":"1"},{"ID":"2"}],"next":1000,"total":2000}`), nil
	})
	var ids []int
	var errs []error
	for g, err := range c.AllGroups(context.Background(), nil) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, g.ID)
	}
	assert.Equal(t, []int{1, 2}, ids)
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], ErrBadResponse)
	assert.EqualError(t, errs[0], "sonet: sonet_group.get: bad response: next=1000 after start=0 skips rows (pages are 50 rows)")
	assert.Equal(t, []string{""}, starts)
}
