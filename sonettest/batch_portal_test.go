package sonettest

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// batchSections decodes a batch answer's sections.
type batchSections struct {
	Result, Errors, Total, Next map[string]json.RawMessage
}

// section reads one section, a JSON object or (PHP's list form) an array
// keyed by index.
func section(t *testing.T, raw json.RawMessage) map[string]json.RawMessage {
	t.Helper()
	m := map[string]json.RawMessage{}
	if len(raw) > 0 && raw[0] == '[' {
		var list []json.RawMessage
		if err := json.Unmarshal(raw, &list); err != nil {
			t.Fatal(err)
		}
		for i, v := range list {
			m[fmt.Sprint(i)] = v
		}
		return m
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func sections(t *testing.T, body string) batchSections {
	t.Helper()
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(decode(t, body).Result, &raw); err != nil {
		t.Fatalf("sections of %s: %v", body, err)
	}
	return batchSections{section(t, raw["result"]), section(t, raw["result_error"]),
		section(t, raw["result_total"]), section(t, raw["result_next"])}
}

func jsonCommands(prefix string, n int) string {
	var cmds []string
	for i := 0; i < n; i++ {
		cmds = append(cmds, fmt.Sprintf(`"sonet_group.create?NAME=%s%d"`, prefix, i))
	}
	return strings.Join(cmds, ",")
}

const lengthErr = `{"error":"ERROR_BATCH_LENGTH_EXCEEDED","error_description":"Max batch length exceeded"}`

// CRestProvider::methodsBatch counts every cmd entry; from the 51st on each
// one is ERROR_BATCH_LENGTH_EXCEEDED in result_error and the call is 200.
func TestBatchOverFiftyRunsTheFirstFifty(t *testing.T) {
	s, _ := newTestServer(t)
	code, resp := callJSON(t, s, "batch", `{"cmd":[`+jsonCommands("n", 52)+`]}`)
	sec := sections(t, resp)
	if code != 200 || len(sec.Result) != 50 || len(s.Groups()) != 50 || len(sec.Errors) != 2 ||
		string(sec.Errors["50"]) != lengthErr || string(sec.Errors["51"]) != lengthErr || string(sec.Result["49"]) != "50" {
		t.Fatalf("52 commands: %d, %d results, %d groups, errors %v", code, len(sec.Result), len(s.Groups()), sec.Errors)
	}
	// Non-string entries (an array, a JSON number) are skipped but counted; with halt the first
	// refused command ends the batch.
	code, resp = callJSON(t, s, "batch", `{"halt":1,"cmd":[["not","a","command"],5,`+jsonCommands("h", 51)+`]}`)
	sec = sections(t, resp)
	if code != 200 || len(sec.Result) != 48 || len(s.Groups()) != 98 || len(sec.Errors) != 1 || string(sec.Errors["50"]) != lengthErr {
		t.Fatalf("halt: %d, %d results, %d groups, errors %v", code, len(sec.Result), len(s.Groups()), sec.Errors)
	}
}

// Only the refused command fails; the others run.
func TestBatchRefusesNestedBatchPerCommand(t *testing.T) {
	s, _ := newTestServer(t)
	code, resp := callJSON(t, s, "batch", `{"cmd":{"a":"sonet_group.create?NAME=a","b":"batch?cmd[0]=sonet_group.create%3FNAME%3Dinner",`+
		`"c":"download?x=1","d":"DOWNLOAD","e":"sonet_group.create?NAME=e"}}`)
	want := `{"result":{"result":{"a":1,"e":2},"result_error":{` +
		`"b":{"error":"ERROR_BATCH_METHOD_NOT_ALLOWED","error_description":"Method is not allowed for batch usage"},` +
		`"c":{"error":"ERROR_BATCH_METHOD_NOT_ALLOWED","error_description":"Method is not allowed for batch usage"},` +
		`"d":{"error":"ERROR_METHOD_NOT_FOUND","error_description":"Method not found!"}},"result_total":[],"result_next":[],"result_time":{"a":`
	if code != 200 || !strings.HasPrefix(resp, want) || len(s.Groups()) != 2 {
		t.Errorf("got %d %s", code, resp)
	}
}

// The method is parse_url's path as written, looked up in lower case.
func TestBatchMethodIsTheURLPath(t *testing.T) {
	s, _ := newTestServer(t)
	code, resp := callJSON(t, s, "batch", `{"cmd":{"json":"sonet_group.create.json?NAME=j","space":" sonet_group.create?NAME=s",`+
		`"upper":"SONET_GROUP.CREATE?NAME=u","frag":"sonet_group.create?NAME=f#ragment&NAME=g","bare":"sonet_group.get"}}`)
	sec := sections(t, resp)
	notFound := `{"error":"ERROR_METHOD_NOT_FOUND","error_description":"Method not found!"}`
	if code != 200 || string(sec.Errors["json"]) != notFound || string(sec.Errors["space"]) != notFound || len(sec.Errors) != 2 {
		t.Fatalf("errors: %d %v", code, sec.Errors)
	}
	names := []string{}
	for _, g := range s.Groups() {
		names = append(names, g.Name)
	}
	if got := strings.Join(names, ","); got != "u,f" || string(sec.Result["upper"]) != "1" {
		t.Errorf("groups %s, results %v", got, sec.Result)
	}
}

// array_change_key_case: CMD and HALT in any case; halt is PHP's bool cast.
func TestBatchKeysAnyCase(t *testing.T) {
	s, _ := newTestServer(t)
	code, resp := callJSON(t, s, "batch", `{"CMD":{"x":"sonet_group.update?GROUP_ID=9","y":"sonet_group.create?NAME=z"},"Halt":"1"}`)
	sec := sections(t, resp)
	if code != 200 || len(sec.Errors) != 1 || len(sec.Result) != 0 || len(s.Groups()) != 0 {
		t.Errorf("upper case: %d %s", code, resp)
	}
	code, resp = callForm(t, s, "batch", "Cmd[x]=sonet_group.update%3FGROUP_ID%3D9&Cmd[y]=sonet_group.create%3FNAME%3Dz&hAlT[]=")
	sec = sections(t, resp)
	if code != 200 || len(sec.Errors) != 1 || len(sec.Result) != 0 || len(s.Groups()) != 0 {
		t.Errorf("a non-empty array is a true halt: %d %s", code, resp)
	}
	code, resp = callForm(t, s, "batch", "cmd[x]=sonet_group.update%3FGROUP_ID%3D9&cmd[y]=sonet_group.create%3FNAME%3Dz&HALT=0")
	if sec = sections(t, resp); code != 200 || len(sec.Errors) != 1 || string(sec.Result["y"]) != "1" {
		t.Errorf("halt 0: %d %s", code, resp)
	}
}

// $next, $total, $time and $error are substituted like $result; the
// section name matches in any case but is looked up as written.
func TestBatchReferencesToEverySection(t *testing.T) {
	s, _ := newTestServer(t)
	for i := 1; i <= 60; i++ {
		s.AddGroup(NewGroup(fmt.Sprintf("g%d", i)))
	}
	q := func(k, v string) string { return "&cmd[" + k + "]=" + url.QueryEscape(v) }
	body := "halt=0" + q("p", "sonet_group.get?ORDER[ID]=ASC") +
		q("bad", "sonet_group.update?GROUP_ID=999") +
		q("page2", "sonet_group.get?ORDER[ID]=ASC&start=$next[p]") +
		q("mk", "sonet_group.create?NAME="+url.QueryEscape("t=$total[p] n=$next[p] s=$time[p][start] f=$time[p][finish]")+
			"&DESCRIPTION="+url.QueryEscape("e=$error[bad][error_description] r=$RESULT[p][0][NAME] c=$result[p][0][NAME][1]")+
			"&KEYWORDS=$total[p]")
	code, resp := callForm(t, s, "batch", body)
	sec := sections(t, resp)
	var page2 []struct{ ID string }
	if err := json.Unmarshal(sec.Result["page2"], &page2); err != nil || code != 200 || len(page2) != 10 || page2[0].ID != "51" {
		t.Fatalf("page2 via $next: %d %v %s", code, err, sec.Result["page2"])
	}
	g, ok := s.Group(61)
	if !ok || g.Name != "t=60 n=50 s=1773925287 f=1773925287.01" ||
		g.Description != "e=Socialnetwork group not found r=$RESULT[p][0][NAME] c=1" || g.Keywords != "60" {
		t.Errorf("group %+v (%s)", g, resp)
	}
}

// A JSON number for halt is cast as the number it decodes to: 0.0 is
// false, 0.5 is true (not the text "0.0", which would be true).
func TestBatchHaltJSONNumber(t *testing.T) {
	for _, tc := range []struct {
		halt    string
		results int
	}{{"0.0", 1}, {"-0", 1}, {"0e3", 1}, {"0.5", 0}, {"2", 0}} {
		s, _ := newTestServer(t)
		code, resp := callJSON(t, s, "batch", `{"halt":`+tc.halt+`,"cmd":{"x":"sonet_group.update?GROUP_ID=9","y":"sonet_group.create?NAME=z"}}`)
		if sec := sections(t, resp); code != 200 || len(sec.Errors) != 1 || len(sec.Result) != tc.results {
			t.Errorf("halt %s: %d %s", tc.halt, code, resp)
		}
	}
}
