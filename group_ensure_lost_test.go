package sonet

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/b24kit/sonet/sonettest"
	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A create whose answer never came from the portal's own script (the
// client timed out, the connection dropped, a gateway answered 502 or 504)
// may still be running and commit after the look-up. EnsureGroup then
// returns the lost answer's error instead of sending a second create.
func TestEnsureGroupNeverCreatesAgainWhileTheCreateMayStillRun(t *testing.T) {
	timeout := func(*http.Request) (*http.Response, error) {
		return nil, fmt.Errorf("net/http: request canceled (Client.Timeout exceeded while awaiting headers)")
	}
	for name, lost := range map[string]httpmock.Responder{
		"client timeout": timeout,
		"502 page":       htmlBadGateway,
		"504 page":       httpmock.NewStringResponder(504, "<html><body>504 Gateway Time-out</body></html>"),
	} {
		t.Run(name, func(t *testing.T) {
			c, mt := newMockClient(t)
			id, made, creates, gets, err := ensureAfterLostCreate(t, c, mt, lost, jsonResponder(200, fixture(t, "sonet_group.get/ensure_empty.json")))
			assert.Equal(t, 0, id)
			assert.False(t, made)
			assert.ErrorIs(t, err, ErrOutcomeUnknown)
			assert.ErrorContains(t, err, "no group found yet: the create may still be running on the portal, so it is not sent again")
			assert.Len(t, creates, 1, "one create only")
			assert.Len(t, gets, 2, "looked up before and after")
		})
	}
}

// A page past the end answers the first page again (the portal's
// fallback), and rows shift between pages: a group seen twice is one
// group, not a duplicate.
func TestEnsureGroupCountsAGroupSeenOnTwoPagesOnce(t *testing.T) {
	page := func(next string) []byte {
		return []byte(`{"result":[{"ID":"81","NAME":"Quarterly review","OWNER_ID":"1","PROJECT":"N","DATE_CREATE":"2026-03-19T16:03:49+02:00"}],
			"total":51` + next + `,"time":{"start":1773925430,"date_start":"2026-03-19T16:03:50+02:00"}}`)
	}
	c, mt := newMockClient(t)
	get := &script{t: t, steps: []httpmock.Responder{
		jsonResponder(200, page(`,"next":50`)),
		jsonResponder(200, page(``)),
		jsonResponder(200, page(`,"next":50`)),
		jsonResponder(200, page(``)),
	}}
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", get.respond)

	id, made, err := c.EnsureGroup(context.Background(), &GroupCreateRequest{Name: "Quarterly review"})
	require.NoError(t, err)
	assert.Equal(t, 81, id)
	assert.False(t, made)

	gs, err := c.FindGroupsByName(context.Background(), "Quarterly review")
	require.NoError(t, err)
	require.Len(t, gs, 1)
	assert.Equal(t, 81, gs[0].ID)
	assert.Equal(t, []string{ensureLookupBody, ensureLookupBody + "&start=50", ensureLookupBody, ensureLookupBody + "&start=50"}, get.Bodies())
	assert.Equal(t, 0, mt.GetCallCountInfo()["POST "+testEndpoint+"sonet_group.create"])
}

// A matching group older than the window after a lost answer (a clock
// between the portal's web and database servers running behind, or a
// group the first look-up did not see) is not this call's, but it is no
// proof that nothing was made either: EnsureGroup does not create again.
func TestEnsureGroupDoesNotCreateAgainBesideAGroupOutsideTheWindow(t *testing.T) {
	c, mt := newMockClient(t)
	older := []byte(`{"result":[{"ID":"75","NAME":"Quarterly review","OWNER_ID":"1","PROJECT":"N","DATE_CREATE":"2026-03-19T15:00:02+02:00"}],
		"total":1,"time":{"start":1773925430,"date_start":"2026-03-19T16:03:50+02:00"}}`)
	id, made, creates, _, err := ensureAfterLostCreate(t, c, mt, jsonResponder(500, fixture(t, "batch/internal_error.json")), jsonResponder(200, older))
	assert.Equal(t, 0, id)
	assert.False(t, made)
	assert.ErrorIs(t, err, ErrOutcomeUnknown)
	assert.ErrorContains(t, err, "group 75 matches but was created before this call's window; not creating again")
	assert.Len(t, creates, 1)
}

