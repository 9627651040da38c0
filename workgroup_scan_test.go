package sonet

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/b24kit/sonet/sonettest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func collectWorkgroups(t testing.TB, seq func(func(Workgroup, error) bool)) []Workgroup {
	t.Helper()
	var out []Workgroup
	for w, err := range seq {
		require.NoError(t, err)
		out = append(out, w)
	}
	return out
}

func TestScanWorkgroupsEqualsPageByPageWalk(t *testing.T) {
	// The first request is one counted command; the count sizes the rest.
	for _, tc := range []struct{ n, requests int }{{0, 1}, {1, 1}, {50, 2}, {51, 2}, {2500, 2}, {2501, 2}, {5000, 3}} {
		t.Run(fmt.Sprint(tc.n), func(t *testing.T) {
			srv, c := newFakePortal(t, tc.n)
			ctx := context.Background()
			sel := []WorkgroupField{WorkgroupFieldName, WorkgroupFieldActive}
			slow := collectWorkgroups(t, c.AllWorkgroups(ctx, &WorkgroupListOptions{Select: sel, Order: Order{FieldID.Asc()}}))
			srv.ResetRequests()
			before := srv.Stats().Calls[methodWorkgroupList]
			var progress []ScanProgress
			fast := collectWorkgroups(t, c.ScanWorkgroups(ctx, &WorkgroupScanOptions{Select: sel, Progress: func(p ScanProgress) { progress = append(progress, p) }}))
			scanBounds(t, tc.n, srv.Stats().Calls[methodWorkgroupList]-before, len(srv.Requests()))

			require.Len(t, fast, tc.n)
			assert.Equal(t, slow, fast)
			for i, w := range fast {
				require.Equal(t, i+1, w.ID)
				require.Equal(t, fmt.Sprint("G", i+1), w.Name)
				require.Equal(t, fmt.Sprintf(`{"name":"G%d","active":"Y","id":"%d"}`, i+1, i+1), string(w.Raw), "columns in select order, ID appended")
			}
			reqs := srv.Requests()
			assert.Equal(t, tc.requests, len(reqs))
			for _, r := range reqs {
				assert.Equal(t, "batch", r.Method)
				assert.Equal(t, http.StatusOK, r.HTTPStatus)
			}
			require.Len(t, progress, tc.requests)
			assert.Equal(t, ScanProgress{Rows: min(tc.n, PageSize), Total: tc.n, HasTotal: true, Requests: 1}, progress[0])
			assert.Equal(t, ScanProgress{Rows: tc.n, Total: tc.n, HasTotal: true, Requests: tc.requests}, progress[len(progress)-1])
		})
	}
}

func TestScanWorkgroupsSendsChainedCursorCommands(t *testing.T) {
	srv, c := newFakePortal(t, 120)
	ws := collectWorkgroups(t, c.ScanWorkgroups(context.Background(), &WorkgroupScanOptions{
		PagesPerRequest: 2,
		AfterID:         10,
		Filter:          WorkgroupFilter{FieldActive.Eq(true)},
		Select:          []WorkgroupField{WorkgroupFieldName},
		Params:          WorkgroupListParams{IsAdmin: Yes},
	}))
	require.Len(t, ws, 110)
	assert.Equal(t, 11, ws[0].ID)
	assert.Equal(t, "G11", ws[0].Name)
	assert.Equal(t, 120, ws[109].ID)
	reqs := srv.Requests()
	// 110 rows after ID 10: one counted command (11..60, 60 left), then the
	// two pages the count asks for (61..110, then 111..120: the end).
	require.Len(t, reqs, 2)
	assert.Equal(t, "cmd[c0]=socialnetwork.api.workgroup.list%3Ffilter%5B%253EID%5D%3D10%26filter%5BACTIVE%5D%3DY%26select%5B0%5D%3DNAME%26select%5B1%5D%3DID%26order%5BID%5D%3DASC%26params%5BIS_ADMIN%5D%3DY%26start%3D0&halt=1",
		reqs[0].Body)
	assert.Equal(t, "cmd[c0]=socialnetwork.api.workgroup.list%3Ffilter%5B%253EID%5D%3D60%26filter%5BACTIVE%5D%3DY%26select%5B0%5D%3DNAME%26select%5B1%5D%3DID%26order%5BID%5D%3DASC%26params%5BIS_ADMIN%5D%3DY%26start%3D-1"+
		"&cmd[c1]=socialnetwork.api.workgroup.list%3Ffilter%5B%253EID%5D%3D%2524result%255Bc0%255D%255Bworkgroups%255D%255B49%255D%255Bid%255D%26filter%5BACTIVE%5D%3DY%26select%5B0%5D%3DNAME%26select%5B1%5D%3DID%26order%5BID%5D%3DASC%26params%5BIS_ADMIN%5D%3DY%26start%3D-1&halt=1",
		reqs[1].Body)
}

