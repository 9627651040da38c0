package sonetmock_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/b24kit/sonet"
	"github.com/b24kit/sonet/sonetmock"
	"github.com/b24kit/sonet/sonettest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func workgroupPortal(t *testing.T) (*sonet.Client, *time.Location) {
	t.Helper()
	zone := time.FixedZone("UTC+3", 3*3600)
	now := time.Date(2026, 3, 19, 15, 1, 27, 0, zone)
	srv := sonettest.Start(t, sonettest.WithLocation(zone), sonettest.WithClock(func() time.Time { return now }))
	users := srv.AddUsers("Bob", "Carol", "Dave")
	scrum := sonettest.NewProject("Sprinters / Café").
		WithMember(users[0], sonettest.RoleModerator).
		WithMember(users[1], sonettest.RoleMember).
		WithMember(users[2], sonettest.RoleRequest)
	scrum.Description, scrum.Keywords, scrum.ScrumMasterID, scrum.ScrumOwnerID = "Fast\nteam", "zeta, alpha", users[0], 1
	scrum.ScrumSprintDuration, scrum.ChatID, scrum.ImageURL, scrum.ImageFileID = 1209600, 34, "https://p.example/a.png", 7
	scrum.ProjectDateStart = now.AddDate(0, 0, 1)
	srv.AddGroup(scrum)
	srv.AddGroup(sonettest.NewGroup("Plain"))
	c, err := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithTestDefaults())
	require.NoError(t, err)
	return c, zone
}

// A Workgroup read from the fake portal, written back by sonetmock from its
// typed fields alone (Raw dropped), decodes to the same value; with Raw it
// is the portal's object byte for byte.
func TestWorkgroupMatchesSonettest(t *testing.T) {
	c, zone := workgroupPortal(t)
	ctx := context.Background()
	opts := &sonet.WorkgroupGetOptions{Location: zone, Select: []sonet.WorkgroupSelect{
		sonet.WorkgroupSelectActions, sonet.WorkgroupSelectAvatar, sonet.WorkgroupSelectDepartments,
		sonet.WorkgroupSelectOwnerData, sonet.WorkgroupSelectPin, sonet.WorkgroupSelectPrivacyType,
		sonet.WorkgroupSelectSubjectData, sonet.WorkgroupSelectTags, sonet.WorkgroupSelectUserData,
	}}
	for _, id := range []int{1, 2} {
		want, err := c.GetWorkgroup(ctx, id, opts)
		require.NoError(t, err)
		require.NotNil(t, want.Actions)

		p := sonetmock.New(t)
		p.On("socialnetwork.api.workgroup.get", sonetmock.Workgroup(*want))
		got, err := p.Client.GetWorkgroup(ctx, id, opts)
		require.NoError(t, err)
		assert.Equal(t, want, got, "from Raw")

		typed := *want
		typed.Raw = nil
		p.On("socialnetwork.api.workgroup.get", sonetmock.Workgroup(typed))
		got, err = p.Client.GetWorkgroup(ctx, id, opts)
		require.NoError(t, err)
		got.Raw = nil
		assert.Equal(t, &typed, got, "from the typed fields")
	}
}

func TestWorkgroupPageMatchesSonettest(t *testing.T) {
	c, zone := workgroupPortal(t)
	ctx := context.Background()
	sel := []sonet.WorkgroupField{
		sonet.WorkgroupFieldID, sonet.WorkgroupFieldActive, sonet.WorkgroupFieldSubjectID, sonet.WorkgroupFieldName,
		sonet.WorkgroupFieldDescription, sonet.WorkgroupFieldKeywords, sonet.WorkgroupFieldClosed, sonet.WorkgroupFieldVisible,
		sonet.WorkgroupFieldOpened, sonet.WorkgroupFieldProject, sonet.WorkgroupFieldLanding, sonet.WorkgroupFieldDateCreate,
		sonet.WorkgroupFieldDateUpdate, sonet.WorkgroupFieldDateActivity, sonet.WorkgroupFieldImageID,
		sonet.WorkgroupFieldAvatarType, sonet.WorkgroupFieldOwnerID, sonet.WorkgroupFieldNumberOfMembers,
		sonet.WorkgroupFieldNumberOfModerators, sonet.WorkgroupFieldInitiatePerms, sonet.WorkgroupFieldProjectDateStart,
		sonet.WorkgroupFieldProjectDateFinish, sonet.WorkgroupFieldScrumOwnerID, sonet.WorkgroupFieldScrumMasterID,
		sonet.WorkgroupFieldScrumSprintDuration, sonet.WorkgroupFieldScrumTaskResponsible, sonet.WorkgroupFieldType,
		sonet.WorkgroupFieldAvatar,
	}
	opts := &sonet.WorkgroupListOptions{Select: sel, Location: zone, Order: sonet.Order{sonet.FieldID.Asc()}}
	want, err := c.ListWorkgroups(ctx, opts)
	require.NoError(t, err)
	require.Len(t, want.Items, 2)

	p := sonetmock.New(t)
	p.On("socialnetwork.api.workgroup.list", sonetmock.WorkgroupPage(*want))
	got, err := p.Client.ListWorkgroups(ctx, opts)
	require.NoError(t, err)
	assert.Equal(t, want, got, "from Raw")

	typed := *want
	typed.Items = append([]sonet.Workgroup(nil), want.Items...)
	for i := range typed.Items {
		typed.Items[i].Raw = nil
	}
	p.On("socialnetwork.api.workgroup.list", sonetmock.WorkgroupPage(typed))
	got, err = p.Client.ListWorkgroups(ctx, opts)
	require.NoError(t, err)
	for i := range got.Items {
		got.Items[i].Raw = nil
	}
	assert.Equal(t, &typed, got, "from the typed fields")
}

// The documented example answers round-trip through the typed fields.
func TestWorkgroupSeedAnswersRoundTrip(t *testing.T) {
	ctx := context.Background()
	for _, name := range []string{"doc_example.json", "scrum_all_blocks.json"} {
		doc := readFixture(t, "socialnetwork.api.workgroup.get/"+name)
		var head struct{ Result struct{ ID int } }
		require.NoError(t, json.Unmarshal(doc, &head))
		p := sonetmock.New(t)
		p.On("socialnetwork.api.workgroup.get", sonetmock.Answer{Body: doc})
		w, err := p.Client.GetWorkgroup(ctx, head.Result.ID, nil)
		require.NoError(t, err, name)
		w.Raw = nil
		p.On("socialnetwork.api.workgroup.get", sonetmock.Workgroup(*w))
		again, err := p.Client.GetWorkgroup(ctx, head.Result.ID, nil)
		require.NoError(t, err, name)
		again.Raw = nil
		assert.Equal(t, w, again, name)
	}
	for _, name := range []string{"doc_example.json", "all_fields.json", "no_count.json"} {
		p := sonetmock.New(t)
		p.On("socialnetwork.api.workgroup.list", sonetmock.Answer{Body: readFixture(t, "socialnetwork.api.workgroup.list/"+name)})
		page, err := p.Client.ListWorkgroups(ctx, nil)
		require.NoError(t, err, name)
		for i := range page.Items {
			page.Items[i].Raw = nil
		}
		p.On("socialnetwork.api.workgroup.list", sonetmock.WorkgroupPage(*page))
		again, err := p.Client.ListWorkgroups(ctx, nil)
		require.NoError(t, err, name)
		for i := range again.Items {
			again.Items[i].Raw = nil
		}
		assert.Equal(t, page, again, name)
	}
}
