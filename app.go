package sonet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// TokenStore keeps an application's token pair for one portal, where every
// process of the application can read it. NewOAuthAppClient loads the pair
// from it and hands it each rotated pair.
//
// CompareAndSwap stores next only if the stored pair still has the
// AccessToken and RefreshToken of old, and reports whether it did; it is
// what lets several processes share one grant and refresh it once (a SQL
// "UPDATE … WHERE access_token = ? AND refresh_token = ?" is enough).
// Implementations must be safe for concurrent use. A store shared by
// several processes should also implement RefreshLocker.
type TokenStore interface {
	Load(ctx context.Context) (Token, error)
	CompareAndSwap(ctx context.Context, old, next Token) (swapped bool, err error)
}

// MemoryTokenStore is a TokenStore in memory, for one process (and tests).
// It prints without the tokens.
type MemoryTokenStore struct {
	st *memoryState // behind a pointer: copies share it and print an address
}

type memoryState struct {
	mu  sync.Mutex
	tok Token
}

// NewMemoryTokenStore returns a store holding t.
func NewMemoryTokenStore(t Token) *MemoryTokenStore {
	return &MemoryTokenStore{st: &memoryState{tok: t}}
}

// Load returns the stored pair.
func (m *MemoryTokenStore) Load(context.Context) (Token, error) {
	m.st.mu.Lock()
	defer m.st.mu.Unlock()
	return m.st.tok, nil
}

// CompareAndSwap stores next if the stored pair has old's tokens.
func (m *MemoryTokenStore) CompareAndSwap(_ context.Context, old, next Token) (bool, error) {
	m.st.mu.Lock()
	defer m.st.mu.Unlock()
	if m.st.tok.AccessToken != old.AccessToken || m.st.tok.RefreshToken != old.RefreshToken {
		return false, nil
	}
	m.st.tok = next
	return true, nil
}

// String describes the store without the tokens.
func (m MemoryTokenStore) String() string { return "sonet.MemoryTokenStore{token: [REDACTED]}" }

// GoString is String.
func (m MemoryTokenStore) GoString() string { return m.String() }

// ErrBadAppRequest matches every error of ParseInstallEvent and
// ParseAppPage for a request that is not what Bitrix24 sends. Those of
// ParseInstallEvent also match ErrBadEvent, as for the other events.
var ErrBadAppRequest = errors.New("sonet: not a Bitrix24 application request")

func badApp(reason string) error { return fmt.Errorf("%w: %s", ErrBadAppRequest, reason) }

// badInstall is a refused install event: it matches ErrBadAppRequest and
// ErrBadEvent.
func badInstall(reason string) error {
	return &eventError{reason: "install: " + reason, kinds: []error{ErrBadAppRequest, ErrBadEvent}}
}

// maxAppForm caps the form read from an install event or an app page.
const maxAppForm = 1 << 20

// parseAppForm reads the request's query and urlencoded body.
func parseAppForm(r *http.Request) error {
	if r == nil {
		return badApp("nil request")
	}
	if r.Body != nil {
		r.Body = http.MaxBytesReader(nil, r.Body, maxAppForm)
	}
	if err := r.ParseForm(); err != nil {
		return badApp("unreadable form")
	}
	return nil
}

// InstallEvent is the ONAPPINSTALL event Bitrix24 POSTs to an application's
// installation handler: the one event that carries a refresh token, and the
// moment the application learns its application_token. It prints without
// tokens.
//
// Docs: api-reference/common/events/on-app-install.md, settings/oauth/simple-way.md
type InstallEvent struct {
	// Event is "ONAPPINSTALL".
	Event string
	// Version is data[VERSION], the installed version ("1" or "1.0.0").
	Version string
	// LanguageID is data[LANGUAGE_ID].
	LanguageID string
	// Active and Installed are data[ACTIVE] and data[INSTALLED]; Unset when
	// the portal did not send them.
	Active, Installed Flag
	// Time is ts, when the event left the portal's queue.
	Time time.Time
	// Domain is auth[domain], the portal's address.
	Domain string
	// Auth is the auth block as a Token. Its AccessToken and RefreshToken
	// are empty when the event came without them (the docs allow this for
	// handlers bound with event.bind).
	Auth Token
	// ApplicationToken is auth[application_token]. Store it: later events
	// carry the same value and must be checked against it.
	ApplicationToken string
}

