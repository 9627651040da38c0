package sonetotel_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/b24kit/sonet"
	"github.com/b24kit/sonet/internal/simclock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sentinelCode is the webhook code of the secret tests: it must appear in
// no span name, attribute, event, status or metric label.
const sentinelCode = "s3ntinelW3bhookC0de"

// echoing answers each request with an answer that quotes the request's
// URL and body back, as a misbehaving proxy or portal error page might.
func echoing(t *testing.T, status int, bodyFmt string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		echo := strings.ReplaceAll(r.URL.String()+" "+string(b), `"`, `'`)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprintf(w, bodyFmt, echo)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// dump renders every span and metric the rig recorded as text.
func (r *rig) dump(t *testing.T) string {
	t.Helper()
	var sb strings.Builder
	for _, s := range r.spans.Ended() {
		fmt.Fprintf(&sb, "span %s %v %v %v\n", s.Name(), s.Attributes(), s.Status(), s.Links())
		for _, e := range s.Events() {
			fmt.Fprintf(&sb, "event %s %v\n", e.Name, e.Attributes)
		}
	}
	for name, data := range r.metrics(t) {
		fmt.Fprintf(&sb, "metric %s %v\n", name, labelSets(data))
	}
	return sb.String()
}

// No failure path puts the webhook code into telemetry: portal errors and
// bad answers that quote the request back, and transport failures (whose
// Go errors carry the URL).
func TestNoWebhookCodeInSpansOrMetrics(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()
	for name, base := range map[string]string{
		"api error":    echoing(t, 500, `{"error":"INTERNAL_SERVER_ERROR","error_description":"failed: %s"}`).URL,
		"query limit":  echoing(t, 503, `{"error":"QUERY_LIMIT_EXCEEDED","error_description":"too many: %s"}`).URL,
		"bad response": echoing(t, 200, `<html>no JSON here: %s</html>`).URL,
		"bad gateway":  echoing(t, 502, `<html>502 at %s</html>`).URL,
		"transport":    closedURL,
	} {
		t.Run(name, func(t *testing.T) {
			r := newRig(t)
			c, err := sonet.NewWebhookClient(base+"/rest/7/"+sentinelCode+"/", sonet.WithObserver(r.obs), sonet.WithoutRateLimit(),
				sonet.WithClock(simclock.NewManual(time.Unix(1773932400, 0))),
				sonet.WithRetryPolicy(sonet.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}))
			require.NoError(t, err)
			_, err = c.ListGroups(context.Background(), nil)
			require.Error(t, err)
			_, err = c.CreateGroup(context.Background(), &sonet.GroupCreateRequest{Name: "X " + sentinelCode})
			require.Error(t, err)
			out := r.dump(t)
			require.Contains(t, out, "sonet_group.get", "the dump holds the telemetry")
			assert.NotContains(t, strings.ToLower(out), strings.ToLower(sentinelCode))
		})
	}
}
