package sonetmock_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/b24kit/sonet"
	"github.com/b24kit/sonet/sonetmock"
	"github.com/b24kit/sonet/sonettest"
	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	sentinelWebhook = "SENTINELwebhook7f3a"
	sentinelAccess  = "SENTINEL-access-1c2d"
	sentinelSecret  = "SENTINEL-secret-9b8e"
	sentinelBearer  = "SENTINEL-bearer-5e6f"
	sentinelJSON    = "SENTINEL-json-auth-0a0b"
)

// flow is user code: list the projects, rename the ones named "Draft...",
// fail on a missing group, add a member, delete one group, and read the
// members. It returns a transcript of every value and error it saw.
func flow(ctx context.Context, c *sonet.Client) string {
	var out strings.Builder
	page, err := c.ListGroups(ctx, &sonet.GroupListOptions{Order: sonet.Order{sonet.FieldID.Asc()}})
	fmt.Fprintln(&out, "list:", err)
	if err != nil {
		return out.String()
	}
	for _, g := range page.Items {
		fmt.Fprintln(&out, g.ID, g.Name, g.Project, g.DateCreate, page.Total)
		if strings.HasPrefix(g.Name, "Draft") {
			id, err := c.UpdateGroup(ctx, &sonet.GroupUpdateRequest{GroupID: g.ID, Name: sonet.String("Final " + g.Name[6:])})
			fmt.Fprintln(&out, "rename:", id, err)
		}
	}
	_, err = c.UpdateGroup(ctx, &sonet.GroupUpdateRequest{GroupID: 404, Name: sonet.String("x")})
	fmt.Fprintln(&out, "missing:", err)
	added, err := c.AddGroupMembers(ctx, 1, 2)
	fmt.Fprintln(&out, "added:", added, err)
	fmt.Fprintln(&out, "delete:", c.DeleteGroup(ctx, 3))
	members, err := c.ListGroupMembers(ctx, 1)
	fmt.Fprintln(&out, "members:", members, err)
	return out.String()
}

func seedFlow(srv *sonettest.Server) {
	srv.AddUsers("Bob")
	srv.AddGroup(sonettest.NewProject("Draft launch"))
	srv.AddGroup(sonettest.NewGroup("Support"))
	srv.AddGroup(sonettest.NewProject("Draft relaunch"))
}

// Record a webhook flow and an OAuth flow (with an expired token and a
// refresh) against the fake portal with sentinel secrets; the file holds
// none of them; replayed offline, both flows give the same transcript.
func TestRecordThenReplayWithoutThePortal(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "testdata", "flow.json")
	srv := sonettest.NewServer(sonettest.WithWebhookCode(sentinelWebhook), sonettest.WithAccessToken(sentinelAccess),
		sonettest.WithOAuthClient("app.test", sentinelSecret))
	seedFlow(srv)
	rec, err := sonetmock.NewRecorder(file, nil)
	require.NoError(t, err)

	// Webhook.
	c, err := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithTransport(rec), sonet.WithTestDefaults())
	require.NoError(t, err)
	recordedWebhook := flow(ctx, c)

	// OAuth app whose token has expired: 401, refresh, call again.
	firstRefresh := srv.RefreshToken()
	srv.ExpireAccessToken()
	app, err := sonet.NewOAuthApp("app.test", sentinelSecret, sonet.WithTokenURL(srv.URL()+"/oauth/token/"),
		sonet.WithAppHTTPClient(&http.Client{Transport: rec}))
	require.NoError(t, err)
	store := sonet.NewMemoryTokenStore(sonet.Token{AccessToken: sentinelAccess, RefreshToken: firstRefresh, ClientEndpoint: srv.PortalURL() + "rest/"})
	oc, err := sonet.NewOAuthAppClient(ctx, app, store, sonet.WithTransport(rec), sonet.WithTestDefaults())
	require.NoError(t, err)
	g, err := oc.GetGroup(ctx, 1)
	require.NoError(t, err)
	recordedOAuth := g.Name
	require.Equal(t, 1, srv.Refreshes())

	// Other clients' secrets: an Authorization header and a JSON auth key.
	req, _ := http.NewRequest("POST", srv.WebhookURL()+"sonet_group.get", strings.NewReader(`{"auth":"`+sentinelJSON+`","FILTER":{"ID":1}}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+sentinelBearer)
	resp, err := (&http.Client{Transport: rec}).Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	srv.Close()

	raw, err := os.ReadFile(file)
	require.NoError(t, err)
	for _, s := range []string{sentinelWebhook, sentinelAccess, sentinelSecret, sentinelBearer, sentinelJSON,
		firstRefresh, srv.AccessToken(), srv.RefreshToken(), "SENTINEL"} {
		assert.NotContains(t, string(raw), s)
	}
	assert.Contains(t, string(raw), `"path": "/rest/1/REDACTED/sonet_group.update"`)
	assert.Contains(t, string(raw), `client_secret=REDACTED`)
	assert.Contains(t, string(raw), `\"access_token\":\"REDACTED\"`)
	assert.Contains(t, string(raw), `auth=REDACTED`)

	// Offline: no server; any webhook URL and any tokens.
	mt := httpmock.NewMockTransport()
	require.NoError(t, sonetmock.Replay(mt, file))
	c2, err := sonet.NewWebhookClient("https://portal.example/rest/1/other-code/", sonet.WithTransport(mt), sonet.WithTestDefaults())
	require.NoError(t, err)
	assert.Equal(t, recordedWebhook, flow(ctx, c2))
	assert.Contains(t, recordedWebhook, "rename: 3 <nil>")
	assert.Contains(t, recordedWebhook, "missing: sonet: sonet_group.update: Socialnetwork group not found")

	app2, err := sonet.NewOAuthApp("app.test", "other-secret", sonet.WithTokenURL("https://oauth.example/oauth/token/"),
		sonet.WithAppHTTPClient(&http.Client{Transport: mt}))
	require.NoError(t, err)
	store2 := sonet.NewMemoryTokenStore(sonet.Token{AccessToken: "old", RefreshToken: "refresh", ClientEndpoint: "https://portal.example/rest/"})
	oc2, err := sonet.NewOAuthAppClient(ctx, app2, store2, sonet.WithTransport(mt), sonet.WithTestDefaults())
	require.NoError(t, err)
	g2, err := oc2.GetGroup(ctx, 1)
	require.NoError(t, err)
	assert.Equal(t, recordedOAuth, g2.Name)

	// A call the recording does not have fails clearly.
	_, err = c2.GetGroup(ctx, 99)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "differs from")
}

