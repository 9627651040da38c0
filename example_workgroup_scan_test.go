package sonet_test

import (
	"context"
	"fmt"

	"github.com/b24kit/sonet"
	"github.com/b24kit/sonet/sonettest"
)

func ExampleClient_ScanWorkgroups() {
	var groups []sonettest.Group
	for i := 1; i <= 120; i++ {
		g := sonettest.NewGroup(fmt.Sprint("Team ", i))
		g.Project = i%40 == 0
		groups = append(groups, g)
	}
	srv, c, zone := workgroupDemo(groups...)
	defer srv.Close()

	// Every project after ID 10, two 50-row pages per batch request.
	for w, err := range c.ScanWorkgroups(context.Background(), &sonet.WorkgroupScanOptions{
		Filter:          sonet.Filter{sonet.WorkgroupFilterProject.Eq(true)},
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
