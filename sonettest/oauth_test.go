package sonettest

import (
	"encoding/json"
	"testing"
	"time"
)

func TestTokenRefreshRotation(t *testing.T) {
	s, clk := newTestServer(t, WithOAuthClient("app.1", "sec"), WithTokenLifetime(time.Hour))
	oldAccess, oldRefresh := s.AccessToken(), s.RefreshToken()
	url := s.URL() + "/oauth/token/?grant_type=refresh_token&client_id=app.1&client_secret=sec&refresh_token="
	code, body := do(t, "GET", url+oldRefresh, "", "")
	var tok struct {
		AccessToken    string `json:"access_token"`
		RefreshToken   string `json:"refresh_token"`
		Domain         string `json:"domain"`
		ClientEndpoint string `json:"client_endpoint"`
		Expires        int64  `json:"expires"`
		ExpiresIn      int64  `json:"expires_in"`
		UserID         int64  `json:"user_id"`
	}
	if code != 200 || json.Unmarshal([]byte(body), &tok) != nil {
		t.Fatalf("%d %s", code, body)
	}
	if tok.AccessToken != s.AccessToken() || tok.RefreshToken != s.RefreshToken() || tok.AccessToken == oldAccess ||
		tok.RefreshToken == oldRefresh || tok.ExpiresIn != 3600 || tok.Expires != clk.now().Add(time.Hour).Unix() ||
		tok.ClientEndpoint != s.PortalURL()+"rest/" || tok.UserID != 1 || tok.Domain != "oauth.bitrix.info" || s.Refreshes() != 1 {
		t.Errorf("token %+v", tok)
	}
	code, body = do(t, "GET", url+oldRefresh, "", "")
	expectErr(t, code, body, 400, "invalid_grant", "Invalid refresh token")
	code, body = do(t, "GET", s.URL()+"/oauth/token/?grant_type=refresh_token&client_id=app.1&client_secret=bad&refresh_token="+tok.RefreshToken, "", "")
	expectErr(t, code, body, 401, "invalid_client", "Invalid client_id or client_secret")
	// The new token works; the old one still does until it expires.
	for _, a := range []string{tok.AccessToken, oldAccess} {
		if code, _ := do(t, "GET", s.PortalURL()+"rest/sonet_group.get?auth="+a, "", ""); code != 200 {
			t.Errorf("token %s: %d", a, code)
		}
	}
	// Authorization code: single use.
	ac := s.AuthorizationCode()
	codeURL := s.URL() + "/oauth/token/?grant_type=authorization_code&client_id=app.1&client_secret=sec&code=" + ac
	if code, body := do(t, "GET", codeURL, "", ""); code != 200 || s.Refreshes() != 2 {
		t.Errorf("code exchange %d %s", code, body)
	}
	code, body = do(t, "GET", codeURL, "", "")
	expectErr(t, code, body, 400, "invalid_grant", "Invalid authorization code")
}
