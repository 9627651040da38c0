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
		resp, err := hc.Do(newReq(t, method, url, ctype, body, header...))
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

// recordEchoes records each request through a transport that answers an
// HTML page echoing the URL and the credential headers (as a debugging
// proxy or error page may), and returns the file's text.
func recordEchoes(t *testing.T, reqs ...*http.Request) string {
	t.Helper()
	base := httpmock.NewMockTransport()
	base.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(502, "<html>failed: "+r.URL.String()+" "+r.Header.Get("Authorization")+" "+r.Header.Get("Cookie")+"</html>")
		resp.Header.Set("Content-Type", "text/html")
		resp.Header.Set("Set-Cookie", "BITRIX_SM_UIDH=SECRETsetcookie1; Path=/; Expires=Wed, 21 Oct 2026 07:28:00 GMT")
		return resp, nil
	})
	file := filepath.Join(t.TempDir(), "x.json")
	rec, err := sonetmock.NewRecorder(file, base)
	require.NoError(t, err)
	for _, req := range reqs {
		resp, err := (&http.Client{Transport: rec}).Do(req)
		require.NoError(t, err)
		resp.Body.Close()
	}
	raw, err := os.ReadFile(file)
	require.NoError(t, err)
	return string(raw)
}

func newReq(t *testing.T, method, url, ctype, body string, header ...string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return req
}

// A webhook code is scrubbed whatever follows it (no method, a longer
// path) and wherever /rest/ starts, and never becomes the exchange's key.
func TestRecorderScrubsTheWebhookCodeInEveryPathShape(t *testing.T) {
	text := recordEchoes(t,
		newReq(t, "POST", "https://p.example/rest/1/SECRETnomethod1/", "", ""),
		newReq(t, "POST", "https://p.example/rest/1/SECRETlonger01/sonet_group.get/extra", "", ""),
		newReq(t, "POST", "https://p.example/portal/rest/2/SECRETprefix01/sonet_group.get.json/", "", ""),
	)
	assert.NotContains(t, text, "SECRET", text)
	for _, kept := range []string{
		`"key": "/rest/1/REDACTED/"`, `"path": "/rest/1/REDACTED/"`,
		`"path": "/rest/1/REDACTED/sonet_group.get/extra"`,
		`"key": "sonet_group.get"`, `"path": "/portal/rest/2/REDACTED/sonet_group.get.json/"`,
	} {
		assert.Contains(t, text, kept)
	}
}

// Credentials sent in headers are not written, and neither are their
// echoes in an answer; a Set-Cookie's attributes are kept.
func TestRecorderScrubsEchoedHeaderCredentials(t *testing.T) {
	text := recordEchoes(t,
		newReq(t, "POST", "https://p.example/rest/sonet_group.get", "", "", "Authorization", "Bearer SECRETbearer1"),
		newReq(t, "POST", "https://p.example/rest/sonet_group.get", "", "", "Authorization", "Basic U0VDUkVUYmFzaWM6eA==",
			"Cookie", "PHPSESSID=SECRETcookie1; BITRIX_SM_LOGIN=SECRETcookie2"),
	)
	assert.NotContains(t, text, "SECRET", text)
	assert.NotContains(t, text, "U0VDUkVUYmFzaWM6eA==", text)
	assert.Contains(t, text, "failed: https://p.example/rest/sonet_group.get Bearer REDACTED")
	assert.Contains(t, text, "PHPSESSID=REDACTED; BITRIX_SM_LOGIN=REDACTED")
}

