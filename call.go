package sonet

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// CallOption adjusts one Call.
type CallOption func(*callConfig)

type callConfig struct{ idempotent bool }

// Idempotent marks a raw Call as safe to repeat (a read, or a write of fixed
// values), so network failures and server faults are retried. Without it a
// Call is treated as a write: only answers that prove the portal did not run
// the call (QUERY_LIMIT_EXCEEDED) are retried.
func Idempotent() CallOption { return func(c *callConfig) { c.idempotent = true } }

// Call calls any REST method by name, with the client's credentials, encoding,
// limits and errors. params may be nil, a struct with `url` tags (encoded by
// go-querystring in PHP bracket syntax), or a map[string]any of nested
// values. If result is not nil the answer's "result" is unmarshalled into it.
// The returned Response carries the raw result, total, next and time.
//
// A Call without Idempotent is a write: a result that does not decode into
// result, or a null result that result cannot hold (anything but a
// *json.RawMessage, a pointer to an interface or a pointer to a pointer),
// is an error matching both ErrBadResponse and ErrOutcomeUnknown (the
// portal may have run it). For a method whose success may be null, pass a
// nil result or one of those.
//
// For sonet_group.get and socialnetwork.api.workgroup.list, a filter given
// as a nested map, a GroupFilter, a WorkgroupFilter or in the list options
// is checked as ListGroups checks it (and sonet_group.get's ORDER, which
// the portal also misreads silently): an operator or field the method
// drops or misreads is a *ValidationError before anything is sent.
// To send such a key anyway, use a GroupFilter (or WorkgroupFilter) holding
// WhereUnchecked.
func (c *Client) Call(ctx context.Context, method string, params any, result any, opts ...CallOption) (*Response, error) {
	var cfg callConfig
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if !methodName.MatchString(method) {
		return nil, &ValidationError{Field: "method", Reason: fmt.Sprintf("%q is not a REST method name", method)}
	}
	if strings.EqualFold(transportSuffix(method), ".xml") {
		return nil, &ValidationError{Field: "method", Reason: fmt.Sprintf("%q asks for an XML answer; the SDK reads JSON: drop the suffix", method)}
	}
	form, err := encodeWire(params)
	if err != nil {
		return nil, encodeError("params", err)
	}
	if err := checkRawListParams(method, params); err != nil {
		return nil, err
	}
	kind := kindWrite
	if cfg.idempotent {
		kind = kindRead
	}
	return c.call(ctx, method, kind, form, result)
}

// checkRawListParams checks a hand-written filter (and sonet_group.get's
// ORDER) given to Call or BatchCall for a list method as a nested map, the
// way GroupFilter,
// WorkgroupFilter and the list options check theirs: an operator or field
// the method drops or misreads is refused before sending. A typed
// GroupFilter or WorkgroupFilter in the map checks itself when encoded (and
// lets WhereUnchecked through); other params are sent as given.
func checkRawListParams(method string, params any) error {
	m, ok := params.(map[string]any)
	if !ok {
		return nil
	}
	var rules *filterRules
	var filterKey, orderKey string
	var sortable map[string]bool
	switch strings.ToLower(strings.TrimSuffix(method, ".json")) {
	case "sonet_group.get":
		rules, filterKey, orderKey, sortable = groupRules, "FILTER", "ORDER", groupSortFields
	case methodWorkgroupList:
		// Its ORM answers an error for a bad order: only the filter is
		// silent.
		rules, filterKey = workgroupRules, "filter"
	default:
		return nil
	}
	if f, ok := rawEntries(m[filterKey]); ok {
		var cs conditions
		// In key order (not a map's): with several bad keys the error
		// names the same one every time.
		for _, k := range slices.Sorted(maps.Keys(f)) {
			v := f[k]
			c := Condition{key: k, list: true}
			switch x := v.(type) {
			case []string:
				c.values = x
			case []any:
				for _, e := range x {
					c.values = append(c.values, fmt.Sprint(e))
				}
			default:
				c.values, c.list = []string{fmt.Sprint(x)}, false
			}
			cs = append(cs, c)
		}
		if err := cs.validate(filterKey, rules); err != nil {
			return err
		}
	}
	if o, ok := rawEntries(m[orderKey]); ok && orderKey != "" {
		for _, k := range slices.Sorted(maps.Keys(o)) {
			dir := Direction(strings.ToUpper(fmt.Sprint(o[k])))
			if why := groupSortReasons[k]; why != "" {
				return &ValidationError{Field: orderKey, Reason: fmt.Sprintf("sonet_group.get %s: sort by %s is refused", why, k)}
			}
			if err := (Order{{Field: k, Direction: dir}}).validate(orderKey, rules.method, sortable); err != nil {
				return err
			}
		}
	}
	return nil
}

// rawEntries returns a hand-written nested map (map[string]any or
// map[string]string) as map[string]any.
func rawEntries(v any) (map[string]any, bool) {
	switch x := v.(type) {
	case map[string]any:
		return x, true
	case map[string]string:
		out := make(map[string]any, len(x))
		for k, s := range x {
			out[k] = s
		}
		return out, true
	}
	return nil, false
}
