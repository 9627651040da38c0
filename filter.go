package sonet

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Condition is one FILTER entry: an operator-prefixed key and its value(s).
// Build conditions with the methods of the Field constants (FieldName.Like,
// FieldID.Between, ...) or with Where for anything the SDK does not type.
type Condition struct {
	key    string
	values []string
	list   bool
}

// Key returns the filter key as sent, operator included (">=ID", "%NAME").
func (c Condition) Key() string { return c.key }

// Values returns the value or values the condition sends.
func (c Condition) Values() []string { return append([]string(nil), c.values...) }

// Where is the raw escape hatch: a filter key exactly as the portal expects it
// (operator prefix and field, e.g. "!%NAME") and its value. With several
// values the key is sent as a list (KEY[0], KEY[1], ...).
func Where(key string, values ...string) Condition {
	return Condition{key: key, values: values, list: len(values) != 1}
}

// Filter is a list of FILTER conditions, sent in the order given. A condition
// key may appear once: PHP would keep only the last of two equal keys.
type Filter []Condition

// GroupFilter is the FILTER of sonet_group.get.
type GroupFilter = Filter

// EncodeValues implements query.Encoder.
func (f Filter) EncodeValues(key string, v *url.Values) error {
	for _, c := range f {
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

// KeyOrder implements wire.KeyOrderer.
func (f Filter) KeyOrder(key string) []string {
	var keys []string
	for _, c := range f {
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

func (f Filter) validate(field string) error {
	seen := make(map[string]bool, len(f))
	for _, c := range f {
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
	}
	return nil
}

func cond(op, field string, values ...string) Condition {
	return Condition{key: op + field, values: values}
}

func condList(op, field string, values ...string) Condition {
	return Condition{key: op + field, values: values, list: true}
}

// IntField is a filterable and sortable integer field.
type IntField string

// StringField is a filterable and sortable text field.
type StringField string

// FlagField is a filterable and sortable Y/N field.
type FlagField string

// TimeField is a filterable and sortable date field. Values are sent as
// ISO-8601 with the offset of the time.Time given.
type TimeField string

// Fields of sonet_group.get, for Filter and Order.
const (
	FieldID           IntField    = "ID"
	FieldName         StringField = "NAME"
	FieldOwnerID      IntField    = "OWNER_ID"
	FieldActive       FlagField   = "ACTIVE"
	FieldVisible      FlagField   = "VISIBLE"
	FieldOpened       FlagField   = "OPENED"
	FieldClosed       FlagField   = "CLOSED"
	FieldDateCreate   TimeField   = "DATE_CREATE"
	FieldDateUpdate   TimeField   = "DATE_UPDATE"
	FieldDateActivity TimeField   = "DATE_ACTIVITY"
	FieldIsExtranet   FlagField   = "IS_EXTRANET"
)

func ints(ns []int) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = itoa(n)
	}
	return out
}

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

// Between matches lo <= field <= hi (operator "><").
func (f IntField) Between(lo, hi int) Condition { return condList("><", string(f), itoa(lo), itoa(hi)) }

// NotBetween matches field outside [lo, hi] (operator "!><").
func (f IntField) NotBetween(lo, hi int) Condition {
	return condList("!><", string(f), itoa(lo), itoa(hi))
}

// Asc sorts by the field, ascending.
func (f IntField) Asc() OrderBy { return OrderBy{string(f), Asc} }

// Desc sorts by the field, descending.
func (f IntField) Desc() OrderBy { return OrderBy{string(f), Desc} }

// Eq matches field = s exactly.
func (f StringField) Eq(s string) Condition { return cond("", string(f), s) }

// In matches field equal to any of ss.
func (f StringField) In(ss ...string) Condition { return condList("", string(f), ss...) }

// NotEq matches field != s (operator "!=").
func (f StringField) NotEq(s string) Condition { return cond("!=", string(f), s) }

// Not matches field != s (operator "!").
func (f StringField) Not(s string) Condition { return cond("!", string(f), s) }

// Like matches field containing s (operator "%", SQL LIKE).
func (f StringField) Like(s string) Condition { return cond("%", string(f), s) }

// NotLike matches field not containing s (operator "!%").
func (f StringField) NotLike(s string) Condition { return cond("!%", string(f), s) }

// Search matches by the portal's string search (operator "?").
func (f StringField) Search(s string) Condition { return cond("?", string(f), s) }

// GT matches field > s.
func (f StringField) GT(s string) Condition { return cond(">", string(f), s) }

// GTE matches field >= s.
func (f StringField) GTE(s string) Condition { return cond(">=", string(f), s) }

// LT matches field < s.
func (f StringField) LT(s string) Condition { return cond("<", string(f), s) }

// LTE matches field <= s.
func (f StringField) LTE(s string) Condition { return cond("<=", string(f), s) }

// Between matches lo <= field <= hi.
func (f StringField) Between(lo, hi string) Condition { return condList("><", string(f), lo, hi) }

// NotBetween matches field outside [lo, hi].
func (f StringField) NotBetween(lo, hi string) Condition { return condList("!><", string(f), lo, hi) }

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

// Between matches from <= field <= to.
func (f TimeField) Between(from, to time.Time) Condition {
	return condList("><", string(f), formatTime(from), formatTime(to))
}

// NotBetween matches field outside [from, to].
func (f TimeField) NotBetween(from, to time.Time) Condition {
	return condList("!><", string(f), formatTime(from), formatTime(to))
}

// Asc sorts by the field, ascending.
func (f TimeField) Asc() OrderBy { return OrderBy{string(f), Asc} }

// Desc sorts by the field, descending.
func (f TimeField) Desc() OrderBy { return OrderBy{string(f), Desc} }

// Direction is a sort direction.
type Direction string

// Sort directions.
const (
	Asc  Direction = "ASC"
	Desc Direction = "DESC"
)

// OrderBy is one sort key. Build it with a field's Asc or Desc method, or as
// a literal for a field the SDK does not type.
type OrderBy struct {
	Field     string
	Direction Direction
}

// Order is an ORDER clause. Its entries are sent in the order given, which is
// the order the portal sorts by.
type Order []OrderBy

// EncodeValues implements query.Encoder.
func (o Order) EncodeValues(key string, v *url.Values) error {
	for _, ob := range o {
		v.Set(key+"["+ob.Field+"]", string(ob.Direction))
	}
	return nil
}

// KeyOrder implements wire.KeyOrderer.
func (o Order) KeyOrder(key string) []string {
	keys := make([]string, len(o))
	for i, ob := range o {
		keys[i] = key + "[" + ob.Field + "]"
	}
	return keys
}

func (o Order) validate(field string) error {
	seen := make(map[string]bool, len(o))
	for _, ob := range o {
		if ob.Field == "" || strings.ContainsAny(ob.Field, "[]&=\x00") {
			return &ValidationError{Field: field, Reason: fmt.Sprintf("bad sort field %q", ob.Field)}
		}
		if ob.Direction != Asc && ob.Direction != Desc {
			return &ValidationError{Field: field, Reason: fmt.Sprintf("sort direction %q for %s is neither ASC nor DESC", ob.Direction, ob.Field)}
		}
		if seen[ob.Field] {
			return &ValidationError{Field: field, Reason: fmt.Sprintf("sort field %s appears twice", ob.Field)}
		}
		seen[ob.Field] = true
	}
	return nil
}
