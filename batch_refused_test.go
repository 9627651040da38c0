package sonet

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A command the portal refuses before running it (past the 50th, a method
// refused in batch, an unknown method) did not run: its handle matches
// ErrNotRun and the *APIError, and the BatchError lists it under NotRun.
// A result_error entry for a key the SDK did not send is ignored.
func TestRunBatchCommandsRefusedBeforeRunningAreNotRun(t *testing.T) {
	c, mt := newMockClient(t)
	var rec recorded
	mt.RegisterResponder("POST", testEndpoint+"batch", rec.respond(200, fixture(t, "batch/refused_commands.json")))

	b := NewBatch()
	created := BatchCreateGroup(b, &GroupCreateRequest{Name: "A"})
	refused := BatchCall[json.RawMessage](b, "sonet_group.feature.list", nil)
	unknown := BatchCall[json.RawMessage](b, "sonet_group.nothing", nil)
	tooMany := BatchDeleteGroup(b, 5)
	err := c.RunBatch(context.Background(), b)

	require.Len(t, rec.Bodies(), 1)
	var be *BatchError
	require.ErrorAs(t, err, &be)
	assert.Empty(t, be.Failed)
	assert.Equal(t, []string{"c1", "c2", "c3"}, be.NotRun)
	assert.Empty(t, be.Unknown)
	assert.Equal(t, "sonet: batch of 4 commands: 0 failed; 3 did not run; 0 outcome unknown", err.Error())
	assert.ErrorIs(t, err, ErrBatchMethodNotAllowed)
	assert.ErrorIs(t, err, ErrMethodNotFound)
	assert.ErrorIs(t, err, ErrBatchLengthExceeded)

	assert.Equal(t, 77, created.Value())
	assert.NoError(t, created.Err())
	for _, h := range []BatchHandle{refused, unknown, tooMany} {
		assert.False(t, h.Ran(), h.Key())
		assert.ErrorIs(t, h.Err(), ErrNotRun, h.Key())
	}
	assert.ErrorIs(t, refused.Err(), ErrBatchMethodNotAllowed)
	assert.ErrorIs(t, unknown.Err(), ErrMethodNotFound)
	var ae *APIError
	require.ErrorAs(t, tooMany.Err(), &ae)
	assert.Equal(t, APIError{Code: "ERROR_BATCH_LENGTH_EXCEEDED", Description: "Max batch length exceeded", Method: "sonet_group.delete"}, *ae)
	assert.EqualError(t, tooMany.Err(), "sonet: batch command c3 (sonet_group.delete) did not run: "+
		"sonet_group.delete: ERROR_BATCH_LENGTH_EXCEEDED: Max batch length exceeded")
	assert.False(t, tooMany.Value())
}

// Against the fake portal: an unknown method is refused per command; with
// Halt the portal stops there and the SDK sends no further request.
func TestBatchE2EUnknownMethodIsNotRunAndHalts(t *testing.T) {
	for _, halt := range []bool{false, true} {
		t.Run(fmt.Sprint("halt=", halt), func(t *testing.T) {
			srv, c := newFakePortal(t, 0)
			b := NewBatch()
			b.Halt = halt
			bad := BatchCall[json.RawMessage](b, "sonet_group.nothing", nil)
			for i := 0; i < 50; i++ {
				BatchCreateGroup(b, &GroupCreateRequest{Name: fmt.Sprint("N", i)})
			}
			err := c.RunBatch(context.Background(), b)
			var be *BatchError
			require.ErrorAs(t, err, &be)
			assert.ErrorIs(t, bad.Err(), ErrNotRun)
			assert.ErrorIs(t, bad.Err(), ErrMethodNotFound)
			assert.Empty(t, be.Failed)
			if halt {
				assert.Len(t, srv.Requests(), 1)
				assert.Len(t, srv.Groups(), 0)
				assert.Len(t, be.NotRun, 51)
				return
			}
			assert.Len(t, srv.Requests(), 2)
			assert.Len(t, srv.Groups(), 50)
			assert.Equal(t, []string{"c0"}, be.NotRun)
		})
	}
}

// Inside batch the method is taken as written, so a ".json" suffix would
// make it unknown on the portal: refused before sending. A direct Call may
// keep ".json" but not ".xml", whose answer the SDK cannot read.
func TestTransportSuffixRefusedWhereThePortalWouldMisreadIt(t *testing.T) {
	c, mt := newMockClient(t)
	b := NewBatch()
	h := BatchCall[json.RawMessage](b, "sonet_group.get.JSON", nil)
	var ve *ValidationError
	require.ErrorAs(t, b.Err(), &ve)
	assert.Equal(t, ValidationError{Field: "method", Reason: `"sonet_group.get.JSON": inside batch the portal takes the method as written, so the .JSON suffix makes it unknown`}, *ve)
	assert.ErrorIs(t, h.Err(), ErrValidation)
	assert.ErrorIs(t, c.RunBatch(context.Background(), b), ErrValidation)

	_, err := c.Call(context.Background(), "sonet_group.get.xml", nil, nil)
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, ValidationError{Field: "method", Reason: `"sonet_group.get.xml" asks for an XML answer; the SDK reads JSON: drop the suffix`}, *ve)
	assert.Equal(t, 0, mt.GetTotalCallCount())

	srv, fc := newFakePortal(t, 1)
	var rows []map[string]any
	_, err = fc.Call(context.Background(), "sonet_group.get.json", nil, &rows, Idempotent())
	require.NoError(t, err)
	assert.Equal(t, "G1", rows[0]["NAME"])
	assert.Equal(t, "sonet_group.get", srv.Requests()[0].Method)
}
