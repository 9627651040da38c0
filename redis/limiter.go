package sonetredis

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/b24kit/sonet"
	"github.com/redis/go-redis/v9"
)

// Limiter is the portal's leaky bucket kept in Redis and shared by every
// process that uses the same Scope's portal: each request adds one to the
// level, the level drains Plan.PerSecond a second by the Redis server's
// clock, and a request that would lift it past Plan.Burst-1 (one request of
// headroom, like sonet.NewRateLimiter) is told to wait until it fits. The
// take-or-wait is one Lua script, so concurrent processes never both take
// the last place. It implements sonet.SharedLimiter; hand it to
// sonet.WithLimiter in every process. Safe for concurrent use.
type Limiter struct {
	rdb       redis.Scripter
	bucket    string
	blockPre  string
	rate      float64
	limit     float64
	fallback  sonet.Limiter
	onError   func(error)
	opTimeout time.Duration
	// unpaced is set while requests go out that the Redis bucket did not
	// count (fallback, or Reserve's fixed wait): the next reservation
	// Redis answers takes the bucket as full.
	unpaced atomic.Bool
}

// LimiterOption configures a Limiter.
type LimiterOption func(*Limiter) error

// WithFallback sets the limiter used while Redis cannot be reached, instead
// of failing the calls. Give it a share of the budget, for example
// sonet.NewRateLimiter(plan.PerSecond/N, plan.Burst/N) for N processes:
// several processes falling back together must not overflow the portal.
// Every fallback is reported to the WithErrorHandler function. The shared
// bucket does not see the requests the fallback paced, so when Redis
// answers again the first reservation takes it as full (no burst on top of
// them).
func WithFallback(l sonet.Limiter) LimiterOption {
	return func(o *Limiter) error {
		if l == nil {
			return &sonet.ValidationError{Field: "WithFallback", Reason: "nil Limiter"}
		}
		o.fallback = l
		return nil
	}
}

// WithErrorHandler sets a function told of every Redis failure, whether it
// failed the call or the fallback took over (for a log line or a metric).
func WithErrorHandler(f func(error)) LimiterOption {
	return func(o *Limiter) error {
		o.onError = f
		return nil
	}
}

