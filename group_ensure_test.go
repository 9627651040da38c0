package sonet

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/b24kit/sonet/sonettest"
	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const ensureLookupBody = "FILTER[NAME]=Quarterly%20review&IS_ADMIN=Y"

// script plays one responder per request, in order, and records bodies.
type script struct {
	t      *testing.T
	mu     sync.Mutex
	steps  []httpmock.Responder
	bodies []string
}

func (s *script) respond(req *http.Request) (*http.Response, error) {
	b, _ := io.ReadAll(req.Body)
	s.mu.Lock()
	n := len(s.bodies)
	s.bodies = append(s.bodies, string(b))
	s.mu.Unlock()
	if n >= len(s.steps) {
		s.t.Errorf("unexpected request #%d: %s", n+1, b)
		return httpmock.NewStringResponse(599, "unexpected"), nil
	}
	return s.steps[n](req)
}

func (s *script) Bodies() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.bodies...)
}

func jsonResponder(status int, body []byte) httpmock.Responder {
	return func(*http.Request) (*http.Response, error) {
		r := httpmock.NewBytesResponse(status, body)
		r.Header.Set("Content-Type", "application/json")
		return r, nil
	}
}

var htmlBadGateway = httpmock.NewStringResponder(502, "<html><body>502 Bad Gateway</body></html>")

// scriptedLimiter hands out the waits it was given, one per request.
type scriptedLimiter struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (l *scriptedLimiter) Reserve(time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.waits) == 0 {
		return 0
	}
	d := l.waits[0]
	l.waits = l.waits[1:]
	return d
}

func (l *scriptedLimiter) Throttled(time.Time) {}

// The create runs on the portal and answers 500; the look-up that follows
// meets 502, 502 and then answers, however late: by backoff (retries) or by
// waits in the client's own limiter. The group is found every time and no
// second create is sent: the window is anchored on the portal's clock
// reading in the first look-up's answer, taken before the create was sent.
func TestEnsureGroupFindsTheGroupALostAnswerMadeWhateverTheLookUpCosts(t *testing.T) {
	for _, delay := range []time.Duration{0, 3 * time.Second, 10 * time.Second, 30 * time.Second, 10 * time.Minute} {
		for _, via := range []string{"backoff", "limiter"} {
			t.Run(fmt.Sprint(via, delay), func(t *testing.T) {
				clk := newFakeClock()
				// The portal's clock: the first look-up answers at
				// 16:03:48.5 (+02:00); the create lands a second later.
				portal0 := time.Date(2026, 3, 19, 14, 3, 48, 500e6, time.UTC)
				local0 := clk.Now()
				portalNow := func() time.Time { return portal0.Add(clk.Now().Sub(local0)) }
				opts := []Option{WithClock(clk)}
				policy := RetryPolicy{MaxAttempts: 3}
				if via == "backoff" {
					// Two retries: delay/3 then 2*delay/3.
					policy.BaseDelay, policy.MaxDelay = delay/3, delay
				} else {
					// Pre-check and create pass; the look-up's three
					// attempts wait delay/3 each in the limiter.
					opts = append(opts, WithLimiter(&scriptedLimiter{waits: []time.Duration{0, 0, delay / 3, delay / 3, delay - 2*(delay/3)}}))
				}
				c, mt := newMockClient(t, append(opts, WithRetryPolicy(policy))...)
				created := portal0.Add(time.Second).Truncate(time.Second)
				get := &script{t: t, steps: []httpmock.Responder{
					jsonResponder(200, fixture(t, "sonet_group.get/ensure_empty.json")),
					htmlBadGateway, htmlBadGateway,
					func(*http.Request) (*http.Response, error) {
						now := portalNow()
						body := fmt.Sprintf(`{"result":[{"ID":"81","NAME":"Quarterly review","OWNER_ID":"1","PROJECT":"N","DATE_CREATE":%q}],"total":1,
							"time":{"start":%d.%06d,"date_start":%q}}`,
							created.Format(time.RFC3339), now.Unix(), now.Nanosecond()/1000, now.Format(time.RFC3339))
						return httpmock.NewStringResponse(200, body), nil
					},
				}}
				create := &script{t: t, steps: []httpmock.Responder{jsonResponder(500, fixture(t, "batch/internal_error.json"))}}
				mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", get.respond)
				mt.RegisterResponder("POST", testEndpoint+"sonet_group.create", create.respond)

				id, made, err := c.EnsureGroup(context.Background(), &GroupCreateRequest{Name: "Quarterly review"})
				require.NoError(t, err)
				assert.Equal(t, 81, id)
				assert.True(t, made, "the group did not exist when the call began")
				assert.Equal(t, []string{"NAME=Quarterly%20review"}, create.Bodies(), "exactly one create")
				assert.Equal(t, []string{ensureLookupBody, ensureLookupBody, ensureLookupBody, ensureLookupBody}, get.Bodies())
				var slept time.Duration
				for _, d := range clk.Sleeps() {
					slept += d
				}
				want := delay/3 + 2*(delay/3) // backoff doubles the integer third
				if via == "limiter" {
					want = delay
				}
				assert.Equal(t, want, slept, "the look-up took this long")
			})
		}
	}
}

