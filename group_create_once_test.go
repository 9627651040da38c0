package sonet

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/b24kit/sonet/sonettest"
	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const reconcileLookupBody = "FILTER[NAME]=Quarterly%20review&IS_ADMIN=Y"

func TestCreateGroupOnceFindsTheGroupALostAnswerMade(t *testing.T) {
	c, mt := newMockClient(t)
	var create, get recorded
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.create", create.respond(500, fixture(t, "batch/internal_error.json")))
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", get.respond(200, fixture(t, "sonet_group.get/reconcile_one_match.json")))

	id, created, err := c.CreateGroupOnce(context.Background(), &GroupCreateRequest{Name: "Quarterly review"})
	require.NoError(t, err)
	// 75 is too old, 82 differs in case, 83 has another owner.
	assert.Equal(t, 81, id)
	assert.False(t, created)
	assert.Equal(t, []string{"NAME=Quarterly%20review"}, create.Bodies())
	assert.Equal(t, []string{reconcileLookupBody}, get.Bodies())
}

func TestCreateGroupOnceCreatesAgainWhenNothingWasMade(t *testing.T) {
	clk := newFakeClock()
	c, mt := newMockClient(t, WithClock(clk), WithRetryPolicy(RetryPolicy{MaxAttempts: 3, BaseDelay: time.Second, MaxDelay: time.Second}))
	n := 0
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.create", func(req *http.Request) (*http.Response, error) {
		n++
		if n == 1 {
			return httpmock.NewBytesResponse(502, []byte("<html>502 Bad Gateway</html>")), nil
		}
		return httpmock.NewBytesResponse(200, fixture(t, "sonet_group.create/seed000_ok.json")), nil
	})
	var get recorded
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", get.respond(200, fixture(t, "sonet_group.get/reconcile_no_match.json")))

	id, created, err := c.CreateGroupOnce(context.Background(), &GroupCreateRequest{Name: "Quarterly review"})
	require.NoError(t, err)
	assert.Equal(t, 77, id)
	assert.True(t, created)
	assert.Equal(t, 2, n)
	assert.Equal(t, []string{reconcileLookupBody}, get.Bodies())
	assert.Equal(t, []time.Duration{time.Second}, clk.Sleeps())
}

func TestCreateGroupOnceReportsAmbiguousMatches(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.create", httpmock.NewBytesResponder(500, fixture(t, "batch/internal_error.json")))
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", httpmock.NewBytesResponder(200, fixture(t, "sonet_group.get/reconcile_two_matches.json")))

	id, created, err := c.CreateGroupOnce(context.Background(), &GroupCreateRequest{Name: "Quarterly review"})
	assert.Equal(t, 0, id)
	assert.False(t, created)
	var re *ReconcileError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, []int{81, 84}, re.IDs)
	assert.Equal(t, "Quarterly review", re.Name)
	assert.ErrorIs(t, err, ErrOutcomeUnknown)
	assert.ErrorIs(t, err, ErrInternalServerError)
	assert.Equal(t, 1, mt.GetCallCountInfo()["POST "+testEndpoint+"sonet_group.create"])
}

func TestCreateGroupOnceReturnsOtherErrorsWithoutLookup(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.create", httpmock.NewBytesResponder(400, fixture(t, "sonet_group.create/seed000_cannot_create.json")))
	id, created, err := c.CreateGroupOnce(context.Background(), &GroupCreateRequest{Name: "Quarterly review"})
	assert.Equal(t, 0, id)
	assert.False(t, created)
	assert.ErrorIs(t, err, ErrCannotCreateGroup)
	assert.Equal(t, 1, mt.GetTotalCallCount())

	_, _, err = c.CreateGroupOnce(context.Background(), &GroupCreateRequest{})
	assert.EqualError(t, err, "sonet: invalid NAME: required and empty")
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestCreateGroupOnceE2EUnderFaultsLeavesExactlyOneGroupPerName(t *testing.T) {
	srv := sonettest.NewServer(sonettest.WithFaults(sonettest.Faults{
		Seed: 7, InternalBefore: 0.1, InternalAfter: 0.1, Drop: 0.1, Truncated: 0.1, HTMLBadGateway: 0.05,
		Methods: []string{"sonet_group.create"},
	}))
	defer srv.Close()
	c, err := NewWebhookClient(srv.WebhookURL(), WithoutRateLimit(), WithRetryPolicy(RetryPolicy{MaxAttempts: 10, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}))
	require.NoError(t, err)
	found := 0
	for i := 0; i < 200; i++ {
		name := fmt.Sprintf("Once %03d", i)
		id, created, err := c.CreateGroupOnce(context.Background(), &GroupCreateRequest{Name: name})
		require.NoError(t, err, name)
		if !created {
			found++
		}
		g, ok := srv.Group(id)
		require.True(t, ok, name)
		assert.Equal(t, name, g.Name)
	}
	groups := srv.Groups()
	assert.Len(t, groups, 200)
	names := map[string]int{}
	for _, g := range groups {
		names[g.Name]++
	}
	assert.Len(t, names, 200)
	assert.Greater(t, found, 40) // about 30% of the answers were lost after the create ran
}
