package sonetredis_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/b24kit/sonet"
	sonetredis "github.com/b24kit/sonet/redis"
	"github.com/b24kit/sonet/sonettest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const portal = "portal.example"

func newLimiter(t *testing.T, scope sonetredis.Scope, plan sonet.Plan, opts ...sonetredis.LimiterOption) *sonetredis.Limiter {
	t.Helper()
	rdb, prefix := newRedis(t)
	scope.Prefix = prefix
	l, err := sonetredis.NewLimiter(rdb, scope, plan, opts...)
	require.NoError(t, err)
	return l
}

// near asserts got is want less at most slack: time passes in Redis between
// the reservation (or block) a wait is counted from and the one that got
// it, which shortens the later wait. from is a host time taken before that
// first reservation: the Redis time passed since is at most the host time
// passed since (same machine), so the slack is that, and never below 200
// ms. A fixed 200 ms failed when a loaded machine stalled the test longer.
func near(t *testing.T, from time.Time, want, got time.Duration) {
	t.Helper()
	slack := max(200*time.Millisecond, time.Since(from)+5*time.Millisecond)
	assert.True(t, got <= want && got > want-slack, "want %s (less at most %s), got %s", want, slack, got)
}

func TestLimiterMirrorsThePortalBucket(t *testing.T) {
	ctx := context.Background()
	l := newLimiter(t, sonetredis.WebhookScope(portal, 1), sonet.Plan{PerSecond: 2, Burst: 4})
	var waits []time.Duration
	from := time.Now()
	for range 6 {
		w, blocked, err := l.ReserveFor(ctx, "sonet_group.get")
		require.NoError(t, err)
		require.Zero(t, blocked)
		waits = append(waits, w)
	}
	// Burst 4 less one request of headroom at once, then one every 500 ms.
	assert.Equal(t, []time.Duration{0, 0, 0}, waits[:3])
	near(t, from, 500*time.Millisecond, waits[3])
	near(t, from, time.Second, waits[4])
	near(t, from, 1500*time.Millisecond, waits[5])
}

// The host's clock plays no part: a Reserve told it is an hour later (a
// host whose clock runs ahead) still waits, where a bucket drained by that
// clock would let a burst through.
func TestLimiterTakesTimeFromRedisNotTheHost(t *testing.T) {
	l := newLimiter(t, sonetredis.WebhookScope(portal, 1), sonet.Plan{PerSecond: 2, Burst: 4})
	ahead := time.Now().Add(time.Hour)
	var waits []time.Duration
	from := time.Now()
	for range 4 {
		waits = append(waits, l.Reserve(ahead))
	}
	assert.Equal(t, []time.Duration{0, 0, 0}, waits[:3])
	near(t, from, 500*time.Millisecond, waits[3])

	local := sonet.NewRateLimiter(2, 4)
	for range 3 {
		local.Reserve(time.Now())
	}
	assert.Zero(t, local.Reserve(ahead), "the in-process bucket trusts the host clock")
}

// The Redis clock steps back (a failover to a replica whose clock is
// behind): the bucket takes the step as no time passed, and drains again
// from the new reading at once. Before, it stopped draining until the
// clock caught up with the old reading, so every reservation waited
// longer than the one before for as long as the step.
func TestLimiterSurvivesTheRedisClockSteppingBack(t *testing.T) {
	ctx := context.Background()
	rdb, prefix := newRedis(t)
	scope := sonetredis.WebhookScope(portal, 1)
	scope.Prefix = prefix
	l, err := sonetredis.NewLimiter(rdb, scope, sonet.StandardPlan)
	require.NoError(t, err)
	// The bucket as the old clock, an hour ahead, left it: full to the limit.
	ahead := time.Now().Add(time.Hour).UnixMicro()
	require.NoError(t, rdb.HSet(ctx, prefix+":{portal.example}:bucket", "level", "49", "at", strconv.FormatInt(ahead, 10)).Err())
	before1 := time.Now()
	w1, _, err := l.ReserveFor(ctx, "sonet_group.get")
	after1 := time.Now()
	require.NoError(t, err)
	near(t, before1, 500*time.Millisecond, w1)
	time.Sleep(600 * time.Millisecond)
	before2 := time.Now()
	w2, _, err := l.ReserveFor(ctx, "sonet_group.get")
	passed := time.Since(before1)
	require.NoError(t, err)
	// The bucket drained from the first reservation on: the second waits
	// one more request (500 ms) less the time between the two in Redis,
	// which is at least the host's before2-after1 (600 ms, more on a
	// loaded machine) and at most passed. (A bucket that stopped draining
	// would answer w1+500ms, a second.)
	most := w1 + 500*time.Millisecond - before2.Sub(after1)
	least := w1 + 500*time.Millisecond - passed
	assert.True(t, w2 <= most+5*time.Millisecond && w2 >= least-5*time.Millisecond,
		"want %s..%s (drained from the first reservation on), got %s", least, most, w2)
	assert.LessOrEqual(t, w2, 400*time.Millisecond, "drained 1.2 requests or more meanwhile")
}

