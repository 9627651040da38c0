package sonet

import (
	"context"
	"encoding/json"
	"iter"

	"github.com/b24kit/sonet/internal/wire"
)

// GroupScanOptions holds the parameters of ScanGroups.
type GroupScanOptions struct {
	// Filter adds conditions to the walk. It may not hold a ">ID" key (nor
	// "<=ID" with Parallel): the walk owns them (use AfterID).
	Filter GroupFilter
	// IsAdmin, set to Yes, skips permission checks for administrators.
	IsAdmin Flag
	// AfterID starts the walk after this group ID (0: from the first group).
	AfterID int
	// PagesPerRequest caps the 50-row pages fetched by one batch request,
	// 1 to 50 (0 means 50); requests are smaller when the count or the
	// measured server time says so.
	PagesPerRequest int
	// ScanTuning sets parallel ranges, request sizing and pacing by the
	// operating budget.
	ScanTuning
	// Progress, if set, is called after the rows of each request (of each
	// page, with Parallel) are yielded.
	Progress func(ScanProgress)
}

// ScanGroups walks every group matching opts in ID order, the fastest way
// the API allows: each batch request carries up to 50 sonet_group.get
// commands, command k reading the 50 groups after the last ID of command
// k-1 through the reference FILTER[>ID]=$result[k-1][49][ID], with start=-1
// so the portal skips its row count.
//
// The first request is one counted command (start=0): the first page and
// the number of groups left, which sizes every later request so that no
// command runs after the last page. For N groups a single walk (Parallel
// 0 or 1) whose requests are not cut shorter by server time sends at most
// ceil(N/50)+1 commands in ceil(N/2500)+1 requests (100,000 groups: 41);
// with Parallel, at most ceil(N/50)+R+2 commands in 2+2R requests, where R
// is the number of ranges, about (N-50)/2500, one request of rows each
// (the span and count requests, and a partial page per range).
// Each request is also sized from the server time earlier commands took so
// that it stays within MaxRequestTime (20 s by default, a third of the
// portal's 60-second cut-off); a request that gets no usable answer (cut
// off, 5xx, broken connection) is never repeated as it was: after the
// retry policy's backoff the next one is at most half as large, and a
// single command cut off ends the scan with the error. Requests are paced
// so that the commands' server time stays within the operating budget
// (480 s per 10 minutes on cloud portals; see ScanTuning); a command
// refused anyway with OPERATION_TIME_LIMIT is waited out until
// operating_reset_at and the walk goes on from its cursor. With ScanTuning.Parallel, ranges of IDs are
// walked at once (see ScanTuning).
//
// The walk yields the same groups in the same order as AllGroups with ORDER
// ID ASC and the same filter, without duplicates or gaps: groups created
// during the walk appear when their ID is beyond the cursor (in the last,
// open-ended range with Parallel), and a cursor that does not strictly
// advance gives an error matching ErrCursorStalled. Answers are decoded
// and yielded as they come, so memory stays flat.
//
// It stops at the first error, yielding it once; breaking out of the loop
// sends no further request.
//
// Docs: https://apidocs.bitrix24.com/api-reference/sonet-group/sonet-group-get.html
func (c *Client) ScanGroups(ctx context.Context, opts *GroupScanOptions) iter.Seq2[Group, error] {
	var o GroupScanOptions
	if opts != nil {
		o = *opts
	}
	return func(yield func(Group, error) bool) {
		if err := o.validate(); err != nil {
			yield(Group{}, err)
			return
		}
		spec := scanSpec[Group]{
			method: "sonet_group.get", what: "group",
			lastID: []any{PageSize - 1, "ID"},
			page:   o.page,
			decode: decodeGroupRows,
			id:     func(g Group) int { return g.ID },
		}
		newScanner(c, spec, o.ScanTuning, o.PagesPerRequest).run(ctx, o.AfterID, o.Progress, yield)
	}
}

func (o *GroupScanOptions) validate() error {
	return validateScan("FILTER", o.ScanTuning, o.PagesPerRequest, o.AfterID, o.Filter.conds().keys())
}

// page encodes one sonet_group.get command of the walk.
func (o *GroupScanOptions) page(after string, upTo int, count, desc bool) (wire.Form, error) {
	ord := Order{FieldID.Asc()}
	if desc {
		ord = Order{FieldID.Desc()}
	}
	f := GroupFilter{Where(">ID", after)}
	if upTo > 0 {
		f = append(f, Where("<=ID", itoa(upTo)))
	}
	lo := GroupListOptions{Order: ord, Filter: append(f, o.Filter...), IsAdmin: o.IsAdmin}
	form, err := encodeRequest(&lo)
	if err != nil {
		return nil, err
	}
	if count {
		form.Add("start", "0")
	} else {
		form.Add("start", "-1")
	}
	return form, nil
}

func decodeGroupRows(raw json.RawMessage) ([]Group, error) {
	var groups groupRows
	err := decodeResult("sonet_group.get", &Response{HTTPStatus: 200, Result: raw}, &groups)
	return groups, err
}
