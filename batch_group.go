package sonet

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/b24kit/sonet/internal/wire"
)

// BatchCreateGroup adds a sonet_group.create command; its value is the new
// group's ID. params may set fields from earlier commands (SetParam, Ref).
//
// Docs: https://apidocs.bitrix24.com/api-reference/sonet-group/sonet-group-create.html
func BatchCreateGroup(b *Batch, req *GroupCreateRequest, params ...BatchParam) *BatchCommand[int] {
	return batchTyped(b, "sonet_group.create", req, params, decodeID("sonet_group.create"))
}

// BatchUpdateGroup adds a sonet_group.update command; its value is the ID
// the portal reports. GroupID may be left 0 when params sets GROUP_ID.
//
// Docs: https://apidocs.bitrix24.com/api-reference/sonet-group/sonet-group-update.html
func BatchUpdateGroup(b *Batch, req *GroupUpdateRequest, params ...BatchParam) *BatchCommand[int] {
	const method = "sonet_group.update"
	want := 0 // the ID the answer must name; unknown when a param sets it
	if req != nil && !newGroupIDRequest(0, params).set {
		want = req.GroupID
	}
	decode := decodeID(method)
	return batchTyped(b, method, req, params, func(raw json.RawMessage, m BatchMeta) (int, error) {
		id, err := decode(raw, m)
		if err == nil && want > 0 && id != want {
			// As UpdateGroup: another group's ID does not say this update ran.
			return 0, outcomeUnknown(method, &ResponseError{HTTPStatus: 200, Method: method, Reason: fmt.Sprintf("result %d is not the group's ID %d", id, want), raw: raw})
		}
		return id, err
	})
}

// BatchDeleteGroup adds a sonet_group.delete command; its value is true on
// success. id may be 0 when params sets GROUP_ID.
//
// Docs: https://apidocs.bitrix24.com/api-reference/sonet-group/sonet-group-delete.html
func BatchDeleteGroup(b *Batch, id int, params ...BatchParam) *BatchCommand[bool] {
	return batchTyped(b, "sonet_group.delete", newGroupIDRequest(id, params), params, func(raw json.RawMessage, _ BatchMeta) (bool, error) {
		var ok bool
		if err := decodeResult("sonet_group.delete", &Response{HTTPStatus: 200, Result: raw}, &ok); err != nil {
			return false, outcomeUnknown("sonet_group.delete", err)
		}
		if !ok {
			return false, outcomeUnknown("sonet_group.delete", &ResponseError{HTTPStatus: 200, Method: "sonet_group.delete", Reason: "result is false, want true", raw: raw})
		}
		return true, nil
	})
}

// BatchGetGroup adds a sonet_group.get command for one group; its value is
// the group, and a group that does not exist gives an error matching
// ErrNotFound. id may be 0 when params sets GROUP_ID. On the wire the result
// is a list, so a reference to it names the row: h.Ref(0, "ID").
//
// Docs: https://apidocs.bitrix24.com/api-reference/sonet-group/sonet-group-get.html
func BatchGetGroup(b *Batch, id int, params ...BatchParam) *BatchCommand[*Group] {
	return batchTyped(b, "sonet_group.get", newGroupIDRequest(id, params), params, func(raw json.RawMessage, _ BatchMeta) (*Group, error) {
		var rows groupRows
		if err := decodeResult("sonet_group.get", &Response{HTTPStatus: 200, Result: raw}, &rows); err != nil {
			return nil, err
		}
		groups := []Group(rows)
		for i := range groups {
			if id <= 0 && len(groups) == 1 || groups[i].ID == id {
				return &groups[i], nil
			}
		}
		if len(groups) > 0 {
			return nil, &ResponseError{HTTPStatus: 200, Method: "sonet_group.get", Reason: fmt.Sprintf("asked for group %d, got %d other groups", id, len(groups))}
		}
		return nil, &groupNotFoundError{method: "sonet_group.get", id: id}
	})
}

// BatchListGroups adds a sonet_group.get command for one page; its value is
// the page, with the total and next the portal sent in result_total and
// result_next.
//
// Docs: https://apidocs.bitrix24.com/api-reference/sonet-group/sonet-group-get.html
func BatchListGroups(b *Batch, opts *GroupListOptions, params ...BatchParam) *BatchCommand[*Page[Group]] {
	if opts == nil {
		opts = &GroupListOptions{}
	}
	return batchTyped(b, "sonet_group.get", opts, params, func(raw json.RawMessage, m BatchMeta) (*Page[Group], error) {
		var groups groupRows
		if err := decodeResult("sonet_group.get", &Response{HTTPStatus: 200, Result: raw}, &groups); err != nil {
			return nil, err
		}
		r := &Response{HTTPStatus: 200, Total: m.Total, HasTotal: m.HasTotal, Next: m.Next, HasNext: m.HasNext, Time: m.Time}
		return listPage("sonet_group.get", r, opts.Start, []Group(groups))
	})
}

