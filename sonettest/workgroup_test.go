package sonettest

import (
	"encoding/json"
	"strings"
	"testing"
)

// seedScrum stores a scrum with a request and an invitation pending:
// owner 1 (Admin), master Bob (2), members Zed (5) and Eve (3), Ann (4)
// asked to join, Max (6) was invited.
func seedScrum(s *Server) {
	for _, n := range []string{"Bob", "Eve", "Ann", "Zed", "Max"} {
		s.AddUser(User{Name: n})
	}
	g := NewGroup("Sprinters")
	g.Description, g.Keywords = "Fast team", "zeta, Alpha"
	g.Project, g.ScrumMasterID, g.ScrumOwnerID, g.ScrumSprintDuration, g.ChatID = true, 2, 1, 1209600, 34
	g.SubjectName = "Projects"
	g.Members = map[int]Role{2: RoleModerator, 5: RoleMember, 3: RoleMember, 4: RoleRequest, 6: RoleRequest}
	g.InitiatedBy = map[int]string{4: "U"}
	s.AddGroup(g)
}

func TestWorkgroupGetBaseFieldsAndBlocks(t *testing.T) {
	s, _ := newTestServer(t)
	seedScrum(s)
	code, body := callJSON(t, s, "socialnetwork.api.workgroup.get", `{"params":{"groupId":1,`+
		`"select":["TAGS","AVATAR","OWNER_DATA","SUBJECT_DATA","ACTIONS","USER_DATA","PRIVACY_TYPE","PIN","tags"],"mode":"mobile"}}`)
	want := `{"result":{"ID":1,"ACTIVE":"Y","SITE_ID":"s1","SUBJECT_ID":1,"NAME":"Sprinters","DESCRIPTION":"Fast team",` +
		`"KEYWORDS":"zeta, Alpha","CLOSED":"N","VISIBLE":"Y","OPENED":"N","DATE_CREATE":"03\/19\/2026 15:01:27",` +
		`"DATE_UPDATE":"03\/19\/2026 15:01:27","DATE_ACTIVITY":"03\/19\/2026 15:01:27","IMAGE_ID":0,"AVATAR_TYPE":"",` +
		`"OWNER_ID":1,"INITIATE_PERMS":"K","NUMBER_OF_MEMBERS":4,"NUMBER_OF_MODERATORS":2,"PROJECT":"Y",` +
		`"PROJECT_DATE_START":null,"PROJECT_DATE_FINISH":null,"SEARCH_INDEX":"Sprinters Fast team zeta #zeta Alpha #Alpha Admin",` +
		`"LANDING":"N","SCRUM_OWNER_ID":1,"SCRUM_MASTER_ID":2,"SCRUM_SPRINT_DURATION":1209600,"SCRUM_TASK_RESPONSIBLE":"A",` +
		`"TYPE":"scrum","MEMBERS":[1,2,3,5],"CHAT_ID":34,"DIALOG_ID":"chat34","ORDINARY_MEMBERS":[3,5],"INVITED_MEMBERS":[6],` +
		`"MODERATOR_MEMBERS":[2],"SITE_IDS":["s1"],"AVATAR":"","OWNER_DATA":{"ID":1,"PHOTO":null,"FORMATTED_NAME":"Admin"},` +
		`"SUBJECT_DATA":{"ID":1,"NAME":"Projects"},"TAGS":["Alpha","zeta"],` +
		`"ACTIONS":{"EDIT":true,"DELETE":true,"INVITE":true,"JOIN":false,"LEAVE":false,"FOLLOW":true,"PIN":true,"EDIT_FEATURES":true},` +
		`"USER_DATA":{"ROLE":"A","INITIATED_BY_TYPE":"U","IS_SUBSCRIBED":true},"IS_PIN":false,"PRIVACY_CODE":"closed",` +
		`"NUMBER_OF_MEMBERS_PLURAL":1,"ADDITIONAL_DATA":{"ROLE":"A","INITIATED_BY_TYPE":"U"}}}`
	if code != 200 || withoutTime(body) != want {
		t.Errorf("%d %s\nwant %s", code, withoutTime(body), want)
	}
}

