package sonet

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDeleteGroup(t *testing.T) {
	c, mt := newMockClient(t)
	var rec recorded
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.delete", rec.respond(200, []byte(`{"result":true,"time":{"start":1}}`)))
	assert.NoError(t, c.DeleteGroup(context.Background(), 77))
	assert.Equal(t, []string{"GROUP_ID=77"}, rec.Bodies())
}

func TestDeleteGroupErrors(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.delete", (&recorded{}).respond(400, []byte(`{"error":"","error_description":"User has no permissions to delete group"}`)))
	err := c.DeleteGroup(context.Background(), 77)
	assert.ErrorIs(t, err, ErrNoPermissionToDelete)
	assert.ErrorIs(t, err, ErrPermissionDenied)

	c, mt = newMockClient(t)
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.delete", (&recorded{}).respond(200, []byte(`{"result":false}`)))
	err = c.DeleteGroup(context.Background(), 77)
	assert.EqualError(t, err, `sonet: sonet_group.delete: outcome unknown, not retried (the write may have been applied): bad response (HTTP 200): result is false, want true; body starts "false"`)
	assert.ErrorIs(t, err, ErrOutcomeUnknown)
	assert.ErrorIs(t, err, ErrBadResponse)

	assert.EqualError(t, c.DeleteGroup(context.Background(), 0), "sonet: invalid GROUP_ID: want a positive group ID, got 0")
	assert.Equal(t, 1, mt.GetTotalCallCount())
}
