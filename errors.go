package sonet

import (
	"errors"
	"fmt"
	"strings"
)

// APIError is an error answer from the portal: {"error": CODE,
// "error_description": TEXT}. It holds no URL, parameter or credential.
//
// Match it with errors.Is against a Code (any code, compared without regard
// to case), a Message (the documented English text of the sonet_group
// errors, which arrive with an empty code), or a category (ErrNotFound,
// ErrPermissionDenied). Use errors.As to read the fields.
type APIError struct {
	// HTTPStatus is the status of the answer (400 for sonet_group failures).
	HTTPStatus int
	// Code is the "error" value; empty for most sonet_group failures.
	Code string
	// Description is "error_description", in English.
	Description string
	// Method is the REST method that was called.
	Method string
}

// Error reads "sonet: METHOD: CODE: description (HTTP status)"; the parts the
// answer lacks are left out (sonet_group errors have no code).
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("sonet: ")
	if e.Method != "" {
		b.WriteString(e.Method)
		b.WriteString(": ")
	}
	if e.Code != "" {
		b.WriteString(e.Code)
		b.WriteString(": ")
	}
	if e.Description != "" {
		b.WriteString(e.Description)
	} else {
		b.WriteString("no description")
	}
	if e.HTTPStatus != 0 { // batch commands carry no status of their own
		fmt.Fprintf(&b, " (HTTP %d)", e.HTTPStatus)
	}
	return b.String()
}

// Is reports whether the error matches target: a Code by code, a Message by
// description (or one of its documented variants), ErrNotFound and
// ErrPermissionDenied by category.
func (e *APIError) Is(target error) bool {
	switch t := target.(type) {
	case Code:
		return strings.EqualFold(e.Code, string(t))
	case Message:
		return t.matches(e.Description)
	}
	switch target {
	case ErrNotFound:
		return strings.EqualFold(e.Code, string(ErrWorkgroupNotFound)) || ErrGroupNotFound.matches(e.Description)
	case ErrPermissionDenied:
		return isPermissionMessage(e.Description)
	}
	return false
}

// Code is an error code as the portal sends it in "error". The set is open:
// errors.Is(err, sonet.Code("ANY_NEW_CODE")) matches a code the SDK does not
// name. Comparison ignores case (the portal sends both QUERY_LIMIT_EXCEEDED
// and expired_token).
type Code string

// Error reads "sonet: error code CODE".
func (c Code) Error() string { return "sonet: error code " + string(c) }

// System error codes, documented for every method.
const (
	// ErrQueryLimitExceeded: request rate limit hit (HTTP 503; 429 on older
	// portals). The portal did not run the call.
	ErrQueryLimitExceeded Code = "QUERY_LIMIT_EXCEEDED"
	// ErrOverloadLimit: REST blocked by support (HTTP 503); not a rate limit.
	ErrOverloadLimit Code = "OVERLOAD_LIMIT"
	// ErrOperationTimeLimit: the method's operating-time budget is spent (HTTP 429).
	ErrOperationTimeLimit Code = "OPERATION_TIME_LIMIT"
	// ErrNoAuthFound: wrong access token or webhook code (HTTP 401).
	ErrNoAuthFound Code = "NO_AUTH_FOUND"
	// ErrExpiredToken: the OAuth access token expired (HTTP 401).
	ErrExpiredToken Code = "expired_token"
	// ErrInvalidToken: the access token is invalid.
	ErrInvalidToken Code = "invalid_token"
	// ErrInsufficientScope: the token or webhook lacks the scope (HTTP 403).
	ErrInsufficientScope Code = "insufficient_scope"
	// ErrAccessDenied: REST is available only on commercial plans (HTTP 403).
	ErrAccessDenied Code = "ACCESS_DENIED"
	// ErrInvalidCredentials: the calling user lacks rights (HTTP 403).
	ErrInvalidCredentials Code = "INVALID_CREDENTIALS"
	// ErrInvalidRequest: "Https required" (HTTP 400).
	ErrInvalidRequest Code = "INVALID_REQUEST"
	// ErrInternalServerError: server fault (HTTP 500).
	ErrInternalServerError Code = "INTERNAL_SERVER_ERROR"
	// ErrUnexpectedAnswer: server fault (HTTP 500).
	ErrUnexpectedAnswer Code = "ERROR_UNEXPECTED_ANSWER"
	// ErrUserAccessError: the user has no access to the application (HTTP 403).
	ErrUserAccessError Code = "user_access_error"
	// ErrPortalDeleted: the portal was deleted or closed (HTTP 500).
	ErrPortalDeleted Code = "PORTAL_DELETED"
	// ErrBatchMethodNotAllowed: the method may not be called inside batch (HTTP 405).
	ErrBatchMethodNotAllowed Code = "ERROR_BATCH_METHOD_NOT_ALLOWED"
	// ErrBatchLengthExceeded: more than 50 commands in a batch (HTTP 400).
	ErrBatchLengthExceeded Code = "ERROR_BATCH_LENGTH_EXCEEDED"
	// ErrManifestIsNotAvailable: the manifest is not available (HTTP 404).
	ErrManifestIsNotAvailable Code = "ERROR_MANIFEST_IS_NOT_AVAILABLE"
	// ErrMethodNotFound: no such method on this portal (HTTP 404).
	ErrMethodNotFound Code = "ERROR_METHOD_NOT_FOUND"
	// ErrWrongAuthType: the method does not accept this kind of credentials (HTTP 403).
	ErrWrongAuthType Code = "WRONG_AUTH_TYPE"
)