func TestLimiterThrottledFillsTheSharedBucket(t *testing.T) {
	ctx := context.Background()
	scope := sonetredis.WebhookScope(portal, 1)
	rdb, prefix := newRedis(t)
	scope.Prefix = prefix
	a, err := sonetredis.NewLimiter(rdb, scope, sonet.StandardPlan)
	require.NoError(t, err)
	b, err := sonetredis.NewLimiter(rdb, scope, sonet.StandardPlan)
	require.NoError(t, err)
	from := time.Now()
	w, _, err := b.ReserveFor(ctx, "sonet_group.get")
	require.NoError(t, err)
	assert.Zero(t, w)
	require.NoError(t, a.ThrottledContext(ctx)) // process a met QUERY_LIMIT_EXCEEDED
	w, _, err = b.ReserveFor(ctx, "sonet_group.get")
	require.NoError(t, err)
	near(t, from, 500*time.Millisecond, w) // process b now waits too
}

func TestLimiterSharesOperatingBlocksPerCredentialAndMethod(t *testing.T) {
	ctx := context.Background()
	rdb, prefix := newRedis(t)
	mk := func(s sonetredis.Scope) *sonetredis.Limiter {
		s.Prefix = prefix
		l, err := sonetredis.NewLimiter(rdb, s, sonet.Plan{PerSecond: 100, Burst: 100})
		require.NoError(t, err)
		return l
	}
	a, b := mk(sonetredis.WebhookScope(portal, 1)), mk(sonetredis.WebhookScope(portal, 1))
	other := mk(sonetredis.WebhookScope(portal, 2))
	from := time.Now()
	require.NoError(t, a.BlockMethod(ctx, "sonet_group.get", from.Add(3*time.Second)))
	// An earlier block never shortens a later one.
	require.NoError(t, a.BlockMethod(ctx, "sonet_group.get", time.Now().Add(time.Second)))
	w, blocked, err := b.ReserveFor(ctx, "SONET_GROUP.GET")
	require.NoError(t, err)
	assert.Zero(t, w)
	near(t, from, 3*time.Second, blocked)
	for _, tc := range []struct {
		l      *sonetredis.Limiter
		method string
	}{{b, "sonet_group.user.get"}, {other, "sonet_group.get"}} {
		_, blocked, err := tc.l.ReserveFor(ctx, tc.method)
		require.NoError(t, err)
		assert.Zero(t, blocked, tc.method)
	}
	// A block in the past is not recorded.
	require.NoError(t, a.BlockMethod(ctx, "sonet_group.create", time.Now().Add(-time.Second)))
	_, blocked, err = b.ReserveFor(ctx, "sonet_group.create")
	require.NoError(t, err)
	assert.Zero(t, blocked)
}

// A block is never longer than the portal's ten-minute window (plus a
// minute for clocks): a bogus operating_reset_at (a portal clock gone
// wrong, a misread answer) cannot hold a method in every process for a day.
func TestLimiterBlockIsBoundedByTheOperatingWindow(t *testing.T) {
	ctx := context.Background()
	l := newLimiter(t, sonetredis.WebhookScope(portal, 1), sonet.StandardPlan)
	from := time.Now()
	require.NoError(t, l.BlockMethod(ctx, "sonet_group.get", from.Add(24*time.Hour)))
	_, blocked, err := l.ReserveFor(ctx, "sonet_group.get")
	require.NoError(t, err)
	near(t, from, 11*time.Minute, blocked)
}

