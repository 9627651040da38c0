package sonet

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"
	"sync"
)

// credentials places authentication on a call. A webhook puts its code in
// the URL path; an OAuth token travels as the auth parameter. The OAuth
// refresh (token store, single flight) plugs in behind refresh.
type credentials interface {
	// endpoint returns the URL a method is POSTed to.
	endpoint(method string) string
	// token returns the value of the auth parameter, or "" for none.
	token(ctx context.Context) (string, error)
	// refresh is called after the portal answered expired_token to a call
	// made with stale. It reports whether the call should be made again
	// with the token now current.
	refresh(ctx context.Context, stale string) (bool, error)
	// secrets returns every credential string, for redaction.
	secrets() []string
	// kind names the credentials for String and logs.
	kind() string
	// host is the portal's host name.
	host() string
}

// The credential types keep their secrets behind a pointer: fmt prints a
// nested pointer as an address, so even a mistaken Printf("%s", *client)
// (which fmt answers by dumping the value) shows no secret.

// webhookAuth is an incoming webhook: https://portal/rest/USER_ID/CODE/.
type webhookAuth struct {
	prefix string // scheme://host/rest/USER_ID/, without the code
	sec    *webhookSecret
	hst    string
}

type webhookSecret struct{ code string }

func (w *webhookAuth) endpoint(method string) string {
	return w.prefix + w.sec.code + "/" + method
}
func (w *webhookAuth) token(context.Context) (string, error)         { return "", nil }
func (w *webhookAuth) refresh(context.Context, string) (bool, error) { return false, nil }
func (w *webhookAuth) secrets() []string                             { return []string{w.sec.code} }
func (w *webhookAuth) kind() string                                  { return "webhook" }
func (w *webhookAuth) host() string                                  { return w.hst }

// oauthAuth is an OAuth access token sent as the auth parameter to
// https://portal/rest/METHOD. Without a refresher an expired token is final;
// with one (NewOAuthAppClient) the refresher owns the current token.
type oauthAuth struct {
	base string // scheme://host/rest/
	hst  string

	mu        sync.Mutex
	sec       *oauthSecret
	refresher tokenRefresher // nil: no automatic refresh
}

type oauthSecret struct {
	access string
	extra  []string // further secrets to redact
}

// tokenRefresher obtains a new access token after stale expired. It is the
// seam where the OAuth refresh flow (oauth_refresh.go) plugs in.
type tokenRefresher interface {
	// refreshToken returns the access token to use instead of stale:
	// one a concurrent caller or another process already obtained, or a
	// new one from the authorization server.
	refreshToken(ctx context.Context, stale string) (access string, err error)
	// current returns the newest access token the refresher knows.
	current() string
	secrets() []string
}

func (o *oauthAuth) endpoint(method string) string { return o.base + method }

func (o *oauthAuth) token(context.Context) (string, error) {
	if o.refresher != nil {
		// The refresher is the one source of truth: a slow caller of an
		// earlier refresh can never put back an older token.
		return o.refresher.current(), nil
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.sec.access, nil
}

func (o *oauthAuth) refresh(ctx context.Context, stale string) (bool, error) {
	if o.refresher == nil {
		return false, nil
	}
	access, err := o.refresher.refreshToken(ctx, stale)
	if err != nil {
		return false, err
	}
	o.mu.Lock()
	o.sec.access = access
	o.mu.Unlock()
	return true, nil
}

func (o *oauthAuth) secrets() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	s := append([]string{o.sec.access}, o.sec.extra...)
	if o.refresher != nil {
		s = append(s, o.refresher.secrets()...)
	}
	// A token travels form-escaped; an echo of the body shows it so.
	for _, sec := range s {
		if e := formEscape(sec); e != sec {
			s = append(s, e)
		}
	}
	return s
}

func (o *oauthAuth) kind() string { return "oauth" }
func (o *oauthAuth) host() string { return o.hst }

var (
	webhookPath = regexp.MustCompile(`^/rest/([0-9]+)/([A-Za-z0-9_-]+)/?$`)
	oauthPath   = regexp.MustCompile(`^(/rest)?/?$`)
	tokenChars  = regexp.MustCompile(`^[A-Za-z0-9._~+/=-]+$`)
)