// The second look-up ignores a group older than the first look-up's
// portal time (minus slack), a differently cased name and another owner.
func TestEnsureGroupAfterALostAnswerCountsOnlyGroupsFromTheWindow(t *testing.T) {
	c, mt := newMockClient(t)
	get := &script{t: t, steps: []httpmock.Responder{
		jsonResponder(200, fixture(t, "sonet_group.get/ensure_empty.json")),
		jsonResponder(200, fixture(t, "sonet_group.get/reconcile_one_match.json")),
	}}
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", get.respond)
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.create", jsonResponder(500, fixture(t, "batch/internal_error.json")))
	id, made, err := c.EnsureGroup(context.Background(), &GroupCreateRequest{Name: "Quarterly review"})
	require.NoError(t, err)
	// 75 is an hour older than the first look-up, 82 differs in case, 83
	// has another owner.
	assert.Equal(t, 81, id)
	assert.True(t, made)
	assert.Equal(t, 1, mt.GetCallCountInfo()["POST "+testEndpoint+"sonet_group.create"])
}

func TestEnsureGroupReturnsAnExistingGroupWithoutCreating(t *testing.T) {
	c, mt := newMockClient(t)
	var get recorded
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", get.respond(200, fixture(t, "sonet_group.get/reconcile_no_match.json")))
	id, made, err := c.EnsureGroup(context.Background(), &GroupCreateRequest{Name: " Quarterly review "})
	require.NoError(t, err)
	assert.Equal(t, 75, id)
	assert.False(t, made)
	assert.Equal(t, []string{ensureLookupBody}, get.Bodies())
	assert.Equal(t, 1, mt.GetTotalCallCount(), "no create")
}

func TestEnsureGroupReportsDuplicatesByID(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", jsonResponder(200, fixture(t, "sonet_group.get/reconcile_two_matches.json")))
	id, made, err := c.EnsureGroup(context.Background(), &GroupCreateRequest{Name: "Quarterly review"})
	assert.Equal(t, 0, id)
	assert.False(t, made)
	var de *DuplicateGroupsError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, []int{81, 84}, de.IDs)
	assert.ErrorIs(t, err, ErrDuplicateGroups)
	assert.NotErrorIs(t, err, ErrOutcomeUnknown)
	assert.EqualError(t, err, `sonet: 2 groups named "Quarterly review" match (IDs [81 84])`)
	assert.Equal(t, 0, mt.GetCallCountInfo()["POST "+testEndpoint+"sonet_group.create"])
}

func TestEnsureGroupReportsDuplicatesFoundAfterALostAnswer(t *testing.T) {
	c, mt := newMockClient(t)
	get := &script{t: t, steps: []httpmock.Responder{
		jsonResponder(200, fixture(t, "sonet_group.get/ensure_empty.json")),
		jsonResponder(200, fixture(t, "sonet_group.get/reconcile_two_matches.json")),
	}}
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", get.respond)
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.create", jsonResponder(500, fixture(t, "batch/internal_error.json")))
	_, _, err := c.EnsureGroup(context.Background(), &GroupCreateRequest{Name: "Quarterly review"})
	var de *DuplicateGroupsError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, []int{81, 84}, de.IDs)
	assert.ErrorIs(t, err, ErrOutcomeUnknown)
	assert.ErrorIs(t, err, ErrInternalServerError)
}

