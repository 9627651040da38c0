package sonet

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"
)

const (
	// refreshTimeout bounds one refresh, store calls included. A refresh
	// runs to its end even when the caller that started it gives up, so a
	// rotated pair is never lost halfway.
	refreshTimeout = time.Minute
	// retiredKept superseded access tokens are remembered, so a store still
	// holding one of them is not taken for newer.
	retiredKept = 16
	// After invalid_grant the store is read up to invalidGrantRereads times,
	// invalidGrantPause apart: another process may have spent the refresh
	// token an instant earlier and be about to store its pair.
	invalidGrantRereads = 3
	invalidGrantPause   = 100 * time.Millisecond
)

// storeRetryDelays are the pauses before each later try to store a
// refreshed pair the store refused with an error (about four minutes in
// all).
var storeRetryDelays = []time.Duration{time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second,
	30 * time.Second, time.Minute, 2 * time.Minute}

// RefreshLocker is an optional extension of TokenStore for stores shared by
// several processes. Compare-and-swap alone keeps one pair in the store, but
// processes that read the expired pair at the same moment would each spend a
// request at the token endpoint (all but one refused with invalid_grant).
// When the store implements RefreshLocker the client holds its lock from
// the moment it reads the store until its new pair is stored, so the others
// wait and then find the new pair: one refresh per expiry across all
// processes.
type RefreshLocker interface {
	// LockRefresh waits until this caller holds the store's refresh lock
	// or ctx ends. The lock must expire by itself, in less than a minute
	// (the client's bound on one refresh, the wait for the lock included),
	// so that a crashed holder does not block the others. unlock releases
	// it.
	LockRefresh(ctx context.Context) (unlock func(), err error)
}

// appRefresher is the tokenRefresher of NewOAuthAppClient.
type appRefresher struct {
	app   *OAuthApp
	store TokenStore
	log   *slog.Logger
	sem   chan struct{} // held by the one refresh in flight
	// storeRetry are the pauses of storeLater (storeRetryDelays).
	storeRetry []time.Duration

	mu      sync.Mutex
	cur     Token
	retired []string         // superseded access tokens, newest last
	dead    map[string]error // refresh token → the final refusal it got
}

func (r *appRefresher) current() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cur.AccessToken
}

func (r *appRefresher) secrets() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := append([]string{r.cur.AccessToken, r.cur.RefreshToken, *r.app.secret}, r.retired...)
	for rt := range r.dead {
		s = append(s, rt)
	}
	return s
}

func (r *appRefresher) refreshToken(ctx context.Context, stale string) (string, error) {
	select {
	case r.sem <- struct{}{}:
	case <-ctx.Done():
		return "", fmt.Errorf("sonet: token refresh: %w", ctx.Err())
	}
	if a := r.current(); a != stale {
		<-r.sem
		return a, nil // a concurrent call refreshed meanwhile
	}
	type result struct {
		access string
		err    error
	}
	done := make(chan result, 1)
	go func() {
		defer func() { <-r.sem }()
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), refreshTimeout)
		defer cancel()
		a, err := r.flight(fctx, stale)
		done <- result{a, err}
	}()
	select {
	case res := <-done:
		return res.access, res.err
	case <-ctx.Done():
		return "", fmt.Errorf("sonet: token refresh: %w", ctx.Err())
	}
}

