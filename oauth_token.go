package sonet

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/b24kit/sonet/internal/wire"
)

// Token is an OAuth token pair with what the authorization server, an
// install event or an app page sent beside it. Store it whole (a
// TokenStore) and replace it after every refresh: the refresh token
// rotates. String, GoString and LogValue print it without either token.
type Token struct {
	// AccessToken is the auth parameter of REST calls; it lives 1 hour.
	AccessToken string
	// RefreshToken obtains the next pair; it lives 180 days and is
	// replaced by every refresh.
	RefreshToken string
	// Expires is when AccessToken expires: the server's "expires" when it
	// sends one, else the local time of receipt plus ExpiresIn. It is
	// informational: the SDK refreshes only when the portal says the token
	// expired, never by this clock.
	Expires time.Time
	// ExpiresIn is the access token's lifetime ("expires_in", 3600 s).
	ExpiresIn time.Duration
	// Domain is "domain" as the source sent it: the authorization server's
	// (oauth.bitrix.info) in a token answer, the portal's in install
	// events and app pages.
	Domain string
	// ServerEndpoint is the authorization server's REST base
	// (https://oauth.bitrix.info/rest/).
	ServerEndpoint string
	// ClientEndpoint is the portal's REST base (https://PORTAL/rest/):
	// NewOAuthAppClient sends calls there.
	ClientEndpoint string
	// MemberID identifies the portal; unlike its domain it never changes.
	MemberID string
	// Scope is the comma-separated list of granted scopes.
	Scope string
	// Status is the application's status on the portal: L local, F free,
	// D demo, T trial, P paid.
	Status string
	// UserID is the user the token acts for (sent with refreshes only).
	UserID int
}

// String describes the token without its secrets.
func (t Token) String() string {
	return fmt.Sprintf("sonet.Token{access_token: %s, refresh_token: %s, expires: %s, client_endpoint: %s, member_id: %s, scope: %s, status: %s, user_id: %d}",
		redactedOrEmpty(t.AccessToken), redactedOrEmpty(t.RefreshToken), t.Expires.Format(time.RFC3339), t.ClientEndpoint, t.MemberID, t.Scope, t.Status, t.UserID)
}

// GoString is String: %#v must not print the tokens either.
func (t Token) GoString() string { return t.String() }

// LogValue implements slog.LogValuer without the tokens.
func (t Token) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("client_endpoint", t.ClientEndpoint), slog.String("member_id", t.MemberID),
		slog.Time("expires", t.Expires), slog.String("scope", t.Scope), slog.String("status", t.Status))
}

func redactedOrEmpty(s string) string {
	if s == "" {
		return `""`
	}
	return "[REDACTED]"
}

// OAuthError is an error answer of the authorization server:
// {"error": "invalid_grant", "error_description": "…"}. Match it with
// errors.Is against ErrInvalidGrant, ErrInvalidClient, ErrPaymentRequired or
// any Code (compared without regard to case).
//
// Docs: https://apidocs.bitrix24.com/settings/oauth/error-codes.html
type OAuthError struct {
	// HTTPStatus is the status of the answer.
	HTTPStatus int
	// Code is the "error" value: invalid_request, invalid_client,
	// invalid_grant, invalid_scope, insufficient_scope, PAYMENT_REQUIRED...
	Code string
	// Description is "error_description", with credentials removed.
	Description string
}

// Error reads "sonet: oauth/token: CODE: DESCRIPTION (HTTP STATUS)".
func (e *OAuthError) Error() string {
	msg := "sonet: " + tokenMethod + ": " + e.Code
	if e.Description != "" {
		msg += ": " + e.Description
	}
	return fmt.Sprintf("%s (HTTP %d)", msg, e.HTTPStatus)
}

// Is matches a Code by code, ignoring case.
func (e *OAuthError) Is(target error) bool {
	c, ok := target.(Code)
	return ok && strings.EqualFold(e.Code, string(c))
}

// final reports whether the server gave a definite refusal for the token or
// the application, so the same refresh is never sent again.
func (e *OAuthError) final() bool {
	// Throttling (429) and timeouts (408) say nothing about the refresh
	// token: it was not spent and may be tried again.
	return e.Is(ErrInvalidGrant) || e.Is(ErrInvalidClient) || e.Is(ErrPaymentRequired) ||
		(e.HTTPStatus >= 400 && e.HTTPStatus < 500 && e.HTTPStatus != 429 && e.HTTPStatus != 408)
}

type rawToken struct {
	AccessToken      wire.String     `json:"access_token"`
	RefreshToken     wire.String     `json:"refresh_token"`
	Expires          wire.Int        `json:"expires"`
	ExpiresIn        wire.Int        `json:"expires_in"`
	Domain           wire.String     `json:"domain"`
	ServerEndpoint   wire.String     `json:"server_endpoint"`
	ClientEndpoint   wire.String     `json:"client_endpoint"`
	MemberID         wire.String     `json:"member_id"`
	Scope            wire.String     `json:"scope"`
	Status           wire.String     `json:"status"`
	UserID           wire.Int        `json:"user_id"`
	Error            json.RawMessage `json:"error"`
	ErrorDescription wire.String     `json:"error_description"`
}

// decodeTokenAnswer reads an answer of the token endpoint. An error key
// (whatever the status) is an *OAuthError; anything that is not a complete
// token pair is a *ResponseError, never a zero Token.
func decodeTokenAnswer(status int, ctype string, body []byte, redact func(string) string, now time.Time) (*Token, error) {
	bad := func(reason string) error {
		re := &ResponseError{HTTPStatus: status, ContentType: ctype, Method: tokenMethod, Reason: reason}
		if status < 200 || status > 299 {
			// A 2xx answer starts with the new access token, which the
			// redactor does not know yet: never quote it.
			re.Excerpt = bodyExcerpt(body, redact)
		}
		return re
	}
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return nil, bad("not a JSON object")
	}
	var r rawToken
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, bad("invalid JSON or a field of the wrong type")
	}
	if len(r.Error) > 0 && !bytes.Equal(r.Error, []byte("null")) {
		var code wire.String
		if json.Unmarshal(r.Error, &code) != nil {
			return nil, bad("error code is neither a string nor a number")
		}
		return nil, &OAuthError{HTTPStatus: status, Code: redact(string(code)), Description: redact(string(r.ErrorDescription))}
	}
	switch {
	case status < 200 || status > 299:
		return nil, bad("error status without an error code")
	case checkToken("access_token", string(r.AccessToken)) != nil:
		return nil, bad("no usable access_token")
	case checkToken("refresh_token", string(r.RefreshToken)) != nil:
		return nil, bad("no usable refresh_token")
	case r.ExpiresIn < 0 || r.Expires < 0 || r.UserID < 0:
		return nil, bad("negative expires, expires_in or user_id")
	}
	t := &Token{
		AccessToken:    string(r.AccessToken),
		RefreshToken:   string(r.RefreshToken),
		ExpiresIn:      time.Duration(r.ExpiresIn) * time.Second,
		Domain:         string(r.Domain),
		ServerEndpoint: string(r.ServerEndpoint),
		ClientEndpoint: string(r.ClientEndpoint),
		MemberID:       string(r.MemberID),
		Scope:          string(r.Scope),
		Status:         string(r.Status),
		UserID:         int(r.UserID),
	}
	if r.Expires > 0 {
		t.Expires = time.Unix(int64(r.Expires), 0)
	} else if r.ExpiresIn > 0 {
		t.Expires = now.Add(t.ExpiresIn)
	}
	return t, nil
}
