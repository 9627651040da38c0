package sonet_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/b24kit/sonet"
	"github.com/b24kit/sonet/sonettest"
)

// Create a group, read it back and update it in one HTTP request: the later
// commands take the new ID from the first through references.
func ExampleClient_RunBatch() {
	srv := sonettest.NewServer()
	defer srv.Close()
	c, _ := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithTestDefaults())

	b := sonet.NewBatch()
	b.Halt = true // chained commands need halt
	created := sonet.BatchCreateGroup(b, &sonet.GroupCreateRequest{Name: "Launch"})
	got := sonet.BatchGetGroup(b, 0, sonet.SetParam("GROUP_ID", created.Ref()))
	sonet.BatchUpdateGroup(b, &sonet.GroupUpdateRequest{Keywords: sonet.String("q3")},
		sonet.SetParam("GROUP_ID", got.Ref(0, "ID")))
	if err := c.RunBatch(context.Background(), b); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(created.Value(), got.Value().Name, len(srv.Requests()))
	// Output: 1 Launch 1
}

// Commands fail one by one: each handle has its own value or error, and
// RunBatch lists what failed and what did not run.
func ExampleBatchError() {
	srv := sonettest.NewServer()
	defer srv.Close()
	c, _ := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithTestDefaults())

	b := sonet.NewBatch()
	ok := sonet.BatchCreateGroup(b, &sonet.GroupCreateRequest{Name: "Kept"})
	gone := sonet.BatchDeleteGroup(b, 404)
	err := c.RunBatch(context.Background(), b)

	var be *sonet.BatchError
	if errors.As(err, &be) {
		fmt.Println("failed:", be.Failed, "not run:", be.NotRun)
	}
	fmt.Println(ok.Value(), errors.Is(gone.Err(), sonet.ErrNotFound))
	// Output:
	// failed: [c1] not run: []
	// 1 true
}

// Walk every group in ID order, 2,500 groups an HTTP request.
func ExampleClient_ScanGroups() {
	srv := sonettest.NewServer()
	defer srv.Close()
	for i := 1; i <= 120; i++ {
		srv.AddGroup(sonettest.NewGroup(fmt.Sprint("Team ", i)))
	}
	c, _ := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithTestDefaults())

	n, last := 0, ""
	opts := &sonet.GroupScanOptions{Progress: func(p sonet.ScanProgress) {
		fmt.Printf("%d of %d groups after %d requests\n", p.Rows, p.Total, p.Requests)
	}}
	for g, err := range c.ScanGroups(context.Background(), opts) {
		if err != nil {
			fmt.Println(err)
			return
		}
		n, last = n+1, g.Name
	}
	fmt.Println(n, last)
	// Output:
	// 50 of 120 groups after 1 requests
	// 120 of 120 groups after 2 requests
	// 120 Team 120
}

// EnsureGroup is the idempotent create: run twice, it returns the same
// group. Here the first create's answer is lost (the connection drops after
// the portal made the group); EnsureGroup finds the group instead of
// making a second one.
func ExampleClient_EnsureGroup() {
	srv := sonettest.NewServer(sonettest.WithFaults(sonettest.Faults{Drop: 1, Methods: []string{"sonet_group.create"}}))
	defer srv.Close()
	c, _ := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithTestDefaults())

	req := &sonet.GroupCreateRequest{Name: "Import 2026"}
	id, created, err := c.EnsureGroup(context.Background(), req)
	fmt.Println(id, created, err)
	id, created, err = c.EnsureGroup(context.Background(), req)
	fmt.Println(id, created, err, len(srv.Groups()))
	// Output:
	// 1 true <nil>
	// 1 false <nil> 1
}

// FindGroupsByName compares names exactly; the portal's own filter ignores
// case.
func ExampleClient_FindGroupsByName() {
	srv := sonettest.NewServer()
	defer srv.Close()
	srv.AddGroup(sonettest.NewGroup("Sales"))
	srv.AddGroup(sonettest.NewGroup("SALES"))
	c, _ := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithoutRateLimit())

	groups, err := c.FindGroupsByName(context.Background(), "Sales")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, g := range groups {
		fmt.Println(g.ID, g.Name)
	}
	// Output: 1 Sales
}

// Any method can go into a batch with a result type of your choice.
func ExampleBatchCall() {
	srv := sonettest.NewServer()
	defer srv.Close()
	srv.AddGroup(sonettest.NewGroup("Marketing"))
	c, _ := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithTestDefaults())

	type row struct {
		ID   string `json:"ID"`
		NAME string `json:"NAME"`
	}
	b := sonet.NewBatch()
	rows := sonet.BatchCall[[]row](b, "sonet_group.get", map[string]any{"FILTER": map[string]any{"%NAME": "market"}})
	access := sonet.BatchCall[bool](b, "sonet_group.feature.access", map[string]any{"GROUP_ID": 1, "FEATURE": "tasks", "OPERATION": "view"})
	if err := c.RunBatch(context.Background(), b); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rows.Value(), access.Value())
	// Output: [{1 Marketing}] true
}
