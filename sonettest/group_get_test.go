package sonettest

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

// seedSearchGroups adds groups whose text fields the extra GetList fields
// and the search syntax can tell apart.
func seedSearchGroups(s *Server) {
	s.AddUser(User{ID: 2, Name: "Olga"})
	for _, g := range []Group{
		{Name: "Alpha launch", Description: "web shop", Keywords: "web,mobile", InitiatePerms: "A", SubjectID: 1, SubjectName: "Workgroups", Active: true, Visible: true},
		{Name: "Omega", Description: "", Keywords: "", InitiatePerms: "E", SubjectID: 2, SubjectName: "Sales", Active: true, Visible: true, OwnerID: 2},
		{Name: "Alpha draft", Description: "draft report", InitiatePerms: "K", SubjectID: 2, SubjectName: "Sales", Active: true, Visible: true,
			Members: map[int]Role{2: RoleModerator}},
		{Name: "Beta", Description: "report", Keywords: "mobile", InitiatePerms: "K", Active: true, Visible: true, IsExtranet: true},
	} {
		s.AddGroup(g)
	}
}

func TestGroupGetExtraGetListFieldsFilter(t *testing.T) {
	s, _ := newTestServer(t)
	seedSearchGroups(s)
	for _, c := range []struct{ filter, want string }{
		{`{"%DESCRIPTION":"REPORT"}`, "4,3"},
		{`{"%KEYWORDS":"mobile"}`, "4,1"},
		{`{"DESCRIPTION":""}`, "2"},
		{`{"!DESCRIPTION":""}`, "4,3,1"},
		{`{"NUMBER_OF_MEMBERS":2}`, "3"},
		{`{">=NUMBER_OF_MEMBERS":1}`, "4,3,2,1"},
		{`{"NUMBER_OF_MODERATORS":2}`, "3"},
		{`{"SUBJECT_NAME":"sales"}`, "3,2"},
		{`{"INITIATE_PERMS":["A","E"]}`, "2,1"},
		{`{"!INITIATE_PERMS":"K"}`, "2,1"},
		{`{"SUBJECT_ID":2}`, "3,2"},
		{`{"OWNER_NAME":"olga"}`, "2"},
		{`{"IS_EXTRANET":"Y"}`, "4"},
		{`{"!IS_EXTRANET":"Y"}`, "4"}, // the operator is ignored
		{`{"IS_EXTRANET":"N"}`, "3,2,1"},
		{`{"IS_EXTRANET":"yes"}`, "4,3,2,1"},
		// Field names are case-sensitive in the SQL layer.
		{`{"%name":"alpha"}`, "4,3,2,1"},
		{`{"%NAME":"alpha"}`, "3,1"},
		// A % or _ in the value is literal.
		{`{"%NAME":"a%h"}`, ""},
		// LIKE and ? on a number compare with =.
		{`{"%ID":"3"}`, "3"},
		// An empty LIKE is "WHERE NAME": a numeric test no name passes.
		{`{"%NAME":""}`, ""},
		{`{"%NAME":"", "%KEYWORDS":"mobile"}`, ""},
		// LOGIC=OR joins the conditions with OR.
		{`{"LOGIC":"OR","ID":1,"NAME":"beta"}`, "4,1"},
		{`{"ID":1,"NAME":"beta"}`, ""},
	} {
		st, body := callJSON(t, s, "sonet_group.get", `{"FILTER":`+c.filter+`}`)
		if got := ids(t, body); st != 200 || got != c.want {
			t.Errorf("FILTER %s: %d %q, want %q", c.filter, st, got, c.want)
		}
	}
}

func TestGroupGetSearchSyntax(t *testing.T) {
	s, _ := newTestServer(t)
	seedSearchGroups(s)
	for q, want := range map[string]string{
		"Alpha|Omega":           "3,2,1",
		"alpha launch":          "1",
		"alpha & draft":         "3",
		"alpha ~draft":          "1",
		"alpha and not draft":   "", // and, not are plain words here
		"alpha + draft":         "3",
		"a%h":                   "3,1", // % and _ are LIKE wildcards
		"_mega":                 "2",
		"(alpha":                "", // unbalanced: the condition is "0"
		"alpha\tdraft":          "", // words split by a tab: "0"
		"(omega | beta) | xyz":  "4,2",
		"~alpha":                "4,2",
		`"alpha launch"|beta`:   "4,1",
		`'alpha launch'|beta`:   "4,1",
		"":                      "", // nothing to search: "0"
		"launch draft":          "",
		"launch | (draft beta)": "1",
	} {
		_, body := callForm(t, s, "sonet_group.get", "FILTER[%3FNAME]="+url.QueryEscape(q))
		if got := ids(t, body); got != want {
			t.Errorf("?NAME=%q: %q, want %q", q, got, want)
		}
	}
	// "!?" is not an operator the REST layer lets through: dropped.
	_, body := callForm(t, s, "sonet_group.get", "FILTER[%21%3FNAME]=alpha")
	if got := ids(t, body); got != "4,3,2,1" {
		t.Errorf("!?NAME: %q", got)
	}
	// On a NULL description nothing matches.
	_, body = callForm(t, s, "sonet_group.get", "FILTER[%3FDESCRIPTION]=~web")
	if got := ids(t, body); got != "4,3" {
		t.Errorf("?DESCRIPTION=~web: %q", got)
	}
}

