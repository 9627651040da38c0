package cli

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/b24kit/sonet"
)

// timeBlock: every answer carries start, finish, duration, processing,
// date_start and date_finish (operating* only in the cloud).
func (v *verifier) timeBlock() {
	const name, want = "time block fields", "start finish duration processing date_start date_finish"
	_, resp, err := v.list(map[string]any{"FILTER": map[string]any{"ID": 0}})
	if err != nil {
		v.fail(name, want, err)
		return
	}
	t := resp.Time
	var seen, missing []string
	for _, f := range []struct {
		name string
		ok   bool
	}{{"start", !t.Start.IsZero()}, {"finish", !t.Finish.IsZero()}, {"duration", t.Duration > 0 || !t.Finish.IsZero()},
		{"processing", t.Processing > 0 || !t.Finish.IsZero()}, {"date_start", !t.DateStart.IsZero()}, {"date_finish", !t.DateFinish.IsZero()}} {
		if f.ok {
			seen = append(seen, f.name)
		} else {
			missing = append(missing, f.name)
		}
	}
	if !t.OperatingResetAt.IsZero() {
		seen = append(seen, "operating operating_reset_at")
	}
	s := strings.Join(seen, " ")
	if len(missing) > 0 {
		s += "; missing: " + strings.Join(missing, " ")
	}
	v.add(name, want, s, len(missing) == 0)
}

// startMinusOne: start=-1 makes sonet_group.get skip its row count
// (CDBResult::NavQuery is not run), so there is no next page and the total
// is absent or 0. The fast scan counts with its first command only and
// ends on a short page, so it needs exactly that: no next, no real count.
func (v *verifier) startMinusOne() {
	const name, want = "start=-1 skips the count", "no next; total absent or 0"
	_, resp, err := v.list(map[string]any{"ORDER": map[string]any{"ID": "ASC"}, "start": -1})
	if err != nil {
		v.fail(name, want, err)
		return
	}
	seen := "no total"
	if resp.HasTotal {
		seen = fmt.Sprintf("total=%d", resp.Total)
	}
	if resp.HasNext {
		seen += fmt.Sprintf(", next=%d", resp.Next)
	} else {
		seen += ", no next"
	}
	v.add(name, want, seen, !resp.HasNext && (!resp.HasTotal || resp.Total == 0))
}

// uppercaseKeys: ORDER and FILTER are read in upper case only; lower-case
// order/filter are ignored (the SDK always sends upper case).
func (v *verifier) uppercaseKeys() {
	const name, want = "lower-case order/filter ignored", "default order (ID DESC), no filter"
	if len(v.sample) < 2 {
		v.skip(name, want, "needs 2 groups")
		return
	}
	first, last := v.sample[0], v.sample[len(v.sample)-1]
	rows, _, err := v.list(map[string]any{"order": map[string]any{"ID": "ASC"}, "filter": map[string]any{"ID": first.ID}})
	if err != nil {
		v.fail(name, want, err)
		return
	}
	switch {
	case len(rows) == 1 && rows[0].ID == first.ID:
		v.add(name, want, "filter honoured", false)
	case len(rows) > 0 && rows[0].ID == first.ID:
		v.add(name, want, "order honoured (ID ASC)", false)
	case len(rows) > 1 && rows[0].ID >= last.ID:
		v.add(name, want, "both ignored", true)
	default:
		v.add(name, want, "rows "+idList(rows, 5), false)
	}
}

// idCursor: FILTER[>ID]=N with ORDER[ID]=ASC returns the rows after N in ID
// order, the cursor of the fast scan.
func (v *verifier) idCursor() {
	const name = ">ID cursor with ORDER ID ASC"
	if len(v.sample) < 2 {
		v.skip(name, "rows after the cursor", "needs 2 groups")
		return
	}
	a, b := v.sample[0], v.sample[1]
	want := fmt.Sprintf("first row %d, ascending", b.ID)
	rows, _, err := v.list(map[string]any{"ORDER": map[string]any{"ID": "ASC"}, "FILTER": map[string]any{">ID": a.ID}, "start": -1})
	if err != nil {
		v.fail(name, want, err)
		return
	}
	ok := len(rows) > 0 && rows[0].ID == b.ID
	for i := 1; ok && i < len(rows); i++ {
		ok = rows[i].ID > rows[i-1].ID
	}
	v.add(name, want, "rows "+idList(rows, 4), ok)
}

