package sonet

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The app, tokens and answers of settings/oauth/*.md.
const (
	testClientID     = "app.573ad8a0346747.09223434"
	testClientSecret = "LJSl0lNB76B5YY6u0YVQ3AW0DrVADcRTwVr4y99PXU1BWQybWK"
	testTokenURL     = "https://oauth.example/oauth/token/"
	testPortalREST   = "https://portal.example/rest/"
	testMemberID     = "a223c6b3710f85df22e9377d6c4f7553"
	oldAccess        = "s1morf609228iwyjjpvfv6wsvuja4p8u"
	oldRefresh       = "nfhxkzk3gvrg375wl7u7xex9awz6o3k8"
	newAccess        = "ydtj8pho532wydb5ixk78ol7uqlb7sch" // testdata/oauth/refresh*.json
	newRefresh       = "3s6lr4kr3cv2od4v853gvrchb875bwxb"
	otherAccess      = "0therpr0cessacce55t0ken00000000"
	otherRefresh     = "0therpr0cessrefre5ht0ken0000000"
	featureBody      = "GROUP_ID=77&FEATURE=blog&OPERATION=write_post"
	featureMethod    = "sonet_group.feature.access"
)

const refreshQuery = "grant_type=refresh_token&client_id=" + testClientID + "&client_secret=" + testClientSecret + "&refresh_token="

func startToken() Token {
	return Token{AccessToken: oldAccess, RefreshToken: oldRefresh, ClientEndpoint: testPortalREST, MemberID: testMemberID}
}

// tokenCalls records the queries the token endpoint received.
type tokenCalls struct {
	mu      sync.Mutex
	queries []string
}

func (tc *tokenCalls) Queries() []string {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	return append([]string(nil), tc.queries...)
}

// respond records the query, runs before (if any) and answers.
func (tc *tokenCalls) respond(status int, body []byte, before func()) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		tc.mu.Lock()
		tc.queries = append(tc.queries, req.URL.RawQuery)
		tc.mu.Unlock()
		if before != nil {
			before()
		}
		resp := httpmock.NewBytesResponse(status, body)
		resp.Header.Set("Content-Type", "application/json")
		return resp, nil
	}
}

// expiringPortal answers expired_token to calls made with the expired
// tokens and ok to the others, recording every body.
func expiringPortal(t *testing.T, rec *recorded, ok []byte, expired ...string) httpmock.Responder {
	exp := fixture(t, "oauth/expired_token.json")
	return func(req *http.Request) (*http.Response, error) {
		b, _ := io.ReadAll(req.Body)
		rec.mu.Lock()
		rec.bodies = append(rec.bodies, string(b))
		rec.urls = append(rec.urls, req.URL.String())
		rec.mu.Unlock()
		status, body := 200, ok
		for _, e := range expired {
			if strings.HasSuffix(string(b), "&auth="+e) {
				status, body = 401, exp
			}
		}
		resp := httpmock.NewBytesResponse(status, body)
		resp.Header.Set("Content-Type", "application/json")
		return resp, nil
	}
}

func newTestApp(t *testing.T, mt *httpmock.MockTransport) *OAuthApp {
	t.Helper()
	app, err := NewOAuthApp(testClientID, testClientSecret, WithTokenURL(testTokenURL), WithAppHTTPClient(&http.Client{Transport: mt}))
	require.NoError(t, err)
	return app
}

func newAppClient(t *testing.T, store TokenStore, opts ...Option) (*Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	base := []Option{WithHTTPClient(&http.Client{Transport: mt}), WithoutRateLimit(), WithRetryPolicy(RetryPolicy{MaxAttempts: 3})}
	c, err := NewOAuthAppClient(context.Background(), newTestApp(t, mt), store, append(base, opts...)...)
	require.NoError(t, err)
	return c, mt
}

func callFeature(c *Client) (bool, error) {
	return c.CanAccessFeature(context.Background(), 77, FeatureBlog, OperationWritePost)
}

func loadStore(t *testing.T, s TokenStore) Token {
	t.Helper()
	tok, err := s.Load(context.Background())
	require.NoError(t, err)
	return tok
}

func TestOAuthRefreshesOnExpiredTokenAndRepeatsTheCall(t *testing.T) {
	store := NewMemoryTokenStore(startToken())
	c, mt := newAppClient(t, store)
	var rec recorded
	var tc tokenCalls
	mt.RegisterResponder("POST", testPortalREST+featureMethod, expiringPortal(t, &rec, fixture(t, "sonet_group.feature.access/ok_true.json"), oldAccess))
	mt.RegisterResponder("GET", testTokenURL, tc.respond(200, fixture(t, "oauth/refresh_full.json"), nil))

	ok, err := callFeature(c)
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, []string{featureBody + "&auth=" + oldAccess, featureBody + "&auth=" + newAccess}, rec.Bodies())
	assert.Equal(t, []string{testPortalREST + featureMethod, testPortalREST + featureMethod}, rec.URLs())
	assert.Equal(t, []string{refreshQuery + oldRefresh}, tc.Queries())
	assert.Equal(t, Token{
		AccessToken: newAccess, RefreshToken: newRefresh,
		Expires: time.Unix(1773934520, 0), ExpiresIn: time.Hour,
		Domain: "oauth.bitrix.info", ServerEndpoint: "https://oauth.bitrix.info/rest/", ClientEndpoint: testPortalREST,
		MemberID: testMemberID, Scope: "sonet_group,socialnetwork", Status: "L", UserID: 67,
	}, loadStore(t, store))

	// The next call goes out with the new token at once: no second refresh.
	_, err = callFeature(c)
	require.NoError(t, err)
	assert.Equal(t, featureBody+"&auth="+newAccess, rec.Bodies()[2])
	assert.Len(t, tc.Queries(), 1)
}

func TestOAuthNeverRefreshesAhead(t *testing.T) {
	tok := startToken()
	tok.Expires = time.Now().Add(-24 * time.Hour) // long past by our clock
	c, mt := newAppClient(t, NewMemoryTokenStore(tok))
	var rec recorded
	mt.RegisterResponder("POST", testPortalREST+featureMethod, rec.respond(200, fixture(t, "sonet_group.feature.access/ok_true.json")))
	var tc tokenCalls
	mt.RegisterResponder("GET", testTokenURL, tc.respond(200, fixture(t, "oauth/refresh_full.json"), nil))
	_, err := callFeature(c)
	require.NoError(t, err)
	assert.Equal(t, []string{featureBody + "&auth=" + oldAccess}, rec.Bodies())
	assert.Empty(t, tc.Queries(), "only the portal's expired_token starts a refresh")
}

func TestOAuthConcurrentCallsShareOneRefresh(t *testing.T) {
	const n = 20
	store := NewMemoryTokenStore(startToken())
	c, mt := newAppClient(t, store)
	var rec recorded
	oldSeen := make(chan struct{}, n)
	portal := expiringPortal(t, &rec, fixture(t, "sonet_group.feature.access/ok_true.json"), oldAccess)
	mt.RegisterResponder("POST", testPortalREST+featureMethod, func(req *http.Request) (*http.Response, error) {
		resp, err := portal(req)
		if resp.StatusCode == 401 {
			oldSeen <- struct{}{}
		}
		return resp, err
	})
	var tc tokenCalls
	// The refresh answers only once all n calls have met the expired token.
	mt.RegisterResponder("GET", testTokenURL, tc.respond(200, fixture(t, "oauth/refresh_full.json"), func() {
		for range n {
			select {
			case <-oldSeen:
			case <-time.After(5 * time.Second):
				t.Error("not every call met the expired token")
				return
			}
		}
	}))

	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = callFeature(c)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		assert.NoError(t, err)
	}
	assert.Equal(t, []string{refreshQuery + oldRefresh}, tc.Queries(), "one refresh for all")
	var olds, news int
	for _, b := range rec.Bodies() {
		switch b {
		case featureBody + "&auth=" + oldAccess:
			olds++
		case featureBody + "&auth=" + newAccess:
			news++
		default:
			t.Errorf("unexpected body %q", b)
		}
	}
	assert.Equal(t, [2]int{n, n}, [2]int{olds, news})
	assert.Equal(t, newRefresh, loadStore(t, store).RefreshToken)
}

func TestOAuthFinalRefusalsAreNeverRepeated(t *testing.T) {
	cases := []struct {
		fixture string
		status  int
		code    Code
		desc    string
	}{
		{"invalid_grant.json", 400, ErrInvalidGrant, "Invalid authorization tokens were provided"},
		{"invalid_client.json", 401, ErrInvalidClient, "Invalid client data was provided"},
		{"payment_required.json", 402, ErrPaymentRequired, "Payment required"},
	}
	for _, tc := range cases {
		t.Run(string(tc.code), func(t *testing.T) {
			store := NewMemoryTokenStore(startToken())
			c, mt := newAppClient(t, store)
			var rec recorded
			var calls tokenCalls
			mt.RegisterResponder("POST", testPortalREST+featureMethod, expiringPortal(t, &rec, fixture(t, "sonet_group.feature.access/ok_true.json"), oldAccess))
			mt.RegisterResponder("GET", testTokenURL, calls.respond(tc.status, fixture(t, "oauth/"+tc.fixture), nil))
			for range 2 {
				_, err := callFeature(c)
				require.Error(t, err)
				assert.ErrorIs(t, err, tc.code)
				var oe *OAuthError
				require.ErrorAs(t, err, &oe)
				assert.Equal(t, OAuthError{HTTPStatus: tc.status, Code: string(tc.code), Description: tc.desc}, *oe)
				assert.EqualError(t, err, "sonet: oauth/token: "+string(tc.code)+": "+tc.desc+" (HTTP "+itoa(tc.status)+")")
			}
			assert.Equal(t, []string{refreshQuery + oldRefresh}, calls.Queries(), "the refused token is not sent again")
			assert.Equal(t, []string{featureBody + "&auth=" + oldAccess, featureBody + "&auth=" + oldAccess}, rec.Bodies())
			assert.Equal(t, startToken(), loadStore(t, store))

			// The user authorizes again: the new pair in the store is used.
			ok, err := store.CompareAndSwap(context.Background(), startToken(), Token{AccessToken: otherAccess, RefreshToken: otherRefresh, ClientEndpoint: testPortalREST})
			require.True(t, ok)
			require.NoError(t, err)
			_, err = callFeature(c)
			require.NoError(t, err)
			assert.Equal(t, featureBody+"&auth="+otherAccess, rec.Bodies()[3])
			assert.Len(t, calls.Queries(), 1)
		})
	}
}

func TestOAuthInvalidGrantRereadsTheStore(t *testing.T) {
	store := NewMemoryTokenStore(startToken())
	c, mt := newAppClient(t, store)
	var rec recorded
	var tc tokenCalls
	mt.RegisterResponder("POST", testPortalREST+featureMethod, expiringPortal(t, &rec, fixture(t, "sonet_group.feature.access/ok_true.json"), oldAccess))
	// Another process spends the refresh token first and stores its pair.
	other := Token{AccessToken: otherAccess, RefreshToken: otherRefresh, ClientEndpoint: testPortalREST}
	mt.RegisterResponder("GET", testTokenURL, tc.respond(400, fixture(t, "oauth/invalid_grant.json"), func() {
		ok, err := store.CompareAndSwap(context.Background(), startToken(), other)
		assert.True(t, ok)
		assert.NoError(t, err)
	}))
	_, err := callFeature(c)
	require.NoError(t, err)
	assert.Equal(t, []string{featureBody + "&auth=" + oldAccess, featureBody + "&auth=" + otherAccess}, rec.Bodies())
	assert.Len(t, tc.Queries(), 1)
	assert.Equal(t, other, loadStore(t, store))
}

func TestOAuthUsesNewerPairFromStoreWithoutRefreshing(t *testing.T) {
	store := NewMemoryTokenStore(startToken())
	c, mt := newAppClient(t, store)
	other := Token{AccessToken: otherAccess, RefreshToken: otherRefresh, ClientEndpoint: testPortalREST}
	_, err := store.CompareAndSwap(context.Background(), startToken(), other) // another process refreshed
	require.NoError(t, err)
	var rec recorded
	var tc tokenCalls
	mt.RegisterResponder("POST", testPortalREST+featureMethod, expiringPortal(t, &rec, fixture(t, "sonet_group.feature.access/ok_true.json"), oldAccess))
	mt.RegisterResponder("GET", testTokenURL, tc.respond(200, fixture(t, "oauth/refresh_full.json"), nil))
	_, err = callFeature(c)
	require.NoError(t, err)
	assert.Equal(t, []string{featureBody + "&auth=" + oldAccess, featureBody + "&auth=" + otherAccess}, rec.Bodies())
	assert.Empty(t, tc.Queries())
}

// racyStore is a MemoryTokenStore whose CompareAndSwap first lets another
// writer in (lose) or fails (fail).
type racyStore struct {
	*MemoryTokenStore
	lose, fail bool
	winner     Token
}

func (s *racyStore) CompareAndSwap(ctx context.Context, old, next Token) (bool, error) {
	switch {
	case s.fail:
		return false, errors.New("database is down")
	case s.lose:
		s.lose = false
		cur, _ := s.Load(ctx)
		_, _ = s.MemoryTokenStore.CompareAndSwap(ctx, cur, s.winner)
	}
	return s.MemoryTokenStore.CompareAndSwap(ctx, old, next)
}

func TestOAuthLostCompareAndSwapTakesTheStoredPair(t *testing.T) {
	winner := Token{AccessToken: otherAccess, RefreshToken: otherRefresh, ClientEndpoint: testPortalREST}
	store := &racyStore{MemoryTokenStore: NewMemoryTokenStore(startToken()), lose: true, winner: winner}
	c, mt := newAppClient(t, store)
	var rec recorded
	var tc tokenCalls
	mt.RegisterResponder("POST", testPortalREST+featureMethod, expiringPortal(t, &rec, fixture(t, "sonet_group.feature.access/ok_true.json"), oldAccess))
	mt.RegisterResponder("GET", testTokenURL, tc.respond(200, fixture(t, "oauth/refresh_full.json"), nil))
	_, err := callFeature(c)
	require.NoError(t, err)
	assert.Equal(t, []string{featureBody + "&auth=" + oldAccess, featureBody + "&auth=" + otherAccess}, rec.Bodies())
	assert.Equal(t, winner, loadStore(t, store))
}

func TestOAuthStoreFailureKeepsTheNewPairInMemory(t *testing.T) {
	var logs bytes.Buffer
	store := &racyStore{MemoryTokenStore: NewMemoryTokenStore(startToken()), fail: true}
	c, mt := newAppClient(t, store, WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	var rec recorded
	var tc tokenCalls
	mt.RegisterResponder("POST", testPortalREST+featureMethod, expiringPortal(t, &rec, fixture(t, "sonet_group.feature.access/ok_true.json"), oldAccess, newAccess))
	mt.RegisterResponder("GET", testTokenURL, tc.respond(200, fixture(t, "oauth/refresh_full.json"), nil))
	_, err := callFeature(c)
	// The portal declares newAccess expired too, and the token server hands
	// it out again: the call refreshes once per expired token and then
	// reports expired_token.
	assert.ErrorIs(t, err, ErrExpiredToken)
	assert.Contains(t, logs.String(), `level=ERROR msg="sonet: refreshed OAuth tokens could not be saved; they live in this process only" error="token store failure"`)
	// The second refresh ran on the in-memory refresh token, not the spent one.
	assert.Equal(t, []string{refreshQuery + oldRefresh, refreshQuery + newRefresh}, tc.Queries())
	assert.Equal(t, []string{featureBody + "&auth=" + oldAccess, featureBody + "&auth=" + newAccess, featureBody + "&auth=" + newAccess}, rec.Bodies())
	assert.Equal(t, startToken(), loadStore(t, store))
}

func TestOAuthTransientRefreshFailureIsTriedAgainNextCall(t *testing.T) {
	store := NewMemoryTokenStore(startToken())
	c, mt := newAppClient(t, store)
	var rec recorded
	var tc tokenCalls
	mt.RegisterResponder("POST", testPortalREST+featureMethod, expiringPortal(t, &rec, nil, oldAccess))
	html := []byte("<html><body>502 Bad Gateway " + testClientSecret + "</body></html>")
	mt.RegisterResponder("GET", testTokenURL, tc.respond(502, html, nil))
	for range 2 {
		_, err := callFeature(c)
		var re *ResponseError
		require.ErrorAs(t, err, &re)
		assert.ErrorIs(t, err, ErrBadResponse)
		assert.Equal(t, "oauth/token", re.Method)
		assert.Equal(t, 502, re.HTTPStatus)
		assert.Equal(t, "<html><body>502 Bad Gateway [REDACTED]</body></html>", re.Excerpt)
	}
	assert.Len(t, tc.Queries(), 2, "a failure without a definite refusal does not bury the token")

	mt.RegisterResponder("GET", testTokenURL, httpmock.NewErrorResponder(errors.New("connection reset")))
	_, err := callFeature(c)
	var te *TransportError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, "oauth/token", te.Method)
	assert.NotContains(t, err.Error(), testClientSecret)
	assert.NotContains(t, err.Error(), oldRefresh)
	assert.Contains(t, err.Error(), "connection reset")
}

func TestOAuthRefreshOutlivesTheCallerThatStartedIt(t *testing.T) {
	store := NewMemoryTokenStore(startToken())
	c, mt := newAppClient(t, store)
	var rec recorded
	var tc tokenCalls
	release := make(chan struct{})
	mt.RegisterResponder("POST", testPortalREST+featureMethod, expiringPortal(t, &rec, fixture(t, "sonet_group.feature.access/ok_true.json"), oldAccess))
	// The caller's deadline passes while the refresh is out (a 50 ms
	// timer could pass before the call reached the refresh, on a loaded
	// machine: then no refresh had started to outlive it).
	ctx := newCueDeadline()
	mt.RegisterResponder("GET", testTokenURL, tc.respond(200, fixture(t, "oauth/refresh_full.json"), func() { ctx.pass(); <-release }))
	_, err := c.CanAccessFeature(ctx, 77, FeatureBlog, OperationWritePost)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	close(release)
	require.Eventually(t, func() bool { return loadStore(t, store).AccessToken == newAccess }, 5*time.Second, 5*time.Millisecond,
		"the rotated pair is saved although its caller left")
	_, err = callFeature(c)
	require.NoError(t, err)
	assert.Equal(t, featureBody+"&auth="+newAccess, rec.Bodies()[1])
	assert.Len(t, tc.Queries(), 1)
}
