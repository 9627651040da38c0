package sonetapp

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/b24kit/sonet"
	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	installAppToken = "51856fefc120afa4b628cc82d3935cce"
	installAccess   = "s6p6eclrvim6da22ft9ch94ekreb52lv"
	installRefresh  = "4s386p3q0tr8dy89xvmt96234v3dljg8"
	pageAccess      = "ahodg4h37n89vo17gbkgq0x1l825nnb5"
	pageRefresh     = "2lg086mxijlpvwh0h7r4nl19udm4try5"
)

func formRequest(target, body string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r
}

func installRequest(t *testing.T, fx string) *http.Request {
	return formRequest("https://app.example/install", string(fixture(t, "oauth/"+fx)))
}

func TestParseInstallEventReadsTheDocsExample(t *testing.T) {
	want := InstallEvent{
		Event: "ONAPPINSTALL", Version: "1", LanguageID: "en", Time: time.Unix(1466439714, 0),
		Domain: "account.bitrix24.com", ApplicationToken: installAppToken,
		Auth: sonet.Token{
			AccessToken: installAccess, RefreshToken: installRefresh,
			Expires: time.Unix(1466439714+3600, 0), ExpiresIn: time.Hour,
			Domain: "account.bitrix24.com", ServerEndpoint: "https://oauth.bitrix.info/rest/",
			ClientEndpoint: "https://account.bitrix24.com/rest/", MemberID: testMemberID, Scope: "entity,im", Status: "F",
		},
	}
	// First install: nothing stored yet, the token is learnt.
	ev, err := ParseInstallEvent(installRequest(t, "install_event.form"), "")
	require.NoError(t, err)
	assert.Equal(t, want, *ev)
	// Reinstall: the stored token is checked.
	ev, err = ParseInstallEvent(installRequest(t, "install_event.form"), installAppToken)
	require.NoError(t, err)
	assert.Equal(t, want, *ev)

	for _, body := range []string{
		string(fixture(t, "oauth/install_event.form")),
		strings.Replace(string(fixture(t, "oauth/install_event.form")), installAppToken, "51856fefc120afa4b628cc82d3935ccf", 1),
		string(fixture(t, "oauth/install_event.form")) + "&auth%5Bapplication_token%5D=" + installAppToken, // sent twice
		"event=ONAPPINSTALL",
	} {
		stored := installAppToken
		if body == string(fixture(t, "oauth/install_event.form")) {
			stored = "51856fefc120afa4b628cc82d3935ccf"
		}
		_, err = ParseInstallEvent(formRequest("https://app.example/install", body), stored)
		assert.ErrorIs(t, err, ErrEventTokenMismatch)
		assert.NotErrorIs(t, err, ErrBadEvent)
		assert.EqualError(t, err, "sonetapp: event: install: auth[application_token] is not the application's token")
	}
}

func TestParseInstallEventWithoutTokens(t *testing.T) {
	ev, err := ParseInstallEvent(installRequest(t, "install_event_no_tokens.form"), installAppToken)
	require.NoError(t, err)
	assert.Equal(t, InstallEvent{
		Event: "ONAPPINSTALL", Version: "1.0.0", LanguageID: "de", Active: sonet.Yes, Installed: sonet.Yes,
		Time: time.Unix(1696527000, 0), Domain: "some-domain.bitrix24.com", ApplicationToken: installAppToken,
		Auth: sonet.Token{
			Domain: "some-domain.bitrix24.com", ServerEndpoint: "https://oauth.bitrix.info/rest/",
			ClientEndpoint: "https://some-domain.bitrix24.com/rest/", MemberID: testMemberID, Status: "F",
		},
	}, *ev)
	_, err = NewClientFromInstall(ev)
	assert.ErrorIs(t, err, sonet.ErrValidation)
	assert.EqualError(t, err, "sonet: invalid InstallEvent: the event carried no access token or client_endpoint")
}

