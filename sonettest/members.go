package sonettest

import (
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
	uid := phpIntval(leafStr(c.p.get("USER_ID")))
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
func roleRank(r string) int {
	return strings.Index("AEKV", r)
}

func featureAccess(c *call) (any, *page, *apiError) {
	id := phpIntval(leafStr(c.p.get("GROUP_ID")))
	st := c.s.groups[id]
	if id <= 0 || st == nil || !c.canSee(st, true) {
		return nil, nil, sonetErr("Wrong socialnetwork group ID")
	}
	ops, ok := featureOps[leafStr(c.p.get("FEATURE"))]
	if !ok {
		return nil, nil, sonetErr("Wrong feature")
	}
	need, ok := ops[leafStr(c.p.get("OPERATION"))]
	if !ok {
		return nil, nil, sonetErr("Wrong operation")
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

func userGroups(c *call) (any, *page, *apiError) {
	out := []obj{}
	for _, id := range sortedIDs(c.s.groups) {
		st := c.s.groups[id]
		if !st.isMember(c.user) {
			continue
		}
		o := obj{{"GROUP_ID", strconv.Itoa(id)}, {"GROUP_NAME", st.g.Name}, {"ROLE", st.role(c.user)}}
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
	id := phpIntval(leafStr(c.p.get("ID")))
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

// userIDs reads USER_ID (one ID or a list); nil when empty or invalid.
func (c *call) userIDs() []int {
	var ids []int
	for _, s := range leaves(c.p.get("USER_ID")) {
		id := phpIntval(s)
		if id <= 0 {
			return nil
		}
		ids = append(ids, id)
	}
	return ids
}

// memberCall runs the common checks of the member methods: group ID, user
// IDs, group existence and (when adminOnly) administrator rights.
func (c *call) memberCall(adminOnly bool, noPerm string) (*gstate, []int, *apiError) {
	if phpIntval(leafStr(c.p.get("GROUP_ID"))) <= 0 {
		return nil, nil, errWrongGroupID
	}
	ids := c.userIDs()
	if len(ids) == 0 {
		return nil, nil, sonetErr("Wrong user IDs")
	}
	st, e := c.findGroup("GROUP_ID")
	if e != nil {
		return nil, nil, e
	}
	if adminOnly && !c.admin {
		return nil, nil, sonetErr(noPerm)
	}
	return st, ids, nil
}

func strIDs(ids []int) []string {
	out := []string{}
	for _, id := range ids {
		out = append(out, strconv.Itoa(id))
	}
	return out
}

// userAdd makes users members (K). Unknown users and current members are
// skipped; a pending request or invitation (Z) is turned into membership.
func userAdd(c *call) (any, *page, *apiError) {
	st, ids, e := c.memberCall(true, "No permissions to add users")
	if e != nil {
		return nil, nil, e
	}
	var done []int
	for _, uid := range ids {
		// Users with any relation to the group, pending requests and
		// invitations included, are skipped, as the module does.
		if c.s.users[uid] == nil || st.role(uid) != "" {
			continue
		}
		st.setRole(uid, RoleMember)
		done = append(done, uid)
	}
	return strIDs(done), nil, nil
}

// userDelete removes users (any role except the owner and the scrum
// master); users not related to the group are skipped.
func userDelete(c *call) (any, *page, *apiError) {
	st, ids, e := c.memberCall(true, "No permissions to update users role")
	if e != nil {
		return nil, nil, e
	}
	var done []int
	for _, uid := range ids {
		if st.role(uid) == "" || uid == st.g.OwnerID || uid == st.g.ScrumMasterID {
			continue
		}
		st.remove(uid)
		done = append(done, uid)
	}
	return strIDs(done), nil, nil
}

// userUpdate sets role E or K; the owner, non-members and users already in
// the role are skipped.
func userUpdate(c *call) (any, *page, *apiError) {
	st, ids, e := c.memberCall(true, "No permissions to update users role")
	if e != nil {
		return nil, nil, e
	}
	role := leafStr(c.p.get("ROLE"))
	if role != RoleModerator && role != RoleMember {
		return nil, nil, sonetErr("Incorrect role code")
	}
	var done []int
	for _, uid := range ids {
		r := st.role(uid)
		if r == RoleOwner || !st.isMember(uid) || r == role {
			continue
		}
		st.setRole(uid, role)
		done = append(done, uid)
	}
	return strIDs(done), nil, nil
}

// userInvite gives role Z to users the caller may invite: the caller must
// be an administrator or hold a role at least as high as INITIATE_PERMS
// (otherwise nobody is invited). The caller, unknown users and users
// already related to the group are skipped.
func userInvite(c *call) (any, *page, *apiError) {
	st, ids, e := c.memberCall(false, "")
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
		st.setRole(uid, RoleRequest)
		done = append(done, uid)
	}
	return strIDs(done), nil, nil
}

// userRequest asks to join as the caller: an opened group takes the caller
// in at once (K), otherwise the request waits (Z). A caller already related
// to the group gets "Cannot request to join group".
func userRequest(c *call) (any, *page, *apiError) {
	st, e := c.findGroup("GROUP_ID")
	if e != nil {
		return nil, nil, e
	}
	if st.role(c.user) != "" {
		return nil, nil, sonetErr("Cannot request to join group")
	}
	if st.g.Opened {
		st.setRole(c.user, RoleMember)
	} else {
		st.setRole(c.user, RoleRequest)
	}
	return true, nil, nil
}
