package sonet

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/b24kit/sonet/internal/simclock"
	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"
)

// testWebhook is the webhook every httpmock test uses; its code is a
// sentinel searched for in error strings and logs.
const (
	testWebhook     = "https://portal.example/rest/1/s3cr3tw3bh00kc0de/"
	testWebhookCode = "s3cr3tw3bh00kc0de"
	testEndpoint    = "https://portal.example/rest/1/s3cr3tw3bh00kc0de/"
)

// newMockClient returns a webhook client whose requests go to a per-test
// httpmock transport, with pacing off and no retry backoff.
func newMockClient(t *testing.T, opts ...Option) (*Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	base := []Option{
		WithHTTPClient(&http.Client{Transport: mt}),
		WithoutRateLimit(),
		WithRetryPolicy(RetryPolicy{MaxAttempts: 3}),
	}
	c, err := NewWebhookClient(testWebhook, append(base, opts...)...)
	require.NoError(t, err)
	return c, mt
}

// fixture returns the bytes of testdata/<path>.
func fixture(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", filepath.FromSlash(path)))
	require.NoError(t, err)
	return b
}

// recorded captures the bodies a mock responder saw, in order.
type recorded struct {
	mu     sync.Mutex
	bodies []string
	urls   []string
}

func (r *recorded) Bodies() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.bodies...)
}

func (r *recorded) URLs() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.urls...)
}

// respond returns a responder that records each request body and answers
// with status and body, as JSON.
func (r *recorded) respond(status int, body []byte) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.bodies = append(r.bodies, string(b))
		r.urls = append(r.urls, req.URL.String())
		r.mu.Unlock()
		resp := httpmock.NewBytesResponse(status, body)
		resp.Header.Set("Content-Type", "application/json; charset=utf-8")
		return resp, nil
	}
}

// fakeClock is a Clock whose Sleep advances time at once and records waits.
type fakeClock = simclock.Manual

func newFakeClock() *fakeClock {
	return simclock.NewManual(time.Date(2026, 3, 19, 15, 0, 0, 0, time.UTC))
}

// cueDeadline is a context whose deadline passes when the test says so
// (pass), not on a timer: a test about a deadline that ends a call at a
// given step cues it at that step. A short context.WithTimeout could
// expire on a loaded machine before the call got there.
type cueDeadline struct {
	context.Context
	done chan struct{}
	once sync.Once
}

func newCueDeadline() *cueDeadline {
	return &cueDeadline{Context: context.Background(), done: make(chan struct{})}
}

// pass makes the deadline pass: Done closes and Err is DeadlineExceeded.
func (c *cueDeadline) pass() { c.once.Do(func() { close(c.done) }) }

func (c *cueDeadline) Done() <-chan struct{} { return c.done }

func (c *cueDeadline) Err() error {
	select {
	case <-c.done:
		return context.DeadlineExceeded
	default:
		return nil
	}
}
