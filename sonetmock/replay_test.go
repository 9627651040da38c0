package sonetmock_test

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/b24kit/sonet"
	"github.com/b24kit/sonet/sonetmock"
	"github.com/b24kit/sonet/sonettest"
	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A secret given to NewRecorder is scrubbed however the SDK escapes it
// (a space as %20, a colon as %3A), in the request and in the answer, and
// the recording still replays: what was redacted does not count when
// requests are compared.
func TestReplayWithASecretGivenToTheRecorder(t *testing.T) {
	ctx := context.Background()
	const client = "Client: ACME Corp"
	file := filepath.Join(t.TempDir(), "find.json")
	srv := sonettest.Start(t)
	srv.AddGroup(sonettest.NewGroup(client))
	rec, err := sonetmock.NewRecorder(file, nil, client)
	require.NoError(t, err)
	c, err := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithTransport(rec), sonet.WithTestDefaults())
	require.NoError(t, err)
	byName := &sonet.GroupListOptions{Filter: sonet.GroupFilter{sonet.FieldName.Eq(client)}}
	page, err := c.ListGroups(ctx, byName)
	require.NoError(t, err)
	require.Len(t, page.Items, 1)

	raw, err := os.ReadFile(file)
	require.NoError(t, err)
	assert.NotContains(t, string(raw), "ACME")
	assert.Contains(t, string(raw), `"body": "FILTER[NAME]=REDACTED"`)

	mt := httpmock.NewMockTransport()
	require.NoError(t, sonetmock.Replay(mt, file))
	c2, err := sonet.NewWebhookClient("https://portal.example/rest/1/any/", sonet.WithTransport(mt), sonet.WithTestDefaults())
	require.NoError(t, err)
	// Only a redacted value is free: another filter is refused.
	_, err = c2.ListGroups(ctx, &sonet.GroupListOptions{Filter: sonet.GroupFilter{sonet.FieldID.Eq(1)}})
	assert.ErrorContains(t, err, "differs from")
	again, err := c2.ListGroups(ctx, byName)
	require.NoError(t, err)
	require.Len(t, again.Items, 1)
	assert.Equal(t, page.Items[0].ID, again.Items[0].ID)
	assert.Equal(t, sonetmock.Redacted, again.Items[0].Name, "the secret is gone from the answer too")
}

// Code that calls one method from several goroutines replays whatever the
// order of the calls: each call gets the answer recorded for the same
// request, and identical requests still get their answers in order.
func TestReplayAnswersConcurrentCallsByRequest(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "get.json")
	srv := sonettest.Start(t)
	for _, n := range []string{"One", "Two", "Three"} {
		srv.AddGroup(sonettest.NewGroup(n))
	}
	rec, err := sonetmock.NewRecorder(file, nil)
	require.NoError(t, err)
	c, err := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithTransport(rec), sonet.WithTestDefaults())
	require.NoError(t, err)
	for _, id := range []int{1, 2, 3, 1} {
		_, err := c.GetGroup(ctx, id)
		require.NoError(t, err)
		if id == 3 {
			_, err = c.UpdateGroup(ctx, &sonet.GroupUpdateRequest{GroupID: 1, Name: sonet.String("Renamed")})
			require.NoError(t, err)
		}
	}

	mt := httpmock.NewMockTransport()
	require.NoError(t, sonetmock.Replay(mt, file))
	c2, err := sonet.NewWebhookClient("https://portal.example/rest/1/any/", sonet.WithTransport(mt), sonet.WithTestDefaults())
	require.NoError(t, err)
	names := map[int]string{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, id := range []int{3, 2} { // not the recorded order
		wg.Add(1)
		go func() {
			defer wg.Done()
			g, err := c2.GetGroup(ctx, id)
			assert.NoError(t, err)
			if err == nil {
				mu.Lock()
				names[id] = g.Name
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	first, err := c2.GetGroup(ctx, 1)
	require.NoError(t, err)
	second, err := c2.GetGroup(ctx, 1)
	require.NoError(t, err)
	assert.Equal(t, map[int]string{2: "Two", 3: "Three"}, names)
	assert.Equal(t, []string{"One", "Renamed"}, []string{first.Name, second.Name})
	_, err = c2.GetGroup(ctx, 1)
	assert.ErrorContains(t, err, "has no more answers for sonet_group.get (4 recorded)")
}

// A write that failed to dial was retried when recorded (it never left);
// replayed, the failure still reads as a dial error, so the write is
// retried the same way instead of ending in ErrOutcomeUnknown.
func TestReplayKeepsADialFailureRetryable(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "dial.json")
	base := httpmock.NewMockTransport()
	dialErr := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}
	base.RegisterResponder("POST", `=~sonet_group\.create$`, httpmock.NewErrorResponder(dialErr).
		Then(sonetmock.Responder(sonetmock.Created(41))))
	rec, err := sonetmock.NewRecorder(file, base)
	require.NoError(t, err)
	c, err := sonet.NewWebhookClient("https://portal.example/rest/1/code-abcdef/", sonet.WithTransport(rec), sonet.WithTestDefaults())
	require.NoError(t, err)
	id, err := c.CreateGroup(ctx, &sonet.GroupCreateRequest{Name: "Made"})
	require.NoError(t, err)
	require.Equal(t, 41, id)
	require.Len(t, rec.Recording().Exchanges, 2)

	mt := httpmock.NewMockTransport()
	require.NoError(t, sonetmock.Replay(mt, file))
	c2, err := sonet.NewWebhookClient("https://portal.example/rest/1/any/", sonet.WithTransport(mt), sonet.WithTestDefaults())
	require.NoError(t, err)
	id, err = c2.CreateGroup(ctx, &sonet.GroupCreateRequest{Name: "Made"})
	require.NoError(t, err)
	assert.Equal(t, 41, id)
}