func TestGroupGetGroupIDReplacesFilterID(t *testing.T) {
	s, _ := newTestServer(t)
	seedSearchGroups(s)
	for q, want := range map[string]string{
		"GROUP_ID=2&FILTER[ID]=3":       "2",
		"GROUP_ID=2&FILTER[%3EID]=2":    "",
		"GROUP_ID=0&FILTER[ID]=3":       "3",
		"GROUP_ID=-1":                   "4,3,2,1",
		"GROUP_ID=0":                    "4,3,2,1",
		"GROUP_ID=abc":                  "4,3,2,1",
		"GROUP_ID=3abc":                 "3",
		"GROUP_ID[]=1&GROUP_ID[]=4":     "4,1",
		"FILTER[ID][]=1&FILTER[ID][]=2": "2,1",
	} {
		_, body := callForm(t, s, "sonet_group.get", q)
		if got := ids(t, body); got != want {
			t.Errorf("%s: %q, want %q", q, got, want)
		}
	}
}

func TestGroupGetDateFormats(t *testing.T) {
	s, _ := newTestServer(t)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.FixedZone("UTC+2", 2*3600))
	for i := 0; i < 4; i++ {
		g := NewGroup(fmt.Sprintf("g%d", i))
		g.DateCreate = base.Add(time.Duration(i) * 2 * time.Minute) // 00:00, 00:02, 00:04, 00:06
		if i == 1 {
			g.Project, g.ProjectDateStart = true, base.Add(48*time.Hour)
		}
		s.AddGroup(g)
	}
	for q, want := range map[string]string{
		`{">DATE_CREATE":"01.01.2026 00:03:00"}`:              "4,3",
		`{">=DATE_CREATE":"2026-01-01 00:04"}`:                "4,3",
		`{"<DATE_CREATE":"2026-01-01T00:02:00+02:00"}`:        "1",
		`{"<DATE_CREATE":"2025-12-31T22:03:00Z"}`:             "2,1",
		`{"DATE_CREATE":"2026-01-01T00:06:00"}`:               "4",
		`{"%DATE_CREATE":"01.01.2026 00:06:00"}`:              "4", // LIKE on a date is =
		`{">DATE_CREATE":"not a date"}`:                       "",
		`{"!DATE_CREATE":"not a date"}`:                       "4,3,2,1", // strtotime's false is "": NOT (IS NULL)
		`{">PROJECT_DATE_START":"02.01.2026"}`:                "2",
		`{">PROJECT_DATE_START":"2026-01-02T00:00:00+02:00"}`: "", // no ISO conversion for this field
		`{"PROJECT_DATE_START":""}`:                           "4,3,1",
	} {
		_, body := callJSON(t, s, "sonet_group.get", `{"FILTER":`+q+`}`)
		if got := ids(t, body); got != want {
			t.Errorf("%s: %q, want %q", q, got, want)
		}
	}
}

func TestGroupGetOrderDirectionsAndUnknownKeys(t *testing.T) {
	s, clk := newTestServer(t)
	seedFilterGroups(s, clk) // Project Alpha, beta, Gamma project, Delta, epsilon
	for q, want := range map[string]string{
		"ORDER[ID]=up":                        "5,4,3,2,1",
		"ORDER[ID]=asc":                       "1,2,3,4,5",
		"ORDER[ID]=":                          "5,4,3,2,1",
		"ORDER[name]=Asc":                     "2,4,5,3,1",
		"ORDER[BOGUS]=ASC&ORDER[X]=DESC":      "1,2,3,4,5",
		"ORDER=NAME":                          "5,4,3,2,1",
		"ORDER[BOGUS]=DESC&ORDER[NAME]=ASC":   "2,4,5,3,1",
		"ORDER[SUBJECT_NAME]=ASC&ORDER[ID]=x": "2,4,5,3,1", // the permission UNION sorts by NAME
	} {
		_, body := callForm(t, s, "sonet_group.get", q)
		if got := ids(t, body); got != want {
			t.Errorf("%s: %q, want %q", q, got, want)
		}
	}
}

