package sonet

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/b24kit/sonet/internal/wire"
)

// Member is one participant of a group as sonet_group.user.get returns it.
type Member struct {
	// UserID is the user's ID (sent as a string, "1269").
	UserID int
	// Role is RoleOwner, RoleModerator or RoleMember; the portal lists
	// neither pending requests nor invitations.
	Role Role
}

type rawMember struct {
	UserID wire.Int    `json:"USER_ID"`
	Role   wire.String `json:"ROLE"`
}

// UnmarshalJSON decodes a sonet_group.user.get row. A row without a
// positive USER_ID, or a field of the wrong type, is an error. A role letter
// the SDK does not name is kept as it is.
func (m *Member) UnmarshalJSON(b []byte) error {
	var r rawMember
	if err := json.Unmarshal(b, &r); err != nil {
		return fmt.Errorf("member: %w", err)
	}
	if r.UserID <= 0 {
		return fmt.Errorf("member: row without a positive USER_ID")
	}
	*m = Member{UserID: int(r.UserID), Role: Role(r.Role)}
	return nil
}

// ListGroupMembers returns the active owner, moderators and members of a
// group or project, with sonet_group.user.get. Fired or deactivated users,
// pending requests and invitations are not listed.
//
// This method names its group parameter ID, not GROUP_ID like its
// siblings; the SDK sends ID. The docs show no paging; should a portal
// send "next" anyway, the following pages are read too (a portal that does
// not advance gives ErrCursorStalled). A group with nobody the caller may
// see gives an empty, non-nil slice.
//
// Failures: ErrWrongGroupID ("Wrong socialnetwork group ID"),
// ErrGroupNotFound (also ErrNotFound; also for a secret group the caller
// may not see). The call is a read and is retried through transient
// failures.
//
// Docs: https://apidocs.bitrix24.com/api-reference/sonet-group/members/sonet-group-user-get.html
func (c *Client) ListGroupMembers(ctx context.Context, groupID int) ([]Member, error) {
	if err := checkGroupID("ID", groupID); err != nil {
		return nil, err
	}
	fetch := func(ctx context.Context, start int) (*Page[Member], error) {
		return readPage[Member](ctx, c, "sonet_group.user.get", memberListParams{ID: groupID, Start: start})
	}
	return readAll(ctx, "sonet_group.user.get", fetch, func(m Member) int { return m.UserID })
}

type memberListParams struct {
	ID    int `url:"ID"`
	Start int `url:"start,omitempty"`
}

// readPage reads one page of a list method that answers with a JSON array.
func readPage[T any](ctx context.Context, c *Client, method string, params any) (*Page[T], error) {
	f, err := encodeRequest(params)
	if err != nil {
		return nil, err
	}
	var items []T
	r, err := c.call(ctx, method, kindRead, f, &items)
	if err != nil {
		return nil, err
	}
	return pageFrom(r, items), nil
}