func TestScanWorkgroupsSeesWorkgroupsAddedDuringTheWalk(t *testing.T) {
	srv, c := newFakePortal(t, 3000)
	var ids []int
	added := 0
	for w, err := range c.ScanWorkgroups(context.Background(), &WorkgroupScanOptions{PagesPerRequest: 10}) {
		require.NoError(t, err)
		ids = append(ids, w.ID)
		// New workgroups get IDs beyond the cursor. (One created after
		// the walk's last answer arrived is not seen.)
		if w.ID%700 == 0 && w.ID < 2500 {
			srv.AddGroup(sonettest.NewGroup(fmt.Sprint("late", w.ID)))
			added++
		}
	}
	require.Equal(t, 3, added)
	require.Len(t, ids, 3003)
	for i, id := range ids {
		require.Equal(t, i+1, id, "position %d", i)
	}
	// One counted command (50 rows), five requests of 10 pages, and the
	// last one, whose tenth page is short.
	assert.Len(t, srv.Requests(), 7)
}

func TestScanWorkgroupsStopsWhenTheCallerBreaks(t *testing.T) {
	srv, c := newFakePortal(t, 200)
	var ids []int
	for w, err := range c.ScanWorkgroups(context.Background(), &WorkgroupScanOptions{PagesPerRequest: 1}) {
		require.NoError(t, err)
		ids = append(ids, w.ID)
		if len(ids) == 60 {
			break
		}
	}
	assert.Equal(t, 60, len(ids))
	assert.Equal(t, 60, ids[59])
	assert.Len(t, srv.Requests(), 2)
}

func TestScanWorkgroupsStopsAtTheCancelledContext(t *testing.T) {
	srv, c := newFakePortal(t, 200)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var errs []error
	n := 0
	for _, err := range c.ScanWorkgroups(ctx, &WorkgroupScanOptions{PagesPerRequest: 1}) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		n++
		if n == 50 {
			cancel()
		}
	}
	assert.Equal(t, 50, n)
	assert.Equal(t, []error{context.Canceled}, errs)
	assert.Len(t, srv.Requests(), 1)
}

func TestScanWorkgroupsRefusesACursorThatDoesNotAdvance(t *testing.T) {
	rows := func(ids ...int) string {
		parts := make([]string, len(ids))
		for i, id := range ids {
			parts[i] = fmt.Sprintf(`{"id":"%d"}`, id)
		}
		return `{"workgroups":[` + strings.Join(parts, ",") + `]}`
	}
	var first50, stuck []int
	for i := 1; i <= 50; i++ {
		first50 = append(first50, i)
		stuck = append(stuck, 77)
	}
	stuck[49] = 79
	for _, tc := range []struct {
		name      string
		afterID   int
		c0, c1    string
		yielded   []int
		wantError string
	}{
		{"a page repeats its row", 0, rows(stuck...), rows(), nil, "workgroup 77 came after cursor 77"},
		{"the next page steps back", 0, rows(first50...), rows(40), first50, "workgroup 40 came after cursor 50"},
		{"the next page ignores the cursor", 0, rows(first50...), rows(50, 51), first50, "workgroup 50 came after cursor 50"},
		{"the first row is not after AfterID", 100, rows(100), rows(), nil, "workgroup 100 came after cursor 100"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, mt := newMockClient(t)
			// The first request is counted (100 rows); the next one
			// answers tc.c1 as its first page.
			mt.RegisterResponder("POST", testEndpoint+"batch", func(req *http.Request) (*http.Response, error) {
				if mt.GetTotalCallCount() == 1 {
					return newJSONResponse(`{"result":{"result":{"c0":` + tc.c0 + `},"result_error":[],"result_total":{"c0":100},"result_next":[],"result_time":[]}}`), nil
				}
				return newJSONResponse(`{"result":{"result":{"c0":` + tc.c1 + `},"result_error":[],"result_total":[],"result_next":[],"result_time":[]}}`), nil
			})
			var ids []int
			var errs []error
			for w, err := range c.ScanWorkgroups(context.Background(), &WorkgroupScanOptions{PagesPerRequest: 2, AfterID: tc.afterID}) {
				if err != nil {
					errs = append(errs, err)
					continue
				}
				ids = append(ids, w.ID)
			}
			assert.Equal(t, tc.yielded, ids)
			require.Len(t, errs, 1)
			assert.ErrorIs(t, errs[0], ErrCursorStalled)
			assert.EqualError(t, errs[0], "sonet: socialnetwork.api.workgroup.list: list walk stalled: the portal did not advance: "+tc.wantError)
			assert.Equal(t, 1+len(tc.yielded)/PageSize, mt.GetTotalCallCount())
		})
	}
}

