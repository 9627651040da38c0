package sonetredis_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/b24kit/sonet"
	sonetredis "github.com/b24kit/sonet/redis"
	"github.com/b24kit/sonet/sonettest"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	access1  = "acce55t0kenno1acce55t0kenno1aaaa"
	refresh1 = "refre5ht0kenno1refre5ht0kenno1rr"
	access2  = "acce55t0kenno2acce55t0kenno2aaaa"
	refresh2 = "refre5ht0kenno2refre5ht0kenno2rr"
)

func pair1() sonet.Token {
	return sonet.Token{
		AccessToken: access1, RefreshToken: refresh1, Expires: time.Unix(1773934520, 0), ExpiresIn: time.Hour,
		Domain: "oauth.bitrix.info", ServerEndpoint: "https://oauth.bitrix.info/rest/", ClientEndpoint: "https://portal.example/rest/",
		MemberID: "a223c6b3710f85df22e9377d6c4f7553", Scope: "sonet_group", Status: "L", UserID: 1,
	}
}

func newStore(t *testing.T, opts ...sonetredis.StoreOption) (*sonetredis.TokenStore, *redis.Client, string) {
	t.Helper()
	rdb, prefix := newRedis(t)
	scope := sonetredis.AppScope(portal, "local.sonettest")
	scope.Prefix = prefix
	s, err := sonetredis.NewTokenStore(rdb, scope, opts...)
	require.NoError(t, err)
	return s, rdb, prefix + ":{portal.example}:app:local.sonettest:token"
}

func TestTokenStoreKeepsThePairAsDocumentedJSON(t *testing.T) {
	ctx := context.Background()
	s, rdb, key := newStore(t)
	_, err := s.Load(ctx)
	assert.ErrorIs(t, err, sonetredis.ErrNoToken)
	require.NoError(t, s.Save(ctx, pair1()))
	got, err := s.Load(ctx)
	require.NoError(t, err)
	assert.Equal(t, pair1(), got)
	raw, err := rdb.Get(ctx, key).Result()
	require.NoError(t, err)
	assert.Equal(t, `{"access_token":"`+access1+`","refresh_token":"`+refresh1+`","expires":1773934520,"expires_in":3600,`+
		`"domain":"oauth.bitrix.info","server_endpoint":"https://oauth.bitrix.info/rest/","client_endpoint":"https://portal.example/rest/",`+
		`"member_id":"a223c6b3710f85df22e9377d6c4f7553","scope":"sonet_group","status":"L","user_id":1}`, raw)
	want := "sonetredis.TokenStore{key: " + key + "}"
	assert.Equal(t, want+" "+want+" "+want, fmt.Sprintf("%v %+v %#v", s, s, s))
}

func TestTokenStoreSealsTheValueAtRest(t *testing.T) {
	ctx := context.Background()
	key := []byte("0123456789abcdef0123456789abcdef")
	sealer, err := sonetredis.NewAESGCM(key)
	require.NoError(t, err)
	s, rdb, rkey := newStore(t, sonetredis.WithSealer(sealer))
	require.NoError(t, s.Save(ctx, pair1()))
	raw, err := rdb.Get(ctx, rkey).Bytes()
	require.NoError(t, err)
	for _, secret := range []string{access1, refresh1, "access_token"} {
		assert.NotContains(t, string(raw), secret)
	}
	got, err := s.Load(ctx)
	require.NoError(t, err)
	assert.Equal(t, pair1(), got)

	// The same key under another encryption key cannot be read; the error
	// names the key, never a token.
	other, err := sonetredis.NewAESGCM([]byte("another key, also 32 bytes long!"))
	require.NoError(t, err)
	scope := sonetredis.AppScope(portal, "local.sonettest")
	scope.Prefix = strings.SplitN(rkey, ":", 2)[0]
	wrong, err := sonetredis.NewTokenStore(rdb, scope, sonetredis.WithSealer(other))
	require.NoError(t, err)
	_, err = wrong.Load(ctx)
	assert.EqualError(t, err, "sonetredis: open the token stored at "+rkey+": sealed value is damaged or was sealed under another key")

	_, err = sonetredis.NewAESGCM([]byte("short"))
	assert.ErrorIs(t, err, sonet.ErrValidation)
}

