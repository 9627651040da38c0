package sonet

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/b24kit/sonet/internal/wire"
)

// UserGroup is one membership of the calling user, as
// sonet_group.user.groups returns it.
type UserGroup struct {
	// GroupID is the group's ID (sent as a string, "77").
	GroupID int
	// GroupName is the group's title as written, emoji decoded as in
	// Group.Name.
	GroupName string
	// Role is the caller's role: RoleOwner, RoleModerator or RoleMember.
	// Pending requests and invitations are not listed by the portal.
	Role Role
	// ImageID is the avatar's file ID; 0 when the group has no avatar (the
	// portal sends null).
	ImageID int
	// Image is the avatar's URL; empty when the group has no avatar.
	Image string
	// IsExtranet is true for an extranet group. The portal sends
	// IS_EXTRANET only for those ("Y"); its absence means false.
	IsExtranet bool
}

type rawUserGroup struct {
	GroupID    wire.Int    `json:"GROUP_ID"`
	GroupName  wire.String `json:"GROUP_NAME"`
	Role       wire.String `json:"ROLE"`
	ImageID    wire.Int    `json:"GROUP_IMAGE_ID"`
	Image      wire.String `json:"GROUP_IMAGE"`
	IsExtranet wire.Flag   `json:"IS_EXTRANET"`
}

// UnmarshalJSON decodes a sonet_group.user.groups row. IDs are accepted as
// numbers or strings; a row without a positive GROUP_ID, or a field of the
// wrong type, is an error. A role letter the SDK does not name is kept as
// it is.
func (g *UserGroup) UnmarshalJSON(b []byte) error {
	var r rawUserGroup
	if err := json.Unmarshal(b, &r); err != nil {
		return fmt.Errorf("user group: %w", err)
	}
	if r.GroupID <= 0 {
		return fmt.Errorf("user group: row without a positive GROUP_ID")
	}
	*g = UserGroup{
		GroupID:    int(r.GroupID),
		GroupName:  fromPortal(string(r.GroupName)),
		Role:       Role(r.Role),
		ImageID:    int(r.ImageID),
		Image:      string(r.Image),
		IsExtranet: bool(r.IsExtranet),
	}
	return nil
}

// ListMyGroups returns the groups and projects the calling user (the
// webhook's user, or the OAuth token's) belongs to as owner, moderator or
// member, with sonet_group.user.groups. The method takes no parameters.
//
// A user in no group gets an empty, non-nil slice and no error. The docs
// show no paging for this method; should a portal send "next" anyway, the
// following pages are read too, so no membership is dropped (a portal that
// does not advance gives ErrCursorStalled). The call is a read and is
// retried through transient failures.
//
// Docs: https://apidocs.bitrix24.com/api-reference/sonet-group/sonet-group-user-groups.html
func (c *Client) ListMyGroups(ctx context.Context) ([]UserGroup, error) {
	fetch := func(ctx context.Context, start int) (*Page[UserGroup], error) {
		return readPage[UserGroup](ctx, c, "sonet_group.user.groups", startParams{Start: start})
	}
	return readAll(ctx, "sonet_group.user.groups", fetch, func(g UserGroup) int { return g.GroupID })
}

// startParams carries only the offset of a follow-up page; the first page
// sends an empty body.
type startParams struct {
	Start int `url:"start,omitempty"`
}
