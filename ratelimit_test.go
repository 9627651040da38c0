package sonet

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/b24kit/sonet/sonettest"
	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRateLimiterBurstThenSteadyRate(t *testing.T) {
	l := NewRateLimiter(2, 3)
	t0 := newFakeClock().Now()
	var waits []time.Duration
	for i := 0; i < 6; i++ {
		waits = append(waits, l.Reserve(t0))
	}
	// Burst 3 less one request of headroom: two at once, then one per 500ms.
	assert.Equal(t, []time.Duration{0, 0, 500 * time.Millisecond, time.Second, 1500 * time.Millisecond, 2 * time.Second}, waits)
	// 3 s later the 6 reservations have drained to 0: a full burst again.
	assert.Equal(t, time.Duration(0), l.Reserve(t0.Add(3*time.Second)))
	assert.Equal(t, time.Duration(0), l.Reserve(t0.Add(3*time.Second)))
	assert.Equal(t, 500*time.Millisecond, l.Reserve(t0.Add(3*time.Second)))
}

func TestRateLimiterThrottledFillsTheBucket(t *testing.T) {
	l := NewRateLimiter(2, 50)
	t0 := newFakeClock().Now()
	assert.Equal(t, time.Duration(0), l.Reserve(t0))
	l.Throttled(t0)
	assert.Equal(t, 500*time.Millisecond, l.Reserve(t0))
	assert.Equal(t, time.Second, l.Reserve(t0))
}

func okGroupsResponder(t *testing.T) httpmock.Responder {
	return httpmock.NewBytesResponder(200, fixture(t, "sonet_group.get/seed003_two_groups.json"))
}

func TestClientWaitsExactlyForTheLimiter(t *testing.T) {
	clk := newFakeClock()
	c, mt := newMockClient(t, WithClock(clk), WithRateLimit(2, 3))
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", okGroupsResponder(t))
	for i := 0; i < 6; i++ {
		_, err := c.ListGroups(context.Background(), nil)
		require.NoError(t, err)
	}
	assert.Equal(t, []time.Duration{500 * time.Millisecond, 500 * time.Millisecond, 500 * time.Millisecond, 500 * time.Millisecond}, clk.Sleeps())
	assert.Equal(t, 6, mt.GetTotalCallCount())
}

func TestClientSlowsDownAfterQueryLimitExceeded(t *testing.T) {
	clk := newFakeClock()
	c, mt := newMockClient(t, WithClock(clk), WithRateLimit(2, 50))
	n := 0
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", func(req *http.Request) (*http.Response, error) {
		n++
		if n == 1 {
			return httpmock.NewStringResponse(503, `{"error":"QUERY_LIMIT_EXCEEDED","error_description":"Too many requests"}`), nil
		}
		return httpmock.NewBytesResponse(200, fixture(t, "sonet_group.get/seed003_two_groups.json")), nil
	})
	p, err := c.ListGroups(context.Background(), nil)
	require.NoError(t, err)
	assert.Len(t, p.Items, 2)
	// Backoff 0 (the test policy has no delay), then the limiter, now full,
	// waits one slot.
	assert.Equal(t, []time.Duration{0, 500 * time.Millisecond}, clk.Sleeps())
	assert.Equal(t, 2, n)
}

func TestClientCancelStopsARateLimitWaitAtOnce(t *testing.T) {
	c, mt := newMockClient(t, WithRateLimit(0.01, 1))
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", okGroupsResponder(t))
	_, err := c.ListGroups(context.Background(), nil)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	start := time.Now()
	_, err = c.ListGroups(ctx, nil) // would wait 100 s
	assert.Less(t, time.Since(start), 2*time.Second)
	assert.ErrorIs(t, err, context.Canceled)
	assert.EqualError(t, err, "sonet: sonet_group.get: context canceled")
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestGoroutinesShareOneBudgetAtTheFakePortal(t *testing.T) {
	// The client keeps headroom below the portal's figures (45/s and 3
	// against 50/s and 15): requests leave the shared bucket paced but, on
	// a loaded machine (-race, parallel packages, other builds), can reach
	// the portal bunched after a scheduling stall; the portal's larger
	// burst absorbs such bunches. Eight goroutines pacing themselves
	// separately would still send 8 × 45/s and draw dozens of refusals.
	const rate, burst, workers, each, portalBurst = 45, 3, 8, 10, 15
	srv := sonettest.NewServer(sonettest.WithRateLimit(50, portalBurst))
	defer srv.Close()
	c, err := NewWebhookClient(srv.WebhookURL(), WithRateLimit(rate, burst))
	require.NoError(t, err)
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				_, err := c.CreateGroup(context.Background(), &GroupCreateRequest{Name: fmt.Sprintf("w%d-%d", w, i)})
				errs <- err
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	elapsed := time.Since(start)
	statuses := map[int]int{}
	for _, r := range srv.Requests() {
		statuses[r.HTTPStatus]++
	}
	assert.Equal(t, workers*each, statuses[200])
	// A refusal that slips through anyway is retried; without a shared
	// budget 8 goroutines draw dozens, which is what this guards against.
	assert.LessOrEqual(t, statuses[503], 2, "QUERY_LIMIT_EXCEEDED at the portal")
	ideal := time.Duration(workers*each-burst) * time.Second / rate
	assert.GreaterOrEqual(t, elapsed, ideal)
	assert.Less(t, elapsed, ideal+5*time.Second)
	// No one-second window holds more accepted requests than the portal's
	// burst + rate.
	var reqs []sonettest.Request
	for _, r := range srv.Requests() {
		if r.HTTPStatus == 200 {
			reqs = append(reqs, r)
		}
	}
	for i := range reqs {
		n := 0
		for j := i; j < len(reqs) && reqs[j].Time.Sub(reqs[i].Time) < time.Second; j++ {
			n++
		}
		require.LessOrEqual(t, n, portalBurst+50)
	}
}
