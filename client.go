package sonet

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/b24kit/sonet/internal/simclock"
	"github.com/b24kit/sonet/internal/wire"
)

// Version is the SDK version sent in the User-Agent header.
const Version = "0.1.0"

// Client calls the REST API of one Bitrix24 portal. Make it once with
// NewWebhookClient or NewOAuthClient and share it: it is immutable after
// construction and safe for concurrent use.
//
// Each HTTP attempt times out after two minutes by default (the Timeout of
// the *http.Client it makes); an *http.Client given with WithHTTPClient
// brings its own Timeout, and a context deadline bounds the whole call,
// retries and waits included.
type Client struct {
	cred      credentials
	hc        *http.Client
	rt        http.RoundTripper // set by WithTransport
	live      *http.Client      // WithHTTPClient's: its Transport is read per request
	userAgent string
	log       *slog.Logger
	maxBody   int64
	allowHTTP bool
	limiter   Limiter
	retry     RetryPolicy
	clock     Clock
	opLimit   OperatingLimitMode
	ops       *operatingState
	observers []Observer
	dates     *portalDates
}

// Option configures a Client. Options validate their input; a bad option
// makes the constructor fail.
type Option func(*Client) error

// WithUserAgent prepends ua to the SDK's own User-Agent, so the portal's
// logs show which integration called.
func WithUserAgent(ua string) Option {
	return func(c *Client) error {
		if strings.ContainsAny(ua, "\r\n") {
			return &ValidationError{Field: "WithUserAgent", Reason: "line break in the user agent"}
		}
		c.userAgent = strings.TrimSpace(ua + " " + defaultUserAgent)
		return nil
	}
}

// WithLogger sets the logger. The default logs nothing. At debug level the
// client logs one line per HTTP attempt; every wait and retry is logged with
// its reason and length. Bodies, URLs and credentials are never logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *Client) error {
		if l == nil {
			return &ValidationError{Field: "WithLogger", Reason: "nil *slog.Logger"}
		}
		c.log = l
		return nil
	}
}

// WithMaxResponseBytes caps the size of an answer body (default
// DefaultMaxResponseBytes, 64 MiB, chosen from the largest answer the SDK
// asks for; see there). A larger body is an error, not an out-of-memory, and
// is not read further: reading a body that runs past the cap costs at most
// the cap, however long the body runs. A body within the cap read without
// a Content-Length is joined into one slice at the end, so for a moment it
// is held twice. Such an answer is not retried.
func WithMaxResponseBytes(n int64) Option {
	return func(c *Client) error {
		if n < 1024 {
			return &ValidationError{Field: "WithMaxResponseBytes", Reason: "cap below 1 KiB"}
		}
		c.maxBody = n
		return nil
	}
}

// WithInsecurePlainHTTP allows plain http to hosts that are not loopback.
// Credentials then cross the network in clear text; use it only inside a
// network you control. Loopback hosts (127.0.0.1, ::1, localhost) need no
// option.
func WithInsecurePlainHTTP() Option {
	return func(c *Client) error {
		c.allowHTTP = true
		return nil
	}
}

const defaultUserAgent = "b24kit-sonet/" + Version

// defaultTimeout bounds one HTTP attempt unless WithHTTPClient says otherwise.
const defaultTimeout = 2 * time.Minute

func newClient(opts []Option) (*Client, error) {
	c := &Client{
		userAgent: defaultUserAgent,
		log:       slog.New(discardHandler{}),
		maxBody:   DefaultMaxResponseBytes,
		retry:     DefaultRetryPolicy(),
		clock:     simclock.Real{},
		ops:       newOperatingState(),
		dates:     &portalDates{},
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(c); err != nil {
			return nil, err
		}
	}
	var hc http.Client
	switch {
	case c.hc != nil:
		hc, c.live = *c.hc, c.hc
	case c.rt != nil:
		hc = http.Client{Transport: c.rt, Timeout: defaultTimeout}
	default:
		hc = http.Client{Timeout: defaultTimeout}
	}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c.hc = &hc
	if c.limiter == nil {
		c.limiter = NewRateLimiter(StandardPlan.PerSecond, StandardPlan.Burst)
	}
	return c, nil
}

// NewWebhookClient returns a client for an incoming webhook, given its URL
// exactly as the portal shows it: https://portal.example/rest/1/abc123/ (the
// trailing slash is optional). Calls run with the rights of the webhook's
// user. The URL must use https unless its host is a loopback address.
func NewWebhookClient(webhookURL string, opts ...Option) (*Client, error) {
	c, err := newClient(opts)
	if err != nil {
		return nil, err
	}
	w, err := newWebhookAuth(webhookURL, c.allowHTTP)
	if err != nil {
		return nil, err
	}
	c.cred = w
	return c, nil
}

