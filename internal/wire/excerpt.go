package wire

import (
	"strings"
	"unicode/utf8"
)

// ValueError is a value the decoder could not read. Its Error text names the
// problem but never quotes the value: the value may hold a credential that
// only the caller can recognise. The caller quotes it with Excerpt, which
// redacts before it cuts.
type ValueError struct {
	// Msg says what was wrong ("not an integer").
	Msg string
	// Value is the JSON value as it arrived.
	Value []byte
}

func (e *ValueError) Error() string { return e.Msg }

func valueError(msg string, b []byte) error {
	return &ValueError{Msg: msg, Value: append([]byte(nil), b...)}
}

// Excerpt returns the start of b for an error message: at most max runes,
// control characters folded to spaces, "..." after a cut. redact runs over
// the whole of b BEFORE the cut, so a credential the cut would split is
// still recognised and removed; with redact nil nothing is quoted at all
// (Excerpt returns ""), so a caller that cannot redact cannot leak.
//
// This is the only place in the SDK that cuts text taken from an answer.
func Excerpt(b []byte, max int, redact func(string) string) string {
	if redact == nil || max <= 0 {
		return ""
	}
	s := redact(strings.TrimSpace(string(b)))
	var out strings.Builder
	n := 0
	for i, r := range s {
		if n == max {
			out.WriteString("...")
			break
		}
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				r = '?'
			}
		}
		if r < 0x20 || r == 0x7f {
			r = ' '
		}
		out.WriteRune(r)
		n++
	}
	return out.String()
}
