package sonet

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/b24kit/sonet/sonettest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// holeyPortal holds groups with IDs stepping by 2 (as on replicated
// portals) from 2 to 2*n, less a deleted block of IDs.
func holeyPortal(t *testing.T, n int, deleted [2]int, opts ...sonettest.Option) (*sonettest.Server, []int) {
	t.Helper()
	srv := sonettest.NewServer(append([]sonettest.Option{sonettest.WithClock(wholeSecondClock)}, opts...)...)
	t.Cleanup(srv.Close)
	var ids []int
	for i := 1; i <= n; i++ {
		id := 2 * i
		if id >= deleted[0] && id <= deleted[1] {
			continue
		}
		srv.AddGroup(sonettest.Group{ID: id, Name: fmt.Sprint("G", id), Active: true, Visible: true, Opened: true})
		ids = append(ids, id)
	}
	return srv, ids
}

func TestScanGroupsParallelRangesWithHoles(t *testing.T) {
	srv, want := holeyPortal(t, 12000, [2]int{6000, 9998})
	c, err := NewWebhookClient(srv.WebhookURL(), WithoutRateLimit())
	require.NoError(t, err)
	ctx := context.Background()
	require.Equal(t, want, collect(t, c.AllGroups(ctx, &GroupListOptions{Order: Order{FieldID.Asc()}})))
	srv.ResetRequests()
	before := srv.Stats().Calls["sonet_group.get"]

	got := collect(t, c.ScanGroups(ctx, &GroupScanOptions{ScanTuning: ScanTuning{Parallel: 3}}))
	require.Equal(t, want, got, "same rows, in ID order, no duplicate or gap")

	// 10,001 groups between ID 2 and 24,000: the span request, then 4
	// ranges of about 2,500 rows by density (5,975 IDs each), counted in
	// one request, each walked in one or (where the holes make it denser
	// than the mean) two requests: at most one extra request a range.
	n := len(want)
	ranges := (n - PageSize + 2499) / 2500
	require.Equal(t, 4, ranges)
	reqs := srv.Requests()
	assert.LessOrEqual(t, len(reqs), 1+1+2*ranges)
	commands := srv.Stats().Calls["sonet_group.get"] - before
	assert.LessOrEqual(t, commands, (n+PageSize-1)/PageSize+ranges+2, "a page per 50 rows, plus the span, the counts and the open range's end")
	// The span request: the first page counted, and the highest ID.
	assert.Equal(t, "cmd[c0]=sonet_group.get%3FORDER%5BID%5D%3DASC%26FILTER%5B%253EID%5D%3D0%26start%3D0"+
		"&cmd[c1]=sonet_group.get%3FORDER%5BID%5D%3DDESC%26FILTER%5B%253EID%5D%3D0%26start%3D-1&halt=0", reqs[0].Body)
	// The count request: one command per range, the last range open.
	width := (24000 - 100 + ranges - 1) / ranges
	var wantCount []string
	for i := 0; i < ranges; i++ {
		cmd := fmt.Sprintf("cmd[c%d]=sonet_group.get%%3FORDER%%5BID%%5D%%3DASC%%26FILTER%%5B%%253EID%%5D%%3D%d", i, 100+i*width)
		if i < ranges-1 {
			cmd += fmt.Sprintf("%%26FILTER%%5B%%253C%%253DID%%5D%%3D%d", 100+(i+1)*width)
		}
		wantCount = append(wantCount, cmd+"%26start%3D0")
	}
	assert.Equal(t, strings.Join(wantCount, "&")+"&halt=0", reqs[1].Body)
	for _, r := range reqs {
		assert.Equal(t, http.StatusOK, r.HTTPStatus)
	}
}

func TestScanGroupsParallelUnorderedYieldsTheSameRows(t *testing.T) {
	srv, want := holeyPortal(t, 9000, [2]int{100, 2000})
	c, err := NewWebhookClient(srv.WebhookURL(), WithoutRateLimit())
	require.NoError(t, err)
	got := collect(t, c.ScanGroups(context.Background(), &GroupScanOptions{ScanTuning: ScanTuning{Parallel: 4, Unordered: true}}))
	require.Len(t, got, len(want))
	slices.Sort(got)
	assert.Equal(t, want, got)
}

func TestScanGroupsParallelSeesGroupsCreatedDuringTheScan(t *testing.T) {
	srv, c := newFakePortal(t, 7000)
	var ids []int
	for g, err := range c.ScanGroups(context.Background(), &GroupScanOptions{ScanTuning: ScanTuning{Parallel: 2}}) {
		require.NoError(t, err)
		ids = append(ids, g.ID)
		// Created after the span was learned: beyond the highest ID, in
		// the last, open-ended range.
		if g.ID == 10 || g.ID == 20 {
			srv.AddGroup(sonettest.NewGroup(fmt.Sprint("late", g.ID)))
		}
	}
	require.Len(t, ids, 7002)
	for i, id := range ids {
		require.Equal(t, i+1, id, "position %d", i)
	}
}

// countingTransport counts the requests started.
type countingTransport struct{ n atomic.Int64 }

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return http.DefaultTransport.RoundTrip(r)
}

