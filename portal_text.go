package sonet

import (
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf8"
)

// emojiSize is how many characters (and bytes) the portal stores for one
// character outside the Basic Multilingual Plane: ":" + 8 hex digits + ":".
const emojiSize = 10

// portalForm is NAME or DESCRIPTION as the portal stores it.
// CSocNetGroup::CheckFields passes both through Bitrix\Main\Text\Emoji::
// encode, which writes every four-byte UTF-8 character (emoji) as ":" +
// its bytes in lower-case hex + ":"; the NAME and DESCRIPTION filters of
// both list methods compare this form (the read methods answer it decoded:
// fromPortal). Encoding is idempotent (the result has no four-byte
// character), so encoding a value twice sends the same text.
func portalForm(s string) string {
	if !strings.ContainsFunc(s, isEmoji) {
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

func isEmoji(r rune) bool { return r > 0xFFFF }

// StoredForm returns a NAME or DESCRIPTION value as the portal stores it
// and as its list filters compare it: every emoji (any character outside
// the Basic Multilingual Plane) written as ":" + its UTF-8 bytes in
// lower-case hex + ":", as Bitrix\Main\Text\Emoji::encode does. Typed
// FieldName and FieldDescription conditions send this form already; use
// StoredForm for a value given to Where, and to compare names the way the
// portal does: StoredForm("🚀") and StoredForm(":f09f9a80:") are equal, and
// the portal cannot tell the two apart either.
func StoredForm(s string) string { return portalForm(s) }

// shownStored is stored text as the portal shows it (decoded), stored
// again: the one spelling of every text the portal reads back alike
// (":F09F9A80:", ":f09f9a80:" and "🚀" all give ":f09f9a80:").
func shownStored(stored string) string { return portalForm(fromPortal(stored)) }

// storedRunes and storedBytes count s as the portal stores it: an emoji
// takes emojiSize characters, or bytes, instead of one character or four
// bytes.
func storedRunes(s string) (n int, emoji bool) {
	for _, r := range s {
		if isEmoji(r) {
			n += emojiSize
			emoji = true
		} else {
			n++
		}
	}
	return n, emoji
}

func storedBytes(s string) (n int, emoji bool) {
	for _, r := range s {
		if isEmoji(r) {
			n += emojiSize
			emoji = true
		} else {
			n += utf8.RuneLen(r)
		}
	}
	return n, emoji
}

// checkStoredLength is checkLength for NAME and DESCRIPTION, counted as the
// portal stores them (see portalForm).
func checkStoredLength(field, s string, maxRunes, maxBytes int) error {
	n, emoji, unit, max := 0, false, "characters", maxRunes
	if maxRunes > 0 {
		n, emoji = storedRunes(s)
	} else {
		n, emoji = storedBytes(s)
		unit, max = "bytes", maxBytes
	}
	if n <= max {
		return nil
	}
	if emoji {
		unit += " as the portal stores them (an emoji takes 10)"
	}
	return &ValidationError{Field: field, Reason: fmt.Sprintf("%d %s, the portal stores at most %d", n, unit, max)}
}

// fromPortal is NAME or DESCRIPTION as the user wrote it: the inverse of
// portalForm, exactly as Bitrix\Main\Text\Emoji::decode does it. That is
// preg_replace_callback with /:([A-F0-9]{8}):/i: each ":" + 8 hex digits
// (either case) + ":", taken left to right without overlap, becomes the
// four bytes it spells when they are one character outside the Basic
// Multilingual Plane (Emoji::encode's byte pattern), and stays as it is
// otherwise (":deadbeef:", ":c3a9c3a9:"), its colons still used up.
//
// Current portals decode NAME and DESCRIPTION themselves in
// sonet_group.get, sonet_group.user.groups and the workgroup ORM; older
// ones answered the stored form. Decoding is idempotent (what it leaves is
// exactly what it would leave again), so the SDK decodes whatever comes
// back and reads both alike. Emoji::encode does not escape colons, so text
// typed as ":f09f9a80:" is stored like "🚀" and comes back as "🚀" from
// the portal and from the SDK alike: the stored form cannot tell them apart.
func fromPortal(s string) string {
	i := strings.IndexByte(s, ':')
	if i < 0 || len(s) < emojiSize {
		return s
	}
	var b strings.Builder
	last := 0
	for i <= len(s)-emojiSize {
		if s[i] != ':' || s[i+emojiSize-1] != ':' {
			i++
			continue
		}
		var raw [4]byte
		if _, err := hex.Decode(raw[:], []byte(s[i+1:i+emojiSize-1])); err != nil {
			i++
			continue
		}
		if r, size := utf8.DecodeRune(raw[:]); size == 4 && r > 0xFFFF {
			b.WriteString(s[last:i])
			b.Write(raw[:])
			last = i + emojiSize
		}
		i += emojiSize
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}
