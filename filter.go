package sonet

import (
	"fmt"
	"net/url"
	"strings"
)

// Condition is one filter entry that both list methods, sonet_group.get and
// socialnetwork.api.workgroup.list, honour: an operator-prefixed key and its
// value(s). It goes into a GroupFilter or a WorkgroupFilter.
//
// Build conditions with the methods of the Field constants (FieldName.Like,
// FieldID.GT, ...). Operators and fields only one method honours return a
// GroupCondition (FieldName.Search, FieldDescription.Like, ...) or a
// WorkgroupCondition (FieldName.NotLike, FieldName.LikePattern, ...), so a
// condition the other method would drop or misread does not compile into
// its filter. Where is the raw escape hatch.
//
// sonet_group.get compares text case-insensitively (the database
// collation): FieldName.Eq("alpha") also matches "Alpha".
type Condition struct {
	key       string
	values    []string
	list      bool
	unchecked bool
}

// Key returns the filter key as sent, operator included (">=ID", "%NAME").
func (c Condition) Key() string { return c.key }

// Values returns the value or values the condition sends.
func (c Condition) Values() []string { return append([]string(nil), c.values...) }

func (c Condition) groupCondition() Condition     { return c }
func (c Condition) workgroupCondition() Condition { return c }

// GroupCondition is a filter entry only sonet_group.get honours (the search
// operator "?" and the fields only its GetList knows). It goes into a
// GroupFilter only.
type GroupCondition struct{ c Condition }

// Key returns the filter key as sent, operator included.
func (g GroupCondition) Key() string { return g.c.key }

// Values returns the value or values the condition sends.
func (g GroupCondition) Values() []string { return g.c.Values() }

func (g GroupCondition) groupCondition() Condition { return g.c }

// WorkgroupCondition is a filter entry only socialnetwork.api.workgroup.list
// honours (the ORM operators "!%", "=%" and "!=%", the TYPE field). It goes
// into a WorkgroupFilter only.
type WorkgroupCondition struct{ c Condition }

// Key returns the filter key as sent, operator included.
func (w WorkgroupCondition) Key() string { return w.c.key }

// Values returns the value or values the condition sends.
func (w WorkgroupCondition) Values() []string { return w.c.Values() }

func (w WorkgroupCondition) workgroupCondition() Condition { return w.c }

// Where is the raw escape hatch: a filter key exactly as the portal expects
// it (operator prefix and upper-case field, e.g. "!%NAME") and its value.
// With several values the key is sent as a list (KEY[0], KEY[1], ...).
//
// Before anything is sent, the filter holding it refuses an operator the
// method drops silently and a field the method does not filter on (a
// dropped condition would return every row). To send such a key anyway,
// use WhereUnchecked.
//
// Values go out exactly as given: for NAME and DESCRIPTION, write an emoji
// in the stored form (":f09f9a80:" for 🚀) or use FieldName and
// FieldDescription, which do.
func Where(key string, values ...string) Condition {
	return Condition{key: key, values: values, list: len(values) != 1}
}

// WhereUnchecked is Where without the operator and field check: the key is
// sent even if the method drops it silently, in which case the portal
// answers as if the condition were not there (every row). Use it only for
// a key you know the portal honours and the SDK does not know yet.
func WhereUnchecked(key string, values ...string) Condition {
	c := Where(key, values...)
	c.unchecked = true
	return c
}

func cond(op, field string, values ...string) Condition {
	return Condition{key: op + field, values: storedValues(field, values)}
}

func condList(op, field string, values ...string) Condition {
	return Condition{key: op + field, values: storedValues(field, values), list: true}
}

// storedValues writes values for NAME and DESCRIPTION in the form the
// portal stores and compares (portalForm): both list methods filter the
// encoded column, so FieldName.Eq("🚀 Launch") must send
// ":f09f9a80: Launch" to find the group the SDK reads back as "🚀 Launch".
// Where and WhereUnchecked send values as given.
func storedValues(field string, values []string) []string {
	if field != "NAME" && field != "DESCRIPTION" {
		return values
	}
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = portalForm(v)
	}
	return out
}

// filterRules are the operators and fields a list method honours.
type filterRules struct {
	method string
	ops    map[string]bool
	// opReasons explain operators the method mishandles in a way other
	// than dropping them.
	opReasons map[string]string
	// emptyReasons explain operators whose empty value the method misreads.
	emptyReasons map[string]string
	fields       map[string]bool
	// split cuts a key into operator and field the way the method does.
	split func(key string) (op, field string)
	// check, if set, explains a known operator on a known field that the
	// method still misreads ("" if it reads it as written).
	check func(op, field string, c Condition) string
}