// operators: what sonet_group.get does with each filter operator, as the
// SDK assumes it (its GroupFilter refuses what the portal drops): "", "!",
// ">", ">=", "<", "<=" and "%" are honoured; "><" and "!><" are dropped
// without an error (the SQL layer reads them as ">" on a field "<ID"), so
// every row comes back; the "!" of "!%" is never applied, so "!%" matches
// like "%".
func (v *verifier) operators() {
	if len(v.sample) < 3 {
		v.skip("filter operators", "as the SDK assumes", "needs 3 groups")
		return
	}
	a, b, c := v.sample[0], v.sample[1], v.sample[2]
	asc := map[string]any{"ID": "ASC"}
	exactly := func(want ...int) func([]sonet.Group) bool {
		return func(rows []sonet.Group) bool { return joinInts(ids(rows)) == joinInts(want) }
	}
	firstIs := func(id int) func([]sonet.Group) bool {
		return func(rows []sonet.Group) bool { return len(rows) > 0 && rows[0].ID == id }
	}
	excludes := func(bad ...int) func([]sonet.Group) bool {
		return func(rows []sonet.Group) bool {
			for _, r := range rows {
				for _, x := range bad {
					if r.ID == x {
						return false
					}
				}
			}
			return true
		}
	}
	// like: every row's name contains a's name, and a is among them.
	like := func(rows []sonet.Group) bool {
		has := false
		for _, r := range rows {
			if !strings.Contains(strings.ToLower(r.Name), strings.ToLower(a.Name)) {
				return false
			}
			has = has || r.ID == a.ID
		}
		return has
	}
	all := fmt.Sprintf("dropped: every row, first %d", a.ID)
	cases := []struct {
		key   string
		value any
		want  string
		ok    func([]sonet.Group) bool
	}{
		{"ID", a.ID, fmt.Sprintf("[%d]", a.ID), exactly(a.ID)},
		{"!ID", a.ID, fmt.Sprintf("no %d", a.ID), excludes(a.ID)},
		{">ID", a.ID, fmt.Sprintf("first %d", b.ID), firstIs(b.ID)},
		{">=ID", b.ID, fmt.Sprintf("first %d", b.ID), firstIs(b.ID)},
		{"<ID", b.ID, fmt.Sprintf("[%d]", a.ID), exactly(a.ID)},
		{"<=ID", a.ID, fmt.Sprintf("[%d]", a.ID), exactly(a.ID)},
		{"><ID", []int{b.ID, b.ID}, all, func(rows []sonet.Group) bool { return len(rows) >= 3 && rows[0].ID == a.ID }},
		{"!><ID", []int{a.ID, b.ID}, all, func(rows []sonet.Group) bool {
			return len(rows) >= 3 && rows[0].ID == a.ID && rows[2].ID == c.ID
		}},
		{"%NAME", a.Name, fmt.Sprintf("has %d", a.ID), like},
		{"!%NAME", a.Name, fmt.Sprintf("read as %%: has %d", a.ID), like},
	}
	for _, tc := range cases {
		name := "filter operator " + tc.key
		// WhereUnchecked: the SDK refuses these keys before sending, and
		// the probe is to see what the portal does with them.
		rows, _, err := v.list(map[string]any{"ORDER": asc, "FILTER": uncheckedFilter(tc.key, tc.value), "IS_ADMIN": "Y"})
		if err != nil {
			v.fail(name, tc.want, err)
			continue
		}
		v.add(name, tc.want, "rows "+idList(rows, 4), tc.ok(rows))
	}
}

// uncheckedFilter is the one-key filter key=value sent as given.
func uncheckedFilter(key string, value any) sonet.GroupFilter {
	switch x := value.(type) {
	case []int:
		vals := make([]string, len(x))
		for i, n := range x {
			vals[i] = strconv.Itoa(n)
		}
		return sonet.GroupFilter{sonet.WhereUnchecked(key, vals...)}
	default:
		return sonet.GroupFilter{sonet.WhereUnchecked(key, fmt.Sprint(x))}
	}
}

