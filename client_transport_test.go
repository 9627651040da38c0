package sonet

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// However the transport is handed over, a redirect is not followed, not
// even when the caller's *http.Client would follow it: a redirected POST
// loses its body.
func TestRedirectIsNotFollowedWhateverTheTransportOption(t *testing.T) {
	for name, opt := range map[string]func(*httpmock.MockTransport) Option{
		"WithTransport": func(mt *httpmock.MockTransport) Option { return WithTransport(mt) },
		"WithHTTPClient that follows": func(mt *httpmock.MockTransport) Option {
			return WithHTTPClient(&http.Client{Transport: mt, CheckRedirect: func(*http.Request, []*http.Request) error { return nil }})
		},
	} {
		t.Run(name, func(t *testing.T) {
			mt := httpmock.NewMockTransport()
			mt.RegisterResponder("POST", testEndpoint+"sonet_group.create", func(*http.Request) (*http.Response, error) {
				r := httpmock.NewStringResponse(http.StatusFound, "")
				r.Header.Set("Location", testEndpoint+"moved")
				return r, nil
			})
			mt.RegisterResponder("GET", testEndpoint+"moved", httpmock.NewStringResponder(200, `{"result":5}`))
			c, err := NewWebhookClient(testWebhook, opt(mt), WithTestDefaults())
			require.NoError(t, err)
			_, err = c.CreateGroup(context.Background(), &GroupCreateRequest{Name: "x"})
			assert.ErrorIs(t, err, ErrOutcomeUnknown)
			assert.Contains(t, err.Error(), "the portal answered with a redirect")
			assert.Equal(t, 1, mt.GetTotalCallCount())
		})
	}
}

// The Timeout of a client given to WithHTTPClient still bounds each
// attempt, with net/http's own message, now that its Transport is read at
// every request (a wrapping RoundTripper used to cost the "Client.Timeout
// exceeded" hint, and a timer goroutine per request).
func TestWithHTTPClientKeepsItsTimeout(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // so the server notices the client leave
		select {
		case <-r.Context().Done(): // the client gave up
		case <-time.After(10 * time.Second):
		}
	}))
	defer srv.Close()
	hc := &http.Client{Transport: &http.Transport{}, Timeout: 50 * time.Millisecond}
	c, err := NewWebhookClient(srv.URL+"/rest/1/"+testWebhookCode+"/", WithHTTPClient(hc),
		WithTestDefaults(), WithRetryPolicy(RetryPolicy{MaxAttempts: 1}))
	require.NoError(t, err)
	_, err = c.GetGroup(context.Background(), 1)
	var te *TransportError
	require.ErrorAs(t, err, &te)
	assert.Contains(t, err.Error(), "(Client.Timeout exceeded while awaiting headers)")
	assert.NotContains(t, err.Error(), testWebhookCode)
}

// The trap of issue #10 for the OAuth app's own client: with
// httpmock.ActivateNonDefault(hc) after NewOAuthApp, the token request
// (client secret and refresh token in its query) went to the real token
// endpoint. (Uses httpmock's global state, so not parallel.)
func TestActivateNonDefaultAfterNewOAuthAppIsSeen(t *testing.T) {
	hc := &http.Client{}
	app, err := NewOAuthApp("app.1", "app-secret-value", WithAppHTTPClient(hc), WithTokenURL("https://oauth.example/oauth/token/"))
	require.NoError(t, err)

	httpmock.ActivateNonDefault(hc)
	defer httpmock.DeactivateAndReset()
	httpmock.RegisterResponder("GET", "https://oauth.example/oauth/token/", httpmock.NewStringResponder(200,
		`{"access_token":"new-access","refresh_token":"new-refresh","expires_in":3600,"client_endpoint":"https://portal.example/rest/"}`))

	tok, err := app.Refresh(context.Background(), "old-refresh")
	require.NoError(t, err)
	assert.Equal(t, "new-refresh", tok.RefreshToken)
	assert.Equal(t, 1, httpmock.GetTotalCallCount())
}
