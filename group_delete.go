package sonet

import (
	"context"
	"fmt"
)

// DeleteGroup deletes a group with sonet_group.delete.
//
// Failures: ErrWrongGroupID, ErrGroupNotFound (also ErrNotFound),
// ErrNoPermissionToDelete (also ErrPermissionDenied), ErrCannotDeleteGroup.
// A lost answer matches ErrOutcomeUnknown; the delete is not repeated.
//
// Docs: https://apidocs.bitrix24.com/api-reference/sonet-group/sonet-group-delete.html
func (c *Client) DeleteGroup(ctx context.Context, id int) error {
	if id <= 0 {
		return &ValidationError{Field: "GROUP_ID", Reason: fmt.Sprintf("want a positive group ID, got %d", id)}
	}
	return c.callTrue(ctx, "sonet_group.delete", kindWrite, groupIDParams{GroupID: id})
}

type groupIDParams struct {
	GroupID int `url:"GROUP_ID"`
}

// callTrue calls a method whose documented answer is `true` and turns any
// other answer into a *ResponseError.
func (c *Client) callTrue(ctx context.Context, method string, kind callKind, params any) error {
	_, err := c.callBoolResult(ctx, method, kind, params, true)
	return err
}

// callBoolResult calls a method answering a JSON boolean. With mustBeTrue,
// false is an error.
func (c *Client) callBoolResult(ctx context.Context, method string, kind callKind, params any, mustBeTrue bool) (bool, error) {
	f, err := encodeRequest(params)
	if err != nil {
		return false, err
	}
	var ok bool
	r, err := c.call(ctx, method, kind, f, &ok)
	if err != nil {
		return false, err
	}
	if mustBeTrue && !ok {
		if kind == kindWrite {
			return false, c.unusableWrite(method, r, "result is false, want true")
		}
		return false, &ResponseError{HTTPStatus: r.HTTPStatus, Method: method, Reason: "result is false, want true"}
	}
	return ok, nil
}
