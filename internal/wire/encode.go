// Package wire turns request values into Bitrix24's form encoding (PHP bracket
// syntax) and decodes the loosely typed JSON the portal answers with.
//
// One encoder serves direct calls and batch commands alike, so what a batch
// command carries is byte for byte what the same call would send on its own.
package wire

import (
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-querystring/query"
)

// ISOLayout is how dates go on the wire: ISO-8601 with an explicit numeric
// offset, never "Z".
const ISOLayout = "2006-01-02T15:04:05-07:00"

// KeyOrderer may be implemented by a go-querystring Encoder from outside
// the SDK (the sonet command's ordered parameters) whose keys must go out in
// a given order: KeyOrder returns the keys the value wrote under name, in
// the order they must be sent. The SDK's own types use Own instead.
type KeyOrderer interface {
	KeyOrder(name string) []string
}

// Encode encodes a request for the wire. v may be:
//   - nil: an empty form;
//   - a Form: used as it is;
//   - a struct or pointer to struct with `url` tags: encoded by go-querystring,
//     then put in field order with slices written as NAME[0], NAME[1]...;
//   - a map[string]any (or map[string]string): nested PHP arrays, keys sorted.
//
// Every key and value is then checked with Check: a string the portal
// cannot store is refused, whatever path it came by.
func Encode(v any) (Form, error) { return EncodeOwn(v, nil) }

// Own encodes the values of the caller's own field types (the SDK's flags,
// filters, ORDER, IMAGE...), so that those types need no exported
// EncodeValues or KeyOrder method: for a struct field or raw-map value v
// under key it returns the pairs to send, in order, and true; false for a
// value it does not handle. It is never called with a nil pointer.
type Own func(key string, v any) (Form, bool, error)

// EncodeOwn is Encode with own asked first for every struct field and
// raw-map value.
func EncodeOwn(v any, own Own) (Form, error) {
	f, err := encode(v, own)
	if err != nil {
		return nil, err
	}
	if err := f.Check(); err != nil {
		return nil, err
	}
	return f, nil
}

func encode(v any, own Own) (Form, error) {
	switch t := v.(type) {
	case nil:
		return nil, nil
	case Form:
		return t, nil
	case map[string]any:
		var f Form
		if err := encodeAny(&f, "", t, own); err != nil {
			return nil, err
		}
		return f, nil
	case map[string]string:
		var f Form
		for _, k := range sortedKeys(t) {
			f.Add(k, t[k])
		}
		return f, nil
	}
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil, nil
		}
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return nil, fmt.Errorf("wire: cannot encode %T: want a struct with url tags, a map[string]any or nil", v)
	}
	vals, err := query.Values(rv.Interface())
	if err != nil {
		return nil, err
	}
	f := make(Form, 0, len(vals)+4)
	done := make(map[string]bool, len(vals))
	emit := func(k string) {
		if done[k] {
			return
		}
		for _, val := range vals[k] {
			f.Add(k, val)
		}
		done[k] = true
	}
	rt := rv.Type()
	for i := 0; i < rt.NumField(); i++ {
		sf := rt.Field(i)
		if !sf.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(sf.Tag.Get("url"), ",")
		if name == "-" || name == "" {
			continue
		}
		fv := rv.Field(i)
		if own != nil && !isNilPointer(fv) {
			pairs, ok, err := own(name, fv.Interface())
			if err != nil {
				return nil, err
			}
			if ok {
				// What go-querystring made of the field is replaced.
				for k := range vals {
					if k == name || strings.HasPrefix(k, name+"[") {
						done[k] = true
					}
				}
				f = append(f, pairs...)
				continue
			}
		}
		if ko, ok := fv.Interface().(KeyOrderer); ok && !isNilPointer(fv) {
			for _, k := range ko.KeyOrder(name) {
				emit(k)
			}
			continue
		}
		for fv.Kind() == reflect.Pointer && !fv.IsNil() {
			fv = fv.Elem()
		}
		switch {
		case fv.Kind() == reflect.Slice || fv.Kind() == reflect.Array:
			// go-querystring repeats the key for each element; PHP would
			// keep only the last, so number them.
			for j, val := range vals[name] {
				f.Add(name+"["+strconv.Itoa(j)+"]", val)
			}
			done[name] = true
		case fv.Kind() == reflect.Struct && len(vals[name]) == 0:
			prefix := name + "["
			var sub []string
			for k := range vals {
				if strings.HasPrefix(k, prefix) {
					sub = append(sub, k)
				}
			}
			sortKeys(sub)
			for _, k := range sub {
				emit(k)
			}
		default:
			emit(name)
		}
	}
	var rest []string
	for k := range vals {
		if !done[k] {
			rest = append(rest, k)
		}
	}
	sortKeys(rest)
	for _, k := range rest {
		emit(k)
	}
	return f, nil
}

