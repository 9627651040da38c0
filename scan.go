package sonet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/b24kit/sonet/internal/wire"
)

// The ID-cursor scans (ScanGroups, ScanWorkgroups) share everything but
// the list method, its rows and where a row's ID sits in a result.

// ScanProgress reports how far a scan has come.
type ScanProgress struct {
	// Rows is the number of rows yielded so far.
	Rows int
	// Total is Rows plus the number of rows the portal counted ahead of the
	// scan at its last count; HasTotal is false before the first count.
	Total    int
	HasTotal bool
	// Requests is the number of batch requests sent.
	Requests int
	// BudgetWait is the time the scan waited so far to stay within the
	// method's operating budget (or for a refusal to expire).
	BudgetWait time.Duration
}

// ScanTuning holds how a scan meets the portal's limits. The zero value
// walks one range at a time, sizes requests to DefaultMaxRequestTime and
// paces by CloudOperatingBudget.
type ScanTuning struct {
	// Parallel is the number of ID ranges walked at once, 0 or 1 for one
	// walk from AfterID on. With more, the scan first learns the ID span
	// (the first page, the row count and the highest ID, in one request),
	// splits it into ranges of about one request each, counts the rows of
	// each range (a request per up to 50 ranges, which also brings each
	// range's first page), and walks up to Parallel ranges at once under
	// the client's one rate limiter. The last range is open-ended, so
	// rows created during the scan are found as in a single walk.
	Parallel int
	// Unordered yields rows as the ranges deliver them instead of in ID
	// order (only with Parallel above 1): the fastest export. In ID order,
	// ranges are walked at most 2×Parallel ahead of the row yielded, which
	// bounds memory.
	Unordered bool
	// MaxRequestTime is the server time one batch request is sized to, from
	// the time earlier commands took (0: DefaultMaxRequestTime). It must
	// stay well under the portal's 60-second cut-off.
	MaxRequestTime time.Duration
	// Budget is the method's operating budget the scan keeps to (zero:
	// CloudOperatingBudget).
	Budget OperatingBudget
	// Unpaced switches pacing by the operating budget off. A refusal
	// (OPERATION_TIME_LIMIT) is still waited out either way.
	Unpaced bool
}

// maxScanParallel bounds ScanTuning.Parallel.
const maxScanParallel = MaxBatchCommands

func (t ScanTuning) validate() error {
	switch {
	case t.Parallel < 0 || t.Parallel > maxScanParallel:
		return &ValidationError{Field: "Parallel", Reason: fmt.Sprintf("%d is outside 0..%d", t.Parallel, maxScanParallel)}
	case t.MaxRequestTime < 0:
		return &ValidationError{Field: "MaxRequestTime", Reason: "negative duration"}
	case t.Budget.Limit < 0 || t.Budget.Window < 0:
		return &ValidationError{Field: "Budget", Reason: "negative duration"}
	case (t.Budget.Limit > 0) != (t.Budget.Window > 0):
		return &ValidationError{Field: "Budget", Reason: "set both Limit and Window, or neither"}
	}
	return nil
}

// validateScan checks the options every scan has; filterField names the
// method's filter parameter in errors.
func validateScan(filterField string, t ScanTuning, per, afterID int, keys []string) error {
	if per < 0 || per > MaxBatchCommands {
		return &ValidationError{Field: "PagesPerRequest", Reason: fmt.Sprintf("%d is outside 0..%d", per, MaxBatchCommands)}
	}
	if err := t.validate(); err != nil {
		return err
	}
	if afterID < 0 {
		return &ValidationError{Field: "AfterID", Reason: fmt.Sprintf("negative ID %d", afterID)}
	}
	for _, k := range keys {
		k = strings.ToUpper(k)
		if k == ">ID" || (t.Parallel > 1 && k == "<=ID") {
			return &ValidationError{Field: filterField, Reason: "the scan owns the " + k + " condition; set AfterID instead"}
		}
	}
	return nil
}