func TestScanWorkgroupsValidatesOptionsBeforeSending(t *testing.T) {
	c, mt := newMockClient(t)
	for _, tc := range []struct {
		opts *WorkgroupScanOptions
		want string
	}{
		{&WorkgroupScanOptions{PagesPerRequest: 51}, "sonet: invalid PagesPerRequest: 51 is outside 0..50"},
		{&WorkgroupScanOptions{PagesPerRequest: -1}, "sonet: invalid PagesPerRequest: -1 is outside 0..50"},
		{&WorkgroupScanOptions{AfterID: -1}, "sonet: invalid AfterID: negative ID -1"},
		{&WorkgroupScanOptions{Filter: WorkgroupFilter{FieldID.GT(5)}}, "sonet: invalid filter: the scan owns the >ID condition; set AfterID instead"},
		{&WorkgroupScanOptions{Filter: WorkgroupFilter{Where(">id", "5")}}, "sonet: invalid filter: the scan owns the >ID condition; set AfterID instead"},
		{&WorkgroupScanOptions{Filter: WorkgroupFilter{Where("[x]", "1")}}, `sonet: invalid filter: filter key "[x]" contains a bracket, & or NUL`},
		{&WorkgroupScanOptions{Filter: WorkgroupFilter{FieldActive.Eq(true), FieldActive.Eq(false)}}, `sonet: invalid filter: filter key "ACTIVE" appears twice; the portal would keep only the last`},
		{&WorkgroupScanOptions{Select: []WorkgroupField{"NA[ME"}}, `sonet: invalid select: bad field name "NA[ME"`},
		{&WorkgroupScanOptions{Params: WorkgroupListParams{IsAdmin: No}}, "sonet: invalid params[IS_ADMIN]: only Yes has a meaning; leave it unset for permission checks"},
		{&WorkgroupScanOptions{Params: WorkgroupListParams{Mode: "desktop"}}, `sonet: invalid params[mode]: unknown mode "desktop": the only mode is "mobile"`},
	} {
		var errs []error
		n := 0
		for _, err := range c.ScanWorkgroups(context.Background(), tc.opts) {
			if err != nil {
				errs = append(errs, err)
				continue
			}
			n++
		}
		assert.Equal(t, 0, n, tc.want)
		require.Len(t, errs, 1, tc.want)
		assert.EqualError(t, errs[0], tc.want)
		assert.ErrorIs(t, errs[0], ErrValidation)
	}
	assert.Equal(t, 0, mt.GetTotalCallCount())
}

func TestScanWorkgroupsYieldsACommandErrorOnce(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder("POST", testEndpoint+"batch", func(req *http.Request) (*http.Response, error) {
		return newJSONResponse(`{"result":{"result":[],"result_error":{"c0":{"error":"insufficient_scope","error_description":""}},"result_total":[],"result_next":[],"result_time":[]}}`), nil
	})
	var errs []error
	n := 0
	for _, err := range c.ScanWorkgroups(context.Background(), nil) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	assert.Equal(t, 0, n)
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], ErrInsufficientScope)
	assert.EqualError(t, errs[0], "sonet: socialnetwork.api.workgroup.list: insufficient_scope: no description")
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestScanWorkgroupsKeepsTheCallersSelect(t *testing.T) {
	sel := []WorkgroupField{WorkgroupFieldName, WorkgroupFieldType}
	o := &WorkgroupScanOptions{Select: sel[:1]}
	assert.Equal(t, []WorkgroupField{WorkgroupFieldName, WorkgroupFieldID}, o.selectWithID())
	assert.Equal(t, []WorkgroupField{WorkgroupFieldName, WorkgroupFieldType}, sel, "the caller's backing array is untouched")
	o = &WorkgroupScanOptions{Select: []WorkgroupField{"id", WorkgroupFieldName}}
	assert.Equal(t, []WorkgroupField{"id", WorkgroupFieldName}, o.selectWithID())
	assert.Equal(t, DefaultWorkgroupFields(), (&WorkgroupScanOptions{}).selectWithID(), "empty: the defaults, never ID only")
}
