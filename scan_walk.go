package sonet

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/b24kit/sonet/internal/wire"
)

// idWalk is the state of an ID-cursor walk over one range of IDs.
type idWalk struct {
	cursor int // last ID handed out
	upTo   int // highest ID of the range; 0: open-ended
	// remaining is the number of rows the last count left ahead of the
	// cursor; -1: not counted yet.
	remaining int
	// uncounted: the portal sent no count, so requests are as large as
	// allowed and the walk ends at a short page.
	uncounted bool
	rows      int
	total     int
	hasTotal  bool
}

// want is the number of commands the walk's next request needs and
// whether its first command counts: an uncounted or used-up open walk
// counts with one command; a counted walk needs one command per 50 rows,
// plus one to see the end of an open range (a bounded range ends at its
// count).
func (w *idWalk) want() (int, bool) {
	switch {
	case w.uncounted:
		return MaxBatchCommands, false
	case w.remaining < 0 || (w.upTo == 0 && w.remaining <= 0):
		return 1, true
	case w.upTo > 0:
		return (w.remaining + PageSize - 1) / PageSize, false
	}
	return w.remaining/PageSize + 1, false
}

// step sends the walk's next request and hands each page's rows to emit
// (false: stop). done: the range is exhausted (or emit stopped).
func (s *scanner[T]) step(ctx context.Context, w *idWalk, emit func([]T) bool) (bool, error) {
	if w.upTo > 0 && w.remaining == 0 {
		return true, nil
	}
	want, count := w.want()
	pages, err := s.send(ctx, want, func(n int) (*Batch, []*BatchCommand[json.RawMessage], error) {
		return scanBatch(s.spec.method, w.cursor, n, s.spec.lastID, func(k int, after string) (wire.Form, error) {
			return s.spec.page(after, w.upTo, count && k == 0, false)
		})
	})
	if err != nil {
		return false, err
	}
	for k, p := range pages {
		h, rows := p.h, p.rows
		if err := p.err; err != nil {
			if errors.Is(err, ErrOperationTimeLimit) {
				// Refused anyway: wait until the reset, then go on from
				// the cursor.
				s.pace.refused(s.lastReset(pages))
				return false, nil
			}
			return false, err
		}
		if count && k == 0 {
			if m := h.Meta(); m.HasTotal {
				w.remaining, w.total, w.hasTotal = m.Total, w.rows+m.Total, true
			} else {
				w.uncounted = true
			}
		}
		if err := s.advance(w, rows); err != nil {
			return false, err
		}
		if len(rows) > 0 && !emit(rows) {
			return true, nil
		}
		if len(rows) < PageSize {
			// The commands after a short page referred to a row it lacks
			// and are not read.
			return true, nil
		}
	}
	if w.upTo > 0 && w.remaining < 0 {
		// More rows than the count said (rows that came to match after it):
		// the range is not known to end here. Count again from the cursor.
		// (A range that grew by exactly what deletions removed, or to a
		// page boundary, cannot be told apart without a command more.)
		w.remaining = -1
		return false, nil
	}
	return w.upTo > 0 && w.remaining == 0, nil
}

// advance moves the walk's cursor over rows, which must come in strictly
// rising ID order inside the range.
func (s *scanner[T]) advance(w *idWalk, rows []T) error {
	for _, r := range rows {
		id := s.spec.id(r)
		if id <= w.cursor || (w.upTo > 0 && id > w.upTo) {
			return walkErr(s.spec.method, ErrCursorStalled, "%s %d came after cursor %d", s.spec.what, id, w.cursor)
		}
		w.cursor = id
	}
	w.rows += len(rows)
	if !w.uncounted {
		w.remaining -= len(rows)
	}
	if w.rows > w.total {
		w.total = w.rows
	}
	return nil
}

// lastReset returns the last operating_reset_at the request's answered
// commands carried.
func (s *scanner[T]) lastReset(pages []scanPage[T]) time.Time {
	var t time.Time
	for _, p := range pages {
		if r := p.h.Meta().Time.OperatingResetAt; r.After(t) {
			t = r
		}
	}
	if t.IsZero() {
		t = s.pace.lastReset()
	}
	return t
}

// scanBatch builds one scan request of n chained commands of method with
// Halt set: command 0 reads the rows after cursor, command k the rows after
// the ID at lastID inside command k-1's result (a reference the portal
// substitutes). page encodes command k with after as its >ID value.
func scanBatch(method string, cursor, n int, lastID []any, page func(k int, after string) (wire.Form, error)) (*Batch, []*BatchCommand[json.RawMessage], error) {
	b := NewBatch()
	b.Halt = true
	b.readOnly = true
	b.once = true
	pages := make([]*BatchCommand[json.RawMessage], 0, n)
	for k := 0; k < n; k++ {
		after := itoa(cursor)
		if k > 0 {
			after = pages[k-1].Ref(lastID...)
		}
		f, err := page(k, after)
		if err != nil {
			return nil, nil, err
		}
		pages = append(pages, BatchCall[json.RawMessage](b, method, f))
	}
	return b, pages, b.Err()
}
