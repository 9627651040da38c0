package sonet

import "net/url"

// WorkgroupFilterItem is an entry of a WorkgroupFilter: a Condition (both
// list methods honour it), a WorkgroupCondition or a raw Where. A
// GroupCondition (Search, the fields only sonet_group.get knows) is
// not one.
type WorkgroupFilterItem interface {
	workgroupCondition() Condition
}

// WorkgroupFilter is the filter of socialnetwork.api.workgroup.list, sent in
// the order given. Its operators are the ORM's documented ones: "", "=",
// "!", "!=", "<", "<=", ">", ">=", "%", "!%", "=%", "%=", "!=%", "!%=".
// The portal adds a permission check and a site condition of its own, and
// ignores SITE_ID and IS_EXTRANET from the caller, so those fields are
// refused too.
type WorkgroupFilter []WorkgroupFilterItem

func (f WorkgroupFilter) conds() conditions {
	out := make(conditions, len(f))
	for i, it := range f {
		if it != nil {
			out[i] = it.workgroupCondition()
		}
	}
	return out
}

// encodeValues validates the filter first, so a WorkgroupFilter sent
// through Call or BatchCall is refused as ListWorkgroups would refuse it.
func (f WorkgroupFilter) encodeValues(key string, v *url.Values) error {
	if err := f.validate(key); err != nil {
		return err
	}
	return f.conds().encode(key, v)
}

func (f WorkgroupFilter) keyOrder(key string) []string { return f.conds().keyOrder(key) }

func (f WorkgroupFilter) validate(field string) error {
	return f.conds().validate(field, workgroupRules)
}

// workgroupRules are the documented filter operators and fields of
// socialnetwork.api.workgroup.list (docs' filter table; TYPE filters and
// sorts too), plus the group table's text and count columns the ORM
// filters on like any other (DESCRIPTION, KEYWORDS, NUMBER_OF_MEMBERS).
var workgroupRules = &filterRules{
	method: "socialnetwork.api.workgroup.list",
	ops:    setOf("", "=", "!", "!=", "<", "<=", ">", ">=", "%", "!%", "=%", "%=", "!=%", "!%="),
	fields: setOf("ID", "NAME", "OWNER_ID", "ACTIVE", "VISIBLE", "OPENED", "CLOSED", "PROJECT",
		"SUBJECT_ID", "DATE_CREATE", "DATE_UPDATE", "DATE_ACTIVITY", "TYPE",
		"DESCRIPTION", "KEYWORDS", "NUMBER_OF_MEMBERS"),
	split: leadingNonLetters,
}

// WorkgroupTypeField is the TYPE field of socialnetwork.api.workgroup.list
// (group, project, scrum, ...).
type WorkgroupTypeField string

// WorkgroupFilterType filters and sorts socialnetwork.api.workgroup.list by
// the kind of workgroup.
const WorkgroupFilterType WorkgroupTypeField = "TYPE"

func types(ts []WorkgroupType) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = string(t)
	}
	return out
}

// Eq matches workgroups of type t.
func (f WorkgroupTypeField) Eq(t WorkgroupType) WorkgroupCondition {
	return WorkgroupCondition{cond("", string(f), string(t))}
}

// In matches workgroups of any of the types ts.
func (f WorkgroupTypeField) In(ts ...WorkgroupType) WorkgroupCondition {
	return WorkgroupCondition{condList("", string(f), types(ts)...)}
}

// NotEq matches workgroups of any type but t.
func (f WorkgroupTypeField) NotEq(t WorkgroupType) WorkgroupCondition {
	return WorkgroupCondition{cond("!=", string(f), string(t))}
}

// Asc sorts by the field, ascending.
func (f WorkgroupTypeField) Asc() OrderBy { return OrderBy{string(f), Asc} }

// Desc sorts by the field, descending.
func (f WorkgroupTypeField) Desc() OrderBy { return OrderBy{string(f), Desc} }
