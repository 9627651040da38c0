package sonettest

import (
	"fmt"
	"testing"
)

func TestMembersRoundTrip(t *testing.T) {
	s, _ := newTestServer(t)
	bob := s.AddUser(User{Name: "Bob"})
	eve := s.AddUser(User{Name: "Eve"})
	fired := s.AddUser(User{Name: "Old", Fired: true})
	id := s.AddGroup(NewGroup("Team"))
	steps := []struct{ method, body, want string }{
		{"sonet_group.user.add", fmt.Sprintf(`{"GROUP_ID":%d,"USER_ID":[%d,%d,%d,99,1]}`, id, bob, eve, fired), `["2","3","4"]`},
		{"sonet_group.user.add", fmt.Sprintf(`{"GROUP_ID":%d,"USER_ID":%d}`, id, bob), `[]`},
		{"sonet_group.user.update", fmt.Sprintf(`{"GROUP_ID":%d,"USER_ID":[1,%d,%d],"ROLE":"E"}`, id, bob, eve), `["2","3"]`},
		{"sonet_group.user.update", fmt.Sprintf(`{"GROUP_ID":%d,"USER_ID":[%d],"ROLE":"E"}`, id, bob), `[]`},
		{"sonet_group.user.get", fmt.Sprintf(`{"ID":%d}`, id), `[{"USER_ID":"1","ROLE":"A"},{"USER_ID":"2","ROLE":"E"},{"USER_ID":"3","ROLE":"E"}]`},
		{"sonet_group.user.delete", fmt.Sprintf(`{"GROUP_ID":%d,"USER_ID":[1,%d]}`, id, eve), `["3"]`},
		{"sonet_group.user.invite", fmt.Sprintf(`{"GROUP_ID":%d,"USER_ID":[1,%d,%d],"MESSAGE":"hi"}`, id, bob, eve), `["3"]`},
		{"sonet_group.user.groups", `{}`, `[{"GROUP_ID":"1","GROUP_NAME":"Team","ROLE":"A","GROUP_IMAGE_ID":null,"GROUP_IMAGE":""}]`},
	}
	for _, st := range steps {
		code, body := callJSON(t, s, st.method, st.body)
		if want := `{"result":` + st.want + `}`; code != 200 || withoutTime(body) != want {
			t.Errorf("%s %s: %d %s, want %s", st.method, st.body, code, body, want)
		}
	}
	g, _ := s.Group(id)
	if fmt.Sprint(g.Members) != "map[1:A 2:E 3:Z 4:K]" {
		t.Errorf("members %v", g.Members)
	}
	errs := []struct{ method, body, desc string }{
		{"sonet_group.user.add", `{"USER_ID":2}`, "Wrong group ID"},
		{"sonet_group.user.add", `{"GROUP_ID":1}`, "Wrong user IDs"},
		{"sonet_group.user.add", `{"GROUP_ID":9,"USER_ID":2}`, "Socialnetwork group not found"},
		{"sonet_group.user.update", `{"GROUP_ID":1,"USER_ID":2,"ROLE":"A"}`, "Incorrect role code"},
		{"sonet_group.user.get", `{"GROUP_ID":1}`, "Wrong socialnetwork group ID"},
		{"sonet_group.user.get", `{"ID":9}`, "Socialnetwork group not found"},
		{"sonet_group.user.request", `{"GROUP_ID":1}`, "Cannot request to join group"},
	}
	for _, e := range errs {
		code, body := callJSON(t, s, e.method, e.body)
		expectErr(t, code, body, 400, "", e.desc)
	}
	code, body := do(t, "POST", s.WebhookURLFor(bob)+"sonet_group.user.add", "application/json", `{"GROUP_ID":1,"USER_ID":3}`)
	expectErr(t, code, body, 400, "", "No permissions to add users")
	code, body = do(t, "POST", s.WebhookURLFor(bob)+"sonet_group.user.delete", "application/json", `{"GROUP_ID":1,"USER_ID":3}`)
	expectErr(t, code, body, 400, "", "No permissions to update users role")
}

func TestUserRequest(t *testing.T) {
	s, _ := newTestServer(t)
	bob := s.AddUser(User{Name: "Bob"})
	open := NewGroup("Open")
	open.Opened = true
	s.AddGroup(open)
	s.AddGroup(NewGroup("Closed door"))
	for _, id := range []int{1, 2} {
		code, body := do(t, "POST", s.WebhookURLFor(bob)+"sonet_group.user.request", "application/json", fmt.Sprintf(`{"GROUP_ID":%d,"MESSAGE":"me"}`, id))
		if code != 200 || withoutTime(body) != `{"result":true}` {
			t.Fatalf("%d %s", code, body)
		}
	}
	g1, _ := s.Group(1)
	g2, _ := s.Group(2)
	if g1.Members[bob] != "K" || g2.Members[bob] != "Z" {
		t.Errorf("roles %v %v", g1.Members, g2.Members)
	}
}

