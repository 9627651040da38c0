package sonetredis

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/b24kit/sonet"
	"github.com/redis/go-redis/v9"
)

// ErrNoToken is returned by Load when the store holds no pair yet: Save
// the first pair (from the install event or ExchangeCode) before making
// clients.
var ErrNoToken = errors.New("sonetredis: no token pair stored")

// TokenStore keeps an OAuth application's token pair for one portal in one
// Redis key, shared by every process of the application. It implements
// sonet.TokenStore (CompareAndSwap with WATCH/MULTI: the pair is replaced
// only if it still holds the old tokens) and sonet.RefreshLocker (a lock
// key with an expiry), so that processes meeting one expired token refresh
// it once: the first refreshes under the lock, the others wait for the lock
// and then find the new pair. Hand it to sonet.NewOAuthAppClient.
//
// The value is Codec's encoding of the sonet.Token (JSON by default, see
// JSONCodec), passed through Sealer (none by default: set WithSealer, for
// example NewAESGCM, to encrypt it at rest). It prints without tokens.
type TokenStore struct {
	rdb     redis.UniversalClient
	key     string
	lockKey string
	codec   Codec
	sealer  Sealer
	lockTTL time.Duration
	poll    time.Duration
}

// Codec turns a token pair into the bytes stored and back.
type Codec interface {
	Encode(sonet.Token) ([]byte, error)
	Decode([]byte) (sonet.Token, error)
}

// Sealer encrypts the encoded pair before it is written and decrypts it
// after it is read: the hook for keeping tokens encrypted at rest (NewAESGCM,
// or a KMS of your own). aad is the Redis key the value is stored under:
// an implementation must authenticate it with the value (AEAD associated
// data), so that a value copied to another application's or portal's key
// does not open there. Open must fail on data Seal did not produce for the
// same aad.
type Sealer interface {
	Seal(plain, aad []byte) ([]byte, error)
	Open(sealed, aad []byte) ([]byte, error)
}

// StoreOption configures a TokenStore.
type StoreOption func(*TokenStore) error

// WithCodec sets how the pair is encoded (JSONCodec by default).
func WithCodec(c Codec) StoreOption {
	return func(s *TokenStore) error {
		if c == nil {
			return &sonet.ValidationError{Field: "WithCodec", Reason: "nil Codec"}
		}
		s.codec = c
		return nil
	}
}

// WithSealer encrypts the stored value (none by default).
func WithSealer(x Sealer) StoreOption {
	return func(s *TokenStore) error {
		if x == nil {
			return &sonet.ValidationError{Field: "WithSealer", Reason: "nil Sealer"}
		}
		s.sealer = x
		return nil
	}
}

// WithLockTTL sets how long a refresh lock lives if its holder dies
// without releasing it. The default, 45 s, is shorter than the minute
// after which a refresh waiting for the lock gives up, so the others
// outlive a crashed holder's lock. A live holder extends its lock every
// third of the TTL until it unlocks or its context ends, so a slow refresh
// keeps it; should a holder lose it anyway (a process paused longer than
// the TTL), compare-and-swap still keeps one pair in the store.
func WithLockTTL(d time.Duration) StoreOption {
	return func(s *TokenStore) error {
		if d < 100*time.Millisecond {
			return &sonet.ValidationError{Field: "WithLockTTL", Reason: "below 100ms"}
		}
		s.lockTTL = d
		return nil
	}
}

