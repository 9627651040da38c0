package sonet

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/b24kit/sonet/sonettest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	wgPortalZone = time.FixedZone("UTC+3", 3*3600)
	wgPortalNow  = time.Date(2026, 3, 19, 15, 1, 27, 0, wgPortalZone)
)

// newWorkgroupPortal starts a fake portal in UTC+3 with a fixed clock and
// returns a webhook client for its admin.
func newWorkgroupPortal(t *testing.T) (*sonettest.Server, *Client) {
	t.Helper()
	srv := sonettest.NewServer(sonettest.WithLocation(wgPortalZone), sonettest.WithClock(func() time.Time { return wgPortalNow }))
	t.Cleanup(srv.Close)
	c, err := NewWebhookClient(srv.WebhookURL(), WithoutRateLimit(), WithRetryPolicy(RetryPolicy{MaxAttempts: 1}))
	require.NoError(t, err)
	return srv, c
}

// seedWorkgroups adds three different groups and returns their IDs.
func seedWorkgroups(srv *sonettest.Server) []int {
	bob := srv.AddUser(sonettest.User{Name: "Bob"})
	carol := srv.AddUser(sonettest.User{Name: "Carol"})

	open := sonettest.NewGroup("Open news")
	open.Opened, open.Description, open.Keywords = true, "Company news", "news, company"
	open.Members = map[int]sonettest.Role{bob: sonettest.RoleMember, carol: sonettest.RoleRequest}
	open.DateCreate = wgPortalNow.Add(-48 * time.Hour)
	open.DateActivity = wgPortalNow.Add(-time.Hour)

	project := sonettest.NewGroup("Launch")
	project.Project, project.OwnerID, project.InitiatePerms, project.SubjectID = true, bob, "E", 2
	project.ProjectDateStart = time.Date(2026, 4, 1, 9, 0, 0, 0, wgPortalZone)
	project.ProjectDateFinish = time.Date(2026, 4, 30, 18, 0, 0, 0, wgPortalZone)
	project.Members = map[int]sonettest.Role{1: sonettest.RoleModerator}

	scrum := sonettest.NewGroup("Sprinters")
	scrum.Project, scrum.ScrumMasterID, scrum.ScrumOwnerID, scrum.Closed, scrum.Visible = true, carol, bob, true, false
	scrum.ImageURL = "https://portal.example/upload/scrum.png"

	return []int{srv.AddGroup(open), srv.AddGroup(project), srv.AddGroup(scrum)}
}

