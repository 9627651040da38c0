package sonet

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// eventLog is an Observer that writes every event as one line.
type eventLog struct {
	NopObserver
	mu    sync.Mutex
	lines []string
	ends  []CallEnd
}

type obsKey struct{}

func (l *eventLog) add(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func (l *eventLog) Lines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

func (l *eventLog) StartCall(ctx context.Context, c CallStart) context.Context {
	l.add("start %s portal=%s write=%v batch=%d", c.Method, c.Portal, c.Write, c.BatchCommands)
	return context.WithValue(ctx, obsKey{}, "span-of-"+c.Method)
}

func (l *eventLog) Attempt(ctx context.Context, a AttemptEvent) {
	l.add("attempt %s #%d status=%d code=%q err=%v took=%s processing=%s operating=%s ctx=%v",
		a.Method, a.Attempt, a.HTTPStatus, a.Code, a.Err, a.Duration, a.Time.Processing, a.Time.Operating, ctx.Value(obsKey{}))
}

func (l *eventLog) Wait(ctx context.Context, w WaitEvent) {
	l.add("wait %s %s %s before #%d reason=%q", w.Method, w.Kind, w.Duration, w.Attempt, w.Reason)
}

func (l *eventLog) EndCall(ctx context.Context, e CallEnd) {
	kinds := make([]string, 0, len(e.Waited))
	for k, d := range e.Waited {
		kinds = append(kinds, fmt.Sprintf("%s:%s", k, d))
	}
	sort.Strings(kinds)
	l.add("end %s attempts=%d status=%d code=%q err=%v waited=%v took=%s ctx=%v",
		e.Method, e.Attempts, e.HTTPStatus, e.Code, e.Err, kinds, e.Duration, ctx.Value(obsKey{}))
	l.mu.Lock()
	l.ends = append(l.ends, e)
	l.mu.Unlock()
}

func TestObserverSeesAttemptsRetriesLimiterWaitsAndTheEnd(t *testing.T) {
	clk := newFakeClock()
	var ev eventLog
	c, mt := newMockClient(t, WithClock(clk), WithRetryPolicy(testPolicy), WithRateLimit(2, 2), WithObserver(&ev))
	var seen []any
	ok := httpmock.NewStringResponder(200, opOK)
	r, _ := sequence(queryLimit, ok)
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", func(req *http.Request) (*http.Response, error) {
		seen = append(seen, req.Context().Value(obsKey{}))
		return r(req)
	})
	_, err := c.ListGroups(context.Background(), nil)
	require.NoError(t, err)
	// The limiter allows one request at once (burst 2 less one of
	// headroom); the first call's second attempt filled it.
	_, err = c.ListGroups(context.Background(), nil)
	require.NoError(t, err)

	qle := `sonet: sonet_group.get: QUERY_LIMIT_EXCEEDED: Too many requests (HTTP 503)`
	assert.Equal(t, []string{
		`start sonet_group.get portal=portal.example write=false batch=0`,
		`attempt sonet_group.get #1 status=503 code="QUERY_LIMIT_EXCEEDED" err=` + qle + ` took=0s processing=0s operating=0s ctx=span-of-sonet_group.get`,
		`wait sonet_group.get retry 1s before #2 reason="QUERY_LIMIT_EXCEEDED"`,
		`attempt sonet_group.get #2 status=200 code="" err=<nil> took=0s processing=500ms operating=8m0.2s ctx=span-of-sonet_group.get`,
		`end sonet_group.get attempts=2 status=200 code="" err=<nil> waited=[retry:1s] took=1s ctx=span-of-sonet_group.get`,
		`start sonet_group.get portal=portal.example write=false batch=0`,
		`wait sonet_group.get rate_limit 500ms before #1 reason=""`,
		`attempt sonet_group.get #1 status=200 code="" err=<nil> took=0s processing=500ms operating=8m0.2s ctx=span-of-sonet_group.get`,
		`end sonet_group.get attempts=1 status=200 code="" err=<nil> waited=[rate_limit:500ms] took=500ms ctx=span-of-sonet_group.get`,
	}, ev.Lines())
	// The observer's context is the one the HTTP requests carry.
	assert.Equal(t, []any{"span-of-sonet_group.get", "span-of-sonet_group.get", "span-of-sonet_group.get"}, seen)
	assert.Equal(t, time.Unix(1773932700, 0), ev.ends[1].Time.OperatingResetAt)
}

func TestObserverSeesOperatingLimitWaits(t *testing.T) {
	clk := newFakeClock()
	var ev eventLog
	c, mt := newMockClient(t, WithClock(clk), WithRetryPolicy(testPolicy), WithObserver(&ev))
	r, _ := sequence(httpmock.NewStringResponder(200, opOK), opLimitReply, httpmock.NewStringResponder(200, opOK))
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", r)
	_, err := c.ListGroups(context.Background(), nil)
	require.NoError(t, err)
	_, err = c.ListGroups(context.Background(), nil)
	require.NoError(t, err)
	lines := ev.Lines()
	require.Len(t, lines, 8)
	assert.Equal(t, []string{
		`start sonet_group.get portal=portal.example write=false batch=0`,
		`attempt sonet_group.get #1 status=429 code="OPERATION_TIME_LIMIT" err=sonet: sonet_group.get: OPERATION_TIME_LIMIT: Method is blocked due to operation time limit. (HTTP 429) took=0s processing=0s operating=0s ctx=span-of-sonet_group.get`,
		`wait sonet_group.get operating_limit 5m0s before #2 reason=""`,
		`attempt sonet_group.get #2 status=200 code="" err=<nil> took=0s processing=500ms operating=8m0.2s ctx=span-of-sonet_group.get`,
		`end sonet_group.get attempts=2 status=200 code="" err=<nil> waited=[operating_limit:5m0s] took=5m0s ctx=span-of-sonet_group.get`,
	}, lines[3:])
}

