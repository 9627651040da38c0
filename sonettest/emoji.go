package sonettest

import (
	"encoding/hex"
	"strings"
	"unicode/utf8"
)

// emojiEncode is Bitrix\Main\Text\Emoji::encode, which
// CSocNetGroup::CheckFields applies to NAME and DESCRIPTION before they are
// stored: every character outside the Basic Multilingual Plane (a valid
// four-byte UTF-8 sequence) becomes ":" + its bytes in lower-case hex + ":".
// sonet_group.get reads the column without decoding, so it answers and
// filters on this form. Other bytes, invalid ones included, stay as they
// are.
func emojiEncode(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r > 0xFFFF }) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		_, size := utf8.DecodeRuneInString(s[i:])
		if size == 4 {
			b.WriteByte(':')
			b.WriteString(hex.EncodeToString([]byte(s[i : i+4])))
			b.WriteByte(':')
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}
