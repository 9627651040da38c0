package wire

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIntAcceptsNumbersAndQuotedNumbers(t *testing.T) {
	for in, want := range map[string]int{`77`: 77, `"77"`: 77, `null`: 0, `""`: 0, `77.0`: 77, `"-3"`: -3} {
		var n Int
		require.NoError(t, json.Unmarshal([]byte(in), &n), in)
		assert.Equal(t, Int(want), n, in)
	}
}

func TestIntRejectsWhatIsNotAnInteger(t *testing.T) {
	for in, msg := range map[string]string{
		`"abc"`:                `not an integer: "abc"`,
		`77.5`:                 `not an integer: 77.5`,
		`true`:                 `not an integer: true`,
		`"7`:                   `bad integer: "7`,
		`99999999999999999999`: `not an integer: 99999999999999999999`,
	} {
		_, err := ParseInt([]byte(in))
		assert.Equal(t, msg, quoted(t, err), in)
	}
}

func TestFlagForms(t *testing.T) {
	for in, want := range map[string]bool{`"Y"`: true, `"N"`: false, `true`: true, `false`: false, `null`: false, `""`: false, `"1"`: true, `0`: false} {
		var f Flag
		require.NoError(t, json.Unmarshal([]byte(in), &f), in)
		assert.Equal(t, want, bool(f), in)
	}
	var f Flag
	assert.Equal(t, `not a Y/N flag: "X"`, quoted(t, f.UnmarshalJSON([]byte(`"X"`))))
}

func TestStringNullAndNumbers(t *testing.T) {
	var s struct {
		A String `json:"a"`
		B String `json:"b"`
		C String `json:"c"`
	}
	require.NoError(t, json.Unmarshal([]byte(`{"a":null,"b":"x\"y","c":100}`), &s))
	assert.Equal(t, String(""), s.A)
	assert.Equal(t, String(`x"y`), s.B)
	assert.Equal(t, String("100"), s.C)
	var bad String
	assert.Equal(t, `not a string: {}`, quoted(t, bad.UnmarshalJSON([]byte(`{}`))))
}

func TestTimeISOWithOffset(t *testing.T) {
	var v Time
	require.NoError(t, json.Unmarshal([]byte(`"2026-03-19T15:01:27+02:00"`), &v))
	want := time.Date(2026, 3, 19, 13, 1, 27, 0, time.UTC)
	assert.True(t, time.Time(v).Equal(want))
	_, off := time.Time(v).Zone()
	assert.Equal(t, 7200, off)
	require.NoError(t, json.Unmarshal([]byte(`null`), &v))
	assert.True(t, time.Time(v).IsZero())
	assert.Equal(t, `not an ISO-8601 date with offset: "04/17/2025 19:37:55"`, quoted(t, v.UnmarshalJSON([]byte(`"04/17/2025 19:37:55"`))))
	assert.Equal(t, `not a date: 17`, quoted(t, v.UnmarshalJSON([]byte(`17`))))
}

func TestFloatAndIntList(t *testing.T) {
	var f Float
	require.NoError(t, json.Unmarshal([]byte(`"0.25"`), &f))
	assert.Equal(t, Float(0.25), f)
	assert.Equal(t, `not a number: "x"`, quoted(t, f.UnmarshalJSON([]byte(`"x"`))))
	var l IntList
	require.NoError(t, json.Unmarshal([]byte(`["1271",1272]`), &l))
	assert.Equal(t, IntList{1271, 1272}, l)
	assert.Equal(t, `not a list of integers: ["a"]`, quoted(t, l.UnmarshalJSON([]byte(`["a"]`))))
}

// quoted renders a *ValueError as "msg: value" and checks that its own
// Error text quotes nothing of the value.
func quoted(t *testing.T, err error) string {
	t.Helper()
	var ve *ValueError
	if !errors.As(err, &ve) {
		t.Fatalf("want a *ValueError, got %v", err)
	}
	assert.Equal(t, ve.Msg, err.Error())
	return ve.Msg + ": " + string(ve.Value)
}
