package sonettest

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

const portalDateLayout = "01/02/2006 15:04:05"

func groupType(g *Group) string {
	switch {
	case g.ScrumMasterID != 0:
		return "scrum"
	case g.Project:
		return "project"
	}
	return "group"
}

func portalDate(t time.Time, loc *time.Location) any {
	if t.IsZero() {
		return nil
	}
	return t.In(loc).Format(portalDateLayout)
}

func scrumResponsible(g *Group) string {
	if g.ScrumMasterID != 0 {
		return "A"
	}
	return ""
}

// workgroupGet serves socialnetwork.api.workgroup.get: UPPER_CASE keys,
// numeric IDs, portal-format dates. select supports TAGS and AVATAR.
func workgroupGet(c *call) (any, *page, *apiError) {
	params := c.p.get("params")
	id := phpIntval(leafStr(params.get("groupId")))
	if id <= 0 {
		return nil, nil, &apiError{http.StatusBadRequest, "SONET_CONTROLLER_WORKGROUP_EMPTY", "No value for the workgroup ID was provided."}
	}
	st := c.s.groups[id]
	if st == nil || !c.canSee(st, true) {
		return nil, nil, &apiError{http.StatusBadRequest, "SONET_CONTROLLER_WORKGROUP_NOT_FOUND", "Workgroup not found."}
	}
	g := &st.g
	loc := c.s.cfg.loc
	o := obj{
		{"ID", g.ID}, {"ACTIVE", yn(g.Active)}, {"SITE_ID", g.SiteID}, {"SUBJECT_ID", g.SubjectID},
		{"NAME", g.Name}, {"DESCRIPTION", g.Description}, {"KEYWORDS", g.Keywords},
		{"CLOSED", yn(g.Closed)}, {"VISIBLE", yn(g.Visible)}, {"OPENED", yn(g.Opened)},
		{"DATE_CREATE", portalDate(g.DateCreate, loc)}, {"DATE_UPDATE", portalDate(g.DateUpdate, loc)},
		{"DATE_ACTIVITY", portalDate(g.DateActivity, loc)}, {"IMAGE_ID", g.ImageFileID},
		{"AVATAR_TYPE", ""}, {"OWNER_ID", g.OwnerID}, {"INITIATE_PERMS", g.InitiatePerms},
		{"NUMBER_OF_MEMBERS", st.count("AEK")}, {"NUMBER_OF_MODERATORS", st.count("AE")},
		{"PROJECT", yn(g.Project)}, {"PROJECT_DATE_START", portalDate(g.ProjectDateStart, loc)},
		{"PROJECT_DATE_FINISH", portalDate(g.ProjectDateFinish, loc)}, {"SEARCH_INDEX", g.Name},
		{"LANDING", "N"}, {"SCRUM_OWNER_ID", g.ScrumMasterID}, {"SCRUM_SPRINT_DURATION", 0},
		{"SCRUM_TASK_RESPONSIBLE", scrumResponsible(g)}, {"TYPE", groupType(g)},
		{"MEMBERS", st.idsWithRole("AEK")}, {"CHAT_ID", 0}, {"DIALOG_ID", ""},
		{"ORDINARY_MEMBERS", st.idsWithRole("K")}, {"INVITED_MEMBERS", st.idsWithRole("Z")},
		{"MODERATOR_MEMBERS", st.idsWithRole("E")}, {"SITE_IDS", []string{g.SiteID}},
	}
	for _, sel := range leaves(params.get("select")) {
		switch strings.ToUpper(sel) {
		case "TAGS":
			tags := []string{}
			for _, t := range strings.Split(g.Keywords, ",") {
				if t = strings.TrimSpace(t); t != "" {
					tags = append(tags, t)
				}
			}
			o = append(o, kv{"TAGS", tags})
		case "AVATAR":
			o = append(o, kv{"AVATAR", g.ImageURL})
		}
	}
	return o, nil, nil
}

