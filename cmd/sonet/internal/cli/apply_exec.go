package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/b24kit/sonet"
)

// executor sends a plan: first one batch of creates, then one batch of
// every other change in dependency order (per group: fields, owner, adds,
// roles, removes; then deletes). The client's limiter paces the requests
// (50 commands each); nothing is ever sent twice blindly.
type executor struct {
	client *sonet.Client
	out    io.Writer
	// unknown is set when an answer was lost or commands did not run, so
	// the caller reads the portal again and plans what is left.
	unknown bool
	failed  int
	// settled names the groups this run leaves alone from now on: a change
	// failed, or a create's outcome could not be established. They were
	// reported; later rounds do not plan them again.
	settled map[string]bool
}

// fail counts and reports a definite failure of a group's change.
func (ex *executor) fail(name, format string, args ...any) {
	ex.failed++
	ex.settled[name] = true
	fmt.Fprintf(ex.out, format, args...)
}

func createRequest(s *groupSpec) *sonet.GroupCreateRequest {
	req := &sonet.GroupCreateRequest{Name: s.Name}
	if s.Description != nil {
		req.Description = *s.Description
	}
	if s.Keywords != nil {
		req.Keywords = *s.Keywords
	}
	flag := func(b *bool) sonet.Flag {
		if b == nil {
			return sonet.Unset
		}
		return sonet.FlagOf(*b)
	}
	req.Visible, req.Opened, req.Closed, req.Project = flag(s.Visible), flag(s.Opened), flag(s.Closed), flag(s.Project)
	if s.OwnerID != nil {
		req.OwnerID = *s.OwnerID
	}
	if s.SubjectID != nil {
		req.SubjectID = *s.SubjectID
	}
	if s.InitiatePerms != nil {
		req.InitiatePerms = *s.InitiatePerms
	}
	if s.ProjectDateStart != nil {
		req.ProjectDateStart = *s.ProjectDateStart
	}
	if s.ProjectDateFinish != nil {
		req.ProjectDateFinish = *s.ProjectDateFinish
	}
	return req
}

func (ex *executor) run(ctx context.Context, p *plan) {
	ex.unknown = false
	ex.createAll(ctx, p)
	ex.changeAll(ctx, p)
}

func (ex *executor) createAll(ctx context.Context, p *plan) {
	b := sonet.NewBatch()
	var gps []*groupPlan
	var hs []*sonet.BatchCommand[int]
	for _, gp := range p.groups {
		if gp.create {
			gps = append(gps, gp)
			hs = append(hs, sonet.BatchCreateGroup(b, createRequest(gp.spec)))
		}
	}
	if len(gps) == 0 {
		return
	}
	_ = ex.client.RunBatch(ctx, b) // each handle holds its own outcome
	var lost []*groupPlan
	for i, h := range hs {
		gp := gps[i]
		id, err := h.Result()
		switch {
		case err == nil:
			gp.groupID = id
			fmt.Fprintf(ex.out, "created group %q (ID %d)\n", gp.spec.Name, id)
		case errors.Is(err, sonet.ErrOutcomeUnknown):
			lost = append(lost, gp)
		case errors.Is(err, sonet.ErrNotRun):
			ex.unknown = true // not sent: planned again next round
		default:
			ex.fail(gp.spec.Name, "! group %q: create failed: %v\n", gp.spec.Name, err)
		}
	}
	ex.findCreated(ctx, lost)
}

// findCreated reconciles creates whose answers were lost by looking each
// group up by its exact name with FindGroupsByName (the plan saw no group of
// that name before, so a match is the group the create made). A create is
// never sent again here. EnsureGroup is not used for the creates themselves:
// it costs two requests per group where a batch carries 50 creates.
func (ex *executor) findCreated(ctx context.Context, lost []*groupPlan) {
	for _, gp := range lost {
		found, err := ex.client.FindGroupsByName(ctx, gp.spec.Name)
		if err != nil {
			ex.fail(gp.spec.Name, "! group %q: the create's answer was lost and the look-up failed (%v); not created again: run apply again\n", gp.spec.Name, err)
			continue
		}
		switch len(found) {
		case 1:
			gp.groupID = found[0].ID
			fmt.Fprintf(ex.out, "created group %q (ID %d; the answer was lost, found by exact name)\n", gp.spec.Name, found[0].ID)
		case 0:
			ex.fail(gp.spec.Name, "! group %q: the create's answer was lost and no group of that name exists; not created again: run apply again to create it\n", gp.spec.Name)
		default:
			ids := make([]int, len(found))
			for i, g := range found {
				ids[i] = g.ID
			}
			ex.fail(gp.spec.Name, "! group %q: the create's answer was lost and %d groups of that name exist (IDs %s)\n", gp.spec.Name, len(found), joinInts(ids))
		}
	}
}

// op is one command of the change batch.
type op struct {
	gp   *groupPlan
	del  *sonet.Group
	what string
	ids  []int // users the command names
	h    *sonet.BatchCommand[json.RawMessage]
	hDel *sonet.BatchCommand[bool]
}