// The portal itself answered the create with 500: its script had ended,
// so a look-up that finds nothing proves no group was made.
func TestEnsureGroupCreatesAgainWhenThePortalAnsweredAndNothingWasMade(t *testing.T) {
	clk := newFakeClock()
	c, mt := newMockClient(t, WithClock(clk), WithRetryPolicy(RetryPolicy{MaxAttempts: 3, BaseDelay: time.Second, MaxDelay: time.Second}))
	create := &script{t: t, steps: []httpmock.Responder{
		jsonResponder(500, fixture(t, "batch/internal_error.json")), jsonResponder(200, fixture(t, "sonet_group.create/seed000_ok.json")),
	}}
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.create", create.respond)
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", jsonResponder(200, fixture(t, "sonet_group.get/ensure_empty.json")))
	id, made, err := c.EnsureGroup(context.Background(), &GroupCreateRequest{Name: "Quarterly review"})
	require.NoError(t, err)
	assert.Equal(t, 77, id)
	assert.True(t, made)
	assert.Len(t, create.Bodies(), 2)
	assert.Equal(t, 2, mt.GetCallCountInfo()["POST "+testEndpoint+"sonet_group.get"])
	assert.Equal(t, []time.Duration{time.Second}, clk.Sleeps())
}

func TestEnsureGroupReturnsOtherErrorsWithoutALookUp(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", jsonResponder(200, fixture(t, "sonet_group.get/ensure_empty.json")))
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.create", jsonResponder(400, fixture(t, "sonet_group.create/seed000_cannot_create.json")))
	id, made, err := c.EnsureGroup(context.Background(), &GroupCreateRequest{Name: "Quarterly review"})
	assert.Equal(t, 0, id)
	assert.False(t, made)
	assert.ErrorIs(t, err, ErrCannotCreateGroup)
	assert.Equal(t, 2, mt.GetTotalCallCount())

	_, _, err = c.EnsureGroup(context.Background(), &GroupCreateRequest{})
	assert.EqualError(t, err, "sonet: invalid NAME: required and empty")
	assert.Equal(t, 2, mt.GetTotalCallCount())
}

// An import run twice: the second run finds what the first made.
func TestEnsureGroupTwiceGivesTheSameGroup(t *testing.T) {
	srv := sonettest.NewServer()
	defer srv.Close()
	c, err := NewWebhookClient(srv.WebhookURL(), WithoutRateLimit())
	require.NoError(t, err)
	req := &GroupCreateRequest{Name: "Import 2026", Project: Yes}
	id1, made1, err := c.EnsureGroup(context.Background(), req)
	require.NoError(t, err)
	id2, made2, err := c.EnsureGroup(context.Background(), req)
	require.NoError(t, err)
	assert.True(t, made1)
	assert.False(t, made2)
	assert.Equal(t, id1, id2)
	assert.Len(t, srv.Groups(), 1)

	// A workgroup of the same name is another group.
	id3, made3, err := c.EnsureGroup(context.Background(), &GroupCreateRequest{Name: "Import 2026"})
	require.NoError(t, err)
	assert.True(t, made3)
	assert.NotEqual(t, id1, id3)
}

// FindGroupsByName compares exactly: the portal's filter ignores case.
func TestFindGroupsByNameComparesExactly(t *testing.T) {
	srv := sonettest.NewServer()
	defer srv.Close()
	for _, n := range []string{"Sales", "sales", "Sales team", "SALES", "Sales"} {
		srv.AddGroup(sonettest.NewGroup(n))
	}
	c, err := NewWebhookClient(srv.WebhookURL(), WithoutRateLimit())
	require.NoError(t, err)
	gs, err := c.FindGroupsByName(context.Background(), "Sales")
	require.NoError(t, err)
	var ids []int
	for _, g := range gs {
		assert.Equal(t, "Sales", g.Name)
		ids = append(ids, g.ID)
	}
	assert.Equal(t, []int{5, 1}, ids)

	gs, err = c.FindGroupsByName(context.Background(), "Nothing")
	require.NoError(t, err)
	assert.Equal(t, []Group{}, gs)

	_, err = c.FindGroupsByName(context.Background(), " ")
	assert.ErrorIs(t, err, ErrValidation)
}

