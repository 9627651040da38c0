package sonet

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// goroutinesSettle waits (a bounded while) for the goroutine count to come
// back to at most base, and reports whether it did.
func goroutinesSettle(base int) bool {
	for i := 0; i < 200; i++ {
		if runtime.NumGoroutine() <= base {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
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
