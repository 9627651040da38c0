package cli

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/b24kit/sonet"
)

// portalState is what apply reads before it plans: every group it can see
// (by exact name) and the members of the groups whose members the file
// manages.
type portalState struct {
	byName  map[string][]sonet.Group
	members map[int][]sonet.Member
	// extras is nil unless the file sets a field only
	// socialnetwork.api.workgroup.list returns.
	extras map[int]extra
	// users are IDs known to exist: owners and members seen on the portal.
	users map[int]bool
	// scope, when not nil, holds the IDs of the groups --prune may delete
	// (those apply --filter finds); nil: every group (--prune-all).
	scope map[int]bool
}

// readPortal scans every group (the fast scan, 2,500 groups a request) and
// reads the members of the file's groups that list members (one batch
// request per 50 groups). With a prune scope (where not empty) it scans
// again with that filter for the groups --prune may delete.
func readPortal(ctx context.Context, client *sonet.Client, specs []groupSpec, where sonet.GroupFilter, bar *progress) (*portalState, error) {
	st := &portalState{byName: map[string][]sonet.Group{}, members: map[int][]sonet.Member{}, users: map[int]bool{}}
	opts := &sonet.GroupScanOptions{IsAdmin: sonet.Yes}
	if bar != nil {
		opts.Progress = bar.scan
	}
	for g, err := range client.ScanGroups(ctx, opts) {
		if err != nil {
			return nil, fmt.Errorf("reading the portal's groups: %w", err)
		}
		st.byName[g.Name] = append(st.byName[g.Name], g)
		st.users[g.OwnerID] = true
	}
	if len(where) > 0 {
		var err error
		if st.scope, err = readScope(ctx, client, where); err != nil {
			return nil, err
		}
	}
	if needsExtras(specs) {
		var err error
		if st.extras, err = readExtras(ctx, client); err != nil {
			return nil, err
		}
	}
	var ids []int
	for i := range specs {
		if gs := st.byName[specs[i].Name]; specs[i].Members != nil && len(gs) == 1 {
			ids = append(ids, gs[0].ID)
		}
	}
	ms, gone, err := fetchMembers(ctx, client, ids)
	if err != nil {
		return nil, err
	}
	if len(gone) > 0 {
		return nil, fmt.Errorf("%d groups were deleted while the portal was read (e.g. ID %d); run apply again", len(gone), firstKey(gone))
	}
	for id, list := range ms {
		st.members[id] = list
		for _, m := range list {
			st.users[m.UserID] = true
		}
	}
	return st, nil
}

// fieldChange is one field of one group: old → new.
type fieldChange struct {
	field    string
	old, new string
}

type roleChange struct {
	userID   int
	from, to sonet.Role
}

// groupPlan is what apply will do to one group of the file.
type groupPlan struct {
	spec    *groupSpec
	create  bool
	groupID int // 0 until created
	fields  []fieldChange
	// owner is the new owner (0: unchanged).
	owner    int
	oldOwner int
	adds     []memberSpec
	roles    []roleChange
	removes  []sonet.Member
	kept     int // members not in the file, kept without --prune
}

func (p *groupPlan) empty() bool {
	return !p.create && len(p.fields) == 0 && p.owner == 0 && len(p.adds) == 0 && len(p.roles) == 0 && len(p.removes) == 0
}

type plan struct {
	groups    []*groupPlan // only groups with something to do, in file order
	deletes   []sonet.Group
	unchanged int
	kept      int // members kept because --prune was not given
	spared    int // groups not in the file, kept because --prune was not given
	outside   int // groups not in the file, kept because --filter does not find them
}

func (p *plan) empty() bool { return len(p.groups) == 0 && len(p.deletes) == 0 }