// 1,000 calls with unique names from 8 goroutines through 10% of each
// fault, on creates and look-ups alike: at most one group per name, and
// every success returns that group's ID. A call whose create met a fault
// that leaves the create's fate open (502 page, drop) and found no group
// fails with ErrOutcomeUnknown instead of creating again; running it again,
// as an import would, settles it.
func TestEnsureGroupE2EUnderFaultsNeverDuplicates(t *testing.T) {
	srv := sonettest.NewServer(sonettest.WithFaults(sonettest.Faults{
		Seed: 9, InternalBefore: 0.1, InternalAfter: 0.1, HTMLBadGateway: 0.1, QueryLimit: 0.1, Truncated: 0.1, Drop: 0.1,
	}))
	defer srv.Close()
	// 60% of requests meet a fault, so a read exhausts 20 attempts once in
	// 27,000 (0.6^20) and a run makes thousands of reads: 40 attempts
	// (0.6^40, about 1e-9) keep "only an open outcome fails" about the
	// create, not about how many attempts a look-up was given.
	c, err := NewWebhookClient(srv.WebhookURL(), WithoutRateLimit(), WithRetryPolicy(RetryPolicy{MaxAttempts: 40}))
	require.NoError(t, err)
	const calls, workers = 1000, 8
	ids := make([]int, calls)
	errs := make([]error, calls)
	pending := make([]int, calls)
	for i := range pending {
		pending[i] = i
	}
	firstPass := 0
	for round := 0; len(pending) > 0 && round < 10; round++ {
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for k := w; k < len(pending); k += workers {
					i := pending[k]
					ids[i], _, errs[i] = c.EnsureGroup(context.Background(), &GroupCreateRequest{Name: fmt.Sprintf("Ensure %04d", i)})
				}
			}(w)
		}
		wg.Wait()
		var again []int
		for _, i := range pending {
			if errs[i] != nil {
				assert.ErrorIs(t, errs[i], ErrOutcomeUnknown, "only an open outcome fails")
				again = append(again, i)
			}
		}
		if round == 0 {
			firstPass = calls - len(again)
		}
		pending = again
	}
	assert.Empty(t, pending, "re-runs settle every name")
	assert.Greater(t, firstPass, calls*80/100, "most calls succeed at once")
	byName := map[string][]int{}
	for _, g := range srv.Groups() {
		byName[g.Name] = append(byName[g.Name], g.ID)
	}
	for i := 0; i < calls; i++ {
		name := fmt.Sprintf("Ensure %04d", i)
		assert.Len(t, byName[name], 1, "groups named %s: %v", name, byName[name])
		if errs[i] == nil {
			assert.Equal(t, byName[name], []int{ids[i]}, name)
		}
	}
}

// A create answered 200 with an unusable result may have run: EnsureGroup
// looks before creating again, like after any lost answer.
func TestEnsureGroupLooksUpAfterAnUnusableCreateAnswer(t *testing.T) {
	for _, result := range []string{`null`, `"abc"`, `0`, `{"ID":42}`} {
		c, mt := newMockClient(t)
		get := &script{t: t, steps: []httpmock.Responder{
			jsonResponder(200, fixture(t, "sonet_group.get/ensure_empty.json")),
			jsonResponder(200, fixture(t, "sonet_group.get/reconcile_one_match.json")),
		}}
		mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", get.respond)
		mt.RegisterResponder("POST", testEndpoint+"sonet_group.create", httpmock.NewStringResponder(200, `{"result":`+result+`}`))
		id, made, err := c.EnsureGroup(context.Background(), &GroupCreateRequest{Name: "Quarterly review"})
		require.NoError(t, err, result)
		assert.Equal(t, 81, id, result)
		assert.True(t, made, result)
		assert.Equal(t, 1, mt.GetCallCountInfo()["POST "+testEndpoint+"sonet_group.create"], result)
		assert.Len(t, get.Bodies(), 2, result)
	}
}
