package wire

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// The portal sends the same field as 77 or "77", flags as "Y"/"N" (sometimes
// true/false), empty text as null. These types accept every form that was
// seen and reject anything else with an error: a wrong value is never
// silently taken as zero.

var null = []byte("null")

// Int decodes a JSON number or a quoted integer; null and "" decode to 0.
type Int int

// UnmarshalJSON implements json.Unmarshaler.
func (n *Int) UnmarshalJSON(b []byte) error {
	v, err := ParseInt(b)
	*n = Int(v)
	return err
}

// ParseInt reads an integer from a JSON token: 77, "77", null, "".
func ParseInt(b []byte) (int, error) {
	if len(b) == 0 || bytes.Equal(b, null) {
		return 0, nil
	}
	s := b
	if b[0] == '"' {
		if len(b) < 2 || b[len(b)-1] != '"' {
			return 0, valueError("bad integer", b)
		}
		s = b[1 : len(b)-1]
		if len(s) == 0 {
			return 0, nil
		}
	}
	v, err := strconv.ParseInt(string(s), 10, 64)
	if err != nil {
		// 77.0 is still an integer; 77.5 is not.
		f, ferr := strconv.ParseFloat(string(s), 64)
		if ferr != nil || f != math.Trunc(f) || math.Abs(f) > math.MaxInt32*1e9 {
			return 0, valueError("not an integer", b)
		}
		v = int64(f)
	}
	if int64(int(v)) != v {
		return 0, valueError("integer out of range", b)
	}
	return int(v), nil
}

// Flag decodes "Y"/"N", true/false, "1"/"0", null and "" (false).
type Flag bool

// UnmarshalJSON implements json.Unmarshaler.
func (f *Flag) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case `"Y"`, `"y"`, `true`, `"1"`, `1`, `"true"`:
		*f = true
	case `"N"`, `"n"`, `false`, `"0"`, `0`, `null`, `""`, `"false"`:
		*f = false
	default:
		return valueError("not a Y/N flag", b)
	}
	return nil
}

// String decodes a JSON string; null decodes to "". Numbers are accepted and
// kept as their text, since the portal sometimes sends a code as a number.
type String string

// UnmarshalJSON implements json.Unmarshaler.
func (s *String) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, null) {
		*s = ""
		return nil
	}
	if len(b) > 0 && (b[0] == '-' || isDigit(b[0])) {
		*s = String(b)
		return nil
	}
	// Fast path: a string without escapes is its own text. The envelope was
	// already checked as valid JSON as a whole.
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' {
		inner := b[1 : len(b)-1]
		if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
			*s = String(inner)
			return nil
		}
	}
	var v string
	if err := json.Unmarshal(b, &v); err != nil {
		return valueError("not a string", b)
	}
	*s = String(v)
	return nil
}

// Time decodes an ISO-8601 date with offset ("2026-03-19T15:01:27+02:00");
// null and "" decode to the zero time.
type Time time.Time

// UnmarshalJSON implements json.Unmarshaler.
func (t *Time) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, null) || string(b) == `""` {
		*t = Time{}
		return nil
	}
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return valueError("not a date", b)
	}
	v, err := time.Parse(time.RFC3339, string(b[1:len(b)-1]))
	if err != nil {
		return valueError("not an ISO-8601 date with offset", b)
	}
	*t = Time(v)
	return nil
}

// Float decodes a JSON number or a quoted number; null decodes to 0.
type Float float64

// UnmarshalJSON implements json.Unmarshaler.
func (f *Float) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, null) {
		*f = 0
		return nil
	}
	s := b
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' {
		s = b[1 : len(b)-1]
	}
	v, err := strconv.ParseFloat(string(s), 64)
	if err != nil {
		return valueError("not a number", b)
	}
	*f = Float(v)
	return nil
}

// IntList decodes a JSON array of integers written as numbers or strings
// (["1271","1272"] or [1,10]); null decodes to nil.
type IntList []int

// UnmarshalJSON implements json.Unmarshaler.
func (l *IntList) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, null) {
		*l = nil
		return nil
	}
	var raw []Int
	if err := json.Unmarshal(b, &raw); err != nil {
		return valueError("not a list of integers", b)
	}
	out := make([]int, len(raw))
	for i, v := range raw {
		out[i] = int(v)
	}
	*l = out
	return nil
}
