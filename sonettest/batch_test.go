package sonettest

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

func TestBatchReferencesAndSections(t *testing.T) {
	s, _ := newTestServer(t)
	form := url.Values{}
	form.Set("cmd[make]", "sonet_group.create?NAME=Made")
	form.Set("cmd[list]", "sonet_group.get?FILTER[ID]=$result[make]")
	form.Set("cmd[bad]", "sonet_group.update?GROUP_ID=999")
	form.Set("cmd[use]", "sonet_group.update?GROUP_ID=$result[list][0][ID]&DESCRIPTION=from+$result[list][0][NAME]+$result[bad]")
	// url.Values sorts keys; send them in a chosen order instead.
	body := "cmd%5Bmake%5D=" + url.QueryEscape(form.Get("cmd[make]")) +
		"&cmd%5Blist%5D=" + url.QueryEscape(form.Get("cmd[list]")) +
		"&cmd%5Bbad%5D=" + url.QueryEscape(form.Get("cmd[bad]")) +
		"&cmd%5Buse%5D=" + url.QueryEscape(form.Get("cmd[use]"))
	code, resp := callForm(t, s, "batch", body)
	if code != 200 {
		t.Fatalf("%d %s", code, resp)
	}
	e := decode(t, resp)
	res := string(e.Result)
	for _, want := range []string{
		`{"result":{"make":1,"list":[{"ID":"1",`,
		`"use":1},"result_error":{"bad":{"error":"","error_description":"Socialnetwork group not found"}},"result_total":{"list":1},"result_next":[],"result_time":{"make":{"start":1773925287,`,
	} {
		if !strings.Contains(res, want) {
			t.Errorf("batch result lacks %s\n%s", want, res)
		}
	}
	g, _ := s.Group(1)
	if g.Description != "from Made $result[bad]" {
		t.Errorf("description %q", g.Description)
	}
}

func TestBatchJSONHaltAndLimits(t *testing.T) {
	s, _ := newTestServer(t)
	code, resp := callJSON(t, s, "batch", `{"halt":1,"cmd":["sonet_group.update?GROUP_ID=5","sonet_group.create?NAME=x"]}`)
	want := `{"result":{"result":[],"result_error":[{"error":"","error_description":"Socialnetwork group not found"}],` +
		`"result_total":[],"result_next":[],"result_time":[]}}`
	if code != 200 || withoutTime(resp) != want || len(s.Groups()) != 0 {
		t.Errorf("halt: %d %s", code, resp)
	}
	code, resp = callJSON(t, s, "batch", `{"halt":0,"cmd":["sonet_group.update?GROUP_ID=5","sonet_group.create?NAME=x"]}`)
	if code != 200 || !strings.HasPrefix(resp, `{"result":{"result":{"1":1},"result_error":[{"error":"",`) || len(s.Groups()) != 1 {
		t.Errorf("no halt: %d %s", code, resp)
	}
	code, resp = callJSON(t, s, "batch", `{"cmd":{"a":"no.such"}}`)
	if want := `{"result":{"result":[],"result_error":{"a":{"error":"ERROR_METHOD_NOT_FOUND","error_description":"Method not found!"}},` +
		`"result_total":[],"result_next":[],"result_time":[]}}`; code != 200 || withoutTime(resp) != want {
		t.Errorf("unknown: %d %s", code, resp)
	}
	_, resp = callJSON(t, s, "batch", `{"cmd":{"p":"sonet_group.get?start=0"}}`)
	if !strings.Contains(resp, `"result_total":{"p":1},"result_next":[],"result_time":{"p":{"start":1773925287,`) {
		t.Errorf("paging in batch: %s", resp)
	}
}

func TestBatchCountsOnceForRateLimit(t *testing.T) {
	s, _ := newTestServer(t, WithRateLimit(1, 2))
	var cmds []string
	for i := 0; i < 10; i++ {
		cmds = append(cmds, fmt.Sprintf(`"sonet_group.create?NAME=n%d"`, i))
	}
	for i, want := range []int{200, 200, 503} {
		if code, _ := callJSON(t, s, "batch", `{"cmd":[`+strings.Join(cmds, ",")+`]}`); code != want {
			t.Errorf("batch %d: %d", i, code)
		}
	}
	if len(s.Groups()) != 20 {
		t.Errorf("groups %d", len(s.Groups()))
	}
}
