package sonet

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMemoryTokenStoreCompareAndSwap(t *testing.T) {
	ctx := context.Background()
	a := Token{AccessToken: "a1", RefreshToken: "r1", MemberID: "m"}
	b := Token{AccessToken: "a2", RefreshToken: "r2"}
	s := NewMemoryTokenStore(a)
	// Only the tokens are compared, not the other fields.
	ok, err := s.CompareAndSwap(ctx, Token{AccessToken: "a1", RefreshToken: "r1"}, b)
	require.NoError(t, err)
	assert.True(t, ok)
	ok, err = s.CompareAndSwap(ctx, a, Token{AccessToken: "a3", RefreshToken: "r3"})
	require.NoError(t, err)
	assert.False(t, ok)
	ok, _ = s.CompareAndSwap(ctx, Token{AccessToken: "a2", RefreshToken: "rX"}, a)
	assert.False(t, ok, "a different refresh token is a different pair")
	got, err := s.Load(ctx)
	require.NoError(t, err)
	assert.Equal(t, b, got)
}

func TestAuthorizeURL(t *testing.T) {
	app := newTestApp(t, httpmock.NewMockTransport())
	for _, portal := range []string{"portal.bitrix24.com", "https://portal.bitrix24.com", "https://portal.bitrix24.com/", " portal.bitrix24.com "} {
		u, err := app.AuthorizeURL(portal, "JJHgsdgfkdaslg7lbadsfg")
		require.NoError(t, err, portal)
		assert.Equal(t, "https://portal.bitrix24.com/oauth/authorize/?client_id="+testClientID+"&state=JJHgsdgfkdaslg7lbadsfg", u)
	}
	u, err := app.AuthorizeURL("portal.bitrix24.com", "")
	require.NoError(t, err)
	assert.Equal(t, "https://portal.bitrix24.com/oauth/authorize/?client_id="+testClientID, u)
	u, err = app.AuthorizeURL("portal.bitrix24.com", "a b&c=d")
	require.NoError(t, err)
	assert.Equal(t, "https://portal.bitrix24.com/oauth/authorize/?client_id="+testClientID+"&state=a%20b%26c%3Dd", u)

	for portal, msg := range map[string]string{
		"":                            "sonet: invalid portal URL: empty",
		"http://portal.bitrix24.com":  "sonet: invalid portal URL: plain http is allowed only for loopback hosts; use https",
		"https://portal.example/rest": "sonet: invalid portal URL: a portal address has no path",
		"https://u:p@portal.example":  "sonet: invalid portal URL: user info is not allowed in the URL",
	} {
		_, err := app.AuthorizeURL(portal, "s")
		assert.ErrorIs(t, err, ErrValidation, portal)
		assert.EqualError(t, err, msg, portal)
	}
}

func TestNewOAuthAppValidatesAndHidesTheSecret(t *testing.T) {
	for _, tc := range []struct {
		id, secret string
		opts       []AppOption
		msg        string
	}{
		{"", "s", nil, "sonet: invalid client_id: empty or with control characters"},
		{"app.1", "", nil, "sonet: invalid client_secret: empty or with control characters"},
		{"app.1", "s\n", nil, "sonet: invalid client_secret: empty or with control characters"},
		{"app.1", "s", []AppOption{WithTokenURL("http://oauth.example/oauth/token/")}, "sonet: invalid token URL: plain http is allowed only for loopback hosts; use https"},
		{"app.1", "s", []AppOption{WithTokenURL("https://oauth.example/oauth/token/?x=1")}, "sonet: invalid token URL: query or fragment is not allowed in the URL"},
		{"app.1", "s", []AppOption{WithAppHTTPClient(nil)}, "sonet: invalid WithAppHTTPClient: nil *http.Client"},
	} {
		_, err := NewOAuthApp(tc.id, tc.secret, tc.opts...)
		assert.ErrorIs(t, err, ErrValidation)
		assert.EqualError(t, err, tc.msg)
	}
	app := newTestApp(t, httpmock.NewMockTransport())
	assert.Equal(t, testClientID, app.ClientID())
	want := "sonet.OAuthApp{client_id: " + testClientID + ", client_secret: [REDACTED]}"
	for _, s := range []string{app.String(), (*app).String(), app.GoString()} {
		assert.Equal(t, want, s)
	}
}

type failingStore struct{}

func (failingStore) Load(context.Context) (Token, error) { return Token{}, errors.New("no such row") }
func (failingStore) CompareAndSwap(context.Context, Token, Token) (bool, error) {
	return false, errors.New("no such row")
}

