package sonettest

import (
	"net/url"
	"testing"
)

// The REST class casts ID parameters with (int): an array is 0 when empty
// and 1 otherwise. So a batch reference to a row a list did not return
// (the walk stops at the row list and substitutes it) makes a delete aim
// at group 1, as it would on a portal.
func TestArrayIDCountsAsPHPIntCast(t *testing.T) {
	s, _ := newTestServer(t)
	s.AddGroup(NewGroup("Keep"))
	s.AddGroup(NewGroup("Target"))
	code, body := callForm(t, s, "batch", "halt=1&cmd[list]="+url.QueryEscape("sonet_group.get?FILTER[ID]=2")+
		"&cmd[del]="+url.QueryEscape("sonet_group.delete?GROUP_ID=$result[list][3][ID]"))
	if code != 200 || len(sections(t, body).Errors) != 0 {
		t.Fatalf("%d %s", code, body)
	}
	if _, ok := s.Group(1); ok {
		t.Errorf("group 1 survived a delete whose GROUP_ID was the row list")
	}
	if _, ok := s.Group(2); !ok {
		t.Errorf("group 2 was deleted")
	}

	// An empty list casts to 0.
	code, body = callJSON(t, s, "sonet_group.delete", `{"GROUP_ID":[]}`)
	expectErr(t, code, body, 400, "", "Wrong group ID")
	// Directly too: a non-empty array is group 1 for every method that
	// casts it.
	s.AddGroup(NewGroup("One again")) // ID 3
	code, body = callJSON(t, s, "sonet_group.feature.access", `{"GROUP_ID":[3],"FEATURE":"blog","OPERATION":"view_post"}`)
	if code != 200 || withoutTime(body) != `{"result":false}` {
		t.Errorf("feature.access on group 1 (gone): %d %s", code, body)
	}
	code, body = callJSON(t, s, "sonet_group.user.get", `{"ID":{"a":"3"}}`)
	expectErr(t, code, body, 400, "", "Socialnetwork group not found")
}
