package sonet

import (
	"context"

	"fmt"
	"net/http"
	"testing"

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
			get := &script{t: t, steps: []httpmock.Responder{
				jsonResponder(200, fixture(t, "sonet_group.get/ensure_empty.json")),
				jsonResponder(200, fixture(t, "sonet_group.get/ensure_empty.json")),
			}}
			create := &script{t: t, steps: []httpmock.Responder{lost}}
			mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", get.respond)
			mt.RegisterResponder("POST", testEndpoint+"sonet_group.create", create.respond)

			id, made, err := c.EnsureGroup(context.Background(), &GroupCreateRequest{Name: "Quarterly review"})
			assert.Equal(t, 0, id)
			assert.False(t, made)
			assert.ErrorIs(t, err, ErrOutcomeUnknown)
			assert.ErrorContains(t, err, "no group found yet: the create may still be running on the portal, so it is not sent again")
			assert.Len(t, create.Bodies(), 1, "one create only")
			assert.Len(t, get.Bodies(), 2, "looked up before and after")
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
	get := &script{t: t, steps: []httpmock.Responder{
		jsonResponder(200, fixture(t, "sonet_group.get/ensure_empty.json")),
		jsonResponder(200, older),
	}}
	create := &script{t: t, steps: []httpmock.Responder{jsonResponder(500, fixture(t, "batch/internal_error.json"))}}
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", get.respond)
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.create", create.respond)

	id, made, err := c.EnsureGroup(context.Background(), &GroupCreateRequest{Name: "Quarterly review"})
	assert.Equal(t, 0, id)
	assert.False(t, made)
	assert.ErrorIs(t, err, ErrOutcomeUnknown)
	assert.ErrorContains(t, err, "group 75 matches but was created before this call's window; not creating again")
	assert.Len(t, create.Bodies(), 1)
}