// Against the fake portal with creates that run only after the client has
// timed out (Late): the look-up right after the timeout finds nothing, yet
// the create commits a moment later. No second create is sent; running
// the failed names again, once the portal has caught up, gives exactly one
// group per name, and every success is that group.
func TestEnsureGroupE2ECreatesThatCommitAfterTheTimeoutNeverDuplicate(t *testing.T) {
	const lateBy = time.Second
	srv := sonettest.NewServer(sonettest.WithFaults(sonettest.Faults{
		Seed: 3, Late: 0.4, DelayFor: lateBy, Methods: []string{"sonet_group.create"},
	}))
	defer srv.Close()
	// The timeout is far below lateBy and far above a normal answer, so a
	// loaded machine does not change which creates commit late.
	ct := &countingTransport{}
	c, err := NewWebhookClient(srv.WebhookURL(), WithoutRateLimit(),
		WithHTTPClient(&http.Client{Transport: ct, Timeout: 300 * time.Millisecond}), WithRetryPolicy(RetryPolicy{MaxAttempts: 3}))
	require.NoError(t, err)
	const calls = 20
	ids := make([]int, calls)
	errs := make([]error, calls)
	name := func(i int) string { return fmt.Sprintf("Late %02d", i) }
	unknown := 0
	for i := range calls {
		ids[i], _, errs[i] = c.EnsureGroup(context.Background(), &GroupCreateRequest{Name: name(i)})
		if errors.Is(errs[i], ErrOutcomeUnknown) {
			unknown++
		}
	}
	assert.Greater(t, unknown, 0, "some creates ran late and their calls said outcome unknown")
	// Run the failed names again, as an import would, once the late
	// creates have committed.
	// The portal records a request once it has run and answered (a late
	// one too, client gone or not): past lateBy, wait until it has
	// recorded every request sent, or for ten seconds more (a request cut
	// off before it reached the portal is never recorded). A fixed pause
	// alone let a late create that a loaded machine held up commit after
	// the next look-up, which then created the group a second time.
	caughtUp := func() {
		time.Sleep(lateBy + 500*time.Millisecond)
		for deadline := time.Now().Add(10 * time.Second); int64(len(srv.Requests())) < ct.n.Load() && time.Now().Before(deadline); {
			time.Sleep(20 * time.Millisecond)
		}
	}
	for round := 0; round < 5; round++ {
		caughtUp()
		again := false
		for i := range calls {
			if errs[i] != nil {
				ids[i], _, errs[i] = c.EnsureGroup(context.Background(), &GroupCreateRequest{Name: name(i)})
				again = again || errs[i] != nil
			}
		}
		if !again {
			break
		}
	}
	byName := map[string][]int{}
	for _, g := range srv.Groups() {
		byName[g.Name] = append(byName[g.Name], g.ID)
	}
	for i := range calls {
		require.NoError(t, errs[i], name(i))
		assert.Equal(t, []int{ids[i]}, byName[name(i)], "%s: one group, the one returned", name(i))
	}
}

// The look-up after a lost create fails too (its retries exhausted): the
// error says both, matches ErrOutcomeUnknown and the look-up's cause, and
// no second create is sent.
func TestEnsureGroupLookUpFailingAfterALostCreate(t *testing.T) {
	c, mt := newMockClient(t, WithRetryPolicy(RetryPolicy{MaxAttempts: 2}))
	id, made, creates, gets, err := ensureAfterLostCreate(t, c, mt, jsonResponder(500, fixture(t, "batch/internal_error.json")), htmlBadGateway, htmlBadGateway)
	assert.Equal(t, 0, id)
	assert.False(t, made)
	assert.ErrorIs(t, err, ErrOutcomeUnknown)
	assert.ErrorIs(t, err, ErrInternalServerError)
	assert.ErrorIs(t, err, ErrBadResponse, "the look-up's 502")
	assert.ErrorContains(t, err, "and the look-up that followed failed")
	assert.Len(t, creates, 1)
	assert.Len(t, gets, 3)
}

// ensureAfterLostCreate runs EnsureGroup("Quarterly review") where the first
// look-up finds nothing, the create answers with lost, and later look-ups
// answer with after; it returns the result and the bodies sent.
func ensureAfterLostCreate(t *testing.T, c *Client, mt *httpmock.MockTransport, lost httpmock.Responder, after ...httpmock.Responder) (int, bool, []string, []string, error) {
	t.Helper()
	get := &script{t: t, steps: append([]httpmock.Responder{jsonResponder(200, fixture(t, "sonet_group.get/ensure_empty.json"))}, after...)}
	create := &script{t: t, steps: []httpmock.Responder{lost}}
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", get.respond)
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.create", create.respond)
	id, made, err := c.EnsureGroup(context.Background(), &GroupCreateRequest{Name: "Quarterly review"})
	return id, made, create.Bodies(), get.Bodies(), err
}
