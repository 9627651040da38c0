package sonettest

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

const wantTime = `"time":{"start":1773925287,"finish":1773925287.01,"duration":0.009999990463256836,` +
	`"processing":0,"date_start":"2026-03-19T15:01:27+02:00","date_finish":"2026-03-19T15:01:27+02:00",` +
	`"operating_reset_at":1773925887,"operating":0.01}`

func TestCreateAndGetExactBytes(t *testing.T) {
	s, _ := newTestServer(t)
	st, body := callJSON(t, s, "sonet_group.create", `{"NAME":"New Project","PROJECT":"Y","VISIBLE":"Y","OPENED":"N",`+
		`"INITIATE_PERMS":"K","IMAGE":["avatar.png","`+tinyPNG+`"],"KEYWORDS":"a, b"}`)
	if want := `{"result":1,` + wantTime + `}`; st != 200 || body != want {
		t.Fatalf("create: %d %s\nwant %s", st, body, want)
	}
	st, body = callForm(t, s, "sonet_group.get", "ORDER[NAME]=ASC&FILTER[%25NAME]=pro")
	want := `{"result":[{"ID":"1","SITE_ID":"s1","NAME":"New Project","DESCRIPTION":null,` +
		`"DATE_CREATE":"2026-03-19T15:01:27+02:00","DATE_UPDATE":"2026-03-19T15:01:27+02:00","ACTIVE":"Y",` +
		`"VISIBLE":"Y","OPENED":"N","CLOSED":"N","SUBJECT_ID":"1","OWNER_ID":"1","KEYWORDS":"a, b",` +
		`"NUMBER_OF_MEMBERS":"1","DATE_ACTIVITY":"2026-03-19T15:01:27+02:00","SUBJECT_NAME":"Workgroups",` +
		`"IMAGE":"` + strings.ReplaceAll(s.URL(), "/", `\/`) + `\/upload\/sonettest\/1001\/avatar.png","PROJECT":"Y","IS_EXTRANET":"N"}],"total":1}`
	if st != 200 || withoutTime(body) != want {
		t.Fatalf("get: %d %s\nwant %s", st, body, want)
	}
	g, _ := s.Group(1)
	if g.InitiatePerms != "K" || !g.Project || g.OwnerID != 1 || g.Members[1] != "A" || g.ImageFileID != 1001 {
		t.Errorf("stored %+v", g)
	}
}

func TestCreateDefaultsAndErrors(t *testing.T) {
	s, _ := newTestServer(t)
	st, body := callJSON(t, s, "sonet_group.create", `{}`)
	expectErr(t, st, body, 400, "", "Incorrect input data")
	st, body = callJSON(t, s, "sonet_group.create", `{"NAME":"x","IMAGE":["a.exe","AAAA"]}`)
	expectErr(t, st, body, 400, "ERROR_IMAGE_ID", "Image is incorrect: Invalid file type")
	st, body = callJSON(t, s, "sonet_group.create", `{"NAME":"x","OWNER_ID":99}`)
	expectErr(t, st, body, 400, "", "Cannot create group")
	uid := s.AddUser(User{Name: "Bob"})
	s.AddSubject("Projects")
	s.AddSubject("Teams")
	st, body = callJSON(t, s, "sonet_group.create", fmt.Sprintf(`{"NAME":"Scrum","SITE_ID":["s2","s1"],"OWNER_ID":%d,`+
		`"SCRUM_MASTER_ID":1,"SUBJECT_ID":3,"PROJECT_DATE_START":"2026-04-01T09:00:00+03:00"}`, uid))
	if st != 200 || withoutTime(body) != `{"result":1}` {
		t.Fatalf("%d %s", st, body)
	}
	g, _ := s.Group(1)
	want := Group{ID: 1, SiteID: "s2", Name: "Scrum", Active: true, Visible: true, Project: true, InitiatePerms: "K",
		SubjectID: 3, SubjectName: "Teams", OwnerID: uid, ScrumMasterID: 1}
	if g.ID != want.ID || g.SiteID != want.SiteID || !g.Active || !g.Visible || g.Opened || g.Closed || !g.Project ||
		g.SubjectID != 3 || g.SubjectName != want.SubjectName || g.OwnerID != uid || g.ScrumMasterID != 1 || g.ScrumOwnerID != uid ||
		!g.ProjectDateStart.Equal(time.Date(2026, 4, 1, 6, 0, 0, 0, time.UTC)) || fmt.Sprint(g.Members) != "map[1:E 2:A]" {
		t.Errorf("got %+v", g)
	}
	// A non-admin's OWNER_ID is ignored: the caller owns the group.
	st, body = do(t, "POST", s.WebhookURLFor(uid)+"sonet_group.create", "application/json", `{"NAME":"Mine","OWNER_ID":1}`)
	if st != 200 || withoutTime(body) != `{"result":2}` {
		t.Fatalf("%d %s", st, body)
	}
	if g, _ := s.Group(2); g.OwnerID != uid {
		t.Errorf("owner %d", g.OwnerID)
	}
}

