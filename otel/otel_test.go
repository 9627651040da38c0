package sonetotel_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/b24kit/sonet"
	"github.com/b24kit/sonet/internal/simclock"
	sonetotel "github.com/b24kit/sonet/otel"
	"github.com/b24kit/sonet/sonettest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

type rig struct {
	spans  *tracetest.SpanRecorder
	tp     *sdktrace.TracerProvider
	reader *sdkmetric.ManualReader
	obs    *sonetotel.Observer
}

func newRig(t *testing.T) *rig {
	t.Helper()
	r := &rig{spans: tracetest.NewSpanRecorder(), reader: sdkmetric.NewManualReader()}
	r.tp = sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(r.spans))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(r.reader))
	obs, err := sonetotel.New(sonetotel.WithTracerProvider(r.tp), sonetotel.WithMeterProvider(mp))
	require.NoError(t, err)
	r.obs = obs
	return r
}

// metrics collects the metrics by name.
func (r *rig) metrics(t *testing.T) map[string]metricdata.Aggregation {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, r.reader.Collect(context.Background(), &rm))
	out := map[string]metricdata.Aggregation{}
	for _, sm := range rm.ScopeMetrics {
		assert.Equal(t, sonetotel.ScopeName, sm.Scope.Name)
		for _, m := range sm.Metrics {
			out[m.Name] = m.Data
		}
	}
	return out
}

func attrMap(kvs []attribute.KeyValue) map[string]any {
	m := map[string]any{}
	for _, kv := range kvs {
		m[string(kv.Key)] = kv.Value.AsInterface()
	}
	return m
}

func setMap(s attribute.Set) map[string]any { return attrMap(s.ToSlice()) }

// scripted answers sonet_group.get with the given bodies in turn.
func scripted(t *testing.T, answers ...[2]any) *httptest.Server {
	t.Helper()
	var mu sync.Mutex
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		a := answers[min(n, len(answers)-1)]
		n++
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(a[0].(int))
		w.Write([]byte(a[1].(string)))
	}))
	t.Cleanup(srv.Close)
	return srv
}

const (
	qle  = `{"error":"QUERY_LIMIT_EXCEEDED","error_description":"Too many requests"}`
	opOK = `{"result":[],"total":0,"time":{"start":1773932400,"finish":1773932400.5,"duration":0.5,"processing":0.5,` +
		`"date_start":"2026-03-19T17:00:00+02:00","date_finish":"2026-03-19T17:00:00+02:00","operating_reset_at":1773932700,"operating":480.2}}`
)

