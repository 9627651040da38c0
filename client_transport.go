package sonet

import "net/http"

// WithHTTPClient sets the HTTP client used for every request.
//
// The client is copied when the Client is built: its Timeout, Jar and other
// fields are read once, and later changes to them are not seen. The one
// exception is the Transport field, which is read again at every request,
// so httpmock.ActivateNonDefault(hc) works whether it runs before or after
// the Client is built, and its Deactivate restores the real transport.
// As with any *http.Client, setting Transport while calls are in flight is
// a data race: swap it between calls. The SDK never follows redirects on
// its own (a redirected POST would lose its body), so the copy has
// redirects switched off whatever hc says.
//
// To hand over only a transport (an httpmock.MockTransport, a recorder, an
// instrumented http.RoundTripper) use WithTransport, the simpler option.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error {
		if hc == nil {
			return &ValidationError{Field: "WithHTTPClient", Reason: "nil *http.Client"}
		}
		c.hc = hc
		c.rt = nil
		return nil
	}
}

// WithTransport sends every request through rt (with the default timeout of
// two minutes and no redirects followed), for example a per-test
// httpmock.NewMockTransport():
//
//	mt := httpmock.NewMockTransport()
//	c, err := sonet.NewWebhookClient(url, sonet.WithTransport(mt), sonet.WithTestDefaults())
//
// Unlike the package-global httpmock.Activate, a private transport does
// not change http.DefaultTransport, so tests using it may run in parallel.
func WithTransport(rt http.RoundTripper) Option {
	return func(c *Client) error {
		if rt == nil {
			return &ValidationError{Field: "WithTransport", Reason: "nil http.RoundTripper"}
		}
		c.rt = rt
		c.hc = nil
		return nil
	}
}

// httpClient returns the client for one request; see liveClient.
func (c *Client) httpClient() *http.Client { return liveClient(c.hc, c.live) }

// liveClient returns the client for one request: base, the copy made at
// construction, with the Transport of the caller's own *http.Client (live,
// from WithHTTPClient or WithAppHTTPClient) read now. A copy per request
// rather than a wrapping RoundTripper keeps net/http's own handling of its
// transports (a Timeout reported as "Client.Timeout exceeded", no timer
// goroutine per request).
func liveClient(base, live *http.Client) *http.Client {
	if live == nil {
		return base
	}
	hc := *base
	hc.Transport = live.Transport
	return &hc
}
