package sonet

import (
	"context"
	"sync"
	"testing"

	"github.com/b24kit/sonet/sonettest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// e2eApp returns an OAuthApp registered with srv and a store holding srv's
// current pair.
func e2eApp(t *testing.T, srv *sonettest.Server) (*OAuthApp, *MemoryTokenStore) {
	t.Helper()
	app, err := NewOAuthApp(srv.ClientID(), srv.ClientSecret(), WithTokenURL(srv.URL()+"/oauth/token/"))
	require.NoError(t, err)
	return app, NewMemoryTokenStore(Token{AccessToken: srv.AccessToken(), RefreshToken: srv.RefreshToken(), ClientEndpoint: srv.PortalURL() + "rest/"})
}

func tokenRequests(srv *sonettest.Server) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Method == "oauth/token" {
			n++
		}
	}
	return n
}

func TestOAuthE2ETwentyCallsOneRefresh(t *testing.T) {
	srv := sonettest.NewServer()
	defer srv.Close()
	id := srv.AddGroup(sonettest.NewGroup("Refresh me"))
	app, store := e2eApp(t, srv)
	c, err := NewOAuthAppClient(context.Background(), app, store, WithoutRateLimit())
	require.NoError(t, err)
	first := srv.AccessToken()
	srv.ExpireAccessToken()

	var wg sync.WaitGroup
	names := make([]string, 20)
	errs := make([]error, 20)
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g, err := c.GetGroup(context.Background(), id)
			errs[i] = err
			if err == nil {
				names[i] = g.Name
			}
		}()
	}
	wg.Wait()
	for i := range 20 {
		require.NoError(t, errs[i])
		assert.Equal(t, "Refresh me", names[i])
	}
	assert.Equal(t, 1, srv.Refreshes())
	assert.Equal(t, 1, tokenRequests(srv))
	got := loadStore(t, store)
	assert.NotEqual(t, first, got.AccessToken)
	assert.Equal(t, srv.AccessToken(), got.AccessToken, "the rotated pair lands in the store")
	assert.Equal(t, srv.RefreshToken(), got.RefreshToken)
	assert.Equal(t, srv.PortalURL()+"rest/", got.ClientEndpoint)
	assert.Equal(t, 1, got.UserID)
	assert.Equal(t, "oauth.bitrix.info", got.Domain)
}

func TestOAuthE2ETwoProcessesShareOneStore(t *testing.T) {
	srv := sonettest.NewServer()
	defer srv.Close()
	id := srv.AddGroup(sonettest.NewGroup("Shared"))
	app, store := e2eApp(t, srv)
	var clients []*Client
	for range 2 {
		c, err := NewOAuthAppClient(context.Background(), app, store, WithoutRateLimit())
		require.NoError(t, err)
		clients = append(clients, c)
	}
	for round := 1; round <= 3; round++ {
		srv.ExpireAccessToken()
		var wg sync.WaitGroup
		for i := range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := clients[i%2].GetGroup(context.Background(), id)
				assert.NoError(t, err)
			}()
		}
		wg.Wait()
		assert.Equal(t, round, srv.Refreshes(), "one refresh per expiry across both processes")
		assert.Equal(t, srv.RefreshToken(), loadStore(t, store).RefreshToken)
	}
}

func TestOAuthE2EDeadRefreshToken(t *testing.T) {
	srv := sonettest.NewServer()
	defer srv.Close()
	id := srv.AddGroup(sonettest.NewGroup("Unreachable"))
	app, _ := e2eApp(t, srv)
	store := NewMemoryTokenStore(Token{AccessToken: srv.AccessToken(), RefreshToken: "deadbeefdeadbeefdeadbeefdeadbeef", ClientEndpoint: srv.PortalURL() + "rest/"})
	c, err := NewOAuthAppClient(context.Background(), app, store, WithoutRateLimit())
	require.NoError(t, err)
	srv.ExpireAccessToken()
	for range 2 {
		_, err := c.GetGroup(context.Background(), id)
		require.ErrorIs(t, err, ErrInvalidGrant)
		var oe *OAuthError
		require.ErrorAs(t, err, &oe)
		assert.Equal(t, OAuthError{HTTPStatus: 400, Code: "invalid_grant", Description: "Invalid refresh token"}, *oe)
	}
	assert.Equal(t, 1, tokenRequests(srv), "a dead refresh token is not sent twice")
	assert.Equal(t, 0, srv.Refreshes())
}

func TestOAuthE2ECodeExchange(t *testing.T) {
	srv := sonettest.NewServer()
	defer srv.Close()
	srv.AddGroup(sonettest.NewGroup("Authorized"))
	app, _ := e2eApp(t, srv)
	code := srv.AuthorizationCode()
	tok, err := app.ExchangeCode(context.Background(), code)
	require.NoError(t, err)
	assert.Equal(t, srv.AccessToken(), tok.AccessToken)
	assert.Equal(t, srv.RefreshToken(), tok.RefreshToken)
	assert.Equal(t, srv.PortalURL()+"rest/", tok.ClientEndpoint)
	assert.Equal(t, "sonet_group,socialnetwork", tok.Scope)

	c, err := NewOAuthAppClient(context.Background(), app, NewMemoryTokenStore(*tok), WithoutRateLimit())
	require.NoError(t, err)
	p, err := c.ListGroups(context.Background(), nil)
	require.NoError(t, err)
	require.Len(t, p.Items, 1)
	assert.Equal(t, "Authorized", p.Items[0].Name)

	_, err = app.ExchangeCode(context.Background(), code)
	assert.ErrorIs(t, err, ErrInvalidGrant, "a code is single-use")
	assert.EqualError(t, err, "sonet: oauth/token: invalid_grant: Invalid authorization code (HTTP 400)")

	bad, err := NewOAuthApp(srv.ClientID(), "wrong-secret", WithTokenURL(srv.URL()+"/oauth/token/"))
	require.NoError(t, err)
	_, err = bad.ExchangeCode(context.Background(), srv.AuthorizationCode())
	assert.ErrorIs(t, err, ErrInvalidClient)
	assert.Equal(t, 1, srv.Refreshes())
}
