package sonet_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/b24kit/sonet"
	"github.com/b24kit/sonet/sonettest"
)

func ExampleClient_GetWorkgroup() {
	// A fake portal in UTC+3 whose clock stands still.
	zone := time.FixedZone("UTC+3", 3*3600)
	now := time.Date(2026, 3, 19, 15, 1, 27, 0, zone)
	srv := sonettest.NewServer(sonettest.WithLocation(zone), sonettest.WithClock(func() time.Time { return now }))
	defer srv.Close()
	launch := sonettest.NewProject("Launch")
	launch.Keywords = "launch, q2"
	srv.AddGroup(launch)
	c, _ := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithTestDefaults())
	ctx := context.Background()

	w, err := c.GetWorkgroup(ctx, 1, &sonet.WorkgroupGetOptions{
		Select:   []sonet.WorkgroupSelect{sonet.WorkgroupSelectTags},
		Location: zone, // the portal's time zone: its dates carry no offset
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(w.ID, w.Name, w.Type, w.Tags, w.Members)
	fmt.Println(w.DateCreateText, "=", w.DateCreate.Format(time.RFC3339))

	_, err = c.GetWorkgroup(ctx, 99, nil)
	fmt.Println(errors.Is(err, sonet.ErrWorkgroupNotFound), errors.Is(err, sonet.ErrNotFound))
	// Output:
	// 1 Launch project [launch q2] [1]
	// 03/19/2026 15:01:27 = 2026-03-19T15:01:27+03:00
	// true true
}

func ExampleClient_ListWorkgroups() {
	// A fake portal in UTC+3 whose clock stands still.
	zone := time.FixedZone("UTC+3", 3*3600)
	now := time.Date(2026, 3, 19, 15, 1, 27, 0, zone)
	srv := sonettest.NewServer(sonettest.WithLocation(zone), sonettest.WithClock(func() time.Time { return now }))
	defer srv.Close()
	srv.AddGroup(sonettest.NewGroup("Alpha"))
	srv.AddGroup(sonettest.NewProject("Beta project"))
	srv.AddGroup(sonettest.NewProject("Gamma project"))
	c, _ := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithTestDefaults())

	p, err := c.ListWorkgroups(context.Background(), &sonet.WorkgroupListOptions{
		Filter: sonet.WorkgroupFilter{sonet.FieldProject.Eq(true), sonet.FieldName.Like("project")},
		Select: []sonet.WorkgroupField{sonet.WorkgroupFieldName, sonet.WorkgroupFieldType, sonet.WorkgroupFieldDateCreate},
		Order:  sonet.Order{sonet.FieldID.Asc()},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, w := range p.Items {
		fmt.Println(w.ID, w.Name, w.Type, w.DateCreate.Format(time.RFC3339))
	}
	fmt.Println("total:", p.Total, "more:", p.HasNext)
	// Output:
	// 2 Beta project project 2026-03-19T15:01:27+03:00
	// 3 Gamma project project 2026-03-19T15:01:27+03:00
	// total: 2 more: false
}

func ExampleClient_AllWorkgroups() {
	srv := sonettest.NewServer()
	defer srv.Close()
	c, _ := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithTestDefaults())
	for i := 1; i <= 120; i++ {
		srv.AddGroup(sonettest.NewGroup(fmt.Sprint("Group ", i)))
	}

	// NoCount: start=-1 and an ID cursor, the fast walk for large portals.
	n, last := 0, 0
	for w, err := range c.AllWorkgroups(context.Background(), &sonet.WorkgroupListOptions{NoCount: true}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		n, last = n+1, w.ID
	}
	fmt.Println(n, "groups, last ID", last, "in", len(srv.Requests()), "requests")
	// Output:
	// 120 groups, last ID 120 in 3 requests
}

func ExampleWorkgroupListOptions_Encode() {
	body, err := (&sonet.WorkgroupListOptions{
		Filter:  sonet.WorkgroupFilter{sonet.FieldActive.Eq(true), sonet.FieldName.LikePattern("%group%")},
		Select:  []sonet.WorkgroupField{sonet.WorkgroupFieldID, sonet.WorkgroupFieldName},
		Order:   sonet.Order{sonet.FieldID.Desc()},
		Params:  sonet.WorkgroupListParams{IsAdmin: sonet.Yes, ShouldSelectDialogID: sonet.Yes},
		NoCount: true,
	}).Encode()
	fmt.Println(body, err)
	// Output:
	// filter[ACTIVE]=Y&filter[%3D%25NAME]=%25group%25&select[0]=ID&select[1]=NAME&order[ID]=DESC&params[IS_ADMIN]=Y&params[shouldSelectDialogId]=Y&start=-1 <nil>
}

func ExampleParsePortalTime() {
	zone := time.FixedZone("UTC+2", 2*3600)
	for _, s := range []string{"04/17/2025 19:37:55", "17.04.2025 19:37:55", "04/05/2025 10:00:00", "today, 12:16"} {
		t, ok := sonet.ParsePortalTime(s, zone, sonet.DateOrderUnknown)
		fmt.Println(s, "->", ok, t.Format(time.RFC3339))
	}
	// With the portal's order known, 04/05 reads one way:
	t, ok := sonet.ParsePortalTime("04/05/2025 10:00:00", zone, sonet.DayMonth)
	fmt.Println("DD/MM: 04/05/2025 10:00:00 ->", ok, t.Format(time.RFC3339))
	// Output:
	// 04/17/2025 19:37:55 -> true 2025-04-17T19:37:55+02:00
	// 17.04.2025 19:37:55 -> true 2025-04-17T19:37:55+02:00
	// 04/05/2025 10:00:00 -> false 0001-01-01T00:00:00Z
	// today, 12:16 -> false 0001-01-01T00:00:00Z
	// DD/MM: 04/05/2025 10:00:00 -> true 2025-05-04T10:00:00+02:00
}

func ExampleWithDateOrder() {
	// A portal whose regional format puts the day first, in UTC+2.
	zone := time.FixedZone("UTC+2", 2*3600)
	srv := sonettest.NewServer(sonettest.WithLocation(zone), sonettest.WithDateLayout("02/01/2006 15:04:05"))
	defer srv.Close()
	g := sonettest.NewGroup("Spring plan")
	g.DateCreate = time.Date(2026, 3, 4, 9, 30, 0, 0, zone) // written 04/03/2026: it reads both ways
	id := srv.AddGroup(g)

	client, err := sonet.NewWebhookClient(srv.WebhookURL(), sonet.WithTestDefaults(),
		sonet.WithPortalLocation(zone), sonet.WithDateOrder(sonet.DayMonth))
	if err != nil {
		panic(err)
	}
	w, err := client.GetWorkgroup(context.Background(), id, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(w.DateCreateText, "->", w.DateCreate.Format("2 January 2006 15:04 -07:00"))
	// Output: 04/03/2026 09:30:00 -> 4 March 2026 09:30 +02:00
}
