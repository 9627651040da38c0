package sonet

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writeCalls is every write of the SDK, each with the answer that is its
// documented success.
var writeCalls = []struct {
	method string
	ok     string
	call   func(*Client) error
}{
	{"sonet_group.create", `77`, func(c *Client) error {
		_, err := c.CreateGroup(context.Background(), &GroupCreateRequest{Name: "x"})
		return err
	}},
	{"sonet_group.update", `77`, func(c *Client) error {
		_, err := c.UpdateGroup(context.Background(), &GroupUpdateRequest{GroupID: 77, Name: String("y")})
		return err
	}},
	{"sonet_group.delete", `true`, func(c *Client) error { return c.DeleteGroup(context.Background(), 77) }},
	{"sonet_group.setowner", `true`, func(c *Client) error { return c.SetGroupOwner(context.Background(), 77, 5) }},
	{"sonet_group.user.add", `["5"]`, func(c *Client) error {
		_, err := c.AddGroupMembers(context.Background(), 77, 5)
		return err
	}},
	{"sonet_group.user.delete", `["5"]`, func(c *Client) error {
		_, err := c.RemoveGroupMembers(context.Background(), 77, 5)
		return err
	}},
	{"sonet_group.user.update", `["5"]`, func(c *Client) error {
		_, err := c.SetGroupMembersRole(context.Background(), 77, RoleModerator, 5)
		return err
	}},
	{"sonet_group.user.invite", `["5"]`, func(c *Client) error {
		_, err := c.InviteGroupMembers(context.Background(), 77, "", 5)
		return err
	}},
	{"sonet_group.user.request", `true`, func(c *Client) error { return c.RequestGroupMembership(context.Background(), 77, "") }},
}

// A write answered 200 with a result that is not its documented success may
// have run all the same: every write reports it as ErrOutcomeUnknown and
// ErrBadResponse, and sends it once.
func TestEveryWriteTreatsAnUnusableResultAsOutcomeUnknown(t *testing.T) {
	for _, w := range writeCalls {
		for _, result := range []string{`null`, `"abc"`, `0`, `{"ID":42}`, `false`, `[]`} {
			if result == `[]` && w.ok[0] == '[' {
				continue // an empty list is a documented answer of member writes
			}
			t.Run(w.method+" "+result, func(t *testing.T) {
				c, mt := newMockClient(t)
				mt.RegisterResponder("POST", testEndpoint+w.method, httpmock.NewStringResponder(200, `{"result":`+result+`}`))
				err := w.call(c)
				require.Error(t, err)
				assert.ErrorIs(t, err, ErrOutcomeUnknown)
				assert.ErrorIs(t, err, ErrBadResponse)
				var re *ResponseError
				require.ErrorAs(t, err, &re)
				assert.Equal(t, w.method, re.Method)
				assert.Equal(t, 1, mt.GetTotalCallCount(), "never repeated")
			})
		}
		t.Run(w.method+" ok", func(t *testing.T) {
			c, mt := newMockClient(t)
			mt.RegisterResponder("POST", testEndpoint+w.method, httpmock.NewStringResponder(200, `{"result":`+w.ok+`}`))
			assert.NoError(t, w.call(c))
		})
	}
}

// UpdateGroup's answer names the group: another ID is not this update's
// success either.
func TestUpdateGroupRefusesAnotherGroupsID(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.update", httpmock.NewStringResponder(200, `{"result":"78"}`))
	id, err := c.UpdateGroup(context.Background(), &GroupUpdateRequest{GroupID: 77, Name: String("y")})
	assert.Equal(t, 0, id)
	assert.EqualError(t, err, `sonet: sonet_group.update: outcome unknown, not retried (the write may have been applied): bad response (HTTP 200): result 78 is not the group's ID 77; body starts "\"78\""`)
}

