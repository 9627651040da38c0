package sonet

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewWebhookClientAcceptsThePortalsForms(t *testing.T) {
	for _, u := range []string{
		"https://portal.example/rest/1/abc123/",
		"https://portal.example/rest/1/abc123",
		"  https://portal.example/rest/1/abc123/ ",
		"http://127.0.0.1:8080/rest/7/abc_123-x/",
		"http://localhost/rest/1/abc123/",
		"http://[::1]:9000/rest/1/abc123/",
	} {
		c, err := NewWebhookClient(u)
		require.NoError(t, err, u)
		assert.True(t, strings.HasSuffix(c.cred.endpoint("sonet_group.get"), "/abc123/sonet_group.get") ||
			strings.HasSuffix(c.cred.endpoint("sonet_group.get"), "/abc_123-x/sonet_group.get"), u)
	}
}

func TestNewWebhookClientRejectsBadURLsWithoutEchoingThem(t *testing.T) {
	cases := map[string]string{
		"":                                                     "sonet: invalid webhook URL: empty",
		"http://portal.example/rest/1/c0de42/":                 "sonet: invalid webhook URL: plain http is allowed only for loopback hosts; use https",
		"ftp://portal.example/rest/1/c0de42/":                  `sonet: invalid webhook URL: scheme "ftp": want https`,
		"https://portal.example/api/1/c0de42/":                 "sonet: invalid webhook URL: path must start with /rest/ (want https://portal.example/rest/USER_ID/CODE/)",
		"https://portal.example/rest/c0de42/":                  "sonet: invalid webhook URL: path must be /rest/USER_ID/CODE/ with a numeric user ID and a webhook code",
		"https://portal.example/rest/1/":                       "sonet: invalid webhook URL: path must be /rest/USER_ID/CODE/ with a numeric user ID and a webhook code",
		"https://portal.example/rest/x/c0de42/":                "sonet: invalid webhook URL: path must be /rest/USER_ID/CODE/ with a numeric user ID and a webhook code",
		"https://portal.example/rest/1/c0de42/?a=b":            "sonet: invalid webhook URL: query or fragment is not allowed in the URL",
		"https://u:c0de42@portal.example/rest/1/x/":            "sonet: invalid webhook URL: user info is not allowed in the URL",
		"https:///rest/1/c0de42/":                              "sonet: invalid webhook URL: no host (want https://portal.example/...)",
		"https://portal.example/rest/1/c0de42/sonet_group.get": "sonet: invalid webhook URL: path must be /rest/USER_ID/CODE/ with a numeric user ID and a webhook code",
		"://c0de42": "sonet: invalid webhook URL: not a URL",
	}
	for in, msg := range cases {
		_, err := NewWebhookClient(in)
		require.Error(t, err, in)
		assert.Equal(t, msg, err.Error(), in)
		assert.ErrorIs(t, err, ErrValidation)
		assert.NotContains(t, err.Error(), "c0de42", in)
	}
}

func TestPlainHTTPNeedsTheLoudOption(t *testing.T) {
	_, err := NewWebhookClient("http://10.0.0.5/rest/1/abc123/")
	require.ErrorIs(t, err, ErrValidation)
	c, err := NewWebhookClient("http://10.0.0.5/rest/1/abc123/", WithInsecurePlainHTTP())
	require.NoError(t, err)
	assert.Equal(t, "http://10.0.0.5/rest/1/abc123/x.y", c.cred.endpoint("x.y"))
}

func TestNewOAuthClientEndpointAndAuthParam(t *testing.T) {
	for _, base := range []string{"https://portal.example", "https://portal.example/", "https://portal.example/rest/", "https://portal.example/rest"} {
		mt := httpmock.NewMockTransport()
		var rec recorded
		mt.RegisterResponder("POST", "https://portal.example/rest/sonet_group.delete", rec.respond(200, []byte(`{"result":true}`)))
		c, err := NewOAuthClient(base, "acc3ss.T0ken", WithHTTPClient(&http.Client{Transport: mt}), WithoutRateLimit())
		require.NoError(t, err, base)
		require.NoError(t, c.DeleteGroup(context.Background(), 77))
		assert.Equal(t, []string{"GROUP_ID=77&auth=acc3ss.T0ken"}, rec.Bodies(), base)
	}
	_, err := NewOAuthClient("https://portal.example/other/", "tok")
	assert.EqualError(t, err, "sonet: invalid portal URL: path must be empty or /rest/ (the client_endpoint of the token answer)")
	_, err = NewOAuthClient("https://portal.example", "")
	assert.EqualError(t, err, "sonet: invalid access token: empty")
	_, err = NewOAuthClient("https://portal.example", "a b&c")
	assert.EqualError(t, err, "sonet: invalid access token: contains characters a token never has")
}

