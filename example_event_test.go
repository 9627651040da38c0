package sonet_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/b24kit/sonet"
)

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

	ev, err := sonet.ParseGroupEvent(portalEvent("ONSONETGROUPADD", "6675", appToken), appToken)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ev.Name, ev.GroupID, ev.HandlerID, ev.Time)
	fmt.Println(ev.Auth) // tokens are never printed

	_, err = sonet.ParseGroupEvent(portalEvent("ONSONETGROUPADD", "6675", "forged"), appToken)
	fmt.Println(err)
	// Output:
	// ONSONETGROUPADD 6675 655 2025-01-09 12:03:02 +0000 UTC
	// sonet.EventAuth{domain: "some-domain.bitrix24.com", member_id: "a223c6b3710f85df22e9377d6c4f7553", scope: "sonet", status: "L", client_endpoint: "", server_endpoint: "", expires_in: 1h0m0s, access_token: set, refresh_token: absent, application_token: set}
	// sonet: event: auth[application_token] is not the application's token
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

	h := sonet.NewEventHandler(appToken, func(ctx context.Context, ev *sonet.GroupEvent) error {
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
