package sonet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every system code of the seeds reaches its exported sentinel, whatever the
// case the portal writes it in, and no other sentinel.
func TestSystemCodesMapToSentinels(t *testing.T) {
	sentinels := map[string]Code{
		"INTERNAL_SERVER_ERROR": ErrInternalServerError, "ERROR_UNEXPECTED_ANSWER": ErrUnexpectedAnswer,
		"QUERY_LIMIT_EXCEEDED": ErrQueryLimitExceeded, "ERROR_BATCH_METHOD_NOT_ALLOWED": ErrBatchMethodNotAllowed,
		"ERROR_BATCH_LENGTH_EXCEEDED": ErrBatchLengthExceeded, "NO_AUTH_FOUND": ErrNoAuthFound,
		"INVALID_REQUEST": ErrInvalidRequest, "OVERLOAD_LIMIT": ErrOverloadLimit, "ACCESS_DENIED": ErrAccessDenied,
		"INVALID_CREDENTIALS": ErrInvalidCredentials, "ERROR_MANIFEST_IS_NOT_AVAILABLE": ErrManifestIsNotAvailable,
		"insufficient_scope": ErrInsufficientScope, "expired_token": ErrExpiredToken, "invalid_token": ErrInvalidToken,
		"user_access_error": ErrUserAccessError, "PORTAL_DELETED": ErrPortalDeleted, "OPERATION_TIME_LIMIT": ErrOperationTimeLimit,
	}
	var cases []struct {
		Status      int    `json:"status"`
		Code        string `json:"code"`
		Description string `json:"description"`
	}
	require.NoError(t, json.Unmarshal(fixture(t, "errors/system_codes.json"), &cases))
	require.Len(t, cases, len(sentinels))
	for _, tc := range cases {
		body, _ := json.Marshal(map[string]string{"error": tc.Code, "error_description": tc.Description})
		c, mt := newMockClient(t, WithRetryPolicy(RetryPolicy{MaxAttempts: 1}), WithOperatingLimit(FailOnOperatingLimit))
		var rec recorded
		mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", rec.respond(tc.Status, body))
		_, err := c.ListGroups(context.Background(), nil)
		var ae *APIError
		require.ErrorAs(t, err, &ae, tc.Code)
		assert.Equal(t, APIError{HTTPStatus: tc.Status, Code: tc.Code, Description: tc.Description, Method: "sonet_group.get"}, *ae)
		want := sentinels[tc.Code]
		assert.ErrorIs(t, err, want)
		assert.ErrorIs(t, err, Code(strings.ToLower(tc.Code)), "case-insensitive")
		assert.ErrorIs(t, err, Code(strings.ToUpper(tc.Code)), "case-insensitive")
		for _, other := range sentinels {
			if other != want {
				assert.NotErrorIs(t, err, other, "%s must not match %s", tc.Code, other)
			}
		}
	}
}

func TestOpenCodeSetMatchesUnknownCodes(t *testing.T) {
	err := error(&APIError{HTTPStatus: 400, Code: "CREATE_DYNAMIC_TYPE_RESTRICTED", Method: "x"})
	assert.ErrorIs(t, err, Code("create_dynamic_type_restricted"))
	assert.NotErrorIs(t, err, Code("CREATE_DYNAMIC_TYPE"))
}

