package sonet

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/b24kit/sonet/internal/wire"
)

// This file holds the OAuth application flow: OAuthApp, AuthorizeURL,
// ExchangeCode and NewOAuthAppClient. Token and OAuthError are in
// oauth_token.go, the refresh in oauth_refresh.go, TokenStore in
// token_store.go; what the portal posts to an application is package sonetapp.

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
// Docs: https://apidocs.bitrix24.com/settings/oauth/index.html,
// https://apidocs.bitrix24.com/settings/oauth/auto-renewal.html
type OAuthApp struct {
	clientID string
	secret   *string // behind a pointer: %+v of a copy prints an address
	tokenURL string
	hc       *http.Client
	live     *http.Client // the caller's, whose Transport is read per request
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
// As with WithHTTPClient, hc is copied but its Transport is read at every
// request, so httpmock.ActivateNonDefault(hc) after NewOAuthApp is seen.
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
// Docs: https://apidocs.bitrix24.com/settings/oauth/index.html
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
	a.hc, a.live = &hc, a.hc
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
// Docs: https://apidocs.bitrix24.com/settings/oauth/index.html
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
// Docs: https://apidocs.bitrix24.com/settings/oauth/index.html
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
// Docs: https://apidocs.bitrix24.com/settings/oauth/auto-renewal.html
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
// CompareAndSwap loses, it takes the pair the winner stored; when it
// fails, the client goes on with the new pair and stores it in the
// background as soon as the store works again (for about four minutes);
// after invalid_grant it reads the store again before giving up. A definite
// refusal (invalid_grant, invalid_client, PAYMENT_REQUIRED, any 4xx) is
// returned as an *OAuthError and never sent again for the same refresh
// token; a new pair put in the store (after the user authorized again) is
// picked up by the next call. A refresh that failed in transit is not
// repeated within the call: it may have spent the refresh token.
//
// Docs: https://apidocs.bitrix24.com/settings/oauth/auto-renewal.html
func NewOAuthAppClient(ctx context.Context, app *OAuthApp, store TokenStore, opts ...Option) (*Client, error) {
	if err := checkContext(ctx); err != nil {
		return nil, err
	}
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
	o.refresher = &appRefresher{app: app, store: store, log: c.log, cur: tok, sem: make(chan struct{}, 1), dead: map[string]error{},
		storeRetry: storeRetryDelays}
	c.cred = o
	return c, nil
}

// grant calls the token endpoint. The docs show a GET with every parameter
// in the query string (a POST is not documented), so that is what is sent;
// the URL then holds the secret, and every error is scrubbed of it.
func (a *OAuthApp) grant(ctx context.Context, grantType, key, value string) (*Token, error) {
	if err := checkContext(ctx); err != nil {
		return nil, err
	}
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
	resp, err := liveClient(a.hc, a.live).Do(req)
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