func TestObserverSeesBatchCommandsAndWriteOutcomes(t *testing.T) {
	var ev eventLog
	c, mt := newMockClient(t, WithObserver(&ev), WithObserver(NopObserver{}))
	mt.RegisterResponder("POST", testEndpoint+"batch", badGateway)
	b := NewBatch()
	BatchDeleteGroup(b, 1)
	BatchDeleteGroup(b, 2)
	BatchDeleteGroup(b, 3)
	err := c.RunBatch(context.Background(), b)
	require.ErrorIs(t, err, ErrOutcomeUnknown)
	lines := ev.Lines()
	require.Len(t, lines, 3)
	assert.Equal(t, `start batch portal=portal.example write=true batch=3`, lines[0])
	assert.True(t, strings.HasPrefix(lines[1], `attempt batch #1 status=502 code="" err=sonet: batch: bad response`), lines[1])
	assert.True(t, strings.HasPrefix(lines[2], `end batch attempts=1 status=502 code="" err=sonet: batch: outcome unknown, not retried`), lines[2])
	assert.ErrorIs(t, ev.ends[0].Err, ErrOutcomeUnknown)
}

func TestObserverSeesCallsThatSendNothing(t *testing.T) {
	var ev eventLog
	c, mt := newMockClient(t, WithObserver(&ev), WithClock(newFakeClock()))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.ListGroups(ctx, nil)
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, []string{
		`start sonet_group.get portal=portal.example write=false batch=0`,
		`end sonet_group.get attempts=0 status=0 code="" err=sonet: sonet_group.get: context canceled waited=[] took=0s ctx=span-of-sonet_group.get`,
	}, ev.Lines())
	assert.Zero(t, mt.GetTotalCallCount())
}

func TestWithObserverRejectsNil(t *testing.T) {
	_, err := NewWebhookClient(testWebhook, WithObserver(nil))
	assert.ErrorIs(t, err, ErrValidation)
	assert.EqualError(t, err, "sonet: invalid WithObserver: nil Observer")
}

func TestWaitKindNames(t *testing.T) {
	assert.Equal(t, []string{"rate_limit", "operating_limit", "retry", "unknown"},
		[]string{WaitRateLimit.String(), WaitOperatingLimit.String(), WaitRetry.String(), WaitKind(0).String()})
}

// tagObserver puts its own tag in the context and records what it gets back.
type tagObserver struct {
	NopObserver
	tag  string
	seen *[]string
}

type tagKey struct{ tag string }

func (o tagObserver) StartCall(ctx context.Context, c CallStart) context.Context {
	*o.seen = append(*o.seen, "start "+o.tag)
	return context.WithValue(ctx, tagKey{o.tag}, o.tag)
}

func (o tagObserver) Attempt(ctx context.Context, _ AttemptEvent) {
	*o.seen = append(*o.seen, fmt.Sprintf("attempt %s ctx a=%v b=%v", o.tag, ctx.Value(tagKey{"a"}), ctx.Value(tagKey{"b"})))
}

func (o tagObserver) EndCall(ctx context.Context, _ CallEnd) {
	*o.seen = append(*o.seen, fmt.Sprintf("end %s ctx a=%v b=%v", o.tag, ctx.Value(tagKey{"a"}), ctx.Value(tagKey{"b"})))
}

func TestEachObserverGetsItsOwnContext(t *testing.T) {
	var seen []string
	c, mt := newMockClient(t, WithObserver(tagObserver{tag: "a", seen: &seen}), WithObserver(tagObserver{tag: "b", seen: &seen}))
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", okGroupsResponder(t))
	_, err := c.ListGroups(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, []string{
		"start a", "start b",
		"attempt a ctx a=a b=<nil>", "attempt b ctx a=a b=b",
		"end b ctx a=a b=b", "end a ctx a=a b=<nil>",
	}, seen)
}

func TestObserverFuncsCallsWhatIsSetAndSkipsNil(t *testing.T) {
	var got []string
	type k struct{}
	c, mt := newMockClient(t, WithClock(newFakeClock()), WithRetryPolicy(testPolicy), WithObserver(ObserverFuncs{
		OnStartCall: func(ctx context.Context, s CallStart) context.Context {
			got = append(got, "start "+s.Method)
			return context.WithValue(ctx, k{}, "v")
		},
		OnWait: func(ctx context.Context, w WaitEvent) {
			got = append(got, fmt.Sprintf("wait %s %s ctx=%v", w.Kind, w.Duration, ctx.Value(k{})))
		},
	}), WithObserver(ObserverFuncs{}))
	r, _ := sequence(queryLimit, okGroupsResponder(t))
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", r)
	_, err := c.ListGroups(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"start sonet_group.get", "wait retry 1s ctx=v"}, got)
}