// A sealed value is bound to the key it was stored under: copied into the
// key of another application (or portal) sealed with the same encryption
// key, it does not open, so one grant cannot be passed off as another's.
func TestTokenStoreSealedValueIsBoundToItsKey(t *testing.T) {
	ctx := context.Background()
	sealer, err := sonetredis.NewAESGCM([]byte("0123456789abcdef0123456789abcdef"))
	require.NoError(t, err)
	a, rdb, akey := newStore(t, sonetredis.WithSealer(sealer))
	require.NoError(t, a.Save(ctx, pair1()))
	scope := sonetredis.AppScope(portal, "local.other")
	scope.Prefix = strings.SplitN(akey, ":", 2)[0]
	b, err := sonetredis.NewTokenStore(rdb, scope, sonetredis.WithSealer(sealer))
	require.NoError(t, err)
	bkey := scope.Prefix + ":{portal.example}:app:local.other:token"
	raw, err := rdb.Get(ctx, akey).Bytes()
	require.NoError(t, err)
	require.NoError(t, rdb.Set(ctx, bkey, raw, 0).Err())
	_, err = b.Load(ctx)
	assert.EqualError(t, err, "sonetredis: open the token stored at "+bkey+": sealed value is damaged or was sealed under another key")
	got, err := a.Load(ctx)
	require.NoError(t, err)
	assert.Equal(t, pair1(), got)
}

func TestTokenStoreCompareAndSwap(t *testing.T) {
	ctx := context.Background()
	s, _, _ := newStore(t)
	require.NoError(t, s.Save(ctx, pair1()))
	next := sonet.Token{AccessToken: access2, RefreshToken: refresh2, ClientEndpoint: "https://portal.example/rest/"}

	stale := sonet.Token{AccessToken: access1, RefreshToken: "somebodyelsesrefresh"}
	ok, err := s.CompareAndSwap(ctx, stale, next)
	require.NoError(t, err)
	assert.False(t, ok, "only both tokens together match")

	// Only the tokens are compared, not the other fields.
	ok, err = s.CompareAndSwap(ctx, sonet.Token{AccessToken: access1, RefreshToken: refresh1}, next)
	require.NoError(t, err)
	assert.True(t, ok)
	got, err := s.Load(ctx)
	require.NoError(t, err)
	assert.Equal(t, next, got)

	// Sixteen swappers from the same old pair: exactly one wins.
	var wins int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := s.CompareAndSwap(ctx, next, sonet.Token{AccessToken: fmt.Sprintf("winner%02d", i), RefreshToken: "r"})
			assert.NoError(t, err)
			if ok {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, 1, wins)
}

func TestTokenStoreRefreshLockExcludesAndExpires(t *testing.T) {
	ctx := context.Background()
	// A TTL of two seconds: the live holders here extend their lock every
	// third of it, and a loaded machine can hold the extensions up longer
	// than a short TTL leaves (the lock then expired under a live holder
	// and the test failed for nothing: at 300 ms, and once at 1 s in a
	// loaded -race run).
	s, _, _ := newStore(t, sonetredis.WithLockTTL(2*time.Second))
	unlock, err := s.LockRefresh(ctx)
	require.NoError(t, err)
	// A second locker waits while the first holds the lock.
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	_, err = s.LockRefresh(short)
	cancel()
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	unlock()
	// A holder that stops (its context ends: a crashed process) loses the
	// lock when it expires; its late unlock does not free the new holder's
	// lock.
	crashed, crash := context.WithCancel(ctx)
	unlock2, err := s.LockRefresh(crashed)
	require.NoError(t, err)
	crash()
	unlock3, err := s.LockRefresh(ctx)
	require.NoError(t, err)
	unlock2()
	short, cancel = context.WithTimeout(ctx, 100*time.Millisecond)
	_, err = s.LockRefresh(short)
	cancel()
	assert.ErrorIs(t, err, context.DeadlineExceeded, "unlock2 released unlock3's lock")
	unlock3()
}

// A holder still at work keeps the lock past its TTL (it is extended while
// the holder lives), so a slow refresh is not doubled by a second process
// spending the same refresh token.
func TestTokenStoreRefreshLockOutlivesItsTTLWhileHeld(t *testing.T) {
	ctx := context.Background()
	// A TTL of two seconds, held for five (see
	// TestTokenStoreRefreshLockExcludesAndExpires for why not shorter).
	s, rdb, key := newStore(t, sonetredis.WithLockTTL(2*time.Second))
	unlock, err := s.LockRefresh(ctx)
	require.NoError(t, err)
	time.Sleep(5 * time.Second)
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	_, err = s.LockRefresh(short)
	cancel()
	assert.ErrorIs(t, err, context.DeadlineExceeded, "a live holder lost the lock")
	unlock()
	n, err := rdb.Exists(ctx, key+":lock").Result()
	require.NoError(t, err)
	assert.Zero(t, n, "unlock removed the lock")
	unlock() // a second unlock is harmless
	unlock2, err := s.LockRefresh(ctx)
	require.NoError(t, err)
	unlock2()
}

