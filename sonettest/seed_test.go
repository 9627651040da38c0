package sonettest

import (
	"net/http"
	"strings"
	"sync"
	"testing"
)

func TestNewGroupNeverLeavesANilMap(t *testing.T) {
	g := NewGroup("Team")
	g.Members[2] = RoleMember // panicked before: nil map
	g.InitiatedBy[2] = "U"
	p := NewProject("Launch")
	if !p.Project || p.Members == nil || p.Name != "Launch" {
		t.Fatalf("NewProject = %+v", p)
	}
	s, _ := newTestServer(t)
	s.AddUsers("Bob")
	id := s.AddGroup(g)
	got, _ := s.Group(id)
	if want := map[int]Role{1: RoleOwner, 2: RoleMember}; len(got.Members) != 2 || got.Members[1] != want[1] || got.Members[2] != want[2] {
		t.Errorf("members %v, want %v", got.Members, want)
	}
	// A zero Group works too: AddGroup fills its map.
	id = s.AddGroup(Group{Name: "zero"})
	got, _ = s.Group(id)
	if len(got.Members) != 1 || got.Members[1] != RoleOwner {
		t.Errorf("zero group members %v", got.Members)
	}
}

func TestWithMemberCopiesAndTypesRoles(t *testing.T) {
	base := NewGroup("Team")
	g := base.WithMember(2, RoleModerator).WithMembers(RoleMember, 3, 4)
	if len(base.Members) != 0 {
		t.Errorf("base changed: %v", base.Members)
	}
	if g.Members[2] != RoleModerator || g.Members[3] != RoleMember || g.Members[4] != RoleMember {
		t.Errorf("members %v", g.Members)
	}
	o := g.WithMember(5, RoleOwner)
	if o.OwnerID != 5 || o.Members[5] != RoleOwner {
		t.Errorf("owner %d members %v", o.OwnerID, o.Members)
	}

	s, _ := newTestServer(t)
	s.AddUsers("Bob", "Carol", "Dave")
	id := s.AddGroup(g)
	_, body := callJSON(t, s, "sonet_group.user.get", `{"ID":1}`)
	if want := `{"result":[{"USER_ID":"1","ROLE":"A"},{"USER_ID":"2","ROLE":"E"},{"USER_ID":"3","ROLE":"K"},{"USER_ID":"4","ROLE":"K"}]}`; withoutTime(body) != want || id != 1 {
		t.Errorf("user.get = %s\nwant      %s", withoutTime(body), want)
	}
}

func TestSetMember(t *testing.T) {
	s, _ := newTestServer(t)
	bob := s.AddUsers("Bob")[0]
	id := s.AddGroup(NewGroup("Team"))
	if err := s.SetMember(id, bob, RoleModerator); err != nil {
		t.Fatal(err)
	}
	g, _ := s.Group(id)
	if g.Members[bob] != RoleModerator {
		t.Errorf("bob is %q", g.Members[bob])
	}
	if err := s.SetMember(id, bob, RoleOwner); err != nil {
		t.Fatal(err)
	}
	g, _ = s.Group(id)
	if g.OwnerID != bob || g.Members[1] != RoleMember {
		t.Errorf("owner %d, admin is %q", g.OwnerID, g.Members[1])
	}
	for _, bad := range []struct {
		gid, uid int
		role     Role
		want     string
	}{
		{99, bob, RoleMember, "no group 99"},
		{id, 42, RoleMember, "no user 42"},
		{id, 1, "X", `role "X"`},
		{id, bob, RoleMember, "owns group"},
	} {
		if err := s.SetMember(bad.gid, bad.uid, bad.role); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("SetMember(%d, %d, %q) = %v, want %q", bad.gid, bad.uid, bad.role, err, bad.want)
		}
	}
}

