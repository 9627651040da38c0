package sonet

import (
	"context"
	"errors"
	"time"
)

// Observer is told what every call does, for traces and metrics: when it
// starts and ends, each HTTP attempt, and each wait (rate limiter,
// operating limit, retry backoff). The OpenTelemetry adapter
// (github.com/b24kit/sonet/otel) implements it; the core has no tracing
// dependency. Methods are called on the calling goroutine and must be quick
// and safe for concurrent use. Errors handed to an Observer are the ones the
// caller gets: free of credentials.
//
// Embed NopObserver in an implementation so that methods added to this
// interface later do not break it.
type Observer interface {
	// StartCall is called once per call, before any wait. The context it
	// returns is the call's context from then on (the HTTP requests are
	// made with it), so an Observer may put a span in it.
	StartCall(ctx context.Context, c CallStart) context.Context
	// Attempt is called after each HTTP attempt.
	Attempt(ctx context.Context, a AttemptEvent)
	// Wait is called before each wait of the call, with its length.
	Wait(ctx context.Context, w WaitEvent)
	// EndCall is called once per call, when it returns.
	EndCall(ctx context.Context, e CallEnd)
}

// NopObserver does nothing. Embed it in an Observer to keep it compiling
// when methods are added to the interface.
type NopObserver struct{}

// StartCall returns ctx.
func (NopObserver) StartCall(ctx context.Context, _ CallStart) context.Context { return ctx }

// Attempt does nothing.
func (NopObserver) Attempt(context.Context, AttemptEvent) {}

// Wait does nothing.
func (NopObserver) Wait(context.Context, WaitEvent) {}

// EndCall does nothing.
func (NopObserver) EndCall(context.Context, CallEnd) {}

// ObserverFuncs is an Observer made of functions, for observing a few
// events without declaring a type. Nil fields do nothing.
type ObserverFuncs struct {
	// OnStartCall may return a derived context (nil keeps ctx).
	OnStartCall func(ctx context.Context, c CallStart) context.Context
	OnAttempt   func(ctx context.Context, a AttemptEvent)
	OnWait      func(ctx context.Context, w WaitEvent)
	OnEndCall   func(ctx context.Context, e CallEnd)
}

// StartCall calls OnStartCall.
func (f ObserverFuncs) StartCall(ctx context.Context, c CallStart) context.Context {
	if f.OnStartCall != nil {
		if next := f.OnStartCall(ctx, c); next != nil {
			return next
		}
	}
	return ctx
}

// Attempt calls OnAttempt.
func (f ObserverFuncs) Attempt(ctx context.Context, a AttemptEvent) {
	if f.OnAttempt != nil {
		f.OnAttempt(ctx, a)
	}
}

// Wait calls OnWait.
func (f ObserverFuncs) Wait(ctx context.Context, w WaitEvent) {
	if f.OnWait != nil {
		f.OnWait(ctx, w)
	}
}

// EndCall calls OnEndCall.
func (f ObserverFuncs) EndCall(ctx context.Context, e CallEnd) {
	if f.OnEndCall != nil {
		f.OnEndCall(ctx, e)
	}
}

// CallStart describes a call as it starts.
type CallStart struct {
	// Method is the REST method ("sonet_group.get", "batch").
	Method string
	// Portal is the portal's host name.
	Portal string
	// Write is true for calls that may change the portal (and are
	// therefore not retried once they may have reached it).
	Write bool
	// BatchCommands is the number of commands in a batch call, 0 for
	// other calls.
	BatchCommands int
}

// AttemptEvent is one HTTP attempt of a call.
type AttemptEvent struct {
	Method string
	// Attempt counts from 1.
	Attempt int
	// HTTPStatus is the answer's status; 0 when no answer arrived.
	HTTPStatus int
	// Code is the error code of an API error answer ("" on success and
	// for failures without a code).
	Code string
	// Err is nil for a successful answer, else the attempt's error
	// (*APIError, *ResponseError, *TransportError...).
	Err error
	// Duration is how long the HTTP exchange took, body read included.
	Duration time.Duration
	// Time is the portal's time block of a successful answer (zero
	// otherwise): Processing and Operating are the portal's figures.
	Time Timing
}

// WaitKind says why a call waits.
type WaitKind uint8

const (
	// WaitRateLimit is a wait for the client-side rate limiter.
	WaitRateLimit WaitKind = iota + 1
	// WaitOperatingLimit is a wait for a method's operating-time block to
	// end (OPERATION_TIME_LIMIT).
	WaitOperatingLimit
	// WaitRetry is the backoff before a retry.
	WaitRetry
)