func TestParseInstallEventRefusesOtherRequests(t *testing.T) {
	base, err := url.ParseQuery(string(fixture(t, "oauth/install_event.form")))
	require.NoError(t, err)
	with := func(key, value string) string {
		v := url.Values{}
		for k, vs := range base {
			v[k] = vs
		}
		if value == "" {
			v.Del(key)
		} else {
			v.Set(key, value)
		}
		return v.Encode()
	}
	for _, tc := range []struct {
		body, reason string
	}{
		{with("event", "ONAPPUNINSTALL"), "not an ONAPPINSTALL event"},
		{with("event", ""), "not an ONAPPINSTALL event"},
		{with("auth[application_token]", ""), "no single auth[application_token]"},
		{with("auth[application_token]", "") + "&auth%5Bapplication_token%5D=a&auth%5Bapplication_token%5D=b", "no single auth[application_token]"},
		{with("auth[member_id]", ""), "no auth[member_id] or auth[domain]"},
		{with("auth[domain]", ""), "no auth[member_id] or auth[domain]"},
		{with("ts", "yesterday"), "ts is not a unix time"},
		{with("data[ACTIVE]", "maybe"), "data[ACTIVE] is neither Y nor N"},
		{with("auth[expires_in]", "-1"), "auth[expires_in] is not a number of seconds"},
		{"", "not an ONAPPINSTALL event"},
	} {
		_, err := ParseInstallEvent(formRequest("https://app.example/install", tc.body), "")
		assert.ErrorIs(t, err, ErrBadAppRequest, tc.reason)
		assert.ErrorIs(t, err, ErrBadEvent, tc.reason)
		assert.EqualError(t, err, "sonetapp: event: install: "+tc.reason)
		assert.NotContains(t, err.Error(), installAccess)
	}
	// The event must be in the body, not the query.
	r := httptest.NewRequest(http.MethodPost, "https://app.example/install?"+string(fixture(t, "oauth/install_event.form")), nil)
	_, err = ParseInstallEvent(r, "")
	assert.EqualError(t, err, "sonetapp: event: install: not an ONAPPINSTALL event")
	_, err = ParseInstallEvent(nil, "")
	assert.EqualError(t, err, "sonetapp: event: install: nil request")
	big := formRequest("https://app.example/install", "event=ONAPPINSTALL&x="+strings.Repeat("a", maxAppForm))
	_, err = ParseInstallEvent(big, "")
	assert.EqualError(t, err, "sonetapp: event: install: unreadable form")
	get := httptest.NewRequest(http.MethodGet, "https://app.example/install", nil)
	_, err = ParseInstallEvent(get, "")
	assert.EqualError(t, err, "sonetapp: event: install: method is not POST")
}

func TestNewClientFromInstallCallsTheEventsPortal(t *testing.T) {
	ev, err := ParseInstallEvent(installRequest(t, "install_event.form"), "")
	require.NoError(t, err)
	mt := httpmock.NewMockTransport()
	var rec recorded
	mt.RegisterResponder("POST", "https://account.bitrix24.com/rest/"+featureMethod, rec.respond(200, fixture(t, "sonet_group.feature.access/ok_false.json")))
	c, err := NewClientFromInstall(ev, sonet.WithHTTPClient(&http.Client{Transport: mt}), sonet.WithoutRateLimit())
	require.NoError(t, err)
	assert.Equal(t, "sonet.Client{portal: account.bitrix24.com, auth: oauth}", c.String())
	ok, err := callFeature(c)
	require.NoError(t, err)
	assert.False(t, ok)
	assert.Equal(t, []string{featureBody + "&auth=" + installAccess}, rec.Bodies())
	_, err = NewClientFromInstall(nil)
	assert.EqualError(t, err, "sonet: invalid InstallEvent: nil")
}

func pageRequest(t *testing.T, query string) *http.Request {
	return formRequest("https://app.example/page?"+query, string(fixture(t, "oauth/app_page.form")))
}

const pageQuery = "DOMAIN=account.bitrix24.com&PROTOCOL=1&LANG=en&APP_SID=dd8cec11e347088fe87c44870a9f1dba"

func TestParseAppPageReadsTheDocsExample(t *testing.T) {
	before := time.Now()
	p, err := ParseAppPage(pageRequest(t, pageQuery))
	require.NoError(t, err)
	assert.WithinRange(t, p.Auth.Expires, before.Add(time.Hour), time.Now().Add(time.Hour))
	p.Auth.Expires = time.Time{}
	assert.Equal(t, AppPage{
		Domain: "account.bitrix24.com", PortalURL: "https://account.bitrix24.com/", Lang: "en",
		AppSID: "dd8cec11e347088fe87c44870a9f1dba", Placement: "DEFAULT", PlacementOptions: `{"ID":"77"}`,
		Auth: sonet.Token{
			AccessToken: pageAccess, RefreshToken: pageRefresh, ExpiresIn: time.Hour, Domain: "account.bitrix24.com",
			ClientEndpoint: "https://account.bitrix24.com/rest/", MemberID: testMemberID, Status: "P",
		},
	}, *p)
	var opts struct{ ID string }
	require.NoError(t, p.DecodePlacementOptions(&opts))
	assert.Equal(t, "77", opts.ID)
	var n int
	assert.EqualError(t, p.DecodePlacementOptions(&n), "sonetapp: not a Bitrix24 application request: PLACEMENT_OPTIONS is not the JSON expected")
	empty := AppPage{}
	var m map[string]any
	require.NoError(t, empty.DecodePlacementOptions(&m))
	assert.Equal(t, map[string]any{}, m)

	// Every field may also come in the body, and PROTOCOL=0 means http.
	body := string(fixture(t, "oauth/app_page.form")) + "&" + strings.Replace(pageQuery, "PROTOCOL=1", "PROTOCOL=0", 1) + "&SERVER_ENDPOINT=https%3A%2F%2Foauth.bitrix.info%2Frest%2F&APPLICATION_SCOPE=sonet_group"
	p, err = ParseAppPage(formRequest("https://app.example/page", body))
	require.NoError(t, err)
	assert.Equal(t, "http://account.bitrix24.com/", p.PortalURL)
	assert.Equal(t, "https://oauth.bitrix.info/rest/", p.Auth.ServerEndpoint)
	assert.Equal(t, "sonet_group", p.Auth.Scope)
	_, err = NewClientFromAppPage(p)
	assert.EqualError(t, err, "sonet: invalid portal URL: plain http is allowed only for loopback hosts; use https")
}

