package sonetapp

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// EventName is the name of a portal event as handlers receive it, upper
// case ("ONSONETGROUPADD"); the docs write it onSonetGroupAdd.
type EventName string

// Group events. Subscribe to them with event.bind (see NewEventHandler).
const (
	// EventGroupAdd fires after a group or project was created.
	// Docs: https://apidocs.bitrix24.com/api-reference/sonet-group/events/on-sonet-group-add.html
	EventGroupAdd EventName = "ONSONETGROUPADD"
	// EventGroupUpdate fires after a group or project was changed.
	// Docs: https://apidocs.bitrix24.com/api-reference/sonet-group/events/on-sonet-group-update.html
	EventGroupUpdate EventName = "ONSONETGROUPUPDATE"
	// EventGroupDelete fires when a group or project is deleted.
	// Docs: https://apidocs.bitrix24.com/api-reference/sonet-group/events/on-sonet-group-delete.html
	EventGroupDelete EventName = "ONSONETGROUPDELETE"
)

// MaxEventBytes is the largest event body ParseGroupEvent reads (1 MiB); a
// group event is a few hundred bytes.
const MaxEventBytes = 1 << 20

var (
	// ErrEventTokenMismatch: the request's auth[application_token] is
	// missing, empty, sent twice or not the expected token, or no token was
	// expected at all. The request must not be trusted.
	ErrEventTokenMismatch = errors.New("sonetapp: event: application token mismatch")
	// ErrBadEvent matches every malformed event request (wrong HTTP method,
	// body too large or not a form, unknown event, missing group ID...).
	ErrBadEvent = errors.New("sonetapp: event: bad request")
	// ErrUnknownEvent: the event is not one of the group events. It also
	// matches ErrBadEvent.
	ErrUnknownEvent = errors.New("sonetapp: event: not a group event")
	// ErrEventTooLarge: the body is larger than MaxEventBytes. It also
	// matches ErrBadEvent.
	ErrEventTooLarge = errors.New("sonetapp: event: body too large")
)

type eventError struct {
	reason string
	kinds  []error
}

func (e *eventError) Error() string   { return "sonetapp: event: " + e.reason }
func (e *eventError) Unwrap() []error { return e.kinds }

func badEvent(format string, a ...any) error {
	return &eventError{reason: fmt.Sprintf(format, a...), kinds: []error{ErrBadEvent}}
}

// GroupEvent is a group event as the portal POSTs it to a handler.
type GroupEvent struct {
	Name EventName
	// HandlerID is event_handler_id: the subscription that fired.
	HandlerID int
	// GroupID is data[FIELDS][ID], the group added, changed or deleted.
	GroupID int
	// Time is ts: when the portal's event queue sent the event (UTC).
	Time time.Time
	Auth EventAuth
}

// LogValue implements slog.LogValuer; no token is logged.
func (e GroupEvent) LogValue() slog.Value {
	return slog.GroupValue(slog.String("event", string(e.Name)), slog.Int("handler_id", e.HandlerID),
		slog.Int("group_id", e.GroupID), slog.Time("ts", e.Time), slog.Any("auth", e.Auth))
}

// EventAuth is the auth block of an event. The three tokens are secrets:
// String, GoString and LogValue show only whether each one is set. Access
// and refresh tokens are missing when no user caused the event; the docs
// advise keeping the tokens from the app's installation for that case.
type EventAuth struct {
	// Domain is the portal's address (some-domain.bitrix24.com).
	Domain string
	// MemberID is the portal's stable ID; use it to pick the expected
	// application token when one handler serves several portals.
	MemberID string
	// ApplicationToken identifies the app (or outgoing webhook); it was
	// checked by ParseGroupEvent.
	ApplicationToken string
	AccessToken      string
	RefreshToken     string
	// ExpiresIn is the access token's lifetime (sent in seconds).
	ExpiresIn time.Duration
	// Scope is the scope the event belongs to ("sonet").
	Scope string
	// Status is the app's status: L local, F free, D demo, T trial, P paid.
	Status string
	// ServerEndpoint is the OAuth server's REST base; ClientEndpoint the
	// portal's (https://some-domain.bitrix24.com/rest/).
	ServerEndpoint string
	ClientEndpoint string
}

func presence(s string) string {
	if s == "" {
		return "absent"
	}
	return "set"
}

