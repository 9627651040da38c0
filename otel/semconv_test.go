package sonetotel_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/b24kit/sonet"
	"github.com/b24kit/sonet/internal/simclock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

// OpenTelemetry's semantic conventions: error.type is set only when the
// operation failed, and http.response.status_code only when a response
// arrived. An attempt with no answer has no status, and a call that
// succeeded no error.type (an empty string would be a value of its own).
func TestAttributesFollowSemanticConventions(t *testing.T) {
	r := newRig(t)
	ok := scripted(t, [2]any{200, opOK})
	c, err := sonet.NewWebhookClient(ok.URL+"/rest/1/c0de/", sonet.WithObserver(r.obs), sonet.WithoutRateLimit())
	require.NoError(t, err)
	_, err = c.ListGroups(context.Background(), nil)
	require.NoError(t, err)

	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	bad, err := sonet.NewWebhookClient(closed.URL+"/rest/1/c0de/", sonet.WithObserver(r.obs), sonet.WithoutRateLimit(),
		sonet.WithClock(simclock.NewManual(time.Unix(1773932400, 0))), sonet.WithRetryPolicy(sonet.RetryPolicy{MaxAttempts: 1}))
	require.NoError(t, err)
	_, err = bad.ListGroups(context.Background(), nil)
	require.Error(t, err)

	spans := r.spans.Ended()
	require.Len(t, spans, 2)
	okSpan, badSpan := attrMap(spans[0].Attributes()), attrMap(spans[1].Attributes())
	assert.NotContains(t, okSpan, "error.type")
	assert.NotContains(t, okSpan, "bitrix24.error.code")
	assert.Equal(t, "transport", badSpan["error.type"])
	assert.NotContains(t, badSpan, "http.response.status_code")
	for _, s := range spans {
		for _, e := range s.Events() {
			a := attrMap(e.Attributes)
			if a["http.response.status_code"] == int64(0) {
				t.Errorf("event %s has status code 0: %v", e.Name, a)
			}
			if a["bitrix24.error.code"] == "" {
				t.Errorf("event %s has an empty error code: %v", e.Name, a)
			}
		}
	}

	m := r.metrics(t)
	assert.ElementsMatch(t, []map[string]any{
		{"bitrix24.method": "sonet_group.get"},
		{"bitrix24.method": "sonet_group.get", "error.type": "transport"},
	}, labelSets(m["bitrix24.client.call.duration"]))
	attempts := []map[string]any{
		{"bitrix24.method": "sonet_group.get", "http.response.status_code": int64(200)},
		{"bitrix24.method": "sonet_group.get"},
	}
	assert.ElementsMatch(t, attempts, labelSets(m["bitrix24.client.requests"]))
	assert.ElementsMatch(t, attempts, labelSets(m["bitrix24.client.request.duration"]))
}

// labelSets returns the attributes of each data point of a counter,
// histogram or gauge.
func labelSets(data metricdata.Aggregation) []map[string]any {
	var out []map[string]any
	switch d := data.(type) {
	case metricdata.Sum[int64]:
		for _, dp := range d.DataPoints {
			out = append(out, setMap(dp.Attributes))
		}
	case metricdata.Histogram[float64]:
		for _, dp := range d.DataPoints {
			out = append(out, setMap(dp.Attributes))
		}
	case metricdata.Gauge[float64]:
		for _, dp := range d.DataPoints {
			out = append(out, setMap(dp.Attributes))
		}
	default:
		panic(fmt.Sprintf("labelSets: %T", data))
	}
	return out
}

// An answer without a time block (a proxy's, an older portal's) records
// no processing time: a 0 s sample would drag the histogram down.
func TestNoProcessingSampleWithoutATimeBlock(t *testing.T) {
	r := newRig(t)
	srv := scripted(t, [2]any{200, `{"result":[],"total":0}`}, [2]any{200, opOK})
	c, err := sonet.NewWebhookClient(srv.URL+"/rest/1/c0de/", sonet.WithObserver(r.obs), sonet.WithoutRateLimit())
	require.NoError(t, err)
	for range 2 {
		_, err = c.ListGroups(context.Background(), nil)
		require.NoError(t, err)
	}
	proc := r.metrics(t)["bitrix24.portal.processing.duration"].(metricdata.Histogram[float64]).DataPoints
	require.Len(t, proc, 1)
	assert.Equal(t, [2]any{uint64(1), 0.5}, [2]any{proc[0].Count, proc[0].Sum})
	spans := r.spans.Ended()
	require.Len(t, spans, 2)
	assert.NotContains(t, attrMap(spans[0].Attributes()), "bitrix24.time.processing")
}