func TestOverrideNthCallOnly(t *testing.T) {
	s, _ := newTestServer(t)
	s.AddGroup(NewGroup("Team"))
	s.Override("SONET_GROUP.UPDATE.json", Nth(2, SonetErrorAnswer("User has no permissions to update group")))
	for i, want := range []int{200, 400, 200} {
		status, body := callJSON(t, s, "sonet_group.update", `{"GROUP_ID":1,"KEYWORDS":"k`+string(rune('0'+i))+`"}`)
		if status != want {
			t.Errorf("call %d: %d %s", i+1, status, body)
		}
		if want == 400 {
			expectErr(t, status, body, 400, "", "User has no permissions to update group")
		}
	}
	// The overridden call changed nothing; the others ran.
	g, _ := s.Group(1)
	if g.Keywords != "k2" {
		t.Errorf("keywords %q, want k2", g.Keywords)
	}
	var statuses []int
	for _, r := range s.Requests() {
		statuses = append(statuses, r.HTTPStatus)
	}
	if len(statuses) != 3 || statuses[1] != 400 || s.Requests()[1].Method != "sonet_group.update" {
		t.Errorf("recorded %v", statuses)
	}
	// Other methods keep their defaults.
	status, body := callJSON(t, s, "sonet_group.get", `{}`)
	if status != 200 || ids(t, body) != "1" {
		t.Errorf("get = %d %s", status, body)
	}
}

func TestOverrideAlwaysAndRemoval(t *testing.T) {
	s, _ := newTestServer(t)
	s.Override("sonet_group.get", Always(ResultAnswer([]map[string]string{{"ID": "7", "NAME": "Fixed"}}, &Page{Total: 60, Next: 50, HasNext: true})))
	status, body := callJSON(t, s, "sonet_group.get", `{}`)
	if want := `{"result":[{"ID":"7","NAME":"Fixed"}],"next":50,"total":60}`; status != 200 || withoutTime(body) != want {
		t.Errorf("got %d %s, want %s", status, withoutTime(body), want)
	}
	if e := decode(t, body); e.Time["operating"] == nil || e.Time["date_start"] == nil {
		t.Errorf("no full time block: %v", e.Time)
	}
	s.Override("sonet_group.get", nil)
	_, body = callJSON(t, s, "sonet_group.get", `{}`)
	if withoutTime(body) != `{"result":[],"total":0}` {
		t.Errorf("after removal: %s", body)
	}
}

// The override may call back into the server (it runs outside the lock)
// and sees the request as recorded.
func TestOverrideFuncSeesRequestAndMayUseServer(t *testing.T) {
	s, _ := newTestServer(t)
	var seen []string
	s.Override("sonet_group.delete", func(n int, r Request) *Answer {
		seen = append(seen, r.Method+" "+leafOf(r.Params, "GROUP_ID"))
		if n == 1 {
			s.AddGroup(NewGroup("made by the override"))
			a := ErrorAnswer(http.StatusInternalServerError, "INTERNAL_SERVER_ERROR", "Internal server error")
			return &a
		}
		return nil
	})
	status, _ := callForm(t, s, "sonet_group.delete", "GROUP_ID=1")
	if status != 500 || len(s.Groups()) != 1 {
		t.Fatalf("first delete %d, %d groups", status, len(s.Groups()))
	}
	status, body := callForm(t, s, "sonet_group.delete", "GROUP_ID=1")
	if status != 200 || withoutTime(body) != `{"result":true}` || len(s.Groups()) != 0 {
		t.Errorf("second delete %d %s, %d groups", status, body, len(s.Groups()))
	}
	if strings.Join(seen, ";") != "sonet_group.delete 1;sonet_group.delete 1" {
		t.Errorf("seen %q", seen)
	}
}

