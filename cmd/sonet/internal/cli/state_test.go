package cli

import (
	"testing"

	"github.com/b24kit/sonet"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseStateErrorsNameLineAndField(t *testing.T) {
	cases := []struct{ name, file, want string }{
		{"unknown field", "groups:\n  - name: A\n    colour: red\n",
			`f.yaml:3: group "A": field "colour": unknown field (want name, description, keywords, visible, opened, closed, project, owner_id, subject_id, initiate_perms, project_date_start, project_date_finish, members)`},
		{"bad flag", "- name: A\n  visible: maybe\n", `f.yaml:2: group "A": field "visible": want true or false (or Y/N), got "maybe"`},
		{"bad owner", "- name: A\n  owner_id: -3\n", `f.yaml:2: group "A": field "owner_id": want a positive integer ID, got "-3"`},
		{"bad role", "- name: A\n  members:\n    - user_id: 5\n      role: boss\n",
			`f.yaml:4: group "A": field "members.role": unknown role "boss" (want owner, moderator or member)`},
		{"pending role refused", "- name: A\n  members: [{user_id: 5, role: Z}]\n",
			`f.yaml:2: group "A": field "members.role": unknown role "Z" (want owner, moderator or member)`},
		{"member twice", "- name: A\n  members:\n    - {user_id: 5}\n    - {user_id: 5, role: moderator}\n",
			`f.yaml:4: group "A": field "members.user_id": user 5 is already listed on line 3`},
		{"two owners", "- name: A\n  members:\n    - {user_id: 5, role: owner}\n    - {user_id: 6, role: owner}\n",
			`f.yaml:4: group "A": field "members.role": a group has one owner; user 5 is already owner (line 3)`},
		{"owner disagrees", "- name: A\n  owner_id: 7\n  members:\n    - {user_id: 5, role: owner}\n",
			`f.yaml:4: group "A": field "members.role": user 5 is listed as owner but owner_id is 7`},
		{"name twice", "- name: A\n- name: B\n- name: A\n",
			`f.yaml:3: group "A": field "name": the same name is already used on line 1 (groups are matched by exact name)`},
		{"no name", "- description: x\n", `f.yaml:1: field "name": missing (every group needs its exact name)`},
		{"yaml syntax", "- name: A\n  description: x\n\tvisible: true\n", `f.yaml:2: found a tab character that violates indentation`},
		{"not a list", "name_of_thing: 3\n", `f.yaml:1: want a list of groups, or "groups:" with a list`},
		{"json lines bad line", "{\"name\":\"A\"}\n{\"name\":\"B\",\"visible\":\"sometimes\"}\n",
			`f.yaml:2: group "B": field "visible": want true or false (or Y/N), got "sometimes"`},
		{"json", `[{"name":"A"},{"name":"B","members":[{"user_id":0}]}]`,
			`f.yaml:1: group "B": field "members.user_id": want a positive integer ID, got "0"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseState("f.yaml", []byte(tc.file))
			require.Error(t, err)
			assert.Equal(t, tc.want, err.Error())
		})
	}
}

func TestParseStateReadsAllThreeFormats(t *testing.T) {
	yes, no := true, false
	want := []groupSpec{
		{line: 1, Name: "A", Visible: &yes, Members: &[]memberSpec{{line: 1, UserID: 5, Role: sonet.RoleModerator}}},
		{line: 2, Name: "B", Project: &no},
	}
	files := map[string]string{
		"yaml":  "- {name: A, visible: Y, members: [{user_id: 5, role: E}]}\n- {name: B, project: false}\n",
		"json":  `[{"name":"A","visible":true,"members":[{"user_id":5,"role":"moderator"}]},` + "\n" + `{"name":"B","project":"N"}]`,
		"jsonl": `{"name":"A","id":9,"visible":true,"number_of_members":3,"members":[{"user_id":5,"role":"moderator"}]}` + "\n" + `{"name":"B","project":false,"date_create":"2026-01-01T00:00:00+02:00"}` + "\n",
	}
	for format, text := range files {
		got, err := parseState("f", []byte(text))
		require.NoError(t, err, format)
		assert.Equal(t, want, got, format)
	}
}

func TestApplyWithABadFileSendsNothing(t *testing.T) {
	srv := newPortal(t)
	file := writeFile(t, "bad.yaml", "- name: A\n  visible: maybe\n")
	r := runCLI(t, srv, "", "apply", "-f", file, "--yes")
	assert.Equal(t, 1, r.code)
	assert.Equal(t, "sonet: "+file+`:2: group "A": field "visible": want true or false (or Y/N), got "maybe"`+"\n", r.stderr)
	assert.Empty(t, srv.Requests())
}

// Several bad cells on a CSV line: the error names the leftmost column of
// the export's layout, every time (the cells were read in a map's random
// order, so the message changed from run to run).
func TestParseStateCSVNamesTheSameBadCellEveryTime(t *testing.T) {
	flags := []byte("id,name,visible,opened,closed,project,subject_id,owner_id\n1,A,maybe,perhaps,no way,sure,-1,x\n")
	ids := []byte("id,name,visible,opened,closed,project,subject_id,owner_id\n2,B,true,true,false,false,-1,x\n")
	for range 50 {
		_, err := parseState("f.csv", flags)
		require.EqualError(t, err, `f.csv:2: group "A": field "visible": want true or false, got "maybe"`)
		_, err = parseState("f.csv", ids)
		require.EqualError(t, err, `f.csv:2: group "B": field "subject_id": want a positive integer ID, got "-1"`)
	}
}

func TestParseStateCSVErrors(t *testing.T) {
	_, err := parseState("f.csv", []byte("id,name,description\n1,A,x\n2,B\n"))
	assert.EqualError(t, err, "f.csv:3: record on line 3: wrong number of fields")
	_, err = parseState("f.csv", []byte("id,name,description,colour\n1,A,x,red\n"))
	assert.EqualError(t, err, `f.csv:1: field "colour": unknown column`)
	_, err = parseState("f.csv", []byte("id,name,description,visible\n1,A,x,maybe\n"))
	assert.EqualError(t, err, `f.csv:2: group "A": field "visible": want true or false, got "maybe"`)
}