// The caller's relation shows in USER_DATA (false for none) and
// ADDITIONAL_DATA ("" for none); a pending request is role Z initiated
// by the user; mobile mode lists the asked-for features.
func TestWorkgroupGetCallerRelation(t *testing.T) {
	s, _ := newTestServer(t)
	seedScrum(s)
	for _, tc := range []struct {
		user int
		want string
	}{
		{4, `"USER_DATA":{"ROLE":"Z","INITIATED_BY_TYPE":"U","IS_SUBSCRIBED":false},"NUMBER_OF_MEMBERS_PLURAL":1,` +
			`"ADDITIONAL_DATA":{"FEATURES":["files"],"ROLE":"Z","INITIATED_BY_TYPE":"U"}}`},
		{5, `"USER_DATA":{"ROLE":"K","INITIATED_BY_TYPE":"G","IS_SUBSCRIBED":true},"NUMBER_OF_MEMBERS_PLURAL":1,` +
			`"ADDITIONAL_DATA":{"FEATURES":["tasks","files"],"ROLE":"K","INITIATED_BY_TYPE":"G"}}`},
	} {
		code, body := do(t, "POST", s.WebhookURLFor(tc.user)+"socialnetwork.api.workgroup.get", "application/json",
			`{"params":{"groupId":1,"select":["USER_DATA"],"mode":"mobile","features":["tasks","files","nope"],"mandatoryFeatures":["files"]}}`)
		if code != 200 || !strings.HasSuffix(withoutTime(body), tc.want+"}") {
			t.Errorf("user %d: %d %s\nwant suffix %s", tc.user, code, withoutTime(body), tc.want)
		}
	}
	s.AddUser(User{Name: "Out"})
	_, body := do(t, "POST", s.WebhookURLFor(7)+"socialnetwork.api.workgroup.get", "application/json",
		`{"params":{"groupId":1,"select":["USER_DATA","ACTIONS"],"mode":"mobile"}}`)
	if want := `"ACTIONS":{"EDIT":false,"DELETE":false,"INVITE":false,"JOIN":true,"LEAVE":false,"FOLLOW":false,"PIN":false,"EDIT_FEATURES":false},` +
		`"USER_DATA":{"ROLE":false,"INITIATED_BY_TYPE":false,"IS_SUBSCRIBED":false},"NUMBER_OF_MEMBERS_PLURAL":1,` +
		`"ADDITIONAL_DATA":{"ROLE":"","INITIATED_BY_TYPE":""}}}`; !strings.HasSuffix(withoutTime(body), want) {
		t.Errorf("outsider: %s", body)
	}
}

// Empty texts are null, a group of one has the singular plural form, the
// search index has no empty parts.
func TestWorkgroupGetEmptyTextAndPlural(t *testing.T) {
	s, _ := newTestServer(t)
	s.AddGroup(NewGroup("Solo"))
	code, body := callJSON(t, s, "socialnetwork.api.workgroup.get", `{"params":{"groupId":1,"select":["PRIVACY_TYPE"]}}`)
	var r map[string]any
	if err := json.Unmarshal(decode(t, body).Result, &r); err != nil || code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	if r["DESCRIPTION"] != nil || r["KEYWORDS"] != nil || r["SEARCH_INDEX"] != "Solo Admin" ||
		r["NUMBER_OF_MEMBERS_PLURAL"] != 0.0 || r["PRIVACY_CODE"] != "closed" || r["TYPE"] != "group" {
		t.Errorf("%s", body)
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
		`{"filter":{"=%NAME":"%a"},"select":["NAME","TYPE","AVATAR"],"order":{"ID":"desc"},"start":-1}`)
	want := `{"result":{"workgroups":[{"name":"Delta","type":"group","id":"4","imageId":null,"avatarType":null,"avatar":""},` +
		`{"name":"beta","type":"project","id":"2","imageId":null,"avatarType":null,"avatar":""},` +
		`{"name":"Project Alpha","type":"project","id":"1","imageId":null,"avatarType":null,"avatar":""}]}}`
	if code != 200 || withoutTime(body) != want {
		t.Errorf("%d %s\nwant %s", code, body, want)
	}
}

// listIDs runs workgroup.list and returns the id column.
func listIDs(t *testing.T, s *Server, body string) string {
	t.Helper()
	code, out := callJSON(t, s, "socialnetwork.api.workgroup.list", body)
	var r struct{ Workgroups []struct{ ID string } }
	if err := json.Unmarshal(decode(t, out).Result, &r); err != nil || code != 200 {
		t.Fatalf("%s: %d %s", body, code, out)
	}
	var ids []string
	for _, w := range r.Workgroups {
		ids = append(ids, w.ID)
	}
	return strings.Join(ids, ",")
}