// Method error codes (the few sonet errors that carry a code).
const (
	// ErrImageID: the IMAGE sent is not a valid image.
	ErrImageID Code = "ERROR_IMAGE_ID"
	// ErrWorkgroupEmpty: socialnetwork.api.workgroup.get got no group ID.
	ErrWorkgroupEmpty Code = "SONET_CONTROLLER_WORKGROUP_EMPTY"
	// ErrWorkgroupNotFound: socialnetwork.api.workgroup.get found no such
	// group (or the caller may not see it). It also matches ErrNotFound.
	ErrWorkgroupNotFound Code = "SONET_CONTROLLER_WORKGROUP_NOT_FOUND"
)

// OAuth server error codes.
const (
	ErrInvalidGrant    Code = "invalid_grant"
	ErrInvalidClient   Code = "invalid_client"
	ErrPaymentRequired Code = "PAYMENT_REQUIRED"
)

// Message is the documented English description of a sonet_group failure.
// These failures arrive as HTTP 400 with an empty code, so the description is
// all there is to match on; a Message spares callers the string compare.
// Matching ignores case and surrounding space, and a Message also matches the
// variants other doc versions give for the same failure.
type Message string

// Error reads "sonet: " and the portal's text.
func (m Message) Error() string { return "sonet: " + string(m) }

// Is lets a Message match the categories it belongs to, so a locally made
// not-found error (GetGroup on an empty answer) matches ErrNotFound.
func (m Message) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return m == ErrGroupNotFound
	case ErrPermissionDenied:
		return isPermissionMessage(string(m))
	}
	return false
}

func (m Message) matches(desc string) bool {
	desc = strings.TrimSpace(desc)
	if desc == "" {
		return false
	}
	if strings.EqualFold(desc, string(m)) {
		return true
	}
	for _, v := range messageVariants[m] {
		if strings.EqualFold(desc, v) {
			return true
		}
	}
	return false
}

// Documented sonet_group failure descriptions.
const (
	ErrWrongGroupID         Message = "Wrong group ID"
	ErrGroupNotFound        Message = "Socialnetwork group not found"
	ErrIncorrectInputData   Message = "Incorrect input data"
	ErrCannotCreateGroup    Message = "Cannot create group"
	ErrCannotUpdateGroup    Message = "Cannot update group"
	ErrCannotDeleteGroup    Message = "Cannot delete group"
	ErrNoPermissionToCreate Message = "You have no permissions to create a group"
	ErrNoPermissionToUpdate Message = "User has no permissions to update group"
	ErrNoPermissionToDelete Message = "User has no permissions to delete group"
	ErrWrongUserIDs         Message = "Wrong user IDs"
	ErrNoPermissionToAdd    Message = "No permissions to add users"
	ErrNoPermissionToRole   Message = "No permissions to update users role"
	ErrIncorrectRoleCode    Message = "Incorrect role code"
	ErrCannotRequestJoin    Message = "Cannot request to join group"
	ErrNoPermissionToOwner  Message = "User has no permissions to set owner"
	ErrCannotSetOwner       Message = "Cannot complete operation."
	ErrWrongFeature         Message = "Wrong feature"
	ErrWrongOperation       Message = "Wrong operation"
)