func TestE2EWorkgroupGetMatchesGroupGet(t *testing.T) {
	srv, c := newWorkgroupPortal(t)
	ctx := context.Background()
	for _, id := range seedWorkgroups(srv) {
		g, err := c.GetGroup(ctx, id)
		require.NoError(t, err)
		w, err := c.GetWorkgroup(ctx, id, &WorkgroupGetOptions{Select: []WorkgroupSelect{WorkgroupSelectTags, WorkgroupSelectAvatar}, Location: wgPortalZone})
		require.NoError(t, err)

		assert.Equal(t, g.ID, w.ID)
		assert.Equal(t, g.Name, w.Name)
		assert.Equal(t, g.Description, w.Description)
		assert.Equal(t, g.Keywords, w.Keywords)
		assert.Equal(t, g.OwnerID, w.OwnerID)
		assert.Equal(t, g.SubjectID, w.SubjectID)
		assert.Equal(t, g.SiteID, w.SiteID)
		assert.Equal(t, []string{g.SiteID}, w.SiteIDs)
		assert.Equal(t, g.NumberOfMembers, w.NumberOfMembers)
		assert.Equal(t, g.Image, w.Avatar)
		assert.Equal(t, [5]bool{g.Active, g.Visible, g.Opened, g.Closed, g.Project}, [5]bool{w.Active, w.Visible, w.Opened, w.Closed, w.Project})
		assert.True(t, g.DateCreate.Equal(w.DateCreate), "%v vs %v (%q)", g.DateCreate, w.DateCreate, w.DateCreateText)
		assert.True(t, g.DateUpdate.Equal(w.DateUpdate))
		assert.True(t, g.DateActivity.Equal(w.DateActivity))
		assert.Equal(t, wgPortalZone, w.DateCreate.Location(), "portal-format dates read in the given Location")
	}

	w, err := c.GetWorkgroup(ctx, 1, &WorkgroupGetOptions{Select: []WorkgroupSelect{WorkgroupSelectTags}})
	require.NoError(t, err)
	assert.Equal(t, []string{"company", "news"}, w.Tags, "the tag table's order: alphabetical")
	assert.Equal(t, WorkgroupTypeGroup, w.Type)
	assert.Equal(t, []int{1, 2}, w.Members)
	assert.Equal(t, []int{3}, w.InvitedMembers)
	assert.Equal(t, "03/17/2026 15:01:27", w.DateCreateText)
	assert.True(t, w.DateCreate.IsZero(), "no Location: text only")

	w, err = c.GetWorkgroup(ctx, 2, &WorkgroupGetOptions{Location: wgPortalZone})
	require.NoError(t, err)
	assert.Equal(t, WorkgroupTypeProject, w.Type)
	assert.Equal(t, RoleModerator, w.InitiatePerms)
	assert.Equal(t, []int{1}, w.ModeratorMembers)
	assert.Equal(t, time.Date(2026, 4, 1, 9, 0, 0, 0, wgPortalZone), w.ProjectDateStart,
		"04/01/2026 reads two ways; the client learnt MM/DD from 03/17/2026 above")
	assert.Equal(t, "04/01/2026 09:00:00", w.ProjectDateStartText)
	assert.Equal(t, time.Date(2026, 4, 30, 18, 0, 0, 0, wgPortalZone), w.ProjectDateFinish)

	w, err = c.GetWorkgroup(ctx, 3, nil)
	require.NoError(t, err)
	assert.Equal(t, WorkgroupTypeScrum, w.Type)
	assert.Equal(t, 3, w.ScrumMasterID)
	assert.Equal(t, 2, w.ScrumOwnerID, "the scrum's owner is a field apart from its master")
}

func TestE2EWorkgroupHiddenGroupIsNotFoundForOthers(t *testing.T) {
	srv, admin := newWorkgroupPortal(t)
	ids := seedWorkgroups(srv)
	hidden := ids[2]
	_, err := admin.GetWorkgroup(context.Background(), hidden, nil)
	require.NoError(t, err, "an administrator reads secret groups")

	bob, err := NewWebhookClient(srv.WebhookURLFor(2), WithoutRateLimit())
	require.NoError(t, err)
	_, err = bob.GetWorkgroup(context.Background(), hidden, nil)
	assert.ErrorIs(t, err, ErrWorkgroupNotFound)
	assert.ErrorIs(t, err, ErrNotFound)
	_, gerr := bob.GetGroup(context.Background(), hidden)
	assert.ErrorIs(t, gerr, ErrNotFound, "both methods agree")

	p, err := bob.ListWorkgroups(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, []int{1, 2}, wgIDs(p.Items), "the default order is the portal's: ID ascending")
}

