package sonettest

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

func groupType(g *Group) string {
	switch {
	case g.ScrumMasterID != 0:
		return "scrum"
	case g.Project:
		return "project"
	}
	return "group"
}

func portalDate(t time.Time, loc *time.Location, layout string) any {
	if t.IsZero() {
		return nil
	}
	return t.In(loc).Format(layout)
}

func scrumResponsible(g *Group) string {
	if g.ScrumMasterID != 0 {
		return "A"
	}
	return ""
}

// memberIDs returns the IDs of the relations whose role is in roles (and,
// when by is not "", that were initiated by by), ascending: the portal
// lists members in user-ID order.
func (st *gstate) memberIDs(roles, by string) []int {
	out := []int{}
	for _, uid := range sortedIDs(st.g.Members) {
		if r := st.g.Members[uid]; r != "" && strings.Contains(roles, string(r)) && (by == "" || st.initiator(uid) == by) {
			out = append(out, uid)
		}
	}
	return out
}

// initiator returns "U" or "G" for a relation, "" when there is none.
func (st *gstate) initiator(uid int) string {
	if _, ok := st.g.Members[uid]; !ok {
		return ""
	}
	if by := st.by[uid]; by != "" {
		return by
	}
	return "G"
}

// searchIndex is the text the portal indexes a group by, as the docs show
// it: name, description, each tag plain and with #, the owner's name.
func (s *Server) searchIndex(g *Group) string {
	parts := []string{shown(g.Name)} // read back through the ORM: decoded
	if g.Description != "" {
		parts = append(parts, shown(g.Description))
	}
	if g.Keywords != "" {
		for _, t := range strings.Split(g.Keywords, ",") {
			t = strings.TrimSpace(t)
			parts = append(parts, t, "#"+t)
		}
	}
	if u := s.users[g.OwnerID]; u != nil && u.Name != "" {
		parts = append(parts, u.Name)
	}
	return strings.Join(parts, " ")
}

// tags are the group's tags in the order the tag table returns them (its
// primary key: group, name), which is alphabetical.
func tags(g *Group) []string {
	out := []string{}
	for _, t := range strings.Split(g.Keywords, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return strings.ToLower(out[i]) < strings.ToLower(out[j]) })
	return out
}

// privacyCode is PRIVACY_TYPE's answer: opened groups are open, visible
// ones closed, the rest secret.
func privacyCode(g *Group) string {
	switch {
	case g.Opened:
		return "open"
	case g.Visible:
		return "closed"
	}
	return "secret"
}

func dialogID(chatID int) string {
	if chatID <= 0 {
		return ""
	}
	return "chat" + strconv.Itoa(chatID)
}

// canInitiate reports whether the caller may invite to the group.
func (c *call) canInitiate(st *gstate) bool {
	return c.admin || st.isMember(c.user) && roleRank(st.role(c.user)) <= roleRank(st.g.InitiatePerms)
}

// relation returns the caller's role and initiator with none as none.
func (c *call) relation(st *gstate, none any) (role, by any) {
	if r := st.role(c.user); r != "" {
		return r, st.initiator(c.user)
	}
	return none, none
}

// additionalData is the mobile-mode block: FEATURES (only when features
// were asked for), ROLE and INITIATED_BY_TYPE ("" without a relation).
// A feature is listed when it is mandatory, or known and the caller is a
// member.
func (c *call) additionalData(st *gstate, params *pnode) obj {
	var o obj
	if fs := leaves(params.get("features")); len(fs) > 0 {
		mandatory := map[string]bool{}
		for _, f := range leaves(params.get("mandatoryFeatures")) {
			mandatory[strings.TrimSpace(f)] = true
		}
		list := []string{}
		for _, f := range fs {
			f = strings.TrimSpace(f)
			if _, known := featureOps[f]; f != "" && (mandatory[f] || known && st.isMember(c.user)) {
				list = append(list, f)
			}
		}
		o = append(o, kv{"FEATURES", list})
	}
	role, by := c.relation(st, "")
	return append(o, kv{"ROLE", role}, kv{"INITIATED_BY_TYPE", by})
}

