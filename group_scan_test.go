package sonet

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/b24kit/sonet/sonettest"
	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newFakePortal starts sonettest with n groups named "G<i>" and returns a
// client on it with pacing off.
func newFakePortal(t testing.TB, n int, opts ...sonettest.Option) (*sonettest.Server, *Client) {
	t.Helper()
	srv := sonettest.NewServer(append([]sonettest.Option{sonettest.WithClock(wholeSecondClock)}, opts...)...)
	t.Cleanup(srv.Close)
	for i := 1; i <= n; i++ {
		srv.AddGroup(sonettest.NewGroup(fmt.Sprint("G", i)))
	}
	c, err := NewWebhookClient(srv.WebhookURL(), WithoutRateLimit())
	require.NoError(t, err)
	return srv, c
}

func collect(t testing.TB, seq func(func(Group, error) bool)) []int {
	t.Helper()
	var ids []int
	for g, err := range seq {
		require.NoError(t, err)
		ids = append(ids, g.ID)
	}
	return ids
}

// wholeSecondClock is the fake portals' clock in the scan tests: the real
// time cut to the second. A portal writes a time block's start in whole
// seconds, so a command's "duration" is its real time plus the start's
// lost fraction (up to a second), and a scan sizes its requests from the
// first command's duration, at most what the request took on the client's
// clock. On the real clock a loaded machine (a first request slower than
// 400 ms, a start late in its second) made the estimate large enough to
// split the walk into more requests than the tests expect
// (TestScanGroupsEqualsPageByPageWalk failed so). On this clock every
// command reports exactly its call cost, as the tests assume; the clock
// still moves on, for what needs real time.
func wholeSecondClock() time.Time { return time.Now().Truncate(time.Second) }

// scanBounds asserts issue #9's sizing: for n matching rows a scan sends at
// most ceil(n/50)+1 list commands in ceil(n/2500)+1 requests.
func scanBounds(t *testing.T, n, commands, requests int) {
	t.Helper()
	assert.LessOrEqual(t, commands, (n+PageSize-1)/PageSize+1, "list commands for %d rows", n)
	assert.LessOrEqual(t, requests, (n+PageSize*MaxBatchCommands-1)/(PageSize*MaxBatchCommands)+1, "requests for %d rows", n)
}

func TestScanGroupsEqualsPageByPageWalk(t *testing.T) {
	// The first request is one counted command; the count sizes the rest.
	for _, tc := range []struct{ n, requests int }{{0, 1}, {1, 1}, {49, 1}, {50, 2}, {51, 2}, {2500, 2}, {2501, 2}, {5000, 3}, {12345, 6}} {
		t.Run(fmt.Sprint(tc.n), func(t *testing.T) {
			srv, c := newFakePortal(t, tc.n)
			ctx := context.Background()
			slow := collect(t, c.AllGroups(ctx, &GroupListOptions{Order: Order{FieldID.Asc()}}))
			srv.ResetRequests()
			before := srv.Stats().Calls["sonet_group.get"]
			var progress []ScanProgress
			fast := collect(t, c.ScanGroups(ctx, &GroupScanOptions{Progress: func(p ScanProgress) { progress = append(progress, p) }}))
			scanBounds(t, tc.n, srv.Stats().Calls["sonet_group.get"]-before, len(srv.Requests()))

			require.Len(t, fast, tc.n)
			assert.Equal(t, slow, fast)
			for i, id := range fast {
				require.Equal(t, i+1, id)
			}
			reqs := srv.Requests()
			assert.Equal(t, tc.requests, len(reqs))
			for _, r := range reqs {
				assert.Equal(t, "batch", r.Method)
				assert.Equal(t, http.StatusOK, r.HTTPStatus)
			}
			require.Len(t, progress, tc.requests)
			assert.Equal(t, ScanProgress{Rows: tc.n, Total: tc.n, HasTotal: true, Requests: tc.requests}, progress[len(progress)-1])
		})
	}
}

func TestScanGroupsSendsChainedCursorCommands(t *testing.T) {
	srv, c := newFakePortal(t, 120)
	ids := collect(t, c.ScanGroups(context.Background(), &GroupScanOptions{PagesPerRequest: 2, AfterID: 10, Filter: GroupFilter{FieldActive.Eq(true)}, IsAdmin: Yes}))
	assert.Len(t, ids, 110)
	assert.Equal(t, 11, ids[0])
	reqs := srv.Requests()
	// 110 rows after ID 10: one counted command (50 rows, 60 left), then
	// the 2 pages the count asks for (50 rows, then 10: the end).
	require.Len(t, reqs, 2)
	assert.Equal(t, "cmd[c0]=sonet_group.get%3FORDER%5BID%5D%3DASC%26FILTER%5B%253EID%5D%3D10%26FILTER%5BACTIVE%5D%3DY%26IS_ADMIN%3DY%26start%3D0&halt=1",
		reqs[0].Body)
	assert.Equal(t, "cmd[c0]=sonet_group.get%3FORDER%5BID%5D%3DASC%26FILTER%5B%253EID%5D%3D60%26FILTER%5BACTIVE%5D%3DY%26IS_ADMIN%3DY%26start%3D-1"+
		"&cmd[c1]=sonet_group.get%3FORDER%5BID%5D%3DASC%26FILTER%5B%253EID%5D%3D%2524result%255Bc0%255D%255B49%255D%255BID%255D%26FILTER%5BACTIVE%5D%3DY%26IS_ADMIN%3DY%26start%3D-1&halt=1",
		reqs[1].Body)
}

