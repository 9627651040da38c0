package sonet_test

import (
	"context"
	"fmt"
	"time"

	"github.com/b24kit/sonet"
	"github.com/b24kit/sonet/sonettest"
)

func ExampleClient_ScanWorkgroups() {
	// A fake portal in UTC+3 with 120 groups; every 40th is a project.
	zone := time.FixedZone("UTC+3", 3*3600)
	srv := sonettest.NewServer(sonettest.WithLocation(zone))
	defer srv.Close()
	for i := 1; i <= 120; i++ {
		g := sonettest.NewGroup(fmt.Sprint("Team ", i))
		g.Project = i%40 == 0
		srv.AddGroup(g)
	}
	c, _ := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithTestDefaults())

	// Every project after ID 10, two 50-row pages per batch request.
	for w, err := range c.ScanWorkgroups(context.Background(), &sonet.WorkgroupScanOptions{
		Filter:          sonet.WorkgroupFilter{sonet.FieldProject.Eq(true)},
		Select:          []sonet.WorkgroupField{sonet.WorkgroupFieldName, sonet.WorkgroupFieldType},
		AfterID:         10,
		PagesPerRequest: 2,
		Location:        zone,
		Progress: func(p sonet.ScanProgress) {
			fmt.Printf("request %d: %d rows so far\n", p.Requests, p.Rows)
		},
	}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(w.ID, w.Name, w.Type)
	}

	// All 120 workgroups, IDs only: 50 pages of 50 fit in one request.
	n := 0
	for _, err := range c.ScanWorkgroups(context.Background(), nil) {
		if err != nil {
			fmt.Println(err)
			return
		}
		n++
	}
	fmt.Println(n, "workgroups")
	// Output:
	// 40 Team 40 project
	// 80 Team 80 project
	// 120 Team 120 project
	// request 1: 3 rows so far
	// 120 workgroups
}
