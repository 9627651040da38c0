package wire

import (
	"encoding/json"
	"net/url"
	"os/exec"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ordered is an ORDER clause; testOwn writes it in the caller's order, not
// sorted, as the SDK's own encoders do.
type ordered []string

// pairLike is an IMAGE pair; testOwn writes its name first.
type pairLike struct{}

// testOwn is the Own of these tests.
func testOwn(key string, v any) (Form, bool, error) {
	var f Form
	switch t := v.(type) {
	case ordered:
		for _, k := range t {
			f.Add(key+"["+k+"]", "ASC")
		}
	case pairLike:
		f.Add(key+"[0]", "a.png")
		f.Add(key+"[1]", "b64")
	default:
		return nil, false, nil
	}
	return f, true, nil
}

type sample struct {
	Name   string   `url:"NAME"`
	Empty  string   `url:"EMPTY,omitempty"`
	Sites  []string `url:"SITE_ID,omitempty"`
	Order  ordered  `url:"ORDER,omitempty"`
	Nested struct {
		GroupID int    `url:"groupId"`
		Mode    string `url:"mode,omitempty"`
	} `url:"params"`
	Start int `url:"start,omitempty"`
}

func TestEncodeStructKeepsFieldOrderAndNumbersLists(t *testing.T) {
	var s sample
	s.Name = "Team & Co"
	s.Sites = []string{"s1", "s2"}
	s.Order = ordered{"NAME", "ID"}
	s.Nested.GroupID = 622
	s.Start = 50
	f, err := EncodeOwn(&s, testOwn)
	require.NoError(t, err)
	assert.Equal(t, "NAME=Team%20%26%20Co&SITE_ID[0]=s1&SITE_ID[1]=s2&ORDER[NAME]=ASC&ORDER[ID]=ASC&params[groupId]=622&start=50", f.Encode())
}

func TestEncodeNumbersElevenListItemsInOrder(t *testing.T) {
	s := struct {
		IDs []int `url:"USER_ID"`
	}{IDs: []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}}
	f, err := Encode(s)
	require.NoError(t, err)
	assert.Equal(t, "USER_ID[0]=1&USER_ID[1]=2&USER_ID[2]=3&USER_ID[3]=4&USER_ID[4]=5&USER_ID[5]=6&USER_ID[6]=7&USER_ID[7]=8&USER_ID[8]=9&USER_ID[9]=10&USER_ID[10]=11", f.Encode())
}

func TestEncodeMapNestsAndSortsKeys(t *testing.T) {
	f, err := Encode(map[string]any{
		"FILTER": map[string]any{"%NAME": "Pro", ">=ID": 10},
		"select": []any{"ID", "NAME"},
		"ID":     int64(7),
	})
	require.NoError(t, err)
	assert.Equal(t, "FILTER[%25NAME]=Pro&FILTER[%3E%3DID]=10&ID=7&select[0]=ID&select[1]=NAME", f.Encode())
}

func TestEncodeMapRefusesGoBool(t *testing.T) {
	_, err := Encode(map[string]any{"VISIBLE": true})
	require.ErrorIs(t, err, ErrBool)
	assert.Equal(t, `wire: key "VISIBLE": a Go bool has no single meaning on the wire: pass "Y"/"N" or 1/0`, err.Error())
}

func TestEncodeRejectsNonStruct(t *testing.T) {
	_, err := Encode(42)
	assert.EqualError(t, err, "wire: cannot encode int: want a struct with url tags, a map[string]any or nil")
}

func TestEncodeNilAndFormPassThrough(t *testing.T) {
	f, err := Encode(nil)
	require.NoError(t, err)
	assert.Equal(t, "", f.Encode())
	in := Form{{"b", "2"}, {"a", "1"}}
	f, err = Encode(in)
	require.NoError(t, err)
	assert.Equal(t, "b=2&a=1", f.Encode())
}

func TestEscapeKeepsOnlyUnreservedAndKeyBrackets(t *testing.T) {
	f := Form{{"FILTER[%NAME]", "a b+c&d=e/f?g#h[i]~-._ü"}}
	assert.Equal(t, "FILTER[%25NAME]=a%20b%2Bc%26d%3De%2Ff%3Fg%23h%5Bi%5D~-._%C3%BC", f.Encode())
}

