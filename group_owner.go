package sonet

import (
	"context"
	"fmt"
)

// SetGroupOwner makes userID the owner of a group or project with
// sonet_group.setowner. The caller must be the current owner (or, on the
// portals the older docs describe, a social-network administrator).
//
// The new owner need not be a member yet. The docs do not say what becomes
// of the previous owner; server code in the wild keeps them in the group as
// an ordinary member (a scrum's scrum master as a moderator). Read
// ListGroupMembers afterwards if it matters.
//
// The docs give four texts for the failures and their own example a fifth,
// while server code in the wild uses yet others (spec §2.5, §10.10); every
// known variant is matched, so test errors with errors.Is:
//   - ErrWrongGroupID ("Invalid workgroup/project ID", "Wrong group ID");
//   - ErrWrongUserIDs ("Invalid user ID", "Wrong new owner ID");
//   - ErrNoPermissionToOwner, also ErrPermissionDenied ("Insufficient
//     permissions to complete the operation.", "User has no permissions to
//     set owner", "User has no permissions to change group owner");
//   - ErrCannotSetOwner ("Cannot complete operation.", "Cannot change group
//     owner");
//   - ErrGroupNotFound, also ErrNotFound, for a group the caller cannot see.
//
// Non-positive IDs are refused with a *ValidationError before anything is
// sent. The call is a write: a lost answer matches ErrOutcomeUnknown and is
// not repeated. Look at GetGroup's OwnerID before trying again: once the
// change has run the caller is usually no longer the owner, and a repeat
// would fail with ErrNoPermissionToOwner. An answer other than true is a
// *ResponseError.
//
// Docs: https://apidocs.bitrix24.com/api-reference/sonet-group/sonet-group-setowner.html
func (c *Client) SetGroupOwner(ctx context.Context, groupID, userID int) error {
	if err := checkGroupID("GROUP_ID", groupID); err != nil {
		return err
	}
	if userID <= 0 {
		return &ValidationError{Field: "USER_ID", Reason: fmt.Sprintf("want a positive user ID for the new owner, got %d", userID)}
	}
	return c.callTrue(ctx, "sonet_group.setowner", kindWrite, setOwnerParams{GroupID: groupID, UserID: userID})
}

type setOwnerParams struct {
	GroupID int `url:"GROUP_ID"`
	UserID  int `url:"USER_ID"`
}

// checkGroupID refuses a non-positive group ID under the given wire name.
func checkGroupID(field string, id int) error {
	if id <= 0 {
		return &ValidationError{Field: field, Reason: fmt.Sprintf("want a positive group ID, got %d", id)}
	}
	return nil
}
