package sonet

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// This file holds how one batch command takes a value from an earlier one:
// SetParam and Ref.

// BatchParam replaces one parameter of a typed batch command after the
// request was validated and encoded; see SetParam.
type BatchParam struct{ Key, Value string }

// SetParam sets the wire parameter key (e.g. "GROUP_ID") of a typed batch
// command to value, usually a Ref to an earlier command. The typed request
// may leave that field at its zero value: it is validated as if it held a
// placeholder, and the placeholder is then replaced by value.
//
//	created := sonet.BatchCreateGroup(b, &sonet.GroupCreateRequest{Name: "Q3"})
//	sonet.BatchUpdateGroup(b, &sonet.GroupUpdateRequest{Description: sonet.String("...")},
//		sonet.SetParam("GROUP_ID", created.Ref()))
func SetParam(key, value string) BatchParam { return BatchParam{key, value} }

// Ref returns the reference $result[KEY][path...] to this command's result,
// for use as a parameter value of a later command in the same batch. Path
// elements are map keys or list indexes: page.Ref(0, "ID") is the ID of the
// first row of a list command. The portal substitutes the value before
// running the later command.
//
// A path into a list is unsafe in a write: when the row is missing (the
// list came back shorter), the portal substitutes the part it reached, the
// whole row list, and the REST methods cast that array to the ID 1, so
// sonet_group.delete with GROUP_ID=page.Ref(3, "ID") deletes group 1.
// Halt does not prevent it (the list command succeeded). So a write command
// whose parameters index a list past its first row is refused before
// anything is sent (a *ValidationError); chain writes to single values
// (created.Ref()) or the first row (page.Ref(0, "ID")), or read the list in
// its own request first.
func (h *BatchCommand[T]) Ref(path ...any) string { return ref(h.key, path) }

func ref(key string, path []any) string {
	var sb strings.Builder
	sb.WriteString("$result[" + key + "]")
	for _, p := range path {
		fmt.Fprintf(&sb, "[%v]", p)
	}
	return sb.String()
}

var refKey = regexp.MustCompile(`\$result\[([^\]]*)\]`)

// refPath matches a whole $result reference: the command key, then the
// path that follows it.
var refPath = regexp.MustCompile(`\$result\[[^\]]*\]((?:\[[^\]]*\])*)`)

// unsafeWriteRef returns the first reference in value that indexes into a
// list past its first row ($result[c0][3][ID]), or "". In a write such a
// reference is refused: a list that came back shorter makes the portal
// substitute the whole row list, which the REST methods cast to the ID 1.
// Index 0 is safe: a missing first row leaves the empty list, cast to 0,
// which every method refuses.
func unsafeWriteRef(value string) string {
	for _, m := range refPath.FindAllStringSubmatch(value, -1) {
		for _, el := range strings.Split(strings.TrimSuffix(strings.TrimPrefix(m[1], "["), "]"), "][") {
			if n, err := strconv.Atoi(el); err == nil && n > 0 {
				return m[0]
			}
		}
	}
	return ""
}

// readMethod reports whether a REST method only reads, by the last part of
// its name (sonet_group.get, socialnetwork.api.workgroup.list,
// sonet_group.user.groups, sonet_group.feature.access, user.get, ...).
// Anything else counts as a write.
func readMethod(method string) bool {
	last := strings.ToLower(method[strings.LastIndexByte(method, '.')+1:])
	return strings.HasPrefix(last, "get") || strings.HasPrefix(last, "list") ||
		last == "groups" || last == "access" || last == "fields"
}
