package sonet

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The field types that write their own keys do it through unexported
// methods: nothing about go-querystring or internal/wire is on the
// package's documented surface.
func TestOwnEncodersExportNoEncoderMethods(t *testing.T) {
	for _, v := range []any{Flag(0), Image{}, &Image{}, GroupFilter{}, WorkgroupFilter{}, Order{}, WorkgroupListParams{}} {
		typ := reflect.TypeOf(v)
		for _, name := range []string{"EncodeValues", "KeyOrder"} {
			_, found := typ.MethodByName(name)
			assert.False(t, found, "%s.%s", typ, name)
		}
		_, ok := v.(ownEncoder)
		assert.True(t, ok, "%s writes its own keys", typ)
	}
}

func TestOwnEncodersInAStructAndARawMap(t *testing.T) {
	type req struct {
		Visible Flag        `url:"VISIBLE,omitempty"`
		Opened  Flag        `url:"OPENED,omitempty"`
		Filter  GroupFilter `url:"FILTER,omitempty"`
		Order   Order       `url:"ORDER,omitempty"`
		Image   *Image      `url:"IMAGE,omitempty"`
		Name    string      `url:"NAME"`
	}
	f, err := encodeWire(&req{Visible: No, Filter: GroupFilter{FieldID.GT(5)}, Order: Order{FieldID.Desc(), FieldName.Asc()},
		Image: &Image{Name: "a.png", Content: []byte{1, 2}}, Name: "x"})
	require.NoError(t, err)
	assert.Equal(t, "VISIBLE=N&FILTER[%3EID]=5&ORDER[ID]=DESC&ORDER[NAME]=ASC&IMAGE[0]=a.png&IMAGE[1]=AQI%3D&NAME=x", f.Encode())

	f, err = encodeWire(&req{Name: "only"})
	require.NoError(t, err)
	assert.Equal(t, "NAME=only", f.Encode(), "Unset flags, empty filters and a nil image write nothing")

	_, err = encodeWire(&req{Opened: 9, Name: "x"})
	assert.EqualError(t, err, "sonet: invalid OPENED: flag value 9 is neither Yes nor No")

	f, err = encodeWire(map[string]any{"VISIBLE": Yes, "OPENED": Unset, "ORDER": Order{FieldID.Asc()}, "IMAGE": &Image{Name: "a.gif"}})
	require.NoError(t, err)
	assert.Equal(t, "IMAGE[0]=a.gif&IMAGE[1]=&ORDER[ID]=ASC&VISIBLE=Y", f.Encode())
	_, err = encodeWire(map[string]any{"IMAGE": (*Image)(nil)})
	assert.EqualError(t, err, `wire: key "IMAGE": cannot encode a *sonet.Image in a raw map`, "an error, not a nil dereference")
}
