package sonettest

import (
	"sort"
	"strconv"
	"strings"
)

// pageSize is the fixed page size of list methods.
const pageSize = 50

// methods maps every supported method (lower case) to its handler; batch is
// handled by the server itself.
var methods map[string]handler

func init() {
	methods = map[string]handler{
		"sonet_group.create":               groupCreate,
		"sonet_group.update":               groupUpdate,
		"sonet_group.delete":               groupDelete,
		"sonet_group.get":                  groupGet,
		"sonet_group.setowner":             groupSetOwner,
		"sonet_group.feature.access":       featureAccess,
		"sonet_group.user.groups":          userGroups,
		"sonet_group.user.get":             userGet,
		"sonet_group.user.add":             userAdd,
		"sonet_group.user.delete":          userDelete,
		"sonet_group.user.update":          userUpdate,
		"sonet_group.user.invite":          userInvite,
		"sonet_group.user.request":         userRequest,
		"socialnetwork.api.workgroup.get":  workgroupGet,
		"socialnetwork.api.workgroup.list": workgroupList,
	}
}

var (
	errIncorrectInput = sonetErr("Incorrect input data")
	errWrongGroupID   = sonetErr("Wrong group ID")
	errGroupNotFound  = sonetErr("Socialnetwork group not found")
	errBadImage       = &apiError{400, "ERROR_IMAGE_ID", "Image is incorrect: Invalid file type"}
)

// canSee reports whether the caller may see the group: admins asking with
// IS_ADMIN=Y see everything, others see visible groups and their own.
func (c *call) canSee(st *gstate, adminMode bool) bool {
	return adminMode && c.admin || st.g.Visible || st.isMember(c.user)
}

// findGroup resolves GROUP_ID (or another key) for write methods.
func (c *call) findGroup(key string) (*gstate, *apiError) {
	id := phpInt(c.p.get(key))
	if id <= 0 {
		return nil, errWrongGroupID
	}
	st := c.s.groups[id]
	if st == nil || !c.canSee(st, true) {
		return nil, errGroupNotFound
	}
	return st, nil
}

// canManage reports whether the caller is the owner or an administrator.
func (c *call) canManage(st *gstate) bool { return c.admin || st.g.OwnerID == c.user }

func groupCreate(c *call) (any, *page, *apiError) {
	name := c.p.get("NAME")
	if name == nil || name.isArr || strings.TrimSpace(name.str) == "" {
		return nil, nil, errIncorrectInput
	}
	st := c.s.newState(NewGroup(name.str))
	st.g.OwnerID = c.user
	// OWNER_ID counts only when positive and sent by an administrator;
	// otherwise the caller owns the group.
	if id := phpInt(c.p.get("OWNER_ID")); id > 0 && c.admin {
		if c.s.users[id] == nil {
			return nil, nil, sonetErr("Cannot create group")
		}
		st.g.OwnerID = id
	}
	st.setRoleBy(st.g.OwnerID, RoleOwner, "U")
	if e := c.applyFields(st, true); e != nil {
		return nil, nil, e
	}
	st.g.ID = c.s.nextGroup
	c.s.nextGroup++
	st.g.DateCreate, st.g.DateUpdate, st.g.DateActivity = c.now, c.now, c.now
	if st.g.ImageURL != "" && st.g.ImageFileID == 0 {
		st.g.ImageFileID = c.s.newFileID()
	}
	c.s.putGroup(st)
	return st.g.ID, nil, nil
}

// managedGroup finds GROUP_ID and checks the caller may manage it;
// denied is the portal's text when not.
func (c *call) managedGroup(denied string) (*gstate, *apiError) {
	st, e := c.findGroup("GROUP_ID")
	if e != nil {
		return nil, e
	}
	if !c.canManage(st) {
		return nil, sonetErr(denied)
	}
	return st, nil
}

func groupUpdate(c *call) (any, *page, *apiError) {
	st, e := c.managedGroup("User has no permissions to update group")
	if e != nil {
		return nil, nil, e
	}
	work := st.clone()
	if e := c.applyFields(work, false); e != nil {
		return nil, nil, e
	}
	if n := c.p.get("OWNER_ID"); n != nil {
		id := phpInt(n)
		if c.s.users[id] == nil {
			return nil, nil, sonetErr("Cannot update group")
		}
		changeOwner(work, id)
	}
	work.g.DateUpdate = c.now
	*st = *work
	return st.g.ID, nil, nil
}