// NewTokenStore returns the store of scope (an AppScope). It makes no call
// to Redis.
func NewTokenStore(rdb redis.UniversalClient, scope Scope, opts ...StoreOption) (*TokenStore, error) {
	if rdb == nil {
		return nil, &sonet.ValidationError{Field: "rdb", Reason: "nil redis client"}
	}
	if err := scope.validate(); err != nil {
		return nil, err
	}
	if scope.Kind != "app" {
		return nil, &sonet.ValidationError{Field: "Scope.Kind", Reason: "a token store belongs to an application (AppScope)"}
	}
	s := &TokenStore{rdb: rdb, key: scope.credKey() + ":token", codec: JSONCodec{}, lockTTL: 45 * time.Second, poll: 20 * time.Millisecond}
	s.lockKey = s.key + ":lock"
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(s); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (s *TokenStore) encode(t sonet.Token) ([]byte, error) {
	b, err := s.codec.Encode(t)
	if err != nil {
		return nil, fmt.Errorf("sonetredis: encode token: %w", err)
	}
	if s.sealer != nil {
		if b, err = s.sealer.Seal(b, []byte(s.key)); err != nil {
			return nil, fmt.Errorf("sonetredis: seal token: %w", err)
		}
	}
	return b, nil
}

func (s *TokenStore) decode(b []byte) (sonet.Token, error) {
	var err error
	if s.sealer != nil {
		if b, err = s.sealer.Open(b, []byte(s.key)); err != nil {
			return sonet.Token{}, fmt.Errorf("sonetredis: open the token stored at %s: %w", s.key, err)
		}
	}
	t, err := s.codec.Decode(b)
	if err != nil {
		return sonet.Token{}, fmt.Errorf("sonetredis: decode the token stored at %s: %w", s.key, err)
	}
	return t, nil
}

func (s *TokenStore) get(ctx context.Context, c redis.Cmdable) (sonet.Token, error) {
	b, err := c.Get(ctx, s.key).Bytes()
	if errors.Is(err, redis.Nil) {
		return sonet.Token{}, ErrNoToken
	}
	if err != nil {
		return sonet.Token{}, unavailable("load token", err)
	}
	return s.decode(b)
}

// Load returns the stored pair, or ErrNoToken.
func (s *TokenStore) Load(ctx context.Context) (sonet.Token, error) { return s.get(ctx, s.rdb) }

// Save stores t whatever is there: for the first pair (install event,
// ExchangeCode) and after the user authorized again.
func (s *TokenStore) Save(ctx context.Context, t sonet.Token) error {
	b, err := s.encode(t)
	if err != nil {
		return err
	}
	if err := s.rdb.Set(ctx, s.key, b, 0).Err(); err != nil {
		return unavailable("save token", err)
	}
	return nil
}

// casTries bounds the WATCH retries of one CompareAndSwap.
const casTries = 10

// CompareAndSwap stores next if the stored pair still has old's access and
// refresh tokens, and reports whether it did (sonet.TokenStore).
func (s *TokenStore) CompareAndSwap(ctx context.Context, old, next sonet.Token) (bool, error) {
	b, err := s.encode(next)
	if err != nil {
		return false, err
	}
	for range casTries {
		swapped := false
		var inner error
		err := s.rdb.Watch(ctx, func(tx *redis.Tx) error {
			cur, err := s.get(ctx, tx)
			if errors.Is(err, ErrNoToken) {
				cur = sonet.Token{}
			} else if err != nil {
				inner = err
				return nil
			}
			if cur.AccessToken != old.AccessToken || cur.RefreshToken != old.RefreshToken {
				return nil
			}
			_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
				p.Set(ctx, s.key, b, 0)
				return nil
			})
			if err == nil {
				swapped = true
			}
			return err
		}, s.key)
		switch {
		case inner != nil:
			return false, inner
		case errors.Is(err, redis.TxFailedErr):
			continue // changed under us: look again
		case err != nil:
			return false, unavailable("compare and swap token", err)
		}
		return swapped, nil
	}
	return false, fmt.Errorf("%w: compare and swap token: the key kept changing", ErrUnavailable)
}

var unlockScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`)

// extendScript renews the lock KEYS[1] for ARGV[2] ms if ARGV[1] still
// holds it.
var extendScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`)

// LockRefresh waits until this caller holds the refresh lock, or ctx ends
// (sonet.RefreshLocker). The lock is extended while held, until unlock is
// called or ctx ends; then it expires by itself after the lock TTL.
func (s *TokenStore) LockRefresh(ctx context.Context) (func(), error) {
	var id [16]byte
	if _, err := rand.Read(id[:]); err != nil {
		return nil, err
	}
	val := hex.EncodeToString(id[:])
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-t.C:
		}
		ok, err := s.rdb.SetNX(ctx, s.lockKey, val, s.lockTTL).Result()
		if err != nil {
			return nil, unavailable("lock refresh", err)
		}
		if ok {
			stop, done := make(chan struct{}), make(chan struct{})
			go s.keepLock(ctx, val, stop, done)
			var once sync.Once
			return func() {
				once.Do(func() {
					close(stop)
					<-done
					uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
					defer cancel()
					// An error leaves the lock to expire by itself.
					_ = unlockScript.Run(uctx, s.rdb, []string{s.lockKey}, val).Err()
				})
			}, nil
		}
		t.Reset(s.poll)
	}
}

// keepLock extends the lock held as val every third of the TTL until stop
// closes, ctx ends or the lock is found lost. A failed extension is tried
// again at the next tick: the lock has two more thirds to live.
func (s *TokenStore) keepLock(ctx context.Context, val string, stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	every := s.lockTTL / 3
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-ctx.Done():
			return
		case <-t.C:
		}
		ectx, cancel := context.WithTimeout(ctx, every)
		n, err := extendScript.Run(ectx, s.rdb, []string{s.lockKey}, val, s.lockTTL.Milliseconds()).Int()
		cancel()
		if err == nil && n == 0 {
			return // lost: expired and maybe taken by another
		}
	}
}

// String describes the store without tokens.
func (s *TokenStore) String() string { return "sonetredis.TokenStore{key: " + s.key + "}" }

// GoString is String.
func (s *TokenStore) GoString() string { return s.String() }

var (
	_ sonet.TokenStore    = (*TokenStore)(nil)
	_ sonet.RefreshLocker = (*TokenStore)(nil)
)
