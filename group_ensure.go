package sonet

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ensureSlack is how long before the first look-up's portal clock reading a
// group's DATE_CREATE may lie and still count as made by EnsureGroup's
// create. DATE_CREATE is written by the portal's database clock and the
// answer's time block by its web server, which may differ; DATE_CREATE is
// also cut to the second. A wide margin costs nothing: the first look-up
// found no matching group, so an older one cannot be there to be mistaken.
const ensureSlack = time.Minute

// ErrDuplicateGroups is matched by a *DuplicateGroupsError.
var ErrDuplicateGroups = errors.New("sonet: several groups match")

// DuplicateGroupsError is returned by EnsureGroup when more than one group
// matches the request, so it cannot tell which one is meant. It matches
// ErrDuplicateGroups, and ErrOutcomeUnknown when the matches were found
// after a create whose answer was lost (Err).
type DuplicateGroupsError struct {
	// Name is the name looked up.
	Name string
	// IDs are the matching groups, in the portal's order.
	IDs []int
	// Err is the lost create's error, nil when the groups existed before.
	Err error
}

// Error names the count, the name and the IDs, and the lost create's cause
// when there was one.
func (e *DuplicateGroupsError) Error() string {
	msg := fmt.Sprintf("sonet: %d groups named %q match (IDs %v)", len(e.IDs), e.Name, e.IDs)
	if e.Err != nil {
		msg += " after a create whose answer was lost: " + detail(e.Err, "")
	}
	return msg
}

// Is makes the error match ErrDuplicateGroups.
func (e *DuplicateGroupsError) Is(target error) bool { return target == ErrDuplicateGroups }

// Unwrap returns the lost create's error, if any.
func (e *DuplicateGroupsError) Unwrap() error { return e.Err }

