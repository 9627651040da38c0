package sonet

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Tests for the findings of the first code review, one per finding.

// A token endpoint that throttles says nothing about the refresh token:
// the next call tries it again.
func TestOAuthThrottledRefreshIsTriedAgain(t *testing.T) {
	store := NewMemoryTokenStore(startToken())
	c, mt := newAppClient(t, store)
	var rec recorded
	var tc tokenCalls
	mt.RegisterResponder("POST", testPortalREST+featureMethod, expiringPortal(t, &rec, fixture(t, "sonet_group.feature.access/ok_true.json"), oldAccess))
	mt.RegisterResponder("GET", testTokenURL, tc.respond(429, []byte(`{"error":"too_many_requests","error_description":"slow down"}`), nil))
	_, err := callFeature(c)
	assert.ErrorIs(t, err, Code("too_many_requests"))
	mt.RegisterResponder("GET", testTokenURL, tc.respond(200, fixture(t, "oauth/refresh_full.json"), nil))
	ok, err := callFeature(c)
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, []string{refreshQuery + oldRefresh, refreshQuery + oldRefresh}, tc.Queries())
}

// A 2xx token answer that is unusable is reported without quoting it: it
// starts with a new access token the redactor cannot know.
func TestTokenAnswerOf200IsNeverQuoted(t *testing.T) {
	store := NewMemoryTokenStore(startToken())
	c, mt := newAppClient(t, store)
	var rec recorded
	var tc tokenCalls
	mt.RegisterResponder("POST", testPortalREST+featureMethod, expiringPortal(t, &rec, nil, oldAccess))
	fresh := "NEWACCESS0123456789abcdef"
	mt.RegisterResponder("GET", testTokenURL, tc.respond(200, []byte(`{"access_token":"`+fresh+`","refresh_token":"","expires_in":3600}`), nil))
	_, err := callFeature(c)
	var re *ResponseError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "", re.Excerpt)
	assert.Equal(t, "sonet: oauth/token: bad response (HTTP 200, application/json): no usable refresh_token", re.Error())
	assert.NotContains(t, err.Error(), fresh)
}

// A secret cut in two by the 120-character excerpt is still removed.
func TestExcerptRedactsASecretCutByTheLimit(t *testing.T) {
	c, mt := newMockClient(t, WithRetryPolicy(RetryPolicy{MaxAttempts: 1}))
	page := "<html>" + strings.Repeat("x", 100) + "/rest/1/" + testWebhookCode + "/sonet_group.get</html>"
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", httpmock.NewStringResponder(502, page))
	_, err := c.ListGroups(context.Background(), nil)
	var re *ResponseError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "<html>"+strings.Repeat("x", 100)+"/rest/1/[REDAC...", re.Excerpt)
	for i := 4; i <= len(testWebhookCode); i++ {
		assert.NotContains(t, err.Error(), testWebhookCode[:i])
	}
}

// A raw Call with a zero Condition is refused, not a panic.
func TestRawCallWithZeroConditionIsRefused(t *testing.T) {
	c, mt := newMockClient(t)
	_, err := c.Call(context.Background(), "sonet_group.get", &struct {
		F GroupFilter `url:"FILTER"`
	}{GroupFilter{Condition{}}}, nil, nil)
	assert.EqualError(t, err, `sonet: invalid FILTER: filter key "" names no field`)
	assert.Equal(t, 0, mt.GetTotalCallCount())
}

// A batch that never left (cancelled while waiting for the limiter) did not
// run: NotRun, not Unknown.
func TestRunBatchCancelledBeforeSendingIsNotRun(t *testing.T) {
	c, mt := newMockClient(t, WithRateLimit(0.001, 1))
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", httpmock.NewStringResponder(200, `{"result":[]}`))
	_, err := c.ListGroups(context.Background(), nil) // takes the only slot
	require.NoError(t, err)
	b := NewBatch()
	h := BatchDeleteGroup(b, 7)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	err = c.RunBatch(ctx, b)
	var be *BatchError
	require.ErrorAs(t, err, &be)
	assert.Equal(t, []string{"c0"}, be.NotRun)
	assert.Empty(t, be.Unknown)
	assert.ErrorIs(t, h.Err(), ErrNotRun)
	assert.NotErrorIs(t, h.Err(), ErrOutcomeUnknown)
	assert.False(t, h.Ran())
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

// A write whose connection was never made provably did not run: it is
// retried and never reported as an unknown outcome.
func TestWriteThatNeverLeftIsRetried(t *testing.T) {
	clk := newFakeClock()
	dial := 0
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		dial++
		return nil, &net.OpError{Op: "dial", Net: network, Err: errors.New("connection refused")}
	}}}
	c, err := NewWebhookClient("http://127.0.0.1:9/rest/1/"+testWebhookCode+"/", WithHTTPClient(hc), WithoutRateLimit(), WithClock(clk),
		WithRetryPolicy(RetryPolicy{MaxAttempts: 3, BaseDelay: time.Second, MaxDelay: time.Second}))
	require.NoError(t, err)
	_, err = c.CreateGroup(context.Background(), &GroupCreateRequest{Name: "x"})
	var te *TransportError
	require.ErrorAs(t, err, &te)
	assert.NotErrorIs(t, err, ErrOutcomeUnknown)
	assert.Equal(t, 3, dial)
	assert.Equal(t, []time.Duration{time.Second, time.Second}, clk.Sleeps())
	assert.NotContains(t, err.Error(), testWebhookCode)
}

