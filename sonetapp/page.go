package sonetapp

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/b24kit/sonet"
)

// AppPage is what Bitrix24 sends when it opens the application's page (or
// one of its widgets) in a frame: the portal and a token pair for the user
// looking at it. Nothing in it is signed: before trusting MemberID or
// Domain for anything but calling the portal with these very tokens, check
// them (an app.info call with the token answers only on the real portal).
// It prints without tokens.
//
// Docs: https://apidocs.bitrix24.com/settings/oauth/simple-way.html,
// https://apidocs.bitrix24.com/api-reference/widgets/placements.html
type AppPage struct {
	// Domain is DOMAIN, the portal's host name.
	Domain string
	// PortalURL is https://DOMAIN/ (http:// when PROTOCOL is 0).
	PortalURL string
	// Lang is LANG, the user's interface language.
	Lang string
	// AppSID is APP_SID, which ties the page to the JS library.
	AppSID string
	// Auth holds AUTH_ID, REFRESH_ID, AUTH_EXPIRES, SERVER_ENDPOINT,
	// member_id, status and APPLICATION_SCOPE; its ClientEndpoint is
	// PortalURL + "rest/".
	Auth sonet.Token
	// Placement is PLACEMENT ("DEFAULT" for the application's own page).
	Placement string
	// PlacementOptions is PLACEMENT_OPTIONS, a JSON text ("" when absent);
	// decode it with DecodePlacementOptions.
	PlacementOptions string
}

// String describes the page without its tokens.
func (p AppPage) String() string {
	return fmt.Sprintf("sonetapp.AppPage{domain: %s, placement: %s, auth: %s}", p.Domain, p.Placement, p.Auth)
}

// GoString is String.
func (p AppPage) GoString() string { return p.String() }

// LogValue implements slog.LogValuer without the tokens.
func (p AppPage) LogValue() slog.Value {
	return slog.GroupValue(slog.String("domain", p.Domain), slog.String("placement", p.Placement), slog.String("member_id", p.Auth.MemberID))
}

// DecodePlacementOptions unmarshals PLACEMENT_OPTIONS into v. Absent
// options decode as {}.
func (p *AppPage) DecodePlacementOptions(v any) error {
	s := p.PlacementOptions
	if s == "" {
		s = "{}"
	}
	if err := json.Unmarshal([]byte(s), v); err != nil {
		return badApp("PLACEMENT_OPTIONS is not the JSON expected")
	}
	return nil
}

// ParseAppPage reads the request Bitrix24 sends when it opens the
// application's page or widget: AUTH_ID, AUTH_EXPIRES, REFRESH_ID,
// SERVER_ENDPOINT, member_id, status, PLACEMENT, PLACEMENT_OPTIONS in the
// POST body and DOMAIN, PROTOCOL, LANG, APP_SID in the query string. Each
// value is taken from the body if there, else from the query. A request
// without AUTH_ID, member_id or a plain host name in DOMAIN is refused with
// an error matching ErrBadAppRequest.
//
// Docs: https://apidocs.bitrix24.com/settings/oauth/simple-way.html,
// https://apidocs.bitrix24.com/api-reference/widgets/placements.html
func ParseAppPage(r *http.Request) (*AppPage, error) {
	if err := parseAppForm(r); err != nil {
		return nil, err
	}
	f := r.Form // body values first, then the query
	p := &AppPage{
		Domain:           strings.ToLower(f.Get("DOMAIN")),
		Lang:             f.Get("LANG"),
		AppSID:           f.Get("APP_SID"),
		Placement:        f.Get("PLACEMENT"),
		PlacementOptions: f.Get("PLACEMENT_OPTIONS"),
	}
	if p.Placement == "" {
		p.Placement = "DEFAULT"
	}
	scheme := "https"
	switch f.Get("PROTOCOL") {
	case "", "1":
	case "0":
		scheme = "http"
	default:
		return nil, badApp("PROTOCOL is neither 0 nor 1")
	}
	u, err := url.Parse(scheme + "://" + p.Domain + "/")
	if p.Domain == "" || err != nil || u.Host != p.Domain || u.User != nil || u.Hostname() == "" {
		return nil, badApp("DOMAIN is not a host name")
	}
	p.PortalURL = scheme + "://" + p.Domain + "/"
	p.Auth = sonet.Token{
		AccessToken:    f.Get("AUTH_ID"),
		RefreshToken:   f.Get("REFRESH_ID"),
		Domain:         p.Domain,
		ServerEndpoint: f.Get("SERVER_ENDPOINT"),
		ClientEndpoint: p.PortalURL + "rest/",
		MemberID:       f.Get("member_id"),
		Scope:          f.Get("APPLICATION_SCOPE"),
		Status:         f.Get("status"),
	}
	if p.Auth.AccessToken == "" || p.Auth.MemberID == "" {
		return nil, badApp("no AUTH_ID or member_id")
	}
	if p.Auth.ExpiresIn, p.Auth.Expires, err = formLifetime(f, "AUTH_EXPIRES", time.Now()); err != nil {
		return nil, badApp(err.Error())
	}
	return p, nil
}

// NewClientFromAppPage returns a client that calls the page's portal with
// the page's access token, for the user looking at the page. It does not
// refresh; see sonet.NewOAuthAppClient.
//
// Docs: https://apidocs.bitrix24.com/settings/oauth/simple-way.html
func NewClientFromAppPage(p *AppPage, opts ...sonet.Option) (*sonet.Client, error) {
	if p == nil {
		return nil, &sonet.ValidationError{Field: "AppPage", Reason: "nil"}
	}
	return sonet.NewOAuthClient(p.PortalURL, p.Auth.AccessToken, opts...)
}
