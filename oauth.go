package sonet

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/b24kit/sonet/internal/wire"
)

// DefaultTokenURL is the token endpoint of the Bitrix24 authorization
// server. The client secret is only ever sent there, never to a portal.
const DefaultTokenURL = "https://oauth.bitrix.info/oauth/token/"

// tokenMethod names the token endpoint in errors.
const tokenMethod = "oauth/token"

// OAuthApp is a Bitrix24 application as the authorization server knows it:
// its client ID and client secret. It builds authorization URLs, exchanges
// authorization codes and refresh tokens for tokens, and is what
// NewOAuthAppClient refreshes with. It is immutable and safe for concurrent
// use; it prints and logs without its secret.
//
// Docs: settings/oauth/index.md, settings/oauth/auto-renewal.md
type OAuthApp struct {
	clientID string
	secret   *string // behind a pointer: %+v of a copy prints an address
	tokenURL string
	hc       *http.Client
	ua       string
}

// AppOption configures an OAuthApp.
type AppOption func(*OAuthApp) error

// WithTokenURL sets the token endpoint (DefaultTokenURL by default), for a
// test server. It must use https unless its host is a loopback address.
func WithTokenURL(tokenURL string) AppOption {
	return func(a *OAuthApp) error {
		u, err := parsePortalURL("token URL", tokenURL, false)
		if err != nil {
			return err
		}
		a.tokenURL = u.Scheme + "://" + u.Host + u.EscapedPath()
		return nil
	}
}

// WithAppHTTPClient sets the HTTP client used to reach the token endpoint
// (by default one with a 30-second timeout). Redirects are not followed.
func WithAppHTTPClient(hc *http.Client) AppOption {
	return func(a *OAuthApp) error {
		if hc == nil {
			return &ValidationError{Field: "WithAppHTTPClient", Reason: "nil *http.Client"}
		}
		a.hc = hc
		return nil
	}
}

// NewOAuthApp returns the application with the given client ID (client_id,
// "app.573ad8a0346747.09223434" or "local.…") and client secret. It makes no
// network call.
//
// Docs: settings/oauth/index.md
func NewOAuthApp(clientID, clientSecret string, opts ...AppOption) (*OAuthApp, error) {
	if strings.TrimSpace(clientID) == "" || strings.ContainsAny(clientID, "\r\n\x00") {
		return nil, &ValidationError{Field: "client_id", Reason: "empty or with control characters"}
	}
	if clientSecret == "" || strings.ContainsAny(clientSecret, "\r\n\x00") {
		return nil, &ValidationError{Field: "client_secret", Reason: "empty or with control characters"}
	}
	a := &OAuthApp{clientID: clientID, secret: &clientSecret, tokenURL: DefaultTokenURL, ua: defaultUserAgent}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(a); err != nil {
			return nil, err
		}
	}
	if a.hc == nil {
		a.hc = &http.Client{Timeout: 30 * time.Second}
	}
	hc := *a.hc
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	a.hc = &hc
	return a, nil
}

// ClientID returns the application's client ID.
func (a *OAuthApp) ClientID() string { return a.clientID }

// String describes the application without its secret.
func (a OAuthApp) String() string {
	return "sonet.OAuthApp{client_id: " + a.clientID + ", client_secret: [REDACTED]}"
}

// GoString is String: %#v must not print the secret either.
func (a OAuthApp) GoString() string { return a.String() }

// LogValue implements slog.LogValuer without the secret.
func (a OAuthApp) LogValue() slog.Value { return slog.GroupValue(slog.String("client_id", a.clientID)) }

// AuthorizeURL returns the address to send a user to so that they grant the
// application access to their portal: https://PORTAL/oauth/authorize/
// ?client_id=…&state=…. portal is the address the user gave
// ("portal.bitrix24.com", with or without https://). state is passed back to
// the redirect_uri with the authorization code; use it to tie the answer to
// the user's session (it is left out when empty).
//
// Docs: settings/oauth/index.md
func (a *OAuthApp) AuthorizeURL(portal, state string) (string, error) {
	raw := strings.TrimSpace(portal)
	if raw != "" && !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := parsePortalURL("portal URL", raw, false)
	if err != nil {
		return "", err
	}
	if u.Path != "" && u.Path != "/" {
		return "", errURL("portal URL", "a portal address has no path")
	}
	var f wire.Form
	f.Add("client_id", a.clientID)
	if state != "" {
		f.Add("state", state)
	}
	return u.Scheme + "://" + u.Host + "/oauth/authorize/?" + f.Encode(), nil
}

// ExchangeCode trades an authorization code (the code parameter the portal
// passes to the redirect_uri; it lives 30 seconds) for the first token pair
// at the token endpoint (oauth/token, grant_type=authorization_code). Persist the whole Token: its
// RefreshToken is what later refreshes run on.
//
// Failures: *OAuthError (errors.Is(err, ErrInvalidGrant) for a bad or
// expired code, ErrInvalidClient, ErrPaymentRequired), *TransportError,
// *ResponseError. No error ever contains the code or the secret.
//
// Docs: settings/oauth/index.md
func (a *OAuthApp) ExchangeCode(ctx context.Context, code string) (*Token, error) {
	if code == "" || strings.ContainsAny(code, "\r\n\x00") {
		return nil, &ValidationError{Field: "code", Reason: "empty or with control characters"}
	}
	return a.grant(ctx, "authorization_code", "code", code)
}

