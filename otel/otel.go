// Package sonetotel reports what a github.com/b24kit/sonet client does to
// OpenTelemetry: a span per call and metrics for requests, 503 answers,
// waits and the portal's own time figures. Make an Observer with New and
// hand it to sonet.WithObserver:
//
//	obs, err := sonetotel.New() // the global TracerProvider and MeterProvider
//	client, err := sonet.NewWebhookClient(url, sonet.WithObserver(obs))
//
// # Spans
//
// One client span per call, named after the REST method ("sonet_group.get",
// "batch"), a child of the span in the call's context. Attributes:
//
//	rpc.system                          "bitrix24"
//	rpc.method, bitrix24.method         the REST method
//	server.address                      the portal's host
//	bitrix24.write                      true for calls that may change the portal
//	bitrix24.batch.commands             commands in a batch call
//	bitrix24.attempts                   HTTP attempts made
//	http.response.status_code           status of the last attempt
//	bitrix24.error.code                 error code of the last answer (QUERY_LIMIT_EXCEEDED...)
//	error.type                          on failure: the error code, or transport / bad_response / limiter / canceled / other
//	bitrix24.wait.rate_limit            seconds waited for the rate limiter
//	bitrix24.wait.operating_limit       seconds waited for an operating-limit block
//	bitrix24.wait.retry                 seconds of retry backoff
//	bitrix24.time.processing            the portal's processing time of the last answer, seconds
//	bitrix24.time.operating             the method's operating time over 10 minutes, seconds
//	bitrix24.time.operating_reset_at    when that budget frees up, unix seconds
//
// The HTTP requests carry the span's context, so an instrumented transport
// (otelhttp.NewTransport given to sonet.WithHTTPClient) adds a child span per
// HTTP attempt.
//
// Each attempt is an "attempt" event (attempt, status, error code,
// duration) and each wait a "wait" event (kind, seconds, reason). A failed
// call sets the span status to Error with the error's text (the SDK's
// errors hold no credential).
//
// # Metrics
//
//	bitrix24.client.requests             counter, HTTP attempts {bitrix24.method, http.response.status_code, bitrix24.error.code}
//	                                     (status only when an answer arrived, code only when it had one)
//	bitrix24.client.responses_503        counter, answers with HTTP 503 (QUERY_LIMIT_EXCEEDED, OVERLOAD_LIMIT) {bitrix24.method, bitrix24.error.code}
//	bitrix24.client.request.duration     histogram, seconds per HTTP attempt {bitrix24.method, http.response.status_code}
//	bitrix24.client.call.duration        histogram, seconds per call, waits included {bitrix24.method, error.type on failure}
//	bitrix24.client.wait.duration        histogram, seconds per wait {bitrix24.method, bitrix24.wait.kind}
//	bitrix24.client.batch.commands       counter, commands sent in batch calls
//	bitrix24.portal.processing.duration  histogram, the portal's processing time, seconds {bitrix24.method}
//	bitrix24.portal.operating            gauge, the method's operating time over 10 minutes, seconds {bitrix24.method}
package sonetotel

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/b24kit/sonet"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// ScopeName is the instrumentation scope of the tracer and the meter.
const ScopeName = "github.com/b24kit/sonet/otel"

// Observer is a sonet.Observer that records to OpenTelemetry. Safe for
// concurrent use.
type Observer struct {
	sonet.NopObserver
	tracer trace.Tracer

	requests    metric.Int64Counter
	resp503     metric.Int64Counter
	reqDur      metric.Float64Histogram
	callDur     metric.Float64Histogram
	waitDur     metric.Float64Histogram
	batchCmds   metric.Int64Counter
	processing  metric.Float64Histogram
	operatingGa metric.Float64Gauge
}

// Option configures New.
type Option func(*config)

type config struct {
	tp trace.TracerProvider
	mp metric.MeterProvider
}

// WithTracerProvider sets the TracerProvider (the global one by default).
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(c *config) {
		if tp != nil {
			c.tp = tp
		}
	}
}

// WithMeterProvider sets the MeterProvider (the global one by default).
func WithMeterProvider(mp metric.MeterProvider) Option {
	return func(c *config) {
		if mp != nil {
			c.mp = mp
		}
	}
}

