package sonet

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Sentinel secrets: none of them may appear in any output.
const (
	sentinelCode    = "S3NT1NELwebhookc0de"
	sentinelAccess  = "S3NT1NELaccesst0ken"
	sentinelRefresh = "S3NT1NELrefresht0ken"
	sentinelSecret  = "S3NT1NELclients3cret"
	sentinelCode2   = "S3NT1NELauthc0de"
)

var sentinels = []string{sentinelCode, sentinelAccess, sentinelRefresh, sentinelSecret, sentinelCode2}

// leakScan collects every text the SDK gives out.
type leakScan struct {
	mu    sync.Mutex
	texts []string
	logs  bytes.Buffer
}

func (s *leakScan) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(lockedWriter{s}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type lockedWriter struct{ s *leakScan }

func (w lockedWriter) Write(p []byte) (int, error) {
	w.s.mu.Lock()
	defer w.s.mu.Unlock()
	return w.s.logs.Write(p)
}

func (s *leakScan) add(texts ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.texts = append(s.texts, texts...)
}

// printed adds every fmt rendering of v and a log line holding it.
func (s *leakScan) printed(l *slog.Logger, v any) {
	s.add(fmt.Sprintf("%v", v), fmt.Sprintf("%+v", v), fmt.Sprintf("%#v", v), fmt.Sprintf("%s", v))
	l.Debug("value", "v", v)
}

// failed records err, its renderings and those of every error in its chain;
// a *url.Error anywhere in the chain is searched field by field.
func (s *leakScan) failed(t *testing.T, label string, err error) {
	t.Helper()
	require.Error(t, err, label)
	var walk func(e error)
	walk = func(e error) {
		if e == nil {
			return
		}
		s.add(label+": "+e.Error(), fmt.Sprintf("%+v", e), fmt.Sprintf("%#v", e))
		if ue, ok := e.(*url.Error); ok {
			s.add(ue.URL, ue.Op)
		}
		switch u := e.(type) {
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		case interface{ Unwrap() []error }:
			for _, x := range u.Unwrap() {
				walk(x)
			}
		}
	}
	walk(err)
	var ue *url.Error
	if errors.As(err, &ue) {
		s.add(ue.URL, ue.Error())
	}
}

// leaks returns every collected text that holds a sentinel.
func (s *leakScan) leaks() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, text := range append([]string{s.logs.String()}, s.texts...) {
		for _, sec := range sentinels {
			if strings.Contains(text, sec) {
				out = append(out, sec+" in: "+text)
			}
		}
	}
	return out
}

func (s *leakScan) check(t *testing.T) {
	t.Helper()
	for _, l := range s.leaks() {
		t.Errorf("secret leaked: %s", l)
	}
}

// echoServer answers every request with the page fn writes, after
// echoing the request path and query (as many error pages do).
func echoServer(t *testing.T, fn func(w http.ResponseWriter, r *http.Request, echo string)) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		fn(w, r, r.URL.Path+"?"+r.URL.RawQuery+" "+string(body))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return "http://" + addr
}