// A secret's name counts in any body: a form sent without its content type
// or as text/plain, the names PHP reads as access_token ("access.token",
// "access token"), a JSON key written with an escape, a number.
func TestRecorderScrubsSecretNamesInAnyBody(t *testing.T) {
	text := recordEchoes(t,
		newReq(t, "POST", "https://p.example/rest/sonet_group.get", "", "ID=1&auth=abc"),
		newReq(t, "POST", "https://p.example/rest/sonet_group.get", "text/plain", "auth=SECRETplain1&ID=2"),
		newReq(t, "POST", "https://p.example/rest/sonet_group.get", "application/x-www-form-urlencoded",
			"access.token=SECRETdot1&access+token=SECRETspace1&ID=3"),
		newReq(t, "POST", "https://p.example/rest/sonet_group.get", "application/json",
			`{"ID":4,"access\u005ftoken":"SECRETescaped1","auth":{"refresh_token":12345678,"domain":"p.example"},"password":"abc"}`),
	)
	assert.NotContains(t, text, "SECRET", text)
	assert.NotContains(t, text, "12345678", text)
	for _, kept := range []string{
		`"body": "ID=1&auth=REDACTED"`, `"body": "auth=REDACTED&ID=2"`,
		`"body": "access.token=REDACTED&access+token=REDACTED&ID=3"`,
		`\"ID\":4`, `\"domain\":\"p.example\"`, `\"password\":\"REDACTED\"`,
	} {
		assert.Contains(t, text, kept)
	}
}

// The recording is written readable by its owner only, and never through
// a file someone else placed at a predictable temporary name.
func TestRecordingFileIsPrivate(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "r.json")
	other := filepath.Join(dir, "elsewhere")
	require.NoError(t, os.Symlink(other, file+".tmp"))
	base := httpmock.NewMockTransport()
	base.RegisterNoResponder(sonetmock.Responder(sonetmock.OK()))
	rec, err := sonetmock.NewRecorder(file, base)
	require.NoError(t, err)
	resp, err := (&http.Client{Transport: rec}).Post("https://p.example/rest/1/code-abcdef/sonet_group.delete", "", nil)
	require.NoError(t, err)
	resp.Body.Close()
	fi, err := os.Stat(file)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	_, err = os.Lstat(other)
	assert.True(t, os.IsNotExist(err), "the recorder wrote through a symlink")
}

// A token answer is scrubbed by key whatever wraps it: a byte-order mark
// before the JSON, JSON inside an HTML page, a wrong content type.
func TestRecorderScrubsTokenAnswersInAnyWrapping(t *testing.T) {
	base := httpmock.NewMockTransport()
	answers := []string{
		"\ufeff" + `{"access_token":"SECRETbom001","refresh_token":"abc","expires_in":3600}`,
		`<html><script>var auth = {"access_token": "xyz", "refresh_token":"SECRETinhtml1"};</script></html>`,
	}
	n := 0
	base.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(200, answers[n])
		n++
		resp.Header.Set("Content-Type", "text/html")
		return resp, nil
	})
	file := filepath.Join(t.TempDir(), "x.json")
	rec, err := sonetmock.NewRecorder(file, base)
	require.NoError(t, err)
	for range answers {
		resp, err := (&http.Client{Transport: rec}).Get("https://oauth.example/oauth/token/?grant_type=refresh_token")
		require.NoError(t, err)
		resp.Body.Close()
	}
	raw, err := os.ReadFile(file)
	require.NoError(t, err)
	text := string(raw)
	assert.NotContains(t, text, "SECRET", text)
	assert.Contains(t, text, `\"refresh_token\":\"REDACTED\",\"expires_in\":3600`)
	assert.Contains(t, text, `{\"access_token\": \"REDACTED\", \"refresh_token\":\"REDACTED\"}`)
}

// A multipart form is scrubbed by field name like a urlencoded one.
func TestRecorderScrubsMultipartFields(t *testing.T) {
	body := "--XyZ\r\nContent-Disposition: form-data; name=\"auth\"\r\n\r\nabc\r\n" +
		"--XyZ\r\nContent-Disposition: form-data; name=\"auth[refresh_token]\"\r\nContent-Type: text/plain\r\n\r\nSECRETmulti1\r\n" +
		"--XyZ\r\nContent-Disposition: form-data; name=\"NAME\"\r\n\r\nkeep me\r\n--XyZ--\r\n"
	text := recordEchoes(t, newReq(t, "POST", "https://p.example/rest/sonet_group.create", "multipart/form-data; boundary=XyZ", body))
	assert.NotContains(t, text, "SECRET", text)
	assert.Contains(t, text, `name=\"auth\"\r\n\r\nREDACTED\r\n`)
	assert.Contains(t, text, `Content-Type: text/plain\r\n\r\nREDACTED\r\n`)
	assert.Contains(t, text, `name=\"NAME\"\r\n\r\nkeep me\r\n`)
}
