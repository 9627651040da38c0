package cli

import (
	"fmt"
	"strings"

	"github.com/b24kit/sonet"
	"go.yaml.in/yaml/v3"
)

// parseRole reads a member role: owner, moderator, member, or the portal's
// letters A, E, K.
func parseRole(s string) (sonet.Role, bool) {
	switch strings.ToLower(s) {
	case "owner", "a":
		return sonet.RoleOwner, true
	case "moderator", "e":
		return sonet.RoleModerator, true
	case "member", "k":
		return sonet.RoleMember, true
	}
	return "", false
}

func parseMembers(file, group string, v *yaml.Node) (*[]memberSpec, error) {
	if v.Kind != yaml.SequenceNode {
		return nil, &fileError{file: file, line: v.Line, group: group, field: "members", msg: "want a list of {user_id, role}"}
	}
	out := []memberSpec{}
	seen := map[int]int{}
	for _, m := range v.Content {
		if m.Kind != yaml.MappingNode {
			return nil, &fileError{file: file, line: m.Line, group: group, field: "members", msg: "want {user_id: N, role: owner|moderator|member}"}
		}
		if err := twiceKey(file, group, "members.", m); err != nil {
			return nil, err
		}
		ms := memberSpec{line: m.Line, Role: sonet.RoleMember}
		for i := 0; i+1 < len(m.Content); i += 2 {
			k, val := m.Content[i], m.Content[i+1]
			switch k.Value {
			case "user_id":
				id, err := positive(val)
				if err != nil {
					return nil, &fileError{file: file, line: val.Line, group: group, field: "members.user_id", msg: err.Error()}
				}
				ms.UserID = *id
			case "role":
				r, ok := parseRole(val.Value)
				if !ok || val.Kind != yaml.ScalarNode {
					return nil, &fileError{file: file, line: val.Line, group: group, field: "members.role", msg: fmt.Sprintf("unknown role %q (want owner, moderator or member)", val.Value)}
				}
				ms.Role = r
			default:
				return nil, &fileError{file: file, line: k.Line, group: group, field: "members." + k.Value, msg: "unknown field (want user_id, role)"}
			}
		}
		if ms.UserID == 0 {
			return nil, &fileError{file: file, line: m.Line, group: group, field: "members.user_id", msg: "missing"}
		}
		if first, dup := seen[ms.UserID]; dup {
			return nil, &fileError{file: file, line: m.Line, group: group, field: "members.user_id", msg: fmt.Sprintf("user %d is already listed on line %d", ms.UserID, first)}
		}
		seen[ms.UserID] = m.Line
		out = append(out, ms)
	}
	return &out, nil
}

// checkOwner makes owner_id and a member listed as owner agree, and fills
// owner_id from the member list when only the list names the owner.
func checkOwner(file string, s *groupSpec) error {
	var owner *memberSpec
	for i := range *s.Members {
		m := &(*s.Members)[i]
		if m.Role != sonet.RoleOwner {
			continue
		}
		if owner != nil {
			return &fileError{file: file, line: m.line, group: s.Name, field: "members.role", msg: fmt.Sprintf("a group has one owner; user %d is already owner (line %d)", owner.UserID, owner.line)}
		}
		owner = m
	}
	switch {
	case owner == nil:
	case s.OwnerID == nil:
		id := owner.UserID
		s.OwnerID = &id
	case *s.OwnerID != owner.UserID:
		return &fileError{file: file, line: owner.line, group: s.Name, field: "members.role", msg: fmt.Sprintf("user %d is listed as owner but owner_id is %d", owner.UserID, *s.OwnerID)}
	}
	return nil
}
