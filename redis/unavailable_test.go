package sonetredis_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/b24kit/sonet"
	sonetredis "github.com/b24kit/sonet/redis"
	"github.com/b24kit/sonet/sonettest"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// countingLimiter is a fallback that counts its reservations.
type countingLimiter struct {
	mu sync.Mutex
	n  int
}

func (c *countingLimiter) Reserve(time.Time) time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	return 0
}

func (c *countingLimiter) Throttled(time.Time) {}

func (c *countingLimiter) N() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// Redis goes away mid-run: without a fallback every call fails before
// sending anything (no burst reaches the portal); the token store's errors
// say Redis is unavailable.
func TestRedisGoneFailsCallsBeforeSending(t *testing.T) {
	ctx := context.Background()
	opts, kill := ownRedis(t)
	rdb := redis.NewClient(opts)
	defer rdb.Close()
	var mu sync.Mutex
	var reported []error
	lim, err := sonetredis.NewLimiter(rdb, sonetredis.WebhookScope(portal, 1), sonet.StandardPlan,
		sonetredis.WithErrorHandler(func(err error) { mu.Lock(); reported = append(reported, err); mu.Unlock() }))
	require.NoError(t, err)
	store, err := sonetredis.NewTokenStore(rdb, sonetredis.AppScope(portal, "local.x"))
	require.NoError(t, err)
	srv := sonettest.NewServer()
	defer srv.Close()
	c, err := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithLimiter(lim))
	require.NoError(t, err)
	for range 3 {
		_, err := c.ListGroups(ctx, nil)
		require.NoError(t, err)
	}
	kill()
	for range 5 {
		_, err := c.ListGroups(ctx, nil)
		assert.ErrorIs(t, err, sonet.ErrLimiterUnavailable)
		assert.ErrorIs(t, err, sonetredis.ErrUnavailable)
		var le *sonet.LimiterError
		assert.ErrorAs(t, err, &le)
	}
	assert.Len(t, srv.Requests(), 3, "nothing was sent once Redis was gone")
	mu.Lock()
	assert.Len(t, reported, 5)
	mu.Unlock()
	_, err = store.Load(ctx)
	assert.ErrorIs(t, err, sonetredis.ErrUnavailable)
	_, err = store.CompareAndSwap(ctx, sonet.Token{}, pair1())
	assert.ErrorIs(t, err, sonetredis.ErrUnavailable)
	_, err = store.LockRefresh(ctx)
	assert.ErrorIs(t, err, sonetredis.ErrUnavailable)
}

// With WithFallback the calls go on, paced by the fallback, and every
// switch is reported.
func TestRedisGoneUsesTheFallbackLoudly(t *testing.T) {
	ctx := context.Background()
	opts, kill := ownRedis(t)
	rdb := redis.NewClient(opts)
	defer rdb.Close()
	fb := &countingLimiter{}
	var mu sync.Mutex
	var reported []error
	lim, err := sonetredis.NewLimiter(rdb, sonetredis.WebhookScope(portal, 1), sonet.StandardPlan, sonetredis.WithFallback(fb),
		sonetredis.WithErrorHandler(func(err error) { mu.Lock(); reported = append(reported, err); mu.Unlock() }))
	require.NoError(t, err)
	srv := sonettest.NewServer()
	defer srv.Close()
	c, err := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithLimiter(lim))
	require.NoError(t, err)
	_, err = c.ListGroups(ctx, nil)
	require.NoError(t, err)
	assert.Zero(t, fb.N(), "Redis answered: no fallback")
	kill()
	for range 4 {
		_, err := c.ListGroups(ctx, nil)
		require.NoError(t, err)
	}
	assert.Equal(t, 4, fb.N())
	assert.Len(t, srv.Requests(), 5)
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, reported, 4)
	for _, e := range reported {
		assert.True(t, errors.Is(e, sonetredis.ErrUnavailable), e.Error())
	}
}

// flakyScripter is a Redis client whose scripts fail while down is set.
type flakyScripter struct {
	redis.Scripter
	down atomic.Bool
}

var errDown = errors.New("connection refused (test)")

// failed is the answer of a Redis that is down.
func failed(ctx context.Context) *redis.Cmd {
	c := redis.NewCmd(ctx)
	c.SetErr(errDown)
	return c
}

func (f *flakyScripter) EvalSha(ctx context.Context, sha1 string, keys []string, args ...interface{}) *redis.Cmd {
	if f.down.Load() {
		return failed(ctx)
	}
	return f.Scripter.EvalSha(ctx, sha1, keys, args...)
}

func (f *flakyScripter) Eval(ctx context.Context, script string, keys []string, args ...interface{}) *redis.Cmd {
	if f.down.Load() {
		return failed(ctx)
	}
	return f.Scripter.Eval(ctx, script, keys, args...)
}

// The requests paced by the fallback never reached the shared bucket, but
// they fill the portal's. When Redis answers again the first reservation
// takes the bucket as full (as after QUERY_LIMIT_EXCEEDED) instead of
// letting the burst the drained Redis bucket would allow go out on top of
// them.
func TestFallbackEndsWithAFullBucketNotABurst(t *testing.T) {
	ctx := context.Background()
	rdb, prefix := newRedis(t)
	f := &flakyScripter{Scripter: rdb}
	scope := sonetredis.WebhookScope(portal, 1)
	scope.Prefix = prefix
	fb := &countingLimiter{}
	var reported int
	l, err := sonetredis.NewLimiter(f, scope, sonet.Plan{PerSecond: 2, Burst: 50}, sonetredis.WithFallback(fb),
		sonetredis.WithErrorHandler(func(error) { reported++ }))
	require.NoError(t, err)
	from := time.Now()
	wait, _, err := l.ReserveFor(ctx, "sonet_group.get")
	require.NoError(t, err)
	require.Zero(t, wait)
	f.down.Store(true)
	for range 10 {
		wait, _, err = l.ReserveFor(ctx, "sonet_group.get")
		require.NoError(t, err)
		assert.Zero(t, wait)
	}
	assert.Equal(t, 10, fb.N())
	assert.Equal(t, 10, reported)
	f.down.Store(false)
	wait, _, err = l.ReserveFor(ctx, "sonet_group.get")
	require.NoError(t, err)
	near(t, from, 500*time.Millisecond, wait) // one request past the full bucket
	wait, _, err = l.ReserveFor(ctx, "sonet_group.get")
	require.NoError(t, err)
	near(t, from, time.Second, wait)
	assert.Equal(t, 10, fb.N(), "Redis answers again: no fallback")
}
