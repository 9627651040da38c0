package sonet_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

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

func ExampleParseInstallEvent() {
	srv := sonettest.NewServer()
	defer srv.Close()
	srv.AddGroup(sonettest.NewGroup("Installed"))

	// What Bitrix24 POSTs to the installation handler.
	form := url.Values{
		"event":                   {"ONAPPINSTALL"},
		"data[VERSION]":           {"1"},
		"ts":                      {"1466439714"},
		"auth[access_token]":      {srv.AccessToken()},
		"auth[refresh_token]":     {srv.RefreshToken()},
		"auth[expires_in]":        {"3600"},
		"auth[domain]":            {"account.bitrix24.com"},
		"auth[client_endpoint]":   {srv.PortalURL() + "rest/"},
		"auth[member_id]":         {"a223c6b3710f85df22e9377d6c4f7553"},
		"auth[application_token]": {"51856fefc120afa4b628cc82d3935cce"},
	}
	r := httptest.NewRequest(http.MethodPost, "/install", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")

	// First install: nothing stored yet, so "" accepts and teaches the token.
	ev, err := sonet.ParseInstallEvent(r, "")
	if err != nil {
		panic(err)
	}
	fmt.Println(ev.Event, ev.Domain, ev.Auth.MemberID)
	fmt.Println("store this:", ev.ApplicationToken)

	c, err := sonet.NewClientFromInstall(ev, sonet.WithTestDefaults())
	if err != nil {
		panic(err)
	}
	page, _ := c.ListGroups(context.Background(), nil)
	fmt.Println(page.Items[0].Name)
	// Output:
	// ONAPPINSTALL account.bitrix24.com a223c6b3710f85df22e9377d6c4f7553
	// store this: 51856fefc120afa4b628cc82d3935cce
	// Installed
}

func ExampleParseAppPage() {
	// What Bitrix24 sends when the app's page opens in a frame.
	body := url.Values{
		"AUTH_ID":           {"ahodg4h37n89vo17gbkgq0x1l825nnb5"},
		"AUTH_EXPIRES":      {"3600"},
		"REFRESH_ID":        {"2lg086mxijlpvwh0h7r4nl19udm4try5"},
		"member_id":         {"a223c6b3710f85df22e9377d6c4f7553"},
		"status":            {"P"},
		"PLACEMENT":         {"DEFAULT"},
		"PLACEMENT_OPTIONS": {`{"ID":"77"}`},
	}
	r := httptest.NewRequest(http.MethodPost, "/app?DOMAIN=account.bitrix24.com&PROTOCOL=1&LANG=en&APP_SID=dd8cec11e347088fe87c44870a9f1dba",
		strings.NewReader(body.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")

	p, err := sonet.ParseAppPage(r)
	if err != nil {
		panic(err)
	}
	var opts struct{ ID string }
	_ = p.DecodePlacementOptions(&opts)
	fmt.Println(p.PortalURL, p.Lang, p.Placement, opts.ID)
	fmt.Println(p.Auth.ClientEndpoint, p.Auth.ExpiresIn)
	c, _ := sonet.NewClientFromAppPage(p)
	fmt.Println(c)
	// Output:
	// https://account.bitrix24.com/ en DEFAULT 77
	// https://account.bitrix24.com/rest/ 1h0m0s
	// sonet.Client{portal: account.bitrix24.com, auth: oauth}
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
