package sonettest

import (
	"encoding/hex"
	"strconv"
	"strings"
	"testing"
)

// Expected values are what PHP's preg_replace_callback with
// Bitrix\Main\Text\Emoji's pattern and bin2hex gives (run with php-cli).
func TestEmojiEncodeMatchesThePortal(t *testing.T) {
	for in, wantHex := range map[string]string{
		"Launch 🚀":       "4c61756e6368203a66303966396138303a",
		"a😀b𝄞c":          "613a66303966393838303a623a66303964383439653a63",
		"plain ж":        "706c61696e20d0b6",
		"x\xF0\x9F\x9Ay": "78f09f9a79",
	} {
		want, _ := hex.DecodeString(wantHex)
		if got := emojiEncode(in); got != string(want) {
			t.Errorf("emojiEncode(%q) = %q, want %q", in, got, want)
		}
	}
}

// sonet_group.get answers NAME and DESCRIPTION in the stored, encoded form
// and its NAME filter compares that form.
func TestGroupGetAnswersAndFiltersTheEncodedName(t *testing.T) {
	s := NewServer()
	defer s.Close()
	g := NewGroup("Launch 🚀")
	g.Description = "go 🚀"
	id := s.AddGroup(g)
	code, resp := callJSON(t, s, "sonet_group.get", `{"FILTER":{"NAME":"Launch :f09f9a80:"}}`)
	want := `"NAME":"Launch :f09f9a80:","DESCRIPTION":"go :f09f9a80:"`
	if code != 200 || !strings.Contains(resp, want) || !strings.Contains(resp, `"ID":"`+strconv.Itoa(id)+`"`) {
		t.Errorf("encoded filter: %d %s", code, resp)
	}
	code, resp = callJSON(t, s, "sonet_group.get", `{"FILTER":{"NAME":"Launch 🚀"}}`)
	if code != 200 || !strings.Contains(resp, `"result":[]`) {
		t.Errorf("the raw emoji matches nothing stored: %d %s", code, resp)
	}
	if got := s.Groups()[0].Name; got != "Launch 🚀" {
		t.Errorf("Groups() keeps the name as given: %q", got)
	}
}
