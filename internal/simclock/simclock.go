// Package simclock holds the client's wall clock (Real, the default of
// sonet.WithClock) and the skipping clock the benchmarks and the command's
// tests hand to both the client and the fake portal (sonettest), so that
// rate limits hold on both sides without waiting, and Manual, the clock of
// tests that assert every wait exactly.
package simclock

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Skipping is the real clock plus the sum of every wait asked of it; a wait
// returns at once (after checking the context) and moves the clock on.
type Skipping struct{ skipped atomic.Int64 }

// Now returns the real time plus every wait skipped so far.
func (s *Skipping) Now() time.Time { return time.Now().Add(time.Duration(s.skipped.Load())) }

// Sleep adds d to the clock and returns at once, or the context's error.
func (s *Skipping) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d > 0 {
		s.skipped.Add(int64(d))
	}
	return nil
}

// Real is the wall clock; Sleep waits for real.
type Real struct{}

// Now returns time.Now().
func (Real) Now() time.Time { return time.Now() }

// Sleep waits d or until the context ends; a wait of zero or less returns
// the context's error at once.
func (Real) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Manual is a clock that moves only when slept on: Sleep adds the wait to
// Now at once and records it, so a test can assert every wait exactly. It
// is safe for concurrent use.
type Manual struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

// NewManual returns a Manual clock reading start.
func NewManual(start time.Time) *Manual { return &Manual{now: start} }

// Now returns the start time plus every wait slept so far.
func (m *Manual) Now() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.now
}

// Sleep records d and moves the clock on by it (a wait of zero or less
// moves nothing), or returns the context's error without either.
func (m *Manual) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sleeps = append(m.sleeps, d)
	if d > 0 {
		m.now = m.now.Add(d)
	}
	return nil
}

// Sleeps returns the waits asked of the clock, in order.
func (m *Manual) Sleeps() []time.Duration {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]time.Duration(nil), m.sleeps...)
}