func TestScanGroupsSeesGroupsAddedDuringTheWalk(t *testing.T) {
	srv, c := newFakePortal(t, 3000)
	var ids []int
	added := 0
	for g, err := range c.ScanGroups(context.Background(), &GroupScanOptions{PagesPerRequest: 10}) {
		require.NoError(t, err)
		ids = append(ids, g.ID)
		// New groups get IDs beyond the cursor. (A group created after
		// the walk's last answer arrived is not seen.)
		if g.ID%700 == 0 && g.ID < 2500 {
			srv.AddGroup(sonettest.NewGroup(fmt.Sprint("late", g.ID)))
			added++
		}
	}
	require.Equal(t, 3, added)
	require.Len(t, ids, 3003)
	for i, id := range ids {
		require.Equal(t, i+1, id, "position %d", i)
	}
}

func TestScanGroupsStopsWhenTheCallerBreaks(t *testing.T) {
	srv, c := newFakePortal(t, 200)
	n := 0
	for _, err := range c.ScanGroups(context.Background(), &GroupScanOptions{PagesPerRequest: 1}) {
		require.NoError(t, err)
		n++
		if n == 60 {
			break
		}
	}
	assert.Equal(t, 60, n)
	assert.Len(t, srv.Requests(), 2)
}

func TestScanGroupsRefusesACursorThatDoesNotAdvance(t *testing.T) {
	c, mt := newMockClient(t)
	// Every command answers the same two groups (77, 79) again.
	page := `[` + strings.Repeat(`{"ID":"77"},`, 49) + `{"ID":"79"}]`
	mt.RegisterResponder("POST", testEndpoint+"batch", func(req *http.Request) (*http.Response, error) {
		return newJSONResponse(`{"result":{"result":{"c0":` + page + `,"c1":` + page + `},"result_error":[],"result_total":{"c0":100},"result_next":[],"result_time":[]}}`), nil
	})
	var errs []error
	n := 0
	for _, err := range c.ScanGroups(context.Background(), &GroupScanOptions{PagesPerRequest: 2}) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	assert.Equal(t, 0, n, "a page is checked whole before its rows are yielded")
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], ErrCursorStalled)
	assert.EqualError(t, errs[0], "sonet: sonet_group.get: list walk stalled: the portal did not advance: group 77 came after cursor 77")
}

func TestScanGroupsValidatesOptionsAndYieldsCommandErrors(t *testing.T) {
	c, mt := newMockClient(t)
	for opts, want := range map[*GroupScanOptions]string{
		{PagesPerRequest: 51}:                    "sonet: invalid PagesPerRequest: 51 is outside 0..50",
		{AfterID: -1}:                            "sonet: invalid AfterID: negative ID -1",
		{Filter: GroupFilter{FieldID.GT(5)}}:     "sonet: invalid FILTER: the scan owns the >ID condition; set AfterID instead",
		{Filter: GroupFilter{Where("[x]", "1")}}: `sonet: invalid FILTER: filter key "[x]" contains a bracket, & or NUL`,
		{IsAdmin: No}:                            "sonet: invalid IS_ADMIN: only Yes has a meaning; leave it unset for permission checks",
	} {
		var errs []error
		for _, err := range c.ScanGroups(context.Background(), opts) {
			errs = append(errs, err)
		}
		require.Len(t, errs, 1)
		assert.EqualError(t, errs[0], want)
		assert.ErrorIs(t, errs[0], ErrValidation)
	}
	assert.Equal(t, 0, mt.GetTotalCallCount())

	mt.RegisterResponder("POST", testEndpoint+"batch", func(req *http.Request) (*http.Response, error) {
		return newJSONResponse(`{"result":{"result":[],"result_error":{"c0":{"error":"insufficient_scope","error_description":""}},"result_total":[],"result_next":[],"result_time":[]}}`), nil
	})
	var errs []error
	for _, err := range c.ScanGroups(context.Background(), nil) {
		errs = append(errs, err)
	}
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], ErrInsufficientScope)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func newJSONResponse(body string) *http.Response {
	r := httpmock.NewStringResponse(200, body)
	r.Header.Set("Content-Type", "application/json")
	return r
}

// A scan is a read: a lost batch answer is retried, not reported as an
// unknown outcome.
func TestScanGroupsRetriesThroughAServerFault(t *testing.T) {
	srv, _ := newFakePortal(t, 60, sonettest.WithFaults(sonettest.Faults{Seed: 1, HTMLBadGateway: 1, Methods: []string{"batch"}}))
	c, err := NewWebhookClient(srv.WebhookURL(), WithoutRateLimit(), WithRetryPolicy(RetryPolicy{MaxAttempts: 2}))
	require.NoError(t, err)
	var errs []error
	for _, err := range c.ScanGroups(context.Background(), nil) {
		errs = append(errs, err)
		break
	}
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], ErrBadResponse)
	assert.NotErrorIs(t, errs[0], ErrOutcomeUnknown, "a scan writes nothing")
	assert.Len(t, srv.Requests(), 2, "the read was retried once (MaxAttempts 2)")
}
