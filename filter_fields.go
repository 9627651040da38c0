package sonet

import "time"

// IntField is an integer field both list methods filter and sort on.
type IntField string

// StringField is a text field both list methods filter and sort on. Values
// for NAME go out as the portal stores them, each emoji as ":" + hex + ":"
// (see Group.Name), so FieldName.Eq(g.Name) finds g; a LikePattern "_"
// stands for one stored character, and an emoji is stored as ten.
type StringField string

// FlagField is a Y/N field both list methods filter and sort on.
type FlagField string

// TimeField is a date field both list methods filter and sort on. Values are
// sent as ISO-8601 with the offset of the time.Time given; sonet_group.get
// converts them to the portal's own format (CRestUtil::unConvertDateTime).
type TimeField string

// Fields both sonet_group.get and socialnetwork.api.workgroup.list filter
// and sort on. Fields only one of them knows are GroupField... and
// WorkgroupFilterType constants.
const (
	FieldID           IntField    = "ID"
	FieldName         StringField = "NAME"
	FieldOwnerID      IntField    = "OWNER_ID"
	FieldSubjectID    IntField    = "SUBJECT_ID"
	FieldActive       FlagField   = "ACTIVE"
	FieldVisible      FlagField   = "VISIBLE"
	FieldOpened       FlagField   = "OPENED"
	FieldClosed       FlagField   = "CLOSED"
	FieldProject      FlagField   = "PROJECT"
	FieldDateCreate   TimeField   = "DATE_CREATE"
	FieldDateUpdate   TimeField   = "DATE_UPDATE"
	FieldDateActivity TimeField   = "DATE_ACTIVITY"
)

// Eq matches field = n.
func (f IntField) Eq(n int) Condition { return cond("", string(f), itoa(n)) }

// In matches field equal to any of ns (sent as a list under the plain key).
func (f IntField) In(ns ...int) Condition { return condList("", string(f), ints(ns)...) }

// NotEq matches field != n (operator "!=").
func (f IntField) NotEq(n int) Condition { return cond("!=", string(f), itoa(n)) }

// Not matches field != n (operator "!").
func (f IntField) Not(n int) Condition { return cond("!", string(f), itoa(n)) }

// NotIn matches field equal to none of ns (operator "!" with a list).
func (f IntField) NotIn(ns ...int) Condition { return condList("!", string(f), ints(ns)...) }

// GT matches field > n.
func (f IntField) GT(n int) Condition { return cond(">", string(f), itoa(n)) }

// GTE matches field >= n.
func (f IntField) GTE(n int) Condition { return cond(">=", string(f), itoa(n)) }

// LT matches field < n.
func (f IntField) LT(n int) Condition { return cond("<", string(f), itoa(n)) }

// LTE matches field <= n.
func (f IntField) LTE(n int) Condition { return cond("<=", string(f), itoa(n)) }

// Asc sorts by the field, ascending.
func (f IntField) Asc() OrderBy { return OrderBy{string(f), Asc} }

// Desc sorts by the field, descending.
func (f IntField) Desc() OrderBy { return OrderBy{string(f), Desc} }

// Eq matches field = s. The portal compares text case-insensitively (its
// database collation): FieldName.Eq("alpha") also matches "Alpha".
func (f StringField) Eq(s string) Condition { return cond("", string(f), s) }

// In matches field equal to any of ss (case-insensitively, like Eq).
func (f StringField) In(ss ...string) Condition { return condList("", string(f), ss...) }

// NotEq matches field != s (operator "!=").
func (f StringField) NotEq(s string) Condition { return cond("!=", string(f), s) }

// Not matches field != s (operator "!").
func (f StringField) Not(s string) Condition { return cond("!", string(f), s) }

// Like matches field containing s (operator "%", SQL LIKE '%s%').
func (f StringField) Like(s string) Condition { return cond("%", string(f), s) }

// NotLike matches field not containing s (operator "!%";
// socialnetwork.api.workgroup.list only: sonet_group.get's SQL layer
// ignores the negation of a LIKE and returns the rows that DO contain s).
func (f StringField) NotLike(s string) WorkgroupCondition {
	return WorkgroupCondition{cond("!%", string(f), s)}
}

// GT matches field > s.
func (f StringField) GT(s string) Condition { return cond(">", string(f), s) }

// GTE matches field >= s.
func (f StringField) GTE(s string) Condition { return cond(">=", string(f), s) }

// LT matches field < s.
func (f StringField) LT(s string) Condition { return cond("<", string(f), s) }

// LTE matches field <= s.
func (f StringField) LTE(s string) Condition { return cond("<=", string(f), s) }

// Search matches by the portal's filter syntax (operator "?";
// sonet_group.get only): words separated by spaces, + or & must all occur,
// | separates alternatives, ~ negates a word, parentheses group, "..." or
// '...' is one word: "Alpha|Omega", "report ~draft". Each word is a
// substring test in which % and _ are wildcards; "and", "or" and "not" are
// plain words. A query the portal cannot read (unbalanced parentheses,
// words split by a tab or newline) matches nothing.
func (f StringField) Search(query string) GroupCondition {
	return GroupCondition{cond("?", string(f), query)}
}

// LikePattern matches field LIKE pattern, with the % and _ wildcards
// written by the caller (operator "=%"; socialnetwork.api.workgroup.list
// only: sonet_group.get drops this operator silently).
func (f StringField) LikePattern(pattern string) WorkgroupCondition {
	return WorkgroupCondition{cond("=%", string(f), pattern)}
}

// NotLikePattern matches field NOT LIKE pattern, with the wildcards written
// by the caller (operator "!=%"; socialnetwork.api.workgroup.list only).
func (f StringField) NotLikePattern(pattern string) WorkgroupCondition {
	return WorkgroupCondition{cond("!=%", string(f), pattern)}
}

// Asc sorts by the field, ascending.
func (f StringField) Asc() OrderBy { return OrderBy{string(f), Asc} }

// Desc sorts by the field, descending.
func (f StringField) Desc() OrderBy { return OrderBy{string(f), Desc} }

// Eq matches field = Y (true) or N (false).
func (f FlagField) Eq(b bool) Condition { return cond("", string(f), FlagOf(b).String()) }

// NotEq matches field != Y (true) or N (false).
func (f FlagField) NotEq(b bool) Condition { return cond("!=", string(f), FlagOf(b).String()) }

// Asc sorts by the field, ascending.
func (f FlagField) Asc() OrderBy { return OrderBy{string(f), Asc} }

// Desc sorts by the field, descending.
func (f FlagField) Desc() OrderBy { return OrderBy{string(f), Desc} }

// Eq matches field = t.
func (f TimeField) Eq(t time.Time) Condition { return cond("", string(f), formatTime(t)) }

// NotEq matches field != t.
func (f TimeField) NotEq(t time.Time) Condition { return cond("!=", string(f), formatTime(t)) }

// GT matches field after t.
func (f TimeField) GT(t time.Time) Condition { return cond(">", string(f), formatTime(t)) }

// GTE matches field at or after t.
func (f TimeField) GTE(t time.Time) Condition { return cond(">=", string(f), formatTime(t)) }

// LT matches field before t.
func (f TimeField) LT(t time.Time) Condition { return cond("<", string(f), formatTime(t)) }

// LTE matches field at or before t.
func (f TimeField) LTE(t time.Time) Condition { return cond("<=", string(f), formatTime(t)) }

// Asc sorts by the field, ascending.
func (f TimeField) Asc() OrderBy { return OrderBy{string(f), Asc} }

// Desc sorts by the field, descending.
func (f TimeField) Desc() OrderBy { return OrderBy{string(f), Desc} }
