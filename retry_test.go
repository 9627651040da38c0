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

// sequence answers with the given responders in turn, repeating the last.
func sequence(rs ...httpmock.Responder) (httpmock.Responder, *int) {
	n := new(int)
	return func(req *http.Request) (*http.Response, error) {
		i := min(*n, len(rs)-1)
		*n++
		return rs[i](req)
	}, n
}

var (
	queryLimit   = httpmock.NewStringResponder(503, `{"error":"QUERY_LIMIT_EXCEEDED","error_description":"Too many requests"}`)
	internal500  = httpmock.NewStringResponder(500, `{"error":"INTERNAL_SERVER_ERROR","error_description":"Internal server error"}`)
	badGateway   = httpmock.NewStringResponder(502, "<html><body><h1>502 Bad Gateway</h1></body></html>")
	connReset    = httpmock.NewErrorResponder(errors.New("connection reset by peer"))
	testPolicy   = RetryPolicy{MaxAttempts: 5, BaseDelay: time.Second, MaxDelay: 4 * time.Second}
	opLimitReply = httpmock.NewStringResponder(429, `{"error":"OPERATION_TIME_LIMIT","error_description":"Method is blocked due to operation time limit."}`)
)

func TestReadSucceedsThroughQueryLimitAndServerErrors(t *testing.T) {
	clk := newFakeClock()
	c, mt := newMockClient(t, WithClock(clk), WithRetryPolicy(testPolicy))
	r, n := sequence(queryLimit, internal500, badGateway, connReset, okGroupsResponder(t))
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", r)
	p, err := c.ListGroups(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, []int{77, 79}, []int{p.Items[0].ID, p.Items[1].ID})
	assert.Equal(t, 5, *n)
	assert.Equal(t, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 4 * time.Second}, clk.Sleeps())
}

func TestReadGivesUpAfterMaxAttempts(t *testing.T) {
	clk := newFakeClock()
	c, mt := newMockClient(t, WithClock(clk), WithRetryPolicy(testPolicy))
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", internal500)
	_, err := c.ListGroups(context.Background(), nil)
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, APIError{HTTPStatus: 500, Code: "INTERNAL_SERVER_ERROR", Description: "Internal server error", Method: "sonet_group.get"}, *ae)
	assert.NotErrorIs(t, err, ErrOutcomeUnknown)
	assert.Equal(t, 5, mt.GetTotalCallCount())
	assert.Equal(t, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 4 * time.Second}, clk.Sleeps())
}

func TestWriteIsNeverRepeatedAfterItMayHaveRun(t *testing.T) {
	for name, r := range map[string]httpmock.Responder{"500": internal500, "502 html": badGateway, "reset": connReset} {
		t.Run(name, func(t *testing.T) {
			clk := newFakeClock()
			c, mt := newMockClient(t, WithClock(clk), WithRetryPolicy(testPolicy))
			var rec recorded
			mt.RegisterResponder("POST", testEndpoint+"sonet_group.create", func(req *http.Request) (*http.Response, error) {
				rec.respond(0, nil)(req)
				return r(req)
			})
			id, err := c.CreateGroup(context.Background(), &GroupCreateRequest{Name: "Once"})
			assert.Equal(t, 0, id)
			assert.ErrorIs(t, err, ErrOutcomeUnknown)
			assert.Equal(t, []string{"NAME=Once"}, rec.Bodies())
			assert.Empty(t, clk.Sleeps())
		})
	}
}

func TestWriteIsRetriedOnQueryLimitRefusal(t *testing.T) {
	clk := newFakeClock()
	c, mt := newMockClient(t, WithClock(clk), WithRetryPolicy(testPolicy))
	r, n := sequence(queryLimit, queryLimit, httpmock.NewBytesResponder(200, fixture(t, "sonet_group.create/seed000_ok.json")))
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.create", r)
	id, err := c.CreateGroup(context.Background(), &GroupCreateRequest{Name: "Once"})
	require.NoError(t, err)
	assert.Equal(t, 77, id)
	assert.Equal(t, 3, *n)
	assert.Equal(t, []time.Duration{time.Second, 2 * time.Second}, clk.Sleeps())
}

// opOK is a sonet_group.get answer whose time block says the method's
// operating budget resets 300 s after the fake clock's start.
const opOK = `{"result":[],"total":0,"time":{"start":1773932400,"finish":1773932400.5,"duration":0.5,"processing":0.5,` +
	`"date_start":"2026-03-19T17:00:00+02:00","date_finish":"2026-03-19T17:00:00+02:00","operating_reset_at":1773932700,"operating":480.2}}`

func TestOperatingLimitWaitsUntilReset(t *testing.T) {
	clk := newFakeClock()
	require.Equal(t, int64(1773932400), clk.Now().Unix())
	c, mt := newMockClient(t, WithClock(clk), WithRetryPolicy(testPolicy))
	r, n := sequence(httpmock.NewStringResponder(200, opOK), opLimitReply, httpmock.NewStringResponder(200, opOK))
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", r)
	p, err := c.ListGroups(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, 480200*time.Millisecond, p.Time.Operating)
	_, err = c.ListGroups(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, 3, *n)
	// A zero backoff, then the wait for operating_reset_at.
	assert.Equal(t, []time.Duration{0, 300 * time.Second}, clk.Sleeps())
}

func TestOperatingLimitFailsAtOnceWhenAsked(t *testing.T) {
	clk := newFakeClock()
	c, mt := newMockClient(t, WithClock(clk), WithRetryPolicy(testPolicy), WithOperatingLimit(FailOnOperatingLimit))
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", opLimitReply)
	_, err := c.ListGroups(context.Background(), nil)
	assert.ErrorIs(t, err, ErrOperationTimeLimit)
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 429, ae.HTTPStatus)
	assert.Equal(t, 1, mt.GetTotalCallCount())
	assert.Empty(t, clk.Sleeps())
}

func TestBackoffDoublesUpToTheCapWithJitterBelow(t *testing.T) {
	p := RetryPolicy{MaxAttempts: 9, BaseDelay: 500 * time.Millisecond, MaxDelay: 3 * time.Second}
	var got []time.Duration
	for n := 1; n <= 5; n++ {
		got = append(got, p.backoff(n))
	}
	assert.Equal(t, []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 3 * time.Second, 3 * time.Second}, got)
	p.Jitter = 0.5
	for i := 0; i < 100; i++ {
		d := p.backoff(3)
		require.GreaterOrEqual(t, d, time.Second)
		require.LessOrEqual(t, d, 2*time.Second)
	}
}
