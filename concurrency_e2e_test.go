package sonet

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/b24kit/sonet/sonettest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// outcome is what a call reported about one group.
type outcome uint8

const (
	notTried outcome = iota
	applied          // the call reported success
	refused          // the portal answered an error: nothing happened
	unknown          // ErrOutcomeUnknown (or a batch command in BatchError.Unknown)
)

// ledger records, per group name, what the calls reported.
type ledger struct {
	mu      sync.Mutex
	created map[string]outcome
	ids     map[string]int // name -> ID, for applied creates
	updated map[string]outcome
	deleted map[string]outcome
}

func (l *ledger) set(m map[string]outcome, name string, o outcome) {
	l.mu.Lock()
	defer l.mu.Unlock()
	m[name] = o
}

func classify(err error) outcome {
	switch {
	case err == nil:
		return applied
	case errors.Is(err, ErrOutcomeUnknown):
		return unknown
	default:
		return refused
	}
}

// TestConcurrencyE2ESixtyFourGoroutinesMatchThePortal runs 64 goroutines on
// one OAuth client against a faulty fake portal: creates, updates, reads,
// deletes, batches, and two access-token expiries between phases forcing
// refreshes. Afterwards
// the portal's state must be exactly what the calls reported: every
// reported create exists once, every reported delete is gone, every
// reported update is visible, an unknown outcome left at most one group,
// and nothing exists that no call asked for.
func TestConcurrencyE2ESixtyFourGoroutinesMatchThePortal(t *testing.T) {
	srv := sonettest.NewServer(sonettest.WithFaults(sonettest.Faults{
		Seed: 64, QueryLimit: 0.05, InternalBefore: 0.03, InternalAfter: 0.03,
		HTMLBadGateway: 0.03, Truncated: 0.03, Drop: 0.02,
	}))
	defer srv.Close()
	app, store := e2eApp(t, srv)
	c, err := NewOAuthAppClient(context.Background(), app, store, WithoutRateLimit(),
		WithRetryPolicy(RetryPolicy{MaxAttempts: 8, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	l := &ledger{created: map[string]outcome{}, ids: map[string]int{}, updated: map[string]outcome{}, deleted: map[string]outcome{}}
	const workers = 64
	var wg sync.WaitGroup
	var readErrs sync.Map
	// The workers run in three phases; between phases the access token is
	// expired, so every phase starts with 63 goroutines hitting an expired
	// token at once, which must cost exactly one refresh.
	var phase1, phase2 sync.WaitGroup
	phase1.Add(workers - 1)
	phase2.Add(workers - 1)
	expired1, expired2 := make(chan struct{}), make(chan struct{})
	expiries := 0
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if w == 0 {
				phase1.Wait()
				srv.ExpireAccessToken()
				expiries++
				close(expired1)
				phase2.Wait()
				srv.ExpireAccessToken()
				expiries++
				close(expired2)
				return
			}
			var mine []string
			for k := 0; k < 3; k++ {
				name := fmt.Sprintf("W%02d-%d", w, k)
				id, err := c.CreateGroup(ctx, &GroupCreateRequest{Name: name})
				o := classify(err)
				l.set(l.created, name, o)
				if o == applied {
					l.mu.Lock()
					l.ids[name] = id
					l.mu.Unlock()
					mine = append(mine, name)
				}
			}
			phase1.Done()
			<-expired1
			if w%4 == 0 {
				b := NewBatch()
				var hs []*BatchCommand[int]
				for j := 0; j < 3; j++ {
					hs = append(hs, BatchCreateGroup(b, &GroupCreateRequest{Name: fmt.Sprintf("B%02d-%d", w, j)}))
				}
				err := c.RunBatch(ctx, b)
				var be *BatchError
				if err != nil && !errors.As(err, &be) {
					be = nil
				}
				for j, h := range hs {
					name := fmt.Sprintf("B%02d-%d", w, j)
					switch {
					case h.Err() == nil && h.Ran():
						l.set(l.created, name, applied)
						l.mu.Lock()
						l.ids[name] = h.Value()
						l.mu.Unlock()
					case errors.Is(h.Err(), ErrOutcomeUnknown):
						l.set(l.created, name, unknown)
					default:
						l.set(l.created, name, refused)
					}
				}
			}
			for _, name := range mine {
				l.mu.Lock()
				id := l.ids[name]
				l.mu.Unlock()
				g, err := c.GetGroup(ctx, id)
				if err != nil {
					readErrs.Store(name, err)
				} else if g.Name != name {
					readErrs.Store(name, fmt.Errorf("read %q", g.Name))
				}
			}
			phase2.Done()
			<-expired2
			if len(mine) > 1 {
				l.mu.Lock()
				id := l.ids[mine[1]]
				l.mu.Unlock()
				_, err := c.UpdateGroup(ctx, &GroupUpdateRequest{GroupID: id, Description: String("updated by " + mine[1])})
				l.set(l.updated, mine[1], classify(err))
			}
			if len(mine) > 0 {
				l.mu.Lock()
				id := l.ids[mine[0]]
				l.mu.Unlock()
				l.set(l.deleted, mine[0], classify(c.DeleteGroup(ctx, id)))
			}
			if _, err := c.ListGroups(ctx, &GroupListOptions{Filter: GroupFilter{FieldName.Like(fmt.Sprintf("W%02d", w))}}); err != nil {
				readErrs.Store(fmt.Sprintf("list %d", w), err)
			}
		}()
	}
	wg.Wait()

	readErrs.Range(func(k, v any) bool {
		t.Errorf("read %v failed through faults: %v", k, v)
		return true
	})

	byName := map[string][]sonettest.Group{}
	for _, g := range srv.Groups() {
		byName[g.Name] = append(byName[g.Name], g)
	}
	counts := map[outcome]int{}
	for name, o := range l.created {
		counts[o]++
		got := byName[name]
		switch o {
		case applied:
			id := l.ids[name]
			switch l.deleted[name] {
			case applied:
				assert.Empty(t, got, "%s was reported deleted", name)
				continue
			case unknown:
				assert.LessOrEqual(t, len(got), 1, name)
			default:
				require.Len(t, got, 1, "%s was reported created", name)
			}
			if len(got) == 1 {
				assert.Equal(t, id, got[0].ID, name)
				switch l.updated[name] {
				case applied:
					assert.Equal(t, "updated by "+name, got[0].Description, name)
				case refused, notTried:
					assert.Equal(t, "", got[0].Description, name)
				}
			}
		case unknown:
			assert.LessOrEqual(t, len(got), 1, "%s: an unknown outcome may leave at most one group", name)
		case refused:
			assert.Empty(t, got, "%s was refused but exists", name)
		}
		delete(byName, name)
	}
	assert.Empty(t, byName, "groups no call asked for")
	assert.Equal(t, 63*3+15*3, len(l.created), "every create was recorded")
	assert.Greater(t, counts[applied], len(l.created)/3, "creates get through the faults")
	assert.Greater(t, counts[unknown], 0, "faults after the write surface as unknown outcomes")
	assert.Equal(t, 2, expiries)
	assert.Equal(t, 2, srv.Refreshes(), "one refresh per expiry (single flight)")
}
