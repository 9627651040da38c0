package sonet

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// GroupFilterItem is an entry of a GroupFilter: a Condition (both list
// methods honour it), a GroupCondition or a raw Where. A WorkgroupCondition
// (LikePattern, ...) is not one: sonet_group.get would drop it silently.
type GroupFilterItem interface {
	groupCondition() Condition
}

// GroupFilter is the FILTER of sonet_group.get, sent in the order given. A
// key may appear once: PHP would keep only the last of two equal keys.
//
// The portal honours the operators "" and "=" (equal), "!" and "!="
// (not equal), "<", "<=", ">", ">=", "%" (contains) and "?" (search
// syntax), on upper-case field names of CSocNetGroup::GetList. Anything
// else is dropped without an error and every row comes back: its REST layer
// drops other prefixes, and its SQL layer (CSqlUtil) does not know "><" and
// "!><" although the REST layer lets them through, and ignores the "!" of
// "!%" (it returns the rows that DO contain the value). The typed
// conditions cannot express any of these; a raw Where with one is refused
// before sending (WhereUnchecked sends it anyway).
type GroupFilter []GroupFilterItem

func (f GroupFilter) conds() conditions {
	out := make(conditions, len(f))
	for i, it := range f {
		if it != nil {
			out[i] = it.groupCondition()
		}
	}
	return out
}

// encodeValues validates the filter first, so a GroupFilter sent through
// Call or BatchCall is refused as ListGroups would refuse it.
func (f GroupFilter) encodeValues(key string, v *url.Values) error {
	if err := f.validate(key); err != nil {
		return err
	}
	return f.conds().encode(key, v)
}

func (f GroupFilter) keyOrder(key string) []string { return f.conds().keyOrder(key) }

func (f GroupFilter) validate(field string) error { return f.conds().validate(field, groupRules) }

// GroupIntField is an integer field only sonet_group.get filters and sorts
// on (CSocNetGroup::GetList).
type GroupIntField string

// GroupStringField is a text field only sonet_group.get filters and sorts
// on. Comparisons are case-insensitive on the portal. Values for
// DESCRIPTION go out with emoji as the portal stores them, as for
// FieldName.
type GroupStringField string

// GroupRoleField is a role-letter field only sonet_group.get filters and
// sorts on (INITIATE_PERMS, SPAM_PERMS).
type GroupRoleField string

// GroupExtranetField is sonet_group.get's IS_EXTRANET filter. The portal
// turns it into a site condition when the extranet module is installed and
// ignores it otherwise; it honours no operator, so only Eq exists.
type GroupExtranetField string

// Fields only sonet_group.get filters on (its GetList knows more fields than
// the docs list). The fields both methods know are the Field... constants.
// SUBJECT_NAME and the OWNER_ fields filter but do not sort: their Asc and
// Desc are refused by ListGroups (see GroupListOptions.Order).
const (
	FieldDescription        GroupStringField   = "DESCRIPTION"
	FieldKeywords           GroupStringField   = "KEYWORDS"
	FieldSubjectName        GroupStringField   = "SUBJECT_NAME"
	FieldSiteID             GroupStringField   = "SITE_ID"
	FieldOwnerName          GroupStringField   = "OWNER_NAME"
	FieldOwnerLastName      GroupStringField   = "OWNER_LAST_NAME"
	FieldOwnerLogin         GroupStringField   = "OWNER_LOGIN"
	FieldOwnerEmail         GroupStringField   = "OWNER_EMAIL"
	FieldNumberOfMembers    GroupIntField      = "NUMBER_OF_MEMBERS"
	FieldNumberOfModerators GroupIntField      = "NUMBER_OF_MODERATORS"
	FieldImageID            GroupIntField      = "IMAGE_ID"
	FieldInitiatePerms      GroupRoleField     = "INITIATE_PERMS"
	FieldSpamPerms          GroupRoleField     = "SPAM_PERMS"
	FieldIsExtranet         GroupExtranetField = "IS_EXTRANET"
)

