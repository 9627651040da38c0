package sonetredis_test

import (
	"context"
	"errors"
	"sync"
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