func TestSpanAndMetricsOfACallThroughQueryLimit(t *testing.T) {
	r := newRig(t)
	srv := scripted(t, [2]any{503, qle}, [2]any{200, opOK})
	clk := simclock.NewManual(time.Unix(1773932400, 0))
	c, err := sonet.NewWebhookClient(srv.URL+"/rest/1/c0de/", sonet.WithObserver(r.obs), sonet.WithClock(clk), sonet.WithoutRateLimit(),
		sonet.WithRetryPolicy(sonet.RetryPolicy{MaxAttempts: 3, BaseDelay: 250 * time.Millisecond, MaxDelay: time.Second}))
	require.NoError(t, err)
	ctx, parent := r.tp.Tracer("test").Start(context.Background(), "job")
	_, err = c.ListGroups(ctx, nil)
	require.NoError(t, err)
	parent.End()

	spans := r.spans.Ended()
	require.Len(t, spans, 2)
	s := spans[0]
	assert.Equal(t, "sonet_group.get", s.Name())
	assert.Equal(t, trace.SpanKindClient, s.SpanKind())
	assert.Equal(t, parent.SpanContext().SpanID(), s.Parent().SpanID())
	assert.Equal(t, map[string]any{
		"rpc.system": "bitrix24", "rpc.method": "sonet_group.get", "server.address": "127.0.0.1",
		"bitrix24.method": "sonet_group.get", "bitrix24.write": false, "bitrix24.attempts": int64(2),
		"http.response.status_code": int64(200), "bitrix24.wait.retry": 0.25,
		"bitrix24.time.processing": 0.5, "bitrix24.time.operating": 480.2, "bitrix24.time.operating_reset_at": int64(1773932700),
	}, attrMap(s.Attributes()))
	assert.Equal(t, codes.Unset, s.Status().Code)
	var events []map[string]any
	for _, e := range s.Events() {
		m := attrMap(e.Attributes)
		m["name"] = e.Name
		events = append(events, m)
	}
	assert.Equal(t, []map[string]any{
		{"name": "attempt", "bitrix24.attempt": int64(1), "http.response.status_code": int64(503), "bitrix24.error.code": "QUERY_LIMIT_EXCEEDED", "bitrix24.duration": 0.0},
		{"name": "wait", "bitrix24.wait.kind": "retry", "bitrix24.wait.seconds": 0.25, "bitrix24.attempt": int64(2), "bitrix24.wait.reason": "QUERY_LIMIT_EXCEEDED"},
		{"name": "attempt", "bitrix24.attempt": int64(2), "http.response.status_code": int64(200), "bitrix24.duration": 0.0},
	}, events)

	m := r.metrics(t)
	reqs := m["bitrix24.client.requests"].(metricdata.Sum[int64])
	var got []map[string]any
	for _, dp := range reqs.DataPoints {
		a := setMap(dp.Attributes)
		a["value"] = dp.Value
		got = append(got, a)
	}
	assert.ElementsMatch(t, []map[string]any{
		{"bitrix24.method": "sonet_group.get", "http.response.status_code": int64(503), "bitrix24.error.code": "QUERY_LIMIT_EXCEEDED", "value": int64(1)},
		{"bitrix24.method": "sonet_group.get", "http.response.status_code": int64(200), "value": int64(1)},
	}, got)
	r503 := m["bitrix24.client.responses_503"].(metricdata.Sum[int64]).DataPoints
	require.Len(t, r503, 1)
	assert.Equal(t, int64(1), r503[0].Value)
	assert.Equal(t, map[string]any{"bitrix24.method": "sonet_group.get", "bitrix24.error.code": "QUERY_LIMIT_EXCEEDED"}, setMap(r503[0].Attributes))
	waits := m["bitrix24.client.wait.duration"].(metricdata.Histogram[float64]).DataPoints
	require.Len(t, waits, 1)
	assert.Equal(t, [2]any{uint64(1), 0.25}, [2]any{waits[0].Count, waits[0].Sum})
	assert.Equal(t, map[string]any{"bitrix24.method": "sonet_group.get", "bitrix24.wait.kind": "retry"}, setMap(waits[0].Attributes))
	proc := m["bitrix24.portal.processing.duration"].(metricdata.Histogram[float64]).DataPoints
	require.Len(t, proc, 1)
	assert.Equal(t, [2]any{uint64(1), 0.5}, [2]any{proc[0].Count, proc[0].Sum})
	op := m["bitrix24.portal.operating"].(metricdata.Gauge[float64]).DataPoints
	require.Len(t, op, 1)
	assert.Equal(t, 480.2, op[0].Value)
	calls := m["bitrix24.client.call.duration"].(metricdata.Histogram[float64]).DataPoints
	require.Len(t, calls, 1)
	assert.Equal(t, [2]any{uint64(1), 0.25}, [2]any{calls[0].Count, calls[0].Sum})
	assert.Equal(t, map[string]any{"bitrix24.method": "sonet_group.get"}, setMap(calls[0].Attributes))
	reqDur := m["bitrix24.client.request.duration"].(metricdata.Histogram[float64]).DataPoints
	assert.Len(t, reqDur, 2)
}

func TestSpanOfAFailedWrite(t *testing.T) {
	r := newRig(t)
	srv := scripted(t, [2]any{502, "<html>502 Bad Gateway</html>"})
	c, err := sonet.NewWebhookClient(srv.URL+"/rest/1/c0de/", sonet.WithObserver(r.obs), sonet.WithoutRateLimit())
	require.NoError(t, err)
	_, err = c.CreateGroup(context.Background(), &sonet.GroupCreateRequest{Name: "X"})
	require.ErrorIs(t, err, sonet.ErrOutcomeUnknown)
	spans := r.spans.Ended()
	require.Len(t, spans, 1)
	s := spans[0]
	assert.Equal(t, "sonet_group.create", s.Name())
	assert.Equal(t, codes.Error, s.Status().Code)
	assert.Equal(t, err.Error(), s.Status().Description)
	assert.NotContains(t, s.Status().Description, "c0de", "no webhook code in the span")
	a := attrMap(s.Attributes())
	assert.Equal(t, "outcome_unknown", a["error.type"])
	assert.Equal(t, true, a["bitrix24.write"])
	assert.Equal(t, int64(502), a["http.response.status_code"])
	assert.Equal(t, int64(1), a["bitrix24.attempts"])
	calls := r.metrics(t)["bitrix24.client.call.duration"].(metricdata.Histogram[float64]).DataPoints
	require.Len(t, calls, 1)
	assert.Equal(t, "outcome_unknown", setMap(calls[0].Attributes)["error.type"])
}

