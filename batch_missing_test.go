package sonet

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The portal lists every command of a batch in result or result_error;
// only with halt, after a command that failed, are the rest absent. A
// write command missing from an answer that gives no such reason may have
// run: its outcome is unknown, never "did not run" (which invites a
// resend and a second group).
func TestRunBatchCommandMissingFromTheAnswerIsOutcomeUnknown(t *testing.T) {
	for _, halt := range []bool{false, true} {
		c, mt := newMockClient(t)
		var rec recorded
		mt.RegisterResponder("POST", testEndpoint+"batch", rec.respond(200, fixture(t, "batch/entry_missing.json")))
		b := NewBatch()
		b.Halt = halt
		first := BatchCreateGroup(b, &GroupCreateRequest{Name: "A"})
		second := BatchCreateGroup(b, &GroupCreateRequest{Name: "B"})
		err := c.RunBatch(context.Background(), b)

		assert.Equal(t, 77, first.Value())
		require.NoError(t, first.Err())
		var be *BatchError
		require.ErrorAs(t, err, &be, "halt=%v", halt)
		assert.Equal(t, []string{"c1"}, be.Unknown, "halt=%v", halt)
		assert.Empty(t, be.NotRun, "halt=%v", halt)
		assert.Empty(t, be.Failed, "halt=%v", halt)
		assert.ErrorIs(t, second.Err(), ErrOutcomeUnknown, "halt=%v", halt)
		assert.ErrorIs(t, second.Err(), ErrBadResponse, "halt=%v", halt)
		assert.NotErrorIs(t, second.Err(), ErrNotRun, "halt=%v", halt)
		assert.EqualError(t, second.Err(), "sonet: sonet_group.create: outcome unknown, not retried (the write may have been applied): "+
			"bad response (HTTP 200): batch command c1 is in neither result nor result_error", "halt=%v", halt)
		assert.ErrorIs(t, err, ErrOutcomeUnknown, "halt=%v", halt)
		assert.Len(t, rec.Bodies(), 1)
	}
}

// With halt, the commands after a failed one are absent: they did not run.
func TestRunBatchCommandsAfterAHaltAreNotRun(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder("POST", testEndpoint+"batch", jsonResponder(200, fixture(t, "batch/halt1_first_failed.json")))
	b := NewBatch()
	b.Halt = true
	first := BatchCreateGroup(b, &GroupCreateRequest{Name: "A"})
	second := BatchCreateGroup(b, &GroupCreateRequest{Name: "B"})
	err := c.RunBatch(context.Background(), b)
	var be *BatchError
	require.ErrorAs(t, err, &be)
	assert.Equal(t, []string{"c0"}, be.Failed)
	assert.Equal(t, []string{"c1"}, be.NotRun)
	assert.Empty(t, be.Unknown)
	assert.ErrorIs(t, first.Err(), ErrInsufficientScope)
	assert.ErrorIs(t, second.Err(), ErrNotRun)
	assert.NotErrorIs(t, second.Err(), ErrOutcomeUnknown)
	assert.False(t, second.Ran())
}

// A batch update answered with another group's ID did not say that this
// update ran, as UpdateGroup already holds: outcome unknown, not success.
func TestBatchUpdateGroupRefusesAnotherGroupsID(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder("POST", testEndpoint+"batch", jsonResponder(200, []byte(
		`{"result":{"result":{"c0":78,"c1":"79"},"result_error":[],"result_total":[],"result_next":[],"result_time":[]}}`)))
	b := NewBatch()
	other := BatchUpdateGroup(b, &GroupUpdateRequest{GroupID: 77, Name: String("y")})
	same := BatchUpdateGroup(b, &GroupUpdateRequest{GroupID: 79, Name: String("y")})
	err := c.RunBatch(context.Background(), b)
	var be *BatchError
	require.ErrorAs(t, err, &be)
	assert.Equal(t, []string{"c0"}, be.Failed)
	assert.Equal(t, 0, other.Value())
	assert.ErrorIs(t, other.Err(), ErrOutcomeUnknown)
	assert.ErrorIs(t, other.Err(), ErrBadResponse)
	assert.EqualError(t, other.Err(), "sonet: sonet_group.update: outcome unknown, not retried (the write may have been applied): "+
		`bad response (HTTP 200): result 78 is not the group's ID 77; body starts "78"`)
	v, err := same.Result()
	require.NoError(t, err)
	assert.Equal(t, 79, v)
}

// BatchCall is treated as a write, like Call without Idempotent: a result
// it cannot decode may belong to a write that ran.
func TestBatchCallWithAnUnreadableResultIsOutcomeUnknown(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder("POST", testEndpoint+"batch", jsonResponder(200, []byte(
		`{"result":{"result":{"c0":"abc"},"result_error":[],"result_total":[],"result_next":[],"result_time":[]}}`)))
	b := NewBatch()
	h := BatchCall[int](b, "sonet_group.create", map[string]any{"NAME": "x"})
	err := c.RunBatch(context.Background(), b)
	var be *BatchError
	require.ErrorAs(t, err, &be)
	assert.Equal(t, []string{"c0"}, be.Failed)
	assert.ErrorIs(t, h.Err(), ErrOutcomeUnknown)
	assert.ErrorIs(t, h.Err(), ErrBadResponse)
	assert.ErrorIs(t, err, ErrOutcomeUnknown)
}

// In a batch of reads (the scans' kind) a command missing from the answer
// is a bad response listed as failed, not a command that did not run.
func TestRunBatchReadMissingFromTheAnswerIsABadResponse(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder("POST", testEndpoint+"batch", jsonResponder(200, fixture(t, "batch/entry_missing.json")))
	b := NewBatch()
	b.readOnly = true
	first := BatchCall[int](b, "sonet_group.get", nil)
	second := BatchCall[int](b, "sonet_group.get", nil)
	err := c.RunBatch(context.Background(), b)
	var be *BatchError
	require.ErrorAs(t, err, &be)
	assert.Equal(t, 77, first.Value())
	assert.Equal(t, []string{"c1"}, be.Failed)
	assert.Empty(t, be.NotRun)
	assert.Empty(t, be.Unknown)
	assert.ErrorIs(t, second.Err(), ErrBadResponse)
	assert.NotErrorIs(t, second.Err(), ErrNotRun)
	assert.NotErrorIs(t, second.Err(), ErrOutcomeUnknown)
}
