package sonet

import (
	"context"
	"errors"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSetGroupOwnerSendsExactBody(t *testing.T) {
	c, mt := newMockClient(t)
	var rec recorded
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.setowner", rec.respond(200, fixture(t, "sonet_group.setowner/ok.json")))

	require.NoError(t, c.SetGroupOwner(context.Background(), 77, 1269))
	assert.Equal(t, []string{"GROUP_ID=77&USER_ID=1269"}, rec.Bodies())
}

// Every text the docs table, the docs example and the server code give for
// a setowner failure reaches the same sentinel.
func TestSetGroupOwnerDocumentedErrors(t *testing.T) {
	cases := []struct {
		fixture, desc string
		want          []error
	}{
		{"error_no_permissions.json", "User has no permissions to set owner", []error{ErrNoPermissionToOwner, ErrPermissionDenied}},
		{"error_invalid_group_id.json", "Invalid workgroup/project ID", []error{ErrWrongGroupID}},
		{"error_invalid_user_id.json", "Invalid user ID", []error{ErrWrongUserIDs}},
		{"error_insufficient_permissions.json", "Insufficient permissions to complete the operation.", []error{ErrNoPermissionToOwner, ErrPermissionDenied}},
		{"error_cannot_complete.json", "Cannot complete operation.", []error{ErrCannotSetOwner}},
	}
	for _, tc := range cases {
		t.Run(tc.fixture, func(t *testing.T) {
			c, mt := newMockClient(t)
			var rec recorded
			mt.RegisterResponder("POST", testEndpoint+"sonet_group.setowner", rec.respond(400, fixture(t, "sonet_group.setowner/"+tc.fixture)))
			err := c.SetGroupOwner(context.Background(), 77, 1269)
			requireSonetError(t, err, "sonet_group.setowner", tc.desc, tc.want...)
			assert.Equal(t, 1, mt.GetTotalCallCount(), "a 400 is not retried")
		})
	}
}

// The texts of the server code in the wild (spec §2.5) and of sonettest.
func TestSetGroupOwnerServerTextVariants(t *testing.T) {
	cases := []struct {
		desc string
		want []error
	}{
		{"Wrong group ID", []error{ErrWrongGroupID}},
		{"Wrong new owner ID", []error{ErrWrongUserIDs}},
		{"User has no permissions to change group owner", []error{ErrNoPermissionToOwner, ErrPermissionDenied}},
		{"Cannot change group owner", []error{ErrCannotSetOwner}},
		{"Socialnetwork group not found", []error{ErrGroupNotFound, ErrNotFound}},
	}
	for _, tc := range cases {
		c, mt := newMockClient(t)
		var rec recorded
		mt.RegisterResponder("POST", testEndpoint+"sonet_group.setowner", rec.respond(400, []byte(`{"error":"","error_description":"`+tc.desc+`"}`)))
		err := c.SetGroupOwner(context.Background(), 77, 1269)
		requireSonetError(t, err, "sonet_group.setowner", tc.desc, tc.want...)
	}
}

func TestSetGroupOwnerRefusesBadIDsWithoutSending(t *testing.T) {
	cases := []struct {
		group, user int
		field       string
	}{
		{0, 1269, "GROUP_ID"},
		{-77, 1269, "GROUP_ID"},
		{77, 0, "USER_ID"},
		{77, -1, "USER_ID"},
	}
	for _, tc := range cases {
		c, mt := newMockClient(t)
		err := c.SetGroupOwner(context.Background(), tc.group, tc.user)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, tc.field, ve.Field)
		assert.ErrorIs(t, err, ErrValidation)
		assert.Equal(t, 0, mt.GetTotalCallCount())
	}
}

func TestSetGroupOwnerFalseOrOddAnswerIsBadResponse(t *testing.T) {
	for _, body := range []string{`{"result":false}`, `{"result":null}`, `{"result":"Y"}`} {
		c, mt := newMockClient(t)
		var rec recorded
		mt.RegisterResponder("POST", testEndpoint+"sonet_group.setowner", rec.respond(200, []byte(body)))
		err := c.SetGroupOwner(context.Background(), 77, 1269)
		var re *ResponseError
		require.ErrorAs(t, err, &re, body)
		assert.Equal(t, "sonet_group.setowner", re.Method)
		assert.Equal(t, 200, re.HTTPStatus)
		assert.ErrorIs(t, err, ErrBadResponse)
		assert.Equal(t, 1, mt.GetTotalCallCount(), "a write is never repeated")
	}
}

// A lost answer to a write is not repeated: the owner may already have
// changed.
func TestSetGroupOwnerTransportFailureIsOutcomeUnknown(t *testing.T) {
	c, mt := newMockClient(t)
	cause := errors.New("connection reset by peer")
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.setowner", httpmock.NewErrorResponder(cause))
	err := c.SetGroupOwner(context.Background(), 77, 1269)
	assert.ErrorIs(t, err, ErrOutcomeUnknown)
	var te *TransportError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, "sonet_group.setowner", te.Method)
	assert.ErrorIs(t, err, cause)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}
