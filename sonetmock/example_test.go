package sonetmock_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/b24kit/sonet"
	"github.com/b24kit/sonet/sonetmock"
	"github.com/b24kit/sonet/sonettest"
	"github.com/jarcoal/httpmock"
)

// A test of code that lists groups and renames some, with answers built
// from typed values. In a test pass t instead of nil.
func ExampleNew() {
	p := sonetmock.New(nil)
	p.On("sonet_group.get", sonetmock.Groups(sonet.Group{ID: 7, Name: "Draft launch", Project: true}))
	p.On("sonet_group.update", sonetmock.Updated(7))

	// The code under test.
	ctx := context.Background()
	for g, err := range p.Client.AllGroups(ctx, nil) {
		if err != nil {
			fmt.Println(err)
			return
		}
		name := strings.TrimPrefix(g.Name, "Draft ")
		if _, err := p.Client.UpdateGroup(ctx, &sonet.GroupUpdateRequest{GroupID: g.ID, Name: &name}); err != nil {
			fmt.Println(err)
		}
	}

	fmt.Println(p.Sent("sonet_group.update"))
	// Output: [map[GROUP_ID:[7] NAME:[launch]]]
}

// What a page of sonet_group.get looks like on the wire.
func ExampleGroupPage() {
	a := sonetmock.GroupPage(sonet.Page[sonet.Group]{
		Items:    []sonet.Group{{ID: 51, Name: "Page two", Active: true}},
		Total:    51,
		HasTotal: true,
	})
	body := string(a.Body)
	fmt.Println(a.Status, body[:strings.Index(body, `,"time"`)])
	// Output:
	// 200 {"result":[{"ID":"51","SITE_ID":"","NAME":"Page two","DESCRIPTION":null,"DATE_CREATE":null,"DATE_UPDATE":null,"ACTIVE":"Y","VISIBLE":"N","OPENED":"N","CLOSED":"N","SUBJECT_ID":"0","OWNER_ID":"0","KEYWORDS":null,"NUMBER_OF_MEMBERS":"0","DATE_ACTIVITY":null,"SUBJECT_NAME":"","PROJECT":"N","IS_EXTRANET":"N"}],"total":51
}

// A batch in which one command fails.
func ExampleBatch() {
	p := sonetmock.New(nil)
	p.On("batch", sonetmock.Batch(
		sonetmock.Cmd("c0", sonetmock.Created(77)),
		sonetmock.Cmd("c1", sonetmock.SonetError(string(sonet.ErrGroupNotFound))),
	))
	b := sonet.NewBatch()
	created := sonet.BatchCreateGroup(b, &sonet.GroupCreateRequest{Name: "New"})
	deleted := sonet.BatchDeleteGroup(b, 404)
	err := p.Client.RunBatch(context.Background(), b)

	var be *sonet.BatchError
	fmt.Println(errors.As(err, &be), be.Failed, created.Value(), errors.Is(deleted.Err(), sonet.ErrNotFound))
	// Output: true [c1] 77 true
}

// Record against a portal once (here the fake one), then replay offline.
func ExampleReplay() {
	dir, _ := os.MkdirTemp("", "sonetmock")
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "testdata", "get.json")

	srv := sonettest.NewServer(sonettest.WithWebhookCode("my-secret-code"))
	srv.AddGroup(sonettest.NewGroup("Recorded"))
	rec, _ := sonetmock.NewRecorder(file, nil)
	c, _ := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithTransport(rec), sonet.WithTestDefaults())
	c.GetGroup(context.Background(), 1)
	srv.Close()

	raw, _ := os.ReadFile(file)
	fmt.Println("secret in file:", strings.Contains(string(raw), "my-secret-code"))

	mt := httpmock.NewMockTransport()
	if err := sonetmock.Replay(mt, file); err != nil {
		fmt.Println(err)
		return
	}
	offline, _ := sonet.NewWebhookClient("https://portal.example/rest/1/any/", sonet.WithTransport(mt), sonet.WithTestDefaults())
	g, err := offline.GetGroup(context.Background(), 1)
	fmt.Println(g.Name, err)
	// Output:
	// secret in file: false
	// Recorded <nil>
}