// NewLimiter returns a limiter for scope's portal with plan's figures
// (sonet.StandardPlan or sonet.EnterprisePlan). rdb is any go-redis client
// (*redis.Client, *redis.ClusterClient...). It makes no call to Redis.
func NewLimiter(rdb redis.Scripter, scope Scope, plan sonet.Plan, opts ...LimiterOption) (*Limiter, error) {
	if rdb == nil {
		return nil, &sonet.ValidationError{Field: "rdb", Reason: "nil redis client"}
	}
	if err := scope.validate(); err != nil {
		return nil, err
	}
	if plan.PerSecond <= 0 || plan.Burst < 1 || math.IsInf(plan.PerSecond, 0) {
		return nil, &sonet.ValidationError{Field: "plan", Reason: "need PerSecond > 0 and Burst >= 1"}
	}
	l := &Limiter{
		rdb:       rdb,
		bucket:    scope.portalKey() + ":bucket",
		blockPre:  scope.credKey() + ":blocked:",
		rate:      plan.PerSecond,
		limit:     float64(plan.Burst),
		opTimeout: 5 * time.Second,
	}
	if plan.Burst >= 2 {
		l.limit-- // one request of headroom, as in sonet.NewRateLimiter
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(l); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// reserveScript takes one request from the bucket KEYS[1] unless the method
// block KEYS[2] (if given) is still in force. ARGV[3] is the mode: "take"
// one request, mark the bucket "full" (QUERY_LIMIT_EXCEEDED), or "recover"
// (after requests Redis did not count): fill it, then take one. Time is
// microseconds of the Redis server's clock. It returns {wait, blocked} in
// microseconds.
var reserveScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
if KEYS[2] then
  local untl = tonumber(redis.call('GET', KEYS[2]) or '0')
  if untl > now then
    return {0, untl - now}
  end
end
local rate = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local v = redis.call('HMGET', KEYS[1], 'level', 'at')
local level = tonumber(v[1]) or 0
local at = tonumber(v[2]) or now
if now > at then
  level = level - (now - at) / 1000000 * rate
  if level < 0 then level = 0 end
end
-- A clock that stepped back counts as no time passed: drain from now on.
at = now
if ARGV[3] ~= 'take' and level < limit then
  level = limit
end
if ARGV[3] ~= 'full' then
  level = level + 1
end
local wait = 0
if level > limit then
  wait = math.ceil((level - limit) / rate * 1000000)
end
redis.call('HSET', KEYS[1], 'level', string.format('%.6f', level), 'at', string.format('%d', at))
redis.call('PEXPIRE', KEYS[1], math.ceil(level / rate * 1000) + 60000)
return {wait, 0}
`)

// blockScript records that a method is blocked until ARGV[1] (unix
// microseconds), keeping the later of two blocks. A block ends at most
// ARGV[2] microseconds from now (maxBlock).
var blockScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local untl = tonumber(ARGV[1])
if untl > now + tonumber(ARGV[2]) then
  untl = now + tonumber(ARGV[2])
end
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
if untl > cur and untl > now then
  redis.call('SET', KEYS[1], string.format('%d', untl), 'PX', math.ceil((untl - now) / 1000) + 1000)
  return 1
end
return 0
`)

func (l *Limiter) run(ctx context.Context, keys []string, mode string) (wait, blocked time.Duration, err error) {
	ctx, cancel := context.WithTimeout(ctx, l.opTimeout)
	defer cancel()
	res, err := reserveScript.Run(ctx, l.rdb, keys, strconv.FormatFloat(l.rate, 'g', -1, 64), strconv.FormatFloat(l.limit, 'g', -1, 64), mode).Int64Slice()
	if err != nil {
		return 0, 0, err
	}
	if len(res) != 2 || res[0] < 0 || res[1] < 0 {
		return 0, 0, fmt.Errorf("unexpected script answer %v", res)
	}
	return time.Duration(res[0]) * time.Microsecond, time.Duration(res[1]) * time.Microsecond, nil
}

// ReserveFor takes one request for method from the shared budget (see
// sonet.SharedLimiter). While method is blocked for operating time it takes
// nothing and returns the time left. When Redis fails it uses the fallback
// if one is set, else returns an error matching ErrUnavailable.
func (l *Limiter) ReserveFor(ctx context.Context, method string) (wait, blocked time.Duration, err error) {
	keys := []string{l.bucket}
	if method != "" {
		keys = append(keys, l.blockPre+strings.ToLower(method))
	}
	mode := "take"
	if l.unpaced.Load() {
		mode = "recover"
	}
	wait, blocked, err = l.run(ctx, keys, mode)
	if err == nil {
		if mode == "recover" && blocked == 0 {
			l.unpaced.Store(false)
		}
		return wait, blocked, nil
	}
	if cerr := ctx.Err(); cerr != nil {
		return 0, 0, cerr
	}
	err = unavailable("reserve", err)
	if l.onError != nil {
		l.onError(err)
	}
	if l.fallback != nil {
		l.unpaced.Store(true)
		return l.fallback.Reserve(time.Now()), 0, nil
	}
	return 0, 0, err
}

// ThrottledContext marks the shared bucket full: the portal answered
// QUERY_LIMIT_EXCEEDED to some process.
func (l *Limiter) ThrottledContext(ctx context.Context) error {
	if _, _, err := l.run(ctx, []string{l.bucket}, "full"); err != nil {
		err = unavailable("throttled", err)
		if l.onError != nil {
			l.onError(err)
		}
		if l.fallback != nil {
			l.fallback.Throttled(time.Now())
		}
		return err
	}
	return nil
}

// maxBlock bounds one operating-limit block: the portal's window is ten
// one-minute baskets, so its operating_reset_at is at most ten minutes
// ahead; one more minute allows for the portal's and Redis's clocks.
const maxBlock = 11 * time.Minute

// BlockMethod holds method in every process until until (the portal's
// operating_reset_at), for at most 11 minutes by the Redis clock: a
// later until (a wrong clock or answer) would otherwise hold the method
// everywhere for as long.
func (l *Limiter) BlockMethod(ctx context.Context, method string, until time.Time) error {
	ctx, cancel := context.WithTimeout(ctx, l.opTimeout)
	defer cancel()
	key := l.blockPre + strings.ToLower(method)
	if err := blockScript.Run(ctx, l.rdb, []string{key}, strconv.FormatInt(until.UnixMicro(), 10), strconv.FormatInt(maxBlock.Microseconds(), 10)).Err(); err != nil {
		err = unavailable("block method", err)
		if l.onError != nil {
			l.onError(err)
		}
		return err
	}
	return nil
}

// Reserve implements sonet.Limiter for callers that do not know
// sonet.SharedLimiter (the sonet client uses ReserveFor). now is ignored:
// the Redis clock counts. When Redis fails it answers as the fallback does,
// or, without one, a wait of one request's share of the rate (it cannot
// report an error; ReserveFor does).
func (l *Limiter) Reserve(time.Time) time.Duration {
	wait, _, err := l.ReserveFor(context.Background(), "")
	if err != nil {
		l.unpaced.Store(true)
		return time.Duration(float64(time.Second) / l.rate)
	}
	return wait
}

// Throttled implements sonet.Limiter; see ThrottledContext.
func (l *Limiter) Throttled(time.Time) { _ = l.ThrottledContext(context.Background()) }

// String describes the limiter.
func (l *Limiter) String() string {
	return fmt.Sprintf("sonetredis.Limiter{key: %s, rate: %g/s, limit: %g}", l.bucket, l.rate, l.limit)
}

var _ sonet.SharedLimiter = (*Limiter)(nil)
