package archiver_test

import (
	"context"
	"fmt"

	"github.com/b24kit/sonet"
	"github.com/b24kit/sonet/examples/testing"
	"github.com/b24kit/sonet/sonetmock"
	"github.com/b24kit/sonet/sonettest"
)

// With httpmock fixtures: the answers are typed values, the requests come
// back as url.Values. In a test, sonetmock.New(t) takes the test's t.
func ExampleRenameProjects_fixtures() {
	p := sonetmock.New(nil)
	p.On("sonet_group.get", sonetmock.Groups(
		sonet.Group{ID: 7, Name: "Draft: launch", Project: true},
		sonet.Group{ID: 8, Name: "Draft: notes"}, // a workgroup, not a project
	))
	p.On("sonet_group.update", sonetmock.Updated(7))

	renamed, err := archiver.RenameProjects(context.Background(), p.Client, "Draft: ", "")
	fmt.Println(renamed, err)
	fmt.Println(p.Sent("sonet_group.update"))
	// Output:
	// [7] <nil>
	// [map[GROUP_ID:[7] NAME:[launch]]]
}

// With the fake portal: seed state, run, look at the state. In a test,
// sonettest.Start(t) closes the server by itself.
func ExampleRenameProjects_fakePortal() {
	srv := sonettest.NewServer()
	defer srv.Close()
	srv.AddGroup(sonettest.NewProject("Draft: launch"))
	srv.AddGroup(sonettest.NewGroup("Draft: notes"))
	c, _ := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithTestDefaults())

	renamed, err := archiver.RenameProjects(context.Background(), c, "Draft: ", "")
	fmt.Println(renamed, err)
	for _, g := range srv.Groups() {
		fmt.Println(g.ID, g.Name)
	}
	// Output:
	// [1] <nil>
	// 1 launch
	// 2 Draft: notes
}