// EnsureGroup makes sure a group like req exists and returns its ID: the
// idempotent create an import or a re-run script wants. It calls
// sonet_group.get, then sonet_group.create only when needed:
//
//  1. it looks for groups named exactly req.Name (case and inner spaces
//     count; surrounding space is removed, and the group is created
//     without it too), of the same kind (a project when req.Project is
//     Yes, a workgroup otherwise) and owner (req.OwnerID or the webhook's
//     user; an OAuth client's user is unknown, so the owner is not
//     compared there);
//  2. one match: its ID is returned with created false. Several: a
//     *DuplicateGroupsError listing their IDs (ErrDuplicateGroups);
//  3. none: the group is created and its ID returned with created true.
//     When the create's answer is lost (ErrOutcomeUnknown) the groups are
//     looked up again: one match is the group this call made (created
//     true), several are a *DuplicateGroupsError that also matches
//     ErrOutcomeUnknown, and a match older than the window below is an
//     error matching ErrOutcomeUnknown, never a reason to create. None:
//     the create is sent again (up to the retry policy's MaxAttempts
//     creates in all) only when the portal itself answered it (a JSON
//     error such as 500 INTERNAL_SERVER_ERROR, or a 2xx answer it could
//     not read), since its script had then finished and the look-up saw
//     its final state. After a transport failure, a timeout, a
//     cancellation or a gateway's page (502, 504) the create may still be
//     running and commit after the look-up: the error (ErrOutcomeUnknown)
//     is returned instead of a second create; call EnsureGroup again later
//     to find the group or create it.
//
// The second look-up counts only groups whose DATE_CREATE is not before the
// portal's own clock reading in the first look-up's answer (its time block,
// minus a minute of slack), a reading taken before the create was sent. So
// the guarantee holds however long the second look-up takes: retries,
// backoff and rate-limiter waits move no window. (An answer without a time
// block gives no window; the first look-up found no match, so every match
// is new.) Both look-ups send IS_ADMIN=Y, which lets an administrator see
// every group.
//
// Limits: two callers ensuring the same name at the same moment may both
// find nothing and both create (a later EnsureGroup then reports the
// duplicates). The fields other than name, kind and owner are not
// compared: an existing group is returned as it is, not updated.
//
// Docs: https://apidocs.bitrix24.com/api-reference/sonet-group/sonet-group-create.html,
// https://apidocs.bitrix24.com/api-reference/sonet-group/sonet-group-get.html
func (c *Client) EnsureGroup(ctx context.Context, req *GroupCreateRequest) (id int, created bool, err error) {
	if err := checkContext(ctx); err != nil {
		return 0, false, err
	}
	if _, err := encodeRequest(req); err != nil {
		return 0, false, err
	}
	m := c.matcherFor(req)
	ids, _, before, err := c.findMatching(ctx, m, time.Time{})
	if err != nil {
		return 0, false, err
	}
	switch {
	case len(ids) == 1:
		return ids[0], false, nil
	case len(ids) > 1:
		return 0, false, &DuplicateGroupsError{Name: m.name, IDs: ids}
	}
	// before is the portal's clock when it answered the look-up: the
	// create below runs later, so the group it makes is not older.
	from := time.Time{}
	if !before.IsZero() {
		from = before.Add(-ensureSlack)
	}
	// Create the name that was looked up: the portal stores a name as sent,
	// surrounding space included, and its NAME filter would not find
	// " Sales" again by "Sales".
	create := *req
	create.Name = m.name
	for attempt := 1; ; attempt++ {
		id, err := c.CreateGroup(ctx, &create)
		if err == nil {
			return id, true, nil
		}
		if !errors.Is(err, ErrOutcomeUnknown) {
			return 0, false, err
		}
		ids, older, _, lerr := c.findMatching(ctx, m, from)
		if lerr != nil {
			return 0, false, &joinedError{err.Error() + " (and the look-up that followed failed: " + detail(lerr, "") + ")", []error{err, lerr}}
		}
		switch {
		case len(ids) == 1:
			c.log.InfoContext(ctx, "sonet: create answer lost; found the group it made", "method", "sonet_group.create", "id", ids[0])
			return ids[0], true, nil
		case len(ids) > 1:
			return 0, false, &DuplicateGroupsError{Name: m.name, IDs: ids, Err: err}
		case len(older) > 0:
			// Not this call's group, but no proof that nothing was made
			// either (the window may be off by a clock): never a second
			// create beside it.
			return 0, false, fmt.Errorf("%w (group %d matches but was created before this call's window; not creating again)", err, older[0])
		case !portalFinished(err):
			return 0, false, fmt.Errorf("%w (no group found yet: the create may still be running on the portal, so it is not sent again; call EnsureGroup later)", err)
		case attempt >= c.retry.MaxAttempts:
			return 0, false, err
		}
		wait := c.retry.backoff(attempt)
		c.log.InfoContext(ctx, "sonet: create answer lost and no group made; creating again", "method", "sonet_group.create", "attempt", attempt+1, "wait", wait)
		if err := c.clock.Sleep(ctx, wait); err != nil {
			return 0, false, fmt.Errorf("sonet: sonet_group.create: %w", err)
		}
	}
}

// portalFinished reports whether a create's lost answer came from the
// portal's own script (a JSON error, or a 2xx answer that could not be
// read): the script had finished, so a look-up after it sees whether the
// group was made. A transport failure, a timeout, a cancellation or a
// gateway's own page says nothing of the kind: the create may still run.
func portalFinished(err error) bool {
	var ae *APIError
	if errors.As(err, &ae) {
		return true
	}
	var te *TransportError
	if errors.As(err, &te) {
		return false
	}
	var re *ResponseError
	return errors.As(err, &re) && re.HTTPStatus >= 200 && re.HTTPStatus <= 299
}

// FindGroupsByName returns the groups named exactly name (case and inner
// spaces count; surrounding space is ignored on both sides), in the
// portal's order (ID descending), every page read. The portal's NAME
// filter compares without regard to case, so the SDK compares again
// itself. A name with emoji is looked up in the form the portal stores
// (each emoji as ":" + hex + ":") and Name in the result reads as written
// (see Group.Name). Text typed as ":f09f9a80:" is stored like 🚀, so the
// portal, and this look-up, take the two for the same name. IS_ADMIN=Y is sent, which lets an administrator see every group;
// others see the groups they may see. No match gives an empty, non-nil
// slice.
//
// Docs: https://apidocs.bitrix24.com/api-reference/sonet-group/sonet-group-get.html
func (c *Client) FindGroupsByName(ctx context.Context, name string) ([]Group, error) {
	if err := checkContext(ctx); err != nil {
		return nil, err
	}
	if strings.TrimSpace(name) == "" {
		return nil, &ValidationError{Field: "NAME", Reason: "required and empty"}
	}
	out := []Group{}
	if _, err := c.eachNamed(ctx, name, func(g *Group) { out = append(out, *g) }); err != nil {
		return nil, err
	}
	return out, nil
}

