package sonet

import (
	"fmt"
	"regexp"
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
//		sonet.SetParam("GROUP_ID", sonet.Ref(created)))
func SetParam(key, value string) BatchParam { return BatchParam{key, value} }

// Ref returns the reference $result[KEY][path...] to an earlier command's
// result, for use as a parameter value of a later command in the same
// batch. Path elements are map keys or list indexes: Ref(page, 0, "ID") is
// the ID of the first row of a list command. The portal substitutes the
// value before running the later command.
//
// A path into a list is unsafe in a write: when the row is missing (the
// list came back shorter), the portal substitutes the part it reached, the
// whole row list, and the REST methods cast that array to the ID 1, so
// sonet_group.delete with GROUP_ID=Ref(page, 3, "ID") deletes group 1.
// Halt does not prevent it (the list command succeeded). Chain writes to
// single values (Ref(created)), or read the list in its own request first.
func Ref(cmd BatchHandle, path ...any) string {
	var sb strings.Builder
	sb.WriteString("$result[" + cmd.Key() + "]")
	for _, p := range path {
		fmt.Fprintf(&sb, "[%v]", p)
	}
	return sb.String()
}

var refKey = regexp.MustCompile(`\$result\[([^\]]*)\]`)
