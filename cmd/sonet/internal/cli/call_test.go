package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/b24kit/sonet/sonettest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCallWithJSONBody(t *testing.T) {
	srv := newPortal(t)
	srv.ResetRequests()
	r := runCLI(t, srv, "", "call", "sonet_group.create", "-d", `{"NAME":"Q3 & Co","VISIBLE":"N","SUBJECT_ID":1,"SITE_ID":["s1"],"DESCRIPTION":null}`)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "{\n  \"result\": 1\n}\n", r.stdout)
	reqs := srv.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "NAME=Q3%20%26%20Co&VISIBLE=N&SUBJECT_ID=1&SITE_ID[0]=s1&DESCRIPTION=", reqs[0].Body)
	g, _ := srv.Group(1)
	assert.Equal(t, "Q3 & Co", g.Name)
	assert.False(t, g.Visible)
}

func TestCallRefusesWhatWouldGoWrong(t *testing.T) {
	srv := newPortal(t)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"call", "sonet_group.update", "-d", `{"GROUP_ID":1,"VISIBLE":false}`},
			"sonet: -d: VISIBLE: true/false cannot be sent (PHP reads \"false\" as true); use \"Y\"/\"N\" or 1/0\n"},
		{[]string{"call", "sonet_group.get", "auth=abc"},
			"sonet: the auth parameter is set from the credentials; never put a token on the command line\n"},
		{[]string{"call", "sonet_group.get", "FILTER"},
			"sonet: \"FILTER\": want key=value (PHP bracket syntax: FILTER[%NAME]=x, USER_ID[]=5)\n"},
		{[]string{"call", "sonet_group.get", "-d", `[1]`}, "sonet: -d: want a JSON object\n"},
		{[]string{"call"}, "sonet: call needs a METHOD\n"},
	}
	for _, tc := range cases {
		r := runCLI(t, srv, "", tc.args...)
		assert.Equal(t, exitUsage, r.code, tc.args)
		assert.Equal(t, tc.want, r.stderr, tc.args)
	}
	assert.Empty(t, srv.Requests())
}

func TestCallPrintsTheAPIError(t *testing.T) {
	srv := newPortal(t)
	r := runCLI(t, srv, "", "call", "sonet_group.delete", "GROUP_ID=999")
	assert.Equal(t, 1, r.code)
	assert.Equal(t, "sonet: sonet_group.delete: Socialnetwork group not found (HTTP 400)\n", r.stderr)
	assert.Empty(t, r.stdout)
}

// The webhook code never reaches any output: not on a dropped connection,
// not with a malformed URL, not from a credentials file.
func TestSecretsNeverPrinted(t *testing.T) {
	srv := newPortal(t, sonettest.WithFaults(sonettest.Faults{Drop: 1}))
	r := runCLI(t, srv, "", "call", "sonet_group.create", "NAME=x")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "outcome unknown")
	r = runCLI(t, srv, "", "export")
	assert.Equal(t, 1, r.code)
	assert.NotEmpty(t, r.stderr)

	dir := t.TempDir()
	bad := filepath.Join(dir, "creds")
	require.NoError(t, os.WriteFile(bad, []byte("BITRIX24_WEBHOOK_URL=ftp://portal.example/rest/1/"+secretCode+"/\n"), 0o600))
	r = runCLI(t, nil, "", "--credentials", bad, "call", "sonet_group.get")
	assert.Equal(t, 1, r.code)
	assert.NotEmpty(t, r.stderr)
	require.NoError(t, os.WriteFile(bad, []byte("token "+secretCode+"\n"), 0o600))
	r = runCLI(t, nil, "", "--credentials", bad, "call", "sonet_group.get")
	assert.Equal(t, "sonet: "+bad+":1: want KEY=VALUE or a webhook URL\n", r.stderr)
}

func TestCredentialsFromAFile(t *testing.T) {
	srv := newPortal(t)
	seed(srv, 1)
	file := filepath.Join(t.TempDir(), "creds")
	require.NoError(t, os.WriteFile(file, []byte("# portal\nexport BITRIX24_WEBHOOK_URL='"+srv.WebhookURL()+"'\n"), 0o600))
	r := runCLI(t, nil, "", "--credentials", file, "call", "--retry", "sonet_group.get", "FILTER[ID]=1")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, `"NAME": "Group 1"`)

	// OAuth: portal URL and token.
	require.NoError(t, os.WriteFile(file, []byte("BITRIX24_PORTAL_URL="+srv.PortalURL()+"\nBITRIX24_ACCESS_TOKEN="+srv.AccessToken()+"\n"), 0o600))
	r = runCLI(t, nil, "", "--credentials", file, "call", "sonet_group.get", "FILTER[ID]=1")
	require.Equal(t, 0, r.code, r.stderr)
	assert.NotContains(t, r.stdout+r.stderr, srv.AccessToken())

	r = runCLI(t, nil, "", "call", "sonet_group.get")
	assert.Equal(t, "sonet: no credentials: set BITRIX24_WEBHOOK_URL (or BITRIX24_PORTAL_URL and BITRIX24_ACCESS_TOKEN), or name a file with --credentials\n", r.stderr)
}

func TestFlattenJSONRefusesDeepNesting(t *testing.T) {
	deep := `{"A":` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `}`
	_, err := flattenJSON([]byte(deep))
	assert.EqualError(t, err, "nested deeper than 64 levels")
	pairs, err := flattenJSON([]byte(`{"F":{"><ID":[1,2]},"N":null,"S":"x"}`))
	require.NoError(t, err)
	assert.Equal(t, formParams{{"F[><ID][0]", "1"}, {"F[><ID][1]", "2"}, {"N", ""}, {"S", "x"}}, pairs)
}