// The same rule inside a batch: a write command answered with something
// else has an unknown outcome.
func TestBatchWriteCommandWithUnusableResultIsOutcomeUnknown(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder("POST", testEndpoint+"batch", httpmock.NewStringResponder(200,
		`{"result":{"result":{"c0":null,"c1":"abc","c2":false},"result_error":[],"result_total":[],"result_next":[],"result_time":[]}}`))
	b := NewBatch()
	create := BatchCreateGroup(b, &GroupCreateRequest{Name: "x"})
	update := BatchUpdateGroup(b, &GroupUpdateRequest{GroupID: 77, Name: String("y")})
	del := BatchDeleteGroup(b, 77)
	require.Error(t, c.RunBatch(context.Background(), b))
	for _, h := range []BatchHandle{create, update, del} {
		assert.ErrorIs(t, h.Err(), ErrOutcomeUnknown, h.Method())
		assert.ErrorIs(t, h.Err(), ErrBadResponse, h.Method())
	}
}

// null is not an empty page: GetGroup reports a bad response, not "not
// found".
func TestGetGroupOnANullResultIsABadResponse(t *testing.T) {
	c, mt := newMockClient(t, WithRetryPolicy(RetryPolicy{MaxAttempts: 1}))
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", httpmock.NewStringResponder(200, `{"result":null}`))
	g, err := c.GetGroup(context.Background(), 77)
	assert.Nil(t, g)
	assert.ErrorIs(t, err, ErrBadResponse)
	assert.NotErrorIs(t, err, ErrNotFound)
	assert.EqualError(t, err, `sonet: sonet_group.get: bad response (HTTP 200): result of the wrong shape: want a JSON list of groups: null; body starts "null"`)
}