// batchMissingPath: a $result[...] reference into a path that does not
// exist is replaced by the part of the path the portal reached (the rest
// module's processBatchElement walks the path while isset holds), not left
// as literal text. Here the reference ends at a missing field of row 0, so
// the command's FILTER[ID] becomes that whole row, and the filter "ID in
// the row's values" returns the row's own group. The SDK relies on this:
// its chained scans need halt, and check every page.
func (v *verifier) batchMissingPath() {
	const name = "batch $result into a missing path"
	if len(v.sample) < 1 {
		v.skip(name, "the part it reached", "needs 1 group")
		return
	}
	a := v.sample[0]
	want := fmt.Sprintf("the part it reached (rows include %d)", a.ID)
	b := sonet.NewBatch()
	b.Halt = true // the SDK requires it for Ref chains
	first := sonet.BatchCall[[]sonet.Group](b, "sonet_group.get", map[string]any{"FILTER": map[string]any{"ID": a.ID}})
	second := sonet.BatchCall[[]sonet.Group](b, "sonet_group.get", map[string]any{
		"FILTER": map[string]any{"ID": first.Ref(0, "NO_SUCH_FIELD")}, "IS_ADMIN": "Y"})
	if err := v.client.RunBatch(v.ctx, b); err != nil {
		v.fail(name, want, err)
		return
	}
	rows, _ := second.Result()
	has := false
	for _, r := range rows {
		has = has || r.ID == a.ID
	}
	switch {
	case has:
		v.add(name, want, want, true)
	case len(rows) == 0:
		v.add(name, want, "literal text (no rows)", false)
	default:
		v.add(name, want, "rows "+idList(rows, 4), false)
	}
}

// operatingInBatch: commands inside a batch are billed to their method's
// operating time (the batch counts once for the rate limit only).
func (v *verifier) operatingInBatch() {
	const name, want = "operating billed inside batch", "grows with each command"
	b := sonet.NewBatch()
	var hs []*sonet.BatchCommand[[]sonet.Group]
	for i := 0; i < 3; i++ {
		hs = append(hs, sonet.BatchCall[[]sonet.Group](b, "sonet_group.get", map[string]any{"FILTER": map[string]any{"ID": 0}}))
	}
	if err := v.client.RunBatch(v.ctx, b); err != nil {
		v.fail(name, want, err)
		return
	}
	var seen []string
	grows, any := true, false
	var prev time.Duration
	for i, h := range hs {
		t := h.Meta().Time
		if !t.OperatingResetAt.IsZero() || t.Operating > 0 {
			any = true
		}
		seen = append(seen, fmt.Sprintf("%.3fs", t.Operating.Seconds()))
		if i > 0 && t.Operating <= prev {
			grows = false
		}
		prev = t.Operating
	}
	if !any {
		v.skip(name, want, "no operating figures (not a cloud portal?)")
		return
	}
	v.add(name, want, strings.Join(seen, " → "), grows)
}

// limitProbe sends quick reads without the client's limiter or retries
// until the portal refuses one, and reports the status of the refusal.
func (a *app) limitProbe(ctx context.Context, v *verifier, probes int) {
	const name, want = "QUERY_LIMIT_EXCEEDED status", "503"
	raw, err := a.client(sonet.WithoutRateLimit(), sonet.WithRetryPolicy(sonet.RetryPolicy{MaxAttempts: 1}))
	if err != nil {
		v.fail(name, want, err)
		return
	}
	for i := 1; i <= probes; i++ {
		var rows []sonet.Group
		_, err := raw.Call(ctx, "sonet_group.get", map[string]any{"FILTER": map[string]any{"ID": 0}, "start": -1}, &rows, sonet.Idempotent())
		if err == nil {
			continue
		}
		var ae *sonet.APIError
		if errors.As(err, &ae) && errors.Is(err, sonet.ErrQueryLimitExceeded) {
			v.add(name, want, fmt.Sprintf("%d (after %d requests)", ae.HTTPStatus, i), ae.HTTPStatus == 503)
			return
		}
		v.fail(name, want, err)
		return
	}
	v.skip(name, want, fmt.Sprintf("not refused in %d requests", probes))
}

// scopeProbe calls a method the user names as outside the credentials'
// scopes: the portal should refuse it with 403 insufficient_scope (the SDK
// maps that code to ErrPermissionDenied whatever the status, but says 403).
func (v *verifier) scopeProbe(method string) {
	const name, want = "insufficient_scope status", "403 insufficient_scope"
	if method == "" {
		v.skip(name, want, "not probed (--scope-probe METHOD)")
		return
	}
	_, err := v.client.Call(v.ctx, method, nil, nil, sonet.Idempotent())
	var ae *sonet.APIError
	switch {
	case err == nil:
		v.skip(name, want, method+" succeeded: it is within the credentials' scopes")
	case errors.As(err, &ae) && errors.Is(err, sonet.ErrInsufficientScope):
		v.add(name, want, fmt.Sprintf("%d %s", ae.HTTPStatus, ae.Code), ae.HTTPStatus == 403)
	case errors.As(err, &ae):
		v.add(name, want, fmt.Sprintf("%d %s", ae.HTTPStatus, ae.Code), false)
	default:
		v.fail(name, want, err)
	}
}
