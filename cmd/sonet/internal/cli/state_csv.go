package cli

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// isExportCSV tells the CSV that export writes by the start of its header
// (YAML and JSON cannot start that way).
func isExportCSV(data []byte) bool {
	return bytes.HasPrefix(data, []byte("id,name,"))
}

// csvFormulaStarts are the first characters that make a spreadsheet read a
// cell as a formula (OWASP, "CSV Injection"): "=", "+", "-", "@", tab and
// carriage return. The quote is in the set so that the escaping reverses.
const csvFormulaStarts = "=+-@\t\r'"

// csvEscape neutralises a cell for spreadsheets the way OWASP advises: a
// value that starts with a formula character gets a single quote in front,
// which spreadsheets read as "text". A value that already starts with a
// quote gets one more, so csvUnescape can take exactly one quote off every
// cell that starts with one. "=1+2" is written as "'=1+2", and "'x" as
// "'x" with a second quote in front.
func csvEscape(s string) string {
	if s != "" && strings.IndexByte(csvFormulaStarts, s[0]) >= 0 {
		return "'" + s
	}
	return s
}

// csvUnescape reverses csvEscape.
func csvUnescape(s string) string { return strings.TrimPrefix(s, "'") }

// parseCSV reads the CSV that export writes: the same columns, the
// read-only ones ignored, booleans as true/false, members as
// "1:owner 5:moderator" (an empty members cell leaves the members alone).
// Every cell is read back through csvUnescape: a cell that starts with a
// single quote loses that one quote.
func parseCSV(file string, data []byte) ([]groupSpec, error) {
	r := csv.NewReader(bytes.NewReader(data))
	header, err := r.Read()
	if err != nil {
		return nil, &fileError{file: file, line: 1, msg: err.Error()}
	}
	col := map[string]int{}
	for i, h := range header {
		if !readOnlyFields[h] && !csvManaged[h] {
			return nil, &fileError{file: file, line: 1, field: h, msg: "unknown column"}
		}
		col[h] = i
	}
	if _, ok := col["name"]; !ok {
		return nil, &fileError{file: file, line: 1, field: "name", msg: "missing column"}
	}
	var specs []groupSpec
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			return nil, &fileError{file: file, line: line, msg: err.Error()}
		}
		line, _ := r.FieldPos(0) // only after a successful Read: it panics otherwise
		for i := range rec {
			rec[i] = csvUnescape(rec[i])
		}
		s, err := csvGroup(file, line, col, rec)
		if err != nil {
			return nil, err
		}
		specs = append(specs, s)
	}
	return specs, nil
}

var csvManaged = map[string]bool{"name": true, "description": true, "keywords": true, "visible": true, "opened": true,
	"closed": true, "project": true, "owner_id": true, "subject_id": true, "members": true}

func csvGroup(file string, line int, col map[string]int, rec []string) (groupSpec, error) {
	s := groupSpec{line: line, fromCSV: true, Name: strings.TrimSpace(rec[col["name"]])}
	if s.Name == "" {
		return s, &fileError{file: file, line: line, field: "name", msg: "want a non-empty string"}
	}
	bad := func(field, msg string) error {
		return &fileError{file: file, line: line, group: s.Name, field: field, msg: msg}
	}
	cell := func(name string) (string, bool) {
		i, ok := col[name]
		return rec[i], ok
	}
	if v, ok := cell("description"); ok {
		s.Description = &v
	}
	if v, ok := cell("keywords"); ok {
		s.Keywords = &v
	}
	// A fixed order (the export's column order, not a map's): with several
	// bad cells the error names the same one every time, whatever order
	// the file's own columns are in.
	for _, f := range []struct {
		name string
		dst  **bool
	}{{"visible", &s.Visible}, {"opened", &s.Opened}, {"closed", &s.Closed}, {"project", &s.Project}} {
		if v, ok := cell(f.name); ok && v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return s, bad(f.name, fmt.Sprintf("want true or false, got %q", v))
			}
			*f.dst = &b
		}
	}
	for _, f := range []struct {
		name string
		dst  **int
	}{{"subject_id", &s.SubjectID}, {"owner_id", &s.OwnerID}} {
		if v, ok := cell(f.name); ok && v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 {
				return s, bad(f.name, fmt.Sprintf("want a positive integer ID, got %q", v))
			}
			*f.dst = &n
		}
	}
	if v, ok := cell("members"); ok && strings.TrimSpace(v) != "" {
		members := []memberSpec{}
		seen := map[int]bool{}
		for _, tok := range strings.Fields(v) {
			id, role, _ := strings.Cut(tok, ":")
			n, err := strconv.Atoi(id)
			r, ok := parseRole(role)
			if err != nil || n <= 0 || !ok {
				return s, bad("members", fmt.Sprintf("want USER_ID:ROLE (role owner, moderator or member), got %q", tok))
			}
			if seen[n] {
				return s, bad("members", fmt.Sprintf("user %d is listed twice", n))
			}
			seen[n] = true
			members = append(members, memberSpec{line: line, UserID: n, Role: r})
		}
		s.Members = &members
		if err := checkOwner(file, &s); err != nil {
			return s, err
		}
	}
	return s, nil
}
