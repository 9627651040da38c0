package sonet

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSizerFitsRequestsToTheTargetAndShrinksAtOnce(t *testing.T) {
	z := newSizer(20*time.Second, MaxBatchCommands)
	assert.Equal(t, 50, z.n(), "nothing measured: the caller's cap")
	z.observe([]time.Duration{2 * time.Second, 2 * time.Second})
	assert.Equal(t, 10, z.n(), "20 s at 2 s a command")
	z.observe([]time.Duration{time.Second})
	assert.Equal(t, 13, z.n(), "estimate (2 s + 1 s) / 2")
	// A 13-command request cut off after 60 s: at least 60/13 s a
	// command, and never more than half the commands.
	z.failed(13, 60*time.Second)
	assert.Equal(t, 4, z.n())
	z.failed(4, time.Second)
	assert.Equal(t, 2, z.n(), "a quick failure still halves")
	z.failed(1, time.Second)
	assert.Equal(t, 1, z.n())
	assert.Equal(t, 7, newSizer(20*time.Second, 7).n(), "PagesPerRequest caps")
}

func TestPacerWaitsForTheBasketThatMakesRoom(t *testing.T) {
	clk := newFakeClock()
	start := clk.Now()
	p := newPacer(clk, OperatingBudget{Limit: 100 * time.Second, Window: 10 * time.Minute}, false)
	ctx := context.Background()

	n, need, err := p.acquire(ctx, 10, 0)
	require.NoError(t, err)
	assert.Equal(t, 10, n, "first request: no estimate, booked whole")
	assert.Zero(t, need)
	// Its 10 commands of 9 s answered 90 s later: stamped back from the
	// answer, 9 s apart, all in the first two minutes' baskets.
	clk.Sleep(ctx, 90*time.Second)
	costs := make([]time.Duration, 10)
	for i := range costs {
		costs[i] = 9 * time.Second
	}
	p.settle(need, costs, Timing{Operating: 90 * time.Second, OperatingResetAt: start.Add(10 * time.Minute)})

	// 97 s planned of 100: 7 s left, less than one 9 s command: wait
	// until the first minute's basket (7 commands, first stamped at the
	// start) leaves the window, plus the guard.
	n, need, err = p.acquire(ctx, 5, 9*time.Second)
	require.NoError(t, err)
	assert.Equal(t, 5, n)
	assert.Equal(t, 45*time.Second, need)
	assert.Equal(t, []time.Duration{90 * time.Second, 10*time.Minute + basketGuard - 90*time.Second}, clk.Sleeps())
	assert.Equal(t, 10*time.Minute+basketGuard-90*time.Second, p.totalWaited())

	// 97 - 27 (second minute's basket) - 45 (booked) = 25 s left: 2
	// commands are booked now rather than 5 a basket later.
	n, need, err = p.acquire(ctx, 5, 9*time.Second)
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	assert.Equal(t, 18*time.Second, need)
}

func TestPacerWaitsOutARefusalAndCanBeOff(t *testing.T) {
	clk := newFakeClock()
	p := newPacer(clk, CloudOperatingBudget, true)
	ctx := context.Background()
	p.refused(clk.Now().Add(3 * time.Minute))
	n, _, err := p.acquire(ctx, 50, 10*time.Second)
	require.NoError(t, err)
	assert.Equal(t, 50, n, "pacing off: booked whole")
	assert.Equal(t, []time.Duration{3 * time.Minute}, clk.Sleeps(), "a refusal is waited out even unpaced")
	// A reset time already past: the next basket, a minute on.
	p.refused(clk.Now().Add(-time.Second))
	_, _, err = p.acquire(ctx, 1, time.Second)
	require.NoError(t, err)
	assert.Equal(t, []time.Duration{3 * time.Minute, time.Minute}, clk.Sleeps())

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	p.refused(clk.Now().Add(time.Minute))
	_, _, err = p.acquire(cctx, 1, time.Second)
	assert.ErrorIs(t, err, context.Canceled)
}

func TestScanWorkgroupsParallelEqualsOneWalk(t *testing.T) {
	_, c := newFakePortal(t, 6000)
	ctx := context.Background()
	one := collectWorkgroups(t, c.ScanWorkgroups(ctx, nil))
	par := collectWorkgroups(t, c.ScanWorkgroups(ctx, &WorkgroupScanOptions{ScanTuning: ScanTuning{Parallel: 3}}))
	require.Len(t, par, 6000)
	assert.Equal(t, one, par)
}

func TestScanTuningIsValidated(t *testing.T) {
	c, mt := newMockClient(t)
	for tuning, want := range map[ScanTuning]string{
		{Parallel: -1}:                       "sonet: invalid Parallel: -1 is outside 0..50",
		{Parallel: 51}:                       "sonet: invalid Parallel: 51 is outside 0..50",
		{MaxRequestTime: -time.Second}:       "sonet: invalid MaxRequestTime: negative duration",
		{Budget: OperatingBudget{Limit: -1}}: "sonet: invalid Budget: negative duration",
		{Budget: OperatingBudget{Limit: 1}}:  "sonet: invalid Budget: set both Limit and Window, or neither",
		{Budget: OperatingBudget{Window: 1}}: "sonet: invalid Budget: set both Limit and Window, or neither",
	} {
		var errs []error
		for _, err := range c.ScanGroups(context.Background(), &GroupScanOptions{ScanTuning: tuning}) {
			errs = append(errs, err)
		}
		require.Len(t, errs, 1)
		assert.EqualError(t, errs[0], want)
		assert.ErrorIs(t, errs[0], ErrValidation)
	}
	var errs []error
	for _, err := range c.ScanGroups(context.Background(), &GroupScanOptions{Filter: GroupFilter{Where("<=ID", "9")}, ScanTuning: ScanTuning{Parallel: 2}}) {
		errs = append(errs, err)
	}
	require.Len(t, errs, 1)
	assert.EqualError(t, errs[0], "sonet: invalid FILTER: the scan owns the <=ID condition; set AfterID instead")
	assert.Equal(t, 0, mt.GetTotalCallCount())
}