func TestBatchCommandsAreCounted(t *testing.T) {
	r := newRig(t)
	srv := sonettest.NewServer()
	defer srv.Close()
	c, err := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithObserver(r.obs), sonet.WithoutRateLimit())
	require.NoError(t, err)
	b := sonet.NewBatch()
	sonet.BatchCreateGroup(b, &sonet.GroupCreateRequest{Name: "One"})
	sonet.BatchCreateGroup(b, &sonet.GroupCreateRequest{Name: "Two"})
	sonet.BatchCreateGroup(b, &sonet.GroupCreateRequest{Name: "Three"})
	require.NoError(t, c.RunBatch(context.Background(), b))
	spans := r.spans.Ended()
	require.Len(t, spans, 1)
	assert.Equal(t, "batch", spans[0].Name())
	assert.Equal(t, int64(3), attrMap(spans[0].Attributes())["bitrix24.batch.commands"])
	cmds := r.metrics(t)["bitrix24.client.batch.commands"].(metricdata.Sum[int64]).DataPoints
	require.Len(t, cmds, 1)
	assert.Equal(t, int64(3), cmds[0].Value)
}

func TestRateLimitWaitsAreRecorded(t *testing.T) {
	r := newRig(t)
	srv := scripted(t, [2]any{200, opOK})
	clk := simclock.NewManual(time.Unix(1773932400, 0))
	c, err := sonet.NewWebhookClient(srv.URL+"/rest/1/c0de/", sonet.WithObserver(r.obs), sonet.WithClock(clk), sonet.WithRateLimit(2, 2))
	require.NoError(t, err)
	for range 3 {
		_, err := c.ListGroups(context.Background(), nil)
		require.NoError(t, err)
	}
	spans := r.spans.Ended()
	require.Len(t, spans, 3)
	_, waited := attrMap(spans[0].Attributes())["bitrix24.wait.rate_limit"]
	assert.False(t, waited)
	assert.Equal(t, 0.5, attrMap(spans[1].Attributes())["bitrix24.wait.rate_limit"])
	assert.Equal(t, 0.5, attrMap(spans[2].Attributes())["bitrix24.wait.rate_limit"])
	waits := r.metrics(t)["bitrix24.client.wait.duration"].(metricdata.Histogram[float64]).DataPoints
	require.Len(t, waits, 1)
	assert.Equal(t, [2]any{uint64(2), 1.0}, [2]any{waits[0].Count, waits[0].Sum})
	assert.Equal(t, "rate_limit", setMap(waits[0].Attributes)["bitrix24.wait.kind"])
}

// spanSeer records the span in each request's context, as an instrumented
// transport would find it.
type spanSeer struct {
	mu  sync.Mutex
	ids []trace.SpanID
}

func (s *spanSeer) RoundTrip(req *http.Request) (*http.Response, error) {
	s.mu.Lock()
	s.ids = append(s.ids, trace.SpanFromContext(req.Context()).SpanContext().SpanID())
	s.mu.Unlock()
	return http.DefaultTransport.RoundTrip(req)
}

func TestHTTPRequestsCarryTheCallSpan(t *testing.T) {
	r := newRig(t)
	srv := scripted(t, [2]any{503, qle}, [2]any{200, opOK})
	seer := &spanSeer{}
	c, err := sonet.NewWebhookClient(srv.URL+"/rest/1/c0de/", sonet.WithObserver(r.obs), sonet.WithoutRateLimit(),
		sonet.WithHTTPClient(&http.Client{Transport: seer}), sonet.WithClock(simclock.NewManual(time.Unix(1773932400, 0))))
	require.NoError(t, err)
	_, err = c.ListGroups(context.Background(), nil)
	require.NoError(t, err)
	spans := r.spans.Ended()
	require.Len(t, spans, 1)
	id := spans[0].SpanContext().SpanID()
	assert.Equal(t, []trace.SpanID{id, id}, seer.ids, "both attempts ran inside the call span")
}