// String describes the block without its tokens.
func (a EventAuth) String() string {
	return fmt.Sprintf("sonetapp.EventAuth{domain: %q, member_id: %q, scope: %q, status: %q, client_endpoint: %q, "+
		"server_endpoint: %q, expires_in: %s, access_token: %s, refresh_token: %s, application_token: %s}",
		a.Domain, a.MemberID, a.Scope, a.Status, a.ClientEndpoint, a.ServerEndpoint, a.ExpiresIn,
		presence(a.AccessToken), presence(a.RefreshToken), presence(a.ApplicationToken))
}

// GoString is String: %#v must not print tokens either.
func (a EventAuth) GoString() string { return a.String() }

// LogValue implements slog.LogValuer without the tokens.
func (a EventAuth) LogValue() slog.Value {
	return slog.GroupValue(slog.String("domain", a.Domain), slog.String("member_id", a.MemberID),
		slog.String("scope", a.Scope), slog.String("status", a.Status), slog.String("client_endpoint", a.ClientEndpoint),
		slog.Duration("expires_in", a.ExpiresIn), slog.String("access_token", presence(a.AccessToken)),
		slog.String("refresh_token", presence(a.RefreshToken)), slog.String("application_token", presence(a.ApplicationToken)))
}

// ParseGroupEvent reads a group event from the request the portal POSTed to
// the app's handler: an application/x-www-form-urlencoded body in PHP
// bracket syntax (event, event_handler_id, data[FIELDS][ID], ts,
// auth[...]); the JSON in the docs is only a rendering of it.
//
// The request is trusted only if its auth[application_token] equals
// applicationToken, the token the app received with ONAPPINSTALL (or the
// "Application token" of an outgoing webhook). The comparison takes constant
// time. A missing, empty, repeated or different token, and an empty
// applicationToken, give an error matching ErrEventTokenMismatch and no
// event; the token is checked before anything else in the body is looked at.
//
// Other failures match ErrBadEvent: a method other than POST, another
// content type, a body over MaxEventBytes (also ErrEventTooLarge), an event
// other than the three group events (also ErrUnknownEvent), a missing or
// non-positive group ID, a malformed or repeated field. Event names are
// compared without regard to case. Query-string parameters are ignored.
//
// Docs: https://apidocs.bitrix24.com/api-reference/sonet-group/events/index.html,
// https://apidocs.bitrix24.com/api-reference/events/safe-event-handlers.html
func ParseGroupEvent(r *http.Request, applicationToken string) (*GroupEvent, error) {
	if r == nil {
		return nil, badEvent("nil request")
	}
	if r.Method != http.MethodPost {
		return nil, badEvent("method %s, want POST", r.Method)
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/x-www-form-urlencoded" {
			return nil, badEvent("content type %.60q, want application/x-www-form-urlencoded", ct)
		}
	}
	if r.Body == nil {
		return nil, badEvent("no body")
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxEventBytes+1))
	if err != nil {
		return nil, badEvent("reading the body: %v", err)
	}
	if len(body) > MaxEventBytes {
		return nil, &eventError{reason: fmt.Sprintf("body larger than %d bytes", MaxEventBytes), kinds: []error{ErrEventTooLarge, ErrBadEvent}}
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, badEvent("body is not a form")
	}
	got := form["auth[application_token]"]
	if applicationToken == "" || len(got) != 1 || !tokenEqual(got[0], applicationToken) {
		return nil, &eventError{reason: "auth[application_token] is not the application's token", kinds: []error{ErrEventTokenMismatch}}
	}
	return readGroupEvent(form)
}

// tokenEqual compares in constant time, also over the lengths (both sides
// are hashed first).
func tokenEqual(got, want string) bool {
	g, w := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(want))
	return got != "" && subtle.ConstantTimeCompare(g[:], w[:]) == 1
}

