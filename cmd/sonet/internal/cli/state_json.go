package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"go.yaml.in/yaml/v3"
)

// Why the desired state is not simply handed to yaml.Unmarshal: it reads the
// first document only and says nothing about the rest. Text that starts
// with a JSON object is a YAML flow mapping, so for `{...}\n{...}\n{"na`
// (an export cut short) yaml.v3 returns the first group without an error,
// and apply --prune would delete every group on the later lines. The same
// happens to a second YAML document after "---". So JSON and JSON Lines are
// checked with encoding/json first, and YAML is read to its end.

// jsonKind tells how text that starts like JSON ("{" or "[") is laid out:
// one value (a JSON document) or several (JSON Lines). Text that does not
// start like JSON gives 0 and no error. Broken JSON is an error naming its
// line, never a shorter list of groups.
func jsonKind(file string, data []byte) (values int, err error) {
	t := bytes.TrimLeft(data, " \t\r\n")
	if len(t) == 0 || (t[0] != '{' && t[0] != '[') {
		return 0, nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		var v json.RawMessage
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			return values, nil
		}
		if err != nil {
			return 0, jsonError(file, data, dec.InputOffset(), err)
		}
		values++
	}
}

// jsonError locates a JSON syntax error by line.
func jsonError(file string, data []byte, offset int64, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		offset = se.Offset
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		offset = int64(len(bytes.TrimRight(data, " \t\r\n")))
		return &fileError{file: file, line: lineAt(data, offset), msg: "the file ends inside a JSON value (cut short?); nothing was read from it"}
	}
	return &fileError{file: file, line: lineAt(data, offset), msg: "not valid JSON: " + err.Error()}
}

// lineAt is the 1-based line of a byte offset.
func lineAt(data []byte, offset int64) int {
	offset = min(max(offset, 0), int64(len(data)))
	if offset > 0 && data[offset-1] == '\n' {
		offset-- // an error reported after a newline belongs to the line it ends
	}
	return bytes.Count(data[:offset], []byte("\n")) + 1
}

// jsonLines reads JSON Lines: every non-blank line must be one JSON object.
func jsonLines(file string, data []byte) ([]*yaml.Node, error) {
	var nodes []*yaml.Node
	for i, line := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if !json.Valid(line) {
			return nil, &fileError{file: file, line: i + 1, msg: "want one JSON object on this line (JSON Lines: one group per line)"}
		}
		var doc yaml.Node
		if err := yaml.Unmarshal(line, &doc); err != nil {
			return nil, &fileError{file: file, line: i + 1, msg: "not a JSON object: " + yamlMsg(err)}
		}
		n := docRoot(&doc)
		shiftLines(n, i)
		if n.Kind != yaml.MappingNode {
			return nil, &fileError{file: file, line: i + 1, msg: "want a JSON object (one group per line)"}
		}
		nodes = append(nodes, n)
	}
	return nodes, nil
}

// yamlDocument reads one YAML (or JSON) document and refuses a second one.
// It returns nil for a file with no document at all.
func yamlDocument(file string, data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, &fileError{file: file, line: yamlLine(err), msg: yamlMsg(err)}
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF):
		return &doc, nil
	case err != nil:
		return nil, &fileError{file: file, line: yamlLine(err), msg: yamlMsg(err)}
	}
	line := next.Line
	if r := docRoot(&next); r != nil {
		line = r.Line
	}
	return nil, &fileError{file: file, line: line, msg: "a second YAML document starts here; put every group in the first one (the file is read whole or not at all)"}
}

// twiceKey refuses a key given twice in one mapping: yaml.v3 builds the
// node without complaint and the later value would silently win (JSON
// parsers differ on which one wins). prefix names the mapping's fields
// ("members." for a member).
func twiceKey(file, group, prefix string, m *yaml.Node) error {
	seen := map[string]int{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		if first, ok := seen[k.Value]; ok {
			return &fileError{file: file, line: k.Line, group: group, field: prefix + k.Value, msg: fmt.Sprintf("given twice (first on line %d)", first)}
		}
		seen[k.Value] = k.Line
	}
	return nil
}