// groupRules are the operators and fields sonet_group.get honours: the
// operators CSocNetLogRestService::$arAllowedOperations lets through minus
// those CSqlUtil::GetFilterOperation mangles ("><", "!><": read as ">" on a
// field named "<ID"; "!%": its LIKE branch never applies the negation), and
// the fields of CSocNetGroup::GetList plus IS_EXTRANET, which the REST layer
// converts. PROJECT_DATE_START/FINISH are filterable but not typed: the REST
// layer does not convert their dates from ISO, so they take the portal's
// own date format.
var groupRules = &filterRules{
	method: "sonet_group.get",
	ops:    setOf("", "!", "=", "!=", "<", "<=", ">", ">=", "%", "?"),
	opReasons: map[string]string{
		"><":  "passes the operator \"><\" to its SQL layer, which does not know it and drops the condition",
		"!><": "passes the operator \"!><\" to its SQL layer, which does not know it and drops the condition",
		"!%":  "ignores the negation of \"!%\" and returns the rows that DO contain the value",
	},
	emptyReasons: map[string]string{
		"%": "the portal's SQL then tests the field as a number and matches almost nothing; leave the condition out to match every row",
		"?": "the portal's search then has nothing to read and matches no row; leave the condition out to match every row",
	},
	fields: setOf("ID", "NAME", "DESCRIPTION", "DATE_CREATE", "DATE_UPDATE", "DATE_ACTIVITY",
		"ACTIVE", "VISIBLE", "OPENED", "CLOSED", "SUBJECT_ID", "OWNER_ID", "KEYWORDS", "IMAGE_ID",
		"NUMBER_OF_MEMBERS", "NUMBER_OF_MODERATORS", "INITIATE_PERMS", "SPAM_PERMS", "SUBJECT_NAME",
		"OWNER_NAME", "OWNER_LAST_NAME", "OWNER_LOGIN", "OWNER_EMAIL", "PROJECT",
		"PROJECT_DATE_START", "PROJECT_DATE_FINISH", "SITE_ID", "IS_EXTRANET"),
	split: leadingNonLetters,
	check: groupCheck,
}

// groupNonText are GetList's number and date fields: CSqlUtil compares them
// with "=" whatever "%" or "?" asked for.
var groupNonText = setOf("ID", "SUBJECT_ID", "OWNER_ID", "IMAGE_ID", "NUMBER_OF_MEMBERS",
	"NUMBER_OF_MODERATORS", "DATE_CREATE", "DATE_UPDATE", "DATE_ACTIVITY",
	"PROJECT_DATE_START", "PROJECT_DATE_FINISH")

// groupIntFields are GetList's integer fields; groupFlagFields its Y/N
// fields.
var (
	groupIntFields  = setOf("ID", "SUBJECT_ID", "OWNER_ID", "IMAGE_ID", "NUMBER_OF_MEMBERS", "NUMBER_OF_MODERATORS")
	groupFlagFields = setOf("ACTIVE", "VISIBLE", "OPENED", "CLOSED", "PROJECT")
)