func TestOptionsValidate(t *testing.T) {
	for _, o := range []Option{WithHTTPClient(nil), WithLogger(nil), WithUserAgent("a\nb"), WithMaxResponseBytes(10),
		WithRateLimit(0, 1), WithRetryPolicy(RetryPolicy{}), WithLimiter(nil), WithClock(nil), WithOperatingLimit(9)} {
		_, err := NewWebhookClient(testWebhook, o)
		assert.ErrorIs(t, err, ErrValidation)
	}
}

func TestClientNeverPrintsItsCredentials(t *testing.T) {
	c, _ := newMockClient(t)
	for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%v %+v %#v %s", c, c, c, c)} {
		assert.NotContains(t, s, testWebhookCode)
	}
	assert.Equal(t, "sonet.Client{portal: portal.example, auth: webhook}", c.String())
	o, err := NewOAuthClient("https://portal.example", "t0k3nS3cr3t")
	require.NoError(t, err)
	assert.NotContains(t, fmt.Sprintf("%+v %#v", o, o), "t0k3nS3cr3t")
}

func TestCallRawMethodDecodesEnvelopeAndTime(t *testing.T) {
	c, mt := newMockClient(t, WithUserAgent("myapp/2.0"))
	var ua, ct string
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.create", func(r *http.Request) (*http.Response, error) {
		ua, ct = r.Header.Get("User-Agent"), r.Header.Get("Content-Type")
		return httpmock.NewBytesResponse(200, fixture(t, "sonet_group.create/seed000_ok.json")), nil
	})
	var id int
	resp, err := c.Call(context.Background(), "sonet_group.create", map[string]any{"NAME": "x"}, &id)
	require.NoError(t, err)
	assert.Equal(t, 77, id)
	assert.Equal(t, "myapp/2.0 b24kit-sonet/"+Version, ua)
	assert.Equal(t, "application/x-www-form-urlencoded", ct)
	assert.Equal(t, 200, resp.HTTPStatus)
	assert.False(t, resp.HasTotal)
	assert.False(t, resp.HasNext)
	tm := resp.Time
	assert.Equal(t, time.Unix(1773921687, 0), tm.Start)
	assert.Equal(t, time.Unix(1773921688, 71989000), tm.Finish)
	assert.Equal(t, 1071989*time.Microsecond, tm.Duration)
	assert.Equal(t, time.Second, tm.Processing)
	assert.Equal(t, "2026-03-19T15:01:27+02:00", tm.DateStart.Format(time.RFC3339))
	assert.Equal(t, "2026-03-19T15:01:28+02:00", tm.DateFinish.Format(time.RFC3339))
	assert.Equal(t, time.Unix(1773922287, 0), tm.OperatingResetAt)
	assert.Equal(t, 942191*time.Microsecond, tm.Operating)
}

func TestCallRefusesBadMethodNamesAndParams(t *testing.T) {
	c, mt := newMockClient(t)
	for _, m := range []string{"", "sonet_group.get?x=1", "../x", "a b", ".get"} {
		_, err := c.Call(context.Background(), m, nil, nil)
		assert.ErrorIs(t, err, ErrValidation, m)
	}
	_, err := c.Call(context.Background(), "sonet_group.update", map[string]any{"VISIBLE": false}, nil)
	assert.EqualError(t, err, `sonet: invalid params: wire: key "VISIBLE": a Go bool has no single meaning on the wire: pass "Y"/"N" or 1/0`)
	assert.Equal(t, 0, mt.GetTotalCallCount())
}

func TestBadResponsesAreClearErrors(t *testing.T) {
	cases := []struct {
		name   string
		status int
		body   string
		msg    string
	}{
		{"html 502", 502, "<html><body><h1>502 Bad Gateway</h1></body></html>", `sonet: sonet_group.get: bad response (HTTP 502, text/html): not a JSON object; body starts "<html><body><h1>502 Bad Gateway</h1></body></html>"`},
		{"truncated", 200, `{"result":[{"ID":"77","NAME":"Pro`, `sonet: sonet_group.get: bad response (HTTP 200, text/html): invalid or truncated JSON; body starts "{\"result\":[{\"ID\":\"77\",\"NAME\":\"Pro"`},
		{"empty", 200, "", `sonet: sonet_group.get: bad response (HTTP 200, text/html): empty body`},
		{"no result", 200, `{"time":{}}`, `sonet: sonet_group.get: bad response (HTTP 200, text/html): no "result" in the answer; body starts "{\"time\":{}}"`},
		{"status without code", 500, `{"result":[]}`, `sonet: sonet_group.get: bad response (HTTP 500, text/html): error status without an error code; body starts "{\"result\":[]}"`},
		{"wrong row type", 200, `{"result":[{"ID":"x"}]}`, `sonet: sonet_group.get: bad response (HTTP 200): result of the wrong shape: group: not an integer: "x"; body starts "[{\"ID\":\"x\"}]"`},
		{"result not a list", 200, `{"result":{"a":1}}`, `sonet: sonet_group.get: bad response (HTTP 200): result of the wrong shape: want a JSON list of groups: {"a":1}; body starts "{\"a\":1}"`},
		{"bad total", 200, `{"result":[],"total":"many"}`, `sonet: sonet_group.get: bad response (HTTP 200, text/html): "total" not an integer: "many"; body starts "{\"result\":[],\"total\":\"many\"}"`},
	}
	for _, tc := range cases {
		c, mt := newMockClient(t, WithRetryPolicy(RetryPolicy{MaxAttempts: 1}))
		mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", func(*http.Request) (*http.Response, error) {
			r := httpmock.NewStringResponse(tc.status, tc.body)
			r.Header.Set("Content-Type", "text/html")
			return r, nil
		})
		p, err := c.ListGroups(context.Background(), nil)
		assert.Nil(t, p, tc.name)
		require.Error(t, err, tc.name)
		assert.ErrorIs(t, err, ErrBadResponse, tc.name)
		assert.Equal(t, tc.msg, err.Error(), tc.name)
	}
}

