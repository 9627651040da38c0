package sonettest

import (
	"sort"
	"strconv"
	"strings"
)

// groupSetOwner: the new owner gets role A and the previous owner stays in
// the group as moderator (E). Caller: the owner or an administrator.
func groupSetOwner(c *call) (any, *page, *apiError) {
	st, e := c.findGroup("GROUP_ID")
	if e != nil {
		return nil, nil, e
	}
	uid := phpInt(c.p.get("USER_ID"))
	if uid <= 0 || c.s.users[uid] == nil {
		return nil, nil, sonetErr("Wrong new owner ID")
	}
	if !c.canManage(st) {
		return nil, nil, sonetErr("User has no permissions to change group owner")
	}
	changeOwner(st, uid)
	st.g.DateUpdate = c.now
	return true, nil, nil
}

// featureOps lists every feature's operations with the lowest role that may
// perform them: "K" member, "E" moderator, "A" owner. Viewing ("V") is also
// open to non-members of a visible, opened group.
var featureOps = map[string]map[string]string{
	"photo":    {"view": "V", "write": "K"},
	"calendar": {"view": "V", "write": "K"},
	"files":    {"view": "V", "write": "K"},
	"tasks": {"view": "V", "view_all": "V", "sort": "E", "create_tasks": "K",
		"edit_tasks": "E", "delete_tasks": "A"},
	"blog": {"view_post": "V", "premoderate_post": "K", "write_post": "K", "moderate_post": "E",
		"full_post": "A", "view_comment": "V", "premoderate_comment": "K", "write_comment": "K",
		"moderate_comment": "E", "full_comment": "A"},
	"forum": {"view": "V", "answer": "K", "newtopic": "K", "full": "A"},
}

// roleRank orders roles from most to least powerful.
func roleRank[T ~string](r T) int {
	return strings.Index("AEKV", string(r))
}

// featureAccess answers false, not an error, for a group that does not
// exist or that the caller cannot see: the REST method checks only that
// GROUP_ID is positive and that FEATURE and OPERATION are known before
// asking CSocNetFeaturesPerms, which says no for such groups.
func featureAccess(c *call) (any, *page, *apiError) {
	id := phpInt(c.p.get("GROUP_ID"))
	if id <= 0 {
		return nil, nil, sonetErr("Wrong socialnetwork group ID")
	}
	ops, ok := featureOps[phpTrim(leafStr(c.p.get("FEATURE")))]
	if !ok {
		return nil, nil, sonetErr("Wrong feature")
	}
	need, ok := ops[phpTrim(leafStr(c.p.get("OPERATION")))]
	if !ok {
		return nil, nil, sonetErr("Wrong operation")
	}
	st := c.s.groups[id]
	if st == nil || !c.canSee(st, false) && !c.admin {
		return false, nil, nil
	}
	if c.admin {
		return true, nil, nil
	}
	role := st.role(c.user)
	if !st.isMember(c.user) {
		return need == "V" && st.g.Visible && st.g.Opened, nil, nil
	}
	return roleRank(role) <= roleRank(need), nil, nil
}

// phpTrim is PHP's trim with its default characters: space, tab, line
// feed, carriage return, NUL and vertical tab (not a form feed, not
// Unicode spaces, which strings.TrimSpace would also cut).
func phpTrim(s string) string { return strings.Trim(s, " \t\n\r\x00\x0b") }