func TestMessagesMatchEmptyCodeErrors(t *testing.T) {
	cases := []struct {
		desc     string
		want     Message
		category error
	}{
		{"Wrong group ID", ErrWrongGroupID, nil},
		{"Wrong socialnetwork group ID", ErrWrongGroupID, nil},
		{"Invalid workgroup/project ID", ErrWrongGroupID, nil},
		{"Socialnetwork group not found", ErrGroupNotFound, ErrNotFound},
		{"Incorrect input data", ErrIncorrectInputData, nil},
		{"Cannot create group", ErrCannotCreateGroup, nil},
		{"Cannot update group", ErrCannotUpdateGroup, nil},
		{"Cannot delete group", ErrCannotDeleteGroup, nil},
		{"You have no permissions to create a group", ErrNoPermissionToCreate, ErrPermissionDenied},
		{"User has no permissions to update group", ErrNoPermissionToUpdate, ErrPermissionDenied},
		{"User has no permissions to delete group", ErrNoPermissionToDelete, ErrPermissionDenied},
		{"No permissions to add users", ErrNoPermissionToAdd, ErrPermissionDenied},
		{"No permissions to update users role", ErrNoPermissionToRole, ErrPermissionDenied},
		{"User has no permissions to set owner", ErrNoPermissionToOwner, ErrPermissionDenied},
		{"Insufficient permissions to complete the operation.", ErrNoPermissionToOwner, ErrPermissionDenied},
		{"Cannot complete operation.", ErrCannotSetOwner, nil},
		{"Wrong user IDs", ErrWrongUserIDs, nil},
		{"Incorrect role code", ErrIncorrectRoleCode, nil},
		{"Wrong feature", ErrWrongFeature, nil},
		{"Wrong operation", ErrWrongOperation, nil},
		{"Cannot request to join group", ErrCannotRequestJoin, nil},
		{"  wrong GROUP id ", ErrWrongGroupID, nil},
	}
	for _, tc := range cases {
		err := error(&APIError{HTTPStatus: 400, Code: "", Description: tc.desc, Method: "sonet_group.update"})
		assert.ErrorIs(t, err, tc.want, tc.desc)
		for _, cat := range []error{ErrNotFound, ErrPermissionDenied} {
			if cat == tc.category {
				assert.ErrorIs(t, err, cat, tc.desc)
			} else {
				assert.NotErrorIs(t, err, cat, tc.desc)
			}
		}
	}
	assert.NotErrorIs(t, &APIError{Description: "Wrong group ID!"}, ErrWrongGroupID)
	assert.NotErrorIs(t, &APIError{Description: ""}, Message(""))
}

func TestWorkgroupNotFoundIsNotFound(t *testing.T) {
	err := &APIError{HTTPStatus: 400, Code: "SONET_CONTROLLER_WORKGROUP_NOT_FOUND", Description: "Workgroup not found."}
	assert.ErrorIs(t, err, ErrWorkgroupNotFound)
	assert.ErrorIs(t, err, ErrNotFound)
	assert.NotErrorIs(t, err, ErrWorkgroupEmpty)
}

func TestErrorStrings(t *testing.T) {
	assert.Equal(t, "sonet: sonet_group.update: Wrong group ID (HTTP 400)",
		(&APIError{HTTPStatus: 400, Description: "Wrong group ID", Method: "sonet_group.update"}).Error())
	assert.Equal(t, "sonet: sonet_group.get: QUERY_LIMIT_EXCEEDED: Too many requests (HTTP 503)",
		(&APIError{HTTPStatus: 503, Code: "QUERY_LIMIT_EXCEEDED", Description: "Too many requests", Method: "sonet_group.get"}).Error())
	assert.Equal(t, "sonet: x: no description (HTTP 500)", (&APIError{HTTPStatus: 500, Method: "x"}).Error())
	assert.Equal(t, "sonet: invalid NAME: required and empty", (&ValidationError{Field: "NAME", Reason: "required and empty"}).Error())
	assert.Equal(t, `sonet: sonet_group.get: bad response (HTTP 502, text/html): not a JSON object; body starts "<html>"`,
		(&ResponseError{HTTPStatus: 502, ContentType: "text/html", Method: "sonet_group.get", Reason: "not a JSON object", Excerpt: "<html>"}).Error())
	wrapped := fmt.Errorf("ctx: %w", &ValidationError{Field: "NAME"})
	assert.ErrorIs(t, wrapped, ErrValidation)
	assert.ErrorIs(t, &ResponseError{}, ErrBadResponse)
	assert.True(t, errors.Is(ErrGroupNotFound, ErrNotFound))
}
