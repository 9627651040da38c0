package sonettest

import (
	"fmt"
	"strings"
)

// emojiEncode is Bitrix\Main\Text\Emoji::encode, which
// CSocNetGroup::CheckFields applies to NAME and DESCRIPTION before they are
// stored: each byte run matching its pattern (F0 90-BF 80-BF 80-BF,
// F1-F3 80-BF 80-BF 80-BF, F4 80-8F 80-BF 80-BF: a character outside the
// Basic Multilingual Plane) becomes ":" + bin2hex of the run + ":".
// sonet_group.get reads the column without decoding, so it answers and
// filters on this form. Other bytes, invalid ones included, stay.
func emojiEncode(s string) string {
	var b strings.Builder
	last := 0
	for i := 0; i+4 <= len(s); {
		if !emojiRun(s[i], s[i+1], s[i+2], s[i+3]) {
			i++
			continue
		}
		b.WriteString(s[last:i])
		fmt.Fprintf(&b, ":%x:", s[i:i+4])
		i += 4
		last = i
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// emojiRun is the byte pattern of Emoji::encode.
func emojiRun(b0, b1, b2, b3 byte) bool {
	in := func(c, lo, hi byte) bool { return c >= lo && c <= hi }
	tail := in(b2, 0x80, 0xBF) && in(b3, 0x80, 0xBF)
	switch {
	case b0 == 0xF0:
		return in(b1, 0x90, 0xBF) && tail
	case in(b0, 0xF1, 0xF3):
		return in(b1, 0x80, 0xBF) && tail
	case b0 == 0xF4:
		return in(b1, 0x80, 0x8F) && tail
	}
	return false
}