// String names the kind: "rate_limit", "operating_limit" or "retry".
func (k WaitKind) String() string {
	switch k {
	case WaitRateLimit:
		return "rate_limit"
	case WaitOperatingLimit:
		return "operating_limit"
	case WaitRetry:
		return "retry"
	}
	return "unknown"
}

// WaitEvent is one wait of a call.
type WaitEvent struct {
	Method   string
	Kind     WaitKind
	Duration time.Duration
	// Attempt is the attempt the wait comes before (counting from 1).
	Attempt int
	// Reason is why a retry is made: the error code ("QUERY_LIMIT_EXCEEDED"),
	// "HTTP 502", "bad response: ..." or "transport failure". Empty for the
	// other kinds.
	Reason string
}

// CallEnd describes a call as it returns.
type CallEnd struct {
	Method string
	// Attempts is the number of HTTP attempts made (0 when the call
	// failed before sending anything).
	Attempts int
	// HTTPStatus and Code are those of the last attempt.
	HTTPStatus int
	Code       string
	// Err is what the call returned.
	Err error
	// Waited is the total of the call's waits, by kind.
	Waited map[WaitKind]time.Duration
	// Time is the portal's time block of the last successful answer.
	Time Timing
	// Duration is the call's length, waits included.
	Duration time.Duration
}

// WithObserver adds an Observer. Several may be added: StartCall, Attempt
// and Wait are called in the order given, EndCall in the reverse order (so
// spans close inside out), each with the context its own StartCall
// returned.
func WithObserver(o Observer) Option {
	return func(c *Client) error {
		if o == nil {
			return &ValidationError{Field: "WithObserver", Reason: "nil Observer"}
		}
		c.observers = append(c.observers, o)
		return nil
	}
}

// callTrace follows one call for the observers.
type callTrace struct {
	c        *Client
	ctxs     []context.Context // what each observer's StartCall returned
	start    time.Time
	end      CallEnd
	attempts int
}

// startTrace starts observing a call; it returns nil when there is no
// observer (every method of a nil *callTrace is a no-op). Each observer
// gets back the context its own StartCall returned (so that two tracing
// observers each end their own span); the call goes on with the last one.
func (c *Client) startTrace(ctx context.Context, s CallStart) (context.Context, *callTrace) {
	if len(c.observers) == 0 {
		return ctx, nil
	}
	t := &callTrace{c: c, ctxs: make([]context.Context, len(c.observers)), start: c.clock.Now(),
		end: CallEnd{Method: s.Method, Waited: map[WaitKind]time.Duration{}}}
	for i, o := range c.observers {
		ctx = o.StartCall(ctx, s)
		t.ctxs[i] = ctx
	}
	return ctx, t
}

func (t *callTrace) attempt(method string, n int, resp *Response, err error, d time.Duration) {
	if t == nil {
		return
	}
	a := AttemptEvent{Method: method, Attempt: n, Err: err, Duration: d}
	if resp != nil {
		a.HTTPStatus, a.Time = resp.HTTPStatus, resp.Time
	}
	var ae *APIError
	var re *ResponseError
	var te *TransportError
	switch {
	case errors.As(err, &ae):
		a.HTTPStatus, a.Code = ae.HTTPStatus, ae.Code
	case errors.As(err, &re):
		a.HTTPStatus = re.HTTPStatus
	case errors.As(err, &te):
		a.HTTPStatus = te.Status
	}
	t.attempts = n
	t.end.HTTPStatus, t.end.Code = a.HTTPStatus, a.Code
	if err == nil {
		t.end.Time = a.Time
	}
	for i, o := range t.c.observers {
		o.Attempt(t.ctxs[i], a)
	}
}

func (t *callTrace) wait(w WaitEvent) {
	if t == nil || w.Duration <= 0 {
		return
	}
	t.end.Waited[w.Kind] += w.Duration
	for i, o := range t.c.observers {
		o.Wait(t.ctxs[i], w)
	}
}

func (t *callTrace) finish(err error) {
	if t == nil {
		return
	}
	t.end.Attempts, t.end.Err = t.attempts, err
	t.end.Duration = t.c.clock.Now().Sub(t.start)
	for i := len(t.c.observers) - 1; i >= 0; i-- {
		t.c.observers[i].EndCall(t.ctxs[i], t.end)
	}
}
