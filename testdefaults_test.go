package sonet

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const badGatewayPage = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"

func badGatewayTransport() *httpmock.MockTransport {
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", func(*http.Request) (*http.Response, error) {
		r := httpmock.NewStringResponse(http.StatusBadGateway, badGatewayPage)
		r.Header.Set("Content-Type", "text/html")
		return r, nil
	})
	return mt
}

// A read that keeps failing returns at least 20 times sooner with the test
// preset than with the defaults. The default's cost is its real time plus
// the backoff its (fake) clock was asked to sleep, so the test itself stays
// fast; the preset runs on the real clock. A ratio, not an absolute time,
// so a slow shared machine does not make it flaky.
func TestWithTestDefaultsFailingReadIsFastComparedToDefault(t *testing.T) {
	ctx := context.Background()

	clk := newFakeClock()
	mtDefault := badGatewayTransport()
	def, err := NewWebhookClient(testWebhook, WithTransport(mtDefault), WithClock(clk))
	require.NoError(t, err)
	start := time.Now()
	_, errDefault := def.GetGroup(ctx, 1)
	var waited time.Duration
	for _, d := range clk.Sleeps() {
		waited += d
	}
	defaultElapsed := time.Since(start) + waited

	mtPreset := badGatewayTransport()
	preset, err := NewWebhookClient(testWebhook, WithTransport(mtPreset), WithTestDefaults())
	require.NoError(t, err)
	start = time.Now()
	_, errPreset := preset.GetGroup(ctx, 1)
	presetElapsed := time.Since(start)

	require.ErrorIs(t, errDefault, ErrBadResponse)
	require.ErrorIs(t, errPreset, ErrBadResponse)
	assert.Equal(t, 5, mtDefault.GetTotalCallCount(), "the default policy tries five times")
	assert.Equal(t, 3, mtPreset.GetTotalCallCount(), "the preset still retries, without waiting")
	assert.Greater(t, waited, 3*time.Second, "the default backs off for seconds")
	assert.Less(t, presetElapsed, defaultElapsed/20, "preset %v, default %v", presetElapsed, defaultElapsed)
}

// The preset never asks its clock to wait: not between retries, not for the
// rate limit (60 reads in a row), not for an operating-time block.
func TestWithTestDefaultsNeverSleeps(t *testing.T) {
	ctx := context.Background()
	page := `{"result":[{"ID":"1","NAME":"A"}],"total":1}`

	clk := newFakeClock()
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", httpmock.NewStringResponder(200, page))
	c, err := NewWebhookClient(testWebhook, WithTransport(mt), WithTestDefaults(), WithClock(clk))
	require.NoError(t, err)
	for i := 0; i < 60; i++ {
		_, err := c.GetGroup(ctx, 1)
		require.NoError(t, err)
	}
	for _, d := range clk.Sleeps() {
		assert.Zero(t, d)
	}

	// The same 60 reads with the default limiter wait on the clock.
	clk2 := newFakeClock()
	paced, err := NewWebhookClient(testWebhook, WithTransport(mt), WithClock(clk2))
	require.NoError(t, err)
	for i := 0; i < 60; i++ {
		_, err := paced.GetGroup(ctx, 1)
		require.NoError(t, err)
	}
	var waited time.Duration
	for _, d := range clk2.Sleeps() {
		waited += d
	}
	assert.Greater(t, waited, 4*time.Second)

	// OPERATION_TIME_LIMIT is returned at once, not waited out.
	clk3 := newFakeClock()
	mt3 := httpmock.NewMockTransport()
	mt3.RegisterResponder("POST", testEndpoint+"sonet_group.get", httpmock.NewStringResponder(429,
		`{"error":"OPERATION_TIME_LIMIT","error_description":"Method is blocked due to operation time limit."}`))
	c3, err := NewWebhookClient(testWebhook, WithTransport(mt3), WithTestDefaults(), WithClock(clk3))
	require.NoError(t, err)
	_, err = c3.GetGroup(ctx, 1)
	require.ErrorIs(t, err, ErrOperationTimeLimit)
	assert.Equal(t, 1, mt3.GetTotalCallCount())
	assert.Empty(t, clk3.Sleeps())
}

// Options after the preset override it.
func TestWithTestDefaultsIsOverridable(t *testing.T) {
	mt := badGatewayTransport()
	c, err := NewWebhookClient(testWebhook, WithTransport(mt), WithTestDefaults(), WithRetryPolicy(RetryPolicy{MaxAttempts: 1}))
	require.NoError(t, err)
	_, err = c.GetGroup(context.Background(), 1)
	require.ErrorIs(t, err, ErrBadResponse)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestWithTransportSendsThroughIt(t *testing.T) {
	mt := httpmock.NewMockTransport()
	var rec recorded
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.delete", rec.respond(200, []byte(`{"result":true}`)))
	c, err := NewWebhookClient(testWebhook, WithTransport(mt), WithTestDefaults())
	require.NoError(t, err)
	require.NoError(t, c.DeleteGroup(context.Background(), 7))
	assert.Equal(t, []string{"GROUP_ID=7"}, rec.Bodies())

	_, err = NewWebhookClient(testWebhook, WithTransport(nil))
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "WithTransport", ve.Field)
}

// The trap of issue #10: httpmock.ActivateNonDefault(hc) after the client
// was built used to leave the client on the real network. The transport is
// now read at every request. (Uses httpmock's global transport, so not
// parallel.)
func TestActivateNonDefaultAfterConstructionIsSeen(t *testing.T) {
	hc := &http.Client{}
	c, err := NewWebhookClient(testWebhook, WithHTTPClient(hc), WithTestDefaults())
	require.NoError(t, err)

	httpmock.ActivateNonDefault(hc)
	defer httpmock.DeactivateAndReset()
	httpmock.RegisterResponder("POST", testEndpoint+"sonet_group.get",
		httpmock.NewStringResponder(200, `{"result":[{"ID":"5","NAME":"Mocked"}],"total":1}`))

	g, err := c.GetGroup(context.Background(), 5)
	require.NoError(t, err)
	assert.Equal(t, "Mocked", g.Name)
	assert.Equal(t, 1, httpmock.GetCallCountInfo()["POST "+testEndpoint+"sonet_group.get"])
}

// A missing responder is an error naming httpmock, not a DNS failure, and
// comes back at once.
func TestMissingResponderFailsWithoutNetwork(t *testing.T) {
	mt := httpmock.NewMockTransport()
	c, err := NewWebhookClient(testWebhook, WithTransport(mt), WithTestDefaults())
	require.NoError(t, err)
	_, err = c.GetGroup(context.Background(), 1)
	var te *TransportError
	require.ErrorAs(t, err, &te)
	assert.True(t, errors.Is(err, httpmock.NoResponderFound))
	assert.NotContains(t, err.Error(), testWebhookCode)
}
