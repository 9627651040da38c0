package sonet

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"sync/atomic"

	"github.com/b24kit/sonet/internal/wire"
)

// scanRange is one ID range of a parallel scan.
type scanRange[T any] struct {
	w     idWalk
	ready chan struct{} // closed once counted (w and done set)
	done  bool          // the count's page was the range's last
	out   chan rangeItem[T]
}

// rangeItem carries one page of a range's rows to the consumer, or the
// range's end.
type rangeItem[T any] struct {
	rows []T
	end  bool
}

// scanJob counts ranges [first, last) or walks range first.
type scanJob struct {
	first, last int
	count       bool
}

// parallel runs a scan over several ID ranges at once: one request learns
// the span (the first page counted, and the highest ID), the rest is split
// into ranges of about one request each, counted a request per chunk of
// ranges (each count also brings its range's first page), and walked by
// up to Parallel workers. w is the walk from AfterID.
func (s *scanner[T]) parallel(ctx context.Context, w *idWalk, progress func(ScanProgress), yield func(T, error) bool) {
	var zero T
	from := w.cursor
	pages, err := s.send(ctx, 2, func(n int) (*Batch, []*BatchCommand[json.RawMessage], error) {
		return s.countBatch(n, func(k int) (wire.Form, error) { return s.spec.page(itoa(from), 0, k == 0, k == 1) })
	})
	if err != nil {
		yield(zero, err)
		return
	}
	head := pages[0]
	if head.err != nil {
		if errors.Is(head.err, ErrOperationTimeLimit) {
			s.pace.refused(s.lastReset(pages))
			s.walkOn(ctx, w, progress, yield)
			return
		}
		yield(zero, head.err)
		return
	}
	if m := head.h.Meta(); m.HasTotal {
		w.remaining, w.total, w.hasTotal = m.Total, m.Total, true
	} else {
		w.uncounted = true
	}
	if err := s.advance(w, head.rows); err != nil {
		yield(zero, err)
		return
	}
	for _, r := range head.rows {
		if !yield(r, nil) {
			return
		}
	}
	if progress != nil {
		progress(s.progress(w.rows, w.total, w.hasTotal))
	}
	if len(head.rows) < PageSize {
		return
	}
	maxID := 0
	if len(pages) > 1 && pages[1].err == nil && len(pages[1].rows) > 0 {
		maxID = s.spec.id(pages[1].rows[0])
	}
	perRange := s.size.n() * PageSize
	ranges := 0
	if !w.uncounted && w.remaining > 0 && maxID > w.cursor {
		ranges = min((w.remaining+perRange-1)/perRange, maxID-w.cursor)
	}
	if ranges <= 1 {
		s.walkOn(ctx, w, progress, yield)
		return
	}
	s.walkRanges(ctx, w, maxID, ranges, progress, yield)
}

// countBatch builds a request of n independent commands.
func (s *scanner[T]) countBatch(n int, page func(k int) (wire.Form, error)) (*Batch, []*BatchCommand[json.RawMessage], error) {
	b := NewBatch()
	b.readOnly, b.once = true, true
	hs := make([]*BatchCommand[json.RawMessage], 0, n)
	for k := 0; k < n; k++ {
		f, err := page(k)
		if err != nil {
			return nil, nil, err
		}
		hs = append(hs, BatchCall[json.RawMessage](b, s.spec.method, f))
	}
	return b, hs, b.Err()
}