// eachNamed calls fn for every group named exactly name, page by page, and
// returns the first page's time block. A group seen on an earlier page is
// skipped: rows shift between pages when groups are made meanwhile, and a
// portal asked for a page past the end answers the first page again, so
// the same group can come twice; counted twice, it would look like a
// duplicate.
func (c *Client) eachNamed(ctx context.Context, name string, fn func(*Group)) (Timing, error) {
	// The portal stores and filters a name with its emoji encoded
	// (portalForm; FieldName sends that form) and reads it back decoded,
	// hex digits of either case (fromPortal). Compare what the portal shows
	// in the stored form, so typed hex (":F09F9A80:" too) and the emoji it
	// spells match; ask the filter for the name as typed and in that form,
	// since they are different stored text when the hex is upper-case.
	typed := portalForm(strings.TrimSpace(name))
	want := shownStored(typed)
	byName := FieldName.Eq(want)
	if typed != want {
		byName = FieldName.In(want, typed)
	}
	opts := GroupListOptions{Filter: GroupFilter{byName}, IsAdmin: Yes}
	var first Timing
	seen := map[int]bool{}
	for page := 0; ; page++ {
		p, err := c.ListGroups(ctx, &opts)
		if err != nil {
			return first, err
		}
		if page == 0 {
			first = p.Time
		}
		for i := range p.Items {
			if shownStored(portalForm(strings.TrimSpace(p.Items[i].Name))) == want && !seen[p.Items[i].ID] {
				seen[p.Items[i].ID] = true
				fn(&p.Items[i])
			}
		}
		if !p.HasNext {
			return first, nil
		}
		if p.Next <= opts.Start {
			return first, walkErr("sonet_group.get", ErrCursorStalled, "next=%d after start=%d", p.Next, opts.Start)
		}
		opts.Start = p.Next
	}
}

// groupMatch is what EnsureGroup compares.
type groupMatch struct {
	name    string
	owners  map[int]bool // empty: any owner
	project bool
}

func (c *Client) matcherFor(req *GroupCreateRequest) groupMatch {
	// The owner is req.OwnerID for an administrator and the caller for
	// everybody else (OWNER_ID is then ignored). Only a webhook knows its
	// caller; without it (OAuth) the owner is not compared, since the
	// group may belong to the caller whatever req.OwnerID says.
	m := groupMatch{name: strings.TrimSpace(req.Name), owners: map[int]bool{}, project: req.Project == Yes}
	if uid := c.webhookUser(); uid > 0 {
		m.owners[uid] = true
		if req.OwnerID > 0 {
			m.owners[req.OwnerID] = true
		}
	}
	return m
}

// findMatching lists the groups matching m created at or after from (the
// zero time: any) and, apart, those created before it, and returns the
// portal's clock reading of the first page's answer (zero if it sent no
// time block).
func (c *Client) findMatching(ctx context.Context, m groupMatch, from time.Time) (ids, older []int, clock time.Time, err error) {
	t, err := c.eachNamed(ctx, m.name, func(g *Group) {
		switch {
		case len(m.owners) > 0 && !m.owners[g.OwnerID]:
		case g.Project != m.project:
		case !from.IsZero() && !g.DateCreate.IsZero() && g.DateCreate.Before(from):
			older = append(older, g.ID)
		default:
			ids = append(ids, g.ID)
		}
	})
	return ids, older, portalClock(t), err
}

// portalClock is the portal's clock when it began an answer: time.start
// (microseconds), else date_start (seconds), else zero.
func portalClock(t Timing) time.Time {
	if !t.Start.IsZero() {
		return t.Start
	}
	return t.DateStart
}

// webhookUser returns the user ID of a webhook client, 0 for OAuth.
func (c *Client) webhookUser() int {
	w, ok := c.cred.(*webhookAuth)
	if !ok {
		return 0
	}
	rest := strings.TrimPrefix(w.prefix[strings.Index(w.prefix, "/rest/"):], "/rest/")
	uid, _ := strconv.Atoi(rest[:strings.IndexByte(rest, '/')])
	return uid
}