// New returns an Observer recording to the given (or global) providers.
func New(opts ...Option) (*Observer, error) {
	c := config{tp: otel.GetTracerProvider(), mp: otel.GetMeterProvider()}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	m := c.mp.Meter(ScopeName)
	o := &Observer{tracer: c.tp.Tracer(ScopeName)}
	var errs []error
	add := func(err error) { errs = append(errs, err) }
	var err error
	o.requests, err = m.Int64Counter("bitrix24.client.requests", metric.WithDescription("HTTP attempts sent to the portal"), metric.WithUnit("{request}"))
	add(err)
	o.resp503, err = m.Int64Counter("bitrix24.client.responses_503", metric.WithDescription("answers with HTTP 503 (QUERY_LIMIT_EXCEEDED, OVERLOAD_LIMIT)"), metric.WithUnit("{response}"))
	add(err)
	o.reqDur, err = m.Float64Histogram("bitrix24.client.request.duration", metric.WithDescription("length of one HTTP attempt"), metric.WithUnit("s"))
	add(err)
	o.callDur, err = m.Float64Histogram("bitrix24.client.call.duration", metric.WithDescription("length of one call, waits and retries included"), metric.WithUnit("s"))
	add(err)
	o.waitDur, err = m.Float64Histogram("bitrix24.client.wait.duration", metric.WithDescription("waits for the rate limiter, operating limit and retry backoff"), metric.WithUnit("s"))
	add(err)
	o.batchCmds, err = m.Int64Counter("bitrix24.client.batch.commands", metric.WithDescription("commands sent in batch calls"), metric.WithUnit("{command}"))
	add(err)
	o.processing, err = m.Float64Histogram("bitrix24.portal.processing.duration", metric.WithDescription("the portal's processing time (time.processing)"), metric.WithUnit("s"))
	add(err)
	o.operatingGa, err = m.Float64Gauge("bitrix24.portal.operating", metric.WithDescription("the method's operating time over the last 10 minutes (time.operating)"), metric.WithUnit("s"))
	add(err)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return o, nil
}