func TestNewOAuthAppClientValidates(t *testing.T) {
	app := newTestApp(t, httpmock.NewMockTransport())
	ctx := context.Background()
	noEndpoint := startToken()
	noEndpoint.ClientEndpoint = ""
	noRefresh := startToken()
	noRefresh.RefreshToken = ""
	badPortal := startToken()
	badPortal.ClientEndpoint = "http://portal.example/rest/"
	for _, tc := range []struct {
		app   *OAuthApp
		store TokenStore
		msg   string
	}{
		{nil, NewMemoryTokenStore(startToken()), "sonet: invalid app: nil *OAuthApp"},
		{app, nil, "sonet: invalid store: nil TokenStore"},
		{app, NewMemoryTokenStore(noEndpoint), "sonet: invalid Token.ClientEndpoint: empty: the stored token must say which portal it is for (https://PORTAL/rest/)"},
		{app, NewMemoryTokenStore(noRefresh), "sonet: invalid refresh token: empty"},
		{app, NewMemoryTokenStore(badPortal), "sonet: invalid portal URL: plain http is allowed only for loopback hosts; use https"},
	} {
		_, err := NewOAuthAppClient(ctx, tc.app, tc.store)
		assert.ErrorIs(t, err, ErrValidation)
		assert.EqualError(t, err, tc.msg)
	}
	_, err := NewOAuthAppClient(ctx, app, failingStore{})
	assert.EqualError(t, err, "sonet: token store: load: no such row")
}

func TestOAuthAppRefreshDecodesTheDocsAnswer(t *testing.T) {
	mt := httpmock.NewMockTransport()
	var tc tokenCalls
	mt.RegisterResponder("GET", testTokenURL, tc.respond(200, fixture(t, "oauth/refresh.json"), nil))
	before := time.Now()
	tok, err := newTestApp(t, mt).Refresh(context.Background(), oldRefresh)
	require.NoError(t, err)
	assert.Equal(t, []string{refreshQuery + oldRefresh}, tc.Queries())
	// The docs' answer has no "expires": it is counted from receipt.
	assert.WithinRange(t, tok.Expires, before.Add(time.Hour), time.Now().Add(time.Hour))
	tok.Expires = time.Time{}
	assert.Equal(t, Token{
		AccessToken: newAccess, RefreshToken: newRefresh, ExpiresIn: time.Hour,
		Domain: "oauth.bitrix.info", ServerEndpoint: "https://oauth.bitrix.info/rest/",
		ClientEndpoint: "https://account.bitrix24.com/rest/", MemberID: testMemberID, Scope: "app", Status: "T",
	}, *tok)
}

func TestExchangeCode(t *testing.T) {
	mt := httpmock.NewMockTransport()
	var tc tokenCalls
	mt.RegisterResponder("GET", testTokenURL, tc.respond(200, fixture(t, "oauth/code_exchange.json"), nil))
	app := newTestApp(t, mt)
	tok, err := app.ExchangeCode(context.Background(), "avmocpghblyi01m3h42bljvqtyd19sw1")
	require.NoError(t, err)
	assert.Equal(t, []string{"grant_type=authorization_code&client_id=" + testClientID + "&client_secret=" + testClientSecret + "&code=avmocpghblyi01m3h42bljvqtyd19sw1"}, tc.Queries())
	tok.Expires = time.Time{}
	assert.Equal(t, Token{
		AccessToken: "s1morf609228iwyjjpvfv6wsvuja4p8u", RefreshToken: "4f9k4jpmg13usmybzuqknt2v9fh0q6rl", ExpiresIn: time.Hour,
		Domain: "oauth.bitrix.info", ServerEndpoint: "https://oauth.bitrix.info/rest/",
		ClientEndpoint: "https://portal.bitrix24.com/rest/", MemberID: testMemberID, Scope: "app", Status: "T",
	}, *tok)

	mt.RegisterResponder("GET", testTokenURL, tc.respond(400, fixture(t, "oauth/invalid_grant.json"), nil))
	_, err = app.ExchangeCode(context.Background(), "expiredcode0000")
	assert.ErrorIs(t, err, ErrInvalidGrant)
	assert.EqualError(t, err, "sonet: oauth/token: invalid_grant: Invalid authorization tokens were provided (HTTP 400)")

	_, err = app.ExchangeCode(context.Background(), "")
	assert.ErrorIs(t, err, ErrValidation)
	assert.EqualError(t, err, "sonet: invalid code: empty or with control characters")
	assert.Len(t, tc.Queries(), 2)
}
