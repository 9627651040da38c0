package wire

import (
	"strings"
	"unicode/utf8"
)

// Pair is one key and one value of a form, before percent-encoding.
type Pair struct {
	Key, Value string
}

// Form is an ordered list of key/value pairs. Unlike url.Values it keeps the
// order keys were added in, which PHP keeps too: ORDER[NAME]=ASC&ORDER[ID]=DESC
// sorts by NAME first.
type Form []Pair

// Add appends one pair.
func (f *Form) Add(key, value string) { *f = append(*f, Pair{key, value}) }

// Get returns the first value stored under key and whether there was one.
func (f Form) Get(key string) (string, bool) {
	for _, p := range f {
		if p.Key == key {
			return p.Value, true
		}
	}
	return "", false
}

// Encode returns the form as application/x-www-form-urlencoded text. Keys and
// values are percent-encoded except for the brackets of keys, which PHP reads
// either way and which keep the body readable next to the docs
// (FILTER[%25NAME]=Pro).
func (f Form) Encode() string {
	var b strings.Builder
	n := 0
	for _, p := range f {
		n += len(p.Key) + len(p.Value) + 2
	}
	b.Grow(n + n/4)
	for i, p := range f {
		if i > 0 {
			b.WriteByte('&')
		}
		escape(&b, p.Key, true)
		b.WriteByte('=')
		escape(&b, p.Value, false)
	}
	return b.String()
}

const hexDigits = "0123456789ABCDEF"

// escape writes s percent-encoded: only RFC 3986 unreserved bytes stay as
// they are (and brackets, in keys). Spaces become %20, never '+', so the
// bytes mean the same to PHP, to Go's url.ParseQuery and to a reader.
func escape(b *strings.Builder, s string, key bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '-', c == '_', c == '.', c == '~':
			b.WriteByte(c)
		case key && (c == '[' || c == ']'):
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		}
	}
}

// TextError is a key or value of a form that the portal cannot store.
type TextError struct {
	// Key is the form key, made printable (NAME, FILTER[%NAME], USER_ID[0]).
	Key    string
	Reason string
}

func (e *TextError) Error() string { return e.Key + ": " + e.Reason }

// Check refuses a NUL byte or invalid UTF-8 in any key or value. The portal
// cuts a value at NUL when it stores it (its database layer treats NUL as
// the end of the text), and a group stored with invalid UTF-8 makes every
// later sonet_group.get page that holds it fail with WRONG_ENCODING (the
// answer cannot be written as JSON): one bad write breaks list reads for
// every caller of the portal.
func (f Form) Check() error {
	for _, p := range f {
		for _, s := range [2]string{p.Key, p.Value} {
			switch {
			case strings.IndexByte(s, 0) >= 0:
				return &TextError{Key: printable(p.Key), Reason: "holds a NUL byte, which the portal cuts the text at"}
			case !utf8.ValidString(s):
				return &TextError{Key: printable(p.Key), Reason: "is not valid UTF-8; the portal would store it and then fail every list that holds it (WRONG_ENCODING)"}
			}
		}
	}
	return nil
}

func printable(key string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(key, "?"), "\x00", "?")
}