func TestParseAppPageRefusesOtherRequests(t *testing.T) {
	for _, tc := range []struct {
		query, body, reason string
	}{
		{"DOMAIN=evil.example/x", "", "DOMAIN is not a host name"},
		{"DOMAIN=user@evil.example", "", "DOMAIN is not a host name"},
		{"DOMAIN=", "", "DOMAIN is not a host name"},
		{"DOMAIN=a.example%23x", "", "DOMAIN is not a host name"},
		{"DOMAIN=a.example&PROTOCOL=2", "", "PROTOCOL is neither 0 nor 1"},
		{"DOMAIN=a.example", "member_id=x", "no AUTH_ID or member_id"},
		{"DOMAIN=a.example", "AUTH_ID=x", "no AUTH_ID or member_id"},
		{"DOMAIN=a.example", "AUTH_ID=x&member_id=y&AUTH_EXPIRES=soon", "AUTH_EXPIRES is not a number of seconds"},
	} {
		_, err := ParseAppPage(formRequest("https://app.example/page?"+tc.query, tc.body))
		assert.ErrorIs(t, err, ErrBadAppRequest, tc.query)
		assert.EqualError(t, err, "sonetapp: not a Bitrix24 application request: "+tc.reason, tc.query)
	}
}

func TestNewClientFromAppPageCallsThePagesPortal(t *testing.T) {
	p, err := ParseAppPage(pageRequest(t, pageQuery))
	require.NoError(t, err)
	mt := httpmock.NewMockTransport()
	var rec recorded
	mt.RegisterResponder("POST", "https://account.bitrix24.com/rest/"+featureMethod, rec.respond(200, fixture(t, "sonet_group.feature.access/ok_true.json")))
	c, err := NewClientFromAppPage(p, sonet.WithHTTPClient(&http.Client{Transport: mt}), sonet.WithoutRateLimit())
	require.NoError(t, err)
	ok, err := callFeature(c)
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, []string{featureBody + "&auth=" + pageAccess}, rec.Bodies())
	_, err = NewClientFromAppPage(nil)
	assert.EqualError(t, err, "sonet: invalid AppPage: nil")
}

func TestAppValuesPrintWithoutSecrets(t *testing.T) {
	ev, err := ParseInstallEvent(installRequest(t, "install_event.form"), "")
	require.NoError(t, err)
	p, err := ParseAppPage(pageRequest(t, pageQuery))
	require.NoError(t, err)
	store := sonet.NewMemoryTokenStore(ev.Auth)
	var logs bytes.Buffer
	l := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	l.Debug("install", "event", ev, "page", p, "store", store)
	out := []string{logs.String()}
	for _, v := range []any{ev, *ev, p, *p, store, *store} {
		out = append(out, fmt.Sprintf("%v|%+v|%#v|%s", v, v, v, v))
	}
	for _, o := range out {
		for _, secret := range []string{installAccess, installRefresh, installAppToken, pageAccess, pageRefresh} {
			assert.NotContains(t, o, secret)
		}
	}
	assert.Equal(t, "sonetapp.InstallEvent{event: ONAPPINSTALL, domain: account.bitrix24.com, member_id: "+testMemberID+", version: 1, auth: "+ev.Auth.String()+", application_token: [REDACTED]}", ev.String())
	assert.Equal(t, "sonetapp.AppPage{domain: account.bitrix24.com, placement: DEFAULT, auth: "+p.Auth.String()+"}", p.String())
	assert.Equal(t, "sonet.MemoryTokenStore{token: [REDACTED]}", store.String())
}
