package sonet

import (
	"context"
	"fmt"
	"iter"
)

// PageSize is the portal's fixed page size for list methods.
const PageSize = 50

// Page is one page of a list method.
type Page[T any] struct {
	// Items are the page's rows.
	Items []T
	// Total is the number of rows the whole list has; HasTotal tells
	// whether the portal sent it.
	Total    int
	HasTotal bool
	// Next is the start of the next page; HasNext is false on the last
	// page.
	Next    int
	HasNext bool
	// Time is the answer's time block.
	Time Timing
}

func pageFrom[T any](r *Response, items []T) *Page[T] {
	return &Page[T]{Items: items, Total: r.Total, HasTotal: r.HasTotal, Next: r.Next, HasNext: r.HasNext, Time: r.Time}
}

// listPage is pageFrom for a page of method asked for at start. A portal
// asked for a page past the last one answers the FIRST page again
// (CDBResult::NavQuery falls back to page 1), with its next; a start at or
// past the total is therefore an empty page, whatever rows came with it,
// and the end of the list. Past the first page an answer without a total
// cannot be told from that fallback, so it is a bad response rather than
// rows that may belong to offset 0.
func listPage[T any](method string, r *Response, start int, items []T) (*Page[T], error) {
	if start > 0 && !r.HasTotal {
		return nil, &ResponseError{HTTPStatus: r.HTTPStatus, Method: method,
			Reason: fmt.Sprintf("page at start=%d has no total: its rows cannot be told from the portal's first-page fallback", start)}
	}
	p := pageFrom(r, items)
	if start > 0 && start >= r.Total {
		p.Items = []T{}
		p.Next, p.HasNext = 0, false
	}
	return p, nil
}

// walk yields every row of a list, page by page, following next. It stops at
// the first error (yielding it once), stops when the caller breaks out of the
// loop (no further request), checks the context between pages, and refuses
// a portal that does not advance: a next that is not past the current start,
// a page with next but no rows, or a page whose rows equal the last page's;
// and a next past the following 50-row page, which would skip rows.
func walk[T any](ctx context.Context, method string, start int, fetch func(ctx context.Context, start int) (*Page[T], error), key func(T) int) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		var prevFirst, prevLast, prevLen int
		for page := 0; ; page++ {
			if err := ctxErr(ctx); err != nil {
				yield(zero, err)
				return
			}
			p, err := fetch(ctx, start)
			if err != nil {
				yield(zero, err)
				return
			}
			if page > 0 && len(p.Items) > 0 && len(p.Items) == prevLen &&
				key(p.Items[0]) == prevFirst && key(p.Items[len(p.Items)-1]) == prevLast {
				yield(zero, walkErr(method, ErrCursorStalled, "page at start=%d repeats the previous page", start))
				return
			}
			for _, it := range p.Items {
				if !yield(it, nil) {
					return
				}
			}
			if !p.HasNext {
				return
			}
			if p.Next <= start {
				yield(zero, walkErr(method, ErrCursorStalled, "next=%d after start=%d", p.Next, start))
				return
			}
			if p.Next != start+PageSize {
				// The portal's next is always the following 50-row page;
				// any other would skip rows without a word.
				yield(zero, walkErr(method, ErrBadResponse, "next=%d after start=%d skips rows (pages are %d rows)", p.Next, start, PageSize))
				return
			}
			if len(p.Items) == 0 {
				yield(zero, walkErr(method, ErrCursorStalled, "empty page at start=%d announces next=%d", start, p.Next))
				return
			}
			prevFirst, prevLast, prevLen = key(p.Items[0]), key(p.Items[len(p.Items)-1]), len(p.Items)
			start = p.Next
		}
	}
}
