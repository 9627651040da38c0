package sonet

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// downThenUpStore is a MemoryTokenStore whose CompareAndSwap fails the
// first fails times (a database or Redis blip), then works.
type downThenUpStore struct {
	*MemoryTokenStore
	mu    sync.Mutex
	fails int
}

func (s *downThenUpStore) CompareAndSwap(ctx context.Context, old, next Token) (bool, error) {
	s.mu.Lock()
	down := s.fails > 0
	s.fails--
	s.mu.Unlock()
	if down {
		return false, errors.New("connection refused")
	}
	return s.MemoryTokenStore.CompareAndSwap(ctx, old, next)
}

// A refreshed pair the store could not take at once is stored as soon as
// the store works again: its old refresh token is spent, so until then
// every other process sharing the store met invalid_grant at its next
// refresh (before, for the hour until this process refreshed again).
func TestOAuthStoreFailureStoresThePairLater(t *testing.T) {
	store := &downThenUpStore{MemoryTokenStore: NewMemoryTokenStore(startToken()), fails: 2}
	c, mt := newAppClient(t, store)
	c.cred.(*oauthAuth).refresher.(*appRefresher).storeRetry = []time.Duration{time.Millisecond, time.Millisecond, time.Millisecond}
	var rec recorded
	var tc tokenCalls
	mt.RegisterResponder("POST", testPortalREST+featureMethod, expiringPortal(t, &rec, fixture(t, "sonet_group.feature.access/ok_true.json"), oldAccess))
	mt.RegisterResponder("GET", testTokenURL, tc.respond(200, fixture(t, "oauth/refresh_full.json"), nil))
	_, err := callFeature(c)
	require.NoError(t, err)
	assert.Eventually(t, func() bool {
		tok, err := store.Load(context.Background())
		return err == nil && tok.AccessToken == newAccess && tok.RefreshToken == newRefresh
	}, 10*time.Second, 5*time.Millisecond, "the new pair reached the store")
	assert.Equal(t, []string{refreshQuery + oldRefresh}, tc.Queries(), "one refresh")
}

// The later tries give up when the store holds another pair (another
// process stored one, or an earlier try did and its answer was lost).
func TestOAuthStoreLaterStopsWhenTheStoreMovedOn(t *testing.T) {
	store := &downThenUpStore{MemoryTokenStore: NewMemoryTokenStore(startToken()), fails: 1}
	r := &appRefresher{store: store, log: slog.New(discardHandler{}), cur: Token{AccessToken: newAccess, RefreshToken: newRefresh},
		storeRetry: []time.Duration{time.Millisecond, time.Millisecond}}
	other := Token{AccessToken: otherAccess, RefreshToken: otherRefresh, ClientEndpoint: testPortalREST}
	ok, err := store.MemoryTokenStore.CompareAndSwap(context.Background(), startToken(), other)
	require.NoError(t, err)
	require.True(t, ok)
	r.storeLater(startToken(), r.cur)
	tok, err := store.Load(context.Background())
	require.NoError(t, err)
	assert.Equal(t, other, tok)
	store.mu.Lock()
	defer store.mu.Unlock()
	assert.Equal(t, -1, store.fails, "one failed try, one that found the store moved on, then no more")
}
