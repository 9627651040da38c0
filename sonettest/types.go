package sonettest

import (
	"sort"
	"time"
)

// Role is a user's relation to a group, as the portal writes it: one of
// the letters below. Its values are sonet.Role's, so a sonet.Role converts
// directly: sonettest.Role(sonet.RoleModerator). (sonettest cannot import
// sonet: the SDK's own tests import sonettest.)
type Role string

// Member roles as the portal writes them.
const (
	RoleOwner     Role = "A" // group owner
	RoleModerator Role = "E" // moderator
	RoleMember    Role = "K" // ordinary member
	RoleRequest   Role = "Z" // pending request or invitation, not yet a member
)

// Group is a workgroup, project or scrum held by the fake portal.
//
// Flags are taken as given by AddGroup, so a zero Active or Visible means
// "N"; start from NewGroup to get the defaults sonet_group.create applies.
type Group struct {
	ID                int
	SiteID            string
	Name              string
	Description       string
	Keywords          string
	Active            bool
	Visible           bool
	Opened            bool
	Closed            bool
	Project           bool
	InitiatePerms     string // A, E or K
	SubjectID         int
	SubjectName       string
	OwnerID           int
	ScrumMasterID     int
	ProjectDateStart  time.Time
	ProjectDateFinish time.Time
	DateCreate        time.Time
	DateUpdate        time.Time
	DateActivity      time.Time
	ImageURL          string
	ImageFileID       int
	IsExtranet        bool
	Members           map[int]Role // user ID -> role; the owner needs no entry

	// InitiatedBy says who started each relation in Members: "U" the user
	// (a join request, or the owner who created the group) or "G" the
	// group (an invitation, or an administrator adding the user). A user
	// missing here counts as "G", except the owner ("U").
	InitiatedBy map[int]string
	// ScrumOwnerID is the scrum's owner (SCRUM_OWNER_ID), a field apart
	// from ScrumMasterID: sonet_group.create sets it to the group's owner
	// when SCRUM_MASTER_ID is sent, unless SCRUM_OWNER_ID is sent too (this
	// fake's choice; the docs do not say).
	ScrumOwnerID int
	// ScrumSprintDuration is the sprint length in seconds.
	ScrumSprintDuration int
	// ChatID is the group chat; DIALOG_ID is "chat" + ChatID, "" without.
	ChatID int
}

// NewGroup returns a group with the defaults of sonet_group.create: active,
// visible, not opened, not closed, not a project, INITIATE_PERMS K, subject
// 1 "Workgroups", site s1, owned by the admin (user 1), and empty (never
// nil) Members and InitiatedBy maps, so g.Members[2] = RoleMember or
// g.WithMember(2, RoleMember) work at once.
func NewGroup(name string) Group {
	return Group{Name: name, SiteID: "s1", Active: true, Visible: true, InitiatePerms: "K",
		SubjectID: 1, SubjectName: "Workgroups", OwnerID: 1, Members: map[int]Role{}, InitiatedBy: map[int]string{}}
}

// NewProject is NewGroup with Project set: what sonet_group.create makes
// with PROJECT=Y.
func NewProject(name string) Group {
	g := NewGroup(name)
	g.Project = true
	return g
}

// WithMember returns a copy of g with the user in the given role (fresh
// maps, so the original is not changed). RoleOwner makes the user the
// owner (OwnerID); the previous owner then stays a member only if the map
// lists them.
func (g Group) WithMember(userID int, role Role) Group {
	m := make(map[int]Role, len(g.Members)+1)
	for k, v := range g.Members {
		m[k] = v
	}
	by := make(map[int]string, len(g.InitiatedBy))
	for k, v := range g.InitiatedBy {
		by[k] = v
	}
	m[userID] = role
	if role == RoleOwner {
		if g.OwnerID != userID && m[g.OwnerID] == RoleOwner {
			delete(m, g.OwnerID) // one owner; another role listed stays
		}
		g.OwnerID = userID
	}
	g.Members, g.InitiatedBy = m, by
	return g
}

// WithMembers is WithMember for several users in one role.
func (g Group) WithMembers(role Role, userIDs ...int) Group {
	for _, id := range userIDs {
		g = g.WithMember(id, role)
	}
	return g
}

