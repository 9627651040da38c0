package sonet

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// reconcileSlack widens the lookup window of CreateGroupOnce for DATE_CREATE
// being rounded to the second and the portal's clock running ahead.
const reconcileSlack = 2 * time.Second

// ReconcileError is returned by CreateGroupOnce when a create's answer was
// lost and the lookup that followed could not tell which group, if any,
// the create made: several groups of that name and owner were created in
// the window. It matches ErrOutcomeUnknown (through Err).
type ReconcileError struct {
	// Name is the name looked up.
	Name string
	// IDs are the groups that match.
	IDs []int
	// Err is the create's error.
	Err error
}

func (e *ReconcileError) Error() string {
	return fmt.Sprintf("sonet: sonet_group.create: answer lost and %d groups named %q were created meanwhile (IDs %v): %v", len(e.IDs), e.Name, e.IDs, e.Err)
}

// Unwrap returns the create's error.
func (e *ReconcileError) Unwrap() error { return e.Err }

// CreateGroupOnce creates a group like CreateGroup, and when the answer is
// lost after the request may have reached the portal (ErrOutcomeUnknown) it
// looks the group up instead of failing:
//
//   - it lists groups with FILTER NAME = req.Name (a read, retried through
//     transient faults) and keeps those whose name is exactly req.Name, whose
//     owner is req.OwnerID or the webhook's user (when known), and whose
//     DATE_CREATE lies between the first attempt and the lookup, by the
//     portal's clock (the answer's date_start, else start) with 2 s of
//     slack;
//   - exactly one such group: its ID is returned with created false (found,
//     not confirmed by a create answer);
//   - none: the create did not commit, so it is sent again, up to the retry
//     policy's MaxAttempts creates in all, with backoff;
//   - several: a *ReconcileError listing them.
//
// created is true when the ID comes from the create's own answer.
//
// Limits: the lookup assumes no one else creates a group of the same name
// and owner in the same few seconds; a caller who may race with itself
// should use unique names. A create that timed out on the client may in
// rare cases still be running on the portal when the lookup runs and find
// nothing, and then a second group can result. Groups the caller may not see
// are not found (IS_ADMIN is sent, which helps administrators).
//
// Docs: api-reference/sonet-group/sonet-group-create.md
func (c *Client) CreateGroupOnce(ctx context.Context, req *GroupCreateRequest) (id int, created bool, err error) {
	if _, err := encodeRequest(req); err != nil {
		return 0, false, err
	}
	first := c.clock.Now()
	for attempt := 1; ; attempt++ {
		id, err := c.CreateGroup(ctx, req)
		if err == nil {
			return id, true, nil
		}
		if !errors.Is(err, ErrOutcomeUnknown) {
			return 0, false, err
		}
		ids, lerr := c.findCreated(ctx, req, c.clock.Now().Sub(first))
		if lerr != nil {
			return 0, false, fmt.Errorf("%w (and the lookup that followed failed: %w)", err, lerr)
		}
		switch {
		case len(ids) == 1:
			c.log.InfoContext(ctx, "sonet: create answer lost; found the group it made", "method", "sonet_group.create", "id", ids[0])
			return ids[0], false, nil
		case len(ids) > 1:
			return 0, false, &ReconcileError{Name: req.Name, IDs: ids, Err: err}
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

// findCreated lists the groups named like req created within the last
// `since` (plus slack) by the portal's clock.
func (c *Client) findCreated(ctx context.Context, req *GroupCreateRequest, since time.Duration) ([]int, error) {
	// The owner is req.OwnerID for an administrator and the caller for
	// everybody else (OWNER_ID is then ignored). Only a webhook knows its
	// caller; without it (OAuth) the owner is not filtered on, since the
	// group made may belong to the caller whatever req.OwnerID says.
	owners := map[int]bool{}
	if uid := c.webhookUser(); uid > 0 {
		owners[uid] = true
		if req.OwnerID > 0 {
			owners[req.OwnerID] = true
		}
	}
	name := strings.TrimSpace(req.Name)
	opts := GroupListOptions{Filter: Filter{FieldName.Eq(req.Name)}, IsAdmin: Yes}
	var ids []int
	var from time.Time
	for page := 0; ; page++ {
		p, err := c.ListGroups(ctx, &opts)
		if err != nil {
			return nil, err
		}
		if page == 0 {
			// date_start is written by the same formatter as DATE_CREATE;
			// the docs' example has start an hour off from it.
			now := p.Time.DateStart
			if now.IsZero() {
				now = p.Time.Start
			}
			if !now.IsZero() {
				from = now.Add(-since - reconcileSlack)
			}
		}
		for _, g := range p.Items {
			switch {
			case strings.TrimSpace(g.Name) != name:
			case len(owners) > 0 && !owners[g.OwnerID]:
			case !from.IsZero() && !g.DateCreate.IsZero() && g.DateCreate.Before(from):
			default:
				ids = append(ids, g.ID)
			}
		}
		if !p.HasNext {
			return ids, nil
		}
		if p.Next <= opts.Start {
			return nil, fmt.Errorf("%w: next=%d after start=%d", ErrCursorStalled, p.Next, opts.Start)
		}
		opts.Start = p.Next
	}
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
