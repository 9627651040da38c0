package sonet

import (
	"context"
	"encoding/json"
	"iter"
	"strings"
	"time"

	"github.com/b24kit/sonet/internal/wire"
)

// WorkgroupScanOptions holds the parameters of ScanWorkgroups.
type WorkgroupScanOptions struct {
	// Filter adds conditions to the walk (filter[KEY]), as in
	// WorkgroupListOptions. It may not hold a ">ID" key (nor "<=ID" with
	// Parallel): the walk owns them (use AfterID).
	Filter WorkgroupFilter
	// Select lists the fields to return. ID is added when missing: the
	// walk's cursor reads it. Empty: DefaultWorkgroupFields.
	Select []WorkgroupField
	// Params are the params[...] switches of
	// socialnetwork.api.workgroup.list.
	Params WorkgroupListParams
	// AfterID starts the walk after this workgroup ID (0: from the first).
	AfterID int
	// PagesPerRequest caps the 50-row pages fetched by one batch request,
	// 1 to 50 (0 means 50); requests are smaller when the count or the
	// measured server time says so.
	PagesPerRequest int
	// Location is the portal's time zone, used for dates sent without an
	// offset (see Workgroup); nil: the client's WithPortalLocation. Not sent.
	Location *time.Location
	// ScanTuning sets parallel ranges, request sizing and pacing by the
	// operating budget.
	ScanTuning
	// Progress, if set, is called after the rows of each request (of each
	// page, with Parallel) are yielded.
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
// and with start=-1 so the portal skips its row count.
//
// Requests are sized, paced and resent smaller exactly as in ScanGroups:
// the first request is one counted command (the first page and the number
// of rows left), so for N workgroups a single walk sends at most
// ceil(N/50)+1 commands in ceil(N/2500)+1 requests (as in ScanGroups,
// ranges and server time may add some); requests stay within MaxRequestTime
// of server time and the commands within the operating budget; with
// ScanTuning.Parallel, ranges of IDs are walked at once.
//
// The walk yields the same workgroups in the same order as AllWorkgroups
// with Order ID ascending and the same filter, without duplicates or gaps:
// workgroups created during the walk appear when their ID is beyond the
// cursor, and a cursor that does not strictly advance (a row whose ID is
// not above the last one) gives an error matching ErrCursorStalled. Answers
// are decoded and yielded as they come, so memory stays flat. Options are
// checked before anything is sent.
//
// It stops at the first error, yielding it once; breaking out of the loop
// sends no further request; the context is checked before each request.
//
// Docs: https://apidocs.bitrix24.com/api-reference/sonet-group/socialnetwork-api-workgroup-list.html
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
		sel := o.selectWithID()
		page := func(after string, upTo int, count, desc bool) (wire.Form, error) {
			ord := Order{FieldID.Asc()}
			if desc {
				ord = Order{FieldID.Desc()}
			}
			f := WorkgroupFilter{Where(">ID", after)}
			if upTo > 0 {
				f = append(f, Where("<=ID", itoa(upTo)))
			}
			lo := WorkgroupListOptions{Filter: append(f, o.Filter...), Select: sel, Order: ord, Params: o.Params, NoCount: !count}
			form, err := lo.form()
			if err == nil && count {
				form.Add("start", "0")
			}
			return form, err
		}
		decode := func(raw json.RawMessage) ([]Workgroup, error) {
			var rows workgroupRows
			if err := decodeResult(methodWorkgroupList, &Response{HTTPStatus: 200, Result: raw}, &rows); err != nil {
				return nil, err
			}
			c.readPortalDates(o.Location, rows)
			return rows, nil
		}
		spec := scanSpec[Workgroup]{method: methodWorkgroupList, what: "workgroup", lastID: workgroupLastIDPath, page: page, decode: decode, id: workgroupID}
		newScanner(c, spec, o.ScanTuning, o.PagesPerRequest).run(ctx, o.AfterID, o.Progress, yield)
	}
}

func workgroupID(w Workgroup) int { return w.ID }

// validate checks what the scan itself owns; the rest (filter keys, select
// names, params) is checked when the first request is built, before
// anything is sent.
func (o *WorkgroupScanOptions) validate() error {
	return validateScan("filter", o.ScanTuning, o.PagesPerRequest, o.AfterID, o.Filter.conds().keys())
}

// selectWithID returns Select with ID appended when it is missing, in a new
// slice; DefaultWorkgroupFields when Select is empty.
func (o *WorkgroupScanOptions) selectWithID() []WorkgroupField {
	if len(o.Select) == 0 {
		return DefaultWorkgroupFields()
	}
	for _, f := range o.Select {
		if strings.EqualFold(string(f), string(WorkgroupFieldID)) {
			return o.Select
		}
	}
	return append(append(make([]WorkgroupField, 0, len(o.Select)+1), o.Select...), WorkgroupFieldID)
}
