package sonettest

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// leadingFloat is PHP's leading-numeric string with a fraction or exponent.
var leadingFloat = regexp.MustCompile(`^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?`)

type fieldKind int

const (
	kInt fieldKind = iota
	kStr
	kFlag
	kDate
)

// groupFields are the filterable and sortable fields of a group.
var groupFields = map[string]fieldKind{
	"ID": kInt, "NAME": kStr, "OWNER_ID": kInt, "ACTIVE": kFlag, "VISIBLE": kFlag,
	"OPENED": kFlag, "CLOSED": kFlag, "PROJECT": kFlag, "IS_EXTRANET": kFlag,
	"DATE_CREATE": kDate, "DATE_UPDATE": kDate, "DATE_ACTIVITY": kDate,
	"SUBJECT_ID": kInt, "SITE_ID": kStr, "NUMBER_OF_MEMBERS": kInt,
	"DESCRIPTION": kStr, "KEYWORDS": kStr,
}

// Filter key prefixes, longest first so that the first match wins.
var (
	workgroupOps = []string{"!=%", "!%=", "=%", "%=", ">=", "<=", "!=", "!%", ">", "<", "!", "%", "="}
)

type cond struct {
	op, field string
	kind      fieldKind
	val       *pnode
}

// parseFilter turns FILTER keys into conditions. A key whose prefix is not
// one of ops, or whose field is unknown, is dropped silently.
func parseFilter(f *pnode, ops []string) []cond {
	var out []cond
	for _, key := range f.keys {
		op, rest := "", key
		for _, o := range ops {
			if strings.HasPrefix(key, o) {
				op, rest = o, key[len(o):]
				break
			}
		}
		field := strings.ToUpper(rest)
		kind, ok := groupFields[field]
		if !ok {
			continue
		}
		if op == "" {
			op = "="
		}
		out = append(out, cond{op: op, field: field, kind: kind, val: f.kids[key]})
	}
	return out
}

// fieldValue returns a group field as int, string or time.Time.
func fieldValue(st *gstate, field string) any {
	g := &st.g
	switch field {
	case "ID":
		return g.ID
	case "OWNER_ID":
		return g.OwnerID
	case "SUBJECT_ID":
		return g.SubjectID
	case "NUMBER_OF_MEMBERS":
		return st.count("AEK")
	case "NAME":
		return emojiEncode(g.Name) // the column holds the encoded form
	case "DESCRIPTION":
		return emojiEncode(g.Description)
	case "KEYWORDS":
		return g.Keywords
	case "SITE_ID":
		return g.SiteID
	case "ACTIVE":
		return yn(g.Active)
	case "VISIBLE":
		return yn(g.Visible)
	case "OPENED":
		return yn(g.Opened)
	case "CLOSED":
		return yn(g.Closed)
	case "PROJECT":
		return yn(g.Project)
	case "IS_EXTRANET":
		return yn(g.IsExtranet)
	case "DATE_CREATE":
		return g.DateCreate
	case "DATE_UPDATE":
		return g.DateUpdate
	}
	return g.DateActivity
}

func yn(b bool) string {
	if b {
		return "Y"
	}
	return "N"
}

// compareTo compares the field value with a filter value: -1, 0 or 1, and
// false when the value cannot be compared (an unparsable date).
func compareTo(v any, s string, loc *time.Location) (int, bool) {
	switch x := v.(type) {
	case int:
		return cmpInt(x, phpIntval(s)), true
	case time.Time:
		t, ok := parseDate(s, loc)
		if !ok {
			return 0, false
		}
		return cmpInt64(x.Unix(), t.Unix()), true
	case string:
		return strings.Compare(strings.ToLower(x), strings.ToLower(s)), true
	}
	return 0, false
}

func cmpInt(a, b int) int { return cmpInt64(int64(a), int64(b)) }

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// text returns the value as the text the SQL LIKE operators would see.
func text(v any, loc *time.Location) string {
	switch x := v.(type) {
	case int:
		return strconv.Itoa(x)
	case time.Time:
		return isoDate(x, loc)
	}
	return v.(string)
}

func leaves(n *pnode) []string {
	if n == nil {
		return nil
	}
	if !n.isArr {
		return []string{n.str}
	}
	var out []string
	for _, k := range n.list() {
		if !k.isArr {
			out = append(out, k.str)
		}
	}
	return out
}

