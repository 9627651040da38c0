package sonettest

import (
	"sort"
	"strconv"
	"strings"
	"time"
)

// sonet_group.get, modelled on CSocNetLogRestService::getGroup (REST layer),
// CSocNetGroup::GetList (fields, permission UNION, paging) and CSqlUtil
// (operators and SQL semantics), as the package doc describes.

// groupGetOps are the filter prefixes the REST layer lets through
// (CSocNetLogRestService::$arAllowedOperations); a key with any other run
// of leading non-letters is dropped.
var groupGetOps = map[string]bool{"": true, "!": true, "<": true, "<=": true, ">": true, ">=": true,
	"><": true, "!><": true, "?": true, "=": true, "!=": true, "%": true, "!%": true}

// getListFields are the fields of CSocNetGroup::GetList with their SQL type.
// Flags are strings ("Y"/"N") there.
var getListFields = map[string]fieldKind{
	"ID": kInt, "NAME": kStr, "DESCRIPTION": kStr, "DATE_CREATE": kDate, "DATE_UPDATE": kDate,
	"DATE_ACTIVITY": kDate, "ACTIVE": kStr, "VISIBLE": kStr, "OPENED": kStr, "CLOSED": kStr,
	"SUBJECT_ID": kInt, "OWNER_ID": kInt, "KEYWORDS": kStr, "IMAGE_ID": kInt,
	"NUMBER_OF_MEMBERS": kInt, "NUMBER_OF_MODERATORS": kInt, "INITIATE_PERMS": kStr,
	"SPAM_PERMS": kStr, "SUBJECT_NAME": kStr, "OWNER_NAME": kStr, "OWNER_LAST_NAME": kStr,
	"OWNER_LOGIN": kStr, "OWNER_EMAIL": kStr, "PROJECT": kStr, "PROJECT_DATE_START": kDate,
	"PROJECT_DATE_FINISH": kDate, "SITE_ID": kStr,
}

// gcond is one condition as CSqlUtil::PrepareWhere builds it.
type gcond struct {
	neg   bool
	op    string // =, <, <=, >, >=, LIKE, QUERY
	field string
	kind  fieldKind
	vals  []string
	iso   bool // DATE_* value, converted from ISO by the REST layer
	// extranet is set for the IS_EXTRANET condition the REST layer makes.
	extranet *bool
}

// groupGetFilter turns FILTER (and GROUP_ID) into conditions and reports
// whether LOGIC=OR joins them.
func groupGetFilter(f, groupID *pnode) ([]gcond, bool) {
	var out []gcond
	or := false
	entries := map[string]*pnode{}
	var keys []string
	put := func(k string, v *pnode) {
		if _, ok := entries[k]; !ok {
			keys = append(keys, k)
		}
		entries[k] = v
	}
	if f != nil && f.isArr {
		for _, k := range f.keys {
			put(k, f.kids[k])
		}
	}
	// GROUP_ID > 0 replaces the key "ID" (the raw value, not its intval).
	if phpInt(groupID) > 0 {
		put("ID", groupID)
	}
	for _, key := range keys {
		val := entries[key]
		if key == "LOGIC" {
			or = strings.EqualFold(leafStr(val), "OR")
			continue
		}
		op, field := splitLeading(key)
		if !groupGetOps[op] {
			continue
		}
		switch field {
		case "CHECK_PERMISSIONS":
			continue
		case "IS_EXTRANET":
			// The operator is ignored; only the exact strings Y and N count.
			if s := leafStr(val); val != nil && !val.isArr && (s == "Y" || s == "N") {
				b := s == "Y"
				out = append(out, gcond{extranet: &b})
			}
			continue
		}
		c := gcond{op: "="}
		rest := op
		if strings.HasPrefix(rest, "!") {
			c.neg, rest = true, rest[1:]
		}
		switch {
		case strings.HasPrefix(rest, ">="):
			c.op, rest = ">=", rest[2:]
		case strings.HasPrefix(rest, ">"):
			c.op, rest = ">", rest[1:]
		case strings.HasPrefix(rest, "<="):
			c.op, rest = "<=", rest[2:]
		case strings.HasPrefix(rest, "<"):
			c.op, rest = "<", rest[1:]
		case strings.HasPrefix(rest, "%"):
			c.op, rest = "LIKE", rest[1:]
		case strings.HasPrefix(rest, "?"):
			c.op, rest = "QUERY", rest[1:]
		case strings.HasPrefix(rest, "="):
			rest = rest[1:]
		}
		// What is left of the operator belongs to the field name: "><ID"
		// is ">" on the unknown field "<ID" and is dropped.
		c.field = rest + field
		kind, ok := getListFields[c.field]
		if !ok {
			continue
		}
		c.kind = kind
		c.vals = leaves(val)
		if val != nil && val.isArr && len(c.vals) == 0 {
			continue // an empty list adds no condition
		}
		c.iso = field == "DATE_CREATE" || field == "DATE_UPDATE" || field == "DATE_ACTIVITY"
		if c.kind != kStr && (c.op == "LIKE" || c.op == "QUERY") {
			c.op = "="
		}
		out = append(out, c)
	}
	return out, or
}

