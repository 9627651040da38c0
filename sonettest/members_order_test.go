package sonettest

import (
	"fmt"
	"testing"
)

// The member methods check in the REST class's order: group ID,
// administrator, role (update), user IDs, then the group.
func TestMemberChecksRunInPortalOrder(t *testing.T) {
	s, _ := newTestServer(t)
	bob := s.AddUser(User{Name: "Bob"})
	s.AddGroup(NewGroup("Team"))
	asBob := func(method, body string) (int, string) {
		return do(t, "POST", s.WebhookURLFor(bob)+method, "application/json", body)
	}
	for _, tc := range []struct {
		admin        bool
		method, body string
		desc         string
	}{
		{false, "sonet_group.user.add", `{"GROUP_ID":0}`, "Wrong group ID"},
		{false, "sonet_group.user.add", `{"GROUP_ID":9}`, "No permissions to add users"},
		{false, "sonet_group.user.update", `{"GROUP_ID":9,"ROLE":"X"}`, "No permissions to update users role"},
		{true, "sonet_group.user.update", `{"GROUP_ID":9,"ROLE":"X"}`, "Incorrect role code"},
		{true, "sonet_group.user.update", `{"GROUP_ID":9,"ROLE":["E"],"USER_ID":2}`, "Incorrect role code"},
		{true, "sonet_group.user.update", `{"GROUP_ID":9,"ROLE":"E"}`, "Wrong user IDs"},
		{true, "sonet_group.user.update", `{"GROUP_ID":9,"ROLE":"E","USER_ID":[]}`, "Wrong user IDs"},
		{true, "sonet_group.user.delete", `{"GROUP_ID":9,"USER_ID":0}`, "Wrong user IDs"},
		{true, "sonet_group.user.delete", `{"GROUP_ID":9,"USER_ID":[0]}`, "Socialnetwork group not found"},
		{false, "sonet_group.user.invite", `{"GROUP_ID":9}`, "Wrong user IDs"},
		{false, "sonet_group.user.invite", `{"GROUP_ID":9,"USER_ID":1}`, "Socialnetwork group not found"},
	} {
		var code int
		var body string
		if tc.admin {
			code, body = callJSON(t, s, tc.method, tc.body)
		} else {
			code, body = asBob(tc.method, tc.body)
		}
		expectErr(t, code, body, 400, "", tc.desc)
	}
}

// A USER_ID list is not checked entry by entry: 0 and unknown IDs are
// skipped and the valid ones are added, in ascending order, once each.
func TestUserAddListWithZeroAddsTheValidIDs(t *testing.T) {
	s, _ := newTestServer(t)
	bob := s.AddUser(User{Name: "Bob"})
	eve := s.AddUser(User{Name: "Eve"})
	s.AddGroup(NewGroup("Team"))
	code, body := callJSON(t, s, "sonet_group.user.add", fmt.Sprintf(`{"GROUP_ID":1,"USER_ID":[0,%d,77,%d,%d]}`, eve, bob, eve))
	if code != 200 || withoutTime(body) != `{"result":["2","3"]}` {
		t.Errorf("%d %s", code, body)
	}
	g, _ := s.Group(1)
	if fmt.Sprint(g.Members, g.InitiatedBy) != "map[1:A 2:K 3:K] map[1:U 2:G 3:G]" {
		t.Errorf("%v %v", g.Members, g.InitiatedBy)
	}
}

// user.update changes pending relations too and answers in relation
// order; user.delete removes pending relations and keeps the owner.
func TestUserUpdateAndDeleteFollowRelations(t *testing.T) {
	s, _ := newTestServer(t)
	bob := s.AddUser(User{Name: "Bob"})
	eve := s.AddUser(User{Name: "Eve"})
	g := NewGroup("Team")
	g.Members = map[int]Role{eve: RoleMember, bob: RoleRequest}
	s.AddGroup(g)
	code, body := callJSON(t, s, "sonet_group.user.update", fmt.Sprintf(`{"GROUP_ID":1,"USER_ID":[%d,%d,1],"ROLE":"E"}`, eve, bob))
	if code != 200 || withoutTime(body) != `{"result":["2","3"]}` {
		t.Errorf("update: %d %s", code, body)
	}
	code, body = callJSON(t, s, "sonet_group.user.delete", fmt.Sprintf(`{"GROUP_ID":1,"USER_ID":[%d,1,%d]}`, eve, bob))
	if code != 200 || withoutTime(body) != `{"result":["2","3"]}` {
		t.Errorf("delete: %d %s", code, body)
	}
}