// scanSpec is what a scan needs to know of its list method.
type scanSpec[T any] struct {
	method, what string
	// lastID is the path of a full page's last row ID in a result.
	lastID []any
	// page encodes one command: rows with ID above after (a number or a
	// reference) and, when upTo > 0, at most upTo; counted (start=0) or
	// not (start=-1); ID ascending, or descending.
	page   func(after string, upTo int, count, desc bool) (wire.Form, error)
	decode func(json.RawMessage) ([]T, error)
	id     func(T) int
}

// scanner runs one scan: it sizes, paces and sends its requests.
type scanner[T any] struct {
	c        *Client
	spec     scanSpec[T]
	tune     ScanTuning
	size     *sizer
	pace     *pacer
	requests atomic.Int64
}

func newScanner[T any](c *Client, spec scanSpec[T], t ScanTuning, per int) *scanner[T] {
	if t.MaxRequestTime == 0 {
		t.MaxRequestTime = DefaultMaxRequestTime
	}
	if t.Budget.Limit == 0 {
		t.Budget = CloudOperatingBudget
	}
	if per == 0 {
		per = MaxBatchCommands
	}
	return &scanner[T]{c: c, spec: spec, tune: t, size: newSizer(t.MaxRequestTime, per), pace: newPacer(c.clock, t.Budget, t.Unpaced)}
}

// run walks the scan from afterID, yielding rows, and calls progress after
// each request's rows.
func (s *scanner[T]) run(ctx context.Context, afterID int, progress func(ScanProgress), yield func(T, error) bool) {
	w := &idWalk{cursor: afterID, remaining: -1}
	if s.tune.Parallel > 1 {
		s.parallel(ctx, w, progress, yield)
		return
	}
	s.walkOn(ctx, w, progress, yield)
}

// walkOn walks w to its end in one line of requests.
func (s *scanner[T]) walkOn(ctx context.Context, w *idWalk, progress func(ScanProgress), yield func(T, error) bool) {
	var zero T
	stopped := false
	emit := func(rows []T) bool {
		for _, r := range rows {
			if !yield(r, nil) {
				stopped = true
				return false
			}
		}
		return true
	}
	for {
		done, err := s.step(ctx, w, emit)
		if stopped {
			return
		}
		if err != nil {
			yield(zero, err)
			return
		}
		if progress != nil {
			progress(s.progress(w.rows, w.total, w.hasTotal))
		}
		if done {
			return
		}
	}
}

func (s *scanner[T]) progress(rows, total int, hasTotal bool) ScanProgress {
	return ScanProgress{Rows: rows, Total: max(total, rows), HasTotal: hasTotal, Requests: int(s.requests.Load()), BudgetWait: s.pace.totalWaited()}
}