func TestSecretsNeverLeak(t *testing.T) {
	var scan leakScan
	log := scan.logger()
	ctx := context.Background()
	fast := WithRetryPolicy(RetryPolicy{MaxAttempts: 2})
	webhook := func(base string, opts ...Option) *Client {
		c, err := NewWebhookClient(base+"/rest/1/"+sentinelCode+"/", append([]Option{WithLogger(log), WithoutRateLimit(), fast}, opts...)...)
		require.NoError(t, err)
		scan.printed(log, c)
		scan.printed(log, *c)
		return c
	}

	html := echoServer(t, func(w http.ResponseWriter, _ *http.Request, echo string) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(502)
		fmt.Fprintf(w, "<html><body>502 Bad Gateway for %s</body></html>", echo)
	})
	badJSON := echoServer(t, func(w http.ResponseWriter, _ *http.Request, echo string) {
		fmt.Fprintf(w, `{"result":[{"ID":"1","NAME":%q`, echo)
	})
	apiErr := echoServer(t, func(w http.ResponseWriter, _ *http.Request, echo string) {
		w.WriteHeader(400)
		fmt.Fprintf(w, `{"error":"INVALID","error_description":%q}`, "Wrong group ID "+echo)
	})
	redirect := echoServer(t, func(w http.ResponseWriter, r *http.Request, _ string) {
		http.Redirect(w, r, "https://elsewhere.example"+r.URL.Path, http.StatusFound)
	})
	slow := echoServer(t, func(w http.ResponseWriter, r *http.Request, _ string) {
		select {
		case <-r.Context().Done():
		case <-time.After(2 * time.Second):
		}
	})
	dead := closedPort(t)

	for name, base := range map[string]string{"html": html, "bad json": badJSON, "api error": apiErr, "redirect": redirect, "dial": dead} {
		c := webhook(base)
		_, err := c.GetGroup(ctx, 77)
		scan.failed(t, name+" read", err)
		err = c.DeleteGroup(ctx, 77)
		scan.failed(t, name+" write", err)
		_, err = c.Call(ctx, "sonet_group.get", map[string]any{"FILTER": map[string]any{"NAME": "x"}}, nil)
		scan.failed(t, name+" raw call", err)
	}

	// Timeout of the HTTP client, and a cancelled or expired context.
	c := webhook(slow, WithHTTPClient(&http.Client{Timeout: 30 * time.Millisecond}))
	_, err := c.GetGroup(ctx, 77)
	scan.failed(t, "client timeout", err)
	var ue *url.Error
	require.ErrorAs(t, err, &ue, "the *url.Error stays reachable, cleaned")
	assert.NotContains(t, ue.URL, sentinelCode)
	assert.Contains(t, ue.URL, "/rest/1/[REDACTED]/sonet_group.get")
	c = webhook(slow)
	tctx, cancel := context.WithTimeout(ctx, 30*time.Millisecond)
	_, err = c.GetGroup(tctx, 77)
	cancel()
	scan.failed(t, "deadline", err)
	cctx, cancel := context.WithCancel(ctx)
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	err = c.DeleteGroup(cctx, 77)
	scan.failed(t, "cancel", err)

	// A batch whose request failed as a whole.
	b := NewBatch()
	cmd := BatchGetGroup(b, 77)
	scan.failed(t, "batch request", webhook(html).RunBatch(ctx, b))
	scan.failed(t, "batch request handle", cmd.Err())

	// Misuse is an error, not a panic, and quotes no secret.
	var none context.Context
	_, err = webhook(html).GetGroup(none, 1)
	require.ErrorIs(t, err, ErrValidation, "a nil context is refused")
	scan.failed(t, "nil context", err)

	// OAuth: an expired token whose refresh fails in every way.
	portal := echoServer(t, func(w http.ResponseWriter, _ *http.Request, echo string) {
		w.WriteHeader(401)
		fmt.Fprintf(w, `{"error":"expired_token","error_description":%q}`, "The access token provided has expired: "+echo)
	})
	tokenPages := map[string]string{
		"refused": echoServer(t, func(w http.ResponseWriter, _ *http.Request, echo string) {
			w.WriteHeader(400)
			fmt.Fprintf(w, `{"error":"invalid_grant","error_description":%q}`, "Invalid token in "+echo)
		}),
		"html": echoServer(t, func(w http.ResponseWriter, _ *http.Request, echo string) {
			w.WriteHeader(500)
			fmt.Fprintf(w, "<html>500 for %s</html>", echo)
		}),
		"bad json": echoServer(t, func(w http.ResponseWriter, _ *http.Request, echo string) {
			fmt.Fprintf(w, `{"access_token":%q`, echo)
		}),
		"dial": dead,
		"slow": slow,
	}
	for name, tokenBase := range tokenPages {
		app, err := NewOAuthApp("app.sentinel", sentinelSecret, WithTokenURL(tokenBase+"/oauth/token/"),
			WithAppHTTPClient(&http.Client{Timeout: 50 * time.Millisecond}))
		require.NoError(t, err)
		scan.printed(log, app)
		scan.printed(log, *app)
		tok := Token{AccessToken: sentinelAccess, RefreshToken: sentinelRefresh, ClientEndpoint: portal + "/rest/"}
		store := NewMemoryTokenStore(tok)
		scan.printed(log, tok)
		scan.printed(log, store)
		scan.printed(log, *store)
		oc, err := NewOAuthAppClient(ctx, app, store, WithLogger(log), WithoutRateLimit(), fast)
		require.NoError(t, err)
		scan.printed(log, oc)
		scan.printed(log, *oc)
		for range 2 {
			_, err = oc.GetGroup(ctx, 77)
			scan.failed(t, "refresh "+name, err)
		}
		_, err = app.ExchangeCode(ctx, sentinelCode2)
		scan.failed(t, "exchange "+name, err)
		_, err = app.Refresh(ctx, sentinelRefresh)
		scan.failed(t, "refresh call "+name, err)
	}
	// Plain OAuth client without refresh.
	oc, err := NewOAuthClient(portal, sentinelAccess, WithLogger(log), WithoutRateLimit())
	require.NoError(t, err)
	scan.printed(log, oc)
	_, err = oc.GetGroup(ctx, 77)
	scan.failed(t, "oauth expired", err)
	assert.ErrorIs(t, err, ErrExpiredToken)

	// Constructors refusing a URL do not quote it.
	for _, raw := range []string{"ftp://p.example/rest/1/" + sentinelCode + "/", "https://p.example/hooks/" + sentinelCode, "https://p.example/rest/1/" + sentinelCode + "/?x=1"} {
		_, err := NewWebhookClient(raw)
		scan.failed(t, "constructor", err)
	}

	require.NotEmpty(t, scan.logs.String(), "the debug log was written")
	scan.check(t)
}

