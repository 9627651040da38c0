package sonet

import (
	"fmt"
	"net/url"
	"strings"
)

// Direction is a sort direction.
type Direction string

// Sort directions.
const (
	Asc  Direction = "ASC"
	Desc Direction = "DESC"
)

// OrderBy is one sort key. Build it with a field's Asc or Desc method, or as
// a literal for a field the SDK does not type (it must still be one the
// method sorts by).
type OrderBy struct {
	Field     string
	Direction Direction
}

// Order is an ORDER clause. Its entries are sent in the order given, which is
// the order the portal sorts by.
type Order []OrderBy

func (o Order) encodeValues(key string, v *url.Values) error {
	for _, ob := range o {
		v.Set(key+"["+ob.Field+"]", string(ob.Direction))
	}
	return nil
}

func (o Order) keyOrder(key string) []string {
	keys := make([]string, len(o))
	for i, ob := range o {
		keys[i] = key + "[" + ob.Field + "]"
	}
	return keys
}

// validate checks the clause; sortable lists the fields the method sorts
// by (sonet_group.get skips any other silently, and with only unknown
// fields sorts by nothing at all).
func (o Order) validate(field, method string, sortable map[string]bool) error {
	seen := make(map[string]bool, len(o))
	for _, ob := range o {
		if ob.Field == "" || strings.ContainsAny(ob.Field, "[]&=\x00") {
			return &ValidationError{Field: field, Reason: fmt.Sprintf("bad sort field %q", ob.Field)}
		}
		if ob.Direction != Asc && ob.Direction != Desc {
			return &ValidationError{Field: field, Reason: fmt.Sprintf("sort direction %q for %s is neither ASC nor DESC", ob.Direction, ob.Field)}
		}
		if sortable != nil && !sortable[ob.Field] {
			return &ValidationError{Field: field, Reason: fmt.Sprintf("%s does not sort by %q (field names are upper case)", method, ob.Field)}
		}
		if seen[ob.Field] {
			return &ValidationError{Field: field, Reason: fmt.Sprintf("sort field %s appears twice", ob.Field)}
		}
		seen[ob.Field] = true
	}
	return nil
}