func (ex *executor) changeAll(ctx context.Context, p *plan) {
	b := sonet.NewBatch()
	var ops []*op
	call := func(gp *groupPlan, what, method string, params map[string]any, ids []int) {
		params["GROUP_ID"] = gp.groupID
		ops = append(ops, &op{gp: gp, what: what, ids: ids, h: sonet.BatchCall[json.RawMessage](b, method, params)})
	}
	for _, gp := range p.groups {
		if gp.groupID == 0 {
			continue // the create failed or is unresolved
		}
		if !gp.create && len(gp.fields) > 0 {
			params, names := updateParams(gp)
			call(gp, "updated "+strings.Join(names, ", "), "sonet_group.update", params, nil)
		}
		if gp.owner != 0 {
			call(gp, fmt.Sprintf("owner %d → %d", gp.oldOwner, gp.owner), "sonet_group.setowner", map[string]any{"USER_ID": gp.owner}, nil)
		}
		if len(gp.adds) > 0 {
			ids := make([]int, len(gp.adds))
			for i, m := range gp.adds {
				ids[i] = m.UserID
			}
			call(gp, "added members", "sonet_group.user.add", map[string]any{"USER_ID": ids}, ids)
		}
		for _, role := range []sonet.Role{sonet.RoleModerator, sonet.RoleMember} {
			var ids []int
			for _, m := range gp.adds {
				if m.Role == role && role != sonet.RoleMember {
					ids = append(ids, m.UserID) // added as members, raised now
				}
			}
			for _, r := range gp.roles {
				if r.to == role {
					ids = append(ids, r.userID)
				}
			}
			if len(ids) > 0 {
				call(gp, "made "+roleName(role)+"s", "sonet_group.user.update", map[string]any{"USER_ID": ids, "ROLE": string(role)}, ids)
			}
		}
		if len(gp.removes) > 0 {
			ids := make([]int, len(gp.removes))
			for i, m := range gp.removes {
				ids[i] = m.UserID
			}
			call(gp, "removed members", "sonet_group.user.delete", map[string]any{"USER_ID": ids}, ids)
		}
	}
	for i := range p.deletes {
		g := &p.deletes[i]
		ops = append(ops, &op{del: g, hDel: sonet.BatchDeleteGroup(b, g.ID)})
	}
	if len(ops) == 0 {
		return
	}
	_ = ex.client.RunBatch(ctx, b)
	checking := ctx.Err() == nil // after an interrupt nothing is checked
	for _, o := range ops {
		ex.report(o, checking)
	}
}

func (ex *executor) report(o *op, checking bool) {
	var err error
	var raw json.RawMessage
	var name, label string
	if o.del != nil {
		_, err = o.hDel.Result()
		name, label = o.del.Name, fmt.Sprintf("group %q (ID %d)", o.del.Name, o.del.ID)
		o.what = "deleted"
	} else {
		raw, err = o.h.Result()
		name, label = o.gp.spec.Name, fmt.Sprintf("group %q (ID %d)", o.gp.spec.Name, o.gp.groupID)
	}
	switch {
	case err == nil:
		msg := fmt.Sprintf("%s: %s", label, o.what)
		if o.ids != nil {
			done := parseIDs(raw)
			if len(done) == 0 {
				msg += " none"
			} else {
				msg += " " + joinInts(done)
			}
			if skipped := minus(o.ids, done); len(skipped) > 0 {
				msg += fmt.Sprintf(" (the portal skipped %s)", joinInts(skipped))
			}
		}
		fmt.Fprintln(ex.out, msg)
	case errors.Is(err, sonet.ErrOutcomeUnknown):
		ex.unknown = true
		then := "; checking"
		if !checking {
			then = ""
		}
		fmt.Fprintf(ex.out, "? %s: %s: the answer was lost%s\n", label, o.what, then)
	case errors.Is(err, sonet.ErrNotRun):
		ex.unknown = true
	default:
		ex.fail(name, "! %s: %s failed: %v\n", label, strings.TrimPrefix(o.what, "updated "), err)
	}
}

// updateParams builds sonet_group.update's parameters from the field changes.
// PROJECT and SUBJECT_ID are not in the update page's table but are in its
// create table, and the portal's server code passes every field on to
// CSocNetGroup::Update; sonettest models that. We send them (tolerant reading).
func updateParams(gp *groupPlan) (map[string]any, []string) {
	s := gp.spec
	params := map[string]any{}
	var names []string
	yn := func(b *bool) string {
		if *b {
			return "Y"
		}
		return "N"
	}
	for _, f := range gp.fields {
		names = append(names, f.field)
		switch f.field {
		case "description":
			params["DESCRIPTION"] = *s.Description
		case "keywords":
			params["KEYWORDS"] = *s.Keywords
		case "visible":
			params["VISIBLE"] = yn(s.Visible)
		case "opened":
			params["OPENED"] = yn(s.Opened)
		case "closed":
			params["CLOSED"] = yn(s.Closed)
		case "project":
			params["PROJECT"] = yn(s.Project)
		case "subject_id":
			params["SUBJECT_ID"] = *s.SubjectID
		case "initiate_perms":
			params["INITIATE_PERMS"] = string(*s.InitiatePerms)
		case "project_date_start":
			params["PROJECT_DATE_START"] = s.ProjectDateStart.Format(isoLayout)
		case "project_date_finish":
			params["PROJECT_DATE_FINISH"] = s.ProjectDateFinish.Format(isoLayout)
		}
	}
	return params, names
}

// parseIDs reads a list of user IDs sent as numbers or strings.
func parseIDs(raw json.RawMessage) []int {
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil {
		return nil
	}
	out := make([]int, 0, len(list))
	for _, r := range list {
		s := strings.Trim(string(r), `"`)
		if n, err := strconv.Atoi(s); err == nil {
			out = append(out, n)
		}
	}
	sort.Ints(out)
	return out
}

func minus(all, done []int) []int {
	in := map[int]bool{}
	for _, d := range done {
		in[d] = true
	}
	var out []int
	for _, a := range all {
		if !in[a] {
			out = append(out, a)
		}
	}
	return out
}

func joinInts(ids []int) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.Itoa(id)
	}
	return strings.Join(s, ", ")
}
