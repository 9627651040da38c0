package sonet

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"
)

// ErrOutcomeUnknown is matched by the error of a write whose request may
// have reached the portal but whose answer was lost or unusable (a dropped
// connection, a timeout, a 5xx, an unreadable body). The SDK does not repeat
// such a write, because repeating a create could make a second group. Look
// the object up before trying again (EnsureGroup does this for creates).
var ErrOutcomeUnknown = errors.New("sonet: outcome unknown: the write may or may not have been applied")

// RetryPolicy says how often and how long the client retries.
//
// The rule is "did the request run", not "is the error temporary":
// QUERY_LIMIT_EXCEEDED is refused before execution, so every call is retried
// on it; network failures and server faults are retried only for reads
// (and for writes whose request provably never left: a DNS or dial failure).
type RetryPolicy struct {
	// MaxAttempts is the number of attempts in all, first one included
	// (default 5). 1 switches retries off.
	MaxAttempts int
	// BaseDelay is the first backoff; each retry doubles it (default 500ms).
	BaseDelay time.Duration
	// MaxDelay caps one backoff (default 30s).
	MaxDelay time.Duration
	// Jitter is the share of each backoff that is randomised, 0..1
	// (default 0.5: the wait is between 50% and 100% of the backoff).
	Jitter float64
}

// DefaultRetryPolicy returns the policy clients use unless WithRetryPolicy
// says otherwise.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxAttempts: 5, BaseDelay: 500 * time.Millisecond, MaxDelay: 30 * time.Second, Jitter: 0.5}
}

// WithRetryPolicy sets the retry policy.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(c *Client) error {
		switch {
		case p.MaxAttempts < 1:
			return &ValidationError{Field: "WithRetryPolicy", Reason: "MaxAttempts below 1"}
		case p.BaseDelay < 0 || p.MaxDelay < p.BaseDelay:
			return &ValidationError{Field: "WithRetryPolicy", Reason: "delays must satisfy 0 <= BaseDelay <= MaxDelay"}
		case p.Jitter < 0 || p.Jitter > 1:
			return &ValidationError{Field: "WithRetryPolicy", Reason: "Jitter outside 0..1"}
		}
		c.retry = p
		return nil
	}
}

var jitterMu sync.Mutex
var jitterRand = rand.New(rand.NewPCG(1, 2))

// backoff returns the wait before attempt n+1.
func (p RetryPolicy) backoff(n int) time.Duration {
	d := p.BaseDelay
	for i := 1; i < n && d < p.MaxDelay; i++ {
		d *= 2
	}
	if d > p.MaxDelay {
		d = p.MaxDelay
	}
	if p.Jitter > 0 && d > 0 {
		jitterMu.Lock()
		r := jitterRand.Float64()
		jitterMu.Unlock()
		d -= time.Duration(float64(d) * p.Jitter * r)
	}
	return d
}

// decide says whether a failed attempt is retried, after how long, and what
// error the caller gets if it is not.
func (c *Client) decide(ctx context.Context, method string, kind callKind, attempt int, sent bool, err error) (time.Duration, bool, error) {
	last := attempt >= c.retry.MaxAttempts
	var ae *APIError
	if errors.As(err, &ae) {
		switch {
		case errors.Is(ae, ErrQueryLimitExceeded):
			// Refused before execution: safe for reads and writes alike.
			c.throttled(ctx)
			if last {
				return 0, false, err
			}
			return c.retry.backoff(attempt), true, nil
		case errors.Is(ae, ErrOperationTimeLimit):
			if last || c.opLimit != WaitForOperatingReset {
				return 0, false, err
			}
			c.blockMethod(ctx, method)
			return 0, true, nil // waitTurn sleeps until the reset
		case ae.HTTPStatus >= 500 && !errors.Is(ae, ErrOverloadLimit) && !errors.Is(ae, ErrPortalDeleted):
			if kind == kindWrite {
				return 0, false, outcomeUnknown(method, err)
			}
			if last || kind == kindReadOnce {
				return 0, false, err
			}
			return c.retry.backoff(attempt), true, nil
		}
		return 0, false, err
	}
	// A transport failure or an unreadable answer: the call may have run,
	// unless the request provably never left (then a write is safe to
	// repeat too).
	if kind == kindWrite && sent {
		return 0, false, outcomeUnknown(method, err)
	}
	var re *ResponseError
	if errors.As(err, &re) && re.final {
		return 0, false, err
	}
	if last || kind == kindReadOnce {
		return 0, false, err
	}
	return c.retry.backoff(attempt), true, nil
}

// unknownOutcome wraps the cause of a write's lost answer. It matches
// ErrOutcomeUnknown and the cause.
type unknownOutcome struct {
	method string
	err    error
}

func outcomeUnknown(method string, err error) error { return &unknownOutcome{method, err} }

func (u *unknownOutcome) Error() string {
	return fmt.Sprintf("sonet: %s: outcome unknown, not retried (the write may have been applied): %s", u.method, detail(u.err, u.method))
}

func (u *unknownOutcome) Unwrap() []error { return []error{ErrOutcomeUnknown, u.err} }

func reasonOf(err error) string {
	var ae *APIError
	if errors.As(err, &ae) {
		if ae.Code != "" {
			return ae.Code
		}
		return fmt.Sprintf("HTTP %d", ae.HTTPStatus)
	}
	var re *ResponseError
	if errors.As(err, &re) {
		return "bad response: " + re.Reason
	}
	return "transport failure"
}
