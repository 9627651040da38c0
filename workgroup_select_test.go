package sonet

import (
	"context"
	"testing"

	"github.com/b24kit/sonet/sonettest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// defaultSelectBody is what an empty Select sends: DefaultWorkgroupFields,
// in order.
const defaultSelectBody = "select[0]=ID&select[1]=NAME&select[2]=DESCRIPTION&select[3]=KEYWORDS&select[4]=ACTIVE" +
	"&select[5]=VISIBLE&select[6]=OPENED&select[7]=CLOSED&select[8]=PROJECT&select[9]=TYPE&select[10]=SUBJECT_ID" +
	"&select[11]=OWNER_ID&select[12]=NUMBER_OF_MEMBERS&select[13]=NUMBER_OF_MODERATORS&select[14]=INITIATE_PERMS" +
	"&select[15]=DATE_CREATE&select[16]=DATE_UPDATE&select[17]=DATE_ACTIVITY&select[18]=PROJECT_DATE_START" +
	"&select[19]=PROJECT_DATE_FINISH&select[20]=SCRUM_OWNER_ID&select[21]=SCRUM_MASTER_ID&select[22]=SCRUM_SPRINT_DURATION" +
	"&select[23]=SCRUM_TASK_RESPONSIBLE&select[24]=IMAGE_ID&select[25]=AVATAR_TYPE"

func TestListWorkgroupsEmptySelectSendsTheDefaultFields(t *testing.T) {
	for name, opts := range map[string]*WorkgroupListOptions{
		"nil options":  nil,
		"empty select": {Select: []WorkgroupField{}},
		"with a start": {Start: 50},
	} {
		t.Run(name, func(t *testing.T) {
			c, rec, _ := newListMock(t, "empty.json")
			_, err := c.ListWorkgroups(context.Background(), opts)
			require.NoError(t, err)
			want := defaultSelectBody
			if opts != nil && opts.Start == 50 {
				want += "&start=50"
			}
			assert.Equal(t, []string{want}, rec.Bodies())
		})
	}
}

func TestListWorkgroupsExplicitSelectIsSentAsGiven(t *testing.T) {
	c, rec, _ := newListMock(t, "empty.json", "empty.json")
	_, err := c.ListWorkgroups(context.Background(), &WorkgroupListOptions{Select: []WorkgroupField{WorkgroupFieldID}})
	require.NoError(t, err)
	_, err = c.ListWorkgroups(context.Background(), &WorkgroupListOptions{Select: append(DefaultWorkgroupFields(), WorkgroupFieldAvatar)})
	require.NoError(t, err)
	assert.Equal(t, []string{"select[0]=ID", defaultSelectBody + "&select[26]=AVATAR"}, rec.Bodies())
}

func TestDefaultWorkgroupFieldsIsACopy(t *testing.T) {
	a := DefaultWorkgroupFields()
	a[0] = "CHANGED"
	assert.Equal(t, WorkgroupFieldID, DefaultWorkgroupFields()[0])
}

// Against the fake portal, which (like the real one) answers an empty select
// with IDs only: the SDK's default brings names, counts and owners back.
func TestE2EWorkgroupListWithoutSelectHasNamesAndCounts(t *testing.T) {
	srv := sonettest.NewServer()
	t.Cleanup(srv.Close)
	g := sonettest.NewGroup("Launch")
	g.OwnerID = 1
	id := srv.AddGroup(g)
	c, err := NewWebhookClient(srv.WebhookURL(), WithoutRateLimit())
	require.NoError(t, err)

	p, err := c.ListWorkgroups(context.Background(), nil)
	require.NoError(t, err)
	require.Len(t, p.Items, 1)
	w := p.Items[0]
	assert.Equal(t, id, w.ID)
	assert.Equal(t, "Launch", w.Name)
	assert.Equal(t, 1, w.OwnerID)
	assert.Equal(t, 1, w.NumberOfMembers)
	assert.Equal(t, WorkgroupTypeGroup, w.Type)
	assert.False(t, w.DateCreate.IsZero(), "DATE_CREATE selected and decoded")

	p, err = c.ListWorkgroups(context.Background(), &WorkgroupListOptions{Select: []WorkgroupField{WorkgroupFieldID}})
	require.NoError(t, err)
	assert.Equal(t, Workgroup{ID: id, Raw: p.Items[0].Raw}, p.Items[0], "a narrow select is the opt-in to IDs only")
}
