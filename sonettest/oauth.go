package sonettest

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"time"
)

// authCodeLifetime is how long an authorization code may be exchanged.
const authCodeLifetime = 30 * time.Second

type token struct {
	user    int
	expires time.Time
	expired bool
}

type oauthState struct {
	access    map[string]*token
	current   string
	refresh   string // the only valid refresh token
	codes     map[string]time.Time
	refreshes int
	memberID  string
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *Server) initOAuth() {
	s.oauth = oauthState{access: map[string]*token{}, codes: map[string]time.Time{}, memberID: randomHex(16)}
	tok := s.cfg.access
	if tok == "" {
		tok = randomHex(16)
	}
	s.issueAccess(tok, s.cfg.now())
	s.oauth.refresh = randomHex(16)
}

func (s *Server) issueAccess(tok string, now time.Time) *token {
	t := &token{user: 1, expires: now.Add(s.cfg.tokenLife)}
	s.oauth.access[tok] = t
	s.oauth.current = tok
	return t
}

// AccessToken returns the newest OAuth access token. Older tokens stay
// valid until they expire.
func (s *Server) AccessToken() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.oauth.current
}

// RefreshToken returns the currently valid refresh token. Each refresh
// replaces it and the old one is then refused with invalid_grant.
func (s *Server) RefreshToken() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.oauth.refresh
}

// ExpireAccessToken makes the current access token answer 401
// expired_token from now on.
func (s *Server) ExpireAccessToken() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.oauth.access[s.oauth.current]; t != nil {
		t.expired = true
	}
}

// AuthorizationCode returns a new single-use authorization code that the
// token endpoint exchanges (grant_type=authorization_code) within 30
// seconds of the server clock.
func (s *Server) AuthorizationCode() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	code := randomHex(12)
	s.oauth.codes[code] = s.cfg.now().Add(authCodeLifetime)
	return code
}

// Refreshes returns how many token grants (refresh or code exchange) the
// token endpoint has made.
func (s *Server) Refreshes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.oauth.refreshes
}

// ClientID returns the OAuth client ID the token endpoint accepts.
func (s *Server) ClientID() string { return s.cfg.clientID }

// ClientSecret returns the OAuth client secret the token endpoint accepts.
func (s *Server) ClientSecret() string { return s.cfg.clientSecret }

// checkToken resolves an access token (from authKey) to a user.
func (s *Server) checkToken(auth string, now time.Time) (int, *apiError) {
	if auth == "" {
		return 0, errNoAuth
	}
	t := s.oauth.access[auth]
	if t == nil {
		return 0, errNoAuth
	}
	if t.expired || !now.Before(t.expires) {
		return 0, errExpired
	}
	return t.user, nil
}

func oauthErr(status int, code, desc string) answer {
	return jsonAnswer(status, encodeJSON(obj{{"error", code}, {"error_description", desc}}))
}

// tokenEndpoint serves /oauth/token/ for refresh_token and
// authorization_code grants.
func (s *Server) tokenEndpoint(p *pnode, rec *Request) answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.cfg.now()
	rec.Time = now
	str := func(k string) string { return leafStr(p.get(k)) }
	grant := str("grant_type")
	if grant != "refresh_token" && grant != "authorization_code" {
		return oauthErr(http.StatusBadRequest, "invalid_request", "Unsupported or missing grant_type")
	}
	if str("client_id") == "" || str("client_id") != s.cfg.clientID || str("client_secret") != s.cfg.clientSecret {
		return oauthErr(http.StatusUnauthorized, "invalid_client", "Invalid client_id or client_secret")
	}
	switch grant {
	case "refresh_token":
		rt := str("refresh_token")
		if rt == "" {
			return oauthErr(http.StatusBadRequest, "invalid_request", "Missing refresh_token")
		}
		if rt != s.oauth.refresh {
			return oauthErr(http.StatusBadRequest, "invalid_grant", "Invalid refresh token")
		}
	default:
		code := str("code")
		exp, ok := s.oauth.codes[code]
		if !ok || !now.Before(exp) {
			return oauthErr(http.StatusBadRequest, "invalid_grant", "Invalid authorization code")
		}
		delete(s.oauth.codes, code)
	}
	access := randomHex(16)
	t := s.issueAccess(access, now)
	s.oauth.refresh = randomHex(16)
	s.oauth.refreshes++
	o := obj{
		{"access_token", access},
		{"expires", t.expires.Unix()},
		{"expires_in", int64(s.cfg.tokenLife / time.Second)},
		{"scope", "sonet_group,socialnetwork"},
		{"domain", "oauth.bitrix.info"},
		{"server_endpoint", "https://oauth.bitrix.info/rest/"},
		{"status", "L"},
		{"client_endpoint", s.PortalURL() + "rest/"},
		{"member_id", s.oauth.memberID},
		{"user_id", t.user},
		{"refresh_token", s.oauth.refresh},
	}
	return jsonAnswer(http.StatusOK, encodeJSON(o))
}

// leafStr returns a leaf's string, "" for a missing node or an array.
func leafStr(n *pnode) string {
	if n == nil || n.isArr {
		return ""
	}
	return n.str
}
