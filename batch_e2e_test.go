package sonet

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/b24kit/sonet/sonettest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBatchE2ECreates120GroupsInThreeRequests(t *testing.T) {
	srv, c := newFakePortal(t, 0)
	b := NewBatch()
	var hs []*BatchCommand[int]
	for i := 0; i < 120; i++ {
		hs = append(hs, BatchCreateGroup(b, &GroupCreateRequest{Name: fmt.Sprintf("Team %03d & co", i), Project: Yes}))
	}
	require.NoError(t, c.RunBatch(context.Background(), b))
	reqs := srv.Requests()
	require.Len(t, reqs, 3)
	for i, h := range hs {
		assert.Equal(t, i+1, h.Value())
	}
	groups := srv.Groups()
	require.Len(t, groups, 120)
	assert.Equal(t, "Team 119 & co", groups[119].Name)
	assert.True(t, groups[119].Project)
}

func TestBatchE2EChainCreateGetUpdateWithReferences(t *testing.T) {
	srv, c := newFakePortal(t, 2)
	b := NewBatch()
	b.Halt = true
	created := BatchCreateGroup(b, &GroupCreateRequest{Name: "Chained"})
	got := BatchGetGroup(b, 0, SetParam("GROUP_ID", created.Ref()))
	upd := BatchUpdateGroup(b, &GroupUpdateRequest{Description: String("about $result")}, SetParam("GROUP_ID", got.Ref(0, "ID")))
	page := BatchListGroups(b, &GroupListOptions{Order: Order{FieldID.Desc()}})
	require.NoError(t, c.RunBatch(context.Background(), b))

	assert.Equal(t, 3, created.Value())
	assert.Equal(t, "Chained", got.Value().Name)
	assert.Equal(t, 3, upd.Value())
	p := page.Value()
	assert.Equal(t, []int{3, 2, 1}, []int{p.Items[0].ID, p.Items[1].ID, p.Items[2].ID})
	assert.Equal(t, 3, p.Total)
	assert.True(t, p.HasTotal)
	assert.False(t, p.HasNext)
	g, ok := srv.Group(3)
	require.True(t, ok)
	assert.Equal(t, "about $result", g.Description)
	assert.Len(t, srv.Requests(), 1)
}

func TestBatchE2EFailedCommandWithAndWithoutHalt(t *testing.T) {
	for _, halt := range []bool{false, true} {
		t.Run(fmt.Sprint("halt=", halt), func(t *testing.T) {
			srv, c := newFakePortal(t, 1)
			b := NewBatch()
			b.Halt = halt
			ok1 := BatchUpdateGroup(b, &GroupUpdateRequest{GroupID: 1, Name: String("Renamed")})
			bad := BatchDeleteGroup(b, 999)
			ok2 := BatchCreateGroup(b, &GroupCreateRequest{Name: "After"})
			err := c.RunBatch(context.Background(), b)

			var be *BatchError
			require.ErrorAs(t, err, &be)
			assert.Equal(t, []string{"c1"}, be.Failed)
			assert.ErrorIs(t, err, ErrNotFound)
			assert.ErrorIs(t, bad.Err(), ErrGroupNotFound)
			assert.Equal(t, 1, ok1.Value())
			if halt {
				assert.Equal(t, []string{"c2"}, be.NotRun)
				assert.ErrorIs(t, ok2.Err(), ErrNotRun)
				assert.Len(t, srv.Groups(), 1)
			} else {
				assert.Empty(t, be.NotRun)
				assert.Equal(t, 2, ok2.Value())
				assert.Len(t, srv.Groups(), 2)
			}
		})
	}
}

func TestBatchE2ECountsOnceForThePortalLimiter(t *testing.T) {
	srv, c := newFakePortal(t, 0, sonettest.WithRateLimit(0.001, 2))
	b := NewBatch()
	for i := 0; i < 100; i++ {
		BatchCreateGroup(b, &GroupCreateRequest{Name: fmt.Sprint("L", i)})
	}
	// Two batch requests fit the portal's burst of 2; 100 direct calls would not.
	require.NoError(t, c.RunBatch(context.Background(), b))
	assert.Len(t, srv.Groups(), 100)
	assert.Len(t, srv.Requests(), 2)
}

// What Ref's godoc warns of: a reference to a row the list did not return
// becomes the row list, which sonet_group.delete casts to group 1. Halt
// does not stop it: the list command succeeded.
// The portal substitutes the whole row list for a reference to a row the
// list did not return, and the REST methods cast that array to the ID 1: a
// delete chained to row 5 of a one-row page deletes group 1 (sonettest
// models it). The SDK refuses such a write before sending anything.
func TestBatchE2ERefToMissingRowDeletesGroupOne(t *testing.T) {
	ids := func(srv *sonettest.Server) []int {
		var out []int
		for _, g := range srv.Groups() {
			out = append(out, g.ID)
		}
		return out
	}

	// The SDK: refused, nothing sent, nothing deleted.
	srv, c := newFakePortal(t, 3)
	b := NewBatch()
	b.Halt = true
	page := BatchListGroups(b, &GroupListOptions{GroupID: 3})
	del := BatchDeleteGroup(b, 0, SetParam("GROUP_ID", page.Ref(5, "ID")))
	err := c.RunBatch(context.Background(), b)
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "GROUP_ID", ve.Field)
	assert.Contains(t, ve.Reason, "$result[c0][5][ID] in the write sonet_group.delete")
	assert.ErrorIs(t, del.Err(), ErrValidation)
	assert.Empty(t, srv.Requests())
	assert.Equal(t, []int{1, 2, 3}, ids(srv))

	// The first row is allowed: a missing one leaves the empty list, cast to 0.
	b = NewBatch()
	b.Halt = true
	page = BatchListGroups(b, &GroupListOptions{GroupID: 3})
	del = BatchDeleteGroup(b, 0, SetParam("GROUP_ID", page.Ref(0, "ID")))
	require.NoError(t, c.RunBatch(context.Background(), b))
	assert.True(t, del.Value())
	assert.Equal(t, []int{1, 2}, ids(srv))

	// The portal, reached with a raw batch: group 1 is gone, though the list
	// held only group 2.
	// (Map keys are sent sorted: "a" runs before "b".)
	var out struct {
		Result map[string]json.RawMessage `json:"result"`
	}
	_, err = c.Call(context.Background(), "batch", map[string]any{
		"halt": 1,
		"cmd": map[string]any{
			"a": "sonet_group.get?GROUP_ID=2",
			"b": "sonet_group.delete?GROUP_ID=$result[a][5][ID]",
		},
	}, &out)
	require.NoError(t, err)
	assert.JSONEq(t, "true", string(out.Result["b"]))
	assert.Equal(t, []int{2}, ids(srv))
}