func TestWorkgroupListOrderAndFilter(t *testing.T) {
	s, clk := newTestServer(t)
	seedFilterGroups(s, clk)
	scrum := NewGroup("Scrum")
	scrum.ScrumMasterID, scrum.Project = 1, true
	s.AddGroup(scrum) // 6
	other := NewGroup("Elsewhere")
	other.SiteID = "s2"
	s.AddGroup(other) // 7
	for _, tc := range []struct{ body, want string }{
		{`{}`, "1,2,3,4,5,6"},
		{`{"order":["NAME"]}`, "2,4,5,3,1,6"},
		{`{"order":{"0":"TYPE","1":"ID"}}`, "3,4,5,1,2,6"},
		{`{"order":{"TYPE":"DESC","ID":"DESC"}}`, "6,2,1,5,4,3"},
		{`{"order":{"type":"asc"}}`, "3,4,5,1,2,6"},
		{`{"filter":{"TYPE":"project"}}`, "1,2"},
		{`{"filter":{"!TYPE":["project","group"]}}`, "6"},
		{`{"filter":{"%TYPE":"RUM"}}`, "6"},
		{`{"filter":{"SITE_ID":"s2","IS_EXTRANET":"Y"}}`, "1,2,3,4,5,6"},
		{`{"params":{"siteId":"s2"}}`, "7"},
	} {
		if got := listIDs(t, s, tc.body); got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.body, got, tc.want)
		}
	}
}

func TestWorkgroupListOrderErrors(t *testing.T) {
	s, clk := newTestServer(t)
	seedFilterGroups(s, clk)
	for _, tc := range []struct{ body, desc string }{
		{`{"order":{"ID":"UP"}}`, `Invalid order \"UP\" (internal error)`},
		{`{"order":{"FOO":"ASC"}}`, "Unknown field definition `FOO` (FOO) for Bitrix\\\\Socialnetwork\\\\Workgroup Entity. (internal error)"},
		{`{"order":["NAME","BAR"]}`, "Unknown field definition `BAR` (BAR) for Bitrix\\\\Socialnetwork\\\\Workgroup Entity. (internal error)"},
	} {
		code, body := callJSON(t, s, "socialnetwork.api.workgroup.list", tc.body)
		if want := `{"error":0,"error_description":"` + tc.desc + `"}`; code != 400 || body != want {
			t.Errorf("%s: %d %s, want %s", tc.body, code, body, want)
		}
	}
	if got := listIDs(t, s, `{"filter":{"ID":99},"order":{"FOO":"UP"}}`); got != "" {
		t.Errorf("no row, no query, no error: %q", got)
	}
}

func TestWorkgroupListMobileAndDialog(t *testing.T) {
	s, _ := newTestServer(t)
	seedScrum(s)
	code, body := do(t, "POST", s.WebhookURLFor(4)+"socialnetwork.api.workgroup.list", "application/json",
		`{"select":["SCRUM_OWNER_ID","SCRUM_MASTER_ID","SCRUM_SPRINT_DURATION","ID"],"params":{"mode":"mobile","shouldSelectDialogId":"Y"}}`)
	want := `{"result":{"workgroups":[{"scrumOwnerId":"1","scrumMasterId":"2","scrumSprintDuration":"1209600","id":"1",` +
		`"additionalData":{"role":"Z","initiatedByType":"U"},"dialogId":"chat34"}]},"total":1}`
	if code != 200 || withoutTime(body) != want {
		t.Errorf("%d %s\nwant %s", code, body, want)
	}
	_, body = callJSON(t, s, "socialnetwork.api.workgroup.list", `{"params":{"mode":"MOBILE","shouldSelectDialogId":"y"}}`)
	if want := `{"result":{"workgroups":[{"id":"1"}]},"total":1}`; withoutTime(body) != want {
		t.Errorf("mode and flag are compared exactly: %s", body)
	}
}

// The portal writes workgroup.get's dates in its regional layout.
func TestWorkgroupGetDateLayout(t *testing.T) {
	for layout, want := range map[string]string{
		"":                    `"DATE_CREATE":"03\/19\/2026 15:01:27"`,
		"02/01/2006 15:04:05": `"DATE_CREATE":"19\/03\/2026 15:01:27"`,
		"02.01.2006 15:04:05": `"DATE_CREATE":"19.03.2026 15:01:27"`,
	} {
		s, _ := newTestServer(t, WithDateLayout(layout))
		s.AddGroup(NewGroup("Dated"))
		code, body := callJSON(t, s, "socialnetwork.api.workgroup.get", `{"params":{"groupId":1}}`)
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("layout %q: %d %s\nwant %s", layout, code, body, want)
		}
	}
}