func decodeID(method string) func(json.RawMessage, BatchMeta) (int, error) {
	return func(raw json.RawMessage, _ BatchMeta) (int, error) {
		var id wire.Int
		// A write answered with something else may still have run (one
		// rule for every write, batch commands included).
		if err := decodeResult(method, &Response{HTTPStatus: 200, Result: raw}, &id); err != nil {
			return 0, outcomeUnknown(method, err)
		}
		if id <= 0 {
			return 0, outcomeUnknown(method, &ResponseError{HTTPStatus: 200, Method: method, Reason: fmt.Sprintf("result %d is not a group ID", id), raw: raw})
		}
		return int(id), nil
	}
}

// groupIDRequest is the GROUP_ID request of delete and get, refused when
// the ID is not positive and no param supplies it.
type groupIDRequest struct {
	GroupID int `url:"GROUP_ID"`
	set     bool
}

func newGroupIDRequest(id int, params []BatchParam) *groupIDRequest {
	r := &groupIDRequest{GroupID: id}
	for _, p := range params {
		r.set = r.set || p.Key == "GROUP_ID"
	}
	return r
}

// Validate implements the check DeleteGroup and GetGroup make.
func (r *groupIDRequest) Validate() error {
	if r.GroupID <= 0 && !r.set {
		return &ValidationError{Field: "GROUP_ID", Reason: fmt.Sprintf("want a positive group ID, got %d", r.GroupID)}
	}
	return nil
}

func batchTyped[T any](b *Batch, method string, req any, params []BatchParam, decode func(json.RawMessage, BatchMeta) (T, error)) *BatchCommand[T] {
	h := newHandle(b, method, decode)
	if b == nil {
		h.err = &ValidationError{Field: "batch", Reason: "nil *Batch"}
		return h
	}
	form, err := encodeWithParams(req, params)
	b.add(method, form, err, h)
	return h
}

// encodeWithParams validates and encodes req with the fields params set
// filled with placeholders, then puts params' values in their place.
func encodeWithParams(req any, params []BatchParam) (wire.Form, error) {
	if len(params) == 0 {
		return encodeRequest(req)
	}
	keys := make(map[string]bool, len(params))
	for _, p := range params {
		if p.Key == "" || strings.ContainsAny(p.Key, "&=") {
			return nil, &ValidationError{Field: "params", Reason: fmt.Sprintf("bad parameter name %q", p.Key)}
		}
		keys[p.Key] = true
	}
	f, err := encodeRequest(withPlaceholders(req, keys))
	if err != nil {
		return nil, err
	}
	out := make(wire.Form, 0, len(f)+len(params))
	placed := map[string]bool{}
	put := func(k string) {
		if placed[k] {
			return
		}
		placed[k] = true
		for _, p := range params {
			if p.Key == k {
				out.Add(k, p.Value)
			}
		}
	}
	for _, pr := range f {
		base, _, _ := strings.Cut(pr.Key, "[")
		switch {
		case keys[pr.Key]:
			put(pr.Key)
		case keys[base]:
			put(base)
		default:
			out = append(out, pr)
		}
	}
	for _, p := range params {
		put(p.Key)
	}
	return out, nil
}

// withPlaceholders returns a copy of a *struct request whose zero fields
// named in keys hold a valid-looking value (1, "x"), so that validation
// passes for fields a later SetParam supplies.
func withPlaceholders(req any, keys map[string]bool) any {
	rv := reflect.ValueOf(req)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return req
	}
	cp := reflect.New(rv.Elem().Type())
	cp.Elem().Set(rv.Elem())
	s := cp.Elem()
	for i := 0; i < s.NumField(); i++ {
		name, _, _ := strings.Cut(s.Type().Field(i).Tag.Get("url"), ",")
		f := s.Field(i)
		if !keys[name] || !f.CanSet() || !f.IsZero() {
			continue
		}
		t := f.Type()
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		var v reflect.Value
		switch {
		case t.Kind() >= reflect.Int && t.Kind() <= reflect.Int64:
			v = reflect.New(t).Elem()
			v.SetInt(1)
		case t == reflect.TypeOf(""):
			v = reflect.ValueOf("x")
		default:
			continue
		}
		if f.Kind() == reflect.Pointer {
			p := reflect.New(t)
			p.Elem().Set(v)
			v = p
		}
		f.Set(v)
	}
	return cp.Interface()
}