// Refresh trades a refresh token for a new token pair at the token
// endpoint (oauth/token, grant_type=refresh_token). The refresh token
// rotates: the one returned replaces the one given, which the server no
// longer accepts. Clients made with NewOAuthAppClient call this for you,
// only when the portal answers expired_token; call it yourself only to keep
// an idle grant alive (a refresh token lives 180 days). Never refresh on a
// timer or before every call: the authorization server may block the
// application.
//
// Failures: *OAuthError (ErrInvalidGrant: the grant is gone and the user
// must authorize again; ErrInvalidClient; ErrPaymentRequired),
// *TransportError (the refresh may have been made: the old refresh token
// may already be spent), *ResponseError.
//
// Docs: settings/oauth/auto-renewal.md
func (a *OAuthApp) Refresh(ctx context.Context, refreshToken string) (*Token, error) {
	if err := checkToken("refresh token", refreshToken); err != nil {
		return nil, err
	}
	return a.grant(ctx, "refresh_token", "refresh_token", refreshToken)
}

// NewOAuthAppClient returns a client for an OAuth application that
// refreshes its token by itself. It loads the pair from store (loading the
// store is the only I/O it does) and calls Token.ClientEndpoint
// (https://PORTAL/rest/) with the access token.
//
// When the portal answers expired_token (HTTP 401), and only then (or
// invalid_token, the tolerant reading of an undocumented code), the client
// refreshes at app's token endpoint (oauth/token, grant_type=refresh_token),
// hands the rotated pair to the store with CompareAndSwap and repeats the
// call with the new token: one refresh per token the portal declares
// expired, at most two per call. It never
// refreshes on a timer or ahead of expiry: the docs warn that the
// authorization server may block applications that do.
//
// Concurrent calls that meet the same expired token share one refresh.
// Processes sharing one store refresh once too: before refreshing, the
// client reads the store and takes a newer pair found there; when its
// CompareAndSwap loses, it takes the pair the winner stored; after
// invalid_grant it reads the store again before giving up. A definite
// refusal (invalid_grant, invalid_client, PAYMENT_REQUIRED, any 4xx) is
// returned as an *OAuthError and never sent again for the same refresh
// token; a new pair put in the store (after the user authorized again) is
// picked up by the next call. A refresh that failed in transit is not
// repeated within the call: it may have spent the refresh token.
//
// Docs: settings/oauth/auto-renewal.md
func NewOAuthAppClient(ctx context.Context, app *OAuthApp, store TokenStore, opts ...Option) (*Client, error) {
	if app == nil {
		return nil, &ValidationError{Field: "app", Reason: "nil *OAuthApp"}
	}
	if store == nil {
		return nil, &ValidationError{Field: "store", Reason: "nil TokenStore"}
	}
	tok, err := store.Load(ctx)
	if err != nil {
		return nil, fmt.Errorf("sonet: token store: load: %w", err)
	}
	if tok.ClientEndpoint == "" {
		return nil, &ValidationError{Field: "Token.ClientEndpoint", Reason: "empty: the stored token must say which portal it is for (https://PORTAL/rest/)"}
	}
	if err := checkToken("refresh token", tok.RefreshToken); err != nil {
		return nil, err
	}
	c, err := newClient(opts)
	if err != nil {
		return nil, err
	}
	o, err := newOAuthAuth(tok.ClientEndpoint, tok.AccessToken, c.allowHTTP)
	if err != nil {
		return nil, err
	}
	o.refresher = &appRefresher{app: app, store: store, log: c.log, cur: tok, sem: make(chan struct{}, 1), dead: map[string]error{}}
	c.cred = o
	return c, nil
}

// grant calls the token endpoint. The docs show a GET with every parameter
// in the query string (a POST is not documented), so that is what is sent;
// the URL then holds the secret, and every error is scrubbed of it.
func (a *OAuthApp) grant(ctx context.Context, grantType, key, value string) (*Token, error) {
	var f wire.Form
	f.Add("grant_type", grantType)
	f.Add("client_id", a.clientID)
	f.Add("client_secret", *a.secret)
	f.Add(key, value)
	redact := redactor([]string{*a.secret, value, formEscape(*a.secret), formEscape(value), url.QueryEscape(*a.secret), url.QueryEscape(value)})
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.tokenURL+"?"+f.Encode(), nil)
	if err != nil {
		return nil, &TransportError{Method: tokenMethod, Err: redactError(err, redact)}
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", a.ua)
	resp, err := a.hc.Do(req)
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return nil, fmt.Errorf("sonet: %s: %w", tokenMethod, cerr)
		}
		return nil, &TransportError{Method: tokenMethod, Err: redactError(err, redact)}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, &TransportError{Method: tokenMethod, Status: resp.StatusCode, Err: redactError(err, redact)}
	}
	return decodeTokenAnswer(resp.StatusCode, resp.Header.Get("Content-Type"), body, redact, time.Now())
}

// formEscape returns s as the form encoder writes a value.
func formEscape(s string) string {
	return strings.TrimPrefix(wire.Form{{Key: "", Value: s}}.Encode(), "=")
}

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
// Docs: settings/oauth/error-codes.md
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
		return nil, &OAuthError{HTTPStatus: status, Code: string(code), Description: redact(string(r.ErrorDescription))}
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
