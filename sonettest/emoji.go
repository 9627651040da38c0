package sonettest

import (
	"encoding/hex"
	"fmt"
	"strings"
)

// emojiEncode is Bitrix\Main\Text\Emoji::encode, which
// CSocNetGroup::CheckFields applies to NAME and DESCRIPTION before they are
// stored: each byte run matching its pattern (F0 90-BF 80-BF 80-BF,
// F1-F3 80-BF 80-BF 80-BF, F4 80-8F 80-BF 80-BF: a character outside the
// Basic Multilingual Plane) becomes ":" + bin2hex of the run + ":".
// The list filters compare this stored form; the read methods answer it
// decoded (shown). Other bytes, invalid ones included, stay.
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

// emojiDecode is Bitrix\Main\Text\Emoji::decode: preg_replace_callback
// with /:([A-F0-9]{8}):/isu. Each match, leftmost first and without
// overlap, becomes hex2bin of its digits when those four bytes match
// emojiEncode's pattern, and stays as it is otherwise (its text is used up
// either way, so ":deadbeef:f09f9a80:" is unchanged).
func emojiDecode(s string) string {
	var b strings.Builder
	last := 0
	for i := 0; i+10 <= len(s); {
		m := s[i : i+10]
		if m[0] != ':' || m[9] != ':' || !allHex(m[1:9]) {
			i++
			continue
		}
		if bin, err := hex.DecodeString(m[1:9]); err == nil && emojiRun(bin[0], bin[1], bin[2], bin[3]) {
			b.WriteString(s[last:i])
			b.Write(bin)
			last = i + 10
		}
		i += 10
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func allHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// shown is NAME or DESCRIPTION as the portal's read methods answer it:
// the stored (encoded) text decoded again. It differs from the text as sent
// only where the text holds ":" + 8 hex digits + ":" itself.
func shown(s string) string { return emojiDecode(emojiEncode(s)) }