func readGroupEvent(form url.Values) (*GroupEvent, error) {
	field := func(key string) (string, error) {
		v := form[key]
		if len(v) > 1 {
			return "", badEvent("%s sent %d times", key, len(v))
		}
		if len(v) == 0 {
			return "", nil
		}
		return v[0], nil
	}
	number := func(key string) (int64, error) {
		s, err := field(key)
		if err != nil || s == "" {
			return 0, err
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			return 0, badEvent("%s is not a non-negative integer", key)
		}
		return n, nil
	}
	var ev GroupEvent
	name, err := field("event")
	if err != nil {
		return nil, err
	}
	ev.Name = EventName(strings.ToUpper(strings.TrimSpace(name)))
	switch ev.Name {
	case EventGroupAdd, EventGroupUpdate, EventGroupDelete:
	default:
		return nil, &eventError{reason: fmt.Sprintf("event %.60q is not a group event", name), kinds: []error{ErrUnknownEvent, ErrBadEvent}}
	}
	id, err := number("data[FIELDS][ID]")
	if err != nil {
		return nil, err
	}
	if id <= 0 || int64(int(id)) != id {
		return nil, badEvent("data[FIELDS][ID] is missing or not a group ID")
	}
	ev.GroupID = int(id)
	hid, err := number("event_handler_id")
	if err != nil {
		return nil, err
	}
	ev.HandlerID = int(hid)
	ts, err := number("ts")
	if err != nil {
		return nil, err
	}
	if ts > 0 {
		ev.Time = time.Unix(ts, 0).UTC()
	}
	exp, err := number("auth[expires_in]")
	if err != nil {
		return nil, err
	}
	ev.Auth.ExpiresIn = time.Duration(exp) * time.Second
	// In a fixed order (not a map's): with several bad fields the error
	// names the same one every time.
	for _, f := range []struct {
		key string
		dst *string
	}{
		{"auth[domain]", &ev.Auth.Domain}, {"auth[member_id]", &ev.Auth.MemberID},
		{"auth[application_token]", &ev.Auth.ApplicationToken}, {"auth[access_token]", &ev.Auth.AccessToken},
		{"auth[refresh_token]", &ev.Auth.RefreshToken}, {"auth[scope]", &ev.Auth.Scope}, {"auth[status]", &ev.Auth.Status},
		{"auth[server_endpoint]", &ev.Auth.ServerEndpoint}, {"auth[client_endpoint]", &ev.Auth.ClientEndpoint},
	} {
		if *f.dst, err = field(f.key); err != nil {
			return nil, err
		}
	}
	return &ev, nil
}

// NewEventHandler returns an http.Handler for group events. Each request is
// read by ParseGroupEvent with applicationToken; a trusted event is passed
// to fn with the request's context. Answers carry no detail and never echo
// the request:
//
//   - 200 when fn returned nil;
//   - 403 when the token does not match (ErrEventTokenMismatch): fn is not
//     called, and with an empty applicationToken every request gets 403;
//   - 405 for a method other than POST, 413 for a body over MaxEventBytes,
//     400 for any other malformed request;
//   - 500 when fn returned an error.
//
// The portal's queue does not repeat an event its handler failed or
// answered slowly, and quick successive changes can each send an event, so
// fn should be quick and idempotent (offline events, event.offline.*, are
// the docs' answer when no event may be lost).
//
// Register the handler's public https URL from the app, once, with the raw
// call event.bind (scope of the event: sonet); events reach it once the
// app's installation is finalised:
//
//	for _, ev := range []sonetapp.EventName{sonetapp.EventGroupAdd, sonetapp.EventGroupUpdate, sonetapp.EventGroupDelete} {
//		_, err := c.Call(ctx, "event.bind", map[string]any{
//			"event":   string(ev),
//			"handler": "https://app.example/events",
//		}, nil)
//		...
//	}
//
// An outgoing webhook configured in the portal works the same way; its
// "Application token" is the token to check.
//
// Docs: https://apidocs.bitrix24.com/api-reference/events/event-bind.html,
// https://apidocs.bitrix24.com/api-reference/events/safe-event-handlers.html
func NewEventHandler(applicationToken string, fn func(ctx context.Context, ev *GroupEvent) error) http.Handler {
	if fn == nil {
		panic("sonetapp: NewEventHandler called with a nil function")
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
			return
		}
		ev, err := ParseGroupEvent(r, applicationToken)
		status := http.StatusOK
		switch {
		case errors.Is(err, ErrEventTokenMismatch):
			status = http.StatusForbidden
		case errors.Is(err, ErrEventTooLarge):
			status = http.StatusRequestEntityTooLarge
		case err != nil:
			status = http.StatusBadRequest
		default:
			if fn(r.Context(), ev) != nil {
				status = http.StatusInternalServerError
			}
		}
		if status != http.StatusOK {
			http.Error(w, http.StatusText(status), status)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}