func isNilPointer(v reflect.Value) bool {
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// ErrBool is returned when a raw map holds a Go bool: PHP reads the string
// "false" as true, so the caller must say "Y"/"N" (or 1/0) explicitly.
var ErrBool = errors.New("a Go bool has no single meaning on the wire: pass \"Y\"/\"N\" or 1/0")

func encodeAny(f *Form, key string, v any, own Own) error {
	if own != nil && v != nil && !isNilPointer(reflect.ValueOf(v)) {
		pairs, ok, err := own(key, v)
		if err != nil {
			return err
		}
		if ok {
			*f = append(*f, pairs...)
			return nil
		}
	}
	switch t := v.(type) {
	case nil:
		if key != "" {
			f.Add(key, "")
		}
	case string:
		f.Add(key, t)
	case int:
		f.Add(key, strconv.Itoa(t))
	case int64:
		f.Add(key, strconv.FormatInt(t, 10))
	case float64:
		f.Add(key, strconv.FormatFloat(t, 'f', -1, 64))
	case bool:
		return fmt.Errorf("wire: key %q: %w", key, ErrBool)
	case time.Time:
		f.Add(key, t.Format(ISOLayout))
	case query.Encoder:
		// A foreign go-querystring encoder; the SDK's own types went
		// through own above.
		vals := url.Values{}
		if err := t.EncodeValues(key, &vals); err != nil {
			return err
		}
		keys := sortedKeys(vals)
		if ko, ok := v.(KeyOrderer); ok {
			keys = ko.KeyOrder(key)
		}
		for _, k := range keys {
			for _, val := range vals[k] {
				f.Add(k, val)
			}
		}
	case map[string]any:
		for _, k := range sortedKeys(t) {
			if err := encodeAny(f, sub(key, k), t[k], own); err != nil {
				return err
			}
		}
	case map[string]string:
		for _, k := range sortedKeys(t) {
			f.Add(sub(key, k), t[k])
		}
	case []any:
		for i, e := range t {
			if err := encodeAny(f, sub(key, strconv.Itoa(i)), e, own); err != nil {
				return err
			}
		}
	case []string:
		for i, e := range t {
			f.Add(sub(key, strconv.Itoa(i)), e)
		}
	case []int:
		for i, e := range t {
			f.Add(sub(key, strconv.Itoa(i)), strconv.Itoa(e))
		}
	case fmt.Stringer:
		f.Add(key, t.String())
	default:
		rv := reflect.ValueOf(v)
		switch rv.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			f.Add(key, strconv.FormatInt(rv.Int(), 10))
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			f.Add(key, strconv.FormatUint(rv.Uint(), 10))
		case reflect.String:
			f.Add(key, rv.String())
		default:
			return fmt.Errorf("wire: key %q: cannot encode a %T in a raw map", key, v)
		}
	}
	return nil
}

func sub(key, k string) string {
	if key == "" {
		return k
	}
	return key + "[" + k + "]"
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sortKeys(keys)
	return keys
}

// sortKeys sorts keys so that bracketed numbers compare as numbers:
// A[2] before A[10].
func sortKeys(keys []string) {
	sort.Slice(keys, func(i, j int) bool { return naturalLess(keys[i], keys[j]) })
}

func naturalLess(a, b string) bool {
	for a != "" && b != "" {
		if isDigit(a[0]) && isDigit(b[0]) {
			na, ra := leadingDigits(a)
			nb, rb := leadingDigits(b)
			if len(na) != len(nb) {
				return len(na) < len(nb)
			}
			if na != nb {
				return na < nb
			}
			a, b = ra, rb
			continue
		}
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		a, b = a[1:], b[1:]
	}
	return len(a) < len(b)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func leadingDigits(s string) (string, string) {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return strings.TrimLeft(s[:i], "0"), s[i:]
}