// With OAuth the caller's user ID is unknown, and a non-administrator's
// OWNER_ID is ignored by the portal: the look-up after a lost answer must
// not filter on req.OwnerID, or it misses the group the create made and
// creates a second one.
func TestEnsureGroupWithOAuthDoesNotFilterOnOwnerID(t *testing.T) {
	mt := httpmock.NewMockTransport()
	var create recorded
	mt.RegisterResponder("POST", "https://portal.example/rest/sonet_group.create", create.respond(500, fixture(t, "batch/internal_error.json")))
	get := &script{t: t, steps: []httpmock.Responder{
		jsonResponder(200, fixture(t, "sonet_group.get/ensure_empty.json")),
		jsonResponder(200, []byte(`{"result":[
		{"ID":"90","NAME":"Quarterly review","OWNER_ID":"1","DATE_CREATE":"2026-03-19T16:03:49+02:00"}],
		"total":1,"time":{"date_start":"2026-03-19T16:03:50+02:00"}}`)),
	}}
	mt.RegisterResponder("POST", "https://portal.example/rest/sonet_group.get", get.respond)
	c, err := NewOAuthClient("https://portal.example", "acc3ss", WithHTTPClient(&http.Client{Transport: mt}), WithoutRateLimit())
	require.NoError(t, err)
	id, created, err := c.EnsureGroup(context.Background(), &GroupCreateRequest{Name: "Quarterly review", OwnerID: 1269})
	require.NoError(t, err)
	assert.Equal(t, 90, id)
	assert.True(t, created)
	assert.Len(t, create.Bodies(), 1, "no second create")
	lookup := "FILTER[NAME]=Quarterly%20review&IS_ADMIN=Y&auth=acc3ss"
	assert.Equal(t, []string{lookup, lookup}, get.Bodies())
}

func TestScanGroupsRefusesACursorKeyInAnyCase(t *testing.T) {
	c, mt := newMockClient(t)
	for _, err := range c.ScanGroups(context.Background(), &GroupScanOptions{Filter: GroupFilter{Where(">id", "5")}}) {
		assert.ErrorIs(t, err, ErrValidation)
		break
	}
	assert.Equal(t, 0, mt.GetTotalCallCount())
}

func TestCallIgnoresANilCallOption(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.delete", httpmock.NewStringResponder(200, `{"result":true}`))
	var ok bool
	_, err := c.Call(context.Background(), "sonet_group.delete", map[string]any{"GROUP_ID": 1}, &ok, nil, Idempotent())
	require.NoError(t, err)
	assert.True(t, ok)
}

// A result the SDK cannot read is quoted in the error, credentials removed,
// for direct calls and batch commands alike.
func TestUnreadableResultIsQuotedWithoutCredentials(t *testing.T) {
	c, mt := newMockClient(t)
	echo := `"/rest/1/` + testWebhookCode + `/"`
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.create", httpmock.NewStringResponder(200, `{"result":`+echo+`}`))
	_, err := c.CreateGroup(context.Background(), &GroupCreateRequest{Name: "x"})
	assert.EqualError(t, err, `sonet: sonet_group.create: outcome unknown, not retried (the write may have been applied): bad response (HTTP 200): result of the wrong shape: not an integer: "/rest/1/[REDACTED]/"; body starts "\"/rest/1/[REDACTED]/\""`)

	mt.RegisterResponder("POST", testEndpoint+"batch", httpmock.NewStringResponder(200, `{"result":{"result":{"c0":`+echo+`}}}`))
	b := NewBatch()
	h := BatchCreateGroup(b, &GroupCreateRequest{Name: "x"})
	require.Error(t, c.RunBatch(context.Background(), b))
	assert.EqualError(t, h.Err(), `sonet: sonet_group.create: outcome unknown, not retried (the write may have been applied): bad response (HTTP 200): result of the wrong shape: not an integer: "/rest/1/[REDACTED]/"; body starts "\"/rest/1/[REDACTED]/\""`)
}