// splitLeading cuts a key at its first ASCII letter.
func splitLeading(key string) (string, string) {
	for i := 0; i < len(key); i++ {
		if b := key[i] | 0x20; b >= 'a' && b <= 'z' {
			return key[:i], key[i:]
		}
	}
	return key, ""
}

// groupGetValue is a GetList field of a group: int, string, or time.Time
// (zero for NULL).
func (s *Server) groupGetValue(st *gstate, field string) any {
	g := &st.g
	switch field {
	case "IMAGE_ID":
		return g.ImageFileID
	case "NUMBER_OF_MODERATORS":
		return st.count("AE")
	case "INITIATE_PERMS":
		return g.InitiatePerms
	case "SPAM_PERMS":
		return "A" // what sonet_group.create stores when none is given
	case "SUBJECT_NAME":
		return g.SubjectName
	case "OWNER_NAME":
		if u := s.users[g.OwnerID]; u != nil {
			return u.Name
		}
		return ""
	case "OWNER_LAST_NAME", "OWNER_LOGIN", "OWNER_EMAIL":
		return ""
	case "PROJECT_DATE_START":
		return g.ProjectDateStart
	case "PROJECT_DATE_FINISH":
		return g.ProjectDateFinish
	}
	return fieldValue(st, field)
}

// match applies the condition as the SQL CSqlUtil builds would.
func (c gcond) match(s *Server, st *gstate) bool {
	if c.extranet != nil {
		return st.g.IsExtranet == *c.extranet
	}
	v := s.groupGetValue(st, c.field)
	loc := s.cfg.loc
	one := func(val string) bool {
		switch c.kind {
		case kInt:
			n := v.(int)
			r := cmpInt(n, phpIntval(val))
			return c.neg != cmpOp(c.op, r)
		case kDate:
			t := v.(time.Time)
			if val == "" {
				return c.neg != t.IsZero()
			}
			op := c.op
			if op != "<" && op != "<=" && op != ">" && op != ">=" {
				op = "="
			}
			want, ok := parseSiteDate(val, c.iso, loc)
			if strings.EqualFold(strings.TrimSpace(val), "NOW") {
				want, ok = s.cfg.now(), true
			}
			if !ok && c.iso {
				// The REST layer's strtotime gave false, which the SQL
				// layer reads as an empty value: "IS NULL", negated
				// "NOT (IS NULL)".
				return c.neg != t.IsZero()
			}
			if t.IsZero() || !ok {
				// NULL compared to anything is not true, and neither is
				// its negation; an unreadable date is NULL in SQL.
				return c.neg && t.IsZero()
			}
			return c.neg != cmpOp(op, cmpInt64(t.Unix(), want.Unix()))
		}
		str := v.(string)
		if str == "" && (c.field == "DESCRIPTION" || c.field == "KEYWORDS") {
			// Stored as NULL: only IS NULL is true, and any negated
			// comparison ("field IS NULL OR NOT ...").
			if val == "" && strings.Contains(c.op, "=") {
				return !c.neg
			}
			return c.neg && c.op != "LIKE" && c.op != "QUERY"
		}
		switch c.op {
		case "QUERY":
			return searchMatch(str, val) // the negation is never applied
		case "LIKE":
			if val == "" {
				return sqlTruthy(str)
			}
			return strings.Contains(strings.ToLower(str), strings.ToLower(val)) // nor here
		}
		if val == "" && strings.Contains(c.op, "=") {
			return c.neg != (str == "")
		}
		return c.neg != cmpOp(c.op, strings.Compare(strings.ToLower(str), strings.ToLower(val)))
	}
	// Several values: OR, or AND when negated.
	for _, val := range c.vals {
		if one(val) != c.neg {
			return !c.neg
		}
	}
	return c.neg
}

