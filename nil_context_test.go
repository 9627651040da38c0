package sonet

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A nil context is an error, as in net/http, never a panic, and nothing is
// sent.
func TestNilContextIsAnErrorEverywhere(t *testing.T) {
	c, mt := newMockClient(t)
	var none context.Context
	want := "sonet: invalid ctx: nil context.Context: pass context.Background() or a real context"
	check := func(name string, err error) {
		t.Helper()
		require.Error(t, err, name)
		assert.ErrorIs(t, err, ErrValidation, name)
		assert.EqualError(t, err, want, name)
	}
	_, err := c.GetGroup(none, 1)
	check("GetGroup", err)
	_, err = c.CreateGroup(none, &GroupCreateRequest{Name: "x"})
	check("CreateGroup", err)
	_, _, err = c.EnsureGroup(none, &GroupCreateRequest{Name: "x"})
	check("EnsureGroup", err)
	_, err = c.FindGroupsByName(none, "x")
	check("FindGroupsByName", err)
	_, err = c.Call(none, "sonet_group.get", nil, nil)
	check("Call", err)
	for _, err := range c.AllGroups(none, nil) {
		check("AllGroups", err)
	}
	for _, err := range c.ScanGroups(none, nil) {
		check("ScanGroups", err)
	}
	b := NewBatch()
	h := BatchGetGroup(b, 1)
	err = c.RunBatch(none, b)
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrValidation)
	assert.ErrorIs(t, h.Err(), ErrNotRun)
	app, err := NewOAuthApp("local.abc", "secretsecret")
	require.NoError(t, err)
	_, err = app.Refresh(none, "refresh")
	check("Refresh", err)
	_, err = NewOAuthAppClient(none, app, NewMemoryTokenStore(Token{AccessToken: "a", RefreshToken: "r"}))
	check("NewOAuthAppClient", err)
	assert.Equal(t, 0, mt.GetTotalCallCount())
}
