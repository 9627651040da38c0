package cli

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// yaml.v3 reads the first JSON object of a file and silently ignores the
// rest; a file cut short must be refused, not read as fewer groups.
func TestParseStateRefusesWhatYAMLWouldSilentlyDrop(t *testing.T) {
	cases := []struct{ name, file, want string }{
		{"json lines cut short", "{\"name\":\"A\"}\n{\"name\":\"B\"}\n{\"name\":\"Gr",
			`f:3: the file ends inside a JSON value (cut short?); nothing was read from it`},
		{"json lines with a broken line", "{\"name\":\"A\"}\n{\"name\":\"B\",\n{\"name\":\"C\"}\n",
			`f:3: not valid JSON: invalid character '{' looking for beginning of object key string`},
		{"two objects on one line", "{\"name\":\"A\"} {\"name\":\"B\"}\n{\"name\":\"C\"}\n",
			`f:1: want one JSON object on this line (JSON Lines: one group per line)`},
		{"json document cut short", "[{\"name\":\"A\"},\n{\"name\":\"B\"",
			`f:2: the file ends inside a JSON value (cut short?); nothing was read from it`},
		{"second yaml document", "- name: A\n---\n- name: B\n",
			`f:3: a second YAML document starts here; put every group in the first one (the file is read whole or not at all)`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			specs, err := parseState("f", []byte(tc.file))
			require.Error(t, err, "read %d groups", len(specs))
			assert.Equal(t, tc.want, err.Error())
		})
	}
}

// The end-to-end case: an export cut short, applied with --prune, must not
// delete the groups on the lines it lost.
func TestApplyPruneWithATruncatedExportSendsNothing(t *testing.T) {
	srv := newPortal(t)
	seed(srv, 3)
	file := writeFile(t, "cut.jsonl", "{\"name\":\"Group 1\"}\n{\"name\":\"Group 2\"}\n{\"name\":\"Group 3\",\"descr")
	r := runCLI(t, srv, "", "apply", "-f", file, "--yes", "--prune-all")
	assert.Equal(t, 1, r.code)
	assert.Equal(t, "sonet: "+file+":3: the file ends inside a JSON value (cut short?); nothing was read from it\n", r.stderr)
	assert.Empty(t, r.stdout)
	assert.Empty(t, srv.Requests())
	assert.Len(t, srv.Groups(), 3)
}

// yaml.v3 keeps both copies of a key in the node; the later one would win
// without a word.
func TestParseStateRefusesAKeyGivenTwice(t *testing.T) {
	cases := []struct{ name, file, want string }{
		{"group field", "- name: A\n  description: x\n  description: y\n", `f:3: group "A": field "description": given twice (first on line 2)`},
		{"name", "- name: A\n  name: B\n", `f:2: group "A": field "name": given twice (first on line 1)`},
		{"member field", "- name: A\n  members:\n    - {user_id: 5, role: member, role: owner}\n", `f:3: group "A": field "members.role": given twice (first on line 3)`},
		{"top level", "groups: []\ngroups:\n  - name: A\n", `f:2: field "groups": given twice (first on line 1)`},
		{"json", `{"name":"A","visible":true,"visible":false}`, `f:1: group "A": field "visible": given twice (first on line 1)`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseState("f", []byte(tc.file))
			require.Error(t, err)
			assert.Equal(t, tc.want, err.Error())
		})
	}
}

// An export edited in a spreadsheet comes back with a byte-order mark and
// CRLF line ends; it reads as what it is.
func TestParseStateReadsAFileWithAByteOrderMark(t *testing.T) {
	for format, text := range map[string]string{
		"csv":   "\ufeffid,name,description\r\n1,A,x\r\n2,B,\r\n",
		"jsonl": "\ufeff{\"name\":\"A\",\"description\":\"x\"}\r\n{\"name\":\"B\",\"description\":\"\"}\r\n",
		"yaml":  "\ufeff- {name: A, description: x}\n- {name: B, description: \"\"}\n",
	} {
		specs, err := parseState("f", []byte(text))
		require.NoError(t, err, format)
		require.Len(t, specs, 2, format)
		assert.Equal(t, "A", specs[0].Name, format)
		assert.Equal(t, "x", *specs[0].Description, format)
		assert.Equal(t, "B", specs[1].Name, format)
		assert.Equal(t, "", *specs[1].Description, format)
	}
}