// Many goroutines over several Limiter values (as in several processes)
// take from one bucket: exactly limit requests pass at once and every other
// one gets its own slot, 1/rate apart: no two take the same place.
func TestLimiterIsAtomicAcrossClients(t *testing.T) {
	ctx := context.Background()
	rdb, prefix := newRedis(t)
	scope := sonetredis.WebhookScope(portal, 1)
	scope.Prefix = prefix
	const workers, each = 8, 25
	var mu sync.Mutex
	var waits []time.Duration
	var wg sync.WaitGroup
	for range workers {
		l, err := sonetredis.NewLimiter(rdb, scope, sonet.Plan{PerSecond: 10, Burst: 20})
		require.NoError(t, err)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				w, _, err := l.ReserveFor(ctx, "sonet_group.get")
				if !assert.NoError(t, err) {
					return
				}
				mu.Lock()
				waits = append(waits, w)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	require.Len(t, waits, workers*each)
	slices.Sort(waits)
	zeros := 0
	for _, w := range waits {
		if w == 0 {
			zeros++
		}
	}
	assert.Equal(t, 19, zeros, "burst 20 less one of headroom")
	// The k-th request past the burst waits k/rate, less the time that
	// passed since the first reservation (well under a second here).
	last := waits[len(waits)-1]
	want := time.Duration(workers*each-19) * 100 * time.Millisecond
	assert.True(t, last <= want && last > want-time.Second, "last wait %s, want about %s", last, want)
	for i := 20; i < len(waits); i++ {
		gap := waits[i] - waits[i-1]
		assert.True(t, gap > 0, "two reservations share a slot: %s and %s", waits[i-1], waits[i])
	}
}

func TestLimiterValidatesItsInput(t *testing.T) {
	rdb, _ := newRedis(t)
	for _, tc := range []struct {
		scope sonetredis.Scope
		plan  sonet.Plan
		msg   string
	}{
		{sonetredis.WebhookScope("https://portal.example/rest/1/code/", 1), sonet.StandardPlan, "sonet: invalid Scope.Portal: want the portal's host name, like portal.bitrix24.com (no scheme, path or credentials)"},
		{sonetredis.WebhookScope(portal, 0), sonet.StandardPlan, "sonet: invalid Scope.ID: a webhook is named by its numeric user ID (never its code)"},
		{sonetredis.Scope{Portal: portal, Kind: "webhook", ID: "s3cr3tc0de"}, sonet.StandardPlan, "sonet: invalid Scope.ID: a webhook is named by its numeric user ID (never its code)"},
		{sonetredis.AppScope(portal, "local.abc/../x"), sonet.StandardPlan, "sonet: invalid Scope.ID: want the application's client ID: letters, digits, '.', '_' or '-'"},
		{sonetredis.Scope{Portal: portal, Kind: "user", ID: "1"}, sonet.StandardPlan, `sonet: invalid Scope.Kind: "user": want webhook or app`},
		{sonetredis.Scope{Prefix: "a b", Portal: portal, Kind: "app", ID: "x"}, sonet.StandardPlan, "sonet: invalid Scope.Prefix: want 1-64 letters, digits, '.', '_' or '-'"},
		{sonetredis.WebhookScope(portal, 1), sonet.Plan{PerSecond: 0, Burst: 50}, "sonet: invalid plan: need PerSecond > 0 and Burst >= 1"},
	} {
		_, err := sonetredis.NewLimiter(rdb, tc.scope, tc.plan)
		assert.ErrorIs(t, err, sonet.ErrValidation)
		assert.EqualError(t, err, tc.msg)
	}
	_, err := sonetredis.NewLimiter(nil, sonetredis.WebhookScope(portal, 1), sonet.StandardPlan)
	assert.EqualError(t, err, "sonet: invalid rdb: nil redis client")
}

// Two clients (two processes' worth) share the Redis budget against a
// portal that enforces it: not one QUERY_LIMIT_EXCEEDED. The same load with
// two in-process limiters overflows the portal.
func TestClientsSharingTheLimiterNeverOverflowThePortal(t *testing.T) {
	// The limiters' burst is the portal's less the four requests that can
	// be in flight (two clients, two goroutines each): a request granted
	// before a scheduling stall can reach the portal together with the
	// next grants, and with equal bursts such a bunch on a loaded machine
	// could draw a 503 from a correct limiter. The in-process pair still
	// overflows: 2 × 20/s against 20/s.
	const inFlight, portalBurst = 4, 10
	plan := sonet.Plan{PerSecond: 20, Burst: portalBurst - inFlight}
	run := func(lims [2]sonet.Limiter) int {
		srv := sonettest.NewServer(sonettest.WithRateLimit(plan.PerSecond, portalBurst))
		defer srv.Close()
		var wg sync.WaitGroup
		for _, l := range lims {
			c, err := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithLimiter(l),
				sonet.WithRetryPolicy(sonet.RetryPolicy{MaxAttempts: 8, BaseDelay: 50 * time.Millisecond, MaxDelay: time.Second}))
			require.NoError(t, err)
			for range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range 10 {
						_, err := c.ListGroups(context.Background(), nil)
						assert.NoError(t, err)
					}
				}()
			}
		}
		wg.Wait()
		n := 0
		for _, r := range srv.Requests() {
			if r.HTTPStatus == 503 {
				n++
			}
		}
		return n
	}
	rdb, prefix := newRedis(t)
	scope := sonetredis.WebhookScope(portal, 1)
	scope.Prefix = prefix
	var shared [2]sonet.Limiter
	for i := range shared {
		l, err := sonetredis.NewLimiter(rdb, scope, plan)
		require.NoError(t, err)
		shared[i] = l
	}
	assert.Zero(t, run(shared), "503s with the shared limiter")
	assert.Positive(t, run([2]sonet.Limiter{sonet.NewRateLimiter(plan.PerSecond, plan.Burst), sonet.NewRateLimiter(plan.PerSecond, plan.Burst)}),
		"two in-process limiters each spend the whole burst")
}