// IS_ADMIN is compared strictly with "Y" (=== in the current
// CSocNetLogRestService::getGroup): a JSON true does not switch admin mode on.
func TestGroupGetIsAdminStrict(t *testing.T) {
	s, _ := newTestServer(t)
	s.AddUser(User{ID: 2, Name: "Olga"})
	g := NewGroup("secret")
	g.Visible, g.OwnerID = false, 2
	s.AddGroup(g)
	for body, want := range map[string]string{
		`{"IS_ADMIN":"Y"}`:  "1",
		`{"IS_ADMIN":true}`: "",
		`{"IS_ADMIN":"y"}`:  "",
		`{}`:                "",
	} {
		_, resp := callJSON(t, s, "sonet_group.get", body)
		if got := ids(t, resp); got != want {
			t.Errorf("%s: %q, want %q", body, got, want)
		}
	}
}

func TestGroupGetStartArithmetic(t *testing.T) {
	s, _ := newTestServer(t)
	for i := 0; i < 123; i++ {
		s.AddGroup(NewGroup(fmt.Sprintf("g%03d", i)))
	}
	type want struct {
		first, rows int
		next        string
	}
	for q, w := range map[string]want{
		`{"ORDER":{"ID":"ASC"},"start":0}`:      {1, 50, "50"},
		`{"ORDER":{"ID":"ASC"},"start":30}`:     {1, 50, "50"},
		`{"ORDER":{"ID":"ASC"},"start":120}`:    {101, 23, ""},
		`{"ORDER":{"ID":"ASC"},"start":1000}`:   {1, 50, "50"},
		`{"ORDER":{"ID":"ASC"},"start":150}`:    {1, 50, "50"},
		`{"ORDER":{"ID":"ASC"},"start":true}`:   {1, 50, "50"},
		`{"ORDER":{"ID":"ASC"},"start":1e2}`:    {101, 23, ""},
		`{"ORDER":{"ID":"ASC"},"start":"75.9"}`: {51, 50, "100"},
	} {
		_, body := callJSON(t, s, "sonet_group.get", q)
		e := decode(t, body)
		got := strings.Split(ids(t, body), ",")
		next := ""
		if e.Next != nil {
			next = fmt.Sprint(*e.Next)
		}
		if e.Total == nil || *e.Total != 123 || len(got) != w.rows || got[0] != fmt.Sprint(w.first) || next != w.next {
			t.Errorf("%s: total %v rows %d first %s next %q; want 123 %d %d %q", q, e.Total, len(got), got[0], next, w.rows, w.first, w.next)
		}
	}
	// start=-1: no counting, the first 50 rows, total 0 and no next.
	_, body := callForm(t, s, "sonet_group.get", "ORDER[ID]=ASC&start=-1")
	e := decode(t, body)
	if e.Total == nil || *e.Total != 0 || e.Next != nil || len(strings.Split(ids(t, body), ",")) != 50 {
		t.Errorf("start=-1: %s", withoutTime(body))
	}
	if !strings.Contains(body, `,"total":0,"time":`) {
		t.Errorf("start=-1 total not 0: %s", body)
	}
}

func TestGroupStoredTextCutAtNUL(t *testing.T) {
	s, _ := newTestServer(t)
	st, body := callForm(t, s, "sonet_group.create", "NAME=a%00b&DESCRIPTION=x%00y")
	if st != 200 {
		t.Fatalf("%d %s", st, body)
	}
	g, _ := s.Group(1)
	if g.Name != "a" || g.Description != "x" {
		t.Errorf("stored %q %q", g.Name, g.Description)
	}
	callForm(t, s, "sonet_group.update", "GROUP_ID=1&NAME=c%00d&KEYWORDS=k%00")
	g, _ = s.Group(1)
	if g.Name != "c" || g.Keywords != "k" {
		t.Errorf("updated %q %q", g.Name, g.Keywords)
	}
}

