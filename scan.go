package sonet

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/b24kit/sonet/internal/wire"
)

// The ID-cursor scans (ScanGroups, ScanWorkgroups) share everything but
// the list method, its rows and where a row's ID sits in a result.

// ScanProgress reports how far a scan has come.
type ScanProgress struct {
	// Rows is the number of groups yielded so far.
	Rows int
	// Total is Rows plus the number of groups the portal counted after the
	// cursor at its last count; HasTotal is false before the first count.
	Total    int
	HasTotal bool
	// Requests is the number of batch requests sent.
	Requests int
}

type scanState struct {
	cursor, rows, total, remaining, requests int
	hasTotal                                 bool
}

// scanPages returns the pages per request an option asks for (0: 50).
func scanPages(per int) int {
	if per == 0 {
		return MaxBatchCommands
	}
	return per
}

// validateScan checks the options every scan has; filterField names the
// method's filter parameter in errors.
func validateScan(filterField string, per, afterID int, keys []string) error {
	if per < 0 || per > MaxBatchCommands {
		return &ValidationError{Field: "PagesPerRequest", Reason: fmt.Sprintf("%d is outside 0..%d", per, MaxBatchCommands)}
	}
	if afterID < 0 {
		return &ValidationError{Field: "AfterID", Reason: fmt.Sprintf("negative ID %d", afterID)}
	}
	for _, k := range keys {
		if strings.EqualFold(k, ">ID") {
			return &ValidationError{Field: filterField, Reason: "the scan owns the >ID condition; set AfterID instead"}
		}
	}
	return nil
}

// scanLoop drives a scan: next builds the request after s.cursor (and says
// whether its first command counts rows), the request is sent, its rows are
// yielded through consumeScan, and Progress hears of it. It stops at the
// end, at the first error (yielded once) or when the caller breaks off; the
// context is checked before each request.
func scanLoop[T any](ctx context.Context, c *Client, s *scanState, progress func(ScanProgress),
	next func(*scanState) (*Batch, []*BatchCommand[json.RawMessage], bool, error),
	what string, decode func(json.RawMessage) ([]T, error), id func(T) int, yield func(T, error) bool) {
	var zero T
	for {
		if err := ctxErr(ctx); err != nil {
			yield(zero, err)
			return
		}
		b, pages, counted, err := next(s)
		if err != nil {
			yield(zero, err)
			return
		}
		_ = c.RunBatch(ctx, b) // each handle carries its own error
		s.requests++
		done, ok := consumeScan(s, pages, counted, what, decode, id, yield)
		if !ok {
			return
		}
		if progress != nil {
			progress(ScanProgress{Rows: s.rows, Total: s.total, HasTotal: s.hasTotal, Requests: s.requests})
		}
		if done {
			return
		}
	}
}

// scanBatch builds one scan request of n chained commands of method with
// Halt set: command 0 reads the rows after cursor, command k the rows after
// the ID at lastID inside command k-1's result (a reference the portal
// substitutes). page encodes command k with after as its >ID value.
func scanBatch(method string, cursor, n int, lastID []any, page func(k int, after string) (wire.Form, error)) (*Batch, []*BatchCommand[json.RawMessage], error) {
	b := NewBatch()
	b.Halt = true
	b.readOnly = true
	pages := make([]*BatchCommand[json.RawMessage], 0, n)
	for k := 0; k < n; k++ {
		after := itoa(cursor)
		if k > 0 {
			after = Ref(pages[k-1], lastID...)
		}
		f, err := page(k, after)
		if err != nil {
			return nil, nil, err
		}
		pages = append(pages, BatchCall[json.RawMessage](b, method, f))
	}
	return b, pages, b.Err()
}

// consumeScan yields the rows of one scan request in order, advancing s;
// what names a row in errors. With counted, the first page's result_total
// is the number of rows left after the cursor. done: the walk reached its
// end; ok false: stop (error yielded or the caller broke off).
func consumeScan[T any](s *scanState, pages []*BatchCommand[json.RawMessage], counted bool, what string,
	decode func(json.RawMessage) ([]T, error), id func(T) int, yield func(T, error) bool) (done, ok bool) {
	var zero T
	for k, h := range pages {
		if err := h.Err(); err != nil {
			yield(zero, err)
			return false, false
		}
		rows, err := decode(h.Value())
		if err != nil {
			yield(zero, err)
			return false, false
		}
		if counted && k == 0 {
			if m := h.Meta(); m.HasTotal {
				s.remaining, s.total, s.hasTotal = m.Total, s.rows+m.Total, true
			}
		}
		for _, r := range rows {
			if id(r) <= s.cursor {
				yield(zero, fmt.Errorf("%w: %s %d came after cursor %d", ErrCursorStalled, what, id(r), s.cursor))
				return false, false
			}
			s.cursor = id(r)
			s.rows++
			s.remaining--
			if s.rows > s.total {
				s.total = s.rows
			}
			if !yield(r, nil) {
				return false, false
			}
		}
		if len(rows) < PageSize {
			// Later commands referenced a row this page lacks. The portal
			// still ran them, with the part of the reference it could walk
			// substituted (this page's whole row list), not with the
			// reference as text: their answers mean nothing, ignore them.
			return true, true
		}
	}
	return false, true
}