// makePlan compares the file with the portal. It refuses, before anything
// is sent, what cannot be applied: a name that several groups share, a
// create whose name differs from another only in case or spaces, and a
// change of the owner's role without a change of owner.
func makePlan(specs []groupSpec, st *portalState, prune bool) (*plan, error) {
	if err := checkNearNames(specs, st); err != nil {
		return nil, err
	}
	p := &plan{}
	inFile := map[string]bool{}
	for i := range specs {
		s := &specs[i]
		inFile[s.Name] = true
		gs := st.byName[s.Name]
		if len(gs) > 1 {
			ids := make([]string, len(gs))
			for j, g := range gs {
				ids[j] = strconv.Itoa(g.ID)
			}
			return nil, fmt.Errorf("group %q (line %d): %d groups on the portal have this exact name (IDs %s); apply matches groups by name, so rename all but one first",
				s.Name, s.line, len(gs), strings.Join(ids, ", "))
		}
		gp := &groupPlan{spec: s}
		if len(gs) == 0 {
			gp.create = true
			planCreateMembers(gp)
		} else {
			g := gs[0]
			gp.groupID = g.ID
			planFields(gp, &g)
			if st.extras != nil {
				planExtras(gp, st.extras[g.ID])
			}
			if err := planMembers(gp, &g, st.members[g.ID], prune); err != nil {
				return nil, err
			}
		}
		p.kept += gp.kept
		if gp.empty() {
			p.unchanged++
			continue
		}
		p.groups = append(p.groups, gp)
	}
	var others []sonet.Group
	for name, gs := range st.byName {
		if !inFile[name] {
			others = append(others, gs...)
		}
	}
	sort.Slice(others, func(i, j int) bool { return others[i].ID < others[j].ID })
	if prune {
		for _, g := range others {
			if st.scope == nil || st.scope[g.ID] {
				p.deletes = append(p.deletes, g)
			} else {
				p.outside++
			}
		}
	} else {
		p.spared = len(others)
	}
	return p, nil
}

func yes(b bool) string { return strconv.FormatBool(b) }

func planFields(gp *groupPlan, g *sonet.Group) {
	s := gp.spec
	add := func(field, old, new string) {
		if old != new {
			gp.fields = append(gp.fields, fieldChange{field: field, old: old, new: new})
		}
	}
	text := func(field, old string, new *string) {
		if new != nil && (!s.fromCSV || strings.ReplaceAll(old, "\r\n", "\n") != *new) {
			add(field, strconv.Quote(old), strconv.Quote(*new))
		}
	}
	text("description", g.Description, s.Description)
	text("keywords", g.Keywords, s.Keywords)
	for _, f := range []struct {
		name string
		want *bool
		have bool
	}{{"visible", s.Visible, g.Visible}, {"opened", s.Opened, g.Opened}, {"closed", s.Closed, g.Closed}, {"project", s.Project, g.Project}} {
		if f.want != nil {
			add(f.name, yes(f.have), yes(*f.want))
		}
	}
	if s.SubjectID != nil {
		add("subject_id", strconv.Itoa(g.SubjectID), strconv.Itoa(*s.SubjectID))
	}
	if s.OwnerID != nil && *s.OwnerID != g.OwnerID {
		gp.owner, gp.oldOwner = *s.OwnerID, g.OwnerID
	}
}

// planCreateMembers: a new group starts with its owner only; everyone else
// is added (as a member, then raised to moderator where asked).
func planCreateMembers(gp *groupPlan) {
	if gp.spec.Members == nil {
		return
	}
	for _, m := range *gp.spec.Members {
		if m.Role != sonet.RoleOwner {
			gp.adds = append(gp.adds, m)
		}
	}
}

func planMembers(gp *groupPlan, g *sonet.Group, current []sonet.Member, prune bool) error {
	s := gp.spec
	if s.Members == nil {
		return nil
	}
	finalOwner := g.OwnerID
	if gp.owner != 0 {
		finalOwner = gp.owner
	}
	have := map[int]sonet.Role{}
	for _, m := range current {
		have[m.UserID] = m.Role
	}
	want := map[int]bool{}
	for _, m := range *s.Members {
		want[m.UserID] = true
		if m.Role == sonet.RoleOwner {
			continue // the owner is set by owner_id, not by a role change
		}
		if m.UserID == finalOwner {
			return fmt.Errorf("group %q (line %d): user %d is the owner; listing them as %s needs another owner (owner_id)", s.Name, m.line, m.UserID, roleName(m.Role))
		}
		r, ok := have[m.UserID]
		switch {
		case !ok:
			gp.adds = append(gp.adds, m)
		case r != m.Role:
			gp.roles = append(gp.roles, roleChange{userID: m.UserID, from: r, to: m.Role})
		}
	}
	for _, m := range current {
		if want[m.UserID] || m.UserID == finalOwner {
			continue
		}
		if prune {
			gp.removes = append(gp.removes, m)
		} else {
			gp.kept++
		}
	}
	return nil
}