func groupDelete(c *call) (any, *page, *apiError) {
	st, e := c.managedGroup("User has no permissions to delete group")
	if e != nil {
		return nil, nil, e
	}
	c.s.dropGroup(st.g.ID)
	return true, nil, nil
}

// changeOwner makes uid the owner. The previous owner stays in the group as
// an ordinary member, or as moderator when they are the scrum master, as the
// socialnetwork module does.
func changeOwner(st *gstate, uid int) {
	if st.g.OwnerID == uid {
		return
	}
	if _, ok := st.g.Members[st.g.OwnerID]; ok {
		role := RoleMember
		if st.g.OwnerID == st.g.ScrumMasterID {
			role = RoleModerator
		}
		st.g.Members[st.g.OwnerID] = role
	}
	st.g.OwnerID = uid
	st.setRole(uid, RoleOwner)
}

// applyFields copies the sent fields into st with CSocNetGroup::CheckFields'
// rules. A malformed text is "Incorrect input data" on create; a value the
// portal refuses (unknown SUBJECT_ID, SPAM_PERMS not A/E/K/N, INITIATE_PERMS
// not A/E/K on update, unknown OWNER_ID) is "Cannot create group" or
// "Cannot update group". A flag that is neither Y nor N takes the
// default: VISIBLE and ACTIVE Y, OPENED and CLOSED N.
func (c *call) applyFields(st *gstate, create bool) *apiError {
	refused := sonetErr("Cannot update group")
	malformed := refused
	if create {
		refused, malformed = sonetErr("Cannot create group"), errIncorrectInput
	}
	g := &st.g
	p := c.p
	str := func(key string, dst *string) bool {
		n := p.get(key)
		if n == nil {
			return true
		}
		if n.isArr {
			return false
		}
		*dst = n.str
		return true
	}
	if !str("NAME", &g.Name) || !str("DESCRIPTION", &g.Description) || !str("KEYWORDS", &g.Keywords) ||
		strings.TrimSpace(g.Name) == "" {
		return malformed
	}
	for key, dst := range map[string]*bool{"VISIBLE": &g.Visible, "ACTIVE": &g.Active, "OPENED": &g.Opened, "CLOSED": &g.Closed, "PROJECT": &g.Project} {
		if n := p.get(key); n != nil {
			v := leafStr(n)
			switch key {
			case "VISIBLE", "ACTIVE":
				*dst = n.isArr || v != "N"
			default:
				*dst = !n.isArr && v == "Y"
			}
		}
	}
	perm := func(key, allowed string) (string, bool) {
		n := p.get(key)
		if n == nil {
			return "", true
		}
		v := leafStr(n)
		return v, !n.isArr && len(v) == 1 && strings.Contains(allowed, v)
	}
	if v, ok := perm("INITIATE_PERMS", "AEK"); ok && v != "" {
		g.InitiatePerms = v
	} else if !ok && !create {
		return refused
	}
	// On create the REST class replaces a missing or wrong INITIATE_PERMS
	// with the intranet default K, which NewGroup already set.
	if _, ok := perm("SPAM_PERMS", "AEKN"); !ok {
		return refused
	}
	for key, dst := range map[string]*timeField{"PROJECT_DATE_START": {&g.ProjectDateStart}, "PROJECT_DATE_FINISH": {&g.ProjectDateFinish}} {
		if n := p.get(key); n != nil {
			if !dst.set(leafStr(n), c.s.cfg.loc) || n.isArr {
				return malformed
			}
		}
	}
	if n := p.get("SITE_ID"); n != nil {
		if v := leaves(n); len(v) > 0 && v[0] != "" {
			g.SiteID = v[0]
		}
	}
	if n := p.get("SUBJECT_ID"); n != nil || create {
		id := phpInt(n)
		if id <= 0 && create {
			id = 1 // the site's first subject by SORT
		}
		name, ok := c.s.subject(id)
		if !ok {
			return refused
		}
		g.SubjectID, g.SubjectName = id, name
	}
	if n := p.get("SCRUM_MASTER_ID"); n != nil {
		id := phpInt(n)
		if id != 0 && c.s.users[id] == nil {
			return malformed
		}
		g.ScrumMasterID = id
		if id != 0 {
			g.Project = true
			if !st.isMember(id) {
				st.setRole(id, RoleModerator)
			}
			if create && g.ScrumOwnerID == 0 {
				g.ScrumOwnerID = g.OwnerID
			}
		}
	}
	for key, dst := range map[string]*int{"SCRUM_OWNER_ID": &g.ScrumOwnerID, "SCRUM_SPRINT_DURATION": &g.ScrumSprintDuration} {
		if n := p.get(key); n != nil {
			*dst = phpInt(n)
		}
	}
	// Text is stored cut at its first NUL.
	g.Name, g.Description, g.Keywords = cutAtNUL(g.Name), cutAtNUL(g.Description), cutAtNUL(g.Keywords)
	return c.applyImage(st, create)
}

