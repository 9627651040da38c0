package sonetmock_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/b24kit/sonet"
	"github.com/b24kit/sonet/sonetmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPortalAnswersInTurnAndRecordsWhatWasSent(t *testing.T) {
	p := sonetmock.New(t)
	p.On("sonet_group.get", sonetmock.BadGateway(), sonetmock.Groups(sonet.Group{ID: 7, Name: "Seven"}))
	p.On("sonet_group.update", sonetmock.Updated(7), sonetmock.SonetError("User has no permissions to update group"))
	ctx := context.Background()

	// The read is retried past the 502 without waiting.
	g, err := p.Client.GetGroup(ctx, 7)
	require.NoError(t, err)
	assert.Equal(t, "Seven", g.Name)
	assert.Equal(t, 2, p.Calls("sonet_group.get"))

	_, err = p.Client.UpdateGroup(ctx, &sonet.GroupUpdateRequest{GroupID: 7, Name: sonet.String("Renamed"), Closed: sonet.Yes})
	require.NoError(t, err)
	_, err = p.Client.UpdateGroup(ctx, &sonet.GroupUpdateRequest{GroupID: 7, Name: sonet.String("Again")})
	require.ErrorIs(t, err, sonet.ErrPermissionDenied)
	_, err = p.Client.UpdateGroup(ctx, &sonet.GroupUpdateRequest{GroupID: 7, Name: sonet.String("Last")})
	require.ErrorIs(t, err, sonet.ErrPermissionDenied, "the last answer repeats")

	assert.Equal(t, []url.Values{
		{"GROUP_ID": {"7"}, "NAME": {"Renamed"}, "CLOSED": {"Y"}},
		{"GROUP_ID": {"7"}, "NAME": {"Again"}},
		{"GROUP_ID": {"7"}, "NAME": {"Last"}},
	}, p.Sent("sonet_group.update"))
	assert.Equal(t, url.Values{"GROUP_ID": {"7"}}, p.Sent("sonet_group.get")[1])
}

func TestPortalFiltersAreReadableWithBracketKeys(t *testing.T) {
	p := sonetmock.New(t)
	p.On("sonet_group.get", sonetmock.Groups())
	_, err := p.Client.ListGroups(context.Background(), &sonet.GroupListOptions{
		Filter: sonet.GroupFilter{sonet.FieldName.Like("Pro"), sonet.FieldID.In(10, 20)},
		Order:  sonet.Order{sonet.FieldName.Asc()},
	})
	require.NoError(t, err)
	assert.Equal(t, url.Values{
		"ORDER[NAME]": {"ASC"}, "FILTER[%NAME]": {"Pro"}, "FILTER[ID][0]": {"10"}, "FILTER[ID][1]": {"20"},
	}, p.Sent("sonet_group.get")[0])
}

// A method without answers fails at once with a message that names it,
// and nothing reaches the network.
func TestPortalMissingAnswerNamesTheMethod(t *testing.T) {
	p := sonetmock.New(t)
	_, err := p.Client.ListMyGroups(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "sonetmock: no answer registered for POST sonet_group.user.groups (use Portal.On)")
	assert.Equal(t, 3, p.Transport.GetTotalCallCount(), "three instant attempts of the preset")
}

// Options given to New override the preset.
func TestNewOptionsOverrideThePreset(t *testing.T) {
	p := sonetmock.New(t, sonet.WithRetryPolicy(sonet.RetryPolicy{MaxAttempts: 1}))
	p.On("sonet_group.get", sonetmock.BadGateway())
	_, err := p.Client.GetGroup(context.Background(), 1)
	require.ErrorIs(t, err, sonet.ErrBadResponse)
	assert.Equal(t, 1, p.Calls("sonet_group.get"))
}

// A call of a method without answers still counts: code that swallows the
// error cannot make Calls say that nothing was attempted.
func TestPortalCountsCallsThatHadNoAnswer(t *testing.T) {
	p := sonetmock.New(t)
	err := p.Client.DeleteGroup(context.Background(), 7)
	require.ErrorContains(t, err, "no answer registered for POST sonet_group.delete")
	assert.Equal(t, 1, p.Calls("sonet_group.delete"), "a write is sent once")
	assert.Equal(t, []url.Values{{"GROUP_ID": {"7"}}}, p.Sent("sonet_group.delete"))
}

// What Groups' doc says about OwnerID: EnsureGroup finds a fixture owned by
// the mock webhook's user 1 and creates past one left with OwnerID 0.
func TestEnsureGroupFindsAFixtureOnlyWithItsOwner(t *testing.T) {
	ctx := context.Background()
	req := &sonet.GroupCreateRequest{Name: "Beta", Project: sonet.Yes}

	p := sonetmock.New(t)
	p.On("sonet_group.get", sonetmock.Groups(sonet.Group{ID: 9, Name: "Beta", Project: true, OwnerID: 1}))
	id, created, err := p.Client.EnsureGroup(ctx, req)
	require.NoError(t, err)
	assert.Equal(t, 9, id)
	assert.False(t, created)
	assert.Equal(t, 0, p.Calls("sonet_group.create"))

	p = sonetmock.New(t)
	p.On("sonet_group.get", sonetmock.Groups(sonet.Group{ID: 9, Name: "Beta", Project: true}))
	p.On("sonet_group.create", sonetmock.Created(10))
	id, created, err = p.Client.EnsureGroup(ctx, req)
	require.NoError(t, err)
	assert.Equal(t, 10, id)
	assert.True(t, created)
	assert.Equal(t, []url.Values{{"NAME": {"Beta"}, "PROJECT": {"Y"}}}, p.Sent("sonet_group.create"))
}