func cmpOp(op string, r int) bool {
	switch op {
	case "<":
		return r < 0
	case "<=":
		return r <= 0
	case ">":
		return r > 0
	case ">=":
		return r >= 0
	}
	return r == 0
}

// sqlTruthy is MySQL's reading of a string as a condition: its leading
// number, non-zero.
func sqlTruthy(s string) bool {
	s = strings.TrimLeft(s, " \t\n\r")
	end := 0
	for end < len(s) && (s[end] >= '0' && s[end] <= '9' || s[end] == '.' || end == 0 && (s[end] == '-' || s[end] == '+')) {
		end++
	}
	f, err := strconv.ParseFloat(s[:end], 64)
	return err == nil && f != 0
}

// parseSiteDate reads a filter date. DATE_* values pass the REST layer's
// ISO conversion first (CRestUtil::unConvertDateTime), so ISO-8601 works
// there; every datetime field takes the site format (DD.MM.YYYY
// HH:MI:SS) and the database's own YYYY-MM-DD HH:MI[:SS].
func parseSiteDate(s string, iso bool, loc *time.Location) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if iso {
		for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02T15:04Z07:00", "2006-01-02T15:04"} {
			if t, err := time.ParseInLocation(layout, s, loc); err == nil {
				return t, true
			}
		}
	}
	for _, layout := range []string{"02.01.2006 15:04:05", "02.01.2006 15:04", "02.01.2006",
		"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func groupGet(c *call) (any, *page, *apiError) {
	s := c.s
	adminMode := leafStr(c.p.get("IS_ADMIN")) == "Y"
	conds, or := groupGetFilter(c.p.get("FILTER"), c.p.get("GROUP_ID"))
	order := groupGetOrder(c.p.get("ORDER"))
	if !(adminMode && c.admin) {
		// GetList reads a caller's groups as a UNION and strips " S."
		// from its ORDER BY: SUBJECT_NAME (S.NAME) sorts by NAME.
		for i := range order {
			if order[i].field == "SUBJECT_NAME" {
				order[i].field = "NAME"
			}
		}
	}
	start := phpIntval(leafStr(c.p.get("start")))
	if n := c.p.get("start"); n != nil && n.isArr && len(n.keys) > 0 {
		start = 1 // PHP's intval of a non-empty array
	}
	byID := len(order) == 0 || len(order) == 1 && order[0].field == "ID"
	desc := len(order) == 1 && order[0].desc
	// The ID-cursor walk (ID ascending, a lower bound on ID, start=-1)
	// seeks instead of reading every group.
	ids := s.ids
	if byID && !desc && !or {
		ids = seekIDs(ids, conds)
	}
	limit := -1
	if start < 0 && byID {
		limit = pageSize
	}
	var list []*gstate
	for i := range ids {
		if limit >= 0 && len(list) >= limit {
			break
		}
		id := ids[i]
		if byID && desc {
			id = ids[len(ids)-1-i]
		}
		st := s.groups[id]
		if !c.canSee(st, adminMode) || !matchAll(s, st, conds, or) {
			continue
		}
		list = append(list, st)
	}
	if !byID {
		sort.SliceStable(list, func(i, j int) bool {
			for _, k := range order {
				r := cmpValues(s.groupGetValue(list[i], k.field), s.groupGetValue(list[j], k.field))
				if r != 0 {
					return (r < 0) != k.desc
				}
			}
			return list[i].g.ID < list[j].g.ID
		})
	}
	lo, hi, pg := navPage(len(list), start)
	out := []obj{}
	for _, st := range list[lo:hi] {
		out = append(out, s.groupRow(st))
	}
	return out, pg, nil
}

func matchAll(s *Server, st *gstate, conds []gcond, or bool) bool {
	if len(conds) == 0 {
		return true
	}
	for _, cd := range conds {
		if cd.match(s, st) == or {
			return or
		}
	}
	return !or
}
