package sonet

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCreateGroupSeed000SendsExactBodyAndDecodesID(t *testing.T) {
	c, mt := newMockClient(t)
	var rec recorded
	mt.RegisterResponder("POST", testEndpoint+"sonet_group.create", rec.respond(200, fixture(t, "sonet_group.create/seed000_ok.json")))

	id, err := c.CreateGroup(context.Background(), &GroupCreateRequest{
		Name: "New Project", Project: Yes, Visible: Yes, Opened: No, InitiatePerms: RoleMember,
		Image: &Image{Name: "avatar.png", Content: []byte("\x89PNG\r\n\x1a\n")},
	})
	require.NoError(t, err)
	assert.Equal(t, 77, id)
	assert.Equal(t, []string{"NAME=New%20Project&VISIBLE=Y&OPENED=N&INITIATE_PERMS=K&PROJECT=Y&IMAGE[0]=avatar.png&IMAGE[1]=iVBORw0KGgo%3D"}, rec.Bodies())
	_ = time.Second
}