// The member writes answer with the requested users they changed: a user
// that was not asked for is not this write's answer.
func TestMemberWriteRefusesAUserItWasNotAskedFor(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.user.add", httpmock.NewStringResponder(200, `{"result":["5","6"]}`))
	ids, err := c.AddGroupMembers(context.Background(), 77, 5, 7)
	assert.Nil(t, ids)
	assert.ErrorIs(t, err, ErrOutcomeUnknown)
	assert.EqualError(t, err, `sonet: sonet_group.user.add: outcome unknown, not retried (the write may have been applied): `+
		`bad response (HTTP 200): user 6 in the result was not in the request; body starts "[\"5\",\"6\"]"`)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

// The rule holds for raw writes too: Call (without Idempotent) and
// BatchCall answered {"result":null} when a value was asked for report an
// unknown outcome, never a zero value; a caller who wants no value (a nil
// result) or marks the call Idempotent gets the null as it is.
func TestRawWritesTreatANullResultAsOutcomeUnknown(t *testing.T) {
	for _, result := range []string{`null`, ` null `} {
		t.Run("Call "+result, func(t *testing.T) {
			c, mt := newMockClient(t)
			mt.RegisterResponder("POST", testEndpoint+"sonet_group.create", httpmock.NewStringResponder(200, `{"result":`+result+`}`))
			id := -1
			_, err := c.Call(context.Background(), "sonet_group.create", map[string]any{"NAME": "x"}, &id)
			assert.ErrorIs(t, err, ErrOutcomeUnknown)
			assert.ErrorIs(t, err, ErrBadResponse)
			assert.EqualError(t, err, `sonet: sonet_group.create: outcome unknown, not retried (the write may have been applied): `+
				`bad response (HTTP 200): the result is null: no value says what the write did`)
			assert.Equal(t, -1, id, "the target is left alone")
			assert.Equal(t, 1, mt.GetTotalCallCount(), "never repeated")
		})
	}
	t.Run("Call with no result target", func(t *testing.T) {
		c, mt := newMockClient(t)
		mt.RegisterResponder("POST", testEndpoint+"event.unbind", httpmock.NewStringResponder(200, `{"result":null}`))
		resp, err := c.Call(context.Background(), "event.unbind", map[string]any{"event": "ONSONETGROUPADD"}, nil)
		require.NoError(t, err)
		assert.Equal(t, "null", string(resp.Result))
	})
	t.Run("Call into targets that hold null", func(t *testing.T) {
		c, mt := newMockClient(t)
		mt.RegisterResponder("POST", testEndpoint+"app.option.set", httpmock.NewStringResponder(200, `{"result":null}`))
		var raw json.RawMessage
		_, err := c.Call(context.Background(), "app.option.set", nil, &raw)
		require.NoError(t, err)
		assert.Equal(t, "null", string(raw))
		v := any("unset")
		_, err = c.Call(context.Background(), "app.option.set", nil, &v)
		require.NoError(t, err)
		assert.Nil(t, v)
		p := new(int)
		_, err = c.Call(context.Background(), "app.option.set", nil, &p)
		require.NoError(t, err)
		assert.Nil(t, p)
	})
	t.Run("Idempotent Call", func(t *testing.T) {
		c, mt := newMockClient(t)
		mt.RegisterResponder("POST", testEndpoint+"sonet_group.get", httpmock.NewStringResponder(200, `{"result":null}`))
		var rows []map[string]any
		_, err := c.Call(context.Background(), "sonet_group.get", nil, &rows, Idempotent())
		require.NoError(t, err)
		assert.Nil(t, rows)
	})
	t.Run("BatchCall", func(t *testing.T) {
		c, mt := newMockClient(t)
		mt.RegisterResponder("POST", testEndpoint+"batch", httpmock.NewStringResponder(200,
			`{"result":{"result":{"c0":null,"c1":5},"result_error":[],"result_total":[],"result_next":[],"result_time":[]}}`))
		b := NewBatch()
		lost := BatchCall[int](b, "sonet_group.create", map[string]any{"NAME": "x"})
		ok := BatchCall[int](b, "sonet_group.create", map[string]any{"NAME": "y"})
		require.Error(t, c.RunBatch(context.Background(), b))
		assert.Equal(t, 1, mt.GetTotalCallCount(), "never repeated")
		assert.ErrorIs(t, lost.Err(), ErrOutcomeUnknown)
		assert.ErrorIs(t, lost.Err(), ErrBadResponse)
		assert.ErrorContains(t, lost.Err(), "the result is null")
		require.NoError(t, ok.Err())
		v, _ := ok.Result()
		assert.Equal(t, 5, v)
	})
}

// BatchCall into a target that holds null gets the null: app.option.get
// answers null for an option never set.
func TestBatchCallIntoATargetThatHoldsNullGetsTheNull(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder("POST", testEndpoint+"batch", httpmock.NewStringResponder(200,
		`{"result":{"result":{"c0":null,"c1":null},"result_error":[],"result_total":[],"result_next":[],"result_time":[]}}`))
	b := NewBatch()
	raw := BatchCall[json.RawMessage](b, "app.option.get", map[string]any{"option": "a"})
	v := BatchCall[any](b, "app.option.get", map[string]any{"option": "b"})
	require.NoError(t, c.RunBatch(context.Background(), b))
	got, err := raw.Result()
	require.NoError(t, err)
	assert.Equal(t, "null", string(got))
	gotV, err := v.Result()
	require.NoError(t, err)
	assert.Nil(t, gotV)
}

// A scan page answered null is a bad response of a read, not the unknown
// outcome of a write.
func TestScanGroupsPageAnsweredNullIsABadResponse(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder("POST", testEndpoint+"batch", httpmock.NewStringResponder(200,
		`{"result":{"result":{"c0":null},"result_error":[],"result_total":{"c0":0},"result_next":[],"result_time":[]}}`))
	var errs []error
	for _, err := range c.ScanGroups(context.Background(), nil) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], ErrBadResponse)
	assert.NotErrorIs(t, errs[0], ErrOutcomeUnknown)
	assert.ErrorContains(t, errs[0], "want a JSON list of groups")
}
