package sonettest

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// listColumns maps the ORM fields socialnetwork.api.workgroup.list may
// select to camelCase keys and the values the ORM fetches (strings, nil
// for NULL).
var listColumns = map[string]struct {
	key   string
	value func(st *gstate, loc *time.Location) any
}{
	"ID":                     {"id", func(st *gstate, _ *time.Location) any { return strconv.Itoa(st.g.ID) }},
	"ACTIVE":                 {"active", func(st *gstate, _ *time.Location) any { return yn(st.g.Active) }},
	"SUBJECT_ID":             {"subjectId", func(st *gstate, _ *time.Location) any { return strconv.Itoa(st.g.SubjectID) }},
	"NAME":                   {"name", func(st *gstate, _ *time.Location) any { return shown(st.g.Name) }},
	"DESCRIPTION":            {"description", func(st *gstate, _ *time.Location) any { return nullIfEmpty(shown(st.g.Description)) }},
	"KEYWORDS":               {"keywords", func(st *gstate, _ *time.Location) any { return nullIfEmpty(st.g.Keywords) }},
	"CLOSED":                 {"closed", func(st *gstate, _ *time.Location) any { return yn(st.g.Closed) }},
	"VISIBLE":                {"visible", func(st *gstate, _ *time.Location) any { return yn(st.g.Visible) }},
	"OPENED":                 {"opened", func(st *gstate, _ *time.Location) any { return yn(st.g.Opened) }},
	"PROJECT":                {"project", func(st *gstate, _ *time.Location) any { return yn(st.g.Project) }},
	"LANDING":                {"landing", func(*gstate, *time.Location) any { return "N" }},
	"DATE_CREATE":            {"dateCreate", func(st *gstate, l *time.Location) any { return isoDate(st.g.DateCreate, l) }},
	"DATE_UPDATE":            {"dateUpdate", func(st *gstate, l *time.Location) any { return isoDate(st.g.DateUpdate, l) }},
	"DATE_ACTIVITY":          {"dateActivity", func(st *gstate, l *time.Location) any { return isoDate(st.g.DateActivity, l) }},
	"IMAGE_ID":               {"imageId", func(st *gstate, _ *time.Location) any { return idOrNull(st.g.ImageFileID) }},
	"AVATAR_TYPE":            {"avatarType", func(*gstate, *time.Location) any { return nil }},
	"OWNER_ID":               {"ownerId", func(st *gstate, _ *time.Location) any { return strconv.Itoa(st.g.OwnerID) }},
	"NUMBER_OF_MEMBERS":      {"numberOfMembers", func(st *gstate, _ *time.Location) any { return strconv.Itoa(st.count("AEK")) }},
	"NUMBER_OF_MODERATORS":   {"numberOfModerators", func(st *gstate, _ *time.Location) any { return strconv.Itoa(st.count("AE")) }},
	"INITIATE_PERMS":         {"initiatePerms", func(st *gstate, _ *time.Location) any { return st.g.InitiatePerms }},
	"PROJECT_DATE_START":     {"projectDateStart", func(st *gstate, l *time.Location) any { return isoOrNull(st.g.ProjectDateStart, l) }},
	"PROJECT_DATE_FINISH":    {"projectDateFinish", func(st *gstate, l *time.Location) any { return isoOrNull(st.g.ProjectDateFinish, l) }},
	"SCRUM_OWNER_ID":         {"scrumOwnerId", func(st *gstate, _ *time.Location) any { return strconv.Itoa(st.g.ScrumOwnerID) }},
	"SCRUM_MASTER_ID":        {"scrumMasterId", func(st *gstate, _ *time.Location) any { return strconv.Itoa(st.g.ScrumMasterID) }},
	"SCRUM_SPRINT_DURATION":  {"scrumSprintDuration", func(st *gstate, _ *time.Location) any { return strconv.Itoa(st.g.ScrumSprintDuration) }},
	"SCRUM_TASK_RESPONSIBLE": {"scrumTaskResponsible", func(st *gstate, _ *time.Location) any { return scrumResponsible(&st.g) }},
	"TYPE":                   {"type", func(st *gstate, _ *time.Location) any { return groupType(&st.g) }},
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

// ormValue is a WorkgroupTable field as the ORM sorts it: int, lower-case
// string (MySQL's case-insensitive collation) or time (zero for NULL).
func ormValue(st *gstate, field string) (any, bool) {
	g := &st.g
	switch field {
	case "ID":
		return g.ID, true
	case "SUBJECT_ID":
		return g.SubjectID, true
	case "OWNER_ID":
		return g.OwnerID, true
	case "IMAGE_ID":
		return g.ImageFileID, true
	case "NUMBER_OF_MEMBERS":
		return st.count("AEK"), true
	case "NUMBER_OF_MODERATORS":
		return st.count("AE"), true
	case "SCRUM_OWNER_ID":
		return g.ScrumOwnerID, true
	case "SCRUM_MASTER_ID":
		return g.ScrumMasterID, true
	case "SCRUM_SPRINT_DURATION":
		return g.ScrumSprintDuration, true
	case "DATE_CREATE":
		return g.DateCreate, true
	case "DATE_UPDATE":
		return g.DateUpdate, true
	case "DATE_ACTIVITY":
		return g.DateActivity, true
	case "PROJECT_DATE_START":
		return g.ProjectDateStart, true
	case "PROJECT_DATE_FINISH":
		return g.ProjectDateFinish, true
	}
	s, ok := map[string]string{
		"ACTIVE": yn(g.Active), "SITE_ID": g.SiteID, "NAME": emojiEncode(g.Name), "DESCRIPTION": emojiEncode(g.Description), // sorted as stored
		"KEYWORDS": g.Keywords, "CLOSED": yn(g.Closed), "VISIBLE": yn(g.Visible), "OPENED": yn(g.Opened),
		"AVATAR_TYPE": "", "INITIATE_PERMS": g.InitiatePerms, "PROJECT": yn(g.Project), "LANDING": "N",
		"SCRUM_TASK_RESPONSIBLE": scrumResponsible(g), "TYPE": groupType(g),
	}[field]
	return s, ok
}

// ormError is how the REST layer reports an exception the ORM threw in a
// controller: HTTP 400, the numeric code 0, the message with
// " (internal error)".
func ormError(msg string) *apiError {
	return &apiError{http.StatusBadRequest, "0", msg + " (internal error)"}
}

// parseORMOrder reads workgroup.list's order as Query::setOrder does:
// keys in the order given, a numeric key meaning "sort by the value,
// ascending", a direction that is not ASC or DESC (case-insensitive) or a
// field the table does not have is an error. Field names are matched
// case-insensitively (the tolerant reading; the ORM's own matching is not
// documented). No order means ID ascending, the primary key's order.
func parseORMOrder(n *pnode) ([]orderKey, *apiError) {
	var out []orderKey
	if n != nil && !n.isArr && n.str != "" {
		n = &pnode{isArr: true, keys: []string{"0"}, kids: map[string]*pnode{"0": n}}
	}
	if n != nil && n.isArr {
		for _, k := range n.keys {
			field, dir := k, leafStr(n.kids[k])
			if _, numeric := phpIntKey(k); numeric {
				field, dir = dir, "ASC"
			}
			dir = strings.ToUpper(dir)
			if dir != "ASC" && dir != "DESC" {
				return nil, ormError(`Invalid order "` + dir + `"`)
			}
			f := strings.ToUpper(field)
			if _, ok := ormValue(&gstate{}, f); !ok {
				return nil, ormError("Unknown field definition `" + field + "` (" + field + ") for Bitrix\\Socialnetwork\\Workgroup Entity.")
			}
			out = append(out, orderKey{f, dir == "DESC"})
		}
	}
	if len(out) == 0 {
		out = []orderKey{{"ID", false}}
	}
	return out, nil
}

func sortORM(list []*gstate, keys []orderKey) {
	sort.SliceStable(list, func(i, j int) bool {
		for _, k := range keys {
			a, _ := ormValue(list[i], k.field)
			b, _ := ormValue(list[j], k.field)
			if r := cmpValues(a, b); r != 0 {
				return (r < 0) != k.desc
			}
		}
		return list[i].g.ID < list[j].g.ID
	})
}

// typeCond is a filter on TYPE, which the shared filter code does not know.
type typeCond struct {
	op   string
	vals []string
}

func (t typeCond) match(st *gstate) bool {
	typ := groupType(&st.g)
	any := func(f func(string) bool) bool {
		for _, v := range t.vals {
			if f(strings.ToLower(v)) {
				return true
			}
		}
		return false
	}
	eq := any(func(v string) bool { return v == typ })
	switch t.op {
	case "=", "":
		return eq
	case "!", "!=":
		return !eq
	case "%":
		return any(func(v string) bool { return strings.Contains(typ, v) })
	case "!%":
		return !any(func(v string) bool { return strings.Contains(typ, v) })
	case "=%", "%=":
		return any(func(v string) bool { return likeMatch(typ, v) })
	case "!=%", "!%=":
		return !any(func(v string) bool { return likeMatch(typ, v) })
	}
	if len(t.vals) == 0 {
		return false
	}
	r := strings.Compare(typ, strings.ToLower(t.vals[0]))
	return t.op == ">" && r > 0 || t.op == ">=" && r >= 0 || t.op == "<" && r < 0 || t.op == "<=" && r <= 0
}

// listFilter splits the caller's filter: the exact key SITE_ID is
// replaced by the method's own site filter and IS_EXTRANET is not a field
// of the list, so both are dropped; TYPE is handled here; the rest goes to
// the shared filter code.
func listFilter(f *pnode) ([]cond, []typeCond) {
	if f == nil || !f.isArr {
		return nil, nil
	}
	rest := newArr()
	var types []typeCond
	for _, key := range f.keys {
		op, field := "", key
		for _, o := range workgroupOps {
			if strings.HasPrefix(key, o) {
				op, field = o, key[len(o):]
				break
			}
		}
		switch strings.ToUpper(field) {
		case "TYPE":
			types = append(types, typeCond{op, leaves(f.kids[key])})
			continue
		case "IS_EXTRANET":
			continue
		}
		if key == "SITE_ID" {
			continue
		}
		rest.set(key, f.kids[key])
	}
	return parseFilter(rest, workgroupOps), types
}

// workgroupList serves socialnetwork.api.workgroup.list: rows under
// result.workgroups with camelCase keys and string IDs. The columns come
// in select order with ID appended when missing (only ID when select is
// empty); AVATAR is replaced by IMAGE_ID and AVATAR_TYPE and its URL added
// last; then additionalData (params[mode]=mobile) and dialogId
// (params[shouldSelectDialogId]=Y). The caller's filter is narrowed by the
// rights check (unless an administrator sends params[IS_ADMIN]=Y) and by
// the site (params[siteId], default s1). An order error is raised only
// when some group matched, as the ORM query runs only then.
func workgroupList(c *call) (any, *page, *apiError) {
	params := c.p.get("params")
	adminMode := leafStr(params.get("IS_ADMIN")) == "Y"
	conds, types := listFilter(c.p.get("filter"))
	site := "s1"
	if n := params.get("siteId"); n != nil && !n.isArr {
		site = n.str
	}
	sel := leaves(c.p.get("select"))
	if len(sel) == 0 {
		sel = []string{"ID"}
	}
	original := map[string]bool{}
	hasID := false
	for _, s := range sel {
		original[s] = true
		hasID = hasID || s == "ID"
	}
	if !hasID {
		sel = append(sel, "ID")
	}
	var cols []string
	seen := map[string]bool{}
	for _, s := range sel {
		f := strings.ToUpper(s)
		if s == "AVATAR" || seen[f] {
			continue
		}
		if _, ok := listColumns[f]; ok {
			cols, seen[f] = append(cols, f), true
		}
	}
	if original["AVATAR"] {
		for _, f := range []string{"IMAGE_ID", "AVATAR_TYPE"} {
			if !seen[f] {
				cols, seen[f] = append(cols, f), true
			}
		}
	}
	var list []*gstate
	for _, st := range c.s.selectGroups(c, conds, []orderKey{{"ID", false}}, adminMode, -1) {
		ok := st.g.SiteID == site
		for _, t := range types {
			ok = ok && t.match(st)
		}
		if ok {
			list = append(list, st)
		}
	}
	if len(list) > 0 {
		order, e := parseORMOrder(c.p.get("order"))
		if e != nil {
			return nil, nil, e
		}
		sortORM(list, order)
	}
	rows, pg := paginate(len(list), leafStr(c.p.get("start")))
	mobile := leafStr(params.get("mode")) == "mobile"
	out := []obj{}
	for _, st := range list[rows[0]:rows[1]] {
		var o obj
		for _, f := range cols {
			o = append(o, kv{listColumns[f].key, listColumns[f].value(st, c.s.cfg.loc)})
		}
		if original["AVATAR"] {
			o = append(o, kv{"avatar", st.g.ImageURL})
		}
		if mobile {
			ad := c.additionalData(st, params)
			for i := range ad {
				ad[i].k = map[string]string{"FEATURES": "features", "ROLE": "role", "INITIATED_BY_TYPE": "initiatedByType"}[ad[i].k]
			}
			o = append(o, kv{"additionalData", ad})
		}
		if leafStr(params.get("shouldSelectDialogId")) == "Y" {
			o = append(o, kv{"dialogId", dialogID(st.g.ChatID)})
		}
		out = append(out, o)
	}
	return obj{{"workgroups", out}}, pg, nil
}

// errorCode is the error code as JSON writes it: the REST layer passes an
// exception's integer code through as a number, named codes as strings.
func (e *apiError) errorCode() any {
	if n, err := strconv.Atoi(e.code); err == nil && e.code != "" {
		return n
	}
	return e.code
}