// conditions is the shared body of GroupFilter and WorkgroupFilter.
type conditions []Condition

func (cs conditions) encode(key string, v *url.Values) error {
	for _, c := range cs {
		if len(c.values) == 0 {
			// Only reachable without validation (a raw Call).
			return &ValidationError{Field: key, Reason: fmt.Sprintf("filter key %q has no value", c.key)}
		}
		k := key + "[" + c.key + "]"
		if !c.list {
			v.Set(k, c.values[0])
			continue
		}
		for i, val := range c.values {
			v.Set(k+"["+itoa(i)+"]", val)
		}
	}
	return nil
}

func (cs conditions) keyOrder(key string) []string {
	var keys []string
	for _, c := range cs {
		k := key + "[" + c.key + "]"
		if !c.list {
			keys = append(keys, k)
			continue
		}
		for i := range c.values {
			keys = append(keys, k+"["+itoa(i)+"]")
		}
	}
	return keys
}

func (cs conditions) keys() []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.key
	}
	return out
}

func (cs conditions) validate(field string, rules *filterRules) error {
	seen := make(map[string]bool, len(cs))
	for _, c := range cs {
		if c.key == "" || strings.TrimLeft(c.key, "=!<>%?") == "" {
			return &ValidationError{Field: field, Reason: fmt.Sprintf("filter key %q names no field", c.key)}
		}
		if strings.ContainsAny(c.key, "[]&\x00") {
			// PHP cuts a parameter name at NUL.
			return &ValidationError{Field: field, Reason: fmt.Sprintf("filter key %q contains a bracket, & or NUL", c.key)}
		}
		if len(c.values) == 0 {
			return &ValidationError{Field: field, Reason: fmt.Sprintf("filter key %q has no value", c.key)}
		}
		if seen[c.key] {
			return &ValidationError{Field: field, Reason: fmt.Sprintf("filter key %q appears twice; the portal would keep only the last", c.key)}
		}
		seen[c.key] = true
		if c.unchecked || rules == nil {
			continue
		}
		op, name := rules.split(c.key)
		if why, ok := rules.opReasons[op]; ok {
			return &ValidationError{Field: field, Reason: fmt.Sprintf("%s %s (filter key %q); use WhereUnchecked to send it anyway", rules.method, why, c.key)}
		}
		if !rules.ops[op] {
			return &ValidationError{Field: field, Reason: fmt.Sprintf("%s drops the operator %q of filter key %q silently (it would return every row); use WhereUnchecked to send it anyway", rules.method, op, c.key)}
		}
		if why, ok := rules.emptyReasons[op]; ok {
			for _, v := range c.values {
				if v == "" {
					return &ValidationError{Field: field, Reason: fmt.Sprintf("empty value for filter key %q: %s", c.key, why)}
				}
			}
		}
		if !rules.fields[name] {
			return &ValidationError{Field: field, Reason: fmt.Sprintf("%s does not filter on %q (filter key %q would be ignored and return every row); field names are upper case; use WhereUnchecked to send it anyway", rules.method, name, c.key)}
		}
		if rules.check != nil {
			if why := rules.check(op, name, c); why != "" {
				return &ValidationError{Field: field, Reason: fmt.Sprintf("%s %s (filter key %q); use WhereUnchecked to send it anyway", rules.method, why, c.key)}
			}
		}
	}
	return nil
}

// leadingNonLetters splits a key as sonet_group.get does
// (preg_match('/^([^a-zA-Z]*)(.*)/')): the operator is every character
// before the first ASCII letter.
func leadingNonLetters(key string) (string, string) {
	i := strings.IndexFunc(key, func(r rune) bool { return r < 0x80 && ('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') })
	if i < 0 {
		return key, ""
	}
	return key[:i], key[i:]
}

func setOf(ss ...string) map[string]bool {
	m := make(map[string]bool, len(ss))
	for _, s := range ss {
		m[s] = true
	}
	return m
}

func ints(ns []int) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = itoa(n)
	}
	return out
}

// validateStart checks a list's start offset: the portal reads page
// floor(start/50)+1, so an offset that is not a multiple of 50 would return
// rows from the start of that page, not from the offset asked for.
func validateStart(start int) error {
	if start < 0 {
		return &ValidationError{Field: "start", Reason: fmt.Sprintf("negative offset %d", start)}
	}
	if start%PageSize != 0 {
		return &ValidationError{Field: "start", Reason: fmt.Sprintf("offset %d is not a multiple of %d; the portal would return the page at offset %d", start, PageSize, start/PageSize*PageSize)}
	}
	return nil
}