func TestScanGroupsParallelStopsWhenTheCallerBreaks(t *testing.T) {
	srv, _ := newFakePortal(t, 20000)
	ct := &countingTransport{}
	c, err := NewWebhookClient(srv.WebhookURL(), WithoutRateLimit(), WithHTTPClient(&http.Client{Transport: ct}))
	require.NoError(t, err)
	n := 0
	for _, err := range c.ScanGroups(context.Background(), &GroupScanOptions{ScanTuning: ScanTuning{Parallel: 2}}) {
		require.NoError(t, err)
		if n++; n == 3000 {
			break
		}
	}
	// The scan's workers have ended when the loop ends: nothing starts
	// a request after it.
	sent := ct.n.Load()
	time.Sleep(50 * time.Millisecond)
	assert.Equal(t, sent, ct.n.Load(), "no request after the loop ended")
	// Span, counts, and the ranges up to 2×Parallel ahead of the one
	// drained (range 0 ends at row 2,550): not all 8.
	assert.LessOrEqual(t, sent, int64(2+5))
}

// simPortal is a portal with server time on a clock that client and
// portal share and whose Sleep returns at once, time moving on.
func simPortal(t *testing.T, n int, st sonettest.ServerTime, opts ...sonettest.Option) (*sonettest.Server, *fakeClock) {
	t.Helper()
	clk := newFakeClock()
	st.Wait = clk.Sleep
	srv := sonettest.NewServer(append([]sonettest.Option{sonettest.WithClock(clk.Now), sonettest.WithServerTime(st)}, opts...)...)
	t.Cleanup(srv.Close)
	for i := 1; i <= n; i++ {
		srv.AddGroup(sonettest.NewGroup(fmt.Sprint("G", i)))
	}
	return srv, clk
}

func TestScanGroupsShrinksAtOnceAfterACutOff(t *testing.T) {
	// The first 11 commands are fast, every later one takes 2 s: sized on
	// the fast ones, the first full request (50 × 2 s) is cut off at 60 s.
	calls := 0
	cost := func(string) time.Duration {
		if calls++; calls <= 11 {
			return 100 * time.Millisecond
		}
		return 2 * time.Second
	}
	srv, clk := simPortal(t, 3000, sonettest.ServerTime{Cost: cost})
	c, err := NewWebhookClient(srv.WebhookURL(), WithoutRateLimit(), WithClock(clk))
	require.NoError(t, err)
	ids := collect(t, c.ScanGroups(context.Background(), &GroupScanOptions{ScanTuning: ScanTuning{Unpaced: true}}))
	require.Len(t, ids, 3000)
	for i, id := range ids {
		require.Equal(t, i+1, id)
	}
	var sizes []int
	seen := map[string]bool{}
	for _, r := range srv.Requests() {
		assert.False(t, seen[r.Body], "a request was sent twice unchanged")
		seen[r.Body] = true
		sizes = append(sizes, strings.Count(r.Body, "cmd["))
	}
	assert.Equal(t, 1, srv.Stats().CutOff)
	// 1 counted command (0.1 s); then 50 (the estimate allows 200), cut
	// off at 60 s; then 60 s / 50 = 1.2 s a command at least: 16 commands
	// (19.2 s planned, 32 s real, under the cut-off); after that fewer as
	// the measured 2 s enter the estimate.
	require.GreaterOrEqual(t, len(sizes), 4)
	assert.Equal(t, []int{1, 50, 16}, sizes[:3])
	for i := 3; i < len(sizes)-1; i++ {
		assert.LessOrEqual(t, sizes[i], sizes[i-1])
		assert.GreaterOrEqual(t, sizes[i], 10)
	}
	for i, r := range srv.Requests() {
		if sizes[i] == 50 {
			assert.Equal(t, http.StatusGatewayTimeout, r.HTTPStatus)
		} else {
			assert.Equal(t, http.StatusOK, r.HTTPStatus)
		}
	}
}

func TestScanGroupsPacesByTheOperatingBudget(t *testing.T) {
	// 5,000 groups: 101 commands of 1 s against a 60 s budget per 10 min.
	budget := OperatingBudget{Limit: 60 * time.Second, Window: 10 * time.Minute}
	for _, tc := range []struct {
		name     string
		unpaced  bool
		refusals bool
	}{{"paced", false, false}, {"unpaced: refused, waited out", true, true}} {
		t.Run(tc.name, func(t *testing.T) {
			srv, clk := simPortal(t, 5000, sonettest.ServerTime{PerCommand: time.Second}, sonettest.WithOperatingLimit(budget.Limit))
			c, err := NewWebhookClient(srv.WebhookURL(), WithoutRateLimit(), WithClock(clk))
			require.NoError(t, err)
			start := clk.Now()
			var last ScanProgress
			ids := collect(t, c.ScanGroups(context.Background(), &GroupScanOptions{
				ScanTuning: ScanTuning{Budget: budget, Unpaced: tc.unpaced},
				Progress:   func(p ScanProgress) { last = p },
			}))
			require.Len(t, ids, 5000)
			for i, id := range ids {
				require.Equal(t, i+1, id)
			}
			stats := srv.Stats()
			elapsed := clk.Now().Sub(start)
			if tc.refusals {
				assert.Positive(t, stats.OperatingRefused)
			} else {
				assert.Zero(t, stats.OperatingRefused, "no OPERATION_TIME_LIMIT while paced")
				assert.Positive(t, last.BudgetWait)
			}
			// 101 s of commands under 60 s per 10 minutes: more than one
			// window, less than three.
			assert.Greater(t, elapsed, budget.Window)
			assert.Less(t, elapsed, 3*budget.Window)
			// Refused commands did not run; the walk sent no extra one.
			assert.Equal(t, 101, stats.Calls["sonet_group.get"])
		})
	}
}
