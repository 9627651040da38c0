package sonet

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sharedScript is a SharedLimiter whose ReserveFor answers come from a
// script (the last one repeats) and which records every call.
type sharedScript struct {
	mu      sync.Mutex
	answers []reserveAnswer
	calls   []string
}

type reserveAnswer struct {
	wait, blocked time.Duration
	err           error
}

func (s *sharedScript) record(format string, args ...any) {
	s.calls = append(s.calls, fmt.Sprintf(format, args...))
}

func (s *sharedScript) Calls() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.calls...)
}

func (s *sharedScript) Reserve(time.Time) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.record("Reserve")
	return 0
}

func (s *sharedScript) Throttled(time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.record("Throttled")
}

func (s *sharedScript) ReserveFor(_ context.Context, method string) (time.Duration, time.Duration, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.record("ReserveFor %s", method)
	a := s.answers[0]
	if len(s.answers) > 1 {
		s.answers = s.answers[1:]
	}
	return a.wait, a.blocked, a.err
}

func (s *sharedScript) ThrottledContext(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.record("ThrottledContext")
	return nil
}

func (s *sharedScript) BlockMethod(_ context.Context, method string, until time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.record("BlockMethod %s until %d", method, until.Unix())
	return nil
}

func TestSharedLimiterFailureSendsNothing(t *testing.T) {
	down := errors.New("dial tcp 127.0.0.1:6379: connect: connection refused")
	lim := &sharedScript{answers: []reserveAnswer{{err: down}}}
	clk := newFakeClock()
	c, mt := newMockClient(t, WithClock(clk), WithLimiter(lim))
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.create", httpmock.NewStringResponder(200, `{"result":77}`))
	_, err := c.CreateGroup(context.Background(), &GroupCreateRequest{Name: "Never sent"})
	require.Error(t, err)
	assert.EqualError(t, err, "sonet: sonet_group.create: shared rate limiter: dial tcp 127.0.0.1:6379: connect: connection refused (nothing was sent)")
	assert.ErrorIs(t, err, ErrLimiterUnavailable)
	assert.ErrorIs(t, err, down)
	assert.NotErrorIs(t, err, ErrOutcomeUnknown, "nothing left: the write may be made again")
	var le *LimiterError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, "sonet_group.create", le.Method)
	assert.Zero(t, mt.GetTotalCallCount())
	assert.Empty(t, clk.Sleeps())
	assert.Equal(t, []string{"ReserveFor sonet_group.create"}, lim.Calls())
}

func TestSharedLimiterBlockWaitsAndAsksAgain(t *testing.T) {
	lim := &sharedScript{answers: []reserveAnswer{{blocked: 40 * time.Second}, {wait: 250 * time.Millisecond}}}
	clk := newFakeClock()
	var ev eventLog
	c, mt := newMockClient(t, WithClock(clk), WithLimiter(lim), WithObserver(&ev))
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", okGroupsResponder(t))
	_, err := c.ListGroups(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, []time.Duration{40 * time.Second, 250 * time.Millisecond}, clk.Sleeps())
	assert.Equal(t, []string{"ReserveFor sonet_group.get", "ReserveFor sonet_group.get"}, lim.Calls())
	assert.Equal(t, 1, mt.GetTotalCallCount())
	assert.Equal(t, map[WaitKind]time.Duration{WaitOperatingLimit: 40 * time.Second, WaitRateLimit: 250 * time.Millisecond}, ev.ends[0].Waited)
}

func TestSharedLimiterHearsOfQueryLimitAndOperatingBlocks(t *testing.T) {
	lim := &sharedScript{answers: []reserveAnswer{{}}}
	clk := newFakeClock()
	c, mt := newMockClient(t, WithClock(clk), WithLimiter(lim), WithRetryPolicy(testPolicy))
	r, n := sequence(httpmock.NewStringResponder(200, opOK), queryLimit, opLimitReply, httpmock.NewStringResponder(200, opOK))
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", r)
	_, err := c.ListGroups(context.Background(), nil)
	require.NoError(t, err)
	_, err = c.ListGroups(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, 4, *n)
	// The block is shared with the operating_reset_at the portal sent
	// (1773932700); the plain Limiter methods are never used.
	assert.Equal(t, []string{
		"ReserveFor sonet_group.get",
		"ReserveFor sonet_group.get", "ThrottledContext",
		"ReserveFor sonet_group.get", "BlockMethod sonet_group.get until 1773932700",
		"ReserveFor sonet_group.get",
	}, lim.Calls())
	// Backoff 1 s after QUERY_LIMIT_EXCEEDED; then zero, then the local
	// wait until the reset (1773932700 less the 1 s already waited).
	assert.Equal(t, []time.Duration{time.Second, 0, 299 * time.Second}, clk.Sleeps())
}