func TestEmptyErrorCodeWith200IsStillAnError(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.update", httpmock.NewStringResponder(200, `{"error":"","error_description":"Cannot update group","result":77}`))
	_, err := c.UpdateGroup(context.Background(), &GroupUpdateRequest{GroupID: 77, Name: String("x")})
	assert.ErrorIs(t, err, ErrCannotUpdateGroup)
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 200, ae.HTTPStatus)
}

func TestOversizedBodyIsRefused(t *testing.T) {
	c, mt := newMockClient(t, WithMaxResponseBytes(2048), WithRetryPolicy(RetryPolicy{MaxAttempts: 1}))
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", httpmock.NewStringResponder(200, `{"result":"`+strings.Repeat("x", 4096)+`"}`))
	_, err := c.ListGroups(context.Background(), nil)
	assert.EqualError(t, err, "sonet: sonet_group.get: bad response (HTTP 200): body larger than 2048 bytes")
}

func TestRedirectIsNotFollowed(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.create", func(*http.Request) (*http.Response, error) {
		r := httpmock.NewStringResponse(302, "")
		r.Header.Set("Location", "https://new.example/rest/1/"+testWebhookCode+"/sonet_group.create")
		return r, nil
	})
	_, err := c.CreateGroup(context.Background(), &GroupCreateRequest{Name: "x"})
	assert.Equal(t, 1, mt.GetTotalCallCount())
	assert.ErrorIs(t, err, ErrOutcomeUnknown)
	assert.ErrorIs(t, err, ErrBadResponse)
	assert.Contains(t, err.Error(), "the portal answered with a redirect: its address may have changed")
	assert.NotContains(t, err.Error(), testWebhookCode)
}

func TestCancelledContextReturnsContextErrorAndSendsNothing(t *testing.T) {
	c, mt := newMockClient(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.GetGroup(ctx, 77)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 0, mt.GetTotalCallCount())
}

func TestDeadlineDuringRequestReturnsDeadlineExceeded(t *testing.T) {
	c, mt := newMockClient(t)
	// The deadline passes while the request is out (a 20 ms timer could
	// pass before the request left, on a loaded machine: then nothing
	// was sent).
	ctx := newCueDeadline()
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", func(r *http.Request) (*http.Response, error) {
		ctx.pass()
		<-r.Context().Done()
		return nil, r.Context().Err()
	})
	_, err := c.ListGroups(ctx, nil)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, 1, mt.GetTotalCallCount(), "no retry after the deadline")
	assert.NotContains(t, err.Error(), testWebhookCode)
}

func TestTransportErrorIsRedacted(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.delete", httpmock.NewErrorResponder(errors.New("connection reset by peer")))
	err := c.DeleteGroup(context.Background(), 77)
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrOutcomeUnknown)
	var te *TransportError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, "sonet_group.delete", te.Method)
	assert.NotContains(t, err.Error(), testWebhookCode)
	assert.Contains(t, err.Error(), "https://portal.example/rest/1/[REDACTED]/sonet_group.delete")
	assert.Contains(t, err.Error(), "connection reset by peer")
	for u := errors.Unwrap(te); u != nil; u = errors.Unwrap(u) {
		assert.NotContains(t, u.Error(), testWebhookCode)
	}
}

func TestOAuthTokenIsEscapedInTheBody(t *testing.T) {
	mt := httpmock.NewMockTransport()
	var rec recorded
	mt.RegisterResponder("POST", "https://portal.example/rest/sonet_group.delete", rec.respond(200, []byte(`{"result":true}`)))
	c, err := NewOAuthClient("https://portal.example", "ab+c/d=", WithHTTPClient(&http.Client{Transport: mt}), WithoutRateLimit())
	require.NoError(t, err)
	require.NoError(t, c.DeleteGroup(context.Background(), 1))
	assert.Equal(t, []string{"GROUP_ID=1&auth=ab%2Bc%2Fd%3D"}, rec.Bodies())
}
