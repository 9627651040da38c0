package sonet

import (
	"net/url"
	"reflect"

	"github.com/b24kit/sonet/internal/wire"
)

// ownEncoder is implemented by the SDK's field types that write their own
// wire keys: Flag, Image, the filters, Order and the params objects. Its
// methods are unexported so that they stay off the package's surface;
// internal/wire reaches them through ownPairs.
type ownEncoder interface {
	// encodeValues writes the value's keys under key.
	encodeValues(key string, v *url.Values) error
	// keyOrder lists the keys encodeValues wrote, in the order to send.
	keyOrder(key string) []string
}

// ownPairs is the wire.Own of this package.
func ownPairs(key string, v any) (wire.Form, bool, error) {
	e, ok := v.(ownEncoder)
	if !ok {
		return nil, false, nil
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && rv.IsNil() {
		return nil, true, nil
	}
	vals := url.Values{}
	if err := e.encodeValues(key, &vals); err != nil {
		return nil, true, err
	}
	var f wire.Form
	for _, k := range e.keyOrder(key) {
		for _, val := range vals[k] {
			f.Add(k, val)
		}
	}
	return f, true, nil
}

// encodeWire encodes a request, a raw map or a form for the wire.
func encodeWire(v any) (wire.Form, error) { return wire.EncodeOwn(v, ownPairs) }