// User is a portal user. User 1 "Admin" exists from the start and is an
// administrator; the webhook and the OAuth tokens act as user 1.
type User struct {
	ID    int
	Name  string
	Admin bool
	Fired bool // fired users are not listed by sonet_group.user.get
}

// Request is one HTTP request the server received.
type Request struct {
	Time        time.Time      // server clock when it arrived
	Method      string         // REST method, lower-cased and without .json; "oauth/token" for the token endpoint
	Path        string         // URL path as received
	Params      map[string]any // query and body parsed into nested maps with string leaves
	Body        string         // raw body, or the raw query when the body is empty
	ContentType string
	HTTPStatus  int // status the server answered; 0 when the connection was dropped
}

// gstate is a stored group plus the order members joined in, the ID of
// each relation (b_sonet_user2group.ID, unique across groups) and who
// initiated it.
type gstate struct {
	g     Group
	order []int
	rel   map[int]int
	by    map[int]string
	seq   *int // the server's relation ID counter
}

// newState wraps g (whose Members are ignored) for storage. Callers hold
// s.mu.
func (s *Server) newState(g Group) *gstate {
	g.Members, g.InitiatedBy = map[int]Role{}, nil
	return &gstate{g: g, rel: map[int]int{}, by: map[int]string{}, seq: &s.nextRel}
}

// clone copies st for a change that may still fail.
func (st *gstate) clone() *gstate {
	c := &gstate{g: st.snapshot(), order: append([]int(nil), st.order...), rel: map[int]int{}, by: map[int]string{}, seq: st.seq}
	c.g.InitiatedBy = nil
	for k, v := range st.rel {
		c.rel[k] = v
	}
	for k, v := range st.by {
		c.by[k] = v
	}
	return c
}

// setRole gives uid a role; a new relation is initiated by the group.
func (st *gstate) setRole(uid int, role Role) { st.setRoleBy(uid, role, "G") }

// setRoleBy gives uid a role; by ("U" or "G") is recorded when the
// relation is new.
func (st *gstate) setRoleBy(uid int, role Role, by string) {
	if _, ok := st.g.Members[uid]; !ok {
		st.order = append(st.order, uid)
		*st.seq++
		st.rel[uid] = *st.seq
		st.by[uid] = by
	}
	st.g.Members[uid] = role
}

func (st *gstate) remove(uid int) {
	delete(st.g.Members, uid)
	delete(st.rel, uid)
	delete(st.by, uid)
	for i, id := range st.order {
		if id == uid {
			st.order = append(st.order[:i:i], st.order[i+1:]...)
			break
		}
	}
}

// role returns the user's role letter, "" when unrelated.
func (st *gstate) role(uid int) Role { return st.g.Members[uid] }

// isMember reports whether the user is owner, moderator or member.
func (st *gstate) isMember(uid int) bool {
	r := st.role(uid)
	return r == RoleOwner || r == RoleModerator || r == RoleMember
}

func (st *gstate) count(roles string) int {
	n := 0
	for _, r := range st.g.Members {
		for i := 0; i < len(roles); i++ {
			if string(r) == roles[i:i+1] {
				n++
			}
		}
	}
	return n
}

// idsWithRole returns the IDs of members with any of roles, in join order.
func (st *gstate) idsWithRole(roles string) []int {
	out := []int{}
	for _, uid := range st.order {
		r := st.g.Members[uid]
		for i := 0; i < len(roles); i++ {
			if string(r) == roles[i:i+1] {
				out = append(out, uid)
			}
		}
	}
	return out
}

func (st *gstate) snapshot() Group {
	g := st.g
	g.Members = make(map[int]Role, len(st.g.Members))
	g.InitiatedBy = make(map[int]string, len(st.by))
	for k, v := range st.g.Members {
		g.Members[k] = v
	}
	for k, v := range st.by {
		g.InitiatedBy[k] = v
	}
	return g
}

func sortedIDs[T any](m map[int]T) []int {
	ids := make([]int, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	return ids
}

// timeField sets a date from an ISO-8601 string; "" clears it.
type timeField struct{ t *time.Time }

func (f timeField) set(s string, loc *time.Location) bool {
	if s == "" {
		*f.t = time.Time{}
		return true
	}
	t, ok := parseDate(s, loc)
	if ok {
		*f.t = t
	}
	return ok
}
