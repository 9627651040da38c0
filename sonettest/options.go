package sonettest

import "time"

// Option configures a Server created by NewServer.
type Option func(*config)

type config struct {
	now          func() time.Time
	loc          *time.Location
	code         string
	access       string
	clientID     string
	clientSecret string
	tokenLife    time.Duration
	rate         float64
	burst        int
	opLimit      time.Duration
	callCost     time.Duration
	faults       *Faults
	serverTime   *ServerTime
	dateLayout   string
}

// Default values used when no option overrides them.
const (
	DefaultWebhookCode  = "sonettestwebhook"
	DefaultClientID     = "local.sonettest"
	DefaultClientSecret = "sonettest-client-secret"
	DefaultCallCost     = 10 * time.Millisecond
)

func defaultConfig() config {
	return config{
		now:          time.Now,
		loc:          time.FixedZone("UTC+2", 2*60*60),
		code:         DefaultWebhookCode,
		clientID:     DefaultClientID,
		clientSecret: DefaultClientSecret,
		tokenLife:    time.Hour,
		callCost:     DefaultCallCost,
		dateLayout:   DefaultDateLayout,
	}
}

// WithRateLimit turns on the portal's leaky-bucket request limiter: every
// request that passes authentication adds one to a counter that drains by
// perSecond per second of server-clock time; a request that would take the
// counter past burst is answered 503 QUERY_LIMIT_EXCEEDED without running
// and without being counted. A batch counts as one request.
func WithRateLimit(perSecond float64, burst int) Option {
	return func(c *config) { c.rate, c.burst = perSecond, burst }
}

// WithOperatingLimit turns on the per-method "operating" limit: the cost of
// the calls of one method by one credential (the webhook, or the OAuth
// application) over the last 10 minutes is summed in one-minute baskets, and
// once the sum has reached limit the next call of that method is answered
// 429 OPERATION_TIME_LIMIT. The call that reaches the limit still runs.
func WithOperatingLimit(limit time.Duration) Option {
	return func(c *config) { c.opLimit = limit }
}

// WithCallCost sets the operating time every call is charged
// (DefaultCallCost by default). It is also the call's reported duration.
func WithCallCost(d time.Duration) Option {
	return func(c *config) { c.callCost = d }
}

// WithFaults injects failures into a share of the answers; see Faults.
func WithFaults(f Faults) Option {
	return func(c *config) { c.faults = &f }
}

// WithClock sets the server clock used for dates, token lifetimes and
// limits (time.Now by default).
func WithClock(now func() time.Time) Option {
	return func(c *config) {
		if now != nil {
			c.now = now
		}
	}
}

// WithLocation sets the portal time zone used in the dates it writes (a
// fixed +02:00 zone by default).
func WithLocation(loc *time.Location) Option {
	return func(c *config) {
		if loc != nil {
			c.loc = loc
		}
	}
}

// DefaultDateLayout is the layout of the portal-format dates
// socialnetwork.api.workgroup.get writes by default: month first, as in the
// docs' example ("04/17/2025 19:37:55").
const DefaultDateLayout = "01/02/2006 15:04:05"

// WithDateLayout sets the layout (a Go time layout) of the portal-format
// dates socialnetwork.api.workgroup.get writes. A portal writes them in its
// regional format, which the answer does not state: "01/02/2006 15:04:05"
// (the default), "02/01/2006 15:04:05" (day first) or "02.01.2006
// 15:04:05" (dotted). An empty layout keeps the default.
func WithDateLayout(layout string) Option {
	return func(c *config) {
		if layout != "" {
			c.dateLayout = layout
		}
	}
}

// WithWebhookCode sets the secret code of the admin's incoming webhook
// (DefaultWebhookCode by default).
func WithWebhookCode(code string) Option {
	return func(c *config) {
		if code != "" {
			c.code = code
		}
	}
}

// WithAccessToken sets the initial OAuth access token (random by default).
func WithAccessToken(token string) Option {
	return func(c *config) { c.access = token }
}

// WithOAuthClient sets the OAuth application's client ID and secret that the
// token endpoint accepts (DefaultClientID and DefaultClientSecret by default).
func WithOAuthClient(id, secret string) Option {
	return func(c *config) { c.clientID, c.clientSecret = id, secret }
}

// WithTokenLifetime sets how long an access token stays valid, by the server
// clock (1 hour by default).
func WithTokenLifetime(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.tokenLife = d
		}
	}
}