// lockingStore is a MemoryTokenStore with a RefreshLocker, counting locks.
type lockingStore struct {
	*MemoryTokenStore
	lock            sync.Mutex
	mu              sync.Mutex
	locks, unlocks  int
	holding, maxNow int
}

func (s *lockingStore) LockRefresh(ctx context.Context) (func(), error) {
	s.lock.Lock()
	s.mu.Lock()
	s.locks++
	s.holding++
	s.maxNow = max(s.maxNow, s.holding)
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		s.unlocks++
		s.holding--
		s.mu.Unlock()
		s.lock.Unlock()
	}, nil
}

// Two clients stand for two processes: each has its own refresher and
// memory, they share only the store. Both meet the expired token before
// either refreshes; the lock makes the second wait and take the first's
// pair from the store instead of spending a second request at the token
// endpoint.
func TestRefreshLockerMakesProcessesRefreshOnce(t *testing.T) {
	store := &lockingStore{MemoryTokenStore: NewMemoryTokenStore(startToken())}
	mt := httpmock.NewMockTransport()
	var rec recorded
	var tc tokenCalls
	bothSawOld := make(chan struct{})
	var once sync.Once
	var olds sync.WaitGroup
	olds.Add(2)
	portal := expiringPortal(t, &rec, fixture(t, "sonet_group.feature.access/ok_true.json"), oldAccess)
	mt.RegisterResponder("POST", testPortalREST+featureMethod, func(req *http.Request) (*http.Response, error) {
		resp, err := portal(req)
		if resp.StatusCode == 401 {
			olds.Done()
			olds.Wait() // answer only once both processes sent the old token
			once.Do(func() { close(bothSawOld) })
		}
		return resp, err
	})
	r, _ := sequence(tc.respond(200, fixture(t, "oauth/refresh_full.json"), nil), tc.respond(400, fixture(t, "oauth/invalid_grant.json"), nil))
	mt.RegisterResponder("GET", testTokenURL, r)
	var clients [2]*Client
	for i := range clients {
		c, err := NewOAuthAppClient(context.Background(), newTestApp(t, mt), store,
			WithHTTPClient(&http.Client{Transport: mt}), WithoutRateLimit())
		require.NoError(t, err)
		clients[i] = c
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = callFeature(c)
		}()
	}
	wg.Wait()
	require.NoError(t, errs[0])
	require.NoError(t, errs[1])
	<-bothSawOld
	assert.Equal(t, []string{refreshQuery + oldRefresh}, tc.Queries(), "one refresh for both processes")
	assert.Equal(t, newRefresh, loadStore(t, store).RefreshToken)
	assert.Equal(t, 2, store.locks)
	assert.Equal(t, 2, store.unlocks)
	assert.Equal(t, 1, store.maxNow)
	bodies := rec.Bodies()
	assert.ElementsMatch(t, []string{
		featureBody + "&auth=" + oldAccess, featureBody + "&auth=" + oldAccess,
		featureBody + "&auth=" + newAccess, featureBody + "&auth=" + newAccess,
	}, bodies)
}

// A cancelled call whose shared limiter gave up because of it is a
// cancellation, not a limiter failure.
func TestSharedLimiterCancellationIsNotALimiterFailure(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	lim := cancellingLimiter{&sharedScript{answers: []reserveAnswer{{}}}, cancel}
	c, mt := newMockClient(t, WithLimiter(lim))
	_, err := c.ListGroups(ctx, nil)
	assert.ErrorIs(t, err, context.Canceled)
	assert.NotErrorIs(t, err, ErrLimiterUnavailable)
	assert.EqualError(t, err, "sonet: sonet_group.get: context canceled")
	assert.Zero(t, mt.GetTotalCallCount())
}

// cancellingLimiter cancels the call while it waits for the store, as a
// caller giving up would, and fails with the context's error.
type cancellingLimiter struct {
	*sharedScript
	cancel context.CancelFunc
}

func (c cancellingLimiter) ReserveFor(ctx context.Context, _ string) (time.Duration, time.Duration, error) {
	c.cancel()
	return 0, 0, fmt.Errorf("redis: %w", ctx.Err())
}