// An OPERATION_TIME_LIMIT met by one process holds the method in another:
// the second client waits for the block instead of sending, while its other
// methods go on.
func TestOperatingLimitBlockReachesAnotherProcess(t *testing.T) {
	srv := sonettest.NewServer(sonettest.WithOperatingLimit(30*time.Millisecond), sonettest.WithCallCost(10*time.Millisecond))
	defer srv.Close()
	rdb, prefix := newRedis(t)
	host := strings.TrimSuffix(strings.TrimPrefix(srv.PortalURL(), "http://"), "/")
	scope := sonetredis.WebhookScope(host, 1)
	scope.Prefix = prefix
	client := func() *sonet.Client {
		l, err := sonetredis.NewLimiter(rdb, scope, sonet.Plan{PerSecond: 100, Burst: 100})
		require.NoError(t, err)
		c, err := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithLimiter(l))
		require.NoError(t, err)
		return c
	}
	a, b := client(), client()
	for range 3 {
		_, err := a.ListGroups(context.Background(), nil)
		require.NoError(t, err)
	}
	// The fourth call is refused; a waits for the reset (minutes away).
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	_, err := a.ListGroups(ctx, nil)
	cancel()
	require.ErrorIs(t, err, context.DeadlineExceeded)
	sent := len(srv.Requests())
	assert.Equal(t, 429, srv.Requests()[sent-1].HTTPStatus)

	ctx, cancel = context.WithTimeout(context.Background(), 300*time.Millisecond)
	_, err = b.ListGroups(ctx, nil)
	cancel()
	assert.ErrorIs(t, err, context.DeadlineExceeded, "b waits for the block a met")
	assert.Len(t, srv.Requests(), sent, "b sent nothing")

	_, err = b.ListMyGroups(context.Background())
	require.NoError(t, err, "other methods are not blocked")
	assert.Len(t, srv.Requests(), sent+1)
}