// String describes the event without its tokens.
func (e InstallEvent) String() string {
	return fmt.Sprintf("sonet.InstallEvent{event: %s, domain: %s, member_id: %s, version: %s, auth: %s, application_token: %s}",
		e.Event, e.Domain, e.Auth.MemberID, e.Version, e.Auth, redactedOrEmpty(e.ApplicationToken))
}

// GoString is String.
func (e InstallEvent) GoString() string { return e.String() }

// LogValue implements slog.LogValuer without the tokens.
func (e InstallEvent) LogValue() slog.Value {
	return slog.GroupValue(slog.String("event", e.Event), slog.String("domain", e.Domain), slog.String("member_id", e.Auth.MemberID))
}

// ParseInstallEvent reads the ONAPPINSTALL event from the request Bitrix24
// POSTs (application/x-www-form-urlencoded, keys such as
// auth[access_token]) to the application's installation handler.
//
// applicationToken is the application_token the application has stored for
// this portal. ONAPPINSTALL is where the application learns it, so on a
// first install there is none yet: pass "" to accept the event and store its
// ApplicationToken (anyone who knows the handler's URL can then post one:
// keep that URL private). Pass the stored value on a reinstall: it is
// compared in constant time, and a missing, repeated or different token is
// an error matching ErrEventTokenMismatch, checked before anything else in
// the body. Other refusals (not a POST, not ONAPPINSTALL, no
// application_token, member_id or domain, a malformed field) match
// ErrBadAppRequest and ErrBadEvent. No error quotes a value from the
// request. Only the body is read, never the query string.
//
// Docs: api-reference/common/events/on-app-install.md
func ParseInstallEvent(r *http.Request, applicationToken string) (*InstallEvent, error) {
	if r != nil && r.Method != http.MethodPost {
		return nil, badInstall("method is not POST")
	}
	if err := parseAppForm(r); err != nil {
		return nil, badInstall(strings.TrimPrefix(err.Error(), ErrBadAppRequest.Error()+": "))
	}
	f := r.PostForm
	tokens := f["auth[application_token]"]
	if applicationToken != "" && (len(tokens) != 1 || !tokenEqual(tokens[0], applicationToken)) {
		return nil, &eventError{reason: "install: auth[application_token] is not the application's token", kinds: []error{ErrEventTokenMismatch}}
	}
	if !strings.EqualFold(f.Get("event"), "ONAPPINSTALL") {
		return nil, badInstall("not an ONAPPINSTALL event")
	}
	if len(tokens) != 1 || tokens[0] == "" {
		return nil, badInstall("no single auth[application_token]")
	}
	got := tokens[0]
	ev := &InstallEvent{
		Event:            strings.ToUpper(f.Get("event")),
		Version:          f.Get("data[VERSION]"),
		LanguageID:       f.Get("data[LANGUAGE_ID]"),
		Domain:           f.Get("auth[domain]"),
		ApplicationToken: got,
		Auth: Token{
			AccessToken:    f.Get("auth[access_token]"),
			RefreshToken:   f.Get("auth[refresh_token]"),
			Domain:         f.Get("auth[domain]"),
			ServerEndpoint: f.Get("auth[server_endpoint]"),
			ClientEndpoint: f.Get("auth[client_endpoint]"),
			MemberID:       f.Get("auth[member_id]"),
			Scope:          f.Get("auth[scope]"),
			Status:         f.Get("auth[status]"),
		},
	}
	if ev.Auth.MemberID == "" || ev.Domain == "" {
		return nil, badInstall("no auth[member_id] or auth[domain]")
	}
	var err error
	if ev.Active, err = formFlag(f, "data[ACTIVE]"); err != nil {
		return nil, badInstall(err.Error())
	}
	if ev.Installed, err = formFlag(f, "data[INSTALLED]"); err != nil {
		return nil, badInstall(err.Error())
	}
	if ts := f.Get("ts"); ts != "" {
		n, err := strconv.ParseInt(ts, 10, 64)
		if err != nil || n <= 0 {
			return nil, badInstall("ts is not a unix time")
		}
		ev.Time = time.Unix(n, 0)
	}
	from := ev.Time
	if from.IsZero() {
		from = time.Now()
	}
	if ev.Auth.ExpiresIn, ev.Auth.Expires, err = formLifetime(f, "auth[expires_in]", from); err != nil {
		return nil, badInstall(err.Error())
	}
	return ev, nil
}