func TestNaturalLess(t *testing.T) {
	keys := []string{"A[10]", "A[2]", "A[1][0]", "A[0]", "B", "A[02]"}
	sortKeys(keys)
	assert.Equal(t, []string{"A[0]", "A[1][0]", "A[2]", "A[02]", "A[10]", "B"}, keys)
}

// TestEncodeMeansWhatPHPReads feeds the encoder's bytes to PHP's own
// parse_str, the parser a real portal runs on form bodies.
func TestEncodeMeansWhatPHPReads(t *testing.T) {
	php, err := exec.LookPath("php")
	if err != nil {
		t.Skip("php-cli not installed (CI installs it)")
	}
	var s sample
	s.Name = "Проект 100% & <b>"
	s.Sites = []string{"s1"}
	s.Order = ordered{"NAME", "ID"}
	s.Nested.GroupID = 1
	f, err := EncodeOwn(&s, testOwn)
	require.NoError(t, err)
	f = append(f, Pair{"FILTER[!%DESCRIPTION]", "x"}, Pair{"FILTER[><ID][0]", "1"}, Pair{"FILTER[><ID][1]", "9"})
	out, err := exec.Command(php, "-r", `parse_str($argv[1], $o); echo json_encode($o, JSON_UNESCAPED_UNICODE);`, f.Encode()).Output()
	require.NoError(t, err)
	var got map[string]any
	require.NoError(t, json.Unmarshal(out, &got))
	assert.Equal(t, map[string]any{
		"NAME":    "Проект 100% & <b>",
		"SITE_ID": []any{"s1"},
		"ORDER":   map[string]any{"NAME": "ASC", "ID": "ASC"},
		"params":  map[string]any{"groupId": "1"},
		"FILTER":  map[string]any{"!%DESCRIPTION": "x", "><ID": []any{"1", "9"}},
	}, got)
	// PHP keeps insertion order: ORDER must come out NAME first.
	assert.Contains(t, string(out), `"ORDER":{"NAME":"ASC","ID":"ASC"}`)
}

type flagLike uint8

func (f flagLike) EncodeValues(key string, v *url.Values) error {
	if f != 0 {
		v.Set(key, "Y")
	}
	return nil
}

// Dates, go-querystring encoders and the caller's own types inside a raw
// map go out as they do in a typed request, never as Go's fmt text.
func TestEncodeMapDatesAndEncoders(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 6, time.FixedZone("", 3*3600))
	f, err := EncodeOwn(map[string]any{
		"FILTER":  map[string]any{">=DATE_CREATE": at},
		"OPENED":  flagLike(0),
		"VISIBLE": flagLike(1),
		"IMAGE":   pairLike{},
	}, testOwn)
	require.NoError(t, err)
	assert.Equal(t, "FILTER[%3E%3DDATE_CREATE]=2026-01-02T03%3A04%3A05%2B03%3A00&IMAGE[0]=a.png&IMAGE[1]=b64&VISIBLE=Y", f.Encode())
}

// foreignOrdered is a go-querystring Encoder from outside the SDK that asks
// for its keys in the order given, as the sonet command's parameters do.
type foreignOrdered []string

func (o foreignOrdered) EncodeValues(key string, v *url.Values) error {
	for _, k := range o {
		v.Set(k, "x")
	}
	return nil
}

func (o foreignOrdered) KeyOrder(string) []string { return o }

func TestEncodeKeepsAForeignEncodersKeyOrder(t *testing.T) {
	f, err := EncodeOwn(&struct {
		P foreignOrdered `url:"params"`
	}{P: foreignOrdered{"b", "a[1]", "a[0]"}}, testOwn)
	require.NoError(t, err)
	assert.Equal(t, "b=x&a[1]=x&a[0]=x", f.Encode())
	f, err = EncodeOwn(map[string]any{"P": foreignOrdered{"z", "y"}}, testOwn)
	require.NoError(t, err)
	assert.Equal(t, "z=x&y=x", f.Encode())
}