func TestUpdateAndDelete(t *testing.T) {
	s, clk := newTestServer(t)
	bob := s.AddUser(User{Name: "Bob"})
	g := NewGroup("Alpha")
	g.Description = "old"
	g.ImageFileID, g.ImageURL = 5, "http://x/5.png"
	id := s.AddGroup(g)
	clk.add(time.Hour)
	st, body := callJSON(t, s, "sonet_group.update", fmt.Sprintf(`{"GROUP_ID":%d,"DESCRIPTION":"","IMAGE_FILE_ID":0,"IMAGE":["a.png","AAAA"],"OPENED":"Y"}`, id))
	if st != 200 || withoutTime(body) != `{"result":1}` {
		t.Fatalf("%d %s", st, body)
	}
	got, _ := s.Group(id)
	if got.Description != "" || got.ImageFileID != 0 || got.ImageURL != "" || !got.Opened || got.Name != "Alpha" ||
		!got.DateUpdate.Equal(clk.now()) || got.DateCreate.Equal(got.DateUpdate) {
		t.Errorf("after update %+v", got)
	}
	st, body = callJSON(t, s, "sonet_group.update", `{"NAME":"x"}`)
	expectErr(t, st, body, 400, "", "Wrong group ID")
	st, body = callJSON(t, s, "sonet_group.update", `{"GROUP_ID":42,"NAME":"x"}`)
	expectErr(t, st, body, 400, "", "Socialnetwork group not found")
	st, body = do(t, "POST", s.WebhookURLFor(bob)+"sonet_group.update", "application/json", `{"GROUP_ID":1,"NAME":"x"}`)
	expectErr(t, st, body, 400, "", "User has no permissions to update group")
	st, body = do(t, "POST", s.WebhookURLFor(bob)+"sonet_group.delete", "application/json", `{"GROUP_ID":1}`)
	expectErr(t, st, body, 400, "", "User has no permissions to delete group")
	st, body = callForm(t, s, "sonet_group.delete", "GROUP_ID=1")
	if st != 200 || withoutTime(body) != `{"result":true}` || len(s.Groups()) != 0 {
		t.Fatalf("%d %s", st, body)
	}
	st, body = callForm(t, s, "sonet_group.delete", "GROUP_ID=1")
	expectErr(t, st, body, 400, "", "Socialnetwork group not found")
}

// seedFilterGroups adds five groups with distinct fields.
func seedFilterGroups(s *Server, clk *clock) {
	for i, name := range []string{"Project Alpha", "beta", "Gamma project", "Delta", "epsilon"} {
		g := NewGroup(name)
		g.OwnerID = 1
		g.Opened = i%2 == 0
		g.Closed = i == 3
		g.Project = i < 2
		g.DateCreate = clk.now().Add(time.Duration(i) * 24 * time.Hour)
		s.AddGroup(g)
	}
}