// StartCall starts the call's span.
func (o *Observer) StartCall(ctx context.Context, c sonet.CallStart) context.Context {
	attrs := []attribute.KeyValue{
		attribute.String("rpc.system", "bitrix24"), attribute.String("rpc.method", c.Method), attribute.String("server.address", c.Portal),
		attribute.String("bitrix24.method", c.Method), attribute.Bool("bitrix24.write", c.Write),
	}
	if c.BatchCommands > 0 {
		attrs = append(attrs, attribute.Int("bitrix24.batch.commands", c.BatchCommands))
		o.batchCmds.Add(ctx, int64(c.BatchCommands))
	}
	ctx, _ = o.tracer.Start(ctx, c.Method, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
	return ctx
}

// Attempt records one HTTP attempt. Following the semantic conventions,
// http.response.status_code is left out when no answer arrived and
// bitrix24.error.code when the answer had none.
func (o *Observer) Attempt(ctx context.Context, a sonet.AttemptEvent) {
	method := attribute.String("bitrix24.method", a.Method)
	attrs := make([]attribute.KeyValue, 0, 3)
	attrs = append(attrs, method)
	if a.HTTPStatus != 0 {
		attrs = append(attrs, attribute.Int("http.response.status_code", a.HTTPStatus))
	}
	withStatus := len(attrs)
	if a.Code != "" {
		attrs = append(attrs, attribute.String("bitrix24.error.code", a.Code))
	}
	o.requests.Add(ctx, 1, metric.WithAttributes(attrs...))
	o.reqDur.Record(ctx, a.Duration.Seconds(), metric.WithAttributes(attrs[:withStatus]...))
	if a.HTTPStatus == 503 {
		o.resp503.Add(ctx, 1, metric.WithAttributes(method, attribute.String("bitrix24.error.code", a.Code)))
	}
	if a.Err == nil && hasTime(a.Time) {
		o.processing.Record(ctx, a.Time.Processing.Seconds(), metric.WithAttributes(method))
		if !a.Time.OperatingResetAt.IsZero() || a.Time.Operating > 0 {
			o.operatingGa.Record(ctx, a.Time.Operating.Seconds(), metric.WithAttributes(method))
		}
	}
	event := append([]attribute.KeyValue{attribute.Int("bitrix24.attempt", a.Attempt)}, attrs[1:]...)
	event = append(event, attribute.Float64("bitrix24.duration", a.Duration.Seconds()))
	trace.SpanFromContext(ctx).AddEvent("attempt", trace.WithAttributes(event...))
}

// Wait records one wait.
func (o *Observer) Wait(ctx context.Context, w sonet.WaitEvent) {
	kind := attribute.String("bitrix24.wait.kind", w.Kind.String())
	o.waitDur.Record(ctx, w.Duration.Seconds(), metric.WithAttributes(attribute.String("bitrix24.method", w.Method), kind))
	attrs := []attribute.KeyValue{kind, attribute.Float64("bitrix24.wait.seconds", w.Duration.Seconds()), attribute.Int("bitrix24.attempt", w.Attempt)}
	if w.Reason != "" {
		attrs = append(attrs, attribute.String("bitrix24.wait.reason", w.Reason))
	}
	trace.SpanFromContext(ctx).AddEvent("wait", trace.WithAttributes(attrs...))
}

// EndCall ends the call's span.
func (o *Observer) EndCall(ctx context.Context, e sonet.CallEnd) {
	span := trace.SpanFromContext(ctx)
	attrs := []attribute.KeyValue{attribute.Int("bitrix24.attempts", e.Attempts)}
	if e.HTTPStatus != 0 {
		attrs = append(attrs, attribute.Int("http.response.status_code", e.HTTPStatus))
	}
	if e.Code != "" {
		attrs = append(attrs, attribute.String("bitrix24.error.code", e.Code))
	}
	for _, k := range []sonet.WaitKind{sonet.WaitRateLimit, sonet.WaitOperatingLimit, sonet.WaitRetry} {
		if d := e.Waited[k]; d > 0 {
			attrs = append(attrs, attribute.Float64("bitrix24.wait."+k.String(), d.Seconds()))
		}
	}
	if t := e.Time; hasTime(t) {
		attrs = append(attrs, attribute.Float64("bitrix24.time.processing", t.Processing.Seconds()))
		if !t.OperatingResetAt.IsZero() {
			attrs = append(attrs, attribute.Float64("bitrix24.time.operating", t.Operating.Seconds()),
				attribute.Int64("bitrix24.time.operating_reset_at", t.OperatingResetAt.Unix()))
		}
	}
	// error.type only on failure (semantic conventions).
	callAttrs := []attribute.KeyValue{attribute.String("bitrix24.method", e.Method)}
	if e.Err != nil {
		errType := attribute.String("error.type", errorType(e.Err))
		attrs = append(attrs, errType)
		callAttrs = append(callAttrs, errType)
		span.SetStatus(codes.Error, e.Err.Error())
	}
	span.SetAttributes(attrs...)
	span.End()
	o.callDur.Record(ctx, e.Duration.Seconds(), metric.WithAttributes(callAttrs...))
}

// hasTime reports whether an answer carried the portal's time block.
func hasTime(t sonet.Timing) bool { return !t.Start.IsZero() || t.Processing > 0 }

// errorType names an error for the error.type attribute: the portal's
// error code when there is one, else its class.
func errorType(err error) string {
	var ae *sonet.APIError
	var re *sonet.ResponseError
	var te *sonet.TransportError
	switch {
	case errors.Is(err, sonet.ErrOutcomeUnknown):
		return "outcome_unknown"
	case errors.As(err, &ae) && ae.Code != "":
		return strings.ToUpper(ae.Code)
	case errors.As(err, &ae):
		return "http_" + strconv.Itoa(ae.HTTPStatus)
	case errors.Is(err, sonet.ErrLimiterUnavailable):
		return "limiter"
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "canceled"
	case errors.As(err, &re):
		return "bad_response"
	case errors.As(err, &te):
		return "transport"
	case errors.Is(err, sonet.ErrValidation):
		return "validation"
	}
	return "other"
}

var _ sonet.Observer = (*Observer)(nil)
