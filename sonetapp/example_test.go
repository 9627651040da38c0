package sonetapp_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/b24kit/sonet"
	"github.com/b24kit/sonet/sonetapp"
	"github.com/b24kit/sonet/sonettest"
)

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
	ev, err := sonetapp.ParseInstallEvent(r, "")
	if err != nil {
		panic(err)
	}
	fmt.Println(ev.Event, ev.Domain, ev.Auth.MemberID)
	fmt.Println("store this:", ev.ApplicationToken)

	c, err := sonetapp.NewClientFromInstall(ev, sonet.WithTestDefaults())
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

	p, err := sonetapp.ParseAppPage(r)
	if err != nil {
		panic(err)
	}
	var opts struct{ ID string }
	_ = p.DecodePlacementOptions(&opts)
	fmt.Println(p.PortalURL, p.Lang, p.Placement, opts.ID)
	fmt.Println(p.Auth.ClientEndpoint, p.Auth.ExpiresIn)
	c, _ := sonetapp.NewClientFromAppPage(p)
	fmt.Println(c)
	// Output:
	// https://account.bitrix24.com/ en DEFAULT 77
	// https://account.bitrix24.com/rest/ 1h0m0s
	// sonet.Client{portal: account.bitrix24.com, auth: oauth}
}

func ExampleParseGroupEvent() {
	// appToken is the application token the app kept from ONAPPINSTALL.
	const appToken = "51856fefc120afa4b628cc82d3935cce"
	// portalEvent builds a request the way the portal posts an event: a
	// form in PHP bracket syntax.
	portalEvent := func(event, groupID, token string) *http.Request {
		form := url.Values{
			"event":                   {event},
			"event_handler_id":        {"655"},
			"data[FIELDS][ID]":        {groupID},
			"ts":                      {"1736424182"},
			"auth[domain]":            {"some-domain.bitrix24.com"},
			"auth[member_id]":         {"a223c6b3710f85df22e9377d6c4f7553"},
			"auth[access_token]":      {"s6p6eclrvim6da22ft9ch94ekreb52lv"},
			"auth[expires_in]":        {"3600"},
			"auth[scope]":             {"sonet"},
			"auth[status]":            {"L"},
			"auth[application_token]": {token},
		}
		r := httptest.NewRequest(http.MethodPost, "https://app.example/events", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return r
	}

	ev, err := sonetapp.ParseGroupEvent(portalEvent("ONSONETGROUPADD", "6675", appToken), appToken)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ev.Name, ev.GroupID, ev.HandlerID, ev.Time)
	fmt.Println(ev.Auth) // tokens are never printed

	_, err = sonetapp.ParseGroupEvent(portalEvent("ONSONETGROUPADD", "6675", "forged"), appToken)
	fmt.Println(err)
	// Output:
	// ONSONETGROUPADD 6675 655 2025-01-09 12:03:02 +0000 UTC
	// sonetapp.EventAuth{domain: "some-domain.bitrix24.com", member_id: "a223c6b3710f85df22e9377d6c4f7553", scope: "sonet", status: "L", client_endpoint: "", server_endpoint: "", expires_in: 1h0m0s, access_token: set, refresh_token: absent, application_token: set}
	// sonetapp: event: auth[application_token] is not the application's token
}

func ExampleNewEventHandler() {
	// appToken is the application token the app kept from ONAPPINSTALL.
	const appToken = "51856fefc120afa4b628cc82d3935cce"
	// portalEvent builds a request the way the portal posts an event: a
	// form in PHP bracket syntax.
	portalEvent := func(event, groupID, token string) *http.Request {
		form := url.Values{
			"event":                   {event},
			"event_handler_id":        {"655"},
			"data[FIELDS][ID]":        {groupID},
			"ts":                      {"1736424182"},
			"auth[domain]":            {"some-domain.bitrix24.com"},
			"auth[member_id]":         {"a223c6b3710f85df22e9377d6c4f7553"},
			"auth[access_token]":      {"s6p6eclrvim6da22ft9ch94ekreb52lv"},
			"auth[expires_in]":        {"3600"},
			"auth[scope]":             {"sonet"},
			"auth[status]":            {"L"},
			"auth[application_token]": {token},
		}
		r := httptest.NewRequest(http.MethodPost, "https://app.example/events", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return r
	}

	h := sonetapp.NewEventHandler(appToken, func(ctx context.Context, ev *sonetapp.GroupEvent) error {
		fmt.Println("handling", ev.Name, ev.GroupID)
		return nil
	})
	// In an app: http.Handle("/events", h) behind https, then bind it once
	// with c.Call(ctx, "event.bind", map[string]any{"event": "ONSONETGROUPADD",
	// "handler": "https://app.example/events"}, nil).
	for _, r := range []*http.Request{
		portalEvent("ONSONETGROUPDELETE", "12", appToken),
		portalEvent("ONSONETGROUPDELETE", "12", "forged"),
		portalEvent("ONCRMDEALADD", "12", appToken),
	} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		fmt.Println(w.Code)
	}
	// Output:
	// handling ONSONETGROUPDELETE 12
	// 200
	// 403
	// 400
}