// errURL builds URL errors that never quote the URL: it holds the secret.
func errURL(what, reason string) error {
	return &ValidationError{Field: what, Reason: reason}
}

// parsePortalURL parses and checks scheme and host; it never echoes the URL.
func parsePortalURL(what, raw string, allowHTTP bool) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, errURL(what, "empty")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errURL(what, "not a URL")
	}
	if u.Host == "" {
		return nil, errURL(what, "no host (want https://portal.example/...)")
	}
	if u.User != nil {
		return nil, errURL(what, "user info is not allowed in the URL")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, errURL(what, "query or fragment is not allowed in the URL")
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !allowHTTP && !isLoopback(u.Hostname()) {
			return nil, errURL(what, "plain http is allowed only for loopback hosts; use https")
		}
	default:
		return nil, errURL(what, fmt.Sprintf("scheme %q: want https", u.Scheme))
	}
	return u, nil
}

// isLoopback reports whether host is localhost or a loopback IP address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func newWebhookAuth(raw string, allowHTTP bool) (*webhookAuth, error) {
	u, err := parsePortalURL("webhook URL", raw, allowHTTP)
	if err != nil {
		return nil, err
	}
	m := webhookPath.FindStringSubmatch(u.EscapedPath())
	if m == nil {
		switch {
		case !strings.HasPrefix(u.Path, "/rest/"):
			return nil, errURL("webhook URL", "path must start with /rest/ (want https://portal.example/rest/USER_ID/CODE/)")
		default:
			return nil, errURL("webhook URL", "path must be /rest/USER_ID/CODE/ with a numeric user ID and a webhook code")
		}
	}
	return &webhookAuth{
		prefix: u.Scheme + "://" + u.Host + "/rest/" + m[1] + "/",
		sec:    &webhookSecret{code: m[2]},
		hst:    u.Hostname(),
	}, nil
}

func newOAuthAuth(portal, access string, allowHTTP bool) (*oauthAuth, error) {
	u, err := parsePortalURL("portal URL", portal, allowHTTP)
	if err != nil {
		return nil, err
	}
	if !oauthPath.MatchString(u.Path) {
		return nil, errURL("portal URL", "path must be empty or /rest/ (the client_endpoint of the token answer)")
	}
	if err := checkToken("access token", access); err != nil {
		return nil, err
	}
	return &oauthAuth{base: u.Scheme + "://" + u.Host + "/rest/", hst: u.Hostname(), sec: &oauthSecret{access: access}}, nil
}

func checkToken(what, tok string) error {
	if tok == "" {
		return errURL(what, "empty")
	}
	if !tokenChars.MatchString(tok) {
		return errURL(what, "contains characters a token never has")
	}
	return nil
}

// redactor replaces every secret in s by "[REDACTED]".
func redactor(secrets []string) func(string) string {
	return func(s string) string {
		for _, sec := range secrets {
			if len(sec) >= 4 && strings.Contains(s, sec) {
				s = strings.ReplaceAll(s, sec, "[REDACTED]")
			}
		}
		return s
	}
}

// redactError returns err with every secret removed from its text, keeping
// errors.Is and errors.As working on the cause. A *url.Error (which quotes
// the request URL, webhook code included) that still holds a secret is
// replaced in the chain by a clean copy, so that unwrapping it cannot reveal
// the secret either; a chain whose *url.Error is already clean is kept whole.
func redactError(err error, redact func(string) string) error {
	if err == nil {
		return nil
	}
	var ue *url.Error
	if errors.As(err, &ue) && (redact(ue.URL) != ue.URL || (ue.Err != nil && redact(ue.Err.Error()) != ue.Err.Error())) {
		clean := *ue
		clean.URL = redact(ue.URL)
		if ue.Err != nil {
			clean.Err = &redacted{msg: redact(ue.Err.Error()), err: ue.Err}
		}
		return &redacted{msg: redact(err.Error()), err: &clean}
	}
	return &redacted{msg: redact(err.Error()), err: err}
}

type redacted struct {
	msg string
	err error
}

func (r *redacted) Error() string { return r.msg }
func (r *redacted) Unwrap() error { return r.err }
