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

// failingReadTransport answers every sonet_group.get with a gateway error
// page, 503 and 502 in turn, so each attempt is a retryable failure.
func failingReadTransport() *httpmock.MockTransport {
	mt := httpmock.NewMockTransport()
	n := 0
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", func(*http.Request) (*http.Response, error) {
		n++
		status, page := http.StatusBadGateway, badGatewayPage
		if n%2 == 1 {
			status, page = http.StatusServiceUnavailable, "<html><head><title>503 Service Temporarily Unavailable</title></head><body>nginx</body></html>"
		}
		r := httpmock.NewStringResponse(status, page)
		r.Header.Set("Content-Type", "text/html")
		return r, nil
	})
	return mt
}

// The preset's promise, proven on a fake clock rather than by timing: a
// failing read is retried, and between its attempts the client asks its
// clock for no wait at all (the retry loop hands the clock a zero wait,
// which must stay zero), while the defaults ask for the backoff their
// policy names. Only options before WithClock differ between the two
// clients.
func TestWithTestDefaultsRetriesAFailingReadWithoutWaiting(t *testing.T) {
	ctx := context.Background()

	presetClock := newFakeClock()
	before := presetClock.Now()
	mtPreset := failingReadTransport()
	preset, err := NewWebhookClient(testWebhook, WithTransport(mtPreset), WithTestDefaults(), WithClock(presetClock))
	require.NoError(t, err)
	_, err = preset.GetGroup(ctx, 1)
	require.ErrorIs(t, err, ErrBadResponse)
	assert.Equal(t, 3, mtPreset.GetTotalCallCount(), "the preset still retries")
	for i, d := range presetClock.Sleeps() {
		assert.Zero(t, d, "wait %d of the preset", i+1)
	}
	assert.Equal(t, before, presetClock.Now(), "the preset's clock never moved")

	defaultClock := newFakeClock()
	mtDefault := failingReadTransport()
	def, err := NewWebhookClient(testWebhook, WithTransport(mtDefault), WithClock(defaultClock))
	require.NoError(t, err)
	_, err = def.GetGroup(ctx, 1)
	require.ErrorIs(t, err, ErrBadResponse)
	assert.Equal(t, 5, mtDefault.GetTotalCallCount(), "the default policy tries five times")
	// DefaultRetryPolicy: 500 ms doubling, jitter 0.5, so the wait before
	// attempt n+1 lies in [base*2^(n-1)/2, base*2^(n-1)].
	sleeps := defaultClock.Sleeps()
	require.Len(t, sleeps, 4, "one backoff before each retry, no other wait: %v", sleeps)
	full := 500 * time.Millisecond
	for i, d := range sleeps {
		assert.GreaterOrEqual(t, d, full/2, "backoff %d", i+1)
		assert.LessOrEqual(t, d, full, "backoff %d", i+1)
		full *= 2
	}
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
