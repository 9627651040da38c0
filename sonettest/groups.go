package sonettest

import (
	"path"
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
	id := phpIntval(leafStr(c.p.get(key)))
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
	if n := c.p.get("OWNER_ID"); n != nil && c.admin {
		id := phpIntval(leafStr(n))
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
		id := phpIntval(leafStr(n))
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

// applyFields copies the sent fields into st. On create a bad value is
// "Incorrect input data", on update "Cannot update group".
func (c *call) applyFields(st *gstate, create bool) *apiError {
	bad := sonetErr("Cannot update group")
	if create {
		bad = errIncorrectInput
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
	flag := func(key string, dst *bool) bool {
		n := p.get(key)
		if n == nil {
			return true
		}
		if n.isArr {
			return false
		}
		*dst = n.str == "Y"
		return true
	}
	ok := str("NAME", &g.Name) && str("DESCRIPTION", &g.Description) && str("KEYWORDS", &g.Keywords) &&
		flag("VISIBLE", &g.Visible) && flag("OPENED", &g.Opened) && flag("CLOSED", &g.Closed) &&
		flag("ACTIVE", &g.Active) && flag("PROJECT", &g.Project) && str("INITIATE_PERMS", &g.InitiatePerms)
	if !ok || strings.TrimSpace(g.Name) == "" || !strings.Contains("AEK", g.InitiatePerms) || len(g.InitiatePerms) != 1 {
		return bad
	}
	for key, dst := range map[string]*timeField{"PROJECT_DATE_START": {&g.ProjectDateStart}, "PROJECT_DATE_FINISH": {&g.ProjectDateFinish}} {
		if n := p.get(key); n != nil {
			if !dst.set(leafStr(n), c.s.cfg.loc) || n.isArr {
				return bad
			}
		}
	}
	if n := p.get("SITE_ID"); n != nil {
		if v := leaves(n); len(v) > 0 && v[0] != "" {
			g.SiteID = v[0]
		}
	}
	if n := p.get("SUBJECT_ID"); n != nil {
		id := phpIntval(leafStr(n))
		if id <= 0 {
			return bad
		}
		g.SubjectID, g.SubjectName = id, subjectName(id)
	}
	if n := p.get("SCRUM_MASTER_ID"); n != nil {
		id := phpIntval(leafStr(n))
		if id != 0 && c.s.users[id] == nil {
			return bad
		}
		g.ScrumMasterID = id
		if id != 0 {
			g.Project = true
			if !st.isMember(id) {
				st.setRole(id, RoleModerator)
			}
		}
	}
	return c.applyImage(st)
}

func subjectName(id int) string {
	if id == 1 {
		return "Workgroups"
	}
	return "Subject " + strconv.Itoa(id)
}

// applyImage handles IMAGE_FILE_ID (which wins; 0 removes the avatar) and
// IMAGE ([name, base64] or a bare base64 string; "" removes the avatar).
func (c *call) applyImage(st *gstate) *apiError {
	g := &st.g
	if n := c.p.get("IMAGE_FILE_ID"); n != nil {
		id := phpIntval(leafStr(n))
		if id <= 0 {
			g.ImageFileID, g.ImageURL = 0, ""
			return nil
		}
		g.ImageFileID = id
		g.ImageURL = c.s.URL() + "/disk/showFile/" + strconv.Itoa(id) + "/avatar.png"
		return nil
	}
	n := c.p.get("IMAGE")
	if n == nil {
		return nil
	}
	name, data := "avatar.png", leafStr(n)
	if n.isArr {
		v := n.list()
		if len(v) < 2 || v[0].isArr || v[1].isArr {
			return errBadImage
		}
		name, data = v[0].str, v[1].str
	} else if data == "" {
		g.ImageFileID, g.ImageURL = 0, ""
		return nil
	}
	switch strings.ToLower(path.Ext(name)) {
	case ".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp":
	default:
		return errBadImage
	}
	if data == "" {
		return errBadImage
	}
	g.ImageFileID = c.s.newFileID()
	g.ImageURL = c.s.URL() + "/upload/sonettest/" + strconv.Itoa(g.ImageFileID) + "/" + path.Base(name)
	return nil
}

func (s *Server) newFileID() int {
	s.nextFile++
	return 1000 + s.nextFile
}

func groupGet(c *call) (any, *page, *apiError) {
	adminMode := leafStr(c.p.get("IS_ADMIN")) == "Y"
	conds := []cond(nil)
	if f := c.p.get("FILTER"); f != nil && f.isArr {
		for _, cd := range parseFilter(f, sonetOps) {
			if cd.field != "DESCRIPTION" && cd.field != "KEYWORDS" && cd.field != "NUMBER_OF_MEMBERS" {
				conds = append(conds, cd)
			}
		}
	}
	if n := c.p.get("GROUP_ID"); n != nil {
		conds = append(conds, cond{op: "=", field: "ID", kind: kInt, val: leaf(leafStr(n))})
	}
	order := parseOrder(c.p.get("ORDER"))
	limit := -1
	startStr := leafStr(c.p.get("start"))
	if phpIntval(startStr) < 0 && len(order) == 1 && order[0].field == "ID" {
		// No count wanted and rows come in ID order: the first page is
		// all there is to find (the ID-cursor walk of big lists).
		limit = pageSize
	}
	list := c.s.selectGroups(c, conds, order, adminMode, limit)
	rows, pg := paginate(len(list), startStr)
	out := []obj{}
	for _, st := range list[rows[0]:rows[1]] {
		out = append(out, c.s.groupRow(st))
	}
	return out, pg, nil
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
		{"NAME", g.Name},
		{"DESCRIPTION", nullIfEmpty(g.Description)},
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