// Date layouts a Where value on a GetList date field may take: ISO-8601
// (DATE_* only, converted by the REST layer) and the portal's own formats.
var (
	isoDateLayouts  = []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02T15:04Z07:00", "2006-01-02T15:04"}
	siteDateLayouts = []string{"02.01.2006 15:04:05", "02.01.2006 15:04", "02.01.2006", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02"}
)

// readableDate reports whether v is a date in one of layouts, NOW (the
// portal's clock) or a batch reference.
func readableDate(v string, layouts []string) bool {
	v = strings.TrimSpace(v)
	if v == "" || strings.EqualFold(v, "NOW") || strings.HasPrefix(v, "$") {
		// "" tests IS NULL (no date), as asked.
		return true
	}
	for _, l := range layouts {
		if _, err := time.Parse(l, v); err == nil {
			return true
		}
	}
	return false
}

// groupCheck explains what sonet_group.get misreads although it keeps the
// operator and knows the field.
func groupCheck(op, field string, c Condition) string {
	switch {
	case field == "IS_EXTRANET":
		// The REST layer turns it into a site condition from the value
		// alone: the operator is ignored ("!" would select the extranet
		// groups), and any value but exactly Y or N adds no condition.
		if op != "" {
			return fmt.Sprintf("ignores the operator %q on IS_EXTRANET and reads it as equal", op)
		}
		if c.list || len(c.values) != 1 || c.values[0] != "Y" && c.values[0] != "N" {
			return "reads IS_EXTRANET only as the single value Y or N and ignores anything else (every row)"
		}
	case (op == "%" || op == "?") && groupNonText[field]:
		return fmt.Sprintf("compares the number or date field %s with = when asked for %q", field, op)
	case groupIntFields[field]:
		// CSqlUtil sends intval(value): "abc" is 0 (matches no group),
		// "12abc" is 12. A batch reference ($result[...]) is replaced
		// before the method runs.
		for _, v := range c.values {
			if _, err := strconv.Atoi(v); err != nil && v != "" && !strings.HasPrefix(v, "$") {
				return fmt.Sprintf("reads the number field %s as intval(%q), not as the value given", field, v)
			}
		}
	case groupFlagFields[field] && !strings.ContainsAny(op, "<>%?"):
		for _, v := range c.values {
			if !strings.EqualFold(v, "Y") && !strings.EqualFold(v, "N") {
				return fmt.Sprintf("stores %s as Y or N; %q would match no group", field, v)
			}
		}
	case field == "PROJECT_DATE_START" || field == "PROJECT_DATE_FINISH":
		// Only DATE_CREATE, DATE_UPDATE and DATE_ACTIVITY pass the REST
		// layer's ISO conversion; SQL reads an ISO value here as NULL.
		for _, v := range c.values {
			if len(v) > 10 && v[10] == 'T' {
				return fmt.Sprintf("does not convert %s from ISO-8601 (the value would match nothing); send the portal's own format, e.g. 02.01.2026 15:04:05", field)
			}
			if !readableDate(v, siteDateLayouts) {
				return fmt.Sprintf("reads %s %q as NULL (it matches nothing); send the portal's own format, e.g. 02.01.2026 15:04:05", field, v)
			}
		}
	case field == "DATE_CREATE" || field == "DATE_UPDATE" || field == "DATE_ACTIVITY":
		// The REST layer converts with strtotime; what it cannot read
		// becomes false, an empty value: IS NULL (negated: every row).
		for _, v := range c.values {
			if !readableDate(v, append(isoDateLayouts, siteDateLayouts...)) {
				return fmt.Sprintf("cannot read the date %q for %s and would test IS NULL instead; use the field's typed methods (ISO-8601)", v, field)
			}
		}
	}
	return ""
}

// groupSortFields are the ORDER keys sonet_group.get sorts by; any other key
// is skipped silently.
var groupSortFields = func() map[string]bool {
	m := setOf()
	for k := range groupRules.fields {
		if k != "IS_EXTRANET" && groupSortReasons[k] == "" {
			m[k] = true
		}
	}
	return m
}()

// groupSortReasons are the GetList fields sonet_group.get does not sort by
// as asked. Unless an administrator sends IS_ADMIN=Y, GetList reads the
// rows the caller may see as a UNION and strips the table prefixes " G.",
// " UG." and " S." from its ORDER BY: SUBJECT_NAME (S.NAME) becomes NAME,
// the group's name, and the owner fields (U.*) are left naming a table the
// UNION's ORDER BY cannot see, an SQL error.
var groupSortReasons = map[string]string{
	"SUBJECT_NAME":    "sorts by the group's NAME instead when permissions are checked (its UNION strips the S. prefix)",
	"OWNER_NAME":      "fails with an SQL error when permissions are checked (its UNION cannot sort by the joined user table)",
	"OWNER_LAST_NAME": "fails with an SQL error when permissions are checked (its UNION cannot sort by the joined user table)",
	"OWNER_LOGIN":     "fails with an SQL error when permissions are checked (its UNION cannot sort by the joined user table)",
	"OWNER_EMAIL":     "fails with an SQL error when permissions are checked (its UNION cannot sort by the joined user table)",
}

func gc(op, field string, values ...string) GroupCondition {
	return GroupCondition{cond(op, field, values...)}
}

func gcList(op, field string, values ...string) GroupCondition {
	return GroupCondition{condList(op, field, values...)}
}

// Eq matches field = n.
func (f GroupIntField) Eq(n int) GroupCondition { return gc("", string(f), itoa(n)) }

// In matches field equal to any of ns.
func (f GroupIntField) In(ns ...int) GroupCondition { return gcList("", string(f), ints(ns)...) }

// NotEq matches field != n.
func (f GroupIntField) NotEq(n int) GroupCondition { return gc("!=", string(f), itoa(n)) }

// NotIn matches field equal to none of ns.
func (f GroupIntField) NotIn(ns ...int) GroupCondition { return gcList("!", string(f), ints(ns)...) }

// GT matches field > n.
func (f GroupIntField) GT(n int) GroupCondition { return gc(">", string(f), itoa(n)) }

// GTE matches field >= n.
func (f GroupIntField) GTE(n int) GroupCondition { return gc(">=", string(f), itoa(n)) }

// LT matches field < n.
func (f GroupIntField) LT(n int) GroupCondition { return gc("<", string(f), itoa(n)) }

// LTE matches field <= n.
func (f GroupIntField) LTE(n int) GroupCondition { return gc("<=", string(f), itoa(n)) }

// Asc sorts by the field, ascending.
func (f GroupIntField) Asc() OrderBy { return OrderBy{string(f), Asc} }

// Desc sorts by the field, descending.
func (f GroupIntField) Desc() OrderBy { return OrderBy{string(f), Desc} }

// Eq matches field = s (case-insensitively).
func (f GroupStringField) Eq(s string) GroupCondition { return gc("", string(f), s) }

// In matches field equal to any of ss.
func (f GroupStringField) In(ss ...string) GroupCondition { return gcList("", string(f), ss...) }

// NotEq matches field != s.
func (f GroupStringField) NotEq(s string) GroupCondition { return gc("!=", string(f), s) }

// Like matches field containing s (operator "%").
func (f GroupStringField) Like(s string) GroupCondition { return gc("%", string(f), s) }

// Search matches by the portal's search syntax (operator "?"); see
// StringField.Search.
func (f GroupStringField) Search(query string) GroupCondition { return gc("?", string(f), query) }

// Asc sorts by the field, ascending.
func (f GroupStringField) Asc() OrderBy { return OrderBy{string(f), Asc} }

// Desc sorts by the field, descending.
func (f GroupStringField) Desc() OrderBy { return OrderBy{string(f), Desc} }

func roles(rs []Role) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r)
	}
	return out
}

// Eq matches field = r.
func (f GroupRoleField) Eq(r Role) GroupCondition { return gc("", string(f), string(r)) }

// In matches field equal to any of rs.
func (f GroupRoleField) In(rs ...Role) GroupCondition { return gcList("", string(f), roles(rs)...) }

// NotEq matches field != r.
func (f GroupRoleField) NotEq(r Role) GroupCondition { return gc("!=", string(f), string(r)) }

// Asc sorts by the field, ascending.
func (f GroupRoleField) Asc() OrderBy { return OrderBy{string(f), Asc} }

// Desc sorts by the field, descending.
func (f GroupRoleField) Desc() OrderBy { return OrderBy{string(f), Desc} }

// Eq matches extranet groups (true) or the others (false).
func (f GroupExtranetField) Eq(b bool) GroupCondition {
	return gc("", string(f), FlagOf(b).String())
}