// readAll collects every row of a list, following next when the portal
// sends it. The result is never nil.
func readAll[T any](ctx context.Context, method string, fetch func(context.Context, int) (*Page[T], error), key func(T) int) ([]T, error) {
	out := []T{}
	for it, err := range walk(ctx, method, 0, fetch, key) {
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, nil
}

// AddGroupMembers adds users to a group or project directly, without an
// invitation, with sonet_group.user.add, and returns the IDs the portal
// actually added, in its order. New members get RoleMember.
//
// The portal skips users silently: users already related to the group
// (members, and in the server code the spec cites also users with a pending
// request or invitation), unknown users and, with the intranet module,
// users who are neither employees nor extranet users. They are simply
// missing from the result; an empty, non-nil slice with no error means
// nobody was added.
//
// The caller must be an administrator. Failures: ErrWrongGroupID,
// ErrNoPermissionToAdd (also ErrPermissionDenied), ErrWrongUserIDs,
// ErrGroupNotFound (also ErrNotFound).
//
// One or more user IDs are sent as the list USER_ID[0], USER_ID[1], ...;
// no IDs, a non-positive ID or the same ID twice is refused with a
// *ValidationError before anything is sent. The call is a write: a lost
// answer matches ErrOutcomeUnknown and is not repeated.
//
// Docs: https://apidocs.bitrix24.com/api-reference/sonet-group/members/sonet-group-user-add.html
func (c *Client) AddGroupMembers(ctx context.Context, groupID int, userIDs ...int) ([]int, error) {
	return c.memberWrite(ctx, "sonet_group.user.add", memberWriteParams{GroupID: groupID, UserIDs: userIDs})
}

// RemoveGroupMembers removes users from a group or project with
// sonet_group.user.delete and returns the IDs the portal actually removed.
//
// The owner (and a scrum's scrum master) cannot be removed: the portal
// skips them, and users who are not in the group, without an error. The docs
// read an empty result as "you tried to remove the owner"; the SDK returns
// it as an empty, non-nil slice with no error, since other skipped users
// give the same answer. Compare the result with the IDs you sent.
//
// The caller must be an administrator. Failures: ErrWrongGroupID,
// ErrNoPermissionToRole (the portal uses the text "No permissions to update
// users role" here too; also ErrPermissionDenied), ErrWrongUserIDs,
// ErrGroupNotFound (also ErrNotFound). User IDs are checked as for
// AddGroupMembers. The call is a write: a lost answer matches
// ErrOutcomeUnknown and is not repeated.
//
// Docs: https://apidocs.bitrix24.com/api-reference/sonet-group/members/sonet-group-user-delete.html
func (c *Client) RemoveGroupMembers(ctx context.Context, groupID int, userIDs ...int) ([]int, error) {
	return c.memberWrite(ctx, "sonet_group.user.delete", memberWriteParams{GroupID: groupID, UserIDs: userIDs})
}

// SetGroupMembersRole makes members moderators (RoleModerator) or ordinary
// members (RoleMember) with sonet_group.user.update, and returns the IDs
// whose role the portal changed.
//
// Only RoleModerator and RoleMember can be set; any other role is refused
// with a *ValidationError before anything is sent. To hand a group to
// another owner use SetGroupOwner. The owner's role is never changed, and
// users who are not members or already hold the role are skipped too; such
// users are missing from the result, and an empty, non-nil slice with no
// error means no role changed (the docs read it as "you tried to change the
// owner").
//
// The caller must be an administrator. Failures: ErrWrongGroupID,
// ErrNoPermissionToRole (also ErrPermissionDenied), ErrIncorrectRoleCode,
// ErrWrongUserIDs, ErrGroupNotFound (also ErrNotFound). User IDs are
// checked as for AddGroupMembers. The call is a write: a lost answer
// matches ErrOutcomeUnknown and is not repeated.
//
// Docs: https://apidocs.bitrix24.com/api-reference/sonet-group/members/sonet-group-user-update.html
func (c *Client) SetGroupMembersRole(ctx context.Context, groupID int, role Role, userIDs ...int) ([]int, error) {
	if role != RoleModerator && role != RoleMember {
		return nil, &ValidationError{Field: "ROLE", Reason: fmt.Sprintf(
			"role %q cannot be set: only RoleModerator (E) or RoleMember (K); use SetGroupOwner to change the owner", role)}
	}
	return c.memberWrite(ctx, "sonet_group.user.update", memberWriteParams{GroupID: groupID, UserIDs: userIDs, Role: role})
}

// InviteGroupMembers invites users to a group or project with
// sonet_group.user.invite and returns the IDs the portal invited. An
// invited user is not a member (ListGroupMembers does not show them) until
// they accept. message is the invitation text; "" sends none.
//
// The portal skips, without an error, the caller themself, users already
// in the group or invited, users whose privacy settings refuse invitations,
// and everybody when the caller may not invite to this group (see the
// group's InitiatePerms). An empty, non-nil slice with no error means
// nobody was invited.
//
// Failures: ErrWrongGroupID, ErrWrongUserIDs, ErrGroupNotFound (also
// ErrNotFound). User IDs are checked as for AddGroupMembers. The call is a
// write: a lost answer matches ErrOutcomeUnknown and is not repeated.
//
// Docs: https://apidocs.bitrix24.com/api-reference/sonet-group/members/sonet-group-user-invite.html
func (c *Client) InviteGroupMembers(ctx context.Context, groupID int, message string, userIDs ...int) ([]int, error) {
	return c.memberWrite(ctx, "sonet_group.user.invite", memberWriteParams{GroupID: groupID, UserIDs: userIDs, Message: message})
}

// RequestGroupMembership asks, as the calling user, to join a group or
// project with sonet_group.user.request. message is the request text; ""
// sends none. On an opened group the portal makes the caller a member at
// once; otherwise the request waits for the group's owner or moderators.
//
// Failures: ErrWrongGroupID, ErrGroupNotFound (also ErrNotFound; also for
// a group the caller may not see), ErrCannotRequestJoin (for instance when
// the caller is already a member or has a request pending). The call is a
// write: a lost answer matches ErrOutcomeUnknown and is not repeated. An
// answer other than true is a *ResponseError.
//
// Docs: https://apidocs.bitrix24.com/api-reference/sonet-group/members/sonet-group-user-request.html
func (c *Client) RequestGroupMembership(ctx context.Context, groupID int, message string) error {
	if err := checkGroupID("GROUP_ID", groupID); err != nil {
		return err
	}
	if err := checkLength("MESSAGE", message, 0, maxTextBytes); err != nil {
		return err
	}
	return c.callTrue(ctx, "sonet_group.user.request", kindWrite, requestParams{GroupID: groupID, Message: message})
}

type requestParams struct {
	GroupID int    `url:"GROUP_ID"`
	Message string `url:"MESSAGE,omitempty"`
}

// memberWriteParams is the body of user.add, user.delete, user.update and
// user.invite. Field order is wire order.
type memberWriteParams struct {
	GroupID int    `url:"GROUP_ID"`
	UserIDs []int  `url:"USER_ID"`
	Role    Role   `url:"ROLE,omitempty"`
	Message string `url:"MESSAGE,omitempty"`
}

// memberWrite checks and sends one member write and decodes the list of
// user IDs it answers with.
func (c *Client) memberWrite(ctx context.Context, method string, p memberWriteParams) ([]int, error) {
	if err := checkGroupID("GROUP_ID", p.GroupID); err != nil {
		return nil, err
	}
	if err := checkUserIDs("USER_ID", p.UserIDs); err != nil {
		return nil, err
	}
	if err := checkLength("MESSAGE", p.Message, 0, maxTextBytes); err != nil {
		return nil, err
	}
	f, err := encodeRequest(p)
	if err != nil {
		return nil, err
	}
	r, err := c.call(ctx, method, kindWrite, f, nil)
	if err != nil {
		return nil, err
	}
	ids, err := decodeIDList(method, r, c.redact)
	if err != nil {
		return nil, outcomeUnknown(method, err)
	}
	// The portal answers with the requested users it changed; anyone else
	// means the answer is not this write's.
	for _, id := range ids {
		if !slices.Contains(p.UserIDs, id) {
			return nil, c.unusableWrite(method, r, fmt.Sprintf("user %d in the result was not in the request", id))
		}
	}
	return ids, nil
}

// decodeIDList reads a result that must be a list of positive user IDs,
// written as strings (["1271","1272"]) or numbers. null, an object, or an
// entry that is not a positive integer is a *ResponseError: the write may
// have run, but its answer cannot be trusted (memberWrite adds
// ErrOutcomeUnknown).
func decodeIDList(method string, r *Response, redact func(string) string) ([]int, error) {
	bad := func(reason string) error {
		return &ResponseError{HTTPStatus: r.HTTPStatus, Method: method, Reason: redact(reason), Excerpt: bodyExcerpt(r.Result, redact)}
	}
	if bytes.Equal(bytes.TrimSpace(r.Result), []byte("null")) {
		return nil, bad("result is null, want a list of user IDs")
	}
	var ids wire.IntList
	if err := json.Unmarshal(r.Result, &ids); err != nil {
		return nil, bad("result is not a list of user IDs: " + errorText(err, redact))
	}
	out := make([]int, 0, len(ids))
	for _, id := range ids {
		if id <= 0 {
			return nil, bad(fmt.Sprintf("user ID %d in the result is not positive", id))
		}
		out = append(out, id)
	}
	return out, nil
}

// checkUserIDs refuses an empty list, a non-positive ID and a repeated ID.
func checkUserIDs(field string, ids []int) error {
	if len(ids) == 0 {
		return &ValidationError{Field: field, Reason: "no user IDs: pass at least one"}
	}
	seen := make(map[int]bool, len(ids))
	for i, id := range ids {
		if id <= 0 {
			return &ValidationError{Field: field, Reason: fmt.Sprintf("user ID #%d is %d: want a positive ID", i, id)}
		}
		if seen[id] {
			return &ValidationError{Field: field, Reason: fmt.Sprintf("user ID %d is given twice", id)}
		}
		seen[id] = true
	}
	return nil
}