// messageVariants lists the other texts that docs versions and server
// versions give for the same failure (spec §2.5, §2.6, §2.8, §10.10).
var messageVariants = map[Message][]string{
	ErrWrongGroupID:        {"Wrong socialnetwork group ID", "Invalid workgroup/project ID"},
	ErrWrongUserIDs:        {"Invalid user ID", "Wrong new owner ID"},
	ErrNoPermissionToOwner: {"User has no permissions to change group owner", "Insufficient permissions to complete the operation."},
	ErrCannotSetOwner:      {"Cannot complete operation", "Cannot change group owner"},
}

var permissionMessages = []Message{
	ErrNoPermissionToCreate, ErrNoPermissionToUpdate, ErrNoPermissionToDelete,
	ErrNoPermissionToAdd, ErrNoPermissionToRole, ErrNoPermissionToOwner,
}

func isPermissionMessage(desc string) bool {
	for _, m := range permissionMessages {
		if m.matches(desc) {
			return true
		}
	}
	return false
}

var (
	// ErrNotFound matches every "no such group" answer: the documented
	// "Socialnetwork group not found", SONET_CONTROLLER_WORKGROUP_NOT_FOUND,
	// and GetGroup's empty result.
	ErrNotFound = errors.New("sonet: not found")
	// ErrPermissionDenied matches every documented "no permissions" answer of
	// the sonet_group methods.
	ErrPermissionDenied = errors.New("sonet: permission denied")
	// ErrValidation matches every *ValidationError: a request the SDK refused
	// to send.
	ErrValidation = errors.New("sonet: invalid request")
	// ErrBadResponse matches every *ResponseError: an answer that is not the
	// JSON envelope it should be.
	ErrBadResponse = errors.New("sonet: bad response")
	// ErrCursorStalled is returned by list walks when the portal does not
	// advance (the same next twice, or a page equal to the previous one).
	ErrCursorStalled = errors.New("sonet: list walk stalled: the portal did not advance")
)

// ValidationError is a request refused before anything was sent.
type ValidationError struct {
	Field  string // the wire name of the offending field, e.g. "NAME"
	Reason string

	// code is the error code the portal would have answered, if any
	// (ERROR_BATCH_METHOD_NOT_ALLOWED for a batch inside a batch).
	code Code
}

// Error reads "sonet: invalid FIELD: reason", FIELD being the wire key.
func (e *ValidationError) Error() string {
	return "sonet: invalid " + e.Field + ": " + e.Reason
}

// Is makes every ValidationError match ErrValidation, and a refusal that
// stands in for a portal error also match that error's Code.
func (e *ValidationError) Is(target error) bool {
	if c, ok := target.(Code); ok && e.code != "" {
		return strings.EqualFold(string(c), string(e.code))
	}
	return target == ErrValidation
}

// ResponseError is an answer that could not be read as the JSON envelope: an
// HTML error page, a truncated body, an empty body, or a result of the wrong
// shape. Excerpt holds the first bytes of the body, credentials removed.
type ResponseError struct {
	HTTPStatus  int
	ContentType string
	Method      string
	Reason      string
	Excerpt     string

	// final: an answer that would come again (too large): not retried.
	final bool
	// Set by decodeResult, consumed by finishResponseError.
	prefix string
	cause  error
	raw    []byte
}

// Error reads "sonet: METHOD: bad response (HTTP status, content type):
// reason" and a redacted excerpt of the body.
func (e *ResponseError) Error() string {
	msg := fmt.Sprintf("sonet: %s: bad response (HTTP %d", e.Method, e.HTTPStatus)
	if e.ContentType != "" {
		msg += ", " + e.ContentType
	}
	msg += "): " + e.Reason
	if e.Excerpt != "" {
		msg += fmt.Sprintf("; body starts %q", e.Excerpt)
	}
	return msg
}

// Is makes every ResponseError match ErrBadResponse.
func (e *ResponseError) Is(target error) bool { return target == ErrBadResponse }

// TransportError is a failure to get an answer: the connection failed, timed
// out, or broke while the body was read. The request may or may not have
// reached the portal.
type TransportError struct {
	Method string
	Status int // the status, if headers arrived before the failure
	Err    error
}

// Error reads "sonet: METHOD: transport: " and the transport's error.
func (e *TransportError) Error() string {
	return "sonet: " + e.Method + ": transport: " + e.Err.Error()
}

// Unwrap returns the transport's error (a *url.Error, a context error, ...).
func (e *TransportError) Unwrap() error { return e.Err }