// walkRanges splits (w.cursor, maxID] into n ranges, the last one
// open-ended, and walks them with the worker pool, yielding in ID order
// (or as delivered, with Unordered).
func (s *scanner[T]) walkRanges(ctx context.Context, w *idWalk, maxID, n int, progress func(ScanProgress), yield func(T, error) bool) {
	var zero T
	ictx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := s.tune.Parallel
	window := 2 * workers
	shared := make(chan rangeItem[T], window)
	width := (maxID - w.cursor + n - 1) / n
	rs := make([]*scanRange[T], n)
	for i := range rs {
		r := &scanRange[T]{w: idWalk{cursor: w.cursor + i*width, remaining: -1}, ready: make(chan struct{}), out: shared}
		if i < n-1 {
			r.w.upTo = w.cursor + (i+1)*width
		}
		if !s.tune.Unordered {
			r.out = make(chan rangeItem[T], 2)
		}
		rs[i] = r
	}
	// Each chunk of ranges is counted in one request, one chunk ahead of
	// the walks, so that walks never wait for a count.
	chunk := max(1, s.size.n())
	var jobs []scanJob
	for c := 0; c < n; c += chunk {
		if c == 0 {
			jobs = append(jobs, scanJob{first: 0, last: min(chunk, n), count: true})
		}
		if next := c + chunk; next < n {
			jobs = append(jobs, scanJob{first: next, last: min(next+chunk, n), count: true})
		}
		for r := c; r < min(c+chunk, n); r++ {
			jobs = append(jobs, scanJob{first: r, last: r + 1})
		}
	}
	var (
		failOnce sync.Once
		failErr  error
		next     atomic.Int64
		wg       sync.WaitGroup
	)
	failed := make(chan struct{})
	fail := func(err error) {
		failOnce.Do(func() { failErr = err; close(failed); cancel() })
	}
	g := newGate()
	for p := 0; p < workers; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				j := int(next.Add(1)) - 1
				if j >= len(jobs) || g.wait(ictx, jobs[j].first, window) != nil {
					return
				}
				var err error
				if jobs[j].count {
					err = s.countRanges(ictx, rs[jobs[j].first:jobs[j].last])
				} else {
					err = s.walkRange(ictx, rs[jobs[j].first])
				}
				if err != nil {
					fail(err)
					return
				}
			}
		}()
	}
	stop := func() { cancel(); wg.Wait() }
	rows, total := w.rows, w.total
	for done := 0; done < n; {
		ch := shared
		if !s.tune.Unordered {
			ch = rs[done].out
		}
		select {
		case it := <-ch:
			if it.end {
				done++
				g.advance()
				continue
			}
			for _, r := range it.rows {
				rows++
				if !yield(r, nil) {
					stop()
					return
				}
			}
			if progress != nil {
				progress(s.progress(rows, total, w.hasTotal))
			}
		case <-failed:
			stop()
			yield(zero, failErr)
			return
		case <-ctx.Done():
			// The caller's context ended: workers stop quietly on it (their
			// errors would only repeat it), so the consumer ends here.
			stop()
			yield(zero, ctx.Err())
			return
		}
	}
	stop()
}

// countRanges counts the rows of each range, a request for as many ranges
// as the sizer allows, and hands each range's first page on.
func (s *scanner[T]) countRanges(ctx context.Context, rs []*scanRange[T]) error {
	for len(rs) > 0 {
		pages, err := s.send(ctx, len(rs), func(n int) (*Batch, []*BatchCommand[json.RawMessage], error) {
			return s.countBatch(n, func(k int) (wire.Form, error) {
				return s.spec.page(itoa(rs[k].w.cursor), rs[k].w.upTo, true, false)
			})
		})
		if err != nil {
			return err
		}
		for _, p := range pages {
			r := rs[0]
			if p.err != nil {
				if errors.Is(p.err, ErrOperationTimeLimit) {
					s.pace.refused(s.lastReset(pages))
					break
				}
				return p.err
			}
			if m := p.h.Meta(); m.HasTotal {
				r.w.remaining, r.w.total, r.w.hasTotal = m.Total, m.Total, true
			} else {
				r.w.uncounted = true
			}
			if err := s.advance(&r.w, p.rows); err != nil {
				return err
			}
			r.done = len(p.rows) < PageSize
			if len(p.rows) > 0 && !r.send(ctx, rangeItem[T]{rows: p.rows}) {
				return nil
			}
			close(r.ready)
			rs = rs[1:]
		}
	}
	return nil
}

// walkRange walks a counted range to its end.
func (s *scanner[T]) walkRange(ctx context.Context, r *scanRange[T]) error {
	select {
	case <-r.ready:
	case <-ctx.Done():
		return nil
	}
	for !r.done {
		done, err := s.step(ctx, &r.w, func(rows []T) bool { return r.send(ctx, rangeItem[T]{rows: rows}) })
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		r.done = done
	}
	r.send(ctx, rangeItem[T]{end: true})
	return nil
}

func (r *scanRange[T]) send(ctx context.Context, it rangeItem[T]) bool {
	select {
	case r.out <- it:
		return true
	case <-ctx.Done():
		return false
	}
}

// gate lets a job start only when its range is within a window of the
// ranges the consumer has finished, which bounds the rows held in memory.
type gate struct {
	mu      sync.Mutex
	drained int
	ch      chan struct{}
}

func newGate() *gate { return &gate{ch: make(chan struct{})} }

func (g *gate) wait(ctx context.Context, r, window int) error {
	for {
		g.mu.Lock()
		if r < g.drained+window {
			g.mu.Unlock()
			return nil
		}
		ch := g.ch
		g.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (g *gate) advance() {
	g.mu.Lock()
	g.drained++
	close(g.ch)
	g.ch = make(chan struct{})
	g.mu.Unlock()
}
