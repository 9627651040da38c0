// Package phpjson writes JSON the way PHP's json_encode does with default
// flags, which is what a Bitrix24 portal sends: "/" is escaped as "\/",
// every non-ASCII character is written as \uXXXX (surrogate pairs above
// U+FFFF), and <, >, & are left as they are. Key order is Go's: struct
// fields in declaration order, so a struct with json tags reproduces the
// portal's key order.
package phpjson

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// Marshal encodes v with encoding/json and rewrites the strings PHP-style.
func Marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return Rewrite(bytes.TrimSuffix(buf.Bytes(), []byte("\n"))), nil
}

const hexDigits = "0123456789abcdef"

// Rewrite takes valid JSON and escapes "/" and non-ASCII characters inside
// its strings as PHP does. Outside strings valid JSON has neither.
func Rewrite(b []byte) []byte {
	out := make([]byte, 0, len(b)+len(b)/8)
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c == '/':
			out = append(out, '\\', '/')
			i++
		case c == '\\' && i+1 < len(b):
			out = append(out, c, b[i+1])
			i += 2
		case c < utf8.RuneSelf:
			out = append(out, c)
			i++
		default:
			r, size := utf8.DecodeRune(b[i:])
			i += size
			out = appendRune(out, r, size)
		}
	}
	return out
}

// AppendString appends s as PHP's json_encode writes a string: quoted, with
// ", \\ and / escaped, control characters as \\n, \\t ... or \\u00XX, and every
// non-ASCII character as \\uXXXX (a surrogate pair above U+FFFF; an invalid
// byte as U+FFFD). sonettest writes its answers with it and sonetmock
// through Marshal, so the two stay byte-identical.
func AppendString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			i += size
			b = appendRune(b, r, size)
			continue
		}
		i++
		switch c {
		case '"', '\\', '/':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		case '\b':
			b = append(b, '\\', 'b')
		case '\f':
			b = append(b, '\\', 'f')
		default:
			if c < 0x20 {
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			} else {
				b = append(b, c)
			}
		}
	}
	return append(b, '"')
}

// appendRune writes a non-ASCII rune decoded from size bytes as \\uXXXX, a
// surrogate pair above U+FFFF, or U+FFFD for an invalid byte.
func appendRune(b []byte, r rune, size int) []byte {
	if r == utf8.RuneError && size == 1 {
		r = 0xfffd
	}
	if r >= 0x10000 {
		r -= 0x10000
		b = appendU(b, 0xd800+(r>>10))
		return appendU(b, 0xdc00+(r&0x3ff))
	}
	return appendU(b, r)
}

func appendU(b []byte, r rune) []byte {
	return append(b, '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
}
