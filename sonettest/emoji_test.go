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

// Expected values are what PHP's preg_replace_callback with Emoji::decode's
// pattern /:([A-F0-9]{8}):/isu and its hex2bin check gives (php-cli).
func TestEmojiDecodeMatchesThePortal(t *testing.T) {
	for in, wantHex := range map[string]string{
		":f09f9a80: Launch":                  "f09f9a80204c61756e6368",
		":F09F9A80: up":                      "f09f9a80207570",
		":deadbeef:f09f9a80:":                "3a64656164626565663a66303966396138303a",
		"::f09f9a80::":                       "3af09f9a803a",
		":f09f9a80:f09f9a80:":                "f09f9a8066303966396138303a",
		":f4908080:":                         "3a66343930383038303a",
		":c3a9c3a9:":                         "3a63336139633361393a",
		":\x10\x10\x10\x10\x10\x10\x10\x10:": "3a10101010101010103a",
	} {
		want, _ := hex.DecodeString(wantHex)
		if got := emojiDecode(in); got != string(want) {
			t.Errorf("emojiDecode(%q) = %q, want %q", in, got, want)
		}
	}
	// What the read methods show: the stored form decoded. Typed hex next
	// to an emoji is where it differs from the text as sent (php-cli too).
	if got, want := shown(":f09f9a80🚀"), "🚀f09f9a80:"; got != want {
		t.Errorf("shown = %q, want %q", got, want)
	}
}

// sonet_group.get answers NAME and DESCRIPTION decoded (Emoji::decode in
// CSocNetLogRestService::getGroup) while its NAME filter compares the
// stored, encoded form; sonet_group.user.groups decodes GROUP_NAME; the
// workgroup methods read through WorkgroupTable, which decodes both.
func TestReadMethodsAnswerDecodedAndFilterTheEncodedName(t *testing.T) {
	s := NewServer()
	defer s.Close()
	g := NewGroup("Launch 🚀").WithMember(1, RoleOwner)
	g.Description = "go 🚀"
	id := s.AddGroup(g)
	typed := s.AddGroup(NewGroup("typed :f09f9a80: :deadbeef:"))
	code, resp := callJSON(t, s, "sonet_group.get", `{"FILTER":{"NAME":"Launch :f09f9a80:"}}`)
	want := `"NAME":"Launch \ud83d\ude80","DESCRIPTION":"go \ud83d\ude80"`
	if code != 200 || !strings.Contains(resp, want) || !strings.Contains(resp, `"ID":"`+strconv.Itoa(id)+`"`) {
		t.Errorf("encoded filter: %d %s", code, resp)
	}
	code, resp = callJSON(t, s, "sonet_group.get", `{"FILTER":{"NAME":"Launch 🚀"}}`)
	if code != 200 || !strings.Contains(resp, `"result":[]`) {
		t.Errorf("the raw emoji matches nothing stored: %d %s", code, resp)
	}
	code, resp = callJSON(t, s, "sonet_group.get", `{"FILTER":{"ID":`+strconv.Itoa(typed)+`}}`)
	if code != 200 || !strings.Contains(resp, `"NAME":"typed \ud83d\ude80 :deadbeef:"`) {
		t.Errorf("typed hex reads back as the emoji it spells: %d %s", code, resp)
	}
	code, resp = callJSON(t, s, "sonet_group.user.groups", `{}`)
	if code != 200 || !strings.Contains(resp, `"GROUP_NAME":"Launch \ud83d\ude80"`) {
		t.Errorf("user.groups: %d %s", code, resp)
	}
	code, resp = callJSON(t, s, "socialnetwork.api.workgroup.get", `{"params":{"groupId":`+strconv.Itoa(id)+`}}`)
	if code != 200 || !strings.Contains(resp, `"NAME":"Launch \ud83d\ude80","DESCRIPTION":"go \ud83d\ude80"`) {
		t.Errorf("workgroup.get: %d %s", code, resp)
	}
	code, resp = callJSON(t, s, "socialnetwork.api.workgroup.list", `{"select":["NAME","DESCRIPTION"],"filter":{"ID":`+strconv.Itoa(id)+`}}`)
	if code != 200 || !strings.Contains(resp, `"name":"Launch \ud83d\ude80","description":"go \ud83d\ude80"`) {
		t.Errorf("workgroup.list: %d %s", code, resp)
	}
	if got := s.Groups()[0].Name; got != "Launch 🚀" {
		t.Errorf("Groups() keeps the name as given: %q", got)
	}
}

// Both lists sort NAME as the column holds it: "🚀 Zeta" is stored as
// ":f09f9a80: Zeta", and ":" sorts before any letter.
func TestNameSortsInItsStoredForm(t *testing.T) {
	s := NewServer()
	defer s.Close()
	alpha := s.AddGroup(NewGroup("Alpha"))
	zeta := s.AddGroup(NewGroup("🚀 Zeta"))
	want := strconv.Itoa(zeta) + "," + strconv.Itoa(alpha)
	if _, resp := callJSON(t, s, "sonet_group.get", `{"ORDER":{"NAME":"ASC"}}`); ids(t, resp) != want {
		t.Errorf("sonet_group.get ORDER NAME: %s, want %s", ids(t, resp), want)
	}
	_, resp := callJSON(t, s, "socialnetwork.api.workgroup.list", `{"select":["NAME"],"order":{"NAME":"ASC"}}`)
	if i, j := strings.Index(resp, "Zeta"), strings.Index(resp, "Alpha"); i < 0 || j < 0 || i > j {
		t.Errorf("workgroup.list order NAME: %s", resp)
	}
}
