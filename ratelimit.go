package sonet

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Limiter paces requests on the client side so the portal's leaky bucket
// never overflows. One Limiter is shared by every goroutine using a Client
// (a batch counts once). Implement it to share one budget between several
// processes (for example over Redis); NewRateLimiter is the in-process one.
type Limiter interface {
	// Reserve takes one request from the budget at now and returns how long
	// the caller must wait before sending it (0: send at once).
	Reserve(now time.Time) time.Duration
	// Throttled tells the limiter that the portal still answered
	// QUERY_LIMIT_EXCEEDED: the bucket is fuller than the limiter thought.
	Throttled(now time.Time)
}

// Plan holds the portal's leaky-bucket figures: the bucket drains PerSecond
// requests a second and overflows past Burst.
type Plan struct {
	PerSecond float64
	Burst     int
}

var (
	// StandardPlan is every plan but Enterprise: 2 requests/s, burst 50.
	StandardPlan = Plan{PerSecond: 2, Burst: 50}
	// EnterprisePlan is the Enterprise plan: 5 requests/s, burst 250.
	EnterprisePlan = Plan{PerSecond: 5, Burst: 250}
)

// WithRateLimit sets the client-side limit: perSecond requests a second
// with bursts of up to burst. The default is StandardPlan.
func WithRateLimit(perSecond float64, burst int) Option {
	return func(c *Client) error {
		if perSecond <= 0 || burst < 1 {
			return &ValidationError{Field: "WithRateLimit", Reason: "need perSecond > 0 and burst >= 1"}
		}
		c.limiter = NewRateLimiter(perSecond, burst)
		return nil
	}
}

// WithPlan sets the client-side limit to a plan's figures, e.g. EnterprisePlan.
func WithPlan(p Plan) Option { return WithRateLimit(p.PerSecond, p.Burst) }

// WithLimiter sets a Limiter of your own, e.g. one shared across processes.
func WithLimiter(l Limiter) Option {
	return func(c *Client) error {
		if l == nil {
			return &ValidationError{Field: "WithLimiter", Reason: "nil Limiter"}
		}
		c.limiter = l
		return nil
	}
}

// WithoutRateLimit switches client-side pacing off (for tests against a fake
// portal). QUERY_LIMIT_EXCEEDED answers are still retried.
func WithoutRateLimit() Option {
	return func(c *Client) error {
		c.limiter = noLimit{}
		return nil
	}
}

type noLimit struct{}

func (noLimit) Reserve(time.Time) time.Duration { return 0 }
func (noLimit) Throttled(time.Time)             {}

// NewRateLimiter returns a leaky bucket like the portal's own: each request
// adds one to the level, the level drains perSecond a second, and a request
// that would lift it past burst-1 waits until it fits (one request of
// headroom absorbs the clock skew between client and portal).
func NewRateLimiter(perSecond float64, burst int) Limiter {
	return &bucket{rate: perSecond, burst: float64(burst)}
}

type bucket struct {
	mu    sync.Mutex
	rate  float64
	burst float64
	level float64 // may pass burst: reservations already handed out
	at    time.Time
}

func (b *bucket) drain(now time.Time) {
	if !b.at.IsZero() && now.After(b.at) {
		b.level -= now.Sub(b.at).Seconds() * b.rate
		if b.level < 0 {
			b.level = 0
		}
	}
	if now.After(b.at) {
		b.at = now
	}
}

func (b *bucket) Reserve(now time.Time) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.drain(now)
	b.level++
	limit := b.limit()
	if b.level <= limit {
		return 0
	}
	return time.Duration((b.level - limit) / b.rate * float64(time.Second))
}

// limit is the level requests may fill the bucket to at once: the burst
// less one request of headroom. The portal's bucket starts draining when our
// first request arrives there (later than here) and requests reach it with
// uneven delays, so equal figures would still overflow it now and then.
func (b *bucket) limit() float64 {
	if b.burst >= 2 {
		return b.burst - 1
	}
	return b.burst
}

func (b *bucket) Throttled(now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.drain(now)
	if l := b.limit(); b.level < l {
		b.level = l
	}
}

// Clock is the client's source of time, injectable so limiter, backoff and
// operating-limit tests are exact and fast.
type Clock interface {
	Now() time.Time
	// Sleep waits d or until ctx is done, whichever comes first, and
	// returns ctx.Err() in the second case.
	Sleep(ctx context.Context, d time.Duration) error
}