func (s *Server) newFileID() int {
	s.nextFile++
	return 1000 + s.nextFile
}

// selectGroups returns the visible groups matching conds, ordered; with
// limit >= 0 and an order by ID alone, at most limit of them.
func (s *Server) selectGroups(c *call, conds []cond, order []orderKey, adminMode bool, limit int) []*gstate {
	var list []*gstate
	ids := s.ids
	byID := len(order) == 1 && order[0].field == "ID"
	if byID && !order[0].desc {
		// A lower bound on ID skips straight to it (the conditions are
		// still checked below).
		for _, cd := range conds {
			if cd.field != "ID" || cd.val == nil || cd.val.isArr {
				continue
			}
			v, err := strconv.Atoi(strings.TrimSpace(cd.val.str))
			if err != nil {
				continue
			}
			switch cd.op {
			case ">":
				ids = ids[sort.SearchInts(ids, v+1):]
			case ">=":
				ids = ids[sort.SearchInts(ids, v):]
			case "<=": // an upper bound stops there (ID-range scans)
				ids = ids[:sort.SearchInts(ids, v+1)]
			case "<":
				ids = ids[:sort.SearchInts(ids, v)]
			}
		}
	} else if byID {
		ids = make([]int, len(s.ids))
		for i, id := range s.ids {
			ids[len(ids)-1-i] = id
		}
	}
	for _, id := range ids {
		if limit >= 0 && len(list) >= limit {
			break
		}
		st := s.groups[id]
		if !c.canSee(st, adminMode) {
			continue
		}
		ok := true
		for _, cd := range conds {
			if !cd.match(st, s.cfg.loc) {
				ok = false
				break
			}
		}
		if ok {
			list = append(list, st)
		}
	}
	if !byID {
		sortGroups(list, order)
	}
	return list
}

// paginate returns the row range for start and the total/next fields. A
// negative start reads from 0 and sends neither total nor next.
func paginate(total int, startStr string) ([2]int, *page) {
	start := phpIntval(startStr)
	pg := &page{total: total, hasTotal: start >= 0}
	if start < 0 {
		start = 0
	}
	lo, hi := min(start, total), min(start+pageSize, total)
	if pg.hasTotal && start+pageSize < total {
		pg.next, pg.hasNext = start+pageSize, true
	}
	return [2]int{lo, hi}, pg
}

// groupRow renders a group the way sonet_group.get does.
func (s *Server) groupRow(st *gstate) obj {
	g := &st.g
	loc := s.cfg.loc
	o := obj{
		{"ID", strconv.Itoa(g.ID)},
		{"SITE_ID", g.SiteID},
		{"NAME", shown(g.Name)},
		{"DESCRIPTION", nullIfEmpty(shown(g.Description))},
		{"DATE_CREATE", isoDate(g.DateCreate, loc)},
		{"DATE_UPDATE", isoDate(g.DateUpdate, loc)},
		{"ACTIVE", yn(g.Active)},
		{"VISIBLE", yn(g.Visible)},
		{"OPENED", yn(g.Opened)},
		{"CLOSED", yn(g.Closed)},
		{"SUBJECT_ID", strconv.Itoa(g.SubjectID)},
		{"OWNER_ID", strconv.Itoa(g.OwnerID)},
		{"KEYWORDS", nullIfEmpty(g.Keywords)},
		{"NUMBER_OF_MEMBERS", strconv.Itoa(st.count("AEK"))},
		{"DATE_ACTIVITY", isoDate(g.DateActivity, loc)},
		{"SUBJECT_NAME", g.SubjectName},
	}
	if g.ImageURL != "" {
		o = append(o, kv{"IMAGE", g.ImageURL})
	}
	return append(o, kv{"PROJECT", yn(g.Project)}, kv{"IS_EXTRANET", yn(g.IsExtranet)})
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