// TestSecretsBatchCommandError runs a batch whose command fails with a
// description echoing the request: the description is redacted.
func TestSecretsBatchCommandError(t *testing.T) {
	var scan leakScan
	base := echoServer(t, func(w http.ResponseWriter, _ *http.Request, echo string) {
		fmt.Fprintf(w, `{"result":{"result":[],"result_error":{"c0":{"error":"","error_description":%q}}}}`, "Wrong group ID "+echo)
	})
	c, err := NewWebhookClient(base+"/rest/1/"+sentinelCode+"/", WithLogger(scan.logger()), WithoutRateLimit())
	require.NoError(t, err)
	b := NewBatch()
	cmd := BatchGetGroup(b, 77)
	err = c.RunBatch(context.Background(), b)
	var be *BatchError
	require.ErrorAs(t, err, &be)
	assert.Equal(t, []string{"c0"}, be.Failed)
	scan.failed(t, "batch command", err)
	scan.failed(t, "batch command handle", cmd.Err())
	scan.check(t)
}

// TestSecretsScanWouldSeeALeak proves the scan is not blind: a raw
// *url.Error deep in a chain is found.
func TestSecretsScanWouldSeeALeak(t *testing.T) {
	var scan leakScan
	raw := &url.Error{Op: "Post", URL: "https://p.example/rest/1/" + sentinelCode + "/x", Err: errors.New("boom")}
	scan.failed(t, "raw", fmt.Errorf("wrapped: %w", &redacted{msg: "clean", err: raw}))
	l := scan.leaks()
	require.NotEmpty(t, l)
	assert.Contains(t, strings.Join(l, "\n"), `URL:"https://p.example/rest/1/`+sentinelCode+`/x"`)
}

func TestTokenPrintsWithoutSecrets(t *testing.T) {
	tok := startToken()
	tok.Expires = time.Date(2026, 3, 19, 16, 0, 0, 0, time.UTC)
	want := "sonet.Token{access_token: [REDACTED], refresh_token: [REDACTED], expires: 2026-03-19T16:00:00Z, client_endpoint: https://portal.example/rest/, member_id: " + testMemberID + ", scope: , status: , user_id: 0}"
	assert.Equal(t, want, tok.String())
	assert.Equal(t, want, tok.GoString())
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("t", "token", tok)
	assert.NotContains(t, buf.String(), oldAccess)
	assert.Contains(t, buf.String(), "token.member_id="+testMemberID)
	assert.Equal(t, `sonet.Token{access_token: "", refresh_token: "", expires: 0001-01-01T00:00:00Z, client_endpoint: , member_id: , scope: , status: , user_id: 0}`, Token{}.String())
}