// userGroups lists the caller's memberships (A, E, K) in the order they
// were made (relation ID), as the portal's ORDER BY ID ASC does.
func userGroups(c *call) (any, *page, *apiError) {
	type membership struct{ rel, group int }
	var list []membership
	for id, st := range c.s.groups {
		if st.isMember(c.user) {
			list = append(list, membership{st.rel[c.user], id})
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i].rel < list[j].rel })
	out := []obj{}
	for _, m := range list {
		id, st := m.group, c.s.groups[m.group]
		o := obj{{"GROUP_ID", strconv.Itoa(id)}, {"GROUP_NAME", shown(st.g.Name)}, {"ROLE", st.role(c.user)}}
		if st.g.ImageFileID != 0 {
			o = append(o, kv{"GROUP_IMAGE_ID", strconv.Itoa(st.g.ImageFileID)}, kv{"GROUP_IMAGE", st.g.ImageURL})
		} else {
			o = append(o, kv{"GROUP_IMAGE_ID", nil}, kv{"GROUP_IMAGE", ""})
		}
		if st.g.IsExtranet {
			o = append(o, kv{"IS_EXTRANET", "Y"})
		}
		out = append(out, o)
	}
	return out, nil, nil
}

func userGet(c *call) (any, *page, *apiError) {
	id := phpInt(c.p.get("ID"))
	if id <= 0 {
		return nil, nil, sonetErr("Wrong socialnetwork group ID")
	}
	st := c.s.groups[id]
	if st == nil || !c.canSee(st, true) {
		return nil, nil, errGroupNotFound
	}
	out := []obj{}
	for _, uid := range st.idsWithRole("AEK") {
		if u := c.s.users[uid]; u != nil && !u.Fired {
			out = append(out, obj{{"USER_ID", strconv.Itoa(uid)}, {"ROLE", st.role(uid)}})
		}
	}
	return out, nil, nil
}

// userIDs reads USER_ID as the REST class does: one ID must be positive
// and a list must not be empty (nil otherwise); the entries of a list are
// not checked, so 0, unknown users and duplicates pass here and are
// skipped later by the methods.
func (c *call) userIDs() []int {
	n := c.p.get("USER_ID")
	if n == nil {
		return nil
	}
	if !n.isArr {
		if id := phpIntval(n.str); id > 0 {
			return []int{id}
		}
		return nil
	}
	ids := []int{}
	for _, k := range n.list() {
		if !k.isArr {
			ids = append(ids, phpIntval(k.str))
		}
	}
	if n.len() == 0 {
		return nil
	}
	return ids
}

// memberCall runs the checks of user.add, user.update and user.delete in
// the portal's order: GROUP_ID, administrator, ROLE (update only, checked
// by the caller through role), user IDs, then the group's existence (an
// administrator finds secret groups too).
func (c *call) memberCall(noPerm string, role func() *apiError) (*gstate, []int, *apiError) {
	id := phpInt(c.p.get("GROUP_ID"))
	if id <= 0 {
		return nil, nil, errWrongGroupID
	}
	if !c.admin {
		return nil, nil, sonetErr(noPerm)
	}
	if role != nil {
		if e := role(); e != nil {
			return nil, nil, e
		}
	}
	ids := c.userIDs()
	if ids == nil {
		return nil, nil, sonetErr("Wrong user IDs")
	}
	st := c.s.groups[id]
	if st == nil {
		return nil, nil, errGroupNotFound
	}
	return st, ids, nil
}

// inList reports whether uid is among ids.
func inList(ids []int, uid int) bool {
	for _, id := range ids {
		if id == uid {
			return true
		}
	}
	return false
}

func strIDs(ids []int) []string {
	out := []string{}
	for _, id := range ids {
		out = append(out, strconv.Itoa(id))
	}
	return out
}

// userAdd makes users members (K), added by the group. The IDs are read
// as the portal's user table returns them: ascending, each once, unknown
// users and 0 left out; users with any relation to the group, pending
// requests and invitations included, are skipped.
func userAdd(c *call) (any, *page, *apiError) {
	st, ids, e := c.memberCall("No permissions to add users", nil)
	if e != nil {
		return nil, nil, e
	}
	var done []int
	for _, uid := range sortedIDs(c.s.users) {
		if !inList(ids, uid) || st.role(uid) != "" {
			continue
		}
		st.setRoleBy(uid, RoleMember, "G")
		done = append(done, uid)
	}
	return strIDs(done), nil, nil
}