func formFlag(f url.Values, key string) (Flag, error) {
	switch strings.ToUpper(f.Get(key)) {
	case "":
		return Unset, nil
	case "Y":
		return Yes, nil
	case "N":
		return No, nil
	}
	return Unset, errors.New(key + " is neither Y nor N")
}

func formLifetime(f url.Values, key string, from time.Time) (time.Duration, time.Time, error) {
	s := f.Get(key)
	if s == "" {
		return 0, time.Time{}, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 1<<31 {
		return 0, time.Time{}, errors.New(key + " is not a number of seconds")
	}
	d := time.Duration(n) * time.Second
	return d, from.Add(d), nil
}

// NewClientFromInstall returns a client that calls the portal of an install
// event with its access token. It does not refresh: to keep working past
// the hour, store ev.Auth in a TokenStore and use NewOAuthAppClient.
//
// Docs: settings/oauth/simple-way.md
func NewClientFromInstall(ev *InstallEvent, opts ...Option) (*Client, error) {
	if ev == nil {
		return nil, &ValidationError{Field: "InstallEvent", Reason: "nil"}
	}
	if ev.Auth.AccessToken == "" || ev.Auth.ClientEndpoint == "" {
		return nil, &ValidationError{Field: "InstallEvent", Reason: "the event carried no access token or client_endpoint"}
	}
	return NewOAuthClient(ev.Auth.ClientEndpoint, ev.Auth.AccessToken, opts...)
}

// AppPage is what Bitrix24 sends when it opens the application's page (or
// one of its widgets) in a frame: the portal and a token pair for the user
// looking at it. Nothing in it is signed: before trusting MemberID or
// Domain for anything but calling the portal with these very tokens, check
// them (an app.info call with the token answers only on the real portal).
// It prints without tokens.
//
// Docs: settings/oauth/simple-way.md, api-reference/widgets/placements.md
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
	Auth Token
	// Placement is PLACEMENT ("DEFAULT" for the application's own page).
	Placement string
	// PlacementOptions is PLACEMENT_OPTIONS, a JSON text ("" when absent);
	// decode it with DecodePlacementOptions.
	PlacementOptions string
}

// String describes the page without its tokens.
func (p AppPage) String() string {
	return fmt.Sprintf("sonet.AppPage{domain: %s, placement: %s, auth: %s}", p.Domain, p.Placement, p.Auth)
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
// Docs: settings/oauth/simple-way.md, api-reference/widgets/placements.md
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
	p.Auth = Token{
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
// refresh; see NewOAuthAppClient.
//
// Docs: settings/oauth/simple-way.md
func NewClientFromAppPage(p *AppPage, opts ...Option) (*Client, error) {
	if p == nil {
		return nil, &ValidationError{Field: "AppPage", Reason: "nil"}
	}
	return NewOAuthClient(p.PortalURL, p.Auth.AccessToken, opts...)
}
