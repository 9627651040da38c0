package sonet

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/b24kit/sonet/internal/wire"
)

// WorkgroupScanOptions holds the parameters of ScanWorkgroups.
type WorkgroupScanOptions struct {
	// Filter adds conditions to the walk (filter[KEY]), as in
	// WorkgroupListOptions. It may not hold a ">ID" key: the walk owns it
	// (use AfterID).
	Filter Filter
	// Select lists the fields to return. ID is added when missing: the
	// walk's cursor reads it. Empty: only ID.
	Select []WorkgroupField
	// Params are the params[...] switches of
	// socialnetwork.api.workgroup.list.
	Params WorkgroupListParams
	// AfterID starts the walk after this workgroup ID (0: from the first).
	AfterID int
	// PagesPerRequest is the number of 50-row pages fetched by one batch
	// request, 1 to 50 (0 means 50).
	PagesPerRequest int
	// Location is the portal's time zone, used for dates sent without an
	// offset (see Workgroup). Not sent.
	Location *time.Location
	// Progress, if set, is called after each batch request. The walk does
	// not count rows (start=-1), so HasTotal stays false and Total equals
	// Rows.
	Progress func(ScanProgress)
}

// workgroupLastIDPath is the path, inside a full page's result, of the ID
// of its last row: {"workgroups":[..., {"id":"5"}]}.
var workgroupLastIDPath = []any{"workgroups", PageSize - 1, "id"}

// ScanWorkgroups walks every workgroup, project, scrum and collab matching
// opts in ID order with socialnetwork.api.workgroup.list (scope
// socialnetwork), the fastest way the API allows: each batch request
// carries up to 50 list commands, command k reading the 50 rows after the
// last ID of command k-1 through the reference
// filter[>ID]=$result[c(k-1)][workgroups][49][id], ordered by ID ascending
// and with start=-1 so the portal never counts rows. 2,500 workgroups take
// one request; a walk ends with the first page of fewer than 50 rows, so a
// multiple of 2,500 costs one more, nearly empty, request.
//
// The walk yields the same workgroups in the same order as AllWorkgroups
// with Order ID ascending and the same filter, without duplicates or gaps:
// workgroups created during the walk appear when their ID is beyond the
// cursor, and a cursor that does not strictly advance (a row whose ID is
// not above the last one) gives an error matching ErrCursorStalled. Each
// batch answer is decoded and yielded before the next request, so memory
// stays flat. Options are checked before anything is sent.
//
// It stops at the first error, yielding it once; breaking out of the loop
// sends no further request; the context is checked before each request.
//
// Docs: api-reference/sonet-group/socialnetwork-api-workgroup-list.md
func (c *Client) ScanWorkgroups(ctx context.Context, opts *WorkgroupScanOptions) iter.Seq2[Workgroup, error] {
	var o WorkgroupScanOptions
	if opts != nil {
		o = *opts
	}
	return func(yield func(Workgroup, error) bool) {
		if err := o.validate(); err != nil {
			yield(Workgroup{}, err)
			return
		}
		per := o.PagesPerRequest
		if per == 0 {
			per = MaxBatchCommands
		}
		sel := o.selectWithID()
		page := func(_ int, after string) (wire.Form, error) {
			lo := WorkgroupListOptions{
				Filter:  append(Filter{Where(">ID", after)}, o.Filter...),
				Select:  sel,
				Order:   Order{FieldID.Asc()},
				Params:  o.Params,
				NoCount: true,
			}
			return lo.form()
		}
		decode := func(raw json.RawMessage) ([]Workgroup, error) {
			var rows workgroupRows
			if err := decodeResult(methodWorkgroupList, &Response{HTTPStatus: 200, Result: raw}, &rows); err != nil {
				return nil, err
			}
			for i := range rows {
				rows[i].setLocation(o.Location)
			}
			return rows, nil
		}
		s := scanState{cursor: o.AfterID, remaining: -1}
		for {
			if err := ctx.Err(); err != nil {
				yield(Workgroup{}, err)
				return
			}
			b, pages, err := scanBatch(methodWorkgroupList, s.cursor, per, workgroupLastIDPath, page)
			if err != nil {
				yield(Workgroup{}, err)
				return
			}
			_ = c.RunBatch(ctx, b) // each handle carries its own error
			s.requests++
			done, ok := consumeScan(&s, pages, false, "workgroup", decode, workgroupID, yield)
			if !ok {
				return
			}
			if o.Progress != nil {
				o.Progress(ScanProgress{Rows: s.rows, Total: s.total, HasTotal: s.hasTotal, Requests: s.requests})
			}
			if done {
				return
			}
		}
	}
}

func workgroupID(w Workgroup) int { return w.ID }

func (o *WorkgroupScanOptions) validate() error {
	if o.PagesPerRequest < 0 || o.PagesPerRequest > MaxBatchCommands {
		return &ValidationError{Field: "PagesPerRequest", Reason: fmt.Sprintf("%d is outside 0..%d", o.PagesPerRequest, MaxBatchCommands)}
	}
	if o.AfterID < 0 {
		return &ValidationError{Field: "AfterID", Reason: fmt.Sprintf("negative ID %d", o.AfterID)}
	}
	for _, cd := range o.Filter {
		if strings.EqualFold(cd.Key(), ">ID") {
			return &ValidationError{Field: "filter", Reason: "the scan owns the >ID condition; set AfterID instead"}
		}
	}
	// The rest (filter keys, select names, params) is checked when the
	// first request is built, before anything is sent.
	return nil
}

// selectWithID returns Select with ID appended when it is missing, in a new
// slice.
func (o *WorkgroupScanOptions) selectWithID() []WorkgroupField {
	for _, f := range o.Select {
		if strings.EqualFold(string(f), string(WorkgroupFieldID)) {
			return o.Select
		}
	}
	return append(append(make([]WorkgroupField, 0, len(o.Select)+1), o.Select...), WorkgroupFieldID)
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
			// Later commands referenced a row this page lacks; the portal
			// ran them with the reference as literal text: ignore them.
			return true, true
		}
	}
	return false, true
}