// match reports whether the group satisfies the condition.
func (c cond) match(st *gstate, loc *time.Location) bool {
	v := fieldValue(st, c.field)
	vals := leaves(c.val)
	eq := func() bool {
		for _, s := range vals {
			if r, ok := compareTo(v, s, loc); ok && r == 0 {
				return true
			}
		}
		return false
	}
	like := func(pattern bool) bool {
		t := strings.ToLower(text(v, loc))
		for _, s := range vals {
			s = strings.ToLower(s)
			if pattern && likeMatch(t, s) || !pattern && strings.Contains(t, s) {
				return true
			}
		}
		return false
	}
	cmp := func(test func(int) bool) bool {
		if len(vals) == 0 {
			return false
		}
		r, ok := compareTo(v, vals[0], loc)
		return ok && test(r)
	}
	between := func() (bool, bool) {
		if c.val == nil || !c.val.isArr || len(vals) < 2 {
			return false, false
		}
		lo, ok1 := compareTo(v, vals[0], loc)
		hi, ok2 := compareTo(v, vals[1], loc)
		return ok1 && ok2 && lo >= 0 && hi <= 0, true
	}
	switch c.op {
	case "=":
		if c.val != nil && c.val.isArr && len(vals) == 0 {
			return true
		}
		return eq()
	case "!", "!=":
		return !eq()
	case ">":
		return cmp(func(r int) bool { return r > 0 })
	case ">=":
		return cmp(func(r int) bool { return r >= 0 })
	case "<":
		return cmp(func(r int) bool { return r < 0 })
	case "<=":
		return cmp(func(r int) bool { return r <= 0 })
	case "><":
		in, ok := between()
		return !ok || in
	case "!><":
		in, ok := between()
		return !ok || !in
	case "%", "?":
		return like(false)
	case "!%":
		return !like(false)
	case "=%", "%=":
		return like(true)
	case "!=%", "!%=":
		return !like(true)
	}
	return true
}

// likeMatch is SQL LIKE with % and _ on lower-cased text.
func likeMatch(t, p string) bool {
	tr, pr := []rune(t), []rune(p)
	var rec func(i, j int) bool
	memo := map[[2]int]bool{}
	rec = func(i, j int) bool {
		if j == len(pr) {
			return i == len(tr)
		}
		key := [2]int{i, j}
		if v, ok := memo[key]; ok {
			return v
		}
		var res bool
		switch pr[j] {
		case '%':
			res = rec(i, j+1) || i < len(tr) && rec(i+1, j)
		case '_':
			res = i < len(tr) && rec(i+1, j+1)
		default:
			res = i < len(tr) && tr[i] == pr[j] && rec(i+1, j+1)
		}
		memo[key] = res
		return res
	}
	return rec(0, 0)
}

type orderKey struct {
	field string
	desc  bool
}

// sortGroups orders groups by keys, ties broken by ID ascending.
func sortGroups(list []*gstate, keys []orderKey) {
	sort.SliceStable(list, func(i, j int) bool {
		for _, k := range keys {
			r := cmpValues(fieldValue(list[i], k.field), fieldValue(list[j], k.field))
			if r != 0 {
				return (r < 0) != k.desc
			}
		}
		return list[i].g.ID < list[j].g.ID
	})
}

func cmpValues(a, b any) int {
	switch x := a.(type) {
	case int:
		return cmpInt(x, b.(int))
	case time.Time:
		return cmpInt64(x.Unix(), b.(time.Time).Unix())
	}
	return strings.Compare(strings.ToLower(a.(string)), strings.ToLower(b.(string)))
}

// parseDate reads ISO-8601 with or without offset, or a bare date (in loc).
func parseDate(s string, loc *time.Location) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// phpInt is PHP's (int) cast of a parameter: a missing one is 0, an array
// is 0 when empty and 1 otherwise (so a batch reference substituted as a
// whole row list reads as ID 1), a string goes through phpIntval.
func phpInt(n *pnode) int {
	switch {
	case n == nil:
		return 0
	case n.isArr:
		if len(n.keys) == 0 {
			return 0
		}
		return 1
	}
	return phpIntval(n.str)
}

// phpIntval converts like PHP 8's (int) cast: optional space, sign, digits;
// a leading number with a fraction or exponent ("75.9", "1e3") is read as
// a float and truncated.
func phpIntval(s string) int {
	s = strings.TrimLeft(s, " \t\n\r\v\f")
	if m := leadingFloat.FindString(s); m != "" && strings.ContainsAny(m, ".eE") {
		f, _ := strconv.ParseFloat(m, 64)
		switch {
		case f >= 1<<62:
			return 1 << 62
		case f <= -(1 << 62):
			return -(1 << 62)
		}
		return int(f)
	}
	i, neg := 0, false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	v := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		if v > (1<<62)/10 {
			break
		}
		v = v*10 + int(s[i]-'0')
	}
	if neg {
		return -v
	}
	return v
}
