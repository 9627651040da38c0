package simclock

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSkippingMovesTheClockInsteadOfWaiting(t *testing.T) {
	var c Skipping
	before := c.Now()
	require.NoError(t, c.Sleep(context.Background(), time.Hour))
	require.NoError(t, c.Sleep(context.Background(), -time.Minute)) // a negative wait adds nothing
	after := c.Now()
	assert.GreaterOrEqual(t, after.Sub(before), time.Hour)
	assert.Less(t, after.Sub(before), time.Hour+time.Minute, "the hour was skipped, not waited")
}

func TestSkippingAndRealEndWithTheContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var c Skipping
	before := c.Now()
	assert.ErrorIs(t, c.Sleep(ctx, time.Hour), context.Canceled)
	assert.Less(t, c.Now().Sub(before), time.Minute, "a cancelled wait does not move the clock")
	assert.ErrorIs(t, Real{}.Sleep(ctx, time.Hour), context.Canceled)
	assert.ErrorIs(t, Real{}.Sleep(ctx, 0), context.Canceled, "no wait still reports the cancelled context")
	assert.NoError(t, Real{}.Sleep(context.Background(), 0))
}

func TestManualMovesOnlyWhenSleptOnAndRecordsEveryWait(t *testing.T) {
	start := time.Date(2026, 3, 19, 15, 0, 0, 0, time.UTC)
	c := NewManual(start)
	assert.Equal(t, start, c.Now())
	require.NoError(t, c.Sleep(context.Background(), time.Second))
	require.NoError(t, c.Sleep(context.Background(), 0))
	require.NoError(t, c.Sleep(context.Background(), -time.Minute))
	assert.Equal(t, start.Add(time.Second), c.Now(), "zero and negative waits move nothing")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, c.Sleep(ctx, time.Hour), context.Canceled)
	assert.Equal(t, start.Add(time.Second), c.Now(), "a cancelled wait neither moves nor counts")
	assert.Equal(t, []time.Duration{time.Second, 0, -time.Minute}, c.Sleeps())
}