func TestE2EWorkgroupListMatchesGroupList(t *testing.T) {
	srv, c := newWorkgroupPortal(t)
	ctx := context.Background()
	seedWorkgroups(srv)
	all := []WorkgroupField{WorkgroupFieldName, WorkgroupFieldDescription, WorkgroupFieldKeywords, WorkgroupFieldActive,
		WorkgroupFieldVisible, WorkgroupFieldOpened, WorkgroupFieldClosed, WorkgroupFieldProject, WorkgroupFieldOwnerID,
		WorkgroupFieldSubjectID, WorkgroupFieldNumberOfMembers, WorkgroupFieldDateCreate, WorkgroupFieldDateUpdate,
		WorkgroupFieldDateActivity, WorkgroupFieldType, WorkgroupFieldScrumMasterID, WorkgroupFieldAvatar, WorkgroupFieldInitiatePerms}
	p, err := c.ListWorkgroups(ctx, &WorkgroupListOptions{Select: all, Order: Order{FieldID.Asc()}, Params: WorkgroupListParams{IsAdmin: Yes}})
	require.NoError(t, err)
	require.Len(t, p.Items, 3)
	assert.Equal(t, 3, p.Total)
	for _, w := range p.Items {
		g, err := c.GetGroup(ctx, w.ID)
		require.NoError(t, err)
		assert.Equal(t, g.Name, w.Name)
		assert.Equal(t, g.Description, w.Description)
		assert.Equal(t, g.Keywords, w.Keywords)
		assert.Equal(t, g.OwnerID, w.OwnerID)
		assert.Equal(t, g.SubjectID, w.SubjectID)
		assert.Equal(t, g.NumberOfMembers, w.NumberOfMembers)
		assert.Equal(t, g.Image, w.Avatar)
		assert.Equal(t, [5]bool{g.Active, g.Visible, g.Opened, g.Closed, g.Project}, [5]bool{w.Active, w.Visible, w.Opened, w.Closed, w.Project})
		assert.Equal(t, g.DateCreate, w.DateCreate, "list dates are ISO-8601: no Location needed")
		assert.Equal(t, g.DateActivity, w.DateActivity)
	}
	assert.Equal(t, []WorkgroupType{WorkgroupTypeGroup, WorkgroupTypeProject, WorkgroupTypeScrum},
		[]WorkgroupType{p.Items[0].Type, p.Items[1].Type, p.Items[2].Type})
	assert.Equal(t, 3, p.Items[2].ScrumMasterID)
	assert.Equal(t, 0, p.Items[2].ScrumOwnerID, "not selected")

	p, err = c.ListWorkgroups(ctx, &WorkgroupListOptions{
		Filter: WorkgroupFilter{FieldProject.Eq(true), FieldName.LikePattern("%unch")},
		Select: []WorkgroupField{WorkgroupFieldID},
		Params: WorkgroupListParams{IsAdmin: Yes},
	})
	require.NoError(t, err)
	assert.Equal(t, []int{2}, wgIDs(p.Items))
	assert.Equal(t, "", p.Items[0].Name, "an explicit narrow select: ID only")

	p, err = c.ListWorkgroups(ctx, &WorkgroupListOptions{Filter: WorkgroupFilter{FieldName.Eq("nothing")}})
	require.NoError(t, err)
	assert.Equal(t, []Workgroup{}, p.Items)
	assert.True(t, p.HasTotal)
}

func TestE2EAllWorkgroupsBothWalks(t *testing.T) {
	srv, c := newWorkgroupPortal(t)
	ctx := context.Background()
	var want []int
	for i := 0; i < 120; i++ {
		want = append(want, srv.AddGroup(sonettest.NewGroup("g")))
	}
	for _, noCount := range []bool{false, true} {
		srv.ResetRequests()
		var got []int
		for w, err := range c.AllWorkgroups(ctx, &WorkgroupListOptions{NoCount: noCount, Order: Order{FieldID.Asc()}, Select: []WorkgroupField{WorkgroupFieldID}}) {
			require.NoError(t, err)
			got = append(got, w.ID)
		}
		assert.Equal(t, want, got, "noCount=%v", noCount)
		var bodies []string
		for _, r := range srv.Requests() {
			bodies = append(bodies, r.Body)
		}
		if noCount {
			assert.Equal(t, []string{"select[0]=ID&order[ID]=ASC&start=-1", "filter[%3EID]=50&select[0]=ID&order[ID]=ASC&start=-1",
				"filter[%3EID]=100&select[0]=ID&order[ID]=ASC&start=-1"}, bodies)
		} else {
			assert.Equal(t, []string{"select[0]=ID&order[ID]=ASC", "select[0]=ID&order[ID]=ASC&start=50", "select[0]=ID&order[ID]=ASC&start=100"}, bodies)
		}
	}

	// Breaking out sends no further request.
	srv.ResetRequests()
	n := 0
	for range c.AllWorkgroups(ctx, &WorkgroupListOptions{NoCount: true}) {
		if n++; n == 3 {
			break
		}
	}
	assert.Len(t, srv.Requests(), 1)
	assert.True(t, strings.HasSuffix(srv.Requests()[0].Body, "start=-1"))
}

func wgIDs(ws []Workgroup) []int {
	ids := make([]int, len(ws))
	for i, w := range ws {
		ids[i] = w.ID
	}
	return ids
}
