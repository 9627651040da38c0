package sonettest_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/b24kit/sonet"
	"github.com/b24kit/sonet/sonettest"
)

// sonettest.Role is its own type (the package cannot import the SDK), so
// nothing but this test keeps its values those of sonet.Role: a fake
// portal that stored another letter for a role would pass its own tests
// and break every SDK test that compares roles.
func TestRolesEqualTheSDKs(t *testing.T) {
	for _, c := range []struct {
		name string
		fake sonettest.Role
		sdk  sonet.Role
	}{
		{"owner", sonettest.RoleOwner, sonet.RoleOwner},
		{"moderator", sonettest.RoleModerator, sonet.RoleModerator},
		{"member", sonettest.RoleMember, sonet.RoleMember},
		{"request", sonettest.RoleRequest, sonet.RoleRequest},
	} {
		assert.Equal(t, string(c.sdk), string(c.fake), c.name)
	}
}
