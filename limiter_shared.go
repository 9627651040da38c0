package sonet

import (
	"context"
	"errors"
	"time"
)

// SharedLimiter is a Limiter whose budget lives outside the process, shared
// by every process that calls one portal (github.com/b24kit/sonet/redis
// implements it on Redis). When the Limiter given to WithLimiter implements
// it, the client uses these methods instead of Reserve and Throttled:
//
//   - they take a context and may fail (the store is across a network);
//     a failed ReserveFor fails the call with a *LimiterError before
//     anything is sent: the client never sends unpaced because the shared
//     budget could not be asked;
//   - the limiter keeps its own clock (for Redis, the server's), so the
//     hosts' clocks need not agree;
//   - an operating-limit block (OPERATION_TIME_LIMIT) met by one process
//     holds the method in every process until the portal's
//     operating_reset_at.
type SharedLimiter interface {
	Limiter
	// ReserveFor takes one request for method from the shared budget and
	// returns how long to wait before sending it. If method is blocked by
	// the operating limit it takes nothing and returns blocked > 0, the
	// time left until the block ends; the client waits that long and asks
	// again.
	ReserveFor(ctx context.Context, method string) (wait, blocked time.Duration, err error)
	// ThrottledContext is Throttled on the shared budget: the portal
	// answered QUERY_LIMIT_EXCEEDED, so the bucket is fuller than the
	// limiter thought.
	ThrottledContext(ctx context.Context) error
	// BlockMethod records that the portal refuses method for operating
	// time until until, for every process sharing the limiter.
	BlockMethod(ctx context.Context, method string, until time.Time) error
}

// ErrLimiterUnavailable is matched by the error of a call that was not sent
// because its SharedLimiter failed (its store could not be reached).
var ErrLimiterUnavailable = errors.New("sonet: shared rate limiter unavailable")

// LimiterError is the error of a call whose SharedLimiter failed before the
// request was sent: nothing reached the portal, so the call may be made
// again. It matches ErrLimiterUnavailable and its cause.
type LimiterError struct {
	Method string
	Err    error
}

// Error says which call was not sent and why.
func (e *LimiterError) Error() string {
	return "sonet: " + e.Method + ": shared rate limiter: " + e.Err.Error() + " (nothing was sent)"
}

// Unwrap returns ErrLimiterUnavailable and the cause.
func (e *LimiterError) Unwrap() []error { return []error{ErrLimiterUnavailable, e.Err} }

// throttled tells the limiter the portal answered QUERY_LIMIT_EXCEEDED. A
// shared limiter that cannot be told is logged: the retry's ReserveFor will
// fail the call if the store is really gone.
func (c *Client) throttled(ctx context.Context) {
	sl, ok := c.limiter.(SharedLimiter)
	if !ok {
		c.limiter.Throttled(c.clock.Now())
		return
	}
	if err := sl.ThrottledContext(ctx); err != nil {
		c.log.WarnContext(ctx, "sonet: shared rate limiter could not record QUERY_LIMIT_EXCEEDED", "error", err.Error())
	}
}

// blockMethod blocks method after OPERATION_TIME_LIMIT, in this process and,
// with a shared limiter, in every process.
func (c *Client) blockMethod(ctx context.Context, method string) {
	c.ops.block(method, c.clock.Now())
	sl, ok := c.limiter.(SharedLimiter)
	if !ok {
		return
	}
	if err := sl.BlockMethod(ctx, method, c.ops.blockedUntil(method)); err != nil {
		c.log.WarnContext(ctx, "sonet: shared rate limiter could not record the operating-limit block", "method", method, "error", err.Error())
	}
}