// listColumns maps workgroup.list select fields to camelCase keys and
// string values (nil for null).
var listColumns = []struct {
	field, key string
	value      func(st *gstate, loc *time.Location) any
}{
	{"ID", "id", func(st *gstate, _ *time.Location) any { return strconv.Itoa(st.g.ID) }},
	{"ACTIVE", "active", func(st *gstate, _ *time.Location) any { return yn(st.g.Active) }},
	{"SUBJECT_ID", "subjectId", func(st *gstate, _ *time.Location) any { return strconv.Itoa(st.g.SubjectID) }},
	{"NAME", "name", func(st *gstate, _ *time.Location) any { return st.g.Name }},
	{"DESCRIPTION", "description", func(st *gstate, _ *time.Location) any { return nullIfEmpty(st.g.Description) }},
	{"KEYWORDS", "keywords", func(st *gstate, _ *time.Location) any { return nullIfEmpty(st.g.Keywords) }},
	{"CLOSED", "closed", func(st *gstate, _ *time.Location) any { return yn(st.g.Closed) }},
	{"VISIBLE", "visible", func(st *gstate, _ *time.Location) any { return yn(st.g.Visible) }},
	{"OPENED", "opened", func(st *gstate, _ *time.Location) any { return yn(st.g.Opened) }},
	{"PROJECT", "project", func(st *gstate, _ *time.Location) any { return yn(st.g.Project) }},
	{"LANDING", "landing", func(*gstate, *time.Location) any { return "N" }},
	{"DATE_CREATE", "dateCreate", func(st *gstate, l *time.Location) any { return isoDate(st.g.DateCreate, l) }},
	{"DATE_UPDATE", "dateUpdate", func(st *gstate, l *time.Location) any { return isoDate(st.g.DateUpdate, l) }},
	{"DATE_ACTIVITY", "dateActivity", func(st *gstate, l *time.Location) any { return isoDate(st.g.DateActivity, l) }},
	{"IMAGE_ID", "imageId", func(st *gstate, _ *time.Location) any { return idOrNull(st.g.ImageFileID) }},
	{"AVATAR_TYPE", "avatarType", func(*gstate, *time.Location) any { return nil }},
	{"OWNER_ID", "ownerId", func(st *gstate, _ *time.Location) any { return strconv.Itoa(st.g.OwnerID) }},
	{"NUMBER_OF_MEMBERS", "numberOfMembers", func(st *gstate, _ *time.Location) any { return strconv.Itoa(st.count("AEK")) }},
	{"NUMBER_OF_MODERATORS", "numberOfModerators", func(st *gstate, _ *time.Location) any { return strconv.Itoa(st.count("AE")) }},
	{"INITIATE_PERMS", "initiatePerms", func(st *gstate, _ *time.Location) any { return st.g.InitiatePerms }},
	{"PROJECT_DATE_START", "projectDateStart", func(st *gstate, l *time.Location) any { return isoOrNull(st.g.ProjectDateStart, l) }},
	{"PROJECT_DATE_FINISH", "projectDateFinish", func(st *gstate, l *time.Location) any { return isoOrNull(st.g.ProjectDateFinish, l) }},
	{"SCRUM_OWNER_ID", "scrumOwnerId", func(st *gstate, _ *time.Location) any { return strconv.Itoa(st.g.ScrumMasterID) }},
	{"SCRUM_MASTER_ID", "scrumMasterId", func(st *gstate, _ *time.Location) any { return strconv.Itoa(st.g.ScrumMasterID) }},
	{"SCRUM_SPRINT_DURATION", "scrumSprintDuration", func(*gstate, *time.Location) any { return "0" }},
	{"SCRUM_TASK_RESPONSIBLE", "scrumTaskResponsible", func(st *gstate, _ *time.Location) any { return scrumResponsible(&st.g) }},
	{"TYPE", "type", func(st *gstate, _ *time.Location) any { return groupType(&st.g) }},
	{"AVATAR", "avatar", func(st *gstate, _ *time.Location) any { return st.g.ImageURL }},
}

func idOrNull(id int) any {
	if id == 0 {
		return nil
	}
	return strconv.Itoa(id)
}

func isoOrNull(t time.Time, loc *time.Location) any {
	if t.IsZero() {
		return nil
	}
	return isoDate(t, loc)
}

// workgroupList serves socialnetwork.api.workgroup.list: rows under
// result.workgroups with camelCase keys and string IDs, columns in the
// fixed order above; an empty select gives only id; AVATAR also brings
// imageId and avatarType; start=-1 sends no total.
func workgroupList(c *call) (any, *page, *apiError) {
	params := c.p.get("params")
	adminMode := leafStr(params.get("IS_ADMIN")) == "Y"
	var conds []cond
	if f := c.p.get("filter"); f != nil && f.isArr {
		conds = parseFilter(f, workgroupOps)
	}
	want := map[string]bool{"ID": true}
	for _, s := range leaves(c.p.get("select")) {
		want[strings.ToUpper(s)] = true
	}
	if want["AVATAR"] {
		want["IMAGE_ID"], want["AVATAR_TYPE"] = true, true
	}
	list := c.s.selectGroups(c, conds, parseOrder(c.p.get("order")), adminMode, -1)
	rows, pg := paginate(len(list), leafStr(c.p.get("start")))
	out := []obj{}
	for _, st := range list[rows[0]:rows[1]] {
		var o obj
		for _, col := range listColumns {
			if want[col.field] {
				o = append(o, kv{col.key, col.value(st, c.s.cfg.loc)})
			}
		}
		out = append(out, o)
	}
	return obj{{"workgroups", out}}, pg, nil
}