// A stored string that is not UTF-8 makes every answer that contains it
// WRONG_ENCODING, with status 200; pages without it are unaffected.
func TestGroupGetWrongEncoding(t *testing.T) {
	s, _ := newTestServer(t)
	for i := 0; i < 60; i++ {
		s.AddGroup(NewGroup(fmt.Sprintf("g%02d", i)))
	}
	st, body := callForm(t, s, "sonet_group.create", "NAME=bad%FF%FEname")
	if st != 200 {
		t.Fatalf("create: %d %s", st, body)
	}
	st, body = callForm(t, s, "sonet_group.get", "ORDER[ID]=DESC")
	expectErr(t, st, body, 200, "WRONG_ENCODING", "Wrong request encoding")
	st, body = callForm(t, s, "sonet_group.get", "ORDER[ID]=ASC&start=50")
	expectErr(t, st, body, 200, "WRONG_ENCODING", "Wrong request encoding")
	st, body = callForm(t, s, "sonet_group.get", "ORDER[ID]=ASC")
	if st != 200 || len(strings.Split(ids(t, body), ",")) != 50 {
		t.Errorf("page without it: %d %s", st, withoutTime(body))
	}
	st, body = callForm(t, s, "batch", "cmd[a]="+url.QueryEscape("sonet_group.get?GROUP_ID=61"))
	expectErr(t, st, body, 200, "WRONG_ENCODING", "Wrong request encoding")
}

// The search parser never panics or hangs, and a single plain word is a
// case-insensitive substring test.
func FuzzSearchMatch(f *testing.F) {
	f.Add("Alpha launch", "alpha ~draft | (omega & \"x y\")")
	f.Add("", "((~")
	f.Add("a|b", "a|b")
	f.Fuzz(func(t *testing.T, text, query string) {
		got := searchMatch(text, query)
		if !utf8.ValidString(text) || !utf8.ValidString(query) {
			// strings.ToLower turns every invalid byte into U+FFFD, so
			// the oracle below would call "\xb1" a substring of "\xa3".
			return
		}
		// One plain word: trimmed as PHP's trim trims (not a form feed),
		// no operator, quote, wildcard or inner space.
		w := phpTrim(query)
		if w == "" || strings.ContainsAny(w, " \t\n\r\v\f&|~()\"'+%_") || strings.ContainsFunc(w, unicode.IsSpace) ||
			utf8.RuneCountInString(w) > 100 {
			return
		}
		if want := strings.Contains(strings.ToLower(text), strings.ToLower(w)); got != want {
			t.Errorf("searchMatch(%q, %q) = %v, want %v", text, query, got, want)
		}
	})
}

// NAME and DESCRIPTION are stored Emoji::encode'd; the filter compares with
// the stored form.
func TestGroupGetEmojiStoredEncoded(t *testing.T) {
	s, _ := newTestServer(t)
	s.AddGroup(Group{Name: "🚀 Launch", Description: "go 🎉", Active: true, Visible: true})
	s.AddGroup(Group{Name: "Launch", Active: true, Visible: true})
	for _, c := range []struct{ filter, want string }{
		{`{"NAME":"🚀 Launch"}`, ""},
		{`{"NAME":":f09f9a80: Launch"}`, "1"},
		{`{"%NAME":"🚀"}`, ""},
		{`{"%NAME":":f09f9a80:"}`, "1"},
		{`{"%DESCRIPTION":":f09f8e89:"}`, "1"},
		{`{"%NAME":"launch"}`, "2,1"},
	} {
		st, body := callJSON(t, s, "sonet_group.get", `{"FILTER":`+c.filter+`}`)
		if got := ids(t, body); st != 200 || got != c.want {
			t.Errorf("FILTER %s: %d %q, want %q", c.filter, st, got, c.want)
		}
	}
}

// The permission UNION's ORDER BY loses the subject table's prefix:
// SUBJECT_NAME sorts by NAME for everyone but an administrator in admin
// mode.
func TestGroupGetOrderBySubjectNameIsNameUnderPermissions(t *testing.T) {
	s, _ := newTestServer(t)
	seedSearchGroups(s)
	// NAME ascending: Alpha draft(3), Alpha launch(1), Beta(4), Omega(2).
	_, body := callJSON(t, s, "sonet_group.get", `{"ORDER":{"SUBJECT_NAME":"ASC"}}`)
	if got := ids(t, body); got != "3,1,4,2" {
		t.Errorf("as a caller: %q, want NAME order 3,1,4,2", got)
	}
	_, body = callJSON(t, s, "sonet_group.get", `{"ORDER":{"SUBJECT_NAME":"ASC"},"IS_ADMIN":"Y"}`)
	// Sales (2, 3) before Workgroups (1, 4); ties keep ID order.
	if got := ids(t, body); got != "2,3,1,4" {
		t.Errorf("admin mode: %q, want SUBJECT_NAME order 2,3,1,4", got)
	}
}