func TestReplayPastTheEndAndBadFiles(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "one.json")
	srv := sonettest.Start(t)
	srv.AddGroup(sonettest.NewGroup("Only"))
	rec, err := sonetmock.NewRecorder(file, nil)
	require.NoError(t, err)
	c, _ := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithTransport(rec), sonet.WithTestDefaults())
	_, err = c.GetGroup(ctx, 1)
	require.NoError(t, err)
	require.Len(t, rec.Recording().Exchanges, 1)
	assert.Equal(t, "sonet_group.get", rec.Recording().Exchanges[0].Key)

	mt := httpmock.NewMockTransport()
	require.NoError(t, sonetmock.Replay(mt, file))
	c2, _ := sonet.NewWebhookClient("https://portal.example/rest/1/x/", sonet.WithTransport(mt), sonet.WithTestDefaults())
	g, err := c2.GetGroup(ctx, 1)
	require.NoError(t, err)
	assert.Equal(t, "Only", g.Name)
	_, err = c2.GetGroup(ctx, 1)
	assert.ErrorContains(t, err, "has no more answers for sonet_group.get (1 recorded)")

	assert.ErrorContains(t, sonetmock.Replay(mt, filepath.Join(t.TempDir(), "missing.json")), "no such file")
	bad := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte("<html>"), 0o644))
	assert.ErrorContains(t, sonetmock.Replay(mt, bad), "is not a recording")
}

// A transport failure is recorded and replayed as a failure.
func TestRecordTransportError(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "fail.json")
	failing := httpmock.NewMockTransport()
	failing.RegisterResponder("POST", `=~sonet_group\.get$`, httpmock.NewErrorResponder(fmt.Errorf("connection reset by peer")))
	rec, err := sonetmock.NewRecorder(file, failing, "extra-secret-value")
	require.NoError(t, err)
	c, _ := sonet.NewWebhookClient("https://portal.example/rest/1/extra-secret-value/", sonet.WithTransport(rec),
		sonet.WithTestDefaults(), sonet.WithRetryPolicy(sonet.RetryPolicy{MaxAttempts: 1}))
	_, err = c.GetGroup(ctx, 1)
	require.ErrorContains(t, err, "connection reset by peer")

	mt := httpmock.NewMockTransport()
	require.NoError(t, sonetmock.Replay(mt, file))
	c2, _ := sonet.NewWebhookClient("https://portal.example/rest/1/y/", sonet.WithTransport(mt), sonet.WithTestDefaults(),
		sonet.WithRetryPolicy(sonet.RetryPolicy{MaxAttempts: 1}))
	_, err = c2.GetGroup(ctx, 1)
	require.ErrorContains(t, err, "connection reset by peer")
	raw, _ := os.ReadFile(file)
	assert.NotContains(t, string(raw), "extra-secret-value")
}

// A recording is replaced at the first exchange, not when the Recorder is
// made: a run that fails before calling anything (a missing webhook URL,
// say) leaves the recording from the last real run as it was.
func TestNewRecorderKeepsTheOldRecordingUntilTheFirstExchange(t *testing.T) {
	file := filepath.Join(t.TempDir(), "kept.json")
	require.NoError(t, os.WriteFile(file, []byte(`{"exchanges":[]} `), 0o600))
	base := httpmock.NewMockTransport()
	base.RegisterNoResponder(sonetmock.Responder(sonetmock.OK()))
	rec, err := sonetmock.NewRecorder(file, base)
	require.NoError(t, err)
	raw, err := os.ReadFile(file)
	require.NoError(t, err)
	assert.Equal(t, `{"exchanges":[]} `, string(raw))

	c, err := sonet.NewWebhookClient(sonetmock.WebhookURL, sonet.WithTransport(rec), sonet.WithTestDefaults())
	require.NoError(t, err)
	require.NoError(t, c.DeleteGroup(context.Background(), 3))
	got, err := sonetmock.LoadRecording(file)
	require.NoError(t, err)
	require.Len(t, got.Exchanges, 1)
	assert.Equal(t, "GROUP_ID=3", got.Exchanges[0].Request.Body)

	_, err = sonetmock.NewRecorder(filepath.Join(file, "below-a-file.json"), base)
	assert.Error(t, err, "a place that cannot take the file fails at once")
}