// flight is one refresh; r.sem is held.
func (r *appRefresher) flight(ctx context.Context, stale string) (string, error) {
	if l, ok := r.store.(RefreshLocker); ok {
		unlock, err := l.LockRefresh(ctx)
		if err != nil {
			return "", fmt.Errorf("sonet: token store: lock: %w", err)
		}
		defer unlock()
	}
	r.mu.Lock()
	r.retire(stale)
	cur, deadErr := r.cur, r.dead[r.cur.RefreshToken]
	r.mu.Unlock()
	stored, err := r.store.Load(ctx)
	if err != nil {
		return "", fmt.Errorf("sonet: token store: load: %w", err)
	}
	if r.adoptIfNewer(stored) {
		r.log.InfoContext(ctx, "sonet: access token expired; using the newer pair found in the token store")
		return stored.AccessToken, nil
	}
	if deadErr != nil {
		return "", deadErr
	}
	tok, err := r.app.Refresh(ctx, cur.RefreshToken)
	if err != nil {
		var oe *OAuthError
		if errors.As(err, &oe) && oe.final() {
			if oe.Is(ErrInvalidGrant) {
				if a, ok := r.reload(ctx, invalidGrantRereads, cur.RefreshToken); ok {
					return a, nil
				}
			}
			r.mu.Lock()
			r.dead[cur.RefreshToken] = err
			r.mu.Unlock()
		}
		r.log.WarnContext(ctx, "sonet: access token refresh failed", "error", reasonOfRefresh(err))
		return "", err
	}
	next := *tok
	if next.ClientEndpoint == "" {
		next.ClientEndpoint = cur.ClientEndpoint
	}
	if next.MemberID == "" {
		next.MemberID = cur.MemberID
	}
	r.mu.Lock()
	r.cur = next
	r.mu.Unlock()
	switch swapped, err := r.store.CompareAndSwap(ctx, stored, next); {
	case err != nil:
		// The old refresh token is spent: keep the new pair in memory so
		// this process goes on working; the next refresh stores its pair.
		r.log.ErrorContext(ctx, "sonet: refreshed OAuth tokens could not be saved; they live in this process only", "error", reasonOfRefresh(err))
		go r.storeLater(stored, next)
	case !swapped:
		if a, ok := r.reload(ctx, 1, ""); ok {
			return a, nil
		}
		r.log.WarnContext(ctx, "sonet: token store refused the refreshed pair and holds no newer one; keeping the new pair in memory")
	default:
		r.log.InfoContext(ctx, "sonet: access token refreshed and saved")
	}
	return next.AccessToken, nil
}

// storeLater tries again to store next, a pair only this process holds
// (the refresh token of old, still in the store, is spent: every other
// process sharing the store meets invalid_grant until next is there). It
// pauses r.storeRetry before each try and stops once next is stored, the
// store holds another pair, or this process has moved on from next.
// Compare-and-swap makes a late try harmless.
func (r *appRefresher) storeLater(old, next Token) {
	for _, d := range r.storeRetry {
		time.Sleep(d)
		if r.current() != next.AccessToken {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), refreshTimeout)
		swapped, err := r.store.CompareAndSwap(ctx, old, next)
		cancel()
		if err != nil {
			continue
		}
		if swapped {
			r.log.Info("sonet: refreshed OAuth tokens saved on a later try")
		}
		return
	}
	r.log.Error("sonet: refreshed OAuth tokens could not be saved; gave up trying")
}

// reload reads the store up to tries times for a pair another process
// stored (one whose refresh token is not spent) and makes it current.
func (r *appRefresher) reload(ctx context.Context, tries int, spent string) (string, bool) {
	for i := range tries {
		if i > 0 {
			t := time.NewTimer(invalidGrantPause)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return "", false
			}
		}
		t, err := r.store.Load(ctx)
		if err == nil && t.RefreshToken != spent && r.adoptIfNewer(t) {
			r.log.InfoContext(ctx, "sonet: using the token pair another process stored")
			return t.AccessToken, true
		}
	}
	return "", false
}

// adoptIfNewer makes t current when it is a usable pair this refresher has
// not seen expire or replace.
func (r *appRefresher) adoptIfNewer(t Token) bool {
	if checkToken("access token", t.AccessToken) != nil || checkToken("refresh token", t.RefreshToken) != nil {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if t.AccessToken == r.cur.AccessToken || slices.Contains(r.retired, t.AccessToken) {
		return false
	}
	if t.ClientEndpoint == "" {
		t.ClientEndpoint = r.cur.ClientEndpoint
	}
	r.retire(r.cur.AccessToken)
	r.cur = t
	return true
}

// retire remembers a superseded access token; r.mu is held.
func (r *appRefresher) retire(access string) {
	if access != "" && !slices.Contains(r.retired, access) {
		r.retired = append(r.retired, access)
		r.retired = r.retired[max(0, len(r.retired)-retiredKept):]
	}
}

// reasonOfRefresh names a refresh failure for logs, without any secret.
func reasonOfRefresh(err error) string {
	var oe *OAuthError
	var re *ResponseError
	var te *TransportError
	switch {
	case errors.As(err, &oe):
		return oe.Code
	case errors.As(err, &re):
		return "bad response: " + re.Reason
	case errors.As(err, &te):
		return "transport failure"
	}
	return "token store failure"
}