// NewOAuthClient returns a client for an OAuth application. portalURL is the
// portal's address (https://portal.example) or the client_endpoint of the
// token answer (https://portal.example/rest/); calls go to
// portalURL/rest/METHOD with accessToken as the auth parameter.
func NewOAuthClient(portalURL, accessToken string, opts ...Option) (*Client, error) {
	c, err := newClient(opts)
	if err != nil {
		return nil, err
	}
	o, err := newOAuthAuth(portalURL, accessToken, c.allowHTTP)
	if err != nil {
		return nil, err
	}
	c.cred = o
	return c, nil
}

// String describes the client without any credential.
func (c *Client) String() string {
	return "sonet.Client{portal: " + c.cred.host() + ", auth: " + c.cred.kind() + "}"
}

// GoString is String: %#v must not print credentials either.
func (c *Client) GoString() string { return c.String() }

// LogValue implements slog.LogValuer without credentials.
func (c *Client) LogValue() slog.Value {
	return slog.GroupValue(slog.String("portal", c.cred.host()), slog.String("auth", c.cred.kind()))
}

func (c *Client) redact(s string) string { return redactor(c.cred.secrets())(s) }

var methodName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$`)

// checkContext refuses a nil context with an error, as net/http does,
// instead of a nil-pointer panic.
func checkContext(ctx context.Context) error {
	if ctx == nil {
		return &ValidationError{Field: "ctx", Reason: "nil context.Context: pass context.Background() or a real context"}
	}
	return nil
}

// ctxErr is ctx.Err() that also refuses a nil context.
func ctxErr(ctx context.Context) error {
	if ctx == nil {
		return checkContext(ctx)
	}
	return ctx.Err()
}

// maxRefreshesPerCall bounds the token refreshes one call may cause.
const maxRefreshesPerCall = 2

type callKind uint8

const (
	kindWrite callKind = iota
	kindRead
	// kindReadOnce is a read its caller retries itself (a scan resends a
	// smaller request after a failure): failures are returned at once.
	kindReadOnce
)

// call runs one logical call: waits for the limiter, sends, decodes, and
// retries what may be retried (see retry.go).
func (c *Client) call(ctx context.Context, method string, kind callKind, form wire.Form, out any) (*Response, error) {
	return c.callN(ctx, method, kind, form, out, 0)
}

// callN is call with the number of batch commands, for the observers.
func (c *Client) callN(ctx context.Context, method string, kind callKind, form wire.Form, out any, commands int) (*Response, error) {
	if err := checkContext(ctx); err != nil {
		return nil, err
	}
	ctx, tr := c.startTrace(ctx, CallStart{Method: method, Portal: c.cred.host(), Write: kind == kindWrite, BatchCommands: commands})
	resp, err := c.attempts(ctx, tr, method, kind, form, out)
	tr.finish(err)
	return resp, err
}

// attempts is the loop of call.
func (c *Client) attempts(ctx context.Context, tr *callTrace, method string, kind callKind, form wire.Form, out any) (*Response, error) {
	body := form.Encode()
	// expiredTokens holds the tokens the portal declared expired during
	// this call. Each gets one refresh; the same token twice is final.
	var expiredTokens []string
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("sonet: %s: %w", method, err)
		}
		if err := c.waitTurn(ctx, tr, method, attempt); err != nil {
			return nil, err
		}
		tok, err := c.cred.token(ctx)
		if err != nil {
			return nil, err
		}
		sendStart := c.clock.Now()
		resp, sent, err := c.send(ctx, method, body, tok, attempt)
		tr.attempt(method, attempt, resp, err, c.clock.Now().Sub(sendStart))
		if err == nil {
			c.ops.observe(method, resp.Time)
			decode := c.decodeResult
			if kind == kindWrite {
				decode = c.decodeWriteResult
			}
			if err := decode(method, resp, out); err != nil {
				if kind == kindWrite {
					// Answered, but not with a result we can read: the
					// write may have run.
					return resp, outcomeUnknown(method, err)
				}
				return resp, err
			}
			return resp, nil
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			if kind == kindWrite && sent {
				// Cancelled after the request left: the portal may
				// have applied it.
				return nil, outcomeUnknown(method, ctxErr)
			}
			return nil, fmt.Errorf("sonet: %s: %w", method, ctxErr)
		}
		// The docs name expired_token; invalid_token is the tolerant
		// reading (spec §11, §12.12). The call is made again once with the
		// new token; only if that token too is declared expired (it expired
		// while the call was under way) is there a second refresh.
		if (errors.Is(err, ErrExpiredToken) || errors.Is(err, ErrInvalidToken)) && tok != "" &&
			len(expiredTokens) < maxRefreshesPerCall && !slices.Contains(expiredTokens, tok) {
			expiredTokens = append(expiredTokens, tok)
			ok, rerr := c.cred.refresh(ctx, tok)
			if rerr != nil {
				return nil, redactError(rerr, c.redact)
			}
			if ok {
				c.log.InfoContext(ctx, "sonet: access token expired, refreshed; calling again", "method", method)
				continue
			}
		}
		wait, retry, final := c.decide(ctx, method, kind, attempt, sent, err)
		if !retry {
			return nil, final
		}
		c.log.DebugContext(ctx, "sonet: retrying", "method", method, "attempt", attempt+1, "wait", wait, "reason", reasonOf(err))
		tr.wait(WaitEvent{Method: method, Kind: WaitRetry, Duration: wait, Attempt: attempt + 1, Reason: reasonOf(err)})
		if err := c.clock.Sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("sonet: %s: %w", method, err)
		}
	}
}

// send makes one HTTP attempt. sent reports whether the request may have
// reached the portal (false only when it provably did not leave).
func (c *Client) send(ctx context.Context, method, body, tok string, attempt int) (*Response, bool, error) {
	if tok != "" {
		if body != "" {
			body += "&"
		}
		body += wire.Form{{Key: "auth", Value: tok}}.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cred.endpoint(method), strings.NewReader(body))
	if err != nil {
		return nil, false, redactError(err, c.redact)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	start := c.clock.Now()
	hr, err := c.httpClient().Do(req)
	if err != nil {
		c.log.DebugContext(ctx, "sonet: http attempt failed", "method", method, "attempt", attempt, "error", c.redact(err.Error()))
		return nil, !neverSent(err), &TransportError{Method: method, Err: redactError(err, c.redact)}
	}
	defer hr.Body.Close()
	raw, rerr := readBody(hr.Body, hr.ContentLength, c.maxBody)
	c.log.DebugContext(ctx, "sonet: http attempt", "method", method, "attempt", attempt, "status", hr.StatusCode, "bytes", len(raw), "elapsed", c.clock.Now().Sub(start))
	ct := hr.Header.Get("Content-Type")
	if errors.Is(rerr, errTooLarge) {
		// The same answer would come again: final, never retried.
		return nil, true, &ResponseError{HTTPStatus: hr.StatusCode, ContentType: ct, Method: method, Reason: fmt.Sprintf("body larger than %d bytes", c.maxBody), final: true}
	}
	if rerr != nil {
		return nil, true, &TransportError{Method: method, Err: redactError(rerr, c.redact), Status: hr.StatusCode}
	}
	if hr.StatusCode >= 300 && hr.StatusCode < 400 {
		return nil, true, &ResponseError{HTTPStatus: hr.StatusCode, ContentType: ct, Method: method, Reason: "the portal answered with a redirect: its address may have changed"}
	}
	resp, err := decodeEnvelope(method, hr.StatusCode, ct, bytes.TrimSpace(raw), c.redact)
	return resp, true, err
}

// neverSent reports whether err proves the request did not leave: the
// portal's name did not resolve or the connection was never made.
func neverSent(err error) bool {
	var dnsErr *net.DNSError
	var opErr *net.OpError
	return errors.As(err, &dnsErr) || (errors.As(err, &opErr) && opErr.Op == "dial")
}

func (c *Client) decodeResult(method string, r *Response, out any) error {
	return finishResponseError(decodeResult(method, r, out), c.redact)
}

// decodeWriteResult is decodeResult for a write (see decodeWriteResult).
func (c *Client) decodeWriteResult(method string, r *Response, out any) error {
	return finishResponseError(decodeWriteResult(method, r, out), c.redact)
}

type discardHandler struct{}

func (discardHandler) Enabled(context.Context, slog.Level) bool  { return false }
func (discardHandler) Handle(context.Context, slog.Record) error { return nil }
func (d discardHandler) WithAttrs([]slog.Attr) slog.Handler      { return d }
func (d discardHandler) WithGroup(string) slog.Handler           { return d }
