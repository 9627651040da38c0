package sonet

import (
	"context"
	"sync"
)

// TokenStore keeps an application's token pair for one portal, where every
// process of the application can read it. NewOAuthAppClient loads the pair
// from it and hands it each rotated pair.
//
// CompareAndSwap stores next only if the stored pair still has the
// AccessToken and RefreshToken of old, and reports whether it did; it is
// what lets several processes share one grant and refresh it once (a SQL
// "UPDATE … WHERE access_token = ? AND refresh_token = ?" is enough).
// Implementations must be safe for concurrent use. A store shared by
// several processes should also implement RefreshLocker.
type TokenStore interface {
	Load(ctx context.Context) (Token, error)
	CompareAndSwap(ctx context.Context, old, next Token) (swapped bool, err error)
}

// MemoryTokenStore is a TokenStore in memory, for one process (and tests).
// It prints without the tokens.
type MemoryTokenStore struct {
	st *memoryState // behind a pointer: copies share it and print an address
}

type memoryState struct {
	mu  sync.Mutex
	tok Token
}

// NewMemoryTokenStore returns a store holding t.
func NewMemoryTokenStore(t Token) *MemoryTokenStore {
	return &MemoryTokenStore{st: &memoryState{tok: t}}
}

// Load returns the stored pair.
func (m *MemoryTokenStore) Load(context.Context) (Token, error) {
	m.st.mu.Lock()
	defer m.st.mu.Unlock()
	return m.st.tok, nil
}

// CompareAndSwap stores next if the stored pair has old's tokens.
func (m *MemoryTokenStore) CompareAndSwap(_ context.Context, old, next Token) (bool, error) {
	m.st.mu.Lock()
	defer m.st.mu.Unlock()
	if m.st.tok.AccessToken != old.AccessToken || m.st.tok.RefreshToken != old.RefreshToken {
		return false, nil
	}
	m.st.tok = next
	return true, nil
}

// String describes the store without the tokens.
func (m MemoryTokenStore) String() string { return "sonet.MemoryTokenStore{token: [REDACTED]}" }

// GoString is String.
func (m MemoryTokenStore) GoString() string { return m.String() }
