package sonettest

import (
	"fmt"
	"testing"
)

// Start is NewServer for a test: the server is closed by tb.Cleanup. With
// the SDK, the client for it is one line:
//
//	srv := sonettest.Start(t)
//	c, err := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithTestDefaults())
//
// (sonettest cannot return a *sonet.Client itself: the SDK's own tests
// import sonettest, and sonettest importing sonet would be a cycle.)
func Start(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s := NewServer(opts...)
	tb.Cleanup(s.Close)
	return s
}

// AddUsers adds users with the given names and returns their IDs in order
// (the admin is user 1, so the first call gives 2, 3, ...).
func (s *Server) AddUsers(names ...string) []int {
	ids := make([]int, len(names))
	for i, n := range names {
		ids[i] = s.AddUser(User{Name: n})
	}
	return ids
}

// SetMember gives a user a role in a stored group, as if the member methods
// had run: RoleMember, RoleModerator or RoleRequest (RoleOwner moves the
// ownership; the previous owner stays a member, as sonet_group.setowner
// leaves them). It fails for an unknown group or user.
func (s *Server) SetMember(groupID, userID int, role Role) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.groups[groupID]
	switch {
	case st == nil:
		return fmt.Errorf("sonettest: no group %d", groupID)
	case s.users[userID] == nil:
		return fmt.Errorf("sonettest: no user %d (add it with AddUser)", userID)
	case role != RoleOwner && role != RoleModerator && role != RoleMember && role != RoleRequest:
		return fmt.Errorf("sonettest: role %q is not A, E, K or Z", role)
	case role == RoleOwner:
		changeOwner(st, userID)
	case userID == st.g.OwnerID:
		return fmt.Errorf("sonettest: user %d owns group %d; give the group another owner first", userID, groupID)
	default:
		st.setRole(userID, role)
	}
	return nil
}