// user.groups lists memberships in the order they were made, not by
// group ID; pending relations are left out.
func TestUserGroupsInMembershipOrder(t *testing.T) {
	s, _ := newTestServer(t)
	bob := s.AddUser(User{Name: "Bob"})
	for _, name := range []string{"One", "Two", "Three"} {
		s.AddGroup(NewGroup(name))
	}
	for _, step := range []string{`{"GROUP_ID":3,"USER_ID":2}`, `{"GROUP_ID":1,"USER_ID":2}`} {
		if code, body := callJSON(t, s, "sonet_group.user.add", step); code != 200 {
			t.Fatalf("%d %s", code, body)
		}
	}
	callJSON(t, s, "sonet_group.user.invite", `{"GROUP_ID":2,"USER_ID":2}`)
	code, body := do(t, "POST", s.WebhookURLFor(bob)+"sonet_group.user.groups", "application/json", `{}`)
	want := `{"result":[{"GROUP_ID":"3","GROUP_NAME":"Three","ROLE":"K","GROUP_IMAGE_ID":null,"GROUP_IMAGE":""},` +
		`{"GROUP_ID":"1","GROUP_NAME":"One","ROLE":"K","GROUP_IMAGE_ID":null,"GROUP_IMAGE":""}]}`
	if code != 200 || withoutTime(body) != want {
		t.Errorf("%d %s", code, body)
	}
}

// invite and request look the group up with the permission check even
// for an administrator: a secret group he is not in is not found.
func TestAdminCannotInviteToOrRequestSecretGroupHeIsNotIn(t *testing.T) {
	s, _ := newTestServer(t)
	bob := s.AddUser(User{Name: "Bob"})
	eve := s.AddUser(User{Name: "Eve"})
	secret := NewGroup("Hidden")
	secret.OwnerID, secret.Visible = bob, false
	s.AddGroup(secret)
	code, body := callJSON(t, s, "sonet_group.user.invite", fmt.Sprintf(`{"GROUP_ID":1,"USER_ID":%d}`, eve))
	expectErr(t, code, body, 400, "", "Socialnetwork group not found")
	code, body = callJSON(t, s, "sonet_group.user.request", `{"GROUP_ID":1}`)
	expectErr(t, code, body, 400, "", "Socialnetwork group not found")
	code, body = callJSON(t, s, "sonet_group.user.add", fmt.Sprintf(`{"GROUP_ID":1,"USER_ID":%d}`, eve))
	if code != 200 || withoutTime(body) != `{"result":["3"]}` {
		t.Errorf("user.add still finds it for an administrator: %d %s", code, body)
	}
	g, _ := s.Group(1)
	if fmt.Sprint(g.Members) != "map[2:A 3:K]" {
		t.Errorf("members %v", g.Members)
	}
}

// feature.access answers false for a group that does not exist or that
// the caller cannot see; only a GROUP_ID <= 0 is an error.
func TestFeatureAccessUnknownOrSecretGroupIsFalse(t *testing.T) {
	s, _ := newTestServer(t)
	bob := s.AddUser(User{Name: "Bob"})
	secret := NewGroup("Hidden")
	secret.Visible, secret.Opened = false, true
	s.AddGroup(secret)
	for _, tc := range []struct {
		user int
		body string
		want string
	}{
		{bob, `{"GROUP_ID":1,"FEATURE":"files","OPERATION":"view"}`, "false"},
		{bob, `{"GROUP_ID":42,"FEATURE":"files","OPERATION":"view"}`, "false"},
		{1, `{"GROUP_ID":42,"FEATURE":"files","OPERATION":"view"}`, "false"},
		{1, `{"GROUP_ID":1,"FEATURE":"files","OPERATION":"view"}`, "true"},
	} {
		code, body := do(t, "POST", s.WebhookURLFor(tc.user)+"sonet_group.feature.access", "application/json", tc.body)
		if code != 200 || withoutTime(body) != `{"result":`+tc.want+`}` {
			t.Errorf("user %d %s: %d %s", tc.user, tc.body, code, body)
		}
	}
}