// userDelete removes the relations (any role, pending ones too) of the
// listed users except the owner and the scrum master, in relation order.
func userDelete(c *call) (any, *page, *apiError) {
	st, ids, e := c.memberCall("No permissions to update users role", nil)
	if e != nil {
		return nil, nil, e
	}
	var done []int
	for _, uid := range append([]int(nil), st.order...) {
		if !inList(ids, uid) || uid == st.g.OwnerID || st.role(uid) == RoleOwner || uid == st.g.ScrumMasterID {
			continue
		}
		st.remove(uid)
		done = append(done, uid)
	}
	return strIDs(done), nil, nil
}

// userUpdate sets role E or K on every listed relation, in relation order,
// skipping the owner and users already in the role. A pending request or
// invitation (Z) is changed too: the REST class does not look at it.
func userUpdate(c *call) (any, *page, *apiError) {
	role := Role(leafStr(c.p.get("ROLE")))
	st, ids, e := c.memberCall("No permissions to update users role", func() *apiError {
		if n := c.p.get("ROLE"); n != nil && !n.isArr && (role == RoleModerator || role == RoleMember) {
			return nil
		}
		return sonetErr("Incorrect role code")
	})
	if e != nil {
		return nil, nil, e
	}
	var done []int
	for _, uid := range st.order {
		r := st.role(uid)
		if !inList(ids, uid) || r == RoleOwner || r == role {
			continue
		}
		st.setRole(uid, role)
		done = append(done, uid)
	}
	return strIDs(done), nil, nil
}

// permittedGroup finds GROUP_ID with the permission check the REST class
// applies to invite and request for every caller, administrators too: a
// secret group the caller is not a member of is not found.
func (c *call) permittedGroup() (*gstate, *apiError) {
	st := c.s.groups[phpInt(c.p.get("GROUP_ID"))]
	if st == nil || !c.canSee(st, false) {
		return nil, errGroupNotFound
	}
	return st, nil
}

// userInvite gives role Z, initiated by the group, to users the caller may
// invite: the caller must be an administrator or hold a role at least as
// high as INITIATE_PERMS (otherwise nobody is invited). Checks run in the
// portal's order: GROUP_ID, USER_ID, then the group (with the permission
// check). The caller, unknown users and users already related to the group
// are skipped.
func userInvite(c *call) (any, *page, *apiError) {
	if phpInt(c.p.get("GROUP_ID")) <= 0 {
		return nil, nil, errWrongGroupID
	}
	ids := c.userIDs()
	if ids == nil {
		return nil, nil, sonetErr("Wrong user IDs")
	}
	st, e := c.permittedGroup()
	if e != nil {
		return nil, nil, e
	}
	done := []int{}
	if !c.admin && (!st.isMember(c.user) || roleRank(st.role(c.user)) > roleRank(st.g.InitiatePerms)) {
		return strIDs(done), nil, nil
	}
	for _, uid := range ids {
		if uid == c.user || c.s.users[uid] == nil || st.role(uid) != "" {
			continue
		}
		st.setRoleBy(uid, RoleRequest, "G")
		done = append(done, uid)
	}
	return strIDs(done), nil, nil
}

// userRequest asks to join as the caller: an opened group takes the caller
// in at once (K), otherwise the request waits (Z); either relation is
// initiated by the user. A caller already related to the group gets
// "Cannot request to join group"; a secret group the caller is not in is
// "Socialnetwork group not found", for administrators too.
func userRequest(c *call) (any, *page, *apiError) {
	if phpInt(c.p.get("GROUP_ID")) <= 0 {
		return nil, nil, errWrongGroupID
	}
	st, e := c.permittedGroup()
	if e != nil {
		return nil, nil, e
	}
	if st.role(c.user) != "" {
		return nil, nil, sonetErr("Cannot request to join group")
	}
	if st.g.Opened {
		st.setRoleBy(c.user, RoleMember, "U")
	} else {
		st.setRoleBy(c.user, RoleRequest, "U")
	}
	return true, nil, nil
}