// print writes the plan in the terraform style: + create, ~ update, - delete.
func (p *plan) print(w io.Writer) {
	if p.empty() {
		fmt.Fprintf(w, "No changes: %d groups in the file match the portal.\n", p.unchanged)
		p.printKept(w)
		return
	}
	var creates, updates, adds, roles, removes int
	for _, gp := range p.groups {
		if gp.create {
			creates++
			fmt.Fprintf(w, "+ create group %q\n", gp.spec.Name)
			for _, f := range createFields(gp.spec) {
				fmt.Fprintf(w, "    %s: %s\n", f.field, f.new)
			}
		} else {
			updates++
			fmt.Fprintf(w, "~ update group %q (ID %d)\n", gp.spec.Name, gp.groupID)
			for _, f := range gp.fields {
				fmt.Fprintf(w, "    %s: %s → %s\n", f.field, f.old, f.new)
			}
			if gp.owner != 0 {
				fmt.Fprintf(w, "    owner_id: %d → %d\n", gp.oldOwner, gp.owner)
			}
		}
		for _, m := range gp.adds {
			adds++
			fmt.Fprintf(w, "    + add member %d as %s\n", m.UserID, roleName(m.Role))
		}
		for _, r := range gp.roles {
			roles++
			fmt.Fprintf(w, "    ~ change role of %d: %s → %s\n", r.userID, roleName(r.from), roleName(r.to))
		}
		for _, m := range gp.removes {
			removes++
			fmt.Fprintf(w, "    - remove member %d (%s)\n", m.UserID, roleName(m.Role))
		}
	}
	for _, g := range p.deletes {
		fmt.Fprintf(w, "- delete group %q (ID %d)\n", g.Name, g.ID)
	}
	fmt.Fprintf(w, "Plan: %d to create, %d to update, %d to delete; members: %d to add, %d role changes, %d to remove; %d groups unchanged.\n",
		creates, updates, len(p.deletes), adds, roles, removes, p.unchanged)
	p.printKept(w)
}

func (p *plan) printKept(w io.Writer) {
	if p.kept > 0 {
		fmt.Fprintf(w, "Kept: %d members not in the file (--prune with --filter, or --prune-all, removes them).\n", p.kept)
	}
	if p.spared > 0 {
		fmt.Fprintf(w, "Kept: %d groups not in the file (--prune with --filter, or --prune-all, deletes them).\n", p.spared)
	}
	if p.outside > 0 {
		fmt.Fprintf(w, "Kept: %d groups not in the file that --filter does not find (outside the --prune scope).\n", p.outside)
	}
}

// createFields lists the fields a create sends, for the plan.
func createFields(s *groupSpec) []fieldChange {
	var out []fieldChange
	if s.Description != nil {
		out = append(out, fieldChange{field: "description", new: strconv.Quote(*s.Description)})
	}
	if s.Keywords != nil {
		out = append(out, fieldChange{field: "keywords", new: strconv.Quote(*s.Keywords)})
	}
	for _, f := range []struct {
		name string
		v    *bool
	}{{"visible", s.Visible}, {"opened", s.Opened}, {"closed", s.Closed}, {"project", s.Project}} {
		if f.v != nil {
			out = append(out, fieldChange{field: f.name, new: yes(*f.v)})
		}
	}
	if s.SubjectID != nil {
		out = append(out, fieldChange{field: "subject_id", new: strconv.Itoa(*s.SubjectID)})
	}
	if s.OwnerID != nil {
		out = append(out, fieldChange{field: "owner_id", new: strconv.Itoa(*s.OwnerID)})
	}
	if s.InitiatePerms != nil {
		out = append(out, fieldChange{field: "initiate_perms", new: roleName(*s.InitiatePerms)})
	}
	if s.ProjectDateStart != nil {
		out = append(out, fieldChange{field: "project_date_start", new: s.ProjectDateStart.Format(isoLayout)})
	}
	if s.ProjectDateFinish != nil {
		out = append(out, fieldChange{field: "project_date_finish", new: s.ProjectDateFinish.Format(isoLayout)})
	}
	return out
}

func firstKey(m map[int]bool) int {
	first := 0
	for k := range m {
		if first == 0 || k < first {
			first = k
		}
	}
	return first
}
