package sonettest

import (
	"testing"
)

func TestWorkgroupGet(t *testing.T) {
	s, _ := newTestServer(t)
	bob := s.AddUser(User{Name: "Bob"})
	g := NewGroup("Alpha")
	g.Keywords = "one, two"
	g.Project = true
	g.Members = map[int]string{bob: "K", 3: "Z"}
	s.AddGroup(g)
	code, body := callJSON(t, s, "socialnetwork.api.workgroup.get", `{"params":{"groupId":1,"select":["TAGS","AVATAR"]}}`)
	want := `{"result":{"ID":1,"ACTIVE":"Y","SITE_ID":"s1","SUBJECT_ID":1,"NAME":"Alpha","DESCRIPTION":"","KEYWORDS":"one, two",` +
		`"CLOSED":"N","VISIBLE":"Y","OPENED":"N","DATE_CREATE":"03\/19\/2026 15:01:27","DATE_UPDATE":"03\/19\/2026 15:01:27",` +
		`"DATE_ACTIVITY":"03\/19\/2026 15:01:27","IMAGE_ID":0,"AVATAR_TYPE":"","OWNER_ID":1,"INITIATE_PERMS":"K",` +
		`"NUMBER_OF_MEMBERS":2,"NUMBER_OF_MODERATORS":1,"PROJECT":"Y","PROJECT_DATE_START":null,"PROJECT_DATE_FINISH":null,` +
		`"SEARCH_INDEX":"Alpha","LANDING":"N","SCRUM_OWNER_ID":0,"SCRUM_SPRINT_DURATION":0,"SCRUM_TASK_RESPONSIBLE":"",` +
		`"TYPE":"project","MEMBERS":[1,2],"CHAT_ID":0,"DIALOG_ID":"","ORDINARY_MEMBERS":[2],"INVITED_MEMBERS":[3],` +
		`"MODERATOR_MEMBERS":[],"SITE_IDS":["s1"],"TAGS":["one","two"],"AVATAR":""}}`
	if code != 200 || withoutTime(body) != want {
		t.Errorf("%d %s\nwant %s", code, body, want)
	}
	code, body = callJSON(t, s, "socialnetwork.api.workgroup.get", `{"params":{}}`)
	expectErr(t, code, body, 400, "SONET_CONTROLLER_WORKGROUP_EMPTY", "No value for the workgroup ID was provided.")
	code, body = callForm(t, s, "socialnetwork.api.workgroup.get", "params[groupId]=7")
	expectErr(t, code, body, 400, "SONET_CONTROLLER_WORKGROUP_NOT_FOUND", "Workgroup not found.")
}

func TestWorkgroupList(t *testing.T) {
	s, clk := newTestServer(t)
	seedFilterGroups(s, clk)
	code, body := callJSON(t, s, "socialnetwork.api.workgroup.list", `{"filter":{"%NAME":"proj"},"order":{"ID":"ASC"}}`)
	if want := `{"result":{"workgroups":[{"id":"1"},{"id":"3"}]},"total":2}`; code != 200 || withoutTime(body) != want {
		t.Errorf("%d %s", code, body)
	}
	code, body = callJSON(t, s, "socialnetwork.api.workgroup.list",
		`{"filter":{"=%NAME":"%a"},"select":["NAME","TYPE","AVATAR"],"start":-1}`)
	want := `{"result":{"workgroups":[{"id":"4","name":"Delta","imageId":null,"avatarType":null,"type":"group","avatar":""},` +
		`{"id":"2","name":"beta","imageId":null,"avatarType":null,"type":"project","avatar":""},` +
		`{"id":"1","name":"Project Alpha","imageId":null,"avatarType":null,"type":"project","avatar":""}]}}`
	if code != 200 || withoutTime(body) != want {
		t.Errorf("%d %s\nwant %s", code, body, want)
	}
}
