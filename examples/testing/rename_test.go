package archiver

import (
	"context"
	"flag"
	"net/url"
	"testing"

	"github.com/b24kit/sonet"
	"github.com/b24kit/sonet/sonetmock"
	"github.com/b24kit/sonet/sonettest"
	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The three ways to test RenameProjects without a portal.

// 1. httpmock fixtures built from typed values.
func TestRenameProjectsWithFixtures(t *testing.T) {
	p := sonetmock.New(t)
	p.On("sonet_group.get", sonetmock.Groups(
		sonet.Group{ID: 7, Name: "Draft: launch", Project: true},
		sonet.Group{ID: 8, Name: "Draft: notes"},
		sonet.Group{ID: 9, Name: "Old Draft: x", Project: true},
	))
	p.On("sonet_group.update", sonetmock.Updated(7))

	renamed, err := RenameProjects(context.Background(), p.Client, "Draft: ", "Final: ")
	require.NoError(t, err)
	assert.Equal(t, []int{7}, renamed)
	assert.Equal(t, []url.Values{{"GROUP_ID": {"7"}, "NAME": {"Final: launch"}}}, p.Sent("sonet_group.update"))
	assert.Equal(t, "Draft: ", p.Sent("sonet_group.get")[0].Get("FILTER[%NAME]"))
}

// 1b. A failure the portal may give, one line.
func TestRenameProjectsStopsOnPermissionError(t *testing.T) {
	p := sonetmock.New(t)
	p.On("sonet_group.get", sonetmock.Groups(sonet.Group{ID: 7, Name: "Draft: a", Project: true}, sonet.Group{ID: 9, Name: "Draft: b", Project: true}))
	p.On("sonet_group.update", sonetmock.SonetError("User has no permissions to update group"))

	renamed, err := RenameProjects(context.Background(), p.Client, "Draft: ", "")
	assert.ErrorIs(t, err, sonet.ErrPermissionDenied)
	assert.Empty(t, renamed)
	assert.Equal(t, 1, p.Calls("sonet_group.update"), "stops at the first refusal")
}

// 2. The fake portal: state in, state out, and a steered failure.
func TestRenameProjectsWithSonettest(t *testing.T) {
	srv := sonettest.Start(t)
	srv.AddGroup(sonettest.NewProject("Draft: launch"))
	srv.AddGroup(sonettest.NewGroup("Draft: notes"))
	srv.AddGroup(sonettest.NewProject("Draft: relaunch"))
	srv.Override("sonet_group.update", sonettest.Nth(2, sonettest.SonetErrorAnswer("User has no permissions to update group")))
	c, err := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithTestDefaults())
	require.NoError(t, err)

	renamed, err := RenameProjects(context.Background(), c, "Draft: ", "")
	assert.ErrorIs(t, err, sonet.ErrPermissionDenied)
	assert.Equal(t, []int{1}, renamed)
	var names []string
	for _, g := range srv.Groups() {
		names = append(names, g.Name)
	}
	assert.Equal(t, []string{"launch", "Draft: notes", "Draft: relaunch"}, names)
}

var record = flag.Bool("record", false, "record testdata/rename_recording.json again")

// 3. A recording, replayed offline. Run with -record to record it again:
// here against the fake portal; point the client at your portal's webhook
// (and seed it) to record the real thing. Secrets are scrubbed when the file
// is written.
func TestRenameProjectsReplay(t *testing.T) {
	const file = "testdata/rename_recording.json"
	ctx := context.Background()
	if *record {
		srv := sonettest.Start(t)
		srv.AddGroup(sonettest.NewProject("Draft: launch"))
		srv.AddGroup(sonettest.NewGroup("Draft: notes"))
		rec, err := sonetmock.NewRecorder(file, nil)
		require.NoError(t, err)
		c, err := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithTransport(rec), sonet.WithTestDefaults())
		require.NoError(t, err)
		_, err = RenameProjects(ctx, c, "Draft: ", "")
		require.NoError(t, err)
	}
	mt := httpmock.NewMockTransport()
	require.NoError(t, sonetmock.Replay(mt, file))
	c, err := sonet.NewWebhookClient("https://portal.example/rest/1/any/", sonet.WithTransport(mt), sonet.WithTestDefaults())
	require.NoError(t, err)

	renamed, err := RenameProjects(ctx, c, "Draft: ", "")
	require.NoError(t, err)
	assert.Equal(t, []int{1}, renamed)
}