// send sends one request of at most want commands, built by build for the
// n the sizer allows, within the operating budget. A request that gets no
// usable answer (a cut-off, a 5xx, a broken connection) is not repeated as
// it was: after the retry policy's backoff, the next one is at most half as
// large (a one-command request is repeated, unless it ran into the
// portal's cut-off: then the error is returned). After the policy's
// MaxAttempts failures in a row the error is returned.
func (s *scanner[T]) send(ctx context.Context, want int, build func(n int) (*Batch, []*BatchCommand[json.RawMessage], error)) ([]scanPage[T], error) {
	for failures := 0; ; {
		if err := ctxErr(ctx); err != nil {
			return nil, err
		}
		n, need, err := s.pace.acquire(ctx, max(1, min(want, s.size.n())), s.size.estimate())
		if err != nil {
			return nil, fmt.Errorf("sonet: %s scan: %w", s.spec.method, err)
		}
		b, pages, err := build(n)
		if err != nil {
			s.pace.settle(need, nil, Timing{})
			return nil, err
		}
		start := s.c.clock.Now()
		err = s.c.runScanBatch(ctx, b)
		s.requests.Add(1)
		if err != nil {
			elapsed := s.c.clock.Now().Sub(start)
			// A cut-off request was billed for what ran before the cut.
			s.pace.settle(need, []time.Duration{elapsed}, Timing{})
			failures++
			if !scanRetryable(err) || ctx.Err() != nil || failures >= s.c.retry.MaxAttempts {
				return nil, err
			}
			if n == 1 && elapsed >= cutOffSeen {
				// Nothing smaller to send: the same command would be cut
				// off again, each time billed a minute of the budget.
				return nil, fmt.Errorf("sonet: %s scan: one command ran past the portal's %v cut-off; no smaller request exists: %w", s.spec.method, portalCutOff, err)
			}
			s.size.failed(n, elapsed)
			s.c.log.WarnContext(ctx, "sonet: scan request failed; sending a smaller one", "method", s.spec.method, "commands", n, "next", s.size.n(), "reason", reasonOf(err))
			// Backed off as any read is: a smaller request sent at once
			// meets the same passing outage, and MaxAttempts quick
			// failures would end the scan where a plain read rides it out.
			if err := s.c.clock.Sleep(ctx, s.c.retry.backoff(failures)); err != nil {
				return nil, fmt.Errorf("sonet: %s scan: %w", s.spec.method, err)
			}
			continue
		}
		out := make([]scanPage[T], len(pages))
		for k, h := range pages {
			out[k].h = h
			if out[k].err = h.Err(); out[k].err == nil {
				out[k].rows, out[k].err = s.spec.decode(h.Value())
			}
		}
		// The answer is decoded before the clock is read again: a
		// simulation's virtual clock sees the work as part of the answer.
		times, last := commandTimes(pages, s.c.clock.Now().Sub(start))
		s.size.observe(times)
		s.pace.settle(need, times, last)
		return out, nil
	}
}

// scanPage is one answered command of a scan request, decoded.
type scanPage[T any] struct {
	h    *BatchCommand[json.RawMessage]
	rows []T
	err  error
}

// commandTimes returns the server time of each command that answered, and
// the last time block seen. The portal writes start in whole seconds (so
// duration and processing are off by up to a second) but finish to the
// microsecond, and a batch runs its commands one after the other: a
// command's time is its finish less the previous command's finish. The
// first command's is its duration, at most what the request took less the
// others; without finish figures the request's time is shared out.
func commandTimes(pages []*BatchCommand[json.RawMessage], elapsed time.Duration) ([]time.Duration, Timing) {
	ok := 0
	for _, h := range pages {
		if h.Ran() && h.Err() == nil {
			ok++
		}
	}
	var out []time.Duration
	var last Timing
	var prev time.Time
	first := -1 // the command whose time is its duration
	var rest time.Duration
	for _, h := range pages {
		if !h.Ran() || h.Err() != nil {
			continue
		}
		t := h.Meta().Time
		d := elapsed / time.Duration(ok)
		switch {
		case t.Finish.IsZero():
		case prev.IsZero():
			first, d = len(out), max(t.Duration, 0)
			prev = t.Finish
		default:
			d = max(t.Finish.Sub(prev), 0)
			rest += d
			prev = t.Finish
		}
		out = append(out, d)
		last = t
	}
	if lim := elapsed - rest; first >= 0 && lim > 0 && out[first] > lim {
		out[first] = lim
	}
	return out, last
}

// scanRetryable reports whether a scan request's error may be a cut-off or
// another failure a smaller request can get past.
func scanRetryable(err error) bool {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.HTTPStatus >= 500 && !errors.Is(ae, ErrOverloadLimit) && !errors.Is(ae, ErrPortalDeleted)
	}
	var te *TransportError
	var re *ResponseError
	if errors.As(err, &re) {
		return !re.final // an answer that would come again (too large)
	}
	return errors.As(err, &te)
}

// runScanBatch sends a scan request (at most MaxBatchCommands commands) as
// one batch request, without retrying a failure (kindReadOnce), and
// returns the error of the request as a whole.
func (c *Client) runScanBatch(ctx context.Context, b *Batch) error {
	if b.err != nil {
		return b.err
	}
	b.ran = true
	return c.runChunk(ctx, b.cmds, b.Halt, b.kind())
}