// Four clients sharing the store, with their own memory each (as four
// processes), meet one expired token at the same moment: one refresh, and
// all go on with the rotated pair.
func TestTokenStoreClientsRefreshOnce(t *testing.T) {
	ctx := context.Background()
	srv := sonettest.NewServer()
	defer srv.Close()
	rdb, prefix := newRedis(t)
	scope := sonetredis.AppScope(strings.TrimPrefix(strings.TrimSuffix(srv.PortalURL(), "/"), "http://"), srv.ClientID())
	scope.Prefix = prefix
	store, err := sonetredis.NewTokenStore(rdb, scope)
	require.NoError(t, err)
	require.NoError(t, store.Save(ctx, sonet.Token{AccessToken: srv.AccessToken(), RefreshToken: srv.RefreshToken(), ClientEndpoint: srv.PortalURL() + "rest/"}))
	app, err := sonet.NewOAuthApp(srv.ClientID(), srv.ClientSecret(), sonet.WithTokenURL(srv.PortalURL()+"oauth/token/"))
	require.NoError(t, err)
	var clients []*sonet.Client
	for range 4 {
		c, err := sonet.NewOAuthAppClient(ctx, app, store, sonet.WithoutRateLimit())
		require.NoError(t, err)
		clients = append(clients, c)
	}
	srv.ExpireAccessToken()
	var wg sync.WaitGroup
	for _, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 3 {
				_, err := c.ListGroups(ctx, nil)
				assert.NoError(t, err)
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, 1, srv.Refreshes())
	tokenRequests := 0
	for _, r := range srv.Requests() {
		if r.Method == "oauth/token" {
			tokenRequests++
		}
	}
	assert.Equal(t, 1, tokenRequests)
	stored, err := store.Load(ctx)
	require.NoError(t, err)
	assert.Equal(t, srv.AccessToken(), stored.AccessToken)
	assert.Equal(t, srv.RefreshToken(), stored.RefreshToken)
}

// No key holds a secret: after a limiter, a store, a lock and a refresh,
// every key is one of the documented forms and none contains a token.
func TestKeysHoldNoSecret(t *testing.T) {
	ctx := context.Background()
	s, rdb, tokenKey := newStore(t)
	prefix := strings.SplitN(tokenKey, ":", 2)[0]
	require.NoError(t, s.Save(ctx, pair1()))
	unlock, err := s.LockRefresh(ctx)
	require.NoError(t, err)
	scope := sonetredis.WebhookScope(portal, 7)
	scope.Prefix = prefix
	l, err := sonetredis.NewLimiter(rdb, scope, sonet.StandardPlan)
	require.NoError(t, err)
	_, _, err = l.ReserveFor(ctx, "sonet_group.get")
	require.NoError(t, err)
	require.NoError(t, l.BlockMethod(ctx, "sonet_group.get", time.Now().Add(time.Minute)))
	keys, err := rdb.Keys(ctx, prefix+":*").Result()
	require.NoError(t, err)
	unlock()
	assert.ElementsMatch(t, []string{
		prefix + ":{portal.example}:app:local.sonettest:token",
		prefix + ":{portal.example}:app:local.sonettest:token:lock",
		prefix + ":{portal.example}:bucket",
		prefix + ":{portal.example}:webhook:7:blocked:sonet_group.get",
	}, keys)
	for _, k := range keys {
		for _, secret := range []string{access1, refresh1} {
			assert.NotContains(t, k, secret)
		}
	}
}

func TestTokenStoreValidatesItsInput(t *testing.T) {
	rdb, _ := newRedis(t)
	_, err := sonetredis.NewTokenStore(rdb, sonetredis.WebhookScope(portal, 1))
	assert.EqualError(t, err, "sonet: invalid Scope.Kind: a token store belongs to an application (AppScope)")
	_, err = sonetredis.NewTokenStore(rdb, sonetredis.AppScope(portal, "local.x"), sonetredis.WithLockTTL(time.Millisecond))
	assert.EqualError(t, err, "sonet: invalid WithLockTTL: below 100ms")
	_, err = sonetredis.NewTokenStore(nil, sonetredis.AppScope(portal, "local.x"))
	assert.EqualError(t, err, "sonet: invalid rdb: nil redis client")
}

// A value the codec cannot read is an error that names the key and the
// kind of failure, and quotes nothing of the value.
func TestTokenStoreRefusesAnUnreadableValueWithoutQuotingIt(t *testing.T) {
	ctx := context.Background()
	s, rdb, key := newStore(t)
	require.NoError(t, rdb.Set(ctx, key, "Xs3cr3t-not-json", 0).Err())
	_, err := s.Load(ctx)
	assert.EqualError(t, err, "sonetredis: decode the token stored at "+key+": not a JSON token pair (*json.SyntaxError)")
	require.NoError(t, rdb.Set(ctx, key, `{"access_token": 5}`, 0).Err())
	_, err = s.Load(ctx)
	assert.EqualError(t, err, "sonetredis: decode the token stored at "+key+": not a JSON token pair (*json.UnmarshalTypeError)")
}
