package cli

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/b24kit/sonet"
	"go.yaml.in/yaml/v3"
)

// groupSpec is one group of the desired state. A nil field is not managed:
// apply leaves it as the portal has it.
type groupSpec struct {
	line int
	// fromCSV: the text came through encoding/csv, which reads a CR LF
	// inside a quoted cell as LF, so a portal text with CR LF compares
	// equal to the file's LF.
	fromCSV     bool
	Name        string
	Description *string
	Keywords    *string
	Visible     *bool
	Opened      *bool
	Closed      *bool
	Project     *bool
	OwnerID     *int
	SubjectID   *int
	// InitiatePerms and the project dates are not in sonet_group.get's
	// rows; when a file sets them, apply reads them with
	// socialnetwork.api.workgroup.list.
	InitiatePerms     *sonet.Role
	ProjectDateStart  *time.Time
	ProjectDateFinish *time.Time
	// Members, when not nil, is the full member list (the owner may be
	// listed with role owner).
	Members *[]memberSpec
}

type memberSpec struct {
	line   int
	UserID int
	Role   sonet.Role
}

// readOnlyFields are written by export and accepted (and ignored) by apply,
// so that an export is valid input unchanged.
var readOnlyFields = map[string]bool{
	"id": true, "active": true, "is_extranet": true, "site_id": true, "subject_name": true,
	"number_of_members": true, "image": true, "date_create": true, "date_update": true, "date_activity": true,
}

// fileError is a problem in the desired-state file, located by line.
type fileError struct {
	file  string
	line  int
	group string
	field string
	msg   string
}

func (e *fileError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d: ", e.file, e.line)
	if e.group != "" {
		fmt.Fprintf(&b, "group %q: ", e.group)
	}
	if e.field != "" {
		fmt.Fprintf(&b, "field %q: ", e.field)
	}
	b.WriteString(e.msg)
	return b.String()
}

// readStateFile reads the desired state from a YAML file, a JSON file or
// JSON Lines (the output of export). The top level is a list of groups, a
// mapping with a "groups" list, or (JSON Lines) one group per line.
func readStateFile(name string) ([]groupSpec, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return parseState(name, data)
}

func parseState(name string, data []byte) ([]groupSpec, error) {
	// Spreadsheets and Windows editors save "UTF-8" with a byte-order mark;
	// without this, an export edited in Excel is not recognised as CSV.
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if isExportCSV(data) {
		specs, err := parseCSV(name, data)
		if err != nil {
			return nil, err
		}
		return checkNames(name, specs)
	}
	values, err := jsonKind(name, data)
	if err != nil {
		return nil, err
	}
	var nodes []*yaml.Node // group mappings
	if values > 1 {
		if nodes, err = jsonLines(name, data); err != nil {
			return nil, err
		}
	} else {
		doc, err := yamlDocument(name, data)
		if err != nil {
			return nil, err
		}
		if doc == nil {
			return nil, &fileError{file: name, line: 1, msg: "the file is empty"}
		}
		root := docRoot(doc)
		if root == nil {
			return nil, &fileError{file: name, line: 1, msg: "the file is empty"}
		}
		if root.Kind == yaml.MappingNode {
			if g := mapGet(root, "groups"); g != nil {
				if err := twiceKey(name, "", "", root); err != nil {
					return nil, err
				}
				for i := 0; i < len(root.Content); i += 2 {
					if k := root.Content[i].Value; k != "groups" {
						return nil, &fileError{file: name, line: root.Content[i].Line, field: k, msg: `unknown top-level key (want "groups")`}
					}
				}
				root = g
			} else if mapGet(root, "name") != nil {
				root = &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{root}}
			}
		}
		if root.Kind != yaml.SequenceNode {
			return nil, &fileError{file: name, line: root.Line, msg: `want a list of groups, or "groups:" with a list`}
		}
		for _, n := range root.Content {
			if n.Kind != yaml.MappingNode {
				return nil, &fileError{file: name, line: n.Line, msg: "want a group (a mapping with name, description, ...)"}
			}
			nodes = append(nodes, n)
		}
	}
	specs := make([]groupSpec, 0, len(nodes))
	for _, n := range nodes {
		s, err := parseGroup(name, n)
		if err != nil {
			return nil, err
		}
		specs = append(specs, s)
	}
	return checkNames(name, specs)
}

// checkNames refuses a name used twice: groups are matched by name.
func checkNames(file string, specs []groupSpec) ([]groupSpec, error) {
	seen := map[string]int{}
	for _, s := range specs {
		if first, dup := seen[s.Name]; dup {
			return nil, &fileError{file: file, line: s.line, group: s.Name, field: "name", msg: fmt.Sprintf("the same name is already used on line %d (groups are matched by exact name)", first)}
		}
		seen[s.Name] = s.line
	}
	return specs, nil
}

