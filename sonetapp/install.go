package sonetapp

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/b24kit/sonet"
)

// ErrBadAppRequest matches every error of ParseInstallEvent and
// ParseAppPage for a request that is not what Bitrix24 sends. Those of
// ParseInstallEvent also match ErrBadEvent, as for the other events.
var ErrBadAppRequest = errors.New("sonetapp: not a Bitrix24 application request")

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
// Docs: https://apidocs.bitrix24.com/api-reference/common/events/on-app-install.html,
// https://apidocs.bitrix24.com/settings/oauth/simple-way.html
type InstallEvent struct {
	// Event is "ONAPPINSTALL".
	Event string
	// Version is data[VERSION], the installed version ("1" or "1.0.0").
	Version string
	// LanguageID is data[LANGUAGE_ID].
	LanguageID string
	// Active and Installed are data[ACTIVE] and data[INSTALLED]; Unset when
	// the portal did not send them.
	Active, Installed sonet.Flag
	// Time is ts, when the event left the portal's queue.
	Time time.Time
	// Domain is auth[domain], the portal's address.
	Domain string
	// Auth is the auth block as a Token. Its AccessToken and RefreshToken
	// are empty when the event came without them (the docs allow this for
	// handlers bound with event.bind).
	Auth sonet.Token
	// ApplicationToken is auth[application_token]. Store it: later events
	// carry the same value and must be checked against it.
	ApplicationToken string
}

// String describes the event without its tokens.
func (e InstallEvent) String() string {
	return fmt.Sprintf("sonetapp.InstallEvent{event: %s, domain: %s, member_id: %s, version: %s, auth: %s, application_token: %s}",
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
// Docs: https://apidocs.bitrix24.com/api-reference/common/events/on-app-install.html
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
		Auth: sonet.Token{
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

func formFlag(f url.Values, key string) (sonet.Flag, error) {
	switch strings.ToUpper(f.Get(key)) {
	case "":
		return sonet.Unset, nil
	case "Y":
		return sonet.Yes, nil
	case "N":
		return sonet.No, nil
	}
	return sonet.Unset, errors.New(key + " is neither Y nor N")
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
// the hour, store ev.Auth in a sonet.TokenStore and use sonet.NewOAuthAppClient.
//
// Docs: https://apidocs.bitrix24.com/settings/oauth/simple-way.html
func NewClientFromInstall(ev *InstallEvent, opts ...sonet.Option) (*sonet.Client, error) {
	if ev == nil {
		return nil, &sonet.ValidationError{Field: "InstallEvent", Reason: "nil"}
	}
	if ev.Auth.AccessToken == "" || ev.Auth.ClientEndpoint == "" {
		return nil, &sonet.ValidationError{Field: "InstallEvent", Reason: "the event carried no access token or client_endpoint"}
	}
	return sonet.NewOAuthClient(ev.Auth.ClientEndpoint, ev.Auth.AccessToken, opts...)
}

// redactedOrEmpty shows whether a secret is set without showing it.
func redactedOrEmpty(s string) string {
	if s == "" {
		return `""`
	}
	return "[REDACTED]"
}