func TestSetOwner(t *testing.T) {
	s, _ := newTestServer(t)
	bob := s.AddUser(User{Name: "Bob"})
	carol := s.AddUser(User{Name: "Carol"})
	g := NewGroup("G")
	g.OwnerID = bob
	id := s.AddGroup(g)
	code, body := do(t, "POST", s.WebhookURLFor(carol)+"sonet_group.setowner", "application/json", `{"GROUP_ID":1,"USER_ID":3}`)
	expectErr(t, code, body, 400, "", "User has no permissions to change group owner")
	code, body = callJSON(t, s, "sonet_group.setowner", `{"GROUP_ID":1,"USER_ID":77}`)
	expectErr(t, code, body, 400, "", "Wrong new owner ID")
	code, body = callJSON(t, s, "sonet_group.setowner", `{"USER_ID":3}`)
	expectErr(t, code, body, 400, "", "Wrong group ID")
	code, body = do(t, "POST", s.WebhookURLFor(bob)+"sonet_group.setowner", "application/json", fmt.Sprintf(`{"GROUP_ID":%d,"USER_ID":%d}`, id, carol))
	if code != 200 || withoutTime(body) != `{"result":true}` {
		t.Fatalf("%d %s", code, body)
	}
	got, _ := s.Group(id)
	if got.OwnerID != carol || fmt.Sprint(got.Members) != "map[2:K 3:A]" {
		t.Errorf("after setowner %+v", got)
	}
	_, body = callJSON(t, s, "sonet_group.user.get", `{"ID":1}`)
	if withoutTime(body) != `{"result":[{"USER_ID":"2","ROLE":"K"},{"USER_ID":"3","ROLE":"A"}]}` {
		t.Errorf("user.get %s", body)
	}
}

func TestFeatureAccess(t *testing.T) {
	s, _ := newTestServer(t)
	bob := s.AddUser(User{Name: "Bob"})
	out := s.AddUser(User{Name: "Out"})
	g := NewGroup("G")
	g.Members = map[int]Role{bob: "K"}
	s.AddGroup(g)
	cases := []struct {
		user        int
		feature, op string
		want        string
	}{
		{1, "tasks", "delete_tasks", "true"},
		{bob, "blog", "write_post", "true"},
		{bob, "blog", "moderate_post", "false"},
		{bob, "files", "view", "true"},
		{out, "files", "view", "false"},
		{out, "photo", "write", "false"},
	}
	for _, c := range cases {
		code, body := do(t, "POST", s.WebhookURLFor(c.user)+"sonet_group.feature.access", "application/json",
			fmt.Sprintf(`{"GROUP_ID":1,"FEATURE":%q,"OPERATION":%q}`, c.feature, c.op))
		if code != 200 || withoutTime(body) != `{"result":`+c.want+`}` {
			t.Errorf("%+v: %d %s", c, code, body)
		}
	}
	for _, e := range []struct{ body, desc string }{
		{`{"GROUP_ID":0,"FEATURE":"blog","OPERATION":"view_post"}`, "Wrong socialnetwork group ID"},
		{`{"GROUP_ID":5,"FEATURE":"wiki","OPERATION":"view"}`, "Wrong feature"},
		{`{"GROUP_ID":1,"FEATURE":"wiki","OPERATION":"view"}`, "Wrong feature"},
		{`{"GROUP_ID":1,"FEATURE":"blog","OPERATION":"view"}`, "Wrong operation"},
	} {
		code, body := callJSON(t, s, "sonet_group.feature.access", e.body)
		expectErr(t, code, body, 400, "", e.desc)
	}
}

// The REST class trims FEATURE and OPERATION with PHP's trim: spaces, tabs,
// line ends, NUL and vertical tab go; a form feed or a no-break space stays
// and makes the name unknown.
func TestFeatureAccessTrimsAsPHPDoes(t *testing.T) {
	s, _ := newTestServer(t)
	s.AddGroup(NewGroup("G"))
	for _, ok := range []string{`" blog\t"`, `"\u0000blog\n"`, `"\u000bblog\r"`} {
		code, body := callJSON(t, s, "sonet_group.feature.access", `{"GROUP_ID":1,"FEATURE":`+ok+`,"OPERATION":"view_post"}`)
		if code != 200 || withoutTime(body) != `{"result":true}` {
			t.Errorf("%s: %d %s", ok, code, body)
		}
	}
	for _, bad := range []string{`"blog\f"`, `"\u00a0blog"`} {
		code, body := callJSON(t, s, "sonet_group.feature.access", `{"GROUP_ID":1,"FEATURE":`+bad+`,"OPERATION":"view_post"}`)
		expectErr(t, code, body, 400, "", "Wrong feature")
	}
	code, body := callJSON(t, s, "sonet_group.feature.access", `{"GROUP_ID":1,"FEATURE":"blog","OPERATION":"view_post\f"}`)
	expectErr(t, code, body, 400, "", "Wrong operation")
}