func TestNamedErrorAnswers(t *testing.T) {
	s, _ := newTestServer(t)
	for _, c := range []struct {
		a          Answer
		status     int
		code, desc string
	}{
		{QueryLimitAnswer(), 503, "QUERY_LIMIT_EXCEEDED", "Too many requests"},
		{ExpiredTokenAnswer(), 401, "expired_token", "The access token provided has expired"},
		{OperatingLimitAnswer(), 429, "OPERATION_TIME_LIMIT", "Method is blocked due to operation time limit."},
		{InternalErrorAnswer(), 500, "INTERNAL_SERVER_ERROR", "Internal server error"},
	} {
		s.Override("sonet_group.get", Always(c.a))
		status, body := callJSON(t, s, "sonet_group.get", `{}`)
		expectErr(t, status, body, c.status, c.code, c.desc)
	}
	s.Override("sonet_group.get", Always(BadGatewayAnswer()))
	status, body := callJSON(t, s, "sonet_group.get", `{}`)
	if status != 502 || !strings.Contains(body, "<h1>502 Bad Gateway</h1>") {
		t.Errorf("got %d %s", status, body)
	}
}

func leafOf(m map[string]any, k string) string { s, _ := m[k].(string); return s }

// Nth counts calls under the server's lock: from many goroutines, exactly
// one call is the n-th, while overrides of other methods change at the
// same time (run with -race). Commands inside a batch are not overridden
// and do not count.
func TestOverrideNthUnderConcurrentCallsAndBatch(t *testing.T) {
	s, _ := newTestServer(t)
	s.AddGroup(NewGroup("Team"))
	s.Override("sonet_group.get", Nth(7, InternalErrorAnswer()))
	const calls = 32
	statuses := make(chan int, calls)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 100; i++ {
			s.Override("sonet_group.delete", Always(OperatingLimitAnswer()))
			s.Override("sonet_group.delete", nil)
		}
	}()
	var wg sync.WaitGroup
	for i := 0; i < calls; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.Post(s.WebhookURL()+"sonet_group.get", "application/x-www-form-urlencoded", strings.NewReader("FILTER[ID]=1"))
			if err != nil {
				statuses <- 0
				return
			}
			resp.Body.Close()
			statuses <- resp.StatusCode
		}()
	}
	wg.Wait()
	<-done
	close(statuses)
	count := map[int]int{}
	for st := range statuses {
		count[st]++
	}
	if count[500] != 1 || count[200] != calls-1 {
		t.Errorf("statuses %v, want one 500 and %d 200", count, calls-1)
	}

	s.Override("sonet_group.get", Always(InternalErrorAnswer()))
	status, body := callForm(t, s, "batch", "cmd[c0]=sonet_group.get%3FFILTER%5BID%5D%3D1")
	if status != 200 || !strings.Contains(body, `"NAME":"Team"`) {
		t.Errorf("batch = %d %s, want the group: commands are not overridden", status, body)
	}
	status, _ = callForm(t, s, "sonet_group.get", "")
	if status != 500 {
		t.Errorf("direct call after the batch = %d, want the override", status)
	}
}

// WithMember(u, RoleOwner) drops the previous owner's owner entry, but a
// previous owner the map lists in another role stays in it, as the godoc
// says; one not listed is not a member.
func TestWithMemberOwnerKeepsAListedPreviousOwner(t *testing.T) {
	g := NewGroup("Team").WithMember(1, RoleModerator).WithMember(2, RoleOwner)
	if g.OwnerID != 2 || g.Members[1] != RoleModerator || g.Members[2] != RoleOwner {
		t.Errorf("owner %d members %v, want user 1 still a moderator", g.OwnerID, g.Members)
	}
	s, _ := newTestServer(t)
	s.AddUsers("Bob")
	s.AddGroup(g)
	_, body := callJSON(t, s, "sonet_group.user.get", `{"ID":1}`)
	if want := `{"result":[{"USER_ID":"2","ROLE":"A"},{"USER_ID":"1","ROLE":"E"}]}`; withoutTime(body) != want {
		t.Errorf("user.get = %s\nwant      %s", withoutTime(body), want)
	}
	h := NewGroup("Team").WithMember(1, RoleOwner).WithMember(2, RoleOwner)
	if _, listed := h.Members[1]; listed || h.OwnerID != 2 {
		t.Errorf("owner %d members %v, want only user 2 as owner", h.OwnerID, h.Members)
	}
}
