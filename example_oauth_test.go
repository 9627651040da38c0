package sonet_test

import (
	"context"
	"fmt"

	"github.com/b24kit/sonet"
	"github.com/b24kit/sonet/sonettest"
)

func ExampleOAuthApp_AuthorizeURL() {
	app, err := sonet.NewOAuthApp("app.573ad8a0346747.09223434", "the-client-secret")
	if err != nil {
		panic(err)
	}
	u, err := app.AuthorizeURL("portal.bitrix24.com", "JJHgsdgfkdaslg7lbadsfg")
	if err != nil {
		panic(err)
	}
	fmt.Println(u)
	fmt.Println(app) // the secret never prints
	// Output:
	// https://portal.bitrix24.com/oauth/authorize/?client_id=app.573ad8a0346747.09223434&state=JJHgsdgfkdaslg7lbadsfg
	// sonet.OAuthApp{client_id: app.573ad8a0346747.09223434, client_secret: [REDACTED]}
}

func ExampleOAuthApp_ExchangeCode() {
	srv := sonettest.NewServer()
	defer srv.Close()
	// In production the token URL is the default, oauth.bitrix.info.
	app, _ := sonet.NewOAuthApp(srv.ClientID(), srv.ClientSecret(), sonet.WithTokenURL(srv.URL()+"/oauth/token/"))

	// The portal redirected the user to the app with ?code=...; it lives 30 s.
	code := srv.AuthorizationCode()
	tok, err := app.ExchangeCode(context.Background(), code)
	if err != nil {
		panic(err)
	}
	fmt.Println("portal REST base:", tok.ClientEndpoint == srv.PortalURL()+"rest/")
	fmt.Println("scope:", tok.Scope, "lifetime:", tok.ExpiresIn)

	_, err = app.ExchangeCode(context.Background(), code)
	fmt.Println("second use:", err)
	// Output:
	// portal REST base: true
	// scope: sonet_group,socialnetwork lifetime: 1h0m0s
	// second use: sonet: oauth/token: invalid_grant: Invalid authorization code (HTTP 400)
}

func ExampleNewOAuthAppClient() {
	srv := sonettest.NewServer()
	defer srv.Close()
	srv.AddGroup(sonettest.NewGroup("Roadmap"))
	app, _ := sonet.NewOAuthApp(srv.ClientID(), srv.ClientSecret(), sonet.WithTokenURL(srv.URL()+"/oauth/token/"))

	// The app's stored pair: a database row in production.
	store := sonet.NewMemoryTokenStore(sonet.Token{
		AccessToken:    srv.AccessToken(),
		RefreshToken:   srv.RefreshToken(),
		ClientEndpoint: srv.PortalURL() + "rest/",
	})
	c, err := sonet.NewOAuthAppClient(context.Background(), app, store, sonet.WithTestDefaults())
	if err != nil {
		panic(err)
	}

	srv.ExpireAccessToken() // an hour later
	page, err := c.ListGroups(context.Background(), nil)
	if err != nil {
		panic(err)
	}
	stored, _ := store.Load(context.Background())
	fmt.Println(page.Items[0].Name)
	fmt.Println("refreshes:", srv.Refreshes())
	fmt.Println("rotated pair stored:", stored.RefreshToken == srv.RefreshToken())
	// Output:
	// Roadmap
	// refreshes: 1
	// rotated pair stored: true
}

func ExampleNewMemoryTokenStore() {
	old := sonet.Token{AccessToken: "access-1", RefreshToken: "refresh-1"}
	store := sonet.NewMemoryTokenStore(old)
	next := sonet.Token{AccessToken: "access-2", RefreshToken: "refresh-2"}
	ok, _ := store.CompareAndSwap(context.Background(), old, next)
	fmt.Println("first swap:", ok)
	ok, _ = store.CompareAndSwap(context.Background(), old, sonet.Token{AccessToken: "access-3", RefreshToken: "refresh-3"})
	fmt.Println("second swap from the same pair:", ok)
	cur, _ := store.Load(context.Background())
	fmt.Println(cur.AccessToken, store)
	// Output:
	// first swap: true
	// second swap from the same pair: false
	// access-2 sonet.MemoryTokenStore{token: [REDACTED]}
}
