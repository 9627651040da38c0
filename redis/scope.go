package sonetredis

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/b24kit/sonet"
)

// ErrUnavailable is matched by the errors of calls that could not reach
// Redis (or whose script failed there).
var ErrUnavailable = errors.New("sonetredis: redis unavailable")

// Scope names the keys of one portal and one credential. Make it with
// WebhookScope or AppScope.
type Scope struct {
	// Prefix starts every key ("sonet" when empty).
	Prefix string
	// Portal is the portal's host name, "portal.bitrix24.com".
	Portal string
	// Kind is "webhook" or "app".
	Kind string
	// ID is the webhook's user ID or the application's client ID: public
	// names, never a secret.
	ID string
}

// WebhookScope is the scope of an incoming webhook of user userID on
// portal (its host name, as in https://portal/rest/USER_ID/CODE/): the
// webhook's code is deliberately not part of it.
func WebhookScope(portal string, userID int) Scope {
	return Scope{Portal: portal, Kind: "webhook", ID: strconv.Itoa(userID)}
}

// AppScope is the scope of an OAuth application with client ID clientID
// ("local.…" or "app.…", public) on portal (its host name).
func AppScope(portal, clientID string) Scope {
	return Scope{Portal: portal, Kind: "app", ID: clientID}
}

var (
	hostChars   = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?$`)
	idChars     = regexp.MustCompile(`^[A-Za-z0-9._-]{1,100}$`)
	prefixChars = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)
)

func (s Scope) validate() error {
	bad := func(field, reason string) error {
		return &sonet.ValidationError{Field: "Scope." + field, Reason: reason}
	}
	if s.Prefix != "" && !prefixChars.MatchString(s.Prefix) {
		return bad("Prefix", "want 1-64 letters, digits, '.', '_' or '-'")
	}
	if len(s.Portal) > 253 || !hostChars.MatchString(s.Portal) {
		return bad("Portal", "want the portal's host name, like portal.bitrix24.com (no scheme, path or credentials)")
	}
	switch s.Kind {
	case "webhook":
		if n, err := strconv.Atoi(s.ID); err != nil || n < 1 || strconv.Itoa(n) != s.ID {
			return bad("ID", "a webhook is named by its numeric user ID (never its code)")
		}
	case "app":
		if !idChars.MatchString(s.ID) {
			return bad("ID", "want the application's client ID: letters, digits, '.', '_' or '-'")
		}
	default:
		return bad("Kind", fmt.Sprintf("%q: want webhook or app", s.Kind))
	}
	return nil
}

// portalKey is the key prefix shared by every credential of the portal.
func (s Scope) portalKey() string {
	p := s.Prefix
	if p == "" {
		p = "sonet"
	}
	return p + ":{" + strings.ToLower(s.Portal) + "}"
}

// credKey is the key prefix of the credential.
func (s Scope) credKey() string { return s.portalKey() + ":" + s.Kind + ":" + s.ID }

// unavailable wraps a Redis failure.
func unavailable(what string, err error) error {
	return fmt.Errorf("%w: %s: %w", ErrUnavailable, what, err)
}
