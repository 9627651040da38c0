package sonet

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/b24kit/sonet/sonettest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// goroutinesSettle waits (a bounded while) for the goroutine count to come
// back to at most base, and reports whether it did. The count includes the
// fake portal's handlers, which run a batch the client gave up on to its
// end (as PHP does) and only then notice the closed connection: under
// -race on a loaded machine a 50-command batch over thousands of groups
// takes seconds (TestScanGroupsParallelLeavesNoGoroutineAfterABreak failed
// at the old two-second bound). So the bound is wide, thirty seconds; a
// settled count returns at once, and a goroutine the scan leaks still
// fails.
func goroutinesSettle(base int) bool {
	for deadline := time.Now().Add(30 * time.Second); ; {
		if runtime.NumGoroutine() <= base {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestScanGroupsParallelEndsWithTheContextErrorWhenCancelled(t *testing.T) {
	for _, unordered := range []bool{false, true} {
		_, c := newFakePortal(t, 8000)
		base := runtime.NumGoroutine()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan []error, 1)
		go func() {
			var errs []error
			n := 0
			for _, err := range c.ScanGroups(ctx, &GroupScanOptions{ScanTuning: ScanTuning{Parallel: 3, Unordered: unordered}}) {
				if err != nil {
					errs = append(errs, err)
					continue
				}
				if n++; n == 1000 {
					cancel() // the caller's context ends while ranges are walked
				}
			}
			done <- errs
		}()
		select {
		case errs := <-done:
			require.Len(t, errs, 1, "unordered=%v", unordered)
			assert.ErrorIs(t, errs[0], context.Canceled)
		case <-time.After(time.Minute):
			buf := make([]byte, 1<<20)
			t.Log(string(buf[:runtime.Stack(buf, true)]))
			t.Fatalf("unordered=%v: the scan did not end after its context was cancelled", unordered)
		}
		c.hc.CloseIdleConnections()
		assert.True(t, goroutinesSettle(base), "unordered=%v: goroutines left behind", unordered)
	}
}

func TestPacerLetsACommandLargerThanTheBudgetGoOnceTheWindowIsEmpty(t *testing.T) {
	clk := newFakeClock()
	start := clk.Now()
	// A self-hosted portal configured with a small budget: one command
	// (20 s) costs more than the whole budget (10 s per minute).
	p := newPacer(clk, OperatingBudget{Limit: 10 * time.Second, Window: time.Minute}, false)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	n, need, err := p.acquire(ctx, 1, 0)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	clk.Sleep(ctx, 20*time.Second)
	p.settle(need, []time.Duration{20 * time.Second}, Timing{})

	// Nothing in flight, the window holds the 20 s command: the next one
	// goes when that basket has left the window, not never.
	n, _, err = p.acquire(ctx, 3, 20*time.Second)
	require.NoError(t, err, "acquire must not wait forever for a settle that cannot come")
	assert.Equal(t, 3, n, "alone in an empty window, the request goes whole")
	assert.Equal(t, start.Add(time.Minute+basketGuard), clk.Now())
}

// outageTransport answers 502 to every request but the first from the
// moment it is armed until the clock has moved on by length.
type outageTransport struct {
	clk    *fakeClock
	length time.Duration
	mu     sync.Mutex
	seen   int
	until  time.Time
	failed int
}

func (o *outageTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	o.mu.Lock()
	o.seen++
	if o.seen == 2 {
		o.until = o.clk.Now().Add(o.length)
	}
	down := o.seen >= 2 && o.clk.Now().Before(o.until)
	if down {
		o.failed++
	}
	o.mu.Unlock()
	if down {
		return &http.Response{StatusCode: http.StatusBadGateway, Header: http.Header{"Content-Type": {"text/html"}},
			ContentLength: -1, Body: io.NopCloser(strings.NewReader("<html>502 Bad Gateway</html>")), Request: r}, nil
	}
	return http.DefaultTransport.RoundTrip(r)
}

func TestScanGroupsBacksOffBetweenFailedRequestsLikeAnyRead(t *testing.T) {
	// A 3-second outage (502s) right after the first request: a plain read
	// rides it out with the retry policy's backoff, and so must a scan,
	// whose resent requests are smaller but not sent back to back.
	clk := newFakeClock()
	srv, _ := newFakePortal(t, 3000, sonettest.WithClock(clk.Now))
	ot := &outageTransport{clk: clk, length: 3 * time.Second}
	c, err := NewWebhookClient(srv.WebhookURL(), WithoutRateLimit(), WithClock(clk), WithHTTPClient(&http.Client{Transport: ot}))
	require.NoError(t, err)
	ids := collect(t, c.ScanGroups(context.Background(), &GroupScanOptions{ScanTuning: ScanTuning{Unpaced: true}}))
	require.Len(t, ids, 3000)
	for i, id := range ids {
		require.Equal(t, i+1, id)
	}
	assert.Positive(t, ot.failed)
	assert.Less(t, ot.failed, DefaultRetryPolicy().MaxAttempts)
	sleeps := clk.Sleeps()
	require.Len(t, sleeps, ot.failed, "one backoff after each failed request")
	for i, d := range sleeps {
		assert.GreaterOrEqual(t, d, DefaultRetryPolicy().BaseDelay<<i/2, "backoff %d", i)
	}
}

// hookTransport runs after(k) once the answer to the k-th request (from 1)
// is in, before the client reads it.
type hookTransport struct {
	mu    sync.Mutex
	n     int
	after func(k int)
}

func (h *hookTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	h.mu.Lock()
	h.n++
	k := h.n
	h.mu.Unlock()
	h.after(k)
	return resp, err
}

func TestScanGroupsParallelRangeThatOutgrowsItsCountIsWalkedToItsEnd(t *testing.T) {
	// Even IDs 2..16,000: after the span request, 4 ranges of 3,975 IDs,
	// all counted by the second request. Right after that count, 80 groups
	// appear inside range 1, beyond its counted first page (groups that
	// start to match the filter, or come back): more than its counted
	// pages hold. A single walk would find them; the range walk must too,
	// not stop at its stale count.
	srv, want := holeyPortal(t, 8000, [2]int{0, 0})
	for id := 5001; id < 5160; id += 2 {
		want = append(want, id)
	}
	slices.Sort(want)
	ht := &hookTransport{after: func(k int) {
		if k == 2 {
			for id := 5001; id < 5160; id += 2 {
				srv.AddGroup(sonettest.Group{ID: id, Name: fmt.Sprint("late", id), Active: true, Visible: true, Opened: true})
			}
		}
	}}
	c, err := NewWebhookClient(srv.WebhookURL(), WithoutRateLimit(), WithHTTPClient(&http.Client{Transport: ht}))
	require.NoError(t, err)
	got := collect(t, c.ScanGroups(context.Background(), &GroupScanOptions{ScanTuning: ScanTuning{Parallel: 2}}))
	assert.Equal(t, want, got)
}

func TestScanGroupsGivesUpWhenOneCommandIsCutOff(t *testing.T) {
	// Every command runs 70 s: even a one-command request passes the 60 s
	// cut-off. Sending it again changes nothing but spends another minute
	// of the method's operating budget each time.
	srv, clk := simPortal(t, 200, sonettest.ServerTime{PerCommand: 70 * time.Second})
	c, err := NewWebhookClient(srv.WebhookURL(), WithoutRateLimit(), WithClock(clk))
	require.NoError(t, err)
	var errs []error
	for _, err := range c.ScanGroups(context.Background(), &GroupScanOptions{ScanTuning: ScanTuning{Unpaced: true}}) {
		errs = append(errs, err)
	}
	require.Len(t, errs, 1)
	var re *ResponseError
	require.ErrorAs(t, errs[0], &re, "the portal's answer stays reachable")
	assert.Equal(t, http.StatusGatewayTimeout, re.HTTPStatus)
	assert.Contains(t, errs[0].Error(), "sonet: sonet_group.get scan: one command ran past the portal's 1m0s cut-off; no smaller request exists: ")
	assert.Len(t, srv.Requests(), 1, "a cut-off one-command request is not sent again")
	assert.Equal(t, 1, srv.Stats().CutOff)
}

func TestScanGroupsParallelUnderFaultsYieldsEveryRowOnce(t *testing.T) {
	// Every kind of failure a read meets, on a quarter of the requests:
	// failed requests are resent smaller, pages answered are never yielded
	// twice, none is skipped, and the rows stay in ID order.
	failed := 0
	for _, seed := range []int64{1, 2, 3, 4, 5} {
		srv, want := holeyPortal(t, 6000, [2]int{3000, 5000}, sonettest.WithFaults(sonettest.Faults{
			Seed: seed, QueryLimit: 0.05, InternalBefore: 0.05, InternalAfter: 0.05, HTMLBadGateway: 0.04, Truncated: 0.03, Drop: 0.03,
		}))
		c, err := NewWebhookClient(srv.WebhookURL(), WithoutRateLimit(),
			WithRetryPolicy(RetryPolicy{MaxAttempts: 10, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}))
		require.NoError(t, err)
		got := collect(t, c.ScanGroups(context.Background(), &GroupScanOptions{ScanTuning: ScanTuning{Parallel: 3}}))
		require.Equal(t, want, got, "seed %d", seed)
		for _, r := range srv.Requests() {
			if r.HTTPStatus != http.StatusOK {
				failed++
			}
		}
	}
	assert.GreaterOrEqual(t, failed, 3, "faults were met")
}

func TestScanGroupsParallelLeavesNoGoroutineAfterABreak(t *testing.T) {
	for _, unordered := range []bool{false, true} {
		_, c := newFakePortal(t, 8000)
		base := runtime.NumGoroutine()
		n := 0
		for _, err := range c.ScanGroups(context.Background(), &GroupScanOptions{ScanTuning: ScanTuning{Parallel: 4, Unordered: unordered}}) {
			require.NoError(t, err)
			if n++; n == 700 {
				break
			}
		}
		c.hc.CloseIdleConnections()
		assert.True(t, goroutinesSettle(base), "unordered=%v: goroutines left behind", unordered)
	}
}
