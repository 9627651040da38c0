package sonetmock_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/b24kit/sonet/sonetmock"
	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every way a secret can travel is scrubbed before the file is written,
// and everything else is kept byte for byte.
func TestRecorderScrubsEverySecretShape(t *testing.T) {
	base := httpmock.NewMockTransport()
	// An error page that echoes the request URL, and a token answer.
	base.RegisterResponder("POST", `=~/rest/`, func(r *http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(502, "<html>upstream failed for "+r.URL.String()+"</html>")
		resp.Header.Set("Content-Type", "text/html")
		return resp, nil
	})
	base.RegisterResponder("GET", `=~/oauth/token/`, func(r *http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(200, `{"access_token":"SECRETnewaccess1","expires_in":3600,"refresh_token":"SECRETnewrefresh1","member_id":"m1"}`)
		resp.Header.Set("Content-Type", "application/json")
		return resp, nil
	})
	file := filepath.Join(t.TempDir(), "x.json")
	rec, err := sonetmock.NewRecorder(file, base, "SECRETextra9")
	require.NoError(t, err)
	hc := &http.Client{Transport: rec}

	do := func(method, url, ctype, body string, header ...string) {
		req, err := http.NewRequest(method, url, strings.NewReader(body))
		require.NoError(t, err)
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := hc.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
	}
	do("POST", "https://p.example/rest/7/SECRETwebhook1/sonet_group.get.json?auth=SECRETq1&x=1", "application/x-www-form-urlencoded",
		"FILTER%5BNAME%5D=SECRETextra9&auth%5Baccess_token%5D=SECRETform1&auth[application_token]=SECRETform2&NAME=keep%20me",
		"Authorization", "Bearer SECRETbearer1", "Cookie", "PHPSESSID=SECRETcookie1")
	do("POST", "https://p.example/rest/event.bind", "application/json",
		`{"auth":{"access_token":"SECRETjson1","domain":"p.example"},"client_secret":"SECRET\/json2","keep":"me"}`)
	do("GET", "https://oauth.example/oauth/token/?grant_type=authorization_code&client_id=app.1&client_secret=SECRETcs1&code=SECRETcode1", "", "")

	raw, err := os.ReadFile(file)
	require.NoError(t, err)
	text := string(raw)
	assert.NotContains(t, text, "SECRET", text)
	for _, kept := range []string{
		`"path": "/rest/7/REDACTED/sonet_group.get.json"`,
		`"query": "auth=REDACTED&x=1"`,
		`FILTER%5BNAME%5D=REDACTED&auth%5Baccess_token%5D=REDACTED&auth[application_token]=REDACTED&NAME=keep%20me`,
		`\"domain\":\"p.example\"`, `\"keep\":\"me\"`,
		`client_id=app.1&client_secret=REDACTED&code=REDACTED`,
		`\"member_id\":\"m1\"`,
		`"key": "/oauth/token/"`, `"key": "sonet_group.get"`, `"key": "event.bind"`,
	} {
		assert.Contains(t, text, kept)
	}
	assert.Len(t, rec.Recording().Exchanges, 3)
}