func docRoot(doc *yaml.Node) *yaml.Node {
	if doc.Kind == yaml.DocumentNode {
		if len(doc.Content) == 0 {
			return nil
		}
		return doc.Content[0]
	}
	return doc
}

func shiftLines(n *yaml.Node, by int) {
	n.Line += by
	for _, c := range n.Content {
		shiftLines(c, by)
	}
}

func mapGet(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// yamlLine and yamlMsg pick the line out of a yaml error ("yaml: line 3: ...").
func yamlLine(err error) int {
	msg := err.Error()
	if _, rest, ok := strings.Cut(msg, "line "); ok {
		if n, err := strconv.Atoi(strings.SplitN(rest, ":", 2)[0]); err == nil {
			return n
		}
	}
	return 1
}

func yamlMsg(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if _, rest, ok := strings.Cut(msg, "line "); ok && strings.HasPrefix(msg, "line ") {
		if _, m, ok := strings.Cut(rest, ": "); ok {
			return m
		}
	}
	return msg
}

func parseGroup(file string, n *yaml.Node) (groupSpec, error) {
	s := groupSpec{line: n.Line}
	nameNode := mapGet(n, "name")
	if nameNode == nil {
		return s, &fileError{file: file, line: n.Line, field: "name", msg: "missing (every group needs its exact name)"}
	}
	if nameNode.Kind != yaml.ScalarNode || nameNode.Tag == "!!null" || strings.TrimSpace(nameNode.Value) == "" {
		return s, &fileError{file: file, line: nameNode.Line, field: "name", msg: "want a non-empty string"}
	}
	// The portal trims names, so " Sales " is stored as "Sales"; match it so.
	s.Name = strings.TrimSpace(nameNode.Value)
	if err := twiceKey(file, s.Name, "", n); err != nil {
		return s, err
	}
	bad := func(k *yaml.Node, msg string) error {
		return &fileError{file: file, line: k.Line, group: s.Name, field: k.Value, msg: msg}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if v.Tag == "!!null" && k.Value != "name" {
			continue // null: not managed
		}
		var err error
		switch k.Value {
		case "name":
		case "description":
			s.Description, err = str(v)
		case "keywords":
			s.Keywords, err = str(v)
		case "visible":
			s.Visible, err = flag(v)
		case "opened":
			s.Opened, err = flag(v)
		case "closed":
			s.Closed, err = flag(v)
		case "project":
			s.Project, err = flag(v)
		case "owner_id":
			s.OwnerID, err = positive(v)
		case "subject_id":
			s.SubjectID, err = positive(v)
		case "initiate_perms":
			r, ok := parseRole(v.Value)
			if !ok || v.Kind != yaml.ScalarNode {
				err = fmt.Errorf("want owner, moderator or member (who may invite), got %q", v.Value)
			}
			s.InitiatePerms = &r
		case "project_date_start":
			s.ProjectDateStart, err = date(v)
		case "project_date_finish":
			s.ProjectDateFinish, err = date(v)
		case "members":
			s.Members, err = parseMembers(file, s.Name, v)
			if err != nil {
				return s, err
			}
		default:
			if readOnlyFields[k.Value] {
				continue
			}
			return s, bad(k, "unknown field (want name, description, keywords, visible, opened, closed, project, owner_id, subject_id, initiate_perms, project_date_start, project_date_finish, members)")
		}
		if err != nil {
			return s, &fileError{file: file, line: v.Line, group: s.Name, field: k.Value, msg: err.Error()}
		}
	}
	if s.Members != nil {
		if err := checkOwner(file, &s); err != nil {
			return s, err
		}
	}
	return s, nil
}

func str(v *yaml.Node) (*string, error) {
	if v.Kind != yaml.ScalarNode {
		return nil, fmt.Errorf("want a string")
	}
	s := v.Value
	return &s, nil
}

func flag(v *yaml.Node) (*bool, error) {
	if v.Kind == yaml.ScalarNode {
		switch strings.ToLower(v.Value) {
		case "true", "y", "yes":
			b := true
			return &b, nil
		case "false", "n", "no":
			b := false
			return &b, nil
		}
	}
	return nil, fmt.Errorf("want true or false (or Y/N), got %q", v.Value)
}

// date reads an ISO-8601 date with its offset; a date without one would
// be read in the portal's time zone, which the command does not know.
func date(v *yaml.Node) (*time.Time, error) {
	t, err := time.Parse(time.RFC3339, v.Value)
	if v.Kind != yaml.ScalarNode || err != nil {
		return nil, fmt.Errorf("want a date with its offset, e.g. 2026-09-01T09:00:00+02:00, got %q", v.Value)
	}
	return &t, nil
}

func positive(v *yaml.Node) (*int, error) {
	n, err := strconv.Atoi(v.Value)
	if v.Kind != yaml.ScalarNode || err != nil || n <= 0 {
		return nil, fmt.Errorf("want a positive integer ID, got %q", v.Value)
	}
	return &n, nil
}