func TestFilterOperators(t *testing.T) {
	s, clk := newTestServer(t)
	seedFilterGroups(s, clk)
	cases := []struct{ filter, want string }{
		{`{"ID":3}`, "3"},
		{`{"=ID":[1,4]}`, "4,1"},
		{`{"!ID":3}`, "5,4,2,1"},
		{`{"!=ID":[1,2]}`, "5,4,3"},
		{`{">ID":3}`, "5,4"},
		{`{">=ID":3}`, "5,4,3"},
		{`{"<ID":3}`, "2,1"},
		{`{"<=ID":3}`, "3,2,1"},
		// CSqlUtil reads "><ID" as ">" on a field "<ID": dropped.
		{`{"><ID":[2,4]}`, "5,4,3,2,1"},
		{`{"!><ID":[2,4]}`, "5,4,3,2,1"},
		{`{"%NAME":"PROJ"}`, "3,1"},
		{`{"?NAME":"proj"}`, "3,1"},
		// CSqlUtil's LIKE never applies the negation.
		{`{"!%NAME":"proj"}`, "3,1"},
		{`{"NAME":"delta"}`, "4"},
		{`{"OPENED":"Y","CLOSED":"N"}`, "5,3,1"},
		{`{"PROJECT":"Y"}`, "2,1"},
		{`{"ACTIVE":"N"}`, ""},
		{`{"VISIBLE":"Y","OWNER_ID":1,"IS_EXTRANET":"N"}`, "5,4,3,2,1"},
		{`{">=DATE_CREATE":"2026-03-21T15:01:27+02:00"}`, "5,4,3"},
		{`{"<DATE_CREATE":"2026-03-21"}`, "2,1"},
		{`{"><DATE_CREATE":["2026-03-20T13:01:27Z","2026-03-21T13:01:27Z"]}`, "5,4,3,2,1"},
		{`{">DATE_UPDATE":"2026-03-19T15:01:27+02:00","<=DATE_ACTIVITY":"2030-01-01"}`, "5,4,3,2"},
		{`{"~ID":1,"*NAME":"x","=%NAME":"x","CHECK_PERMISSIONS":"N","FOO":1}`, "5,4,3,2,1"},
	}
	for _, c := range cases {
		st, body := callJSON(t, s, "sonet_group.get", `{"FILTER":`+c.filter+`}`)
		if got := ids(t, body); st != 200 || got != c.want {
			t.Errorf("FILTER %s: %d ids %q, want %q", c.filter, st, got, c.want)
		}
	}
	st, body := callForm(t, s, "sonet_group.get", "GROUP_ID=2")
	if got := ids(t, body); st != 200 || got != "2" {
		t.Errorf("GROUP_ID: %q", got)
	}
}

func TestOrdering(t *testing.T) {
	s, clk := newTestServer(t)
	seedFilterGroups(s, clk)
	cases := []struct{ order, want string }{
		{``, "5,4,3,2,1"},
		{`"ORDER":{"ID":"asc"},`, "1,2,3,4,5"},
		{`"ORDER":{"NAME":"ASC"},`, "2,4,5,3,1"},
		{`"ORDER":{"OPENED":"DESC","NAME":"desc"},`, "1,3,5,4,2"},
		{`"ORDER":{"NAME":"DESC","OPENED":"DESC"},`, "1,3,5,4,2"},
		{`"ORDER":{"PROJECT":"DESC","ID":"DESC"},`, "2,1,5,4,3"},
		{`"ORDER":{"CLOSED":"ASC"},`, "1,2,3,5,4"},
		// Only unknown keys: no ORDER BY at all, rows in ID order.
		{`"ORDER":{"BOGUS":"ASC"},`, "1,2,3,4,5"},
	}
	for _, c := range cases {
		_, body := callJSON(t, s, "sonet_group.get", `{`+c.order+`"start":0}`)
		if got := ids(t, body); got != c.want {
			t.Errorf("%s: %q want %q", c.order, got, c.want)
		}
	}
	// Form order keeps the order the keys were sent in.
	_, body := callForm(t, s, "sonet_group.get", "ORDER[OPENED]=DESC&ORDER[ID]=ASC")
	if got := ids(t, body); got != "1,3,5,2,4" {
		t.Errorf("form order: %q", got)
	}
}

func TestPaging(t *testing.T) {
	for _, n := range []int{0, 49, 50, 51, 100} {
		s, _ := newTestServer(t)
		for i := 0; i < n; i++ {
			s.AddGroup(NewGroup(fmt.Sprintf("g%03d", i)))
		}
		for _, start := range []int{0, 50, 100} {
			_, body := callForm(t, s, "sonet_group.get", fmt.Sprintf("start=%d", start))
			e := decode(t, body)
			rows := len(strings.Split(ids(t, body), ","))
			if ids(t, body) == "" {
				rows = 0
			}
			// Page floor(start/50)+1; a page past the last is page 1.
			pages := (n + 49) / 50
			nomer := start/50 + 1
			if nomer > pages {
				nomer = 1
			}
			wantRows := min(max(n-(nomer-1)*50, 0), 50)
			next := "absent"
			if e.Next != nil {
				next = fmt.Sprint(*e.Next)
			}
			wantNext := "absent"
			if nomer < pages {
				wantNext = fmt.Sprint(nomer * 50)
			}
			if e.Total == nil || *e.Total != n || rows != wantRows || next != wantNext {
				t.Errorf("n=%d start=%d: total %s rows %d next %s; want %d %d %s", n, start, withoutTime(body), rows, next, n, wantRows, wantNext)
			}
		}
	}
}