// workgroupGet serves socialnetwork.api.workgroup.get: the ORM row of the
// group (UPPER_CASE keys in the table's order, numeric IDs, portal-format
// dates, null for empty text), the member lists, then the blocks params
// [select] names (exact, case-sensitive names as the controller compares
// them), NUMBER_OF_MEMBERS_PLURAL and, in mobile mode, ADDITIONAL_DATA.
func workgroupGet(c *call) (any, *page, *apiError) {
	params := c.p.get("params")
	id := phpInt(params.get("groupId"))
	if id <= 0 {
		return nil, nil, &apiError{http.StatusBadRequest, "SONET_CONTROLLER_WORKGROUP_EMPTY", "No value for the workgroup ID was provided."}
	}
	st := c.s.groups[id]
	if st == nil || !c.canSee(st, true) {
		return nil, nil, &apiError{http.StatusBadRequest, "SONET_CONTROLLER_WORKGROUP_NOT_FOUND", "Workgroup not found."}
	}
	g := &st.g
	loc, layout := c.s.cfg.loc, c.s.cfg.dateLayout
	members := st.count("AEK")
	o := obj{
		{"ID", g.ID}, {"ACTIVE", yn(g.Active)}, {"SITE_ID", g.SiteID}, {"SUBJECT_ID", g.SubjectID},
		{"NAME", shown(g.Name)}, {"DESCRIPTION", nullIfEmpty(shown(g.Description))}, {"KEYWORDS", nullIfEmpty(g.Keywords)},
		{"CLOSED", yn(g.Closed)}, {"VISIBLE", yn(g.Visible)}, {"OPENED", yn(g.Opened)},
		{"DATE_CREATE", portalDate(g.DateCreate, loc, layout)}, {"DATE_UPDATE", portalDate(g.DateUpdate, loc, layout)},
		{"DATE_ACTIVITY", portalDate(g.DateActivity, loc, layout)}, {"IMAGE_ID", g.ImageFileID},
		{"AVATAR_TYPE", ""}, {"OWNER_ID", g.OwnerID}, {"INITIATE_PERMS", g.InitiatePerms},
		{"NUMBER_OF_MEMBERS", members}, {"NUMBER_OF_MODERATORS", st.count("AE")},
		{"PROJECT", yn(g.Project)}, {"PROJECT_DATE_START", portalDate(g.ProjectDateStart, loc, layout)},
		{"PROJECT_DATE_FINISH", portalDate(g.ProjectDateFinish, loc, layout)}, {"SEARCH_INDEX", c.s.searchIndex(g)},
		{"LANDING", "N"}, {"SCRUM_OWNER_ID", g.ScrumOwnerID}, {"SCRUM_MASTER_ID", g.ScrumMasterID},
		{"SCRUM_SPRINT_DURATION", g.ScrumSprintDuration}, {"SCRUM_TASK_RESPONSIBLE", scrumResponsible(g)},
		{"TYPE", groupType(g)}, {"MEMBERS", st.memberIDs("AEK", "")}, {"CHAT_ID", g.ChatID},
		{"DIALOG_ID", dialogID(g.ChatID)}, {"ORDINARY_MEMBERS", st.memberIDs("K", "")},
		{"INVITED_MEMBERS", st.memberIDs("Z", "G")}, {"MODERATOR_MEMBERS", st.memberIDs("E", "")},
		{"SITE_IDS", []string{g.SiteID}},
	}
	selected := map[string]bool{}
	for _, s := range leaves(params.get("select")) {
		selected[s] = true
	}
	canModify := c.canManage(st)
	member := st.isMember(c.user)
	blocks := []struct {
		name string
		key  string
		val  func() any
	}{
		{"AVATAR", "AVATAR", func() any { return g.ImageURL }},
		{"OWNER_DATA", "OWNER_DATA", func() any {
			name := ""
			if u := c.s.users[g.OwnerID]; u != nil {
				name = u.Name
			}
			return obj{{"ID", g.OwnerID}, {"PHOTO", nil}, {"FORMATTED_NAME", name}}
		}},
		{"SUBJECT_DATA", "SUBJECT_DATA", func() any { return obj{{"ID", g.SubjectID}, {"NAME", g.SubjectName}} }},
		{"TAGS", "TAGS", func() any { return tags(g) }},
		{"ACTIONS", "ACTIONS", func() any {
			return obj{{"EDIT", canModify}, {"DELETE", canModify}, {"INVITE", c.canInitiate(st)},
				{"JOIN", !member && st.role(c.user) == ""},
				{"LEAVE", member && st.role(c.user) != RoleOwner && c.user != g.ScrumMasterID},
				{"FOLLOW", member}, {"PIN", member}, {"EDIT_FEATURES", canModify}}
		}},
		{"USER_DATA", "USER_DATA", func() any {
			role, by := c.relation(st, false)
			return obj{{"ROLE", role}, {"INITIATED_BY_TYPE", by}, {"IS_SUBSCRIBED", member}}
		}},
		{"DEPARTMENTS", "DEPARTMENTS", func() any { return []int{} }},
		{"PIN", "IS_PIN", func() any { return false }},
		{"PRIVACY_TYPE", "PRIVACY_CODE", func() any { return privacyCode(g) }},
	}
	for _, b := range blocks {
		if selected[b.name] {
			o = append(o, kv{b.key, b.val()})
		}
	}
	if members > 0 {
		o = append(o, kv{"NUMBER_OF_MEMBERS_PLURAL", pluralForm(members)})
	}
	if leafStr(params.get("mode")) == "mobile" {
		o = append(o, kv{"ADDITIONAL_DATA", c.additionalData(st, params)})
	}
	return o, nil, nil
}

// pluralForm is Loc::getPluralForm for English: 0 for one, 1 otherwise.
func pluralForm(n int) int {
	if n == 1 {
		return 0
	}
	return 1
}
