package sonet

// NoWaitRetryPolicy returns a retry policy for tests: three attempts with no
// wait between them. A failing read (a missing httpmock responder, a
// deliberate 502) is tried three times and fails in microseconds instead of
// the default policy's five attempts over about 5.5 s, and retries stay
// observable: a read whose first answer is a 502 still succeeds.
func NoWaitRetryPolicy() RetryPolicy { return RetryPolicy{MaxAttempts: 3} }

// WithTestDefaults is the preset for tests: no client-side pacing
// (WithoutRateLimit), no wait between retries (NoWaitRetryPolicy) and no
// wait for an operating-time reset (FailOnOperatingLimit). Against the fake
// portal:
//
//	srv := sonettest.Start(t) // closed by t.Cleanup
//	c, err := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithTestDefaults())
//
// and against httpmock (see also package sonetmock, whose New does both
// lines):
//
//	mt := httpmock.NewMockTransport()
//	c, err := sonet.NewWebhookClient("https://portal.example/rest/1/code/",
//		sonet.WithTransport(mt), sonet.WithTestDefaults())
//
// It is an Option rather than a Client method of sonettest because the SDK's
// own tests import sonettest, so sonettest cannot import this package; one
// option works the same with the fake portal, httpmock and a recording.
// Options after it override it (WithRetryPolicy, WithClock, ...). Against
// a fake portal with its rate limit on (sonettest.WithRateLimit) the three
// instant attempts may all be refused; a test of pacing or backoff sets
// WithRateLimit, WithRetryPolicy and a fake Clock of its own.
func WithTestDefaults() Option {
	return func(c *Client) error {
		c.limiter = noLimit{}
		c.retry = NoWaitRetryPolicy()
		c.opLimit = FailOnOperatingLimit
		return nil
	}
}