// WithClock replaces the wall clock the client reads and sleeps on: the
// rate limiter, retry backoff, operating-limit waits and scan pacing all
// go through it. It exists for simulated time: a test or benchmark gives
// a fake Clock whose Sleep advances its Now at once, so hours of pacing
// run in milliseconds and every wait can be asserted exactly (the
// benchmarks in bench/ and the otel module's tests do this). Production
// code leaves it alone.
func WithClock(clk Clock) Option {
	return func(c *Client) error {
		if clk == nil {
			return &ValidationError{Field: "WithClock", Reason: "nil Clock"}
		}
		c.clock = clk
		return nil
	}
}

// OperatingLimitMode says what a call does when its method is blocked for
// operating time (HTTP 429 OPERATION_TIME_LIMIT).
type OperatingLimitMode uint8

const (
	// WaitForOperatingReset waits until the method's operating_reset_at and
	// calls again (bounded by the context and the retry policy). Default.
	WaitForOperatingReset OperatingLimitMode = iota
	// FailOnOperatingLimit returns the OPERATION_TIME_LIMIT error at once.
	FailOnOperatingLimit
)

// WithOperatingLimit sets what happens when a method's operating-time
// budget is spent.
func WithOperatingLimit(m OperatingLimitMode) Option {
	return func(c *Client) error {
		if m > FailOnOperatingLimit {
			return &ValidationError{Field: "WithOperatingLimit", Reason: fmt.Sprintf("unknown mode %d", m)}
		}
		c.opLimit = m
		return nil
	}
}

// operatingState remembers, per method, the last operating_reset_at seen and
// until when the method is blocked.
type operatingState struct {
	mu      sync.Mutex
	resetAt map[string]time.Time
	blocked map[string]time.Time
}

func newOperatingState() *operatingState {
	return &operatingState{resetAt: map[string]time.Time{}, blocked: map[string]time.Time{}}
}

func (o *operatingState) observe(method string, t Timing) {
	if t.OperatingResetAt.IsZero() {
		return
	}
	o.mu.Lock()
	o.resetAt[method] = t.OperatingResetAt
	o.mu.Unlock()
}

// block marks method as refused: first retry at the last reset time seen,
// or a minute on (the next basket) when that is past.
func (o *operatingState) block(method string, now time.Time) {
	o.mu.Lock()
	defer o.mu.Unlock()
	until := o.resetAt[method]
	if !until.After(now) {
		until = now.Add(time.Minute)
	}
	o.blocked[method] = until
}

func (o *operatingState) blockedUntil(method string) time.Time {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.blocked[method]
}

func (o *operatingState) unblock(method string) {
	o.mu.Lock()
	delete(o.blocked, method)
	o.mu.Unlock()
}

// waitTurn waits for an operating-limit block on method to end, then for
// the rate limiter. Every wait is logged with its reason and length. A
// SharedLimiter is asked for shared blocks and its budget (limiter_shared.go).
func (c *Client) waitTurn(ctx context.Context, tr *callTrace, method string, attempt int) error {
	sl, shared := c.limiter.(SharedLimiter)
	for {
		if until := c.ops.blockedUntil(method); !until.IsZero() {
			if err := c.waitOperating(ctx, tr, method, attempt, until.Sub(c.clock.Now())); err != nil {
				return err
			}
			c.ops.unblock(method)
		}
		var d time.Duration
		if shared {
			wait, blocked, err := sl.ReserveFor(ctx, method)
			if err != nil {
				if ctxErr := ctx.Err(); ctxErr != nil {
					return fmt.Errorf("sonet: %s: %w", method, ctxErr)
				}
				return &LimiterError{Method: method, Err: err}
			}
			if blocked > 0 {
				// Another process met OPERATION_TIME_LIMIT: nothing was
				// taken from the budget; wait and ask again.
				if err := c.waitOperating(ctx, tr, method, attempt, blocked); err != nil {
					return err
				}
				continue
			}
			d = wait
		} else {
			d = c.limiter.Reserve(c.clock.Now())
		}
		if d > 0 {
			c.log.InfoContext(ctx, "sonet: waiting for rate limit", "method", method, "wait", d)
			tr.wait(WaitEvent{Method: method, Kind: WaitRateLimit, Duration: d, Attempt: attempt})
			if err := c.clock.Sleep(ctx, d); err != nil {
				return fmt.Errorf("sonet: %s: %w", method, err)
			}
		}
		return nil
	}
}

func (c *Client) waitOperating(ctx context.Context, tr *callTrace, method string, attempt int, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	c.log.WarnContext(ctx, "sonet: waiting for operating limit reset", "method", method, "wait", d)
	tr.wait(WaitEvent{Method: method, Kind: WaitOperatingLimit, Duration: d, Attempt: attempt})
	if err := c.clock.Sleep(ctx, d); err != nil {
		return fmt.Errorf("sonet: %s: %w", method, err)
	}
	return nil
}
