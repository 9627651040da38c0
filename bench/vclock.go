package main

import (
	"bytes"
	"container/heap"
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"sync"
	"time"
)

// vclock is a virtual clock for simulating a portal's server time with
// several requests in flight: time stands still while anyone works and
// jumps to the earliest wake-up once every participant waits.
//
// Participants are the goroutines that call Now or Sleep (the scan's
// workers, the limiter, the portal's hold of an answer). A goroutine that
// just received an answer (inproc marks it) counts as working until it
// next reads the clock, so decoding an answer is never skipped over; the
// clock also moves only after quiet real time with no clock call, which
// covers goroutines woken by channels. Errors of this scheme only delay a
// request (a jump may happen while a goroutine works), so measured times
// are never shorter than the simulated portal allows.
type vclock struct {
	mu      sync.Mutex
	now     time.Time
	waiters wheap
	busy    map[int64]int
	nbusy   int
	last    time.Time // real time of the last clock call
	quiet   time.Duration
	stop    chan struct{}
	jumps   int
}

func newVClock(start time.Time) *vclock {
	v := &vclock{now: start, busy: map[int64]int{}, quiet: 20 * time.Millisecond, stop: make(chan struct{}), last: time.Now()}
	go v.run()
	return v
}

func (v *vclock) Close() { close(v.stop) }

// touch records a clock call by the current goroutine. Callers hold v.mu.
func (v *vclock) touch() {
	id := goid()
	if n := v.busy[id]; n > 0 {
		v.nbusy -= n
		delete(v.busy, id)
	}
	v.last = time.Now()
}

func (v *vclock) Now() time.Time {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.touch()
	return v.now
}

// portalNow is the portal's reading of the clock: it does not end the
// reader's work (the portal reads the clock before it does the request's
// work, which the clock must not skip over).
func (v *vclock) portalNow() time.Time {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.now
}

func (v *vclock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	v.mu.Lock()
	v.touch()
	if d <= 0 {
		v.mu.Unlock()
		return nil
	}
	w := &waiter{at: v.now.Add(d), ch: make(chan struct{})}
	heap.Push(&v.waiters, w)
	v.mu.Unlock()
	select {
	case <-w.ch:
		return nil
	case <-ctx.Done():
		v.mu.Lock()
		if w.idx >= 0 {
			heap.Remove(&v.waiters, w.idx)
		}
		v.mu.Unlock()
		return ctx.Err()
	}
}

// received marks the current goroutine as working: on its request at the
// portal until the portal holds the answer (a Sleep), then on the answer
// until it next reads the clock.
func (v *vclock) received() {
	v.mu.Lock()
	v.busy[goid()]++
	v.nbusy++
	v.last = time.Now()
	v.mu.Unlock()
}

func (v *vclock) run() {
	t := time.NewTicker(200 * time.Microsecond)
	defer t.Stop()
	for {
		select {
		case <-v.stop:
			return
		case <-t.C:
		}
		v.mu.Lock()
		if len(v.waiters) > 0 && v.nbusy == 0 && time.Since(v.last) >= v.quiet {
			if at := v.waiters[0].at; at.After(v.now) {
				v.now = at
				v.jumps++
			}
			for len(v.waiters) > 0 && !v.waiters[0].at.After(v.now) {
				w := heap.Pop(&v.waiters).(*waiter)
				close(w.ch)
			}
			v.last = time.Now()
		}
		v.mu.Unlock()
	}
}

type waiter struct {
	at  time.Time
	ch  chan struct{}
	idx int
}

type wheap []*waiter

func (h wheap) Len() int           { return len(h) }
func (h wheap) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h wheap) Swap(i, j int)      { h[i], h[j] = h[j], h[i]; h[i].idx = i; h[j].idx = j }
func (h *wheap) Push(x any)        { w := x.(*waiter); w.idx = len(*h); *h = append(*h, w) }
func (h *wheap) Pop() any {
	old := *h
	w := old[len(old)-1]
	*h = old[:len(old)-1]
	w.idx = -1
	return w
}

// goid returns the current goroutine's ID (bench-only bookkeeping).
func goid() int64 {
	var buf [40]byte
	n := runtime.Stack(buf[:], false)
	f := bytes.Fields(buf[:n])
	if len(f) < 2 {
		return 0
	}
	id, _ := strconv.ParseInt(string(f[1]), 10, 64)
	return id
}

// inproc serves requests with the portal's handler in the caller's
// goroutine: no network, and the portal's hold of an answer is a Sleep on
// the virtual clock by the goroutine that waits for it.
type inproc struct {
	h   http.Handler
	clk *vclock
}

func (t inproc) RoundTrip(req *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	t.clk.received() // waiting for the portal's lock or being served
	t.h.ServeHTTP(rec, req)
	t.clk.received()
	return rec.Result(), nil
}
